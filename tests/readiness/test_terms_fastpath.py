"""Nash terms (optimality), the Pareto filter (brute force) and the fast path (vs exact)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rhelpers import fearon, make_problem
from rscen import random_scenario

from detente.readiness import compile_problem, exact_margin, margin_batch, nash_solution
from detente.readiness.frontier import (
    efficient_axes,
    grid_axes,
    grid_outcomes,
    pareto_frontier,
    pareto_mask,
)
from detente.readiness.problem import THETA, RedLine, instantiate
from detente.scenario.expr import LinAtom

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@settings(max_examples=30)
@given(lo=st.floats(0.0, 0.9), width=unit, ca=unit, cb=unit, w=st.floats(0.05, 0.95))
def test_nash_in_fearon_model(lo: float, width: float, ca: float, cb: float, w: float) -> None:
    """u_A = x, u_B = 1 - x: the symmetric Nash point is the middle of the bargaining range
    [p_A - c_A, p_B + c_B], the weighted one divides it in the ratio of the weights."""
    hi = lo + 0.01 + width * (1.0 - lo - 0.01)
    c_a = ca * (1.0 - lo)  # p_a = lo + c_a <= 1
    c_b = cb * hi  # p_b = hi - c_b >= 0
    problem = fearon(lo + c_a, hi - c_b, c_a, c_b)
    x = nash_solution(problem)
    assert x is not None
    assert x[0] == pytest.approx((lo + hi) / 2, abs=1e-6)
    xw = nash_solution(problem, weights=[w, 1 - w])
    assert xw is not None
    assert xw[0] == pytest.approx(lo + w * (hi - lo), abs=1e-6)


@pytest.mark.parametrize("seed", range(8))
def test_nash_beats_every_zopa_grid_point(seed: int) -> None:
    scenario = random_scenario(seed + 100, max_actors=3, max_issues=2)
    problem = compile_problem(scenario).with_params(
        {
            f"actors.{a}.no_deal.cost": 0.6
            for a in scenario.veto_actors
            if scenario.actors[a].no_deal is not None
        }
    )
    base = exact_margin(problem)
    if not base.feasible or base.margin <= 1e-6:
        return
    r = problem.reservation()
    x = nash_solution(problem, base=base)
    assert x is not None
    objective = float(np.sum(np.log(problem.utility(x) - r)))
    frontier = pareto_frontier(problem, points_per_issue=81)
    y = frontier.utilities - r
    inside = np.all(y > 0, axis=1)
    assert objective >= float(np.max(np.sum(np.log(y[inside]), axis=1))) - 1e-7


def test_pareto_mask_matches_brute_force() -> None:
    rng = np.random.default_rng(1)
    U = np.round(rng.uniform(0, 1, size=(600, 3)), 2)  # ties on purpose
    mask = pareto_mask(U, block=64)
    ge = np.all(U[None, :, :] >= U[:, None, :], axis=-1)
    gt = np.any(U[None, :, :] > U[:, None, :], axis=-1)
    dominated = np.any(ge & gt, axis=1)
    # equal rows: exactly one representative of each non-dominated utility vector
    assert not np.any(mask & dominated)
    kept = {tuple(u) for u in U[mask]}
    assert kept == {tuple(u) for u in U[~dominated]}
    assert mask.sum() == len(kept)


@st.composite
def problems(draw: st.DrawFn) -> tuple:
    A = draw(st.integers(2, 4))
    K = draw(st.integers(1, 3))
    opts = [draw(st.sampled_from([0, 0, 3])) for _ in range(K)]
    if A == 4:
        opts = [3 if k else 0 for k in range(K)]  # keep the vertex enumeration small
    rng = np.random.default_rng(draw(st.integers(0, 2**31 - 1)))
    hi = [1.0 if o == 0 else o - 1.0 for o in opts]
    pos = [
        [float(rng.integers(0, 3)) if opts[k] else float(rng.uniform(0, 1)) for k in range(K)]
        for _ in range(A)
    ]
    nd = [
        [float(rng.integers(0, 3)) if opts[k] else float(rng.uniform(0, 1)) for k in range(K)]
        for _ in range(A)
    ]
    red: list[RedLine] = []
    for a in range(A):
        if rng.random() < 0.5:
            k = int(rng.integers(0, K))
            sign = 1.0 if rng.random() < 0.5 else -1.0
            theta = float(rng.uniform(0, hi[k]))
            # sign * x_k <= sign * threshold, the threshold named (a judgment of the problem)
            template = LinAtom({f"i{k}": sign, THETA: -sign}, "<=", 0.0)
            formula = instantiate(template, theta)
            red.append(
                RedLine(a, 0, "r", "r", formula, f"actors.A{a}.red_lines.0", template, theta)
            )
    problem = make_problem(
        low=[0.0] * K,
        high=hi,
        position=pos,
        salience=rng.uniform(0.1, 1, (A, K)),
        nd_outcome=nd,
        cost=rng.uniform(0, 0.4, A),
        options=opts,
        red_lines=red,
    )
    params = problem.parameters()
    paths = [
        p
        for p, s in params.items()
        if s.kind == "number" and not problem.is_discrete(s) and s.role != "capability"
    ]
    lows = np.array([params[p].low for p in paths], dtype=float)
    highs = np.array([params[p].high for p in paths], dtype=float)
    draws = rng.uniform(lows, highs, size=(4, len(paths)))
    switches = [p for p, s in params.items() if s.kind == "bool"]  # red lines on or off
    draws = np.hstack([draws, rng.integers(0, 2, size=(4, len(switches))).astype(float)])
    return problem, draws, [*paths, *switches]


@settings(max_examples=40)
@given(case=problems())
def test_fast_path_equals_exact_solver(case: tuple) -> None:
    problem, draws, paths = case
    fast = margin_batch(problem, draws, paths)
    exact = margin_batch(problem, draws, paths, force_exact=True)
    assert np.array_equal(np.isneginf(fast), np.isneginf(exact))
    ok = ~np.isneginf(fast)
    assert np.allclose(fast[ok], exact[ok], atol=1e-7)


@pytest.mark.parametrize("seed", range(4))
def test_frontier_from_efficient_values_matches_brute_force(seed: int) -> None:
    """The product of per-issue efficient values has the same frontier as the whole grid."""
    rng = np.random.default_rng(seed)
    A, K, pts = 3, 3, 9
    opts = [0, 4, 0]
    hi = [1.0, 3.0, 1.0]
    pos = [
        [float(rng.integers(0, 4)) if opts[k] else float(rng.uniform()) for k in range(K)]
        for _ in range(A)
    ]
    problem = make_problem(
        low=[0.0] * K, high=hi, position=pos, salience=rng.uniform(0.1, 1, (A, K)), options=opts
    )
    X = grid_outcomes(problem, pts, 10**6)
    U = problem.scaled_utility(X)
    brute = {tuple(u) for u in np.round(U[pareto_mask(U)], 12)}
    Xe = grid_outcomes(problem, pts, 10**6, efficient_axes(problem, grid_axes(problem, pts)))
    Ue = problem.scaled_utility(Xe)
    assert Xe.shape[0] <= X.shape[0]
    assert {tuple(u) for u in np.round(Ue[pareto_mask(Ue)], 12)} == brute
    front = pareto_frontier(problem, points_per_issue=pts)
    inside = np.all(problem.reservation() - 1e-12 <= U, axis=1)
    assert {tuple(u) for u in np.round(front.utilities[front.pareto], 12)} == {
        tuple(u) for u in np.round(U[inside][pareto_mask(U[inside])], 12)
    }
