"""Benchmark of the graph-model engine (not a timed test; prints numbers and a ratio).

1. A 4-DM, 16-option conflict (2**16 = 65,536 states, every option vector feasible, all options
   reversible) with random strict preferences: Nash, GMR, SMR and SEQ for every DM (and SIM,
   timed separately).  Requirement (issue 4): under 60 s and 2 GB on 2 cores.
2. 4,096-state conflicts with 3, 4 and 6 DMs (12 options); the published tool (GMCR+) needs
   100 s, 200 s and more than 300 s for those.
3. Baseline measured in the same run: a straightforward per-state Python implementation of the
   same definitions (for each state, each UI, a search of the opponents' reachable set over
   (state, last mover) pairs, as the textbook states them), with moves and preferences built from
   the conflict's data (not from the engine), run on a random subset of states of conflict 1 and
   extrapolated to all states.  Its verdicts on the subset are checked against the engine's.

Run: ``.venv/bin/python benchmarks/bench_graph.py [--baseline-states 60] [--seed 1]``.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from typing import Any

import numpy as np

from detente.graph import stability
from detente.scenario.strategy import RankingSpec, Strategy

FOUR = ("nash", "gmr", "smr", "seq")


def random_conflict(n_dms: int, per_dm: int, seed: int) -> Strategy:
    """Every DM has ``per_dm`` reversible options; strict random rankings of all states."""
    rng = np.random.default_rng(seed)
    n = n_dms * per_dm
    m = 2**n
    dms = [f"D{d}" for d in range(n_dms)]
    data: dict[str, Any] = {
        "decision_makers": {dm: {"options": {f"o{k}": {} for k in range(per_dm)}} for dm in dms},
        "preferences": {dm: {"ranking": rng.permutation(m).tolist()} for dm in dms},
        "max_states": max(m, 2**20),
    }
    return Strategy.model_validate(data)


def peak_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 2**20


class Reference:
    """The textbook conflict of :func:`random_conflict`, built from its data, not from the engine.

    Every option vector is a state and all options are reversible, so state ``s`` (0-based, in
    ascending decimal order) is the vector with decimal code ``s``, and DM ``d`` moves by flipping
    any non-empty subset of its own ``per_dm`` option bits.  Payoffs come from the rankings.
    """

    def __init__(self, strategy: Strategy, per_dm: int) -> None:
        self.dms = list(strategy.decision_makers)
        m = 2 ** (len(self.dms) * per_dm)
        self.payoff = []
        for dm in self.dms:
            spec = strategy.preferences[dm]
            assert isinstance(spec, RankingSpec)
            ranking = [int(code) for code in spec.ranking]  # most preferred first
            payoff = np.empty(m, dtype=np.int64)
            payoff[ranking] = np.arange(m, 0, -1)
            self.payoff.append(payoff)
        self.masks = []
        for d in range(len(self.dms)):
            bits = [1 << (d * per_dm + k) for k in range(per_dm)]
            self.masks.append(
                [sum(b for j, b in enumerate(bits) if sub >> j & 1) for sub in range(1, 2**per_dm)]
            )

    def moves(self, d: int, s: int) -> list[int]:
        return [s ^ mask for mask in self.masks[d]]

    def uis(self, d: int, s: int) -> list[int]:
        return [t for t in self.moves(d, s) if self.payoff[d][t] > self.payoff[d][s]]


def naive_stable(ref: Reference, concept: str, i: int, s: int) -> bool:
    """Per-state textbook check (the baseline): for each UI, search the opponents' reach."""
    P = ref.payoff
    opp = [d for d in range(len(ref.dms)) if d != i]
    step = ref.uis if concept == "seq" else ref.moves
    ui = ref.uis(i, s)
    if concept == "nash":
        return not ui
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
                    if P[i][t] <= P[i][s] and (
                        concept != "smr" or all(P[i][u] <= P[i][s] for u in ref.moves(i, t))
                    ):
                        ok = True
                        break
                if ok:
                    break
        if not ok:
            return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline-states", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    print("graph-model engine benchmark")
    t0 = time.perf_counter()
    strategy = random_conflict(4, 4, args.seed)
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    c0 = time.process_time()
    result = stability(strategy, concepts=FOUR)
    t_engine = time.perf_counter() - t0
    c_engine = time.process_time() - c0
    m = len(result.states)
    print(
        f"1. 4 DMs x 4 options, {m:,} states: Nash+GMR+SMR+SEQ for every DM in "
        f"{t_engine:.2f} s wall, {c_engine:.2f} s CPU ({m / t_engine:,.0f} states/s; model from "
        f"data {t_build:.2f} s); equilibria: "
        + ", ".join(f"{c} {len(result.equilibria[c])}" for c in FOUR)
    )
    print(f"   peak memory so far: {peak_rss_mb():,.0f} MB")
    t0 = time.perf_counter()
    c0 = time.process_time()
    sim = stability(strategy, concepts=("sim",))
    t_sim = time.perf_counter() - t0
    c_sim = time.process_time() - c0
    print(
        f"   SIM alone: {t_sim:.2f} s wall, {c_sim:.2f} s CPU, "
        f"{len(sim.equilibria['sim'])} equilibria"
    )

    for n_dms, per in ((3, 4), (4, 3), (6, 2)):
        s = random_conflict(n_dms, per, args.seed + n_dms)
        t0 = time.perf_counter()
        c0 = time.process_time()
        r = stability(s, concepts=FOUR)
        dt = time.perf_counter() - t0
        dc = time.process_time() - c0
        print(
            f"2. {n_dms} DMs x {per} options, {len(r.states):,} states: {dt:.2f} s wall, "
            f"{dc:.2f} s CPU ({len(r.states) / dt:,.0f} states/s; GMCR+ needs "
            f"{ {3: '100 s', 4: '200 s', 6: '> 300 s'}[n_dms] })"
        )

    rng = np.random.default_rng(args.seed)
    subset = rng.choice(m, size=min(args.baseline_states, m), replace=False)
    t0 = time.perf_counter()
    c0 = time.process_time()
    ref = Reference(strategy, 4)
    assert all(state.decimal == (k,) for k, state in enumerate(result.states))
    stable = {c: {dm: set(result.stability[c][dm]) for dm in ref.dms} for c in FOUR}
    agree = True
    for s in subset.tolist():
        for c in FOUR:
            for i, dm in enumerate(ref.dms):
                agree &= naive_stable(ref, c, i, s) == (s + 1 in stable[c][dm])
    t_naive = time.perf_counter() - t0
    c_naive = time.process_time() - c0
    per_state = t_naive / subset.size
    per_state_cpu = c_naive / subset.size
    extrapolated = per_state * m
    print(
        f"3. baseline (per-state Python, textbook definitions) on {subset.size} random states: "
        f"{t_naive:.2f} s, {per_state * 1e3:.1f} ms/state -> {extrapolated:,.0f} s for all "
        f"{m:,} states; verdicts agree with the engine: {agree}"
    )
    print(
        f"   speed-up of the engine over the baseline: {extrapolated / t_engine:,.0f}x wall, "
        f"{per_state_cpu * m / c_engine:,.0f}x CPU"
    )
    peak = peak_rss_mb()
    print(f"   peak memory (whole run): {peak:,.0f} MB")
    ok = t_engine < 60 and peak < 2048 and agree
    print(f"requirement (65,536 states, 4 concepts, < 60 s, < 2 GB): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
