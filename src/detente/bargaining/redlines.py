"""Forecasts against the veto parties' red lines (docs/bargaining.md, "Forecasts and red lines").

A forecast says where bargaining lands; a veto party's red line says where it will never sign.
:func:`check_red_lines` says, for each method and each issue, which red lines of veto parties
the method's forecast breaks, and offers the forecast moved onto the outcomes those red lines
allow.

Definitions
-----------
The **point** of method m is the outcome with every forecast issue at m's forecast (an option
issue at the rank of its reported option) and every issue not forecast at its status quo.

A red line of a veto party is **broken on issue k** by method m when it names issue k and does
not hold at m's point.  Red lines are the scenario's rules as linear formulas
(:func:`detente.scenario.expr.to_linear`, the form the readiness engine solves with), evaluated
with :func:`detente.scenario.expr.formula_holds`: a value within ``1e-9`` of the issues' ranges
of a bound is on it, and a strict bound (``land > 60``) excludes its own value.

The **projection** of m's forecast of issue k is the value v of issue k nearest to the forecast
such that every veto red line naming issue k holds at m's point with issue k set to v (the other
issues stay at their forecasts): the nearest point of that set, a union of intervals of the
issue's range (of its options' ranks on an option issue); ties go to the lower value.  On a
scale issue the set is exact: along the issue every atom ``a.x <= b`` changes truth only where
``a.x = b``, so the formula is tested at those breakpoints, the ends of the range and one point
inside each interval between them.  When the nearest point is the open end of an interval (a
strict ``<`` red line), it is reported with ``open_end`` and means "as close as you like to it".
When no value of issue k alone meets those red lines, there is no projection.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from detente.scenario import expr as ex

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = ["BrokenRedLine", "RedLineCheck", "check_red_lines"]

#: Relative tolerance (of an issue's range) for a forecast to meet a red line.
TOLERANCE = 1e-9


@dataclass(frozen=True)
class BrokenRedLine:
    """A veto party's red line that a forecast breaks."""

    actor: str
    index: int  # the red line's position in the actor's ``red_lines``
    rule: str
    label: str | None
    probability: float | None = None  # a red line that is real with this probability

    def describe(self) -> str:
        maybe = "" if self.probability is None else f" (real with probability {self.probability:g})"
        return f"{self.actor}'s red line '{self.label or self.rule}'{maybe}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "index": self.index,
            "rule": self.rule,
            "label": self.label,
            "probability": self.probability,
        }


@dataclass(frozen=True)
class RedLineCheck:
    """One method's forecast of one issue against the veto parties' red lines naming it.

    Attributes
    ----------
    issue, method : str
    broken : tuple of BrokenRedLine
        The red lines the forecast breaks (empty: it meets them all).
    projection : float or None
        The nearest value of the issue meeting them all, the other issues at their forecasts
        (ranks on an option issue); None when none does, or when nothing is broken.
    open_end : {"above", "below"} or None
        When the projection is the open end of the allowed values (a strict red line), the side
        they lie on: values as close to it as one likes on that side are allowed, itself is not.
    """

    issue: str
    method: str
    broken: tuple[BrokenRedLine, ...]
    projection: float | None = None
    open_end: Literal["above", "below"] | None = None

    @property
    def breaks(self) -> bool:
        return bool(self.broken)

    def to_dict(self) -> dict[str, Any]:
        return {
            "broken": [b.to_dict() for b in self.broken],
            "projection": self.projection,
            "open_end": self.open_end,
        }


@dataclass(frozen=True)
class _Line:
    actor: str
    index: int
    rule: str
    label: str | None
    formula: ex.Formula
    issues: frozenset[str]
    probability: float | None


def _veto_red_lines(scenario: Scenario) -> list[_Line]:
    """The veto parties' red lines in force, as linear formulas (issue units, option ranks)."""
    out: list[_Line] = []
    for a in scenario.veto_actors:
        for j, rl in enumerate(scenario.actors[a].red_lines):
            if not rl.active:
                continue  # a red line switched off (actors.ID.red_lines.N.active: false)
            try:
                formula = ex.to_linear(rl.expr)
            except ex.ExprError:
                continue  # not linear: the readiness engine reports it
            named = frozenset(n for atom in ex.atoms(formula) for n in atom.coef)
            # rl.expr is the rule at its named threshold; a probable red line is checked as if real
            out.append(_Line(a, j, rl.rule, rl.label, formula, named, rl.probability))
    return out


def _point(scenario: Scenario, forecasts: Mapping[str, float]) -> dict[str, float]:
    point = {k: issue.to_number(issue.status_quo) for k, issue in scenario.issues.items()}
    for k, value in forecasts.items():
        issue = scenario.issues[k]
        if issue.options is not None:
            n = len(issue.options)
            value = float(min(max(math.ceil(value - 0.5), 0), n - 1))  # the reported option
        point[k] = float(value)
    return point


def check_red_lines(
    scenario: Scenario, forecasts: Mapping[str, Mapping[str, float]]
) -> dict[str, dict[str, RedLineCheck]]:
    """Check each method's forecasts against the veto parties' red lines.

    Parameters
    ----------
    scenario : Scenario
    forecasts : mapping
        ``{issue: {method: value}}`` (ranks on option issues), as in
        :attr:`IssueForecast.values <detente.bargaining.IssueForecast.values>`.

    Returns
    -------
    dict
        ``{issue: {method: RedLineCheck}}`` for every forecast issue named by a veto party's red
        line in force (see the module notes for the definitions).
    """
    lines = _veto_red_lines(scenario)
    if not lines:
        return {}
    scale = max((i.range for i in scenario.issues.values()), default=1.0)
    tol = TOLERANCE * (1.0 + scale)
    methods = list(dict.fromkeys(m for by in forecasts.values() for m in by))
    out: dict[str, dict[str, RedLineCheck]] = {}
    for m in methods:
        point = _point(scenario, {k: by[m] for k, by in forecasts.items() if m in by})
        # within tol of a bound is on it; a strict bound excludes itself (as the solver does)
        holds = [
            bool(ex.formula_holds(line.formula, point, tol=tol, open_strict=True)) for line in lines
        ]
        for k in forecasts:
            if m not in forecasts[k]:
                continue
            naming = [i for i, line in enumerate(lines) if k in line.issues]
            if not naming:
                continue
            broken = tuple(
                BrokenRedLine(
                    lines[i].actor,
                    lines[i].index,
                    lines[i].rule,
                    lines[i].label,
                    lines[i].probability,
                )
                for i in naming
                if not holds[i]
            )
            check = RedLineCheck(k, m, broken)
            if broken:
                value, open_end = _project(scenario, k, point, [lines[i] for i in naming], tol)
                check = RedLineCheck(k, m, broken, value, open_end)
            out.setdefault(k, {})[m] = check
    return out


def _project(
    scenario: Scenario,
    k: str,
    point: Mapping[str, float],
    lines: Sequence[_Line],
    tol: float,
) -> tuple[float | None, Literal["above", "below"] | None]:
    """The value of issue k nearest to ``point[k]`` at which every line holds (others fixed),
    and the side of it the allowed values lie on when it is an open end."""
    issue = scenario.issues[k]
    formula = ex.All(tuple(line.formula for line in lines))
    target = point[k]
    if issue.options is not None:
        ranks = np.arange(len(issue.options), dtype=float)
        ok = np.asarray(ex.formula_holds(formula, {**point, k: ranks}, tol=tol), dtype=bool)
        if not ok.any():
            return None, None
        allowed = ranks[ok]
        best = min(allowed, key=lambda j: (abs(j - target), j))
        return float(best), None
    # Breakpoints of every atom along issue k, with the other issues at the point.
    cuts = {issue.low, issue.high}
    for atom in ex.atoms(formula):
        c = atom.coef.get(k, 0.0)
        if c == 0.0:
            continue
        rest = sum(v * point[n] for n, v in atom.coef.items() if n != k)
        cut = (atom.rhs - rest) / c
        if issue.low <= cut <= issue.high:
            cuts.add(cut)
    at = np.array(sorted(cuts))
    mids = (at[:-1] + at[1:]) / 2
    # At a breakpoint a strict atom is tested as strict (a point on its boundary is outside).
    exact = np.asarray(
        ex.formula_holds(formula, {**point, k: at}, tol=tol, open_strict=True), dtype=bool
    )
    inside = np.asarray(ex.formula_holds(formula, {**point, k: mids}, tol=0.0), dtype=bool)
    Side = Literal["above", "below"] | None
    candidates: list[tuple[float, Side]] = [
        (float(value), None) for value, ok in zip(at, exact, strict=True) if ok
    ]
    for i, ok in enumerate(inside):
        if not ok:
            continue
        lo, hi = float(at[i]), float(at[i + 1])
        if lo < target < hi:
            return target, None
        candidates.append((lo, None if exact[i] else "above"))
        candidates.append((hi, None if exact[i + 1] else "below"))
    if not candidates:
        return None, None
    return min(candidates, key=lambda c: (abs(c[0] - target), c[0], c[1] is not None))
