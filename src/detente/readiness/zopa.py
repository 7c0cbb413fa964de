"""The ZOPA issue by issue: its exact range, and the values each red line allows.

The zone of possible agreement (docs/models.md §2) of a readiness :class:`Problem` is

.. math:: Z = \\{x \\in X : \\text{every veto party's red lines hold at } x,\\
          u_i(x) - r_i \\ge -\\tau \\ \\forall i \\in V\\},

with :math:`\\tau` = :data:`~detente.readiness.margin.ZOPA_TOL`, the tolerance with which
:func:`~detente.readiness.assess` says that a ZOPA exists: Z is non-empty exactly when
:math:`m^* \\ge -\\tau`, so the range below and the verdict never disagree.

:func:`zopa_box` gives, for every issue k, :math:`\\min_{x \\in Z} x_k` and
:math:`\\max_{x \\in Z} x_k`: two solves per issue (2K in all) of the margin model of
:mod:`detente.readiness.margin` (an LP, or a MILP with option issues or disjunctive red lines)
with the reservation rows :math:`u_i(x) \\ge r_i - \\tau` and the objective :math:`\\pm x_k`.
Both ends are attained, by the deals returned with them.  The range is the projection's hull:
every value outside it is outside the ZOPA; a value inside need not be reachable when red lines
are disjunctive or the issue has options (the projection of Z can have holes).

:func:`red_line_intervals` gives, for every veto red line and every issue it names, the values
of that issue the red line allows for *some* values of the other issues: the projection of the
red line's set onto the issue, and its complement (the values it excludes whatever else is
agreed).  It is exact: the formula is put in disjunctive normal form, and the projection of each
conjunction of atoms is an interval found

- analytically from its atoms on this issue alone (a strict inequality gives an open end), when
  no atom involves this issue together with another;
- otherwise by two LPs (MILPs with option issues) over the conjunction, which read a strict
  inequality as the margin model does (``a.x <= b - eps``), so that end is closed and off by at
  most ``eps``;

and a conjunction whose atoms on the other issues cannot hold together (a feasibility solve)
projects to nothing.  On an option issue the allowed values are the options (ranks) at which
some conjunction holds.  Values are in issue units, option issues in rank units (0-based).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.errors import DetenteError, ProblemTooLarge
from detente.readiness.margin import ZOPA_TOL, Built, build, extract, feasible
from detente.readiness.problem import Problem, RedLine
from detente.scenario.expr import All, AnyOf, Const, Formula, LinAtom, formula_holds

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MAX_TERMS",
    "Interval",
    "IssueRange",
    "RedLineIntervals",
    "RedLineSpan",
    "ZopaBox",
    "red_line_intervals",
    "zopa_box",
]

#: Largest disjunctive normal form of one red line that :func:`red_line_intervals` expands (a
#: rule with n ``or``-joined pairs under an ``and`` has 2**n terms).
MAX_TERMS = 512


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueRange:
    """The least and greatest value of one issue over the ZOPA, each with a deal attaining it.

    Values are as in :attr:`Assessment.closest_deal`: numbers on scale issues, option names on
    option issues; ``at_low`` and ``at_high`` are whole deals (issue -> value) inside the ZOPA.
    """

    issue: str
    low: float | str
    high: float | str
    at_low: dict[str, float | str]
    at_high: dict[str, float | str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "issue": self.issue,
            "low": self.low,
            "high": self.high,
            "at_low": self.at_low,
            "at_high": self.at_high,
        }


@dataclass(frozen=True)
class ZopaBox:
    """Per issue, the range of the ZOPA (see the module docstring): its smallest enclosing box."""

    ranges: tuple[IssueRange, ...]
    tolerance: float = ZOPA_TOL

    def __getitem__(self, issue: str) -> IssueRange:
        for r in self.ranges:
            if r.issue == issue:
                return r
        raise KeyError(f"no issue '{issue}' in the ZOPA box")

    def __iter__(self) -> Iterator[IssueRange]:
        return iter(self.ranges)

    def explain(self) -> str:
        parts = [
            f"{r.issue} {r.low}" if r.low == r.high else f"{r.issue} {r.low} to {r.high}"
            for r in self.ranges
        ]
        return "Over the zone of possible agreement: " + "; ".join(parts) + "."

    def to_dict(self) -> dict[str, Any]:
        from detente._results import jsonable

        return {"tolerance": self.tolerance, "ranges": [jsonable(r.to_dict()) for r in self]}

    def to_frame(self) -> pd.DataFrame:
        """One row per issue: ``low``, ``high``."""
        import pandas as pd

        rows = [{"issue": r.issue, "low": r.low, "high": r.high} for r in self.ranges]
        return pd.DataFrame(rows, columns=["issue", "low", "high"]).set_index("issue")


@dataclass(frozen=True)
class Interval:
    """An interval of issue values; on an option issue, the ranks ``low, low + 1, ..., high``."""

    low: float
    high: float
    low_closed: bool = True
    high_closed: bool = True

    def contains(self, value: float) -> bool:
        above = value > self.low or (self.low_closed and value == self.low)
        below = value < self.high or (self.high_closed and value == self.high)
        return above and below

    def describe(self) -> str:
        return (
            f"{'[' if self.low_closed else '('}{self.low:g}, "
            f"{self.high:g}{']' if self.high_closed else ')'}"
        )


@dataclass(frozen=True)
class RedLineSpan:
    """What one veto red line allows and excludes on one issue it names."""

    actor: str
    index: int  # the red line's position in the actor's ``red_lines``
    rule: str
    label: str
    issue: str
    allowed: tuple[Interval, ...]
    excluded: tuple[Interval, ...]

    def to_dict(self) -> dict[str, Any]:
        def show(items: tuple[Interval, ...]) -> list[dict[str, Any]]:
            return [dataclasses.asdict(i) for i in items]

        return {
            "actor": self.actor,
            "index": self.index,
            "rule": self.rule,
            "label": self.label,
            "issue": self.issue,
            "allowed": show(self.allowed),
            "excluded": show(self.excluded),
        }


@dataclass(frozen=True)
class RedLineIntervals:
    """Per veto red line and issue it names, the values it allows (see the module docstring)."""

    spans: tuple[RedLineSpan, ...]

    def __iter__(self) -> Iterator[RedLineSpan]:
        return iter(self.spans)

    def for_issue(self, issue: str) -> tuple[RedLineSpan, ...]:
        return tuple(s for s in self.spans if s.issue == issue)

    def explain(self) -> str:
        lines = []
        for s in self.spans:
            shut = ", ".join(i.describe() for i in s.excluded) or "nothing"
            lines.append(f"{s.actor}: {s.label} excludes {shut} on {s.issue}")
        return "\n".join(lines) or "No veto party has a red line."

    def to_dict(self) -> dict[str, Any]:
        return {"spans": [s.to_dict() for s in self.spans]}

    def to_frame(self) -> pd.DataFrame:
        """One row per excluded interval: actor, red line, issue, low, high and their ends."""
        import pandas as pd

        rows = [
            {
                "actor": s.actor,
                "index": s.index,
                "issue": s.issue,
                **dataclasses.asdict(i),
            }
            for s in self.spans
            for i in s.excluded
        ]
        columns = ["actor", "index", "issue", "low", "high", "low_closed", "high_closed"]
        return pd.DataFrame(rows, columns=columns)


# --------------------------------------------------------------------------------------------
# The ZOPA box
# --------------------------------------------------------------------------------------------


def _deal(problem: Problem, x: np.ndarray[Any, Any]) -> dict[str, float | str]:
    out: dict[str, float | str] = {}
    for k, issue in enumerate(problem.issues):
        value = float(np.clip(x[k], problem.low[k], problem.high[k]))
        out[issue] = problem.options[k][round(value)] if problem.options[k] else value
    return out


def _objective(built: Built, k: int, sign: float) -> np.ndarray[Any, Any]:
    c = np.zeros(len(built.model.lb))
    c[built.x[k]] = sign
    return c


def zopa_box(
    problem: Problem,
    *,
    tolerance: float = ZOPA_TOL,
    known: Sequence[np.ndarray[Any, Any] | None] = (),
) -> ZopaBox | None:
    """Per issue, the least and greatest value over the ZOPA, exactly (at most 2K LPs/MILPs).

    Parameters
    ----------
    problem : Problem
        A compiled readiness problem (:func:`~detente.readiness.compile_problem`).
    tolerance : float
        How far below its no-deal value a veto party may be and still count as in the ZOPA;
        the default is the engine's ``ZOPA_TOL`` (see the module docstring).
    known : sequence of arrays (K,)
        Outcomes already known to lie in the ZOPA (such as the closest deal; None entries are
        skipped): a bound that one of them reaches (an end of the issue's scale, or its first or
        last option) needs no solve.  Every solve's optimum joins them.

    Returns
    -------
    ZopaBox or None
        None when the ZOPA is empty.

    Raises
    ------
    detente.errors.DetenteError
        The solver found the ZOPA non-empty for one bound and not for another (numerical
        trouble; never seen on the scenarios in the repository).
    """
    built = build(problem, None)
    r = problem.reservation()
    for a in range(problem.n_actors):
        coefs, const = built.util[a]
        built.model.row(dict(coefs), float(r[a]) - const - tolerance, math.inf)
    points = [np.asarray(x, dtype=float) for x in known if x is not None]
    if not points:  # nothing known: the first solve also tells whether the ZOPA is empty
        sol = built.model.solve(np.zeros(len(built.model.lb)), what="the ZOPA")
        if sol is None:
            return None
        points.append(_outcome(problem, built, sol.x))
    ranges = []
    for k, issue in enumerate(problem.issues):
        ends = []
        for sign, end in ((1.0, float(problem.low[k])), (-1.0, float(problem.high[k]))):
            # a known point of the ZOPA at the issue's own bound is an optimum already
            at_end = [p for p in points if abs(p[k] - end) <= 1e-9 * (1.0 + abs(end))]
            if at_end:
                ends.append(_deal(problem, at_end[0]))
                continue
            sol = built.model.solve(_objective(built, k, sign), what="the ZOPA")
            if sol is None:
                raise DetenteError(
                    f"the solver lost the zone of agreement while bounding issue '{issue}'"
                )
            points.append(_outcome(problem, built, sol.x))
            ends.append(_deal(problem, points[-1]))
        at_low, at_high = ends
        ranges.append(IssueRange(issue, at_low[issue], at_high[issue], at_low, at_high))
    return ZopaBox(tuple(ranges), tolerance)


# --------------------------------------------------------------------------------------------
# Red-line intervals
# --------------------------------------------------------------------------------------------


def _dnf(formula: Formula, where: str) -> list[list[LinAtom]]:
    """The formula as a list of conjunctions (lists of atoms); [] is false, [[]] is true."""
    if isinstance(formula, Const):
        return [[]] if formula.value else []
    if isinstance(formula, LinAtom):
        return [[formula]]
    if isinstance(formula, AnyOf):
        terms = [t for part in formula.parts for t in _dnf(part, where)]
    else:
        terms = [[]]
        for part in formula.parts:
            terms = [t + s for t in terms for s in _dnf(part, where)]
            if len(terms) > MAX_TERMS:
                break
    if len(terms) > MAX_TERMS:
        raise ProblemTooLarge(
            f"red line '{where}' has more than {MAX_TERMS} alternatives once its 'and's and "
            "'or's are multiplied out; split it into several red lines",
            path=where,
        )
    return terms


def _restricted(problem: Problem, parts: Sequence[LinAtom]) -> Problem:
    """The problem with these atoms as its only red line (for the margin model's encodings)."""
    formula = All(tuple(parts))
    return dataclasses.replace(
        problem, red_lines=(RedLine(0, 0, "", "", formula, "zopa"),), inactive=()
    )


def _issues(problem: Problem, atom: LinAtom) -> tuple[int, ...]:
    """The indices of the issues an atom names, ascending."""
    return tuple(sorted(problem.issues.index(name) for name in atom.coef))


def _outcome(problem: Problem, built: Built, sol: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """The outcome of a solution vector, in issue units."""
    return problem.from_scaled(extract(problem, built, sol))


def _holds(problem: Problem, parts: Sequence[LinAtom], x: np.ndarray[Any, Any]) -> bool:
    point = {issue: float(x[k]) for k, issue in enumerate(problem.issues)}
    return bool(formula_holds(All(tuple(parts)), point, tol=0.0))


def _one_issue_interval(problem: Problem, k: int, own: Sequence[LinAtom]) -> Interval | None:
    """Values of scale issue k meeting atoms that involve issue k alone (None if none)."""
    lo, lo_closed = float(problem.low[k]), True
    hi, hi_closed = float(problem.high[k]), True
    for atom in own:
        c = atom.coef[problem.issues[k]]
        bound = atom.rhs / c + 0.0  # no -0.0
        strict = atom.sense == "<"
        lower = atom.sense == "==" or c < 0  # x >= b (x > b when strict)
        if lower and (bound > lo or (bound == lo and strict)):
            lo, lo_closed = bound, not strict
        upper = atom.sense == "==" or c > 0  # x <= b (x < b when strict)
        if upper and (bound < hi or (bound == hi and strict)):
            hi, hi_closed = bound, not strict
    if lo > hi or (lo == hi and not (lo_closed and hi_closed)):
        return None
    return Interval(lo, hi, lo_closed, hi_closed)


def _extremes(problem: Problem, k: int, parts: Sequence[LinAtom]) -> Interval | None:
    """Least and greatest value of issue k over a conjunction of atoms (two LPs/MILPs)."""
    restricted = _restricted(problem, parts)
    built = build(restricted, None)
    ends = []
    for sign in (1.0, -1.0):
        sol = built.model.solve(_objective(built, k, sign), what="a red line's range")
        if sol is None:
            return None
        ends.append(float(_outcome(restricted, built, sol.x)[k]))
    return Interval(ends[0], ends[1])


def _pin(problem: Problem, k: int, rank: int) -> LinAtom:
    """The atom ``x_k == rank``."""
    return LinAtom({problem.issues[k]: 1.0}, "==", float(rank))


def _conjunction_on_issue(problem: Problem, k: int, parts: Sequence[LinAtom]) -> list[Interval]:
    """The projection onto issue k of one conjunction of atoms."""
    named = {atom: _issues(problem, atom) for atom in parts}
    own = [a for a in parts if named[a] == (k,)]
    rest = [a for a in parts if named[a] != (k,)]
    zero = np.zeros(problem.n_issues)
    mixed = any(k in named[a] for a in rest)
    if rest and not mixed and not feasible(_restricted(problem, rest), red_lines=[0]):
        return []  # the other issues cannot meet their part of the conjunction
    if problem.options[k]:
        found = []
        for j in range(len(problem.options[k])):
            at = zero.copy()
            at[k] = j
            if own and not _holds(problem, own, at):
                continue
            if mixed and not feasible(
                _restricted(problem, [*rest, _pin(problem, k, j)]), red_lines=[0]
            ):
                continue
            found.append(Interval(float(j), float(j)))
        return found
    if not mixed:
        interval = _one_issue_interval(problem, k, own)
        return [interval] if interval is not None else []
    # With every option issue of the conjunction pinned, what is left is a polytope, whose
    # projection is one interval; unpinned, the projection could have holes between options.
    options = sorted({i for a in rest for i in named[a] if problem.options[i]})
    if math.prod(len(problem.options[i]) for i in options) > MAX_TERMS:
        raise ProblemTooLarge(
            f"a red line combines issue '{problem.issues[k]}' with too many options of other "
            "issues to draw; split it into several red lines",
            path=f"issues.{problem.issues[k]}",
        )
    found = []
    for ranks in itertools.product(*(range(len(problem.options[i])) for i in options)):
        pins = [_pin(problem, i, j) for i, j in zip(options, ranks, strict=True)]
        hull = _extremes(problem, k, [*own, *rest, *pins])
        if hull is not None:
            found.append(hull)
    return found


def _union(parts: Sequence[Interval], *, ranks: bool) -> tuple[Interval, ...]:
    """Overlapping or touching intervals joined (on ranks, consecutive ranks too)."""
    out: list[Interval] = []
    for i in sorted(parts, key=lambda i: (i.low, not i.low_closed)):
        if out:
            last = out[-1]
            joins = i.low < last.high or (i.low == last.high and (i.low_closed or last.high_closed))
            if ranks:
                joins = i.low <= last.high + 1
            if joins:
                if i.high > last.high or (i.high == last.high and i.high_closed):
                    out[-1] = Interval(last.low, i.high, last.low_closed, i.high_closed)
                continue
        out.append(i)
    return tuple(out)


def _complement(problem: Problem, k: int, allowed: Sequence[Interval]) -> tuple[Interval, ...]:
    """The values of issue k (its range, or its ranks) outside the allowed intervals."""
    if problem.options[k]:
        shut = [
            Interval(float(j), float(j))
            for j in range(len(problem.options[k]))
            if not any(i.contains(float(j)) for i in allowed)
        ]
        return _union(shut, ranks=True)
    out = []
    lo, lo_closed = float(problem.low[k]), True
    for i in allowed:
        if i.low > lo or (i.low == lo and lo_closed and not i.low_closed):
            out.append(Interval(lo, i.low, lo_closed, not i.low_closed))
        lo, lo_closed = i.high, not i.high_closed
    hi = float(problem.high[k])
    if lo < hi or (lo == hi and lo_closed):
        out.append(Interval(lo, hi, lo_closed, True))
    return tuple(out)


def red_line_intervals(problem: Problem) -> RedLineIntervals:
    """Per veto red line and issue it names, the values it allows and excludes, exactly.

    Parameters
    ----------
    problem : Problem
        A compiled readiness problem (:func:`~detente.readiness.compile_problem`).

    Returns
    -------
    RedLineIntervals
        One :class:`RedLineSpan` per (red line, issue named by it), in the problem's order.

    Raises
    ------
    detente.errors.ProblemTooLarge
        A red line with more than :data:`MAX_TERMS` alternatives in disjunctive normal form.
    """
    spans = []
    for rl in problem.red_lines:
        actor = problem.actors[rl.actor]
        terms = _dnf(rl.formula, f"actors.{actor}.red_lines.{rl.index}")
        named = sorted({k for term in terms for atom in term for k in _issues(problem, atom)})
        for k in named:
            parts = [i for term in terms for i in _conjunction_on_issue(problem, k, term)]
            ranks = bool(problem.options[k])
            allowed = _union(parts, ranks=ranks)
            spans.append(
                RedLineSpan(
                    actor=actor,
                    index=rl.index,
                    rule=rl.rule,
                    label=rl.label,
                    issue=problem.issues[k],
                    allowed=allowed,
                    excluded=_complement(problem, k, allowed),
                )
            )
    return RedLineIntervals(tuple(spans))
