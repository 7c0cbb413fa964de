"""Monte Carlo on the flagship: draws per second of the readiness and forecast engines, the
speed-up from one to two worker processes, and the 100,000-draw run of ``detente simulate``.

Targets (issue "Uncertainty at scale"): ``detente simulate FLAGSHIP -n 100000`` in under 10 s on
2 cores.  The baseline measured in the same run is the exact solver, one HiGHS solve per draw, on
a small sample (the fast path is what makes the Monte Carlo vectorised).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from detente.readiness.margin import exact_margin
from detente.scenario import load
from detente.uncertainty.models import forecast_model, readiness_model, uncertain_judgments
from detente.uncertainty.runner import Execution, run
from detente.uncertainty.simulate import simulate

FLAGSHIP = Path(__file__).resolve().parents[1] / "scenarios" / "russia-ukraine-2022-12.yaml"


def timed(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> int:
    scenario = load(FLAGSHIP)
    judgments = uncertain_judgments(scenario)
    readiness = readiness_model(scenario, judgments)
    forecast = forecast_model(scenario, judgments)
    run(
        readiness, judgments, 1000, execution=Execution(seed=0)
    )  # warm up (imports, first HiGHS call)

    n = 100_000
    t1 = timed(lambda: run(readiness, judgments, n, execution=Execution(seed=1, chunk_size=8192)))
    t2 = timed(
        lambda: run(
            readiness, judgments, n, execution=Execution(seed=1, chunk_size=8192, workers=2)
        )
    )
    print(
        f"readiness engine, {n:,} draws: {n / t1:,.0f} draws/s in process; {n / t2:,.0f} "
        f"draws/s on 2 workers (speed-up {t1 / t2:.2f}x: starting the processes dominates)"
    )
    big = 1_000_000
    b1 = timed(lambda: run(readiness, judgments, big, execution=Execution(seed=1)))
    b2 = timed(lambda: run(readiness, judgments, big, execution=Execution(seed=1, workers=2)))
    print(
        f"readiness engine, {big:,} draws: {big / b1:,.0f} draws/s in process; "
        f"{big / b2:,.0f} draws/s on 2 workers (speed-up {b1 / b2:.2f}x)"
    )

    m = 20
    params = np.array([[j.ppf(np.array([0.5]))[0] for j in judgments]] * m)
    paths = [j.name for j in judgments]
    exact = timed(
        lambda: [
            exact_margin(readiness.problem.with_params(dict(zip(paths, row, strict=True))))
            for row in params
        ]
    )
    print(
        f"baseline, exact solver per draw: {m / exact:,.0f} draws/s "
        f"-> the vectorised fast path is {(n / t1) / (m / exact):,.0f}x faster"
    )

    nf = 5_000
    f1 = timed(lambda: run(forecast, judgments, nf, execution=Execution(seed=1, chunk_size=1024)))
    f2 = timed(
        lambda: run(
            forecast, judgments, nf, execution=Execution(seed=1, chunk_size=1024, workers=2)
        )
    )
    print(
        f"forecast engine ({len(forecast.issues)} issues, 8 rounds): {nf / f1:,.0f} draws/s in "
        f"process; {nf / f2:,.0f} draws/s on 2 workers (speed-up {f1 / f2:.2f}x)"
    )

    total = timed(lambda: simulate(scenario, n=n, execution=Execution(seed=0)))
    ok = total < 10.0
    print(
        f"simulate flagship -n {n:,} (verdicts, quantiles, Sobol' and tornado): {total:.2f} s "
        f"-> {'PASS' if ok else 'FAIL'} (target < 10 s)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
