"""The fast path's kernel: the minimum over the simplex of a convex piecewise-linear objective.

For one box of the red lines and every option combination ``c``, :mod:`.fastpath` needs

.. math:: m^*_c = \\min_{\\lambda \\in \\Delta} \\Big[ \\sum_k h_k(\\lambda)
          + \\sum_i \\lambda_i (q_{ic} - r_i) \\Big],
          \\qquad h_k(\\lambda) = \\max_b L_{kb}(\\lambda),

with ``L_kb`` linear in ``lambda``.  The objective is linear on each cell of the arrangement of
the hyperplanes ``L_kb = L_kb'`` (kinks) and ``lambda_i = 0`` (facets), so its minimum is at a
vertex: the solution of ``A - 1`` of these equations with ``sum_i lambda_i = 1``.
:func:`vertex_minimum` enumerates every such system for every draw at once (Cramer's rule, the
minors expanded for the whole batch); :func:`two_actor_minimum` is the 1-D case (two veto
actors), visiting ``l = 0``, ``l = 1`` and every kink.  Both are exact, vectorised over draws,
and no Python loop runs over draws.  See docs/models.md §2 and the notes of :mod:`.fastpath`.
"""

from __future__ import annotations

import functools
import itertools
import math
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = ["CHUNK_ELEMENTS", "two_actor_minimum", "vertex_minimum"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

#: Floats in the largest array of one chunk of draws (32 MiB).
CHUNK_ELEMENTS = 1 << 21


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


def vertex_minimum(vals: FloatArray, q: FloatArray, Ks: int) -> FloatArray:
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
    step = max(1, CHUNK_ELEMENTS // max(1, D * keep))
    for c0 in range(0, C, step):  # phi (D, keep, C) in blocks of option combinations
        phi = h_c[:, :, None] + np.matmul(lam_c, q[:, :, c0 : c0 + step])
        out[:, c0 : c0 + step] = np.where(g_c[:, :, None], phi, np.inf).min(axis=1)
    return out


def two_actor_minimum(vals: FloatArray, q: FloatArray, allowed: BoolArray) -> FloatArray:
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
