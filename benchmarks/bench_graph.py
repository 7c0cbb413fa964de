"""Benchmark of the graph-model engine (not a timed test; prints numbers and a ratio).

1. A 4-DM, 16-option conflict (2**16 = 65,536 states, every option vector feasible, all options
   reversible) with random strict preferences: Nash, GMR, SMR and SEQ for every DM, then SIM
   (joint simultaneous moves of the others, and one opponent at a time).  Requirement (issue 4):
   under 60 s and 2 GB on 2 cores.
2. 4,096-state conflicts with 3, 4 and 6 DMs (12 options); the published tool (GMCR+) needs
   100 s, 200 s and more than 300 s for those.
3. Baseline measured in the same run: a straightforward per-state Python implementation of the
   definitions (for each state, each UI, a breadth-first search of the opponents' reachable
   set over (state, last mover) pairs; for SIM every combination of the others' simultaneous
   UIs), run on a random subset of states of conflict 1 with moves from the public
   ``StabilityResult.moves`` and payoffs from the rankings, and extrapolated to all states.  Its
   verdicts on the subset are checked against the engine's.
4. Limits: a conflict near the candidate-move limit (2 DMs with 11 and 1 options, 8.4 million
   candidate moves) runs within memory; a 2**40-state strategy and a 65,536-state strategy
   whose move lists would need a billion moves are refused, and how long that takes.

Run: ``.venv/bin/python benchmarks/bench_graph.py [--baseline-states 20] [--seed 1]``.
Times are wall and CPU; on a shared machine the CPU figures are the comparable ones.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from detente.errors import ProblemTooLarge
from detente.graph import StabilityResult, stability
from detente.scenario.strategy import Strategy

FOUR = ("nash", "gmr", "smr", "seq")


def random_conflict(n_dms: int, per_dm: int, seed: int) -> tuple[Strategy, list[list[int]]]:
    """Every DM has ``per_dm`` reversible options; strict random rankings of all states.

    Returns the strategy and each DM's payoff per state (state k is decimal code k - 1).
    """
    rng = np.random.default_rng(seed)
    n = n_dms * per_dm
    m = 2**n
    dms = [f"D{d}" for d in range(n_dms)]
    rankings = [rng.permutation(m).tolist() for _ in dms]
    data: dict[str, Any] = {
        "decision_makers": {dm: {"options": {f"o{k}": {} for k in range(per_dm)}} for dm in dms},
        "preferences": {dm: {"ranking": r} for dm, r in zip(dms, rankings, strict=True)},
    }
    payoff = []
    for r in rankings:
        p = [0] * m
        for pos, code in enumerate(r):
            p[code] = m - pos
        payoff.append(p)
    return Strategy.model_validate(data), payoff


def peak_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 2**20


def timed(call: Callable[[], Any]) -> tuple[Any, float, float]:
    t0, c0 = time.perf_counter(), time.process_time()
    out = call()
    return out, time.perf_counter() - t0, time.process_time() - c0


class Naive:
    """The definitions state by state (0-based states = decimal codes), on public data."""

    def __init__(self, result: StabilityResult, payoff: list[list[int]], per_dm: int) -> None:
        self.r = result
        self.P = payoff
        self.n = len(payoff)
        self.per = per_dm
        self._moves: dict[tuple[int, int], list[int]] = {}

    def moves(self, d: int, s: int) -> list[int]:
        if (d, s) not in self._moves:
            dm = self.r.decision_makers[d]
            self._moves[(d, s)] = [t - 1 for t in self.r.moves(dm, s + 1)]
        return self._moves[(d, s)]

    def uis(self, d: int, s: int) -> list[int]:
        return [t for t in self.moves(d, s) if self.P[d][t] > self.P[d][s]]

    def stable(self, concept: str, i: int, s: int) -> bool:
        P = self.P[i]
        ui = self.uis(i, s)
        if concept == "nash" or not ui:
            return not ui
        if concept == "sim":
            return all(self.sim_sanctioned(i, s, s1) for s1 in ui)
        opp = [d for d in range(self.n) if d != i]
        step = self.uis if concept == "seq" else self.moves
        for s1 in ui:
            seen: set[tuple[int, int]] = set()
            todo = [(s1, -1)]
            ok = False
            while todo and not ok:
                x, last = todo.pop()
                for k in opp:
                    if k == last:
                        continue
                    for t in step(k, x):
                        if (t, k) in seen:
                            continue
                        seen.add((t, k))
                        todo.append((t, k))
                        if P[t] <= P[s] and (
                            concept != "smr" or all(P[u] <= P[s] for u in self.moves(i, t))
                        ):
                            ok = True
                            break
                    if ok:
                        break
            if not ok:
                return False
        return True

    def sim_sanctioned(self, i: int, s: int, s1: int) -> bool:
        choices = [[None, *self.uis(j, s)] for j in range(self.n) if j != i]
        for combo in itertools.product(*choices):
            x = s1
            for t in combo:
                if t is not None:
                    x ^= s ^ t  # every state is feasible: codes combine by their changed bits
            if self.P[i][x] <= self.P[i][s]:
                return True
        return False


def part_one(args: argparse.Namespace) -> tuple[StabilityResult, list[list[int]], float]:
    (strategy, payoff), t_build, _ = timed(lambda: random_conflict(4, 4, args.seed))
    result, t_engine, c_engine = timed(lambda: stability(strategy, concepts=FOUR))
    m = len(result.states)
    print(
        f"1. 4 DMs x 4 options, {m:,} states: Nash+GMR+SMR+SEQ for every DM in "
        f"{t_engine:.2f} s wall, {c_engine:.2f} s CPU ({m / c_engine:,.0f} states per CPU s; "
        f"model from data {t_build:.2f} s); equilibria: "
        + ", ".join(f"{c} {len(result.equilibria[c])}" for c in FOUR)
    )
    print(f"   peak memory so far: {peak_rss_mb():,.0f} MB")
    for mode in ("joint", "single"):
        sim, t_sim, c_sim = timed(
            lambda mode=mode: stability(strategy, concepts=("sim",), sim=mode)
        )
        print(
            f"   SIM ({mode}): {t_sim:.2f} s wall, {c_sim:.2f} s CPU, "
            f"{len(sim.equilibria['sim']):,} equilibria; peak memory {peak_rss_mb():,.0f} MB"
        )
    full, _, c_full = timed(lambda: stability(strategy))
    return full, payoff, c_full


def part_three(args: argparse.Namespace, full: StabilityResult, payoff: Any, c_full: float) -> bool:
    m = len(full.states)
    naive = Naive(full, payoff, 4)
    rng = np.random.default_rng(args.seed)
    subset = rng.choice(m, size=min(args.baseline_states, m), replace=False)
    concepts = (*FOUR, "sim")

    def run() -> bool:
        agree = True
        for s in subset.tolist():
            for c in concepts:
                for i, dm in enumerate(full.decision_makers):
                    agree &= naive.stable(c, i, s) == ((s + 1) in full.stability[c][dm])
        return agree

    agree, t_naive, c_naive = timed(run)
    print(
        f"3. baseline (per-state Python, the definitions) on {subset.size} random states, "
        f"all five concepts: {t_naive:.2f} s wall, {c_naive / subset.size * 1e3:.0f} ms CPU per "
        f"state -> {c_naive / subset.size * m:,.0f} CPU s for all {m:,} states; verdicts agree "
        f"with the engine: {agree}"
    )
    print(
        f"   engine, all five concepts: {c_full:.2f} CPU s; speed-up over the baseline: "
        f"{c_naive / subset.size * m / c_full:,.0f}x CPU"
    )
    return agree


def part_four() -> None:
    strategy = Strategy.model_validate(
        {
            "decision_makers": {
                "A": {"options": {f"o{k}": {} for k in range(11)}},
                "B": {"options": {"x": {}}},
            },
            "preferences": {"A": ["A.o0", "-B.x", "A.o3"], "B": ["B.x", "-A.o1"]},
        }
    )
    result, t, c = timed(lambda: stability(strategy))
    m = len(result.states)
    moves = m * (2**11 - 1) + m  # every option vector is feasible and reversible
    print(
        f"4. 2 DMs with 11 and 1 options ({m:,} states, {moves:,} moves; the limit is "
        f"16,777,216 candidate moves): all concepts in {t:.2f} s wall, {c:.2f} s CPU; peak "
        f"memory of this process {peak_rss_mb():,.0f} MB"
    )
    for per, what in (([20, 20], "2**40 states"), ([14, 2], "65,536 states, 1.07e9 moves")):
        big = Strategy.model_validate(
            {
                "decision_makers": {
                    f"D{d}": {"options": {f"o{k}": {} for k in range(p)}} for d, p in enumerate(per)
                },
                "preferences": {f"D{d}": [f"D{d}.o0"] for d in range(len(per))},
                "max_states": 2**40,
            }
        )

        def refuse(big: Strategy = big) -> str:
            try:
                stability(big)
            except ProblemTooLarge as exc:
                return str(exc)
            return "NOT refused"

        message, t, c = timed(refuse)
        print(
            f"   {what}: refused in {t * 1e3:.0f} ms wall, {c * 1e3:.0f} ms CPU: {message[:90]}..."
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--baseline-states", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limits-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.limits_only:  # in its own process, so that its peak memory is its own
        part_four()
        return

    print("graph-model engine benchmark")
    full, payoff, c_full = part_one(args)
    for n_dms, per in ((3, 4), (4, 3), (6, 2)):
        s, _ = random_conflict(n_dms, per, args.seed + n_dms)
        r, dt, dc = timed(lambda s=s: stability(s, concepts=FOUR))
        print(
            f"2. {n_dms} DMs x {per} options, {len(r.states):,} states: {dt:.2f} s wall, "
            f"{dc:.2f} s CPU (GMCR+ needs {({3: '100 s', 4: '200 s', 6: '> 300 s'})[n_dms]})"
        )
    agree = part_three(args, full, payoff, c_full)
    sys.stdout.flush()
    subprocess.run([sys.executable, __file__, "--limits-only"], check=True)
    peak = peak_rss_mb()
    print(f"peak memory of parts 1-3: {peak:,.0f} MB (part 4 ran in its own process)")
    ok = c_full < 60 and peak < 2048 and agree
    print(
        f"requirement (65,536 states, all concepts, < 60 CPU s, < 2 GB): {'met' if ok else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
