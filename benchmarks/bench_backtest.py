"""Benchmark: ``detente backtest scenarios/history --json`` must take under 60 s on 2 cores.

Prints the wall time of the whole backtest (default draws, 2 worker processes, bootstrap and
JSON included), the time of each case, and the ratio to a baseline measured in the same run: the
readiness Monte Carlo alone (``simulate`` without sensitivity, in process) on every case at the
same draws.  The ratio says what the backtest adds to the engine's own work (processes,
bootstrap, output) and how much the two workers save.  Exit code 1 when the backtest takes 60 s
or more.

Run: ``.venv/bin/python benchmarks/bench_backtest.py [DIR]``
"""

from __future__ import annotations

import contextlib
import io
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "scenarios" / "history"
BUDGET_S = 60.0


def _files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.yaml"))


def main() -> int:
    from detente.cli import main as cli
    from detente.record import DEFAULT_DRAWS, forecast_questions
    from detente.scenario import load
    from detente.uncertainty import simulate

    directory = Path(sys.argv[1]) if len(sys.argv) > 1 else HISTORY
    files = _files(directory)
    folder = files[0].parent
    scenarios = [load(f) for f in files]
    forecast_questions(scenarios[0], n=10)  # warm up imports

    baseline = 0.0
    cpus = []
    for f, s in zip(files, scenarios, strict=True):
        t0, c0 = time.perf_counter(), time.process_time()
        if s.uncertainty:
            simulate(s.at(s.as_of) if s.as_of else s, n=DEFAULT_DRAWS, sensitivity=False)
        took = time.perf_counter() - t0
        cpus.append(time.process_time() - c0)
        baseline += took
        print(f"  {f.name:<32} simulate -n {DEFAULT_DRAWS}: {took:6.2f} s ({cpus[-1]:.2f} s CPU)")

    t0, c0 = time.perf_counter(), time.process_time()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli(["backtest", str(folder), "--json"])
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    if code != 0:
        print(f"backtest failed with exit code {code}")
        return 1
    ok = wall < BUDGET_S
    # On two idle cores the cases split over two workers: at best half the CPU, at worst the
    # costliest case alone.  (On a loaded machine wall times say little; CPU times say more.)
    idle = max(sum(cpus) / 2, max(cpus))
    print(
        f"baseline, the readiness Monte Carlo alone on {len(files)} cases in process: "
        f"{baseline:.2f} s wall, {sum(cpus):.2f} s CPU -> about {idle:.0f} s on 2 idle cores"
    )
    print(
        f"detente backtest {directory.relative_to(ROOT) if directory.is_relative_to(ROOT) else directory} "
        f"--json ({DEFAULT_DRAWS} draws, 2 workers): {wall:.2f} s wall, {cpu:.2f} s CPU in the "
        f"parent -> {wall / baseline:.2f}x the baseline; {'PASS' if ok else 'FAIL'} "
        f"(target < {BUDGET_S:.0f} s)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
