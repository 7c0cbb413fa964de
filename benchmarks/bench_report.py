"""Benchmark: the flagship's HTML briefing without simulation must take under 3 s.

Prints the time of the whole report (best of 3; engines, charts, HTML) and its CPU time, a
breakdown by section (each built alone, beyond the sections every briefing has) and the page
(charts to SVG and HTML), and the ratio to a baseline measured in the same run: rendering one
reference bar chart to SVG with vl-convert (after a warm-up, so that the one-off start of
vl-convert's JavaScript runtime is counted in neither).  Exit code 1 when the report takes 3 s
or more.

Run: ``.venv/bin/python benchmarks/bench_report.py [SCENARIO]``
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "scenarios" / "russia-ukraine-2022-12.yaml"
BUDGET_S = 3.0


def _best(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _reference_svg() -> Callable[[], str]:
    """Rendering one small bar chart to SVG, offline, as the briefing renders (the baseline)."""
    import altair as alt
    import pandas as pd

    from detente.briefing.charts import to_svg

    frame = pd.DataFrame({"k": [f"item {i}" for i in range(10)], "v": range(10)})
    reference = alt.Chart(frame).mark_bar().encode(x="v:Q", y="k:N")
    return lambda: to_svg(reference)


def main(argv: list[str]) -> int:
    from detente.briefing import SECTIONS, build_briefing, render_html, report
    from detente.scenario import load

    path = Path(argv[0]) if argv else FLAGSHIP
    scenario = load(path)

    reference = _reference_svg()
    reference()  # warm-up: starts vl-convert's runtime
    baseline = _best(reference, repeat=5)

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "briefing.html"
        cpu0 = time.process_time()
        total = _best(lambda: report(scenario, output=out, overwrite=True), repeat=3)
        cpu = (time.process_time() - cpu0) / 3
        size = out.stat().st_size

    core = _best(lambda: build_briefing(scenario, sections=()), repeat=1)
    parts = {"summary, actor cards, sources": core}
    for section in SECTIONS:
        if section == "montecarlo":
            continue
        t = _best(lambda s=section: build_briefing(scenario, sections=[s]), repeat=1)  # type: ignore[misc]
        parts[section] = max(t - core, 0.0)
    briefing = build_briefing(scenario)
    parts["charts to SVG and HTML"] = _best(lambda: render_html(briefing), repeat=1)

    print(f"scenario: {path.name}")
    print(f"baseline (one reference chart to SVG): {baseline * 1000:.1f} ms")
    print(f"report without simulation: {total:.3f} s ({size / 1024:.0f} KiB HTML)")
    print(f"ratio report / baseline: {total / baseline:.1f}")
    # on a shared machine the wall time includes waiting for a core; CPU time does not
    print(f"CPU time per report (all threads of this process): {cpu:.3f} s")
    print("breakdown (each optional section alone, beyond the core):")
    for name, t in parts.items():
        print(f"  {name:<32} {t:7.3f} s")
    ok = total < BUDGET_S
    print(f"{'PASS' if ok else 'FAIL'}: {total:.3f} s {'<' if ok else '>='} {BUDGET_S} s budget")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
