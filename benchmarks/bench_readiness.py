"""Readiness engine benchmarks: printed timings and ratios measured in the same run.

1. Exact assessment of the flagship scenario (target < 100 ms).
2. Fast-path margins vs the exact HiGHS solver on the flagship's structure, N parameter sets
   drawn from its ``uncertainty`` (targets: >= 100,000 margins/s and >= 50x the exact solver
   per evaluation).
3. ZOPA, Pareto frontier and Nash point on a discretised 3-party, 5-issue outcome space at
   about 10^4, 10^5 and 10^6 outcomes; against NegMAS when it is importable (it is not a
   dependency; install it only to run this comparison), otherwise against the reference
   timings quoted in the issue (NegMAS, 2-core machine, 10^6 outcomes: about 47 s for the
   frontier and 5.5 s for the ZOPA) - printed as such, never as a measurement.

Run: ``.venv/bin/python benchmarks/bench_readiness.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from detente.readiness import assess, compile_problem, margin_batch
from detente.readiness.problem import Problem
from detente.readiness.terms import efficient_axes, grid_utilities, pareto_mask

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "scenarios" / "russia-ukraine-2022-12.yaml"
NEGMAS_REFERENCE = {"frontier": 47.0, "zopa": 5.5}  # seconds at 10^6 outcomes (issue #3)


def best_of(fn: Callable[[], Any], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def bench_flagship() -> None:
    from detente.scenario import load

    if not FLAGSHIP.is_file():
        print("flagship scenario missing; skipping 1 and 2")
        return
    scenario = load(FLAGSHIP)
    assess(scenario)  # warm up imports and caches
    t = best_of(lambda: assess(scenario), repeat=7)
    print(f"1. exact assess of the flagship: {1000 * t:.1f} ms (target < 100 ms)")

    problem = compile_problem(scenario)
    params = problem.parameters()
    paths = [p for p in scenario.uncertainty if p in params and not params[p].discrete]
    if not paths:
        paths = [p for p, s in params.items() if s.kind == "cost"]
    rng = np.random.default_rng(0)
    lows = np.array([params[p].low for p in paths])
    highs = np.array([params[p].high for p in paths])
    n = 100_000
    draws = rng.uniform(lows, highs, size=(n, len(paths)))
    margin_batch(problem, draws[:1000], paths)
    t_fast = best_of(lambda: margin_batch(problem, draws, paths), repeat=3)
    n_exact = 200
    t_exact = best_of(
        lambda: margin_batch(problem, draws[:n_exact], paths, force_exact=True), repeat=1
    )
    fast_rate = n / t_fast
    exact_rate = n_exact / t_exact
    check = margin_batch(problem, draws[:n_exact], paths)
    ref = margin_batch(problem, draws[:n_exact], paths, force_exact=True)
    finite = np.isfinite(ref)
    err = float(np.max(np.abs(check[finite] - ref[finite]))) if finite.any() else 0.0
    print(
        f"2. fast path: {fast_rate:,.0f} margins/s over {len(paths)} uncertain judgments "
        f"(target >= 100,000); exact HiGHS: {exact_rate:,.0f} margins/s; "
        f"ratio {fast_rate / exact_rate:,.0f}x (target >= 50x); max |fast - exact| = {err:.1e}"
    )


def synthetic(points: int) -> Problem:
    """3 veto parties, 5 scale issues, random positions, saliences and no-deal values."""
    rng = np.random.default_rng(42)
    A, K = 3, 5
    return Problem(
        issues=tuple(f"i{k}" for k in range(K)),
        issue_labels=tuple(f"issue {k}" for k in range(K)),
        units=(None,) * K,
        options=((),) * K,
        low=np.zeros(K),
        high=np.ones(K),
        status_quo=np.full(K, 0.5),
        actors=("A", "B", "C"),
        actor_names=("A", "B", "C"),
        capability=np.ones(A),
        salience=rng.uniform(0.2, 1.0, (A, K)),
        has_position=np.ones((A, K), dtype=bool),
        position=rng.uniform(0, 1, (A, K)),
        values=np.full((A, K, 1), np.nan),
        has_no_deal=np.ones(A, dtype=bool),
        nd_outcome=np.full((A, K), 0.5),
        cost=np.full(A, 0.05),
    )


def grid_axes(problem: Problem, points: int) -> list[np.ndarray]:
    """Per issue, the grid values: ``points`` evenly spaced on a scale, every option's rank."""
    return [
        np.arange(len(problem.options[k]), dtype=float)
        if problem.options[k]
        else np.linspace(problem.low[k], problem.high[k], points)
        for k in range(problem.n_issues)
    ]


def grid_outcomes(axes: list[np.ndarray]) -> np.ndarray:
    """Every outcome of the product grid, one row each, in the C order of ``grid_utilities``."""
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([g.ravel() for g in mesh], axis=-1)


def bench_outcome_space() -> None:
    try:
        import negmas  # noqa: F401

        have_negmas = True
    except ImportError:
        have_negmas = False
    print("3. discretised 3-party, 5-issue space (ZOPA, Pareto frontier, Nash point):")
    for points in (6, 10, 16):
        problem = synthetic(points)
        axes = grid_axes(problem, points)
        X = grid_outcomes(axes)
        r = problem.reservation()

        def zopa(
            problem: Problem = problem, X: np.ndarray = X, r: np.ndarray = r, axes: Any = axes
        ) -> tuple[np.ndarray, np.ndarray]:
            U = grid_utilities(problem, axes)
            inside = np.all(r <= U, axis=1)
            return X[inside], U[inside]

        t_zopa = best_of(zopa, repeat=3)
        Xz, Uz = zopa()

        def frontier(problem: Problem = problem, points: int = points) -> np.ndarray:
            # the Pareto frontier of the whole grid (as NegMAS computes it)
            Ue = grid_utilities(problem, efficient_axes(problem, grid_axes(problem, points)))
            return np.asarray(Ue[pareto_mask(Ue)])

        t_front = best_of(frontier, repeat=3)
        front = frontier()

        def nash(Uz: np.ndarray = Uz, r: np.ndarray = r) -> int:
            return int(np.argmax(np.sum(np.log(np.maximum(Uz - r, 1e-300)), axis=1)))

        t_nash = best_of(nash, repeat=3)
        line = (
            f"   {X.shape[0]:>9,} outcomes: ZOPA {1000 * t_zopa:7.1f} ms ({Xz.shape[0]:,} in it), "
            f"frontier {1000 * t_front:7.1f} ms ({front.shape[0]:,} points), "
            f"Nash {1000 * t_nash:6.1f} ms"
        )
        if have_negmas:
            line += "\n" + _negmas(problem, points, r, t_zopa, t_front, t_nash)
        elif X.shape[0] >= 1_000_000:
            total_ref = NEGMAS_REFERENCE["frontier"]
            line += (
                f"\n   NegMAS not installed; reference timings quoted in the issue at 10^6: "
                f"frontier {total_ref:.0f} s -> ratio {total_ref / max(t_front, 1e-9):,.0f}x, "
                f"ZOPA {NEGMAS_REFERENCE['zopa']:.1f} s -> ratio "
                f"{NEGMAS_REFERENCE['zopa'] / max(t_zopa, 1e-9):,.0f}x (target >= 20x)"
            )
        print(line)


def _negmas(
    problem: Problem, points: int, r: np.ndarray, t_zopa: float, t_front: float, t_nash: float
) -> str:  # pragma: no cover - only where negmas is installed
    """Time NegMAS on the same space: rational outcomes (ZOPA), Pareto frontier, Nash point."""
    import itertools

    from negmas import make_issue
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.ops import is_rational, nash_points
    from negmas.preferences.ops import pareto_frontier as nm_frontier

    issues = [make_issue(values=points, name=f"i{k}") for k in range(problem.n_issues)]
    W = problem.weights()
    ufuns = []
    whole = []  # without reservation values: NegMAS then takes the frontier of the whole space
    for a in range(problem.n_actors):
        values = {
            f"i{k}": {
                j: float(1 - abs(j / (points - 1) - problem.position[a, k])) for j in range(points)
            }
            for k in range(problem.n_issues)
        }
        weights = {f"i{k}": float(W[a, k]) for k in range(problem.n_issues)}
        ufuns.append(
            LinearAdditiveUtilityFunction(
                values=values, weights=weights, issues=issues, reserved_value=float(r[a])
            )
        )
        whole.append(LinearAdditiveUtilityFunction(values=values, weights=weights, issues=issues))
    outcomes = list(itertools.product(range(points), repeat=problem.n_issues))
    t = time.perf_counter()
    zopa = [o for o in outcomes if is_rational(ufuns, o)]
    nm_zopa = time.perf_counter() - t
    t = time.perf_counter()
    nm_frontier(whole, issues=issues)  # like ours: the frontier of the whole grid
    nm_front = time.perf_counter() - t
    frontier, _ = nm_frontier(ufuns, issues=issues)  # its rational part, for the Nash point
    t = time.perf_counter()
    nash_points(ufuns, frontier, issues=issues)
    nm_nash = time.perf_counter() - t
    return (
        f"      NegMAS {negmas_version()}: ZOPA {nm_zopa:.2f} s ({len(zopa):,} in it; ratio "
        f"{nm_zopa / t_zopa:,.0f}x), frontier {nm_front:.2f} s (ratio {nm_front / t_front:,.0f}x), "
        f"Nash point from its frontier {nm_nash * 1000:.1f} ms (ours, over the whole ZOPA: "
        f"{t_nash * 1000:.1f} ms)"
    )


def negmas_version() -> str:  # pragma: no cover
    import negmas

    return str(getattr(negmas, "__version__", "?"))


if __name__ == "__main__":
    bench_flagship()
    bench_outcome_space()
