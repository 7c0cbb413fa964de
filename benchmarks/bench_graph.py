"""Benchmark of the graph-model engine (not a timed test; prints numbers and a ratio).

1. A 4-DM, 16-option conflict (2**16 = 65,536 states, every option vector feasible, all options
   reversible) with random strict preferences: Nash, GMR, SMR and SEQ for every DM (and SIM,
   timed separately).  Requirement (issue 4): under 60 s and 2 GB on 2 cores.
2. 4,096-state conflicts with 3, 4 and 6 DMs (12 options); the published tool (GMCR+) needs
   100 s, 200 s and more than 300 s for those.
3. Baseline measured in the same run: a straightforward per-state Python implementation of the
   same definitions (for each state, each UI, a breadth-first search of the opponents' reachable
   set over (state, last mover) pairs, as the textbook states them), run on a random subset of
   states of conflict 1 using the engine's own move lists, and extrapolated to all states.  Its
   verdicts on the subset are checked against the engine's.

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
from detente.scenario.strategy import Strategy

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


def naive_stable(result: Any, concept: str, i: int, s: int) -> bool:
    """Per-state textbook check using the engine's move lists (the baseline)."""
    solved = result._solved
    P = solved.conflict.payoff
    n = len(solved.conflict.dms)
    opp = [d for d in range(n) if d != i]
    graphs = [solved.uis[d] if concept == "seq" else solved.moves[d].graph for d in opp]
    ui = solved.uis[i].successors(s).tolist()
    if concept == "nash":
        return not ui
    for s1 in ui:
        seen: set[tuple[int, int]] = set()
        todo = [(s1, -1)]
        ok = False
        while todo and not ok:
            x, last = todo.pop()
            for k, g in enumerate(graphs):
                if k == last:
                    continue
                for t in g.successors(x).tolist():
                    if (t, k) in seen:
                        continue
                    seen.add((t, k))
                    todo.append((t, k))
                    if P[i][t] <= P[i][s] and (
                        concept != "smr"
                        or all(P[i][u] <= P[i][s] for u in solved.moves[i].graph.successors(t))
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
    agree = True
    st = result._solved.stable
    for s in subset.tolist():
        for c in FOUR:
            for i in range(4):
                agree &= naive_stable(result, c, i, s) == bool(st[c][i, s])
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
