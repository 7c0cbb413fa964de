"""The ZOPA over a grid of outcomes and its Pareto frontier (for charts; docs/models.md §2).

**Pareto frontier**: the outcomes of a grid over the issues (``points_per_issue`` values per scale
issue, every option of an option issue) that satisfy all red lines and reservation constraints,
and that no other such outcome weakly dominates for every veto actor with a strict gain for one.
The filter compares blocks of outcomes sorted by decreasing total utility against the frontier
found so far (a point can only be dominated by one with a larger total).  The grid is built in
normalised units (every scale issue on [0, 1], :mod:`.scaling`) and reported in issue units.
A point on the boundary of a strict red line is outside (the red line excludes it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from detente.errors import ProblemTooLarge
from detente.readiness.problem import Problem
from detente.scenario.expr import formula_holds

__all__ = [
    "Frontier",
    "efficient_axes",
    "grid_axes",
    "grid_outcomes",
    "grid_utilities",
    "pareto_frontier",
    "pareto_mask",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]


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


def grid_axes(problem: Problem, points_per_issue: int) -> list[FloatArray]:
    """Per issue, the grid values in normalised units (every option of an option issue)."""
    axes = []
    for k in range(problem.n_issues):
        if problem.options[k]:
            axes.append(np.arange(len(problem.options[k]), dtype=float))
        else:
            axes.append(np.linspace(0.0, 1.0, points_per_issue))
    return axes


def grid_outcomes(
    problem: Problem,
    points_per_issue: int,
    max_outcomes: int,
    axes: list[FloatArray] | None = None,
) -> FloatArray:
    """Every outcome of the product grid (N, K), normalised units, C order."""
    axes = grid_axes(problem, points_per_issue) if axes is None else axes
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
        g = 1.0 - np.abs(ax[:, None] - np.nan_to_num(problem.scaled.position[:, k]))
    return np.asarray(g * W[:, k])


def grid_utilities(problem: Problem, axes: list[FloatArray]) -> FloatArray:
    """u_i at every outcome of the product grid (N, A), in the C order of :func:`grid_outcomes`.

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
    axes = grid_axes(problem, points_per_issue)
    r = problem.reservation()
    if not problem.red_lines:
        total = math.prod(len(a) for a in axes)
        if total > max_outcomes:
            grid_outcomes(problem, points_per_issue, max_outcomes, axes)  # raises ProblemTooLarge
        eff = efficient_axes(problem, axes)
        Xe = grid_outcomes(problem, points_per_issue, max_outcomes, eff)
        Ue = grid_utilities(problem, eff)
        front = pareto_mask(Ue)
        inside = np.all(r - 1e-12 <= Ue, axis=1)
        X = grid_outcomes(problem, points_per_issue, max_outcomes, axes)
        U = grid_utilities(problem, axes)
        ok = np.all(r - 1e-12 <= U, axis=1)
        # the frontier outcomes' positions in the full grid (C order, as grid_outcomes builds it)
        chosen = Xe[front & inside]
        index = tuple(np.searchsorted(axes[k], chosen[:, k]) for k in range(problem.n_issues))
        full = np.zeros(X.shape[0], dtype=bool)
        if chosen.shape[0]:
            full[np.ravel_multi_index(index, tuple(len(a) for a in axes))] = True
        return Frontier(problem.from_scaled(X[ok]), U[ok], full[ok])
    X = grid_outcomes(problem, points_per_issue, max_outcomes, axes)
    columns = {issue: X[:, k] for k, issue in enumerate(problem.issues)}
    ok = np.asarray(formula_holds(problem.scaled.formula(), columns, open_strict=True), dtype=bool)
    U = grid_utilities(problem, axes)
    ok &= np.all(r - 1e-12 <= U, axis=1)
    X, U = X[ok], U[ok]
    return Frontier(problem.from_scaled(X), U, pareto_mask(U))
