"""The public engine call :func:`stability` and its result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from detente.errors import Diagnostic, InputError, ScenarioError
from detente.graph._moves import expand_ranges, find_path, segment_max
from detente.graph._sim import SIM_MODES, SimMode, movers, sanctions, vector_uis
from detente.graph._solve import (
    CONCEPTS,
    Solved,
    coalition_improvements,
    enumerate_paths,
    solve,
    status_quo_graph,
)
from detente.scenario.strategy import analyse

if TYPE_CHECKING:
    import pandas as pd

    from detente.scenario.strategy import Strategy

__all__ = ["CoalitionResult", "StabilityResult", "StateInfo", "StatusQuoResult", "stability"]

_LIST = 30  # states listed in a summary line before "and N more"
_NAMES = {
    "nash": "Nash",
    "gmr": "GMR",
    "smr": "SMR",
    "seq": "SEQ",
    "sim": "SIM",
}


@dataclass(frozen=True)
class StateInfo:
    """A feasible state: 1-based id, Y/N/- pattern in option order, its decimal code(s)."""

    id: int
    pattern: str
    decimal: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "pattern": self.pattern, "decimal": list(self.decimal)}


@dataclass(frozen=True)
class StatusQuoResult:
    """Improvement paths from the status quo and the equilibria they reach.

    The improvement graph holds every DM's unilateral improvements and every declared
    coalition's coalitional improvements.  ``paths`` are shortest paths (state ids) from the
    status quo to each reachable equilibrium (of any computed concept), without paths that begin
    another; ``movers[k][j]`` says who made the j-th step of path k (a DM, or coalition members
    joined by '+').  ``reachable`` is every state reachable in the graph;
    ``reachable_equilibria`` includes the status quo itself when it is an equilibrium.
    """

    state: int
    paths: tuple[tuple[int, ...], ...]
    movers: tuple[tuple[str, ...], ...]
    reachable: tuple[int, ...]
    reachable_equilibria: dict[str, tuple[int, ...]]
    truncated: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "paths": [list(p) for p in self.paths],
            "reachable_equilibria": {c: list(v) for c, v in self.reachable_equilibria.items()},
        }


@dataclass(frozen=True)
class CoalitionResult:
    """Equilibria (per concept) from which the coalition has a coalitional improvement.

    ``improvements`` maps each such equilibrium to the states the coalition can improve to.
    """

    members: tuple[str, ...]
    unstable_equilibria: dict[str, tuple[int, ...]]
    improvements: dict[int, tuple[int, ...]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "members": list(self.members),
            "unstable_equilibria": {c: list(v) for c, v in self.unstable_equilibria.items()},
        }


@dataclass(frozen=True)
class StabilityResult:
    """Stability of every state for every decision maker under each solution concept.

    Attributes
    ----------
    options : tuple of str
        ``DM.option`` in option order (option k is bit k-1 of the decimal code).
    decision_makers : tuple of str
    concepts : tuple of str
        Computed concepts, a subset of ``("nash", "gmr", "smr", "seq", "sim")``.
    states : tuple of StateInfo
        Feasible states, numbered 1..m in ascending decimal order.
    stability : dict
        ``stability[concept][dm]``: ids of the states stable for that DM.
    equilibria : dict
        ``equilibria[concept]``: ids of the states stable for every DM.
    status_quo : StatusQuoResult or None
    coalitions : tuple of CoalitionResult
    sim : {"joint", "single"}
        The reading of SIM used (see :func:`stability`).
    """

    options: tuple[str, ...]
    decision_makers: tuple[str, ...]
    concepts: tuple[str, ...]
    states: tuple[StateInfo, ...]
    stability: dict[str, dict[str, tuple[int, ...]]]
    equilibria: dict[str, tuple[int, ...]]
    status_quo: StatusQuoResult | None
    coalitions: tuple[CoalitionResult, ...]
    sim: SimMode
    _solved: Solved = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data in the shape of docs/strategy.md (state ids are 1-based)."""
        return {
            "options": list(self.options),
            "states": [s.to_dict() for s in self.states],
            "stability": {
                c: {dm: list(v) for dm, v in per.items()} for c, per in self.stability.items()
            },
            "equilibria": {c: list(v) for c, v in self.equilibria.items()},
            "status_quo": None if self.status_quo is None else self.status_quo.to_dict(),
            "coalitions": [c.to_dict() for c in self.coalitions],
        }

    def to_frame(self) -> pd.DataFrame:
        """State table: pattern, decimal code(s), and per concept a column per DM and ``eq``."""
        import pandas as pd

        st = self._solved.stable
        data: dict[str, Any] = {
            "pattern": [s.pattern for s in self.states],
            "decimal": [",".join(str(c) for c in s.decimal) for s in self.states],
        }
        for c in self.concepts:
            for d, dm in enumerate(self.decision_makers):
                data[f"{c}.{dm}"] = st[c][d]
            data[f"{c}.eq"] = st[c].all(axis=0)
        frame = pd.DataFrame(data, index=pd.RangeIndex(1, len(self.states) + 1, name="state"))
        return frame

    def moves(self, dm: str, state: int) -> tuple[int, ...]:
        """Ids of the states ``dm`` can reach from ``state`` in one unilateral move."""
        d = self.decision_makers.index(dm)
        targets = self._solved.moves[d].graph.successors(state - 1)
        return tuple(int(t) + 1 for t in targets.tolist())

    def _fmt(self, s: int) -> str:
        return f"state {s + 1} ({self.states[s].pattern})"

    def explain(self, state: int | str | None = None) -> str:
        """Plain-language reasons.

        Without ``state``: the equilibria, the status-quo evolution and coalitional instability.
        With ``state`` (id, pattern or decimal code): for each DM and concept, which unilateral
        improvement exists and which sanction blocks it, or why none does.
        """
        if state is None:
            return self._summary()
        return self._explain_state(self.state_index(state))

    def state_index(self, state: int | str) -> int:
        """0-based index of a state given by id (int or digits), pattern, or ``d<code>``."""
        m = len(self.states)
        if isinstance(state, int) or state.strip().isdigit():
            k = int(state)
            if 1 <= k <= m:
                return k - 1
            raise InputError(f"no state {k}: states are numbered 1..{m}", path="state")
        text = state.strip()
        if text[:1] in ("d", "D") and text[1:].isdigit():
            code = int(text[1:])
            for s in self.states:
                if code in s.decimal:
                    return s.id - 1
            raise InputError(f"decimal code {code} is not a feasible state", path="state")
        for s in self.states:
            if s.pattern == text:
                return s.id - 1
        conflict = self._solved.conflict
        if len(text) == len(self.options) and set(text) <= {"Y", "N"}:
            code = sum(1 << k for k, ch in enumerate(text) if ch == "Y")
            pos = int(np.searchsorted(conflict.raw_codes, code))
            if pos < conflict.raw_codes.size and int(conflict.raw_codes[pos]) == code:
                return int(conflict.raw_state[pos])
        raise InputError(
            f"'{text}' is neither a state id (1..{m}), a feasible pattern nor d<decimal code>",
            path="state",
        )

    def _summary(self) -> str:
        lines: list[str] = [
            f"{len(self.states)} feasible states, {len(self.decision_makers)} decision makers "
            f"({', '.join(self.decision_makers)}), {len(self.options)} options."
        ]
        for c in self.concepts:
            eq = self.equilibria[c]
            what = ", ".join(self._fmt(s - 1) for s in eq[:_LIST]) if eq else "none"
            more = f" and {len(eq) - _LIST:,} more" if len(eq) > _LIST else ""
            lines.append(f"{_NAMES[c]} equilibria: {what}{more}.")
        sq = self.status_quo
        if sq is not None:
            lines.append(f"Status quo: {self._fmt(sq.state - 1)}.")
            for path, movers in zip(sq.paths, sq.movers, strict=True):
                if len(path) == 1:
                    lines.append("  It is an equilibrium itself; no other one is reachable.")
                    continue
                steps = " -> ".join(
                    [str(path[0])]
                    + [f"{s} (by {w})" for s, w in zip(path[1:], movers, strict=True)]
                )
                lines.append(f"  Path to an equilibrium: {steps}.")
            if not sq.paths:
                lines.append("  No equilibrium is reachable from it by improvements.")
            if sq.truncated:
                lines.append("  (more improvement paths exist; the list was cut)")
            for c, eq in sq.reachable_equilibria.items():
                shown = ", ".join(str(s) for s in eq[:_LIST]) if eq else "none"
                more = f" and {len(eq) - _LIST:,} more" if len(eq) > _LIST else ""
                lines.append(f"  {_NAMES[c]} equilibria reachable from it: {shown}{more}.")
        for co in self.coalitions:
            name = "+".join(co.members)
            hit = sorted({s for v in co.unstable_equilibria.values() for s in v})
            if not hit:
                lines.append(f"Coalition {name} cannot jointly improve on any equilibrium.")
            if len(hit) > _LIST:
                lines.append(f"  ({len(hit):,} coalitionally unstable equilibria; first {_LIST})")
            for s in hit[:_LIST]:
                where = [_NAMES[c] for c, v in co.unstable_equilibria.items() if s in v]
                targets = ", ".join(self._fmt(t - 1) for t in co.improvements[s])
                lines.append(
                    f"Coalition {name}: {self._fmt(s - 1)} is an equilibrium "
                    f"({', '.join(where)}) but the coalition can move together to {targets}, "
                    "which every member prefers: it is coalitionally unstable."
                )
        return "\n".join(lines)

    def _explain_state(self, s: int) -> str:
        solved = self._solved
        conflict = solved.conflict
        dms = self.decision_makers
        P = conflict.payoff
        lines = [f"State {s + 1} ({self.states[s].pattern}):"]
        for i, dm in enumerate(dms):
            ui = solved.uis[i].successors(s)
            verdicts = ", ".join(
                f"{_NAMES[c]} {'stable' if solved.stable[c][i, s] else 'unstable'}"
                for c in self.concepts
            )
            lines.append(f"- {dm}: {verdicts}.")
            if ui.size == 0:
                lines.append(
                    f"  {dm} has no unilateral improvement from here, so it is stable under "
                    "every concept."
                )
                continue
            lines.append(
                f"  {dm} can improve unilaterally to "
                + ", ".join(self._fmt(int(t)) for t in ui)
                + "."
            )
            opp = [d for d in range(len(dms)) if d != i]
            best_next = segment_max(
                solved.moves[i].graph, P[i][solved.moves[i].graph.indices], empty=-1
            )
            checks = {
                "gmr": ([solved.moves[d].graph for d in opp], P[i] <= P[i][s], "any moves"),
                "smr": (
                    [solved.moves[d].graph for d in opp],
                    np.maximum(P[i], best_next) <= P[i][s],
                    "any moves, leaving no escape",
                ),
                "seq": ([solved.uis[d] for d in opp], P[i] <= P[i][s], "their own improvements"),
            }
            for c in ("gmr", "smr", "seq"):
                if c not in self.concepts:
                    continue
                graphs, target, how = checks[c]
                for t in ui.tolist():
                    path = find_path(graphs, t, target, opp) if opp else None
                    if path is None:
                        lines.append(
                            f"  {_NAMES[c]}: the move to {self._fmt(t)} is not sanctioned: using "
                            f"{how}, the others cannot reach a state {dm} likes no more than "
                            f"{self._fmt(s)}."
                        )
                    else:
                        seq = ", then ".join(f"{dms[w]} moves to {self._fmt(x)}" for w, x in path)
                        extra = (
                            f", from where {dm} has no move back above {self._fmt(s)}"
                            if c == "smr"
                            else ""
                        )
                        lines.append(
                            f"  {_NAMES[c]}: the move to {self._fmt(t)} is sanctioned ({how}): "
                            f"{seq}; {dm} likes that no more than {self._fmt(s)}{extra}."
                        )
            if "sim" in self.concepts:
                lines.extend(self._explain_sim(i, s))
        return "\n".join(lines)

    def _explain_sim(self, i: int, s: int) -> list[str]:
        solved = self._solved
        conflict = solved.conflict
        n = len(conflict.dms)
        vuis = [vector_uis(conflict, solved.moves[d], solved.uis[d], d) for d in range(n)]
        mine = vuis[i]
        vectors = np.flatnonzero(conflict.raw_state == s)
        counts = mine.counts(vectors)
        src = np.repeat(vectors, counts)
        dst = mine.dst[expand_ranges(mine.ptr[vectors], counts)]
        witness = sanctions(conflict, vuis, i, src, dst, mode=self.sim)
        dm = self.decision_makers[i]
        nobody = (
            "no combination of simultaneous improvements by the others"
            if self.sim == "joint"
            else "no opponent's simultaneous improvement"
        )
        out: list[str] = []
        for a, b, w in zip(src.tolist(), dst.tolist(), witness.tolist(), strict=True):
            t = int(conflict.raw_state[b])
            if w < 0:
                out.append(
                    f"  SIM: the move to {self._fmt(t)} is not sanctioned: {nobody} leaves "
                    f"{dm} no better off than {self._fmt(s)}."
                )
                continue
            who = " and ".join(
                f"{self.decision_makers[j]} moves to {self._fmt(x)}"
                for j, x in movers(conflict, i, a, w)
            )
            out.append(
                f"  SIM: the move to {self._fmt(t)} is sanctioned: if at the same moment {who}, "
                f"the result is {self._fmt(int(conflict.raw_state[w]))}, which {dm} likes no "
                f"more than {self._fmt(s)}."
            )
        return out


def _strategy_of(scenario_or_strategy: Any) -> Strategy:
    if hasattr(scenario_or_strategy, "decision_makers"):
        strategy: Strategy = scenario_or_strategy
        return strategy
    found: Strategy | None = getattr(scenario_or_strategy, "strategy", None)
    if found is None:
        raise InputError(
            "the scenario has no strategy section (see docs/strategy.md)", path="strategy"
        )
    return found


def _ids(mask: NDArray[np.bool_], ids: NDArray[np.object_]) -> tuple[int, ...]:
    # ``ids`` holds one int object per state, shared by every tuple: a pointer per entry
    return tuple(ids[mask])


def _coalition_results(
    solved: Solved, eq_mask: dict[str, NDArray[np.bool_]], equilibria: dict[str, tuple[int, ...]]
) -> tuple[CoalitionResult, ...]:
    conflict = solved.conflict
    sources = np.zeros(0, dtype=np.int64)
    if eq_mask:
        sources = np.flatnonzero(np.any(np.stack(list(eq_mask.values())), axis=0)).astype(np.int64)
    out: list[CoalitionResult] = []
    for members in conflict.coalitions:
        src, dst = coalition_improvements(solved, members, sources)
        improv: dict[int, tuple[int, ...]] = {}
        if src.size:
            order = np.lexsort((dst, src))
            src, dst = src[order] + 1, dst[order] + 1
            fresh = np.r_[True, (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])]
            src, dst = src[fresh], dst[fresh]
            cuts = np.flatnonzero(np.diff(src)) + 1
            starts = np.r_[0, cuts].astype(np.int64)
            ends = [*cuts.tolist(), src.size]
            targets = dst.tolist()
            improv = {
                s: tuple(targets[a:b])
                for s, a, b in zip(src[starts].tolist(), starts.tolist(), ends, strict=True)
            }
        out.append(
            CoalitionResult(
                members=tuple(conflict.dms[d] for d in members),
                unstable_equilibria={
                    c: tuple(s for s in eq if s in improv) for c, eq in equilibria.items()
                },
                improvements=improv,
            )
        )
    return tuple(out)


def _status_quo_result(
    solved: Solved, eq_mask: dict[str, NDArray[np.bool_]], equilibria: dict[str, tuple[int, ...]]
) -> StatusQuoResult | None:
    conflict = solved.conflict
    if conflict.status_quo is None:
        return None
    sq = status_quo_graph(solved, conflict.status_quo)
    any_eq = np.zeros(conflict.n_states, dtype=bool)
    for mask in eq_mask.values():
        any_eq |= mask
    paths, cut = enumerate_paths(sq, np.flatnonzero(any_eq).astype(np.int64))
    dms = conflict.dms
    names = [*dms, *("+".join(dms[d] for d in co) for co in conflict.coalitions)]
    reach = set((sq.reachable + 1).tolist())
    return StatusQuoResult(
        state=conflict.status_quo + 1,
        paths=tuple(tuple(x + 1 for x, _ in p) for p in paths),
        movers=tuple(tuple(names[w] for _, w in p[1:]) for p in paths),
        reachable=tuple(sorted(reach)),
        reachable_equilibria={
            c: tuple(s for s in eq if s in reach) for c, eq in equilibria.items()
        },
        truncated=cut,
    )


def stability(
    scenario_or_strategy: Any,
    *,
    concepts: Sequence[str] = CONCEPTS,
    max_states: int | None = None,
    sim: SimMode = "joint",
) -> StabilityResult:
    """Stability analysis of a conflict in option form (the Graph Model for Conflict Resolution).

    Parameters
    ----------
    scenario_or_strategy : Scenario or Strategy
        A scenario with a ``strategy`` section, or the section itself.
    concepts : sequence of str
        Any of ``"nash"``, ``"gmr"``, ``"smr"``, ``"seq"``, ``"sim"``.
    max_states : int, optional
        Refuse conflicts with more feasible states (default ``strategy.max_states``).  It can
        only lower the hard limit of 262,144 states, never raise it.
    sim : {"joint", "single"}
        SIM sanctions by any set of the other DMs improving at the same moment (``"joint"``,
        the definition), or by one opponent at a time as the GMCR+ software computes it
        (``"single"``).  The two agree for two DMs.

    Returns
    -------
    StabilityResult

    Notes
    -----
    Solution concepts as in Fang, Hipel & Kilgour (1993), *Interactive Decision Making: The Graph
    Model for Conflict Resolution*, Ch. 4, for n decision makers with the opponents' reachable
    set R_{N-i} of Xu, Hipel, Kilgour & Fang (2018), Ch. 2 (a DM may move again after another
    has moved); SIM as simultaneous sanctioning (Fraser & Hipel 1984; Fang, Hipel & Kilgour
    1993) by the joint simultaneous UIs of N - i (see :mod:`detente.graph._sim`).  Coalitional
    improvements follow Kilgour, Hipel, Fang & Peng (2001).

    Raises
    ------
    detente.errors.ProblemTooLarge
        More feasible states than the limit, too many option vectors or candidate moves (before
        anything is allocated), too many SIM combinations (before they are examined) or
        coalitional improvements.
    detente.errors.ScenarioError
        The strategy section has semantic problems.
    """
    strategy = _strategy_of(scenario_or_strategy)
    bad = [c for c in concepts if c not in CONCEPTS]
    if bad:
        raise InputError(
            f"unknown solution concept '{bad[0]}'; choose from {', '.join(CONCEPTS)}",
            path="concepts",
        )
    if sim not in SIM_MODES:
        raise InputError(f"unknown SIM reading '{sim}'; choose joint or single", path="sim")
    concepts = tuple(c for c in CONCEPTS if c in concepts)
    analysis = analyse(strategy, max_states=max_states)
    if analysis.too_large is not None:
        raise analysis.too_large
    if analysis.problems or analysis.conflict is None:
        raise ScenarioError(
            [
                Diagnostic(message, path=".".join(str(x) for x in loc))
                for loc, message in analysis.problems
            ]
        )
    conflict = analysis.conflict
    solved = solve(conflict, concepts, sim=sim)
    decimals = conflict.decimals()
    states = tuple(
        StateInfo(k + 1, conflict.patterns[k], tuple(decimals[k])) for k in range(conflict.n_states)
    )
    ids = np.array(range(1, conflict.n_states + 1), dtype=object)
    per = {
        c: {dm: _ids(solved.stable[c][d], ids) for d, dm in enumerate(conflict.dms)}
        for c in concepts
    }
    eq_mask: dict[str, NDArray[np.bool_]] = {c: np.all(solved.stable[c], axis=0) for c in concepts}
    equilibria = {c: _ids(eq_mask[c], ids) for c in concepts}
    return StabilityResult(
        options=conflict.options,
        decision_makers=conflict.dms,
        concepts=concepts,
        states=states,
        stability=per,
        equilibria=equilibria,
        status_quo=_status_quo_result(solved, eq_mask, equilibria),
        coalitions=_coalition_results(solved, eq_mask, equilibria),
        sim=sim,
        _solved=solved,
    )
