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

import functools
import itertools
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
from detente.scenario.expr import All, AnyOf, Const, Formula, LinAtom

__all__ = ["MAX_COMBOS", "MAX_SYSTEMS", "MAX_TERMS", "fast_applicable", "margin_batch"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

MAX_SYSTEMS = 4000
MAX_COMBOS = 4096
MAX_TERMS = 64
_CHUNK_ELEMENTS = 1 << 21  # floats in the largest array of one chunk of draws (32 MiB)


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
        return np.where(feasible, _two_actors(vals, q, allowed), -np.inf)

    m_c = _vertex_minimum(vals, q, Ks)
    m_c = np.where(allowed, m_c, -np.inf)
    m = m_c.max(axis=1)
    return np.where(feasible, m, -np.inf)


@functools.lru_cache(maxsize=64)
def _hyperplanes(Ks: int, A: int) -> tuple[npt.NDArray[np.int64], ...]:
    """The arrangement's hyperplanes and the systems of ``A - 1`` of them.

    Returns ``(choose, kink, col, b1, b2)``: ``choose`` (S, A-1) the hyperplanes of each system;
    per hyperplane, whether it is a kink ``L_{col,b1} = L_{col,b2}`` (else the facet
    ``lambda_{b1} = 0``).
    """
    kink, col, b1, b2 = [], [], [], []
    for c in range(Ks):
        for x, y in itertools.combinations(range(A), 2):
            kink.append(1)
            col.append(c)
            b1.append(x)
            b2.append(y)
    for a in range(A):
        kink.append(0)
        col.append(0)
        b1.append(a)
        b2.append(a)
    choose = np.array(list(itertools.combinations(range(len(kink)), A - 1)), dtype=np.int64)
    if choose.size == 0:
        choose = np.zeros((1, 0), dtype=np.int64)
    as_int = [np.array(v, dtype=np.int64) for v in (kink, col, b1, b2)]
    return (choose, *as_int)


def _cofactors(rows: list[FloatArray]) -> FloatArray:
    """The generalised cross product of ``n - 1`` row vectors in R^n, batched: ``rows[r]`` is
    (n, ...) -- entry c of row r for every system -- and the result ``c`` (n, ...) holds the
    cofactors of a last row appended to them.

    So ``N c = 0`` and ``det([N; y]) = y . c`` for any y: with y all ones, ``sum(c)`` is the
    determinant of the vertex system and ``c / sum(c)`` its solution (Cramer's rule).  The
    minors are expanded along the rows (Laplace), each sub-determinant computed once for the
    whole batch on contiguous arrays: about ``n 2^n`` array operations instead of one LAPACK
    call per system.
    """
    m = len(rows)
    n = m + 1
    memo: dict[tuple[int, tuple[int, ...]], FloatArray] = {}

    def det(r: int, cols: tuple[int, ...]) -> FloatArray:
        if r == m - 1:
            last: FloatArray = rows[r][cols[0]]
            return last
        hit = memo.get((r, cols))
        if hit is not None:
            return hit
        total: FloatArray = rows[r][cols[0]] * det(r + 1, cols[1:])
        for j in range(1, len(cols)):
            term = rows[r][cols[j]] * det(r + 1, cols[:j] + cols[j + 1 :])
            total = total + term if j % 2 == 0 else total - term
        memo[(r, cols)] = total
        return total

    out = np.empty((n, *rows[0].shape[1:]))
    for i in range(n):
        rest = tuple(k for k in range(n) if k != i)
        sign = 1.0 if (m + i) % 2 == 0 else -1.0
        out[i] = sign * det(0, rest) if m else sign
    return out


def _first_true(mask: BoolArray) -> npt.NDArray[np.int64]:
    """(D, k): the column indices of each row's true entries first (stable), k the most true
    entries of any row (at least 1)."""
    keep = max(1, int(mask.sum(axis=1).max(initial=0)))
    return np.argsort(~mask, axis=1, kind="stable")[:, :keep]


def _distinct(lam: FloatArray, good: BoolArray) -> BoolArray:
    """``good`` without the repeats of a vertex within each draw: solutions of different
    systems equal to 1e-9 in every coordinate are one vertex (keeping one of two points that
    close changes phi by about 1e-9 at most).  Each draw's points are sorted by a scalar key and
    neighbours compared coordinate by coordinate, so a shared key never merges two vertices."""
    code = np.rint(lam * 1e9).astype(np.int64)  # lam in [0, 1]
    weights = (1.0 + np.arange(lam.shape[-1])) * (math.sqrt(5.0) - 1.0) / 2.0 + 1.0
    key = np.where(good, code @ weights, np.inf)
    order = np.argsort(key, axis=1, kind="stable")
    sorted_code = np.take_along_axis(code, order[:, :, None], axis=1)
    sorted_good = np.take_along_axis(good, order, axis=1)
    same = np.all(sorted_code[:, 1:] == sorted_code[:, :-1], axis=-1)
    repeat = np.zeros_like(good)
    repeat[:, 1:] = same & sorted_good[:, 1:] & sorted_good[:, :-1]
    out = good.copy()
    np.put_along_axis(out, order, sorted_good & ~repeat, axis=1)
    return out


def _vertex_minimum(vals: FloatArray, q: FloatArray, Ks: int) -> FloatArray:
    """m*_c = min over lambda in the simplex of phi_c (D, C), at the arrangement's vertices.

    Every system of A - 1 hyperplanes (kinks and facets) with sum(lambda) = 1 is solved for
    every draw at once; a vertex counts when lambda >= 0 and every kink it lies on is a real
    kink of h_k there (both pieces attain the maximum: a vertex of the complex of regions on
    which phi is linear, where the minimum of a convex piecewise-linear function over the
    simplex lies).  Those vertices, a few of the thousands of systems, are compacted before
    phi is evaluated for every option combination.  A loose test only keeps more points of the
    simplex, each an upper bound on the minimum: it never changes the answer.
    """
    D, A = vals.shape[0], vals.shape[1]
    if A == 1:  # lambda = (1): the one actor's best
        hval = vals[:, 0].max(axis=-1).sum(axis=-1) if Ks else np.zeros(D)
        return np.asarray(hval[:, None] + q[:, 0, :])
    choose, kink, col, b1, b2 = _hyperplanes(Ks, A)
    # normals of every hyperplane: kinks vals[:, :, c, b1] - vals[:, :, c, b2], facets e_a
    ks = kink == 1
    kinks = vals[:, :, col[ks], b1[ks]] - vals[:, :, col[ks], b2[ks]]  # (D, A, H_kinks)
    facets = np.broadcast_to(np.eye(A), (D, A, A))
    N = np.concatenate([np.moveaxis(kinks, 1, 2), facets], axis=1)  # (D, H, A)
    Nt = np.ascontiguousarray(np.moveaxis(N, 0, -1))  # (H, A, D): entries contiguous in d
    rows = [np.ascontiguousarray(np.moveaxis(Nt[choose[:, r]], 0, -1)) for r in range(A - 1)]
    c = np.moveaxis(_cofactors(rows), 0, -1)  # rows[r]: (A, D, S) -> c (D, S, A)
    det = c.sum(axis=-1)  # the determinant of [normals; 1 ... 1]
    good = np.abs(det) > 1e-12
    lam = c / np.where(good, det, 1.0)[..., None]
    good &= np.all(lam >= -1e-9, axis=-1)
    # compact to the solutions inside the simplex (a fraction of the systems), then test kinks
    sel = _first_true(good)  # (D, keep): system index of each kept solution
    rows_d = np.arange(D)[:, None]
    good = good[rows_d, sel]
    lam = np.clip(lam[rows_d, sel], 0.0, None)
    lam /= np.maximum(lam.sum(axis=-1, keepdims=True), 1e-300)
    keep = sel.shape[1]
    if Ks:
        # L[d, s, k, b] = sum_a lam_a vals[d, a, k, b]: each issue's pieces at the vertex
        L = np.matmul(lam, vals.reshape(D, A, Ks * A)).reshape(D, keep, Ks, A)
        top = L.max(axis=-1)  # (D, keep, Ks)
        hval = top.sum(axis=-1)
        rows_s = np.arange(keep)[None, :]
        for j in range(choose.shape[1]):
            h = choose[sel, j]  # (D, keep)
            on = L[rows_d, rows_s, col[h], b1[h]]
            best = top[rows_d, rows_s, col[h]]
            tol = 1e-7 * (1.0 + np.abs(best))  # loose is safe: see above
            good &= (kink[h] == 0) | (on >= best - tol)
    else:
        hval = np.zeros((D, keep))
    # compact again: the vertices of each draw first, as many columns as the most of any draw
    order = _first_true(good)
    lam_c = np.take_along_axis(lam, order[:, :, None], axis=1)  # (D, keep, A)
    h_c = np.take_along_axis(hval, order, axis=1)
    g_c = np.take_along_axis(good, order, axis=1)
    # many systems meet at one vertex (the arrangement is degenerate): keep each vertex once
    g_c = _distinct(lam_c, g_c)
    order = _first_true(g_c)
    lam_c = np.take_along_axis(lam_c, order[:, :, None], axis=1)
    h_c = np.take_along_axis(h_c, order, axis=1)
    g_c = np.take_along_axis(g_c, order, axis=1)
    keep = order.shape[1]
    C = q.shape[-1]
    out = np.empty((D, C))
    step = max(1, _CHUNK_ELEMENTS // max(1, D * keep))
    for c0 in range(0, C, step):  # phi (D, keep, C) in blocks of option combinations
        phi = h_c[:, :, None] + np.matmul(lam_c, q[:, :, c0 : c0 + step])
        out[:, c0 : c0 + step] = np.where(g_c[:, :, None], phi, np.inf).min(axis=1)
    return out


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
    chunk = max(1, _CHUNK_ELEMENTS // per_row)
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


def _two_actors(vals: FloatArray, q: FloatArray, allowed: BoolArray) -> FloatArray:
    """Two veto actors: lambda = (l, 1 - l); visit l = 0, 1 and every kink of every h_k."""
    a0 = vals[:, 0]  # (D, Ks, B=2)
    a1 = vals[:, 1]
    slope = a0 - a1  # L_kb(l) = a1_kb + l * slope_kb
    den = slope[:, :, 0] - slope[:, :, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        kink = (a1[:, :, 1] - a1[:, :, 0]) / den  # (D, Ks)
    kink = np.where(np.isfinite(kink) & (kink >= 0.0) & (kink <= 1.0), kink, 0.0)
    D = vals.shape[0]
    ls = np.concatenate([np.zeros((D, 1)), np.ones((D, 1)), kink], axis=1)  # (D, S)
    lines = a1[:, None, :, :] + ls[:, :, None, None] * slope[:, None, :, :]  # (D, S, Ks, 2)
    hval = np.maximum(lines[..., 0], lines[..., 1]).sum(axis=-1)  # (D, S)
    q1 = q[:, 1, :]
    dq = q[:, 0, :] - q1
    # min over the few candidate l of phi_c(l), kept as (D, C) arrays (no (D, S, C) temporary)
    m_c = np.full(q1.shape, np.inf)
    tmp = np.empty_like(m_c)
    for s in range(ls.shape[1]):
        np.multiply(ls[:, s, None], dq, out=tmp)
        tmp += q1
        tmp += hval[:, s, None]
        np.minimum(m_c, tmp, out=m_c)
    m_c[~allowed] = -np.inf
    return np.asarray(m_c.max(axis=1))
