"""Throughput of the Monte Carlo machinery, and the speed-up from one to two worker processes.

1. Draws per second, in process, for a cheap vectorised model (a linear score and a category) over
   five judgments of mixed kinds (triangular, truncated normal, uniform, lognormal, choice),
   plain and Latin hypercube sampling; the baseline in the same run is the bare model on
   pre-drawn parameters, so the ratio is the overhead of seeded, chunk-invariant sampling.
   The beta inverse CDF (``scipy.special.betaincinv``, several microseconds a value) is timed
   on its own, against the normal's, as it dominates any run that uses it.
2. The same run on 1 and on 2 local processes (the process pool is warmed up first, so the
   ratio measures the parallel part, not interpreter start-up); outputs are checked identical.
3. A Sobol' analysis (base 4096) of the Ishigami function, for scale.

Wall-clock seconds; on a shared machine the ratio within one run is the meaningful figure.
Run: ``.venv/bin/python benchmarks/bench_uncertainty.py [N]`` (default N = 2,000,000).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np

from detente.uncertainty import DistributionSpec, Execution, Judgment, run, sample, sobol
from detente.uncertainty.testfunctions import Ishigami, Linear

T = TypeVar("T")
D = DistributionSpec.model_validate

SPECS = [
    Judgment("actors.UKR.no_deal.outcome.territory", D({"triangular": [20, 40, 70]}), (0, 100)),
    Judgment("actors.RUS.no_deal.cost", D({"normal": [0.10, 0.03]}), (0.0, 1.0)),
    Judgment("actors.USA.salience.territory", D({"uniform": [0.4, 0.9]}), (0.0, 1.0)),
    Judgment("actors.RUS.capability", D({"lognormal": [0.0, 0.25]}), (1e-9, 100.0)),
    Judgment("facts.usa_ready_to_talk", D({"choice": [True, False]}), (0.0, 1.0)),
]
MODEL = Linear(weights=(0.01, -2.0, 0.5, 0.2, 0.1), threshold=0.4)
BETA = D({"beta": [4, 2]})


def timed(fn: Callable[[], T], repeat: int = 1) -> tuple[T, float]:
    """Result and best wall seconds over ``repeat`` runs."""
    best = float("inf")
    out: T | None = None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    assert out is not None
    return out, best


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000_000
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"{n:,} draws of {len(SPECS)} judgments, cheap linear model; {os.cpu_count()} CPUs, "
        f"load average {load:.1f} (a speed-up needs an idle core)"
    )

    params = sample(SPECS, min(n, 1_000_000), seed=1)
    _, bare = timed(lambda: MODEL(params), repeat=3)
    bare_rate = params.shape[0] / bare
    print(f"  bare model on pre-drawn parameters : {bare_rate:14,.0f} draws/s  (baseline)")

    for method in ("plain", "lhs"):
        _, wall = timed(
            lambda m=method: run(MODEL, SPECS, n, execution=Execution(seed=7, method=m)), repeat=2
        )  # type: ignore[misc]
        rate = n / wall
        print(
            f"  run, {method:5s} sampling, in process   : {rate:14,.0f} draws/s  "
            f"({wall:.2f} s; {bare_rate / rate:.1f}x the bare model's time per draw)"
        )

    u = np.random.default_rng(0).random(200_000)
    _, beta_wall = timed(lambda: BETA.ppf(u), repeat=2)
    _, normal_wall = timed(lambda: SPECS[1].ppf(u), repeat=2)
    print(
        f"  beta inverse CDF: {u.size / beta_wall:,.0f} values/s "
        f"({beta_wall / normal_wall:.0f}x the truncated normal's time)"
    )

    run(
        MODEL, SPECS, 200_000, execution=Execution(seed=7, workers=2)
    )  # start the fork server and warm the pool
    one, wall1 = timed(
        lambda: run(MODEL, SPECS, n, execution=Execution(seed=7, workers=1)), repeat=2
    )
    two, wall2 = timed(
        lambda: run(MODEL, SPECS, n, execution=Execution(seed=7, workers=2)), repeat=2
    )
    same = all(np.array_equal(one[k], two[k]) for k in one)
    print(f"  1 worker  : {wall1:6.2f} s  {n / wall1:14,.0f} draws/s")
    print(f"  2 workers : {wall2:6.2f} s  {n / wall2:14,.0f} draws/s")
    print(f"  speed-up 1 -> 2 workers: {wall1 / wall2:.2f}x  (outputs identical: {same})")

    box = D({"uniform": [-np.pi, np.pi]})
    ishigami = [Judgment(f"x{k}", box) for k in (1, 2, 3)]
    result, wall = timed(lambda: sobol(Ishigami(), ishigami, 4096, execution=Execution(seed=1)))
    rows = {r.judgment: round(r.ST, 3) for r in result.for_output("y")}
    print(f"  Sobol' of Ishigami, base 4096 (20,480 runs): {wall:.2f} s; ST = {rows}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
