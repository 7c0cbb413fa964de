"""Why there is no deal: clashing red lines and the constraints that close the ZOPA.

Two questions, both answered over the exact feasibility oracle of :mod:`~detente.readiness.margin`
(or the duality fast path when it applies):

1. When the veto actors' red lines cannot hold together: the *minimal unsatisfiable subsets*
   (MUSes) of red lines — sets that cannot all hold, though any proper subset can.  Enumerated
   exhaustively by increasing size, skipping supersets of sets already found (every infeasible
   set contains a MUS, so a set of size s that is infeasible and contains no smaller MUS is
   itself minimal), up to ``max_size``; if none is found within the cap a deletion filter
   (Chinneck & Dravnieks 1991; Junker 2004, QuickXplain's linear variant) returns one MUS.
2. When the red lines can hold together but m* < 0: the *minimal correction sets* (MCSes) of
   {red lines, reservation constraints u_i(x) >= r_i} — the smallest sets whose removal opens a
   ZOPA (Liffiton & Sakallah 2008), enumerated the same way.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from detente.readiness.fastpath import margin_batch
from detente.readiness.margin import ZOPA_TOL
from detente.readiness.problem import Problem
from detente.readiness.solver import BudgetExceeded
from detente.readiness.verdict import join

__all__ = ["Clash", "ClashSearch", "Constraint", "red_line_clashes", "zopa_blockers"]


@dataclass(frozen=True)
class Constraint:
    """A red line of a veto actor, or its reservation constraint u_i(x) >= r_i."""

    kind: Literal["red_line", "reservation"]
    actor: str
    index: int  # red line index within the actor; -1 for a reservation constraint
    label: str
    rule: str | None = None

    def describe(self) -> str:
        if self.kind == "reservation":
            return f"{self.actor}'s demand to do better than by fighting on"
        return f"{self.actor}'s red line \u201c{self.label}\u201d"

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Clash:
    """A minimal set of constraints: unsatisfiable together (``red_lines``), or whose removal
    opens a ZOPA (``zopa``)."""

    kind: Literal["red_lines", "zopa"]
    constraints: tuple[Constraint, ...]

    def explain(self) -> str:
        parts = [c.describe() for c in self.constraints]
        if self.kind == "red_lines":
            if len(parts) == 1:
                return f"{parts[0]} cannot be met by any outcome."
            return f"{join(list(parts))} cannot all hold at once."
        return f"Dropping {join(list(parts))} would open a zone of agreement."

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "constraints": [c.to_dict() for c in self.constraints]}


def _red_line_constraint(problem: Problem, i: int) -> Constraint:
    rl = problem.red_lines[i]
    return Constraint("red_line", problem.actors[rl.actor], rl.index, rl.label, rl.rule)


def _oracle(problem: Problem, red_lines: Sequence[int], actors: Sequence[int]) -> bool:
    """Whether the red lines ``red_lines`` and the reservation constraints of ``actors`` can
    hold together: the margin of the veto actors ``actors`` under those red lines is >= 0."""
    sub = dataclasses.replace(problem, red_lines=tuple(problem.red_lines[i] for i in red_lines))
    idx = list(actors)
    sub = dataclasses.replace(
        sub,
        actors=tuple(problem.actors[a] for a in idx),
        actor_names=tuple(problem.actor_names[a] for a in idx),
        capability=problem.capability[idx],
        salience=problem.salience[idx],
        has_position=problem.has_position[idx],
        position=problem.position[idx],
        values=problem.values[idx],
        has_no_deal=problem.has_no_deal[idx],
        nd_outcome=problem.nd_outcome[idx],
        cost=problem.cost[idx],
    )
    # margin_batch takes the fast path when it applies and the exact solver otherwise
    m = float(margin_batch(sub, np.zeros((1, 0)), [])[0])
    return m >= -ZOPA_TOL


@dataclass(frozen=True)
class ClashSearch:
    """Minimal clashing sets found, and whether the enumeration ran to its end (False: it
    stopped at its cap of oracle calls or when the budget ran out)."""

    clashes: tuple[Clash, ...]
    complete: bool


def _minimal_sets(
    n: int, bad: Any, max_size: int, max_calls: int
) -> tuple[list[tuple[int, ...]], bool]:
    """All minimal subsets S of range(n) with bad(S) up to ``max_size`` members, by increasing
    size (``bad`` upward-closed).

    Returns the sets and whether the enumeration finished (not cut by ``max_calls`` or by the
    budget).
    """
    found: list[tuple[int, ...]] = []
    calls = 0
    try:
        for size in range(1, min(n, max_size) + 1):
            for subset in itertools.combinations(range(n), size):
                s = set(subset)
                if any(set(f) <= s for f in found):
                    continue
                calls += 1
                if calls > max_calls:
                    return found, False
                if bad(subset):
                    found.append(subset)
    except BudgetExceeded:
        return found, False
    return found, True


def red_line_clashes(problem: Problem, *, max_size: int = 4, max_calls: int = 2000) -> ClashSearch:
    """Minimal sets of veto actors' red lines that cannot hold together (none if they can).

    Raises
    ------
    detente.readiness.solver.SolverError
        HiGHS failed (a budget running out only makes the search incomplete).
    """
    n = len(problem.red_lines)
    everything = list(range(n))
    try:
        if _oracle(problem, everything, []):
            return ClashSearch((), True)
    except BudgetExceeded:
        return ClashSearch((), False)
    sets, complete = _minimal_sets(n, lambda s: not _oracle(problem, s, []), max_size, max_calls)
    if not sets:
        try:
            sets = [_deletion_filter(n, lambda s: not _oracle(problem, s, []))]
        except BudgetExceeded:
            complete = False
    clashes = tuple(
        Clash("red_lines", tuple(_red_line_constraint(problem, i) for i in s)) for s in sets
    )
    return ClashSearch(clashes, complete)


def _deletion_filter(n: int, bad: Any) -> tuple[int, ...]:
    """One minimal set with bad(S), from the full set, by dropping members that are not needed."""
    keep = list(range(n))
    for i in range(n):
        trial = [j for j in keep if j != i]
        if bad(trial):
            keep = trial
    return tuple(keep)


def zopa_blockers(problem: Problem, *, max_size: int = 3, max_calls: int = 2000) -> ClashSearch:
    """Minimal sets of {red lines, reservation constraints} whose removal opens a ZOPA.

    Only meaningful when the red lines can hold together and m* < 0; finds none if a ZOPA
    already exists.  Constraint j < R is red line j; j >= R is the reservation of actor j - R.

    Raises
    ------
    detente.readiness.solver.SolverError
        HiGHS failed (a budget running out only makes the search incomplete).
    """
    R = len(problem.red_lines)
    A = problem.n_actors
    n = R + A

    def opens(removed: Sequence[int]) -> bool:
        gone = set(removed)
        rls = [i for i in range(R) if i not in gone]
        acts = [a for a in range(A) if R + a not in gone]
        return _oracle(problem, rls, acts)

    try:
        if opens(()):
            return ClashSearch((), True)
    except BudgetExceeded:
        return ClashSearch((), False)
    sets, complete = _minimal_sets(n, opens, max_size, max_calls)
    out = []
    for s in sets:
        members = []
        for j in s:
            if j < R:
                members.append(_red_line_constraint(problem, j))
            else:
                a = j - R
                members.append(
                    Constraint("reservation", problem.actors[a], -1, "no-deal value", None)
                )
        out.append(Clash("zopa", tuple(members)))
    return ClashSearch(tuple(out), complete)


def shortfalls(problem: Problem, x: np.ndarray[Any, Any] | None) -> dict[str, float]:
    """r_i - u_i(x*) per veto actor (positive: the actor is short of its no-deal value)."""
    if x is None:
        return {a: math.nan for a in problem.actors}
    gap = problem.reservation() - problem.utility(x)
    return {a: float(g) for a, g in zip(problem.actors, gap, strict=True)}
