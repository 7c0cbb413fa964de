"""Terms when a ZOPA exists: Nash bargaining solutions and the Pareto frontier (docs/models.md §2).

**Nash bargaining solution** (Nash 1950; asymmetric form Kalai 1977):

.. math:: x^N = \\arg\\max_{x \\in \\mathrm{ZOPA}} \\sum_{i \\in V} \\beta_i \\log(u_i(x) - r_i),

with ``beta_i = 1`` (symmetric) or capability shares (weighted).  The objective is concave and
the ZOPA is a union of polyhedra (a MILP-representable set).  Two stages: (1) Kelley's
cutting-plane method (Kelley 1960) on the LP/MILP of :mod:`~detente.readiness.margin` picks the
discrete part (options, branches of ``or``): each ``log`` is replaced by a variable ``s_i``
bounded above by tangents ``s_i <= log y0 + (y_i - y0) / y0``; the relaxation's optimum is an
upper bound and its point a lower bound, and tangents are added until they agree within
``cut_tol``; (2) with the integer variables fixed, the smooth concave program over the remaining
polyhedron is solved by SLSQP (Kraft 1988) with exact gradients from that point.  The answer is
exact for the continuous part (KKT conditions, tested) and optimal among discrete choices up to
``cut_tol`` in the objective.

**Pareto frontier**: the outcomes of a grid over the issues (``points_per_issue`` values per scale
issue, every option of an option issue) that satisfy all red lines and reservation constraints,
and that no other such outcome weakly dominates for every veto actor with a strict gain for one.
The filter compares blocks of outcomes sorted by decreasing total utility against the frontier
found so far (a point can only be dominated by one with a larger total).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize

from detente.errors import ProblemTooLarge
from detente.readiness.margin import MarginResult, _build, _extract, exact_margin
from detente.readiness.problem import Problem, evaluate_formula

__all__ = ["Frontier", "nash_solution", "pareto_frontier", "pareto_mask"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]


def nash_solution(
    problem: Problem,
    *,
    weights: Sequence[float] | None = None,
    tol: float = 1e-12,
    cut_tol: float = 1e-4,
    max_cuts: int = 40,
    base: MarginResult | None = None,
) -> FloatArray | None:
    """The (weighted) Nash bargaining solution over the ZOPA, or None if the ZOPA has no interior.

    Parameters
    ----------
    weights : beta_i per veto actor (normalised to sum 1); 1 for everyone by default.
    """
    A = problem.n_actors
    beta = np.ones(A) if weights is None else np.asarray(weights, dtype=float)
    beta = beta / beta.sum()
    base = exact_margin(problem) if base is None else base
    if not base.feasible or base.margin <= 1e-12:
        return None
    r = problem.reservation()
    built = _build(problem, None)
    m = built.model
    s_vars = []
    y_exprs: list[tuple[dict[int, float], float]] = []
    for a in range(A):
        coefs, const = built.util[a]
        y_exprs.append((coefs, const - float(r[a])))
        m.row(dict(coefs), float(r[a]) - const, math.inf)  # u_a >= r_a
    n_vars, n_rows = len(m.lb), len(m.rows)
    for _ in range(A):
        s_vars.append(m.var(math.log(base.margin) - 1.0, math.log(2.5)))
    floor = base.margin / 4.0

    def cut(a: int, y0: float) -> None:
        coefs, const = y_exprs[a]
        # s <= log y0 + (coefs.v + const - y0) / y0
        row = {j: -v / y0 for j, v in coefs.items()}
        row[s_vars[a]] = 1.0
        m.row(row, -math.inf, math.log(y0) + (const - y0) / y0)

    for a in range(A):
        for y0 in np.geomspace(floor, 2.0, 12):
            cut(a, float(y0))
    best_x: FloatArray | None = base.x
    best_sol: FloatArray | None = None
    for _ in range(max_cuts):
        c = np.zeros(len(m.lb))
        c[s_vars] = -beta
        ok, sol = m.solve(c)
        if not ok or sol is None:
            break
        x = _extract(problem, built, sol)
        y = problem.utility(x) - r
        if np.any(y <= 0):
            break
        best_x, best_sol = x, sol
        upper = float(beta @ sol[s_vars])
        lower = float(beta @ np.log(y))
        if upper - lower <= cut_tol:
            break
        for a in range(A):
            if sol[s_vars[a]] > math.log(y[a]) + cut_tol:
                cut(a, float(y[a]))
    if best_sol is None:
        return best_x
    polished = _polish(problem, built, m, n_vars, n_rows, best_sol[:n_vars], y_exprs, beta, tol)
    return polished if polished is not None else best_x


def _polish(
    problem: Problem,
    built: Any,
    m: Any,
    n_vars: int,
    n_rows: int,
    v0: FloatArray,
    y_exprs: list[tuple[dict[int, float], float]],
    beta: FloatArray,
    tol: float,
) -> FloatArray | None:
    """Fix the integer variables of the cutting-plane solution and maximise the smooth concave
    objective over the remaining polyhedron with SLSQP (linear constraints, exact gradient)."""
    A_rows = np.zeros((n_rows, n_vars))
    lo = np.empty(n_rows)
    hi = np.empty(n_rows)
    for i, (coefs, a, b) in enumerate(m.rows[:n_rows]):
        for j, v in coefs.items():
            A_rows[i, j] += v
        lo[i], hi[i] = a, b
    lb = np.array(m.lb[:n_vars], dtype=float)
    ub = np.array(m.ub[:n_vars], dtype=float)
    integer = np.array(m.integer[:n_vars], dtype=bool)
    v0 = v0.copy()
    v0[integer] = np.rint(v0[integer])
    lb[integer] = ub[integer] = v0[integer]
    C = np.zeros((len(y_exprs), n_vars))
    k = np.zeros(len(y_exprs))
    for a, (coefs, const) in enumerate(y_exprs):
        for j, v in coefs.items():
            C[a, j] += v
        k[a] = const

    def f(v: FloatArray) -> float:
        y = C @ v + k
        if np.any(y <= 1e-300):
            return 1e10
        return float(-beta @ np.log(y))

    def grad(v: FloatArray) -> FloatArray:
        y = np.maximum(C @ v + k, 1e-300)
        return np.asarray(-(beta / y) @ C)

    cons = []
    fin_hi = np.isfinite(hi)
    fin_lo = np.isfinite(lo)
    if fin_hi.any():
        cons.append(
            {
                "type": "ineq",
                "fun": lambda v: hi[fin_hi] - A_rows[fin_hi] @ v,
                "jac": lambda v: -A_rows[fin_hi],
            }
        )
    if fin_lo.any():
        cons.append(
            {
                "type": "ineq",
                "fun": lambda v: A_rows[fin_lo] @ v - lo[fin_lo],
                "jac": lambda v: A_rows[fin_lo],
            }
        )
    bounds = [
        (float(a) if math.isfinite(a) else None, float(b) if math.isfinite(b) else None)
        for a, b in zip(lb, ub, strict=True)
    ]
    res = minimize(  # type: ignore[call-overload]
        f,
        v0,
        jac=grad,
        bounds=bounds,
        constraints=cons,
        method="SLSQP",
        options={"ftol": tol, "maxiter": 500},
    )
    v = np.asarray(res.x, dtype=float)
    slack = A_rows @ v
    feasible = bool(
        np.all(slack <= hi + 1e-7)
        and np.all(slack >= lo - 1e-7)
        and np.all(v >= lb - 1e-9)
        and np.all(v <= ub + 1e-9)
    )
    if not feasible or f(v) > f(v0):
        return None
    return _extract(problem, built, v)


@dataclass(frozen=True)
class Frontier:
    """Grid outcomes in the ZOPA and which of them are Pareto-optimal."""

    outcomes: FloatArray  # (N, K) in issue units (option ranks)
    utilities: FloatArray  # (N, A)
    pareto: BoolArray  # (N,)

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcomes": self.outcomes[self.pareto],
            "utilities": self.utilities[self.pareto],
            "n_zopa": int(self.outcomes.shape[0]),
        }


def _axes(problem: Problem, points_per_issue: int) -> list[FloatArray]:
    axes = []
    for k in range(problem.n_issues):
        if problem.options[k]:
            axes.append(np.arange(len(problem.options[k]), dtype=float))
        else:
            axes.append(np.linspace(problem.low[k], problem.high[k], points_per_issue))
    return axes


def _grid(
    problem: Problem,
    points_per_issue: int,
    max_outcomes: int,
    axes: list[FloatArray] | None = None,
) -> FloatArray:
    axes = _axes(problem, points_per_issue) if axes is None else axes
    total = math.prod(len(a) for a in axes)
    if total > max_outcomes:
        raise ProblemTooLarge(
            f"the outcome grid would have {total:,} points (limit {max_outcomes:,}); "
            "use fewer points per issue",
            path="points_per_issue",
        )
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([g.ravel() for g in mesh], axis=-1)


def pareto_mask(U: FloatArray, *, block: int = 512, keep_ties: bool = False) -> BoolArray:
    """Which rows of U (N, A) are not weakly dominated with a strict gain by another row.

    Rows with equal utilities: the first is kept, or all of them with ``keep_ties``.
    """
    N = U.shape[0]
    if N == 0:
        return np.zeros(0, dtype=bool)
    order = np.argsort(-U.sum(axis=1), kind="stable")
    Us = U[order]
    keep = np.zeros(N, dtype=bool)
    front = np.empty((0, U.shape[1]))
    for start in range(0, N, block):
        blk = Us[start : start + block]
        idx = np.arange(start, start + blk.shape[0])
        # dominated (or equalled) by the frontier so far? (equal rows: keep the first)
        if front.shape[0]:
            ge = np.all(front[None, :, :] >= blk[:, None, :], axis=-1)
            if keep_ties:
                ge &= np.any(front[None, :, :] > blk[:, None, :], axis=-1)
            dom = np.any(ge, axis=1)
            blk, idx = blk[~dom], idx[~dom]
        # dominated within the surviving part of the block?
        n = blk.shape[0]
        if n:
            ge = np.all(blk[None, :, :] >= blk[:, None, :], axis=-1)
            gt = np.any(blk[None, :, :] > blk[:, None, :], axis=-1)
            same = ge & ~gt
            earlier = np.tril(np.ones((n, n), dtype=bool), k=-1)
            dom = np.any(ge & gt, axis=1)
            if not keep_ties:
                dom |= np.any(same & earlier, axis=1)
            keep[idx[~dom]] = True
            front = np.concatenate([front, blk[~dom]])
    out = np.zeros(N, dtype=bool)
    out[order] = keep
    return out


def _contributions(problem: Problem, k: int, ax: FloatArray) -> FloatArray:
    """w_ik g_ik at each value of axis k: (n, A)."""
    W = problem.weights()
    if problem.options[k]:
        table = problem.option_table()
        g = np.nan_to_num(table[:, k, np.rint(ax).astype(np.int64)].T, nan=0.0)
    else:
        g = 1.0 - np.abs(ax[:, None] - np.nan_to_num(problem.position[:, k])) / problem.range[k]
    return np.asarray(g * W[:, k])


def grid_utilities(problem: Problem, axes: list[FloatArray]) -> FloatArray:
    """u_i at every outcome of the product grid (N, A), in the C order of :func:`_grid`.

    Utilities are additive over issues, so they are an outer sum of small per-issue tables
    (broadcast, no per-outcome distance computations).
    """
    K = problem.n_issues
    total = np.zeros((*([1] * K), problem.n_actors))
    for k, ax in enumerate(axes):
        shape = [1] * K
        shape[k] = len(ax)
        total = total + _contributions(problem, k, ax).reshape(*shape, problem.n_actors)
    return total.reshape(-1, problem.n_actors)


def efficient_axes(problem: Problem, axes: list[FloatArray]) -> list[FloatArray]:
    """Per issue, the grid values not dominated on that issue alone.

    With additive utilities, an outcome using a value y_k that another value z_k of the same
    issue dominates (every actor's contribution w_ik g_ik at least as high, one higher) is
    dominated by the outcome with z_k instead; repeating this, every dominated outcome is
    dominated by one built from efficient values only.  So the Pareto frontier of the product
    grid is the frontier of the (much smaller) product of the efficient values.
    """
    return [
        ax[pareto_mask(_contributions(problem, k, ax), keep_ties=True)] for k, ax in enumerate(axes)
    ]


def pareto_frontier(
    problem: Problem, *, points_per_issue: int = 21, max_outcomes: int = 1_000_000
) -> Frontier:
    """The ZOPA over a discretised outcome space and its Pareto frontier (for charts).

    Without red lines the ZOPA's frontier is the frontier of the whole grid inside the ZOPA
    (reservation constraints are upward-closed in utility), found on the product of the
    per-issue efficient values (:func:`efficient_axes`); with red lines, on the whole grid.
    """
    axes = _axes(problem, points_per_issue)
    r = problem.reservation()
    if not problem.red_lines:
        total = math.prod(len(a) for a in axes)
        if total > max_outcomes:
            _grid(problem, points_per_issue, max_outcomes, axes)  # raises ProblemTooLarge
        eff = efficient_axes(problem, axes)
        Xe = _grid(problem, points_per_issue, max_outcomes, eff)
        Ue = grid_utilities(problem, eff)
        front = pareto_mask(Ue)
        inside = np.all(r - 1e-12 <= Ue, axis=1)
        X = _grid(problem, points_per_issue, max_outcomes, axes)
        U = grid_utilities(problem, axes)
        ok = np.all(r - 1e-12 <= U, axis=1)
        # the frontier outcomes' positions in the full grid (C order, as _grid builds it)
        chosen = Xe[front & inside]
        index = tuple(np.searchsorted(axes[k], chosen[:, k]) for k in range(problem.n_issues))
        full = np.zeros(X.shape[0], dtype=bool)
        if chosen.shape[0]:
            full[np.ravel_multi_index(index, tuple(len(a) for a in axes))] = True
        return Frontier(X[ok], U[ok], full[ok])
    X = _grid(problem, points_per_issue, max_outcomes, axes)
    ok = evaluate_formula(problem.red_line_formula(), X)
    U = grid_utilities(problem, axes)
    ok &= np.all(r - 1e-12 <= U, axis=1)
    X, U = X[ok], U[ok]
    return Frontier(X, U, pareto_mask(U))
