"""The fast path: m* for many parameter sets at once, by LP duality (docs/models.md §2).

When every red line is built from single-issue rules (bounds on a scale issue, any rule on one
option issue) joined by ``and``/``or``, the red lines' disjunctive normal form is a union of at
most :data:`MAX_TERMS` "boxes"; m* is the best over the boxes.  In one box the feasible set is
``B = prod_k B_k`` (intervals) times a set of allowed option combinations, and for a fixed
combination ``c`` of the option issues the minimax theorem (the utilities are concave in the
scale issues, the box is convex and compact) gives

.. math:: m^*_c = \\min_{\\lambda \\in \\Delta} \\Big[ \\sum_{k\\ \\mathrm{scale}}
          \\max_{x_k \\in B_k}
          \\sum_i \\lambda_i w_{ik} g_{ik}(x_k) + \\sum_i \\lambda_i (q_{ic} - r_i) \\Big],

with ``q_ic`` the actors' utility from the option issues at ``c``; ``m* = max_c m*_c``.

Each inner maximum is a concave piecewise-linear function of ``x_k`` whose kinks are the actors'
positions, so it is attained at a position clipped to ``B_k``: ``h_k(lambda) = max_b L_kb(lambda)``
over those A breakpoints, with ``L_kb`` linear in ``lambda``.  The objective is therefore convex
and piecewise linear in ``lambda``, linear on each cell of the arrangement of the hyperplanes
``L_kb = L_kb'`` (kinks) and ``lambda_i = 0`` (simplex facets); its minimum over the simplex is at
a vertex of that arrangement, i.e. the solution of ``A - 1`` of these homogeneous equations with
``sum_i lambda_i = 1``.  We enumerate every such system for every draw at once (Cramer's rule,
the minors expanded for the whole batch), keep the solutions that are vertices of the cells on
which the objective is linear, evaluate the objective there and take the minimum: an exact
method, not an iteration.  For two veto actors this is the 1-D convex minimisation in
``lambda`` of docs/models.md, solved by visiting its kinks.

The number of systems is ``C(H, A - 1)`` with ``H = K_scale A (A - 1) / 2 + A`` hyperplanes; when
it exceeds :data:`MAX_SYSTEMS` (four or more veto actors on several scale issues), or the red
lines are not single-issue bounds, :func:`margin_batch` falls back to the exact solver, one
HiGHS call per parameter set.  Strict bounds are treated as their closure (m* is a supremum).
Everything is computed in normalised units (:mod:`.scaling`): parameters arrive in issue units
and are mapped to [0, 1] with the problem's red lines, so an issue's scale never reaches a
kernel; a threshold moved outside its issue's range is clamped like the red line itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

from detente.errors import InputError
from detente.readiness.margin import exact_margin
from detente.readiness.problem import Problem, locate, option_table, weights
from detente.readiness.scaling import to_scaled
from detente.readiness.solver import BudgetExceeded, check_budget
from detente.readiness.vertices import CHUNK_ELEMENTS, two_actor_minimum, vertex_minimum
from detente.scenario.expr import All, AnyOf, Const, Formula, LinAtom

__all__ = ["MAX_COMBOS", "MAX_SYSTEMS", "MAX_TERMS", "fast_applicable", "margin_batch"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

MAX_SYSTEMS = 4000
MAX_COMBOS = 4096
MAX_TERMS = 64


def _issues_of(f: Formula) -> set[str]:
    if isinstance(f, LinAtom):
        return set(f.coef)
    if isinstance(f, All | AnyOf):
        s: set[str] = set()
        for p in f.parts:
            s |= _issues_of(p)
        return s
    return set()


def _or_free(f: Formula) -> bool:
    if isinstance(f, AnyOf):
        return False
    if isinstance(f, All):
        return all(_or_free(p) for p in f.parts)
    return True


def _dnf(f: Formula, isopt: Mapping[str, bool], cap: int) -> list[list[Formula]] | None:
    """Disjunctive normal form whose literals are single-issue formulas (Or-free on scale
    issues); None if an atom spans several issues or the form would exceed ``cap`` terms."""
    if isinstance(f, Const):
        return [[]] if f.value else []
    ks = _issues_of(f)
    if len(ks) == 1 and (isopt[next(iter(ks))] or _or_free(f)):
        return [[f]]
    if isinstance(f, LinAtom):
        return None  # an atom on several issues (or on none): the exact solver handles it
    if isinstance(f, AnyOf):
        terms: list[list[Formula]] = []
        for part in f.parts:
            sub = _dnf(part, isopt, cap)
            if sub is None:
                return None
            terms.extend(sub)
            if len(terms) > cap:
                return None
        return terms
    assert isinstance(f, All)
    acc: list[list[Formula]] = [[]]
    for part in f.parts:
        sub = _dnf(part, isopt, cap)
        if sub is None:
            return None
        acc = [a + b for a in acc for b in sub]
        if len(acc) > cap:
            return None
    return acc


def _plan(problem: Problem) -> list[dict[int, list[Formula]]] | None:
    """The red lines as a union of "boxes": per DNF term, its literals grouped by issue.

    None if the fast path does not apply (an atom on several issues, too many terms, too many
    option combinations or too many vertex systems).
    """
    isopt = problem.is_option
    index = {issue: k for k, issue in enumerate(problem.issues)}
    by_name = {issue: bool(isopt[k]) for k, issue in enumerate(problem.issues)}
    terms = _dnf(problem.scaled.formula(), by_name, MAX_TERMS)
    if terms is None:
        return None
    plans: list[dict[int, list[Formula]]] = []
    for term in terms:
        groups: dict[int, list[Formula]] = {}
        for lit in term:
            groups.setdefault(index[next(iter(_issues_of(lit)))], []).append(lit)
        plans.append(groups)
    n_combos = int(np.prod([max(1, n) for n in problem.n_options[isopt]])) if isopt.any() else 1
    if n_combos > MAX_COMBOS:
        return None
    A = problem.n_actors
    n_scale = int((~isopt).sum())
    H = n_scale * A * (A - 1) // 2 + A
    if A >= 1 and math.comb(H, max(A - 1, 0)) > MAX_SYSTEMS:
        return None
    return plans


def fast_applicable(problem: Problem) -> bool:
    """Whether :func:`margin_batch` can use the duality fast path for this problem."""
    return _plan(problem) is not None


@dataclass(frozen=True)
class BatchArrays:
    """The problem's arrays for D parameter sets at once (leading axis D), normalised units."""

    weights: FloatArray  # (D, A, K)
    position: FloatArray  # (D, A, K)
    table: FloatArray  # (D, A, K, J)
    reservation: FloatArray  # (D, A)
    rhs: Mapping[int, FloatArray]  # id of a scaled red-line atom -> its right-hand side (D,)


def batch_arrays(problem: Problem, params: FloatArray, paths: Sequence[str]) -> BatchArrays:
    """Arrays of ``problem`` for every row of ``params`` (D, p), column j setting ``paths[j]``
    (issue units, option values as ranks)."""
    P = np.asarray(params, dtype=float)
    if P.ndim != 2 or P.shape[1] != len(paths):
        raise InputError(
            f"params must have shape (draws, {len(paths)}), got {P.shape}", path="params"
        )
    D = P.shape[0]
    sal = np.broadcast_to(problem.salience, (D, *problem.salience.shape)).copy()
    pos = np.broadcast_to(problem.position, (D, *problem.position.shape)).copy()
    nd = np.broadcast_to(problem.nd_outcome, (D, *problem.nd_outcome.shape)).copy()
    cost = np.broadcast_to(problem.cost, (D, problem.n_actors)).copy()
    sq = np.broadcast_to(problem.status_quo, (D, problem.n_issues)).copy()
    thetas: dict[str, FloatArray] = {}
    arrays = {"salience": sal, "position": pos, "nd_outcome": nd, "cost": cost, "status_quo": sq}
    for j, path in enumerate(paths):
        target = locate(problem, path)
        if target is None or target[0] == "capability":
            continue
        field, index = target
        if field == "threshold":
            thetas[path] = P[:, j]
        elif field == "active":
            continue  # margin_batch groups the rows by which red lines are active
        elif isinstance(index, tuple):
            arrays[field][(slice(None), *index)] = P[:, j]
        else:
            arrays[field][:, index] = P[:, j]
    low, high, isopt = problem.low, problem.high, problem.is_option
    W = weights(sal)
    pos = to_scaled(pos, low, high, isopt)
    table = option_table(pos, problem.values, problem.options)
    e = to_scaled(np.where(np.isnan(nd), sq[:, None, :], nd), low, high, isopt)  # (D, A, K)
    # u_a(e_a): closeness of actor a at its own expected outcome.
    g_scale = 1.0 - np.abs(e - pos)
    J = table.shape[-1]
    idx = np.clip(np.rint(e), 0, J - 1).astype(np.int64)[..., None]
    g_opt = np.take_along_axis(table, idx, axis=-1)[..., 0]
    g = np.nan_to_num(np.where(isopt, g_opt, g_scale), nan=0.0)
    r = np.einsum("dak,dak->da", W, g) - cost
    rhs = {
        key: t.rhs(thetas[t.path])
        for key, t in problem.scaled.thresholds.items()
        if t.path in thetas
    }
    return BatchArrays(weights=W, position=pos, table=table, reservation=r, rhs=rhs)


def _rhs(atom: LinAtom, rhs: Mapping[int, FloatArray], D: int) -> FloatArray:
    """The atom's right-hand side for every parameter set (D,)."""
    if id(atom) in rhs:
        return rhs[id(atom)]
    return np.full(D, atom.rhs)


def _scale_bounds(
    atoms: list[Formula], k: int, problem: Problem, rhs: Mapping[int, FloatArray], D: int
) -> tuple[FloatArray, FloatArray, BoolArray]:
    lo = np.zeros(D)
    hi = np.ones(D)
    lo_open = np.zeros(D, dtype=bool)  # strict bounds: the interval is open at that end
    hi_open = np.zeros(D, dtype=bool)
    ok = np.ones(D, dtype=bool)

    def raise_lo(th: FloatArray, strict: bool) -> None:
        nonlocal lo, lo_open
        lo_open = np.where(th > lo, strict, lo_open | (strict & (th == lo)))
        lo = np.maximum(lo, th)

    def lower_hi(th: FloatArray, strict: bool) -> None:
        nonlocal hi, hi_open
        hi_open = np.where(th < hi, strict, hi_open | (strict & (th == hi)))
        hi = np.minimum(hi, th)

    stack = list(atoms)
    while stack:
        f = stack.pop()
        if isinstance(f, All):
            stack.extend(f.parts)
            continue
        if isinstance(f, Const):
            ok &= f.value
            continue
        assert isinstance(f, LinAtom)
        c = next(iter(f.coef.values()))
        th = _rhs(f, rhs, D) / c  # the bound on this issue
        strict = f.sense == "<"
        if f.sense == "==":
            raise_lo(th, False)
            lower_hi(th, False)
        elif c > 0:
            lower_hi(th, strict)
        else:
            raise_lo(th, strict)
    # An interval with an open end is empty when its ends meet.
    ok &= (lo < hi) | ((lo == hi) & ~lo_open & ~hi_open)
    return lo, hi, ok


def _option_allowed(f: Formula, n: int, rhs: Mapping[int, FloatArray], D: int) -> BoolArray:
    """(D, n): which ranks of an option issue satisfy f (a formula on that issue only)."""
    ranks = np.arange(n, dtype=float)[None, :]
    if isinstance(f, Const):
        return np.full((D, n), f.value)
    if isinstance(f, LinAtom):
        lhs = next(iter(f.coef.values())) * ranks
        b = _rhs(f, rhs, D)[:, None]
        tol = 1e-9 * (1.0 + np.abs(b))
        if f.sense == "<=":
            return np.asarray(lhs <= b + tol)
        if f.sense == "<":
            return np.asarray(lhs < b - tol)
        return np.asarray(np.abs(lhs - b) <= tol)
    parts = [_option_allowed(p, n, rhs, D) for p in f.parts]
    if isinstance(f, All):
        return np.logical_and.reduce(parts) if parts else np.ones((D, n), dtype=bool)
    return np.logical_or.reduce(parts) if parts else np.zeros((D, n), dtype=bool)


def _fast(problem: Problem, arrays: BatchArrays, plan: dict[int, list[Formula]]) -> FloatArray:
    W = arrays.weights
    D, A, _ = W.shape
    isopt = problem.is_option
    scale = np.flatnonzero(~isopt)
    opt = np.flatnonzero(isopt)
    feasible = np.ones(D, dtype=bool)

    # Option combinations: constant utility q[d, a, c] and which are allowed.
    sizes = [int(problem.n_options[k]) for k in opt]
    C = math.prod(sizes)
    # q[d, a, c] = sum over option issues of w g at c_k - r: an outer sum over the issues,
    # built by broadcasting (D, A, n_1, 1, ...) + (D, A, 1, n_2, ...) + ... then flattened
    # (C-order, the order of itertools.product).
    q_full = -arrays.reservation.reshape(D, A, *([1] * len(opt)))
    ok_full = np.ones((D, *([1] * len(opt))), dtype=bool)
    for col, k in enumerate(opt):
        shape = [1] * len(opt)
        shape[col] = sizes[col]
        tab = np.nan_to_num(arrays.table[:, :, k, : sizes[col]], nan=0.0)  # (D, A, n_k)
        q_full = q_full + (W[:, :, k, None] * tab).reshape(D, A, *shape)
        ok_k = np.ones((D, sizes[col]), dtype=bool)
        for f in plan.get(int(k), []):
            ok_k &= _option_allowed(f, sizes[col], arrays.rhs, D)
        ok_full = ok_full & ok_k.reshape(D, *shape)
    q = np.broadcast_to(q_full, (D, A, *sizes)).reshape(D, A, C)
    allowed = np.broadcast_to(ok_full, (D, *sizes)).reshape(D, C)

    # Scale issues: utilities of each actor at each clipped breakpoint.
    Ks = len(scale)
    vals = np.zeros((D, A, Ks, A))
    for col, k in enumerate(scale):
        lo, hi, ok = _scale_bounds(plan.get(int(k), []), int(k), problem, arrays.rhs, D)
        feasible &= ok & (lo <= hi + 1e-12)
        pos = arrays.position[:, :, k]  # (D, A)
        bp = np.clip(np.where(np.isnan(pos), lo[:, None], pos), lo[:, None], hi[:, None])
        g = 1.0 - np.abs(bp[:, None, :] - pos[:, :, None])  # (D, a, b)
        vals[:, :, col, :] = np.nan_to_num(W[:, :, k, None] * g, nan=0.0)

    if A == 0:  # no reservation constraints: only whether the red lines can hold
        return np.where(feasible & allowed.any(axis=1), np.inf, -np.inf)
    if A == 2:
        return np.where(feasible, two_actor_minimum(vals, q, allowed), -np.inf)

    m_c = vertex_minimum(vals, q, Ks)
    m_c = np.where(allowed, m_c, -np.inf)
    m = m_c.max(axis=1)
    return np.where(feasible, m, -np.inf)


def margin_batch(
    problem: Problem,
    params: npt.ArrayLike,
    paths: Sequence[str],
    *,
    force_exact: bool = False,
    partial: bool = False,
) -> FloatArray:
    """m* for every parameter set (row of ``params``), vectorised.

    Parameters
    ----------
    problem : Problem
        The compiled readiness problem (its values are the defaults of every parameter).
    params : array (D, p)
        Parameter sets; column j gives the value of ``paths[j]`` (option values as 0-based ranks).
    paths : sequence of str
        Parameter paths (see :data:`detente.readiness.problem.PARAMETER_PATHS_DOC`); paths the
        margin ignores (facts, non-veto actors) are accepted.
    force_exact : bool
        Use the exact solver for every row (the reference; slow).
    partial : bool
        Where the exact solver is used and the budget (:class:`~.solver.Budget`) runs out, give
        NaN for the rows not determined instead of raising.

    Returns
    -------
    ndarray (D,)
        m* per row, ``-inf`` where the red lines cannot hold together (NaN: not determined).

    Raises
    ------
    detente.readiness.solver.SolverError, detente.readiness.solver.BudgetExceeded
        The exact solver failed, or (without ``partial``) ran out of budget.
    """
    P = np.atleast_2d(np.asarray(params, dtype=float))
    if P.shape[1] == 0 and len(paths) == 0:
        P = P.reshape(P.shape[0], 0)
    D = P.shape[0]
    switches = [
        j for j, path in enumerate(paths) if (locate(problem, path) or ("",))[0] == "active"
    ]
    if switches:
        return _by_activity(problem, P, list(paths), switches, force_exact, partial)
    plan = None if force_exact else _plan(problem)
    if plan is None:
        out = np.full(D, np.nan)
        for d in range(D):  # fallback: one HiGHS solve per parameter set
            prob = problem.with_params(dict(zip(paths, P[d].tolist(), strict=True)))
            try:
                check_budget("the margin")
                out[d] = exact_margin(prob, refine=False).margin
            except BudgetExceeded:
                if not partial:
                    raise
                break
        return out
    if not plan:
        return np.full(D, -np.inf)  # the red lines are constantly false
    A = problem.n_actors
    n_scale = int((~problem.is_option).sum())
    H = n_scale * A * (A - 1) // 2 + A
    n_combos = int(np.prod(problem.n_options[problem.is_option])) if problem.is_option.any() else 1
    # a draw's vertex systems: their rows (S, A - 1, A), minors (S, 2^A) and solutions
    # (S, 2 A); its options (A, C)
    S = max(1, math.comb(H, max(A - 1, 0)))
    per_row = max(1, S * (A * A + 2**A + 2 * A) + A * n_combos)
    chunk = max(1, CHUNK_ELEMENTS // per_row)
    out = np.empty(D)
    for start in range(0, D, chunk):
        rows = P[start : start + chunk]
        arrays = batch_arrays(problem, rows, paths)
        best = np.full(rows.shape[0], -np.inf)
        for groups in plan:  # the union of boxes: the best box
            best = np.maximum(best, _fast(problem, arrays, groups))
        out[start : start + chunk] = best
    return out


def _by_activity(
    problem: Problem,
    P: FloatArray,
    paths: list[str],
    switches: list[int],
    force_exact: bool,
    partial: bool,
) -> FloatArray:
    """m* where some columns switch red lines on and off: the rows are grouped by which red
    lines are active (a handful of patterns), each group solved as one batch without them."""
    on = P[:, switches] >= 0.5
    patterns, inverse = np.unique(on, axis=0, return_inverse=True)
    inverse = np.asarray(inverse).ravel()
    rest = [j for j in range(len(paths)) if j not in switches]
    out = np.full(P.shape[0], np.nan)
    for k, pattern in enumerate(patterns):
        rows = inverse == k
        sub = problem.with_params(
            {paths[j]: float(v) for j, v in zip(switches, pattern.tolist(), strict=True)}
        )
        out[rows] = margin_batch(
            sub,
            P[rows][:, rest],
            [paths[j] for j in rest],
            force_exact=force_exact,
            partial=partial,
        )
    return out
