"""Straightforward pure-Python references for the forecast engine (loops over actors and pairs).

Written from docs/models.md §3 and the variant notes, one scalar at a time, to check the vectorised
engine against on small random inputs.  Slow on purpose; never used by the package.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

TIE = 1e-12
EPS = 1e-12


def ref_weighted_median(x: Sequence[float], w: Sequence[float]) -> float:
    """The position minimising sum_i w_i |p - x_i| among the actors' positions (lowest on ties)."""
    best: float | None = None
    best_cost = math.inf
    for p in sorted(set(x)):
        cost = sum(wi * abs(p - xi) for xi, wi in zip(x, w, strict=True))
        if best is None or cost < best_cost - TIE * max(1.0, abs(best_cost)):
            best, best_cost = p, cost
    assert best is not None
    return best


def ref_weighted_mean(x: Sequence[float], w: Sequence[float]) -> float:
    return sum(wi * xi for xi, wi in zip(x, w, strict=True)) / sum(w)


def ref_nash_objective(p: float, x: Sequence[float], w: Sequence[float], r: float) -> float:
    total = 0.0
    for xi, wi in zip(x, w, strict=True):
        if wi == 0:
            continue
        u = 1 - abs(p - xi) / r
        if u <= 0:
            return -math.inf
        total += wi * math.log(u)
    return total


def _prob(
    x: list[float], w: list[float], rv: list[float], R: float, a: int, b: int, variant: str
) -> float:
    n = len(x)
    if variant == "scholz-code":
        num = 0.0
        for k in range(n):
            v = w[k] * ((abs(x[k] - x[b]) / R) ** rv[k] - (abs(x[k] - x[a]) / R) ** rv[k])
            num += max(0.0, v)
        den = 0.0
        for k in range(n):
            for a1 in range(n):
                for a2 in range(n):
                    den += abs(
                        w[k] * ((abs(x[k] - x[a2]) / R) ** rv[k] - (abs(x[k] - x[a1]) / R) ** rv[k])
                    )
        return num / den if den > 0 else 0.0
    num = den = 0.0
    for k in range(n):
        ak = abs(x[k] - x[b]) - abs(x[k] - x[a])
        num += w[k] * max(0.0, ak)
        den += w[k] * abs(ak)
    return num / den if den > 0 else 0.5


def _eu(
    x: list[float],
    s: list[float],
    mu: float,
    R: float,
    P: float,
    r: float,
    q: float,
    a: int,
    b: int,
) -> float:
    """E_a(ab): a challenges b, seen with exponent r (the viewer's)."""
    if x[a] == x[b]:
        return 0.0
    d = abs(x[a] - x[b]) / R
    us = 2 - 4 * (0.5 - 0.5 * d) ** r
    uf = 2 - 4 * (0.5 + 0.5 * d) ** r
    usq = 2 - 4 * 0.5**r
    e = (abs(x[a] - mu) + abs(x[a] - x[b])) / R
    ub = 2 - 4 * (0.5 - 0.25 * e) ** r
    uw = 2 - 4 * (0.5 + 0.25 * e) ** r
    t = 1.0 if abs(x[a] - mu) < abs(x[a] - x[b]) else 0.0
    return float(
        s[b] * (P * us + (1 - P) * uf)
        + (1 - s[b]) * us
        - q * usq
        - (1 - q) * (t * ub + (1 - t) * uw)
    )


def _best(cands: list[tuple[float, float]]) -> float:
    """Smallest key; among keys equal within TIE, the lowest resulting position."""
    k0 = min(k for k, _ in cands)
    tol = TIE * max(abs(k0), 1.0)
    return min(p for k, p in cands if k <= k0 + tol)


def ref_eum(
    x0: Sequence[float],
    c: Sequence[float],
    s: Sequence[float],
    *,
    R: float,
    variant: str,
    q: float,
    rounds: int,
    risk: bool,
) -> tuple[list[float], list[float], list[list[float]]]:
    """Medians, means (round 0..rounds) and positions per round of the expected-utility model."""
    x = [float(v) for v in x0]
    n = len(x)
    w = [ci * si for ci, si in zip(c, s, strict=True)]
    s = list(s)
    medians = [ref_weighted_median(x, w)]
    means = [ref_weighted_mean(x, w)]
    history = [list(x)]
    for _ in range(rounds):
        mu = medians[-1]
        ones = [1.0] * n
        # Risk: Sec_i = sum_j E_j(ji) at r = 1.
        sec = []
        for i in range(n):
            total = 0.0
            for j in range(n):
                if j != i:
                    p = _prob(x, w, ones, R, j, i, variant)
                    total += _eu(x, s, mu, R, p, 1.0, q, j, i)
            sec.append(total)
        if risk and max(sec) > min(sec):
            rr = []
            for i in range(n):
                rho = (2 * sec[i] - max(sec) - min(sec)) / (max(sec) - min(sec))
                rr.append((1 - rho / 3) / (1 + rho / 3))
        else:
            rr = ones
        new = list(x)
        for i in range(n):
            conflict: list[tuple[float, float]] = []
            compromise: list[tuple[float, float]] = []
            capitulation: list[tuple[float, float]] = []
            for j in range(n):
                if x[i] == x[j]:
                    continue
                pij = _prob(x, w, rr, R, i, j, variant)
                pji = _prob(x, w, rr, R, j, i, variant)
                a = _eu(x, s, mu, R, pij, rr[i], q, i, j)
                b = _eu(x, s, mu, R, pji, rr[i], q, j, i)
                # Expected utilities within EPS count as equal (as in the engine).
                if b > a + EPS and a > EPS:
                    conflict.append((abs(x[j] - x[i]), x[j]))
                elif b > EPS and a < -EPS and b > abs(a) + EPS:
                    pos = x[i] + (x[j] - x[i]) * abs(a / b)
                    if variant == "scholz-code":
                        key = (abs(a) * x[i] + abs(b) * x[j]) / (abs(a) + abs(b))
                    else:
                        key = abs(pos - x[i])
                    compromise.append((key, pos))
                elif b > EPS and a < -EPS and abs(a) > b + EPS and variant == "as-printed":
                    capitulation.append((abs(x[j] - x[i]), x[j]))
            if conflict:
                new[i] = _best(conflict)
            elif compromise:
                new[i] = _best(compromise)
            elif capitulation:
                new[i] = _best(capitulation)
        x = new
        history.append(list(x))
        medians.append(ref_weighted_median(x, w))
        means.append(ref_weighted_mean(x, w))
    return medians, means, history
