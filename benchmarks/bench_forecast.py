"""Speed of the forecast engine's expected-utility model.

1. One issue with 80 actors, 10 rounds, ``scholz-code`` with the risk pass (target: < 0.5 s),
   against a straightforward pure-Python loop over pairs of the same model measured in the same
   run (one round of it, as ten would take minutes).
2. 10,000 Monte Carlo draws of the EC car-emissions case (Bueno de Mesquita 1994), positions,
   capabilities and saliences perturbed, in one batched call (target: < 10 s), against one
   :func:`expected_utility` call per draw on the first 200 draws, extrapolated.

Wall-clock and CPU seconds are both printed: on a shared machine CPU time is the fairer figure.
Run: ``.venv/bin/python benchmarks/bench_forecast.py``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np

from detente.bargaining import EUMSettings, expected_utility, expected_utility_batch

T = TypeVar("T")

EC_X = np.array([4, 7, 4, 4, 10, 10, 10, 7, 4, 7], dtype=float)
EC_C = np.array([0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08])
EC_S = np.array([80, 40, 20, 80, 60, 60, 90, 10, 100, 70]) / 100.0


def timed(fn: Callable[[], T], repeat: int = 1) -> tuple[T, float, float]:
    """Result, best wall seconds and best CPU seconds over ``repeat`` runs."""
    best_wall = best_cpu = float("inf")
    out: T | None = None
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        best_wall = min(best_wall, time.perf_counter() - w0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    assert out is not None
    return out, best_wall, best_cpu


def loop_round(x: list[float], c: list[float], s: list[float], R: float) -> list[float]:
    """One round of the scholz-code model (Q = 1, risk pass) written as plain loops over pairs."""
    n = len(x)
    w = [ci * si for ci, si in zip(c, s, strict=True)]

    def probabilities(r: list[float]) -> list[list[float]]:
        u = [[(abs(x[k] - x[a]) / R) ** r[k] for a in range(n)] for k in range(n)]
        den = sum(
            w[k] * abs(u[k][b] - u[k][a]) for k in range(n) for a in range(n) for b in range(n)
        )
        return [
            [sum(w[k] * max(0.0, u[k][b] - u[k][a]) for k in range(n)) / den for b in range(n)]
            for a in range(n)
        ]

    def eu(p: float, r: float, a: int, b: int) -> float:
        d = abs(x[a] - x[b]) / R
        us = 2 - 4 * (0.5 - 0.5 * d) ** r
        uf = 2 - 4 * (0.5 + 0.5 * d) ** r
        return float(s[b] * (p * us + (1 - p) * uf) + (1 - s[b]) * us - (2 - 4 * 0.5**r))

    ones = [1.0] * n
    p1 = probabilities(ones)
    sec = [sum(eu(p1[j][i], 1.0, j, i) for j in range(n) if x[j] != x[i]) for i in range(n)]
    hi, lo = max(sec), min(sec)
    rr = [(1 - rho / 3) / (1 + rho / 3) for rho in ((2 * v - hi - lo) / (hi - lo) for v in sec)]
    p2 = probabilities(rr)
    new = list(x)
    for i in range(n):
        conflict, compromise = [], []
        for j in range(n):
            if x[i] == x[j]:
                continue
            a = eu(p2[i][j], rr[i], i, j)
            b = eu(p2[j][i], rr[i], j, i)
            if b > a > 0:
                conflict.append((abs(x[j] - x[i]), x[j]))
            elif b > 0 > a and b > abs(a):
                key = (abs(a) * x[i] + abs(b) * x[j]) / (abs(a) + abs(b))
                compromise.append((key, x[i] + (x[j] - x[i]) * abs(a / b)))
        if conflict:
            new[i] = min(conflict)[1]
        elif compromise:
            new[i] = min(compromise)[1]
    return new


def bench_80_actors() -> bool:
    rng = np.random.default_rng(2011)
    n, rounds = 80, 10
    x = rng.uniform(0, 100, n)
    c = rng.uniform(0.1, 1.0, n)
    s = rng.uniform(0.05, 1.0, n)
    res, wall, cpu = timed(
        lambda: expected_utility(x, c, s, low=0, high=100, eum=EUMSettings(rounds=rounds)), repeat=3
    )
    loop_x, loop_wall, loop_cpu = timed(
        lambda: loop_round(list(x), list(c), list(s), float(np.ptp(x)))
    )
    agree = np.allclose(loop_x, res.positions[1], rtol=1e-9, atol=1e-9)
    per_round = cpu / rounds
    print(f"[1] {n} actors, 1 issue, {rounds} rounds (scholz-code, risk pass)")
    print(f"    vectorised: {wall:.3f} s wall, {cpu:.3f} s CPU   (target < 0.5 s)")
    print(
        f"    loop reference, 1 round: {loop_wall:.2f} s wall, {loop_cpu:.2f} s CPU; "
        f"round 1 agrees: {agree}"
    )
    print(f"    ratio per round (loop / vectorised, CPU): {loop_cpu / per_round:.0f}x")
    return agree and min(wall, cpu) < 0.5


def bench_monte_carlo() -> bool:
    rng = np.random.default_rng(1985)
    d, rounds = 10_000, 8
    x = np.clip(EC_X + rng.normal(0, 0.5, (d, EC_X.size)), 4, 10)
    c = EC_C * rng.lognormal(0, 0.2, (d, EC_C.size))
    s = np.clip(EC_S + rng.normal(0, 0.1, (d, EC_S.size)), 0, 1)
    batch, wall, cpu = timed(
        lambda: expected_utility_batch(x, c, s, low=4, high=10, eum=EUMSettings(rounds=rounds))
    )
    k = 200

    def one_by_one() -> list[float]:
        return [
            expected_utility(
                x[i], c[i], s[i], low=4, high=10, eum=EUMSettings(rounds=rounds)
            ).forecast
            for i in range(k)
        ]

    singles, _, loop_cpu = timed(one_by_one)
    agree = np.allclose(singles, batch.forecast[:k], rtol=1e-12)
    est = loop_cpu * d / k
    f = batch.forecast
    print(f"[2] {d} Monte Carlo draws of the EC car-emissions case, {rounds} rounds")
    print(f"    batched: {wall:.2f} s wall, {cpu:.2f} s CPU   (target < 10 s)")
    print(
        f"    one call per draw: {loop_cpu:.2f} s CPU for {k} draws -> ~{est:.1f} s for {d}; "
        f"ratio {est / cpu:.1f}x; first {k} agree: {agree}"
    )
    print(
        f"    forecast over the draws: p10 {np.quantile(f, 0.1):.2f}, median "
        f"{np.median(f):.2f}, p90 {np.quantile(f, 0.9):.2f} years (actual 8.83)"
    )
    return agree and min(wall, cpu) < 10.0


def main() -> int:
    ok = bench_80_actors()
    ok = bench_monte_carlo() and ok
    print("OK" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
