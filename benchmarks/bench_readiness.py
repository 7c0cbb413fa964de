"""Readiness engine benchmarks: printed timings and ratios measured in the same run.

1. Exact assessment of the flagship scenario (target < 100 ms), and the whole assessment as
   ``assess --json`` computes it (terms, clashes and levers too) for the base and a what-if with
   a ZOPA (Nash terms); wall time and CPU time (the machine is shared).
2. Fast-path margins vs the exact HiGHS solver on the flagship's structure, N parameter sets
   drawn from its ``uncertainty`` (targets: >= 100,000 margins/s and >= 50x the exact solver
   per evaluation).
4. The fast path with four and five veto parties (the Cyprus 2004 and Northern Ireland 1997
   history cases: 2,000 draws of their ``uncertainty``, probable red lines switched on and off
   draw by draw): the vectorised vertex enumeration against, in the same run, (a) the previous
   enumeration (one LAPACK solve and determinant per vertex system, every system evaluated for
   every option combination, small chunks), kept here as the baseline, and (b) the exact HiGHS
   solver per draw.
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
from detente.readiness.frontier import (
    efficient_axes,
    grid_axes,
    grid_outcomes,
    grid_utilities,
    pareto_mask,
)
from detente.readiness.problem import Problem

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "scenarios" / "russia-ukraine-2022-12.yaml"
NEGMAS_REFERENCE = {"frontier": 47.0, "zopa": 5.5}  # seconds at 10^6 outcomes (issue #3)


def best_of(
    fn: Callable[[], Any], repeat: int = 5, clock: Callable[[], float] = time.perf_counter
) -> float:
    times = []
    for _ in range(repeat):
        t = clock()
        fn()
        times.append(clock() - t)
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
    for name in (None, "west-forces-kyivs-hand"):
        variant = scenario if name is None else scenario.variant(name)
        wall = best_of(lambda v=variant: assess(v).to_dict(), repeat=3)
        cpu = best_of(lambda v=variant: assess(v).to_dict(), repeat=3, clock=time.process_time)
        print(
            f"   whole assessment ({name or 'base'}: verdict, terms, clashes, levers): "
            f"{1000 * wall:.0f} ms wall, {1000 * cpu:.0f} ms CPU"
        )

    problem = compile_problem(scenario)
    params = problem.parameters()
    paths = [p for p in scenario.uncertainty if p in params and not problem.is_discrete(params[p])]
    if not paths:
        paths = [p for p, s in params.items() if s.role == "cost"]
    rng = np.random.default_rng(0)
    lows = np.array([params[p].low for p in paths], dtype=float)
    highs = np.array([params[p].high for p in paths], dtype=float)
    n = 100_000
    draws = rng.uniform(lows, highs, size=(n, len(paths)))
    margin_batch(problem, draws[:1000], paths)
    t_fast = best_of(lambda: margin_batch(problem, draws, paths), repeat=3)
    n_exact = 200
    margin_batch(problem, draws[:2], paths, force_exact=True)  # load the solver once
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


def bench_outcome_space() -> None:
    try:
        import negmas  # noqa: F401

        have_negmas = True
    except ImportError:
        have_negmas = False
    print("3. discretised 3-party, 5-issue space (ZOPA, Pareto frontier, Nash point):")
    for points in (6, 10, 16):
        problem = synthetic(points)
        X = grid_outcomes(problem, points, 2_000_000)
        r = problem.reservation()

        axes = grid_axes(problem, points)

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


def _previous_vertex_minimum(vals: np.ndarray, q: np.ndarray, Ks: int) -> np.ndarray:
    """The fast path's vertex step as it was before issue 13 (the baseline of section 4): every
    system solved with LAPACK, no vertex filtering, phi for every system and combination."""
    import itertools

    D, A = vals.shape[0], vals.shape[1]
    normals = []
    for col in range(Ks):
        for b1, b2 in itertools.combinations(range(A), 2):
            normals.append(vals[:, :, col, b1] - vals[:, :, col, b2])
    for a in range(A):
        e = np.zeros((D, A))
        e[:, a] = 1.0
        normals.append(e)
    N = np.stack(normals, axis=1)
    choose = np.array(list(itertools.combinations(range(N.shape[1]), A - 1)), dtype=np.int64)
    S = choose.shape[0]
    M = np.empty((D, S, A, A))
    M[:, :, : A - 1, :] = N[:, choose, :]
    M[:, :, A - 1, :] = 1.0
    det = np.linalg.det(M)
    good = np.abs(det) > 1e-12
    M[~good] = np.eye(A)
    rhs = np.zeros((D, S, A, 1))
    rhs[:, :, A - 1, 0] = 1.0
    lam = np.linalg.solve(M, rhs)[..., 0]
    good &= np.all(lam >= -1e-9, axis=-1)
    lam = np.clip(lam, 0.0, None)
    lam /= np.maximum(lam.sum(axis=-1, keepdims=True), 1e-300)
    hval = np.einsum("dsa,dakb->dskb", lam, vals).max(axis=-1).sum(axis=-1) if Ks else 0.0
    phi = hval + np.zeros((D, S)) if Ks else np.zeros((D, S))
    phi = phi[:, :, None] + np.einsum("dsa,dac->dsc", lam, q)
    phi = np.where(good[:, :, None], phi, np.inf)
    return np.asarray(phi.min(axis=1))


def bench_many_vetoes() -> None:
    print("4. fast path with 4 and 5 veto parties (2,000 draws each):")
    for name in ("cyprus-2004", "northern-ireland-1997"):
        _many_vetoes(name)


def _many_vetoes(name: str) -> None:
    import math

    from detente.readiness import fastpath
    from detente.scenario import load
    from detente.uncertainty.models import uncertain_judgments
    from detente.uncertainty.sampling import sample

    path = ROOT / "scenarios" / "history" / f"{name}.yaml"
    scenario = load(path)
    scenario = scenario.at(scenario.as_of) if scenario.as_of else scenario
    problem = compile_problem(scenario)
    judgments = uncertain_judgments(scenario)
    paths = [j.path for j in judgments]
    draws = sample(judgments, 2000, seed=0)
    margin_batch(problem, draws[:50], paths)  # warm up
    t_new = best_of(lambda: margin_batch(problem, draws, paths), repeat=3)
    new = margin_batch(problem, draws, paths)
    # the baseline: the previous vertex step and its chunks (500,000 elements over
    # S (K_scale A^2 + C) per draw), in this run
    A = problem.n_actors
    Ks = int((~problem.is_option).sum())
    S = math.comb(Ks * A * (A - 1) // 2 + A, A - 1)
    C = int(np.prod(problem.n_options[problem.is_option])) if problem.is_option.any() else 1
    old_chunk = max(1, 500_000 // (S * (Ks * A * A + C)))
    per_row = S * (A * A + 2**A + 2 * A) + A * C
    saved = fastpath._vertex_minimum, fastpath._CHUNK_ELEMENTS
    fastpath._vertex_minimum = _previous_vertex_minimum  # type: ignore[assignment]
    fastpath._CHUNK_ELEMENTS = old_chunk * per_row
    try:
        t_old = best_of(lambda: margin_batch(problem, draws, paths), repeat=1)
        old = margin_batch(problem, draws[:200], paths)
    finally:
        fastpath._vertex_minimum, fastpath._CHUNK_ELEMENTS = saved
    n_exact = 60
    t_exact = best_of(
        lambda: margin_batch(problem, draws[:n_exact], paths, force_exact=True), repeat=1
    )
    exact = margin_batch(problem, draws[:n_exact], paths, force_exact=True)
    both = np.isfinite(exact)
    err = float(np.max(np.abs(new[:n_exact][both] - exact[both]))) if both.any() else 0.0
    agree = bool(np.allclose(new[:200], old, atol=1e-9, equal_nan=True))
    exact_all = t_exact / n_exact * 2000
    print(
        f"   {name} ({A} veto parties, {Ks} scale issues, {C} option combinations, "
        f"{S:,} vertex systems): {t_new:.2f} s for 2,000 draws; previous enumeration "
        f"{t_old:.2f} s -> {t_old / t_new:.1f}x faster (same margins: {agree}); exact HiGHS "
        f"{exact_all:.1f} s extrapolated -> {exact_all / t_new:.0f}x; "
        f"max |fast - exact| = {err:.1e}"
    )


if __name__ == "__main__":
    bench_flagship()
    bench_many_vetoes()
    bench_outcome_space()
