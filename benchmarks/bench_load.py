"""Load time of the flagship scenario (target: under 200 ms).

Prints the time to read, validate and compile the flagship (``detente.load``) and, as a baseline
measured in the same run, the time ruamel.yaml's round-trip loader takes just to parse the same
file into Python objects (no validation at all).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from ruamel.yaml import YAML

from detente.scenario import load

FLAGSHIP = Path(__file__).resolve().parents[1] / "scenarios" / "russia-ukraine-2022-12.yaml"
BUDGET = 0.200


def best_of(fn: object, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    text = FLAGSHIP.read_text(encoding="utf-8")
    ours = best_of(lambda: load(FLAGSHIP))
    baseline = best_of(lambda: YAML(typ="rt").load(text))
    lines = text.count("\n")
    print(f"flagship: {lines} lines, {len(text) / 1024:.0f} KiB")
    print(f"detente.load (read, validate, compile expressions): {ours * 1000:.1f} ms")
    print(f"baseline, ruamel.yaml round-trip parse only:         {baseline * 1000:.1f} ms")
    print(f"ratio load / parse-only: {ours / baseline:.2f}")
    ok = ours < BUDGET
    print(f"{'PASS' if ok else 'FAIL'}: {ours * 1000:.1f} ms {'<' if ok else '>='} 200 ms budget")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
