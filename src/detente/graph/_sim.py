"""Simultaneous stability (SIM): sanctions by the others' unilateral improvements at the same time.

Definition (the default, ``sim="joint"``).  Let s be a state, i the focal DM, and s -> s1 a
unilateral improvement (UI) of i.  The other DMs may move at the same moment: any set H of them,
each j in H taking one of its own UIs s -> s_j from s.  Because every DM changes only its own
options, the simultaneous moves lead to the option vector that has i's options from s1, each
j's options from s_j and everyone else's from s.  The UI s -> s1 is *simultaneously sanctioned*
when some such joint move of the others leads to a feasible state that i does not prefer to s;
s is SIM-stable for i when every UI of i is simultaneously sanctioned (and so when i has none).

This is simultaneous sanctioning as conflict analysis introduced it (Fraser & Hipel 1984,
*Conflict Analysis: Models and Resolutions*) and as the graph model states it for two DMs
(Fang, Hipel & Kilgour 1993, *Interactive Decision Making: The Graph Model for Conflict
Resolution*, Ch. 4): s is SIM for i iff for every s1 in R+_i(s) there is an s2 in R+_j(s) such
that the state reached when i moves to s1 and j to s2 at once is not preferred by i to s.  For
n DMs the opponent j is replaced by the set N - i of all the others, as the graph model does
for every concept (R_j becomes R_{N-i}); a simultaneous move of N - i is one UI from s by each
member of some nonempty subset of N - i.  With two DMs both readings below coincide.

Variant ``sim="single"``: one opponent at a time (H has exactly one member), as the GMCR+
software computes it (Kinsara, Petersons, Hipel & Kilgour 2015; source: github.com/onp/gmcr-py,
``LogicalSolver.sim``).  Every single-opponent sanction is a joint one, so a state SIM-stable
under "single" is SIM-stable under "joint"; with three or more DMs the converse can fail.

Merged states: moves are combined on option vectors; a merged state is SIM-stable for i only if
the UIs of i from each of its vectors are sanctioned by UIs of the others from the same vector.

Computation: single-opponent combinations first (one pass per opponent over the focal UIs and
the opponent's UIs from the same vector); then, for the UIs still unsanctioned whose vector
lets two or more opponents improve, every joint combination (the product over the opponents of
"stay, or one of its UIs").  Both passes work in pieces of bounded size, and their number of
combinations is checked against ``MAX_SIM_COMBINATIONS`` before each starts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from detente.errors import ProblemTooLarge
from detente.graph._moves import Graph, Moves, chunk_bounds, expand_ranges
from detente.scenario.strategy import Conflict

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

SimMode = Literal["joint", "single"]
SIM_MODES: tuple[SimMode, ...] = ("joint", "single")
MAX_SIM_COMBINATIONS = 2**28
"""Simultaneous-move combinations examined for SIM over all DMs (a hard limit)."""
_PIECE = 1 << 22


@dataclass(frozen=True)
class VectorUIs:
    """One DM's UIs between option vectors: ``dst[ptr[a]:ptr[a + 1]]`` from vector a.

    ``delta`` is, per UI, the XOR of the two vectors (the DM's own options that change).
    """

    ptr: IntArray
    dst: IntArray
    delta: IntArray

    def counts(self, vectors: IntArray) -> IntArray:
        return self.ptr[vectors + 1] - self.ptr[vectors]


def vector_uis(conflict: Conflict, moves: Moves, uis: Graph, dm: int) -> VectorUIs:
    """The UIs of ``dm`` between vectors (for unmerged conflicts, the UI graph itself)."""
    raw = conflict.raw_codes
    if moves.raw_src is None or moves.raw_dst is None:
        ptr, dst = uis.indptr, uis.indices
    else:
        P = conflict.payoff[dm]
        rs, rd = moves.raw_src, moves.raw_dst
        keep = P[conflict.raw_state[rd]] > P[conflict.raw_state[rs]]
        order = np.argsort(rs[keep], kind="stable")
        rs, dst = rs[keep][order], rd[keep][order]
        ptr = np.searchsorted(rs, np.arange(raw.size + 1)).astype(np.int64)
    src = np.repeat(np.arange(ptr.size - 1, dtype=np.int64), np.diff(ptr))
    return VectorUIs(ptr, dst, raw[src] ^ raw[dst])


class _Target:
    """Where combined vectors land: their vector index (-1 if infeasible) and i's verdict."""

    def __init__(self, conflict: Conflict, dm: int) -> None:
        self.raw = conflict.raw_codes
        self.dense = self.raw.size == int(self.raw[-1]) + 1  # codes 0..N-1: code = index
        self.payoff = conflict.payoff[dm][conflict.raw_state]  # i's payoff per vector

    def sanction(self, codes: IntArray, threshold: IntArray) -> IntArray:
        """Index of each combined vector if it is feasible and i's payoff there is at most
        ``threshold`` (i's payoff at the source), else -1."""
        if self.dense:  # codes are never negative
            pos = np.minimum(codes, self.raw.size - 1)
            ok = codes < self.raw.size
        else:
            pos = np.minimum(np.searchsorted(self.raw, codes), self.raw.size - 1)
            ok = self.raw[pos] == codes
        ok &= self.payoff[pos] <= threshold
        return np.where(ok, pos, -1)


@dataclass
class Budget:
    """Combinations SIM may still examine; each pass is charged before it starts."""

    limit: int = MAX_SIM_COMBINATIONS
    used: float = 0.0

    def spend(self, count: float, what: str) -> None:
        if self.used + count > self.limit:
            raise ProblemTooLarge(
                f"SIM would examine {self.used + count:,.0f} combinations of simultaneous moves "
                f"({count:,.0f} {what} in this pass), more than the limit of {self.limit:,}; "
                "leave SIM out (concepts without 'sim', or --concept for the others) or give "
                "the decision makers fewer options",
                path="strategy",
            )
        self.used += count


def _single(
    target: _Target, opp: Sequence[VectorUIs], src: IntArray, dst: IntArray, witness: IntArray
) -> None:
    """Pass 1: each opponent alone; fills ``witness`` for the sanctioned focal UIs."""
    base = target.raw[dst]
    threshold = target.payoff[src]
    for u in opp:
        counts = u.counts(src)
        for lo, hi in chunk_bounds(counts, _PIECE):
            edge = np.repeat(np.arange(lo, hi, dtype=np.int64), counts[lo:hi])
            pos = expand_ranges(u.ptr[src[lo:hi]], counts[lo:hi])
            hit = target.sanction(base[edge] ^ u.delta[pos], threshold[edge])
            found = hit >= 0
            witness[edge[found]] = hit[found]


def _joint(
    target: _Target, opp: Sequence[VectorUIs], src: IntArray, dst: IntArray, witness: IntArray
) -> None:
    """Pass 2: every combination of "stay or one UI" per opponent, for the given focal UIs."""
    threshold = target.payoff[src]
    opp = [u for u in opp if u.dst.size]
    choices = [u.counts(src) + 1 for u in opp]  # per focal UI; choice 0: the opponent stays
    firsts = [u.ptr[src] - 1 for u in opp]  # choice c > 0 is UI firsts + c
    weights = np.ones(src.size, dtype=np.int64)
    for count in choices:
        weights *= count
    for lo, hi in chunk_bounds(weights, _PIECE):
        edge = np.arange(lo, hi, dtype=np.int64)
        code = target.raw[dst[lo:hi]]
        for u, count_e, first_e in zip(opp, choices, firsts, strict=True):
            count = count_e[edge]
            choice = np.arange(int(count.sum()), dtype=np.int64) - np.repeat(
                np.cumsum(count) - count, count
            )
            edge = np.repeat(edge, count)
            code = np.repeat(code, count)
            ui = np.maximum(first_e[edge] + choice, 0)
            code ^= np.where(choice > 0, u.delta[ui], 0)
        hit = target.sanction(code, threshold[edge])
        found = hit >= 0
        witness[edge[found]] = hit[found]


def sanctions(
    conflict: Conflict,
    uis: Sequence[VectorUIs],
    dm: int,
    src: IntArray,
    dst: IntArray,
    *,
    mode: SimMode = "joint",
    budget: Budget | None = None,
) -> IntArray:
    """For the UIs ``src -> dst`` (vector indices) of DM ``dm``: a sanctioning vector or -1.

    The result is, per UI, the index of a feasible vector reached when the others improve at
    the same moment and that ``dm`` likes no more than the source, or -1 when there is none
    (the UI is not simultaneously sanctioned).  ``budget`` (shared across calls) is charged
    the combinations of each pass before it starts; exceeding it raises ``ProblemTooLarge``.
    """
    target = _Target(conflict, dm)
    opp = [u for j, u in enumerate(uis) if j != dm]
    witness = np.full(src.size, -1, dtype=np.int64)
    if not opp or not src.size:
        return witness
    budget = budget if budget is not None else Budget()
    budget.spend(float(sum(int(u.counts(src).sum()) for u in opp)), "with one opponent")
    _single(target, opp, src, dst, witness)
    if mode == "single" or len(opp) < 2:
        return witness
    # only vectors where two or more opponents can improve add joint combinations
    movers = sum((u.counts(src) > 0).astype(np.int64) for u in opp)
    rest = np.flatnonzero((witness < 0) & (movers >= 2))
    joint = np.ones(rest.size, dtype=np.float64)
    for u in opp:
        joint *= u.counts(src[rest]) + 1
    budget.spend(float(joint.sum()), "with two or more opponents")
    sub = np.full(rest.size, -1, dtype=np.int64)
    _joint(target, opp, src[rest], dst[rest], sub)
    witness[rest] = sub
    return witness


def sim_unstable(
    conflict: Conflict,
    uis: Sequence[VectorUIs],
    dm: int,
    *,
    mode: SimMode = "joint",
    budget: Budget | None = None,
) -> BoolArray:
    """States where DM ``dm`` has a UI that is not simultaneously sanctioned."""
    mine = uis[dm]
    src = np.repeat(np.arange(mine.ptr.size - 1, dtype=np.int64), np.diff(mine.ptr))
    witness = sanctions(conflict, uis, dm, src, mine.dst, mode=mode, budget=budget)
    out = np.zeros(conflict.n_states, dtype=bool)
    out[conflict.raw_state[src[witness < 0]]] = True
    return out


def movers(conflict: Conflict, dm: int, source: int, result: int) -> list[tuple[int, int]]:
    """Who else moved, and to which state, on the way from vector ``source`` to ``result``.

    Returns (DM, state) for each other DM whose options differ; the state is the one that DM's
    own move alone reaches.
    """
    raw = conflict.raw_codes
    a, x = int(raw[source]), int(raw[result])
    out: list[tuple[int, int]] = []
    for j, mask in enumerate(conflict.dm_masks):
        if j == dm or not (a ^ x) & mask:
            continue
        own = a ^ ((a ^ x) & mask)
        pos = int(np.searchsorted(raw, own))
        out.append((j, int(conflict.raw_state[pos])))
    return out
