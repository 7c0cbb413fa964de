"""Stability of every state for every DM: Nash, GMR, SMR, SEQ, SIM; coalitions; status quo.

Definitions for focal DM i at state s (Fang, Hipel & Kilgour 1993, Ch. 4; Xu, Hipel, Kilgour &
Fang 2018, Ch. 2), with R_i(s) i's unilateral moves, R+_i(s) its unilateral improvements (UIs),
R_{N-i}(s) the opponents' legal move sequences and R+_{N-i}(s) their sequences of UIs:

* Nash: R+_i(s) is empty.
* GMR: for every s1 in R+_i(s) there is s2 in R_{N-i}(s1) with P_i(s2) <= P_i(s).
* SMR: as GMR, with moreover P_i(s3) <= P_i(s) for every s3 in R_i(s2).
* SEQ: as GMR with s2 in R+_{N-i}(s1).
* SIM: every UI s -> s1 of i is sanctioned by UIs that others take at the same moment: the
  state with all the changes applied is feasible and P_i <= P_i(s) there (see
  :mod:`detente.graph._sim` for the definition, its sources and the one-opponent variant).

"A sanction exists" is a minimum: GMR holds for the UI s -> s1 iff min over R_{N-i}(s1) of
P_i <= P_i(s) (for SMR of max(P_i(s2), max over R_i(s2) of P_i)), so each concept is one
min-propagation over the opponents' move graphs (:func:`reach_min`), vectorised over states.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.errors import ProblemTooLarge
from detente.graph._moves import (
    INF,
    Graph,
    Moves,
    build_moves,
    expand_ranges,
    improvements,
    reach_min,
    reach_sets,
    segment_max,
)
from detente.graph._sim import MAX_SIM_COMBINATIONS, Budget, SimMode, sim_unstable, vector_uis
from detente.scenario.strategy import Conflict

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

CONCEPTS = ("nash", "gmr", "smr", "seq", "sim")
MAX_IMPROVEMENTS = 2**24
"""Coalitional improvements listed per coalition (a hard limit)."""
MAX_REACH_WORK = 2**29
"""Moves expanded to find one coalition's reachable states from the states analysed."""


@dataclass(frozen=True)
class Solved:
    """Everything the result and its explanations need."""

    conflict: Conflict
    moves: tuple[Moves, ...]
    uis: tuple[Graph, ...]
    stable: dict[str, BoolArray]  # concept -> (n_dms, m)


def solve(conflict: Conflict, concepts: Sequence[str], *, sim: SimMode = "joint") -> Solved:
    """Compute the requested concepts for every DM and state."""
    n = len(conflict.dms)
    m = conflict.n_states
    P = conflict.payoff
    moves = tuple(build_moves(conflict, d) for d in range(n))
    uis = tuple(improvements(moves[d].graph, P[d]) for d in range(n))
    stable: dict[str, BoolArray] = {c: np.ones((n, m), dtype=bool) for c in concepts}
    if "sim" in stable:
        vuis = [vector_uis(conflict, moves[d], uis[d], d) for d in range(n)]
        budget = Budget(MAX_SIM_COMBINATIONS)
        for i in range(n):
            stable["sim"][i] = ~sim_unstable(conflict, vuis, i, mode=sim, budget=budget)
    for i in range(n):
        ui = uis[i]
        ui_src = ui.src
        has_ui = np.diff(ui.indptr) > 0
        if "nash" in stable:
            stable["nash"][i] = ~has_ui
        opp = [d for d in range(n) if d != i]

        def unstable(min_reach: IntArray, *, i: int = i, ui_src: IntArray = ui_src) -> BoolArray:
            # s is unstable iff some UI s -> s1 has no sanction: min over the reach > P_i(s)
            bad = min_reach[uis[i].indices] > P[i][ui_src]
            out = np.zeros(m, dtype=bool)
            out[ui_src[bad]] = True
            return out

        if "gmr" in stable or "smr" in stable:
            opp_moves = [moves[d].graph for d in opp]
            if "gmr" in stable:
                r = reach_min(opp_moves, P[i]) if opp else np.full(m, INF, dtype=np.int64)
                stable["gmr"][i] = ~unstable(r)
            if "smr" in stable:
                # the sanction state must leave i no move back above P_i(s)
                best_next = segment_max(moves[i].graph, P[i][moves[i].graph.indices], empty=-1)
                w = np.maximum(P[i], best_next)
                r = reach_min(opp_moves, w) if opp else np.full(m, INF, dtype=np.int64)
                stable["smr"][i] = ~unstable(r)
        if "seq" in stable:
            r = reach_min([uis[d] for d in opp], P[i]) if opp else np.full(m, INF, dtype=np.int64)
            stable["seq"][i] = ~unstable(r)
    return Solved(conflict, moves, uis, stable)


def reach_work(solved: Solved, members: Sequence[int], sources: IntArray) -> float:
    """About how many moves the coalition's reachable sets from ``sources`` expand.

    A coalition changes only its members' options, so from s it stays among the states that
    agree with s on everyone else's options (its group); the breadth-first search over (state,
    last mover) expands each member move of the group at most once per other member.
    """
    conflict = solved.conflict
    mask = 0
    for d in members:
        mask |= conflict.dm_masks[d]
    group = np.unique(conflict.state_codes & ~np.int64(mask), return_inverse=True)[1]
    group = group.reshape(-1)
    degree = np.zeros(conflict.n_states, dtype=np.float64)
    for d in members:
        degree += np.diff(solved.moves[d].graph.indptr)
    per_group = np.bincount(group, weights=degree)
    return float(per_group[group[sources]].sum()) * max(1, len(members) - 1)


def _coalition_too_large(solved: Solved, members: Sequence[int], what: str) -> ProblemTooLarge:
    names = "+".join(solved.conflict.dms[d] for d in members)
    return ProblemTooLarge(
        f"coalition {names}: {what}; declare fewer or smaller coalitions, or give the decision "
        "makers fewer options",
        path="strategy.coalitions",
    )


def coalition_improvements(
    solved: Solved, members: Sequence[int], sources: IntArray
) -> tuple[IntArray, IntArray]:
    """Pairs (s, t): t in R_H(s) makes every member of H strictly better off than s.

    A coalition's move is any legal sequence of its members' unilateral moves (Kilgour, Hipel,
    Fang & Peng 2001, Sec. 3); a coalitional improvement benefits every member strictly.  The
    search is refused before it starts when it would expand more than ``MAX_REACH_WORK`` moves,
    and stopped when it finds more than ``MAX_IMPROVEMENTS`` pairs.
    """
    work = reach_work(solved, members, sources)
    if work > MAX_REACH_WORK:
        raise _coalition_too_large(
            solved,
            members,
            f"finding its moves from {sources.size:,} states would expand about {work:,.0f} "
            f"moves, more than the limit of {MAX_REACH_WORK:,}",
        )
    P = solved.conflict.payoff
    out_s: list[IntArray] = []
    out_t: list[IntArray] = []
    found = 0
    for k, t in reach_sets([solved.moves[d].graph for d in members], sources):
        s = sources[k]
        better = np.ones(s.size, dtype=bool)
        for d in members:
            better &= P[d][t] > P[d][s]
        found += int(better.sum())
        if found > MAX_IMPROVEMENTS:
            raise _coalition_too_large(
                solved, members, f"more than {MAX_IMPROVEMENTS:,} coalitional improvements"
            )
        out_s.append(s[better])
        out_t.append(t[better])
    if not out_s:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(out_s), np.concatenate(out_t)


def improvement_edges(solved: Solved, states: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Edges (src, dst, mover) of the status-quo improvement graph leaving ``states``.

    Movers 0..n-1 are single DMs (their UIs); n + c is declared coalition c.
    """
    n = len(solved.conflict.dms)
    srcs: list[IntArray] = []
    dsts: list[IntArray] = []
    who: list[IntArray] = []
    for d in range(n):
        g = solved.uis[d]
        deg = g.indptr[states + 1] - g.indptr[states]
        srcs.append(np.repeat(states, deg))
        dsts.append(g.indices[expand_ranges(g.indptr[states], deg)])
        who.append(np.full(int(deg.sum()), d, dtype=np.int64))
    for c, members in enumerate(solved.conflict.coalitions):
        s, t = coalition_improvements(solved, members, states)
        srcs.append(s)
        dsts.append(t)
        who.append(np.full(s.size, n + c, dtype=np.int64))
    return np.concatenate(srcs), np.concatenate(dsts), np.concatenate(who)


@dataclass(frozen=True)
class StatusQuo:
    """Improvement graph reachable from the status quo, with a breadth-first parent per state.

    ``parent[k]``/``mover[k]`` give, for ``reachable[k]``, the state it was first reached from
    and who moved (-1 for the status quo itself); following parents gives a shortest path.
    """

    state: int
    reachable: IntArray
    parent: IntArray
    mover: IntArray

    def path_to(self, target: int) -> list[tuple[int, int]]:
        """Shortest improvement path [(state, mover into it), ...] from the status quo."""
        out: list[tuple[int, int]] = []
        node = target
        while node != -1:
            k = int(np.searchsorted(self.reachable, node))
            out.append((node, int(self.mover[k])))
            node = int(self.parent[k])
        return out[::-1]


def status_quo_graph(solved: Solved, start: int, *, limit: int = 100_000) -> StatusQuo:
    """Breadth-first expansion of UIs and coalitional improvements from the status quo."""
    seen = np.array([start], dtype=np.int64)
    parents = [np.array([-1], dtype=np.int64)]
    movers = [np.array([-1], dtype=np.int64)]
    found = [seen]
    frontier = seen
    while frontier.size and seen.size <= limit:
        s, t, w = improvement_edges(solved, frontier)
        fresh = ~np.isin(t, seen)
        s, t, w = s[fresh], t[fresh], w[fresh]
        order = np.lexsort((s, w, t))  # per new state: single DMs first, then lowest source
        s, t, w = s[order], t[order], w[order]
        new, first = np.unique(t, return_index=True)
        found.append(new)
        parents.append(s[first])
        movers.append(w[first])
        seen = np.union1d(seen, new)
        frontier = new
    states = np.concatenate(found)
    order = np.argsort(states)
    return StatusQuo(
        start, states[order], np.concatenate(parents)[order], np.concatenate(movers)[order]
    )


def enumerate_paths(
    sq: StatusQuo, targets: IntArray, *, max_paths: int = 20
) -> tuple[list[list[tuple[int, int]]], bool]:
    """Shortest improvement paths from the status quo to each target (reachable equilibria).

    Paths that are the beginning of another path are left out (1 -> 5 is part of 1 -> 5 -> 8):
    the paths follow the breadth-first tree, so a path begins another exactly when its target
    is an ancestor of the other's.  At most ``max_paths`` paths, shortest first (then by their
    states); the flag says whether the list was cut.
    """
    reach = sq.reachable
    t = np.intersect1d(targets, reach)
    pos = np.searchsorted(reach, t)
    up = np.where(sq.parent >= 0, np.searchsorted(reach, sq.parent), -1)  # parent's position
    ancestor = np.zeros(reach.size, dtype=bool)
    depth = np.zeros(t.size, dtype=np.int64)
    cur = up[pos]
    while (cur >= 0).any():
        live = cur >= 0
        ancestor[cur[live]] = True
        depth[live] += 1
        cur = np.where(live, up[np.maximum(cur, 0)], -1)
    ends = ~ancestor[pos]
    kept, kept_depth = t[ends], depth[ends]
    if kept.size > max_paths:  # only paths as short as the max_paths-th can be listed
        cut = np.sort(kept_depth)[max_paths - 1]
        kept = kept[kept_depth <= cut]
    paths = [sq.path_to(int(x)) for x in kept.tolist()]
    paths.sort(key=lambda p: (len(p), [x for x, _ in p]))
    return paths[:max_paths], int(ends.sum()) > max_paths
