"""Warnings that need the readiness engine, and every warning of a scenario at once.

:func:`red_line_warnings` finds red lines that every outcome meets (they exclude nothing) or that
no outcome meets (no deal can ever satisfy them).  Both are decided exactly by the engine's own
reading of a red line: a red line's set of outcomes is empty exactly when its projection onto any
issue it names is (:func:`~detente.readiness.zopa.red_line_intervals`), and every outcome meets
it exactly when the set of its negation (:func:`detente.scenario.expr.negate`) is empty.  Strict
inequalities are read as the margin model reads them (``a.x < b`` as ``a.x <= b - eps``), so a
red line such as ``territory > 100`` on a scale ending at 100 is one no outcome meets.  The red
lines of every actor are checked, veto party or not (a what-if can give an actor a veto).

:func:`scenario_warnings` collects these and those of :mod:`detente.scenario.warnings`, in file
order: what the command line prints as ``detente: warning: ...`` and puts in ``--json``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING

from detente.errors import DetenteError, ScenarioWarning
from detente.readiness.problem import Problem, RedLine, compile_problem
from detente.readiness.zopa import red_line_intervals
from detente.scenario import expr as ex
from detente.scenario import warnings as scenario_checks

if TYPE_CHECKING:
    from detente.scenario import Scenario
    from detente.scenario.yamlio import Located

__all__ = ["red_line_warnings", "scenario_warnings"]


def scenario_warnings(
    scenario: Scenario, *, source: Located | None = None, as_of: dt.date | None = None
) -> tuple[ScenarioWarning, ...]:
    """Every warning of a scenario: the scenario layer's and the red lines', in file order.

    Parameters
    ----------
    scenario : Scenario
        A scenario as loaded (before :meth:`~Scenario.at` or :meth:`~Scenario.variant`).
    source : Located, optional
        The positions of the file's fields (:func:`detente.scenario.loader.load_with_source`);
        without it the file named by ``scenario.filename`` is read again for them.
    as_of : date, optional
        The date the analysis is moved to (``--as-of``).
    """
    found = [
        *scenario_checks.findings(scenario, source=source, as_of=as_of),
        *_red_line_findings(scenario),
    ]
    return scenario_checks.positioned(scenario, found, source=source)


def red_line_warnings(
    scenario: Scenario, *, source: Located | None = None
) -> tuple[ScenarioWarning, ...]:
    """Red lines (of any actor) that every outcome meets, or that no outcome meets."""
    return scenario_checks.positioned(scenario, _red_line_findings(scenario), source=source)


def _everyone_vetoes(scenario: Scenario) -> Problem | None:
    """The readiness problem with every actor a veto party (so that every red line is in it)."""
    try:
        everyone = scenario.with_changes(
            {f"actors.{a}.veto": True for a, actor in scenario.actors.items() if not actor.veto}
        )
        return compile_problem(everyone)
    except DetenteError:
        pass  # a red line the engine cannot read: the engines report it where they need it
    try:
        return compile_problem(scenario)
    except DetenteError:
        return None


def _alone(problem: Problem, red_line: RedLine, formula: ex.Formula) -> Problem:
    """The problem with ``formula`` (of ``red_line``) as its only red line."""
    paths = tuple(f"check.{i}" for i in range(len(ex.atoms(formula))))
    only = dataclasses.replace(red_line, formula=formula, paths=paths)
    return dataclasses.replace(problem, red_lines=(only,))


def _empty(problem: Problem, red_line: RedLine, formula: ex.Formula) -> bool:
    """Whether no outcome meets ``formula``: its projection onto each issue it names is empty."""
    if isinstance(formula, ex.Const):
        return not formula.value
    spans = red_line_intervals(_alone(problem, red_line, formula)).spans
    return all(not span.allowed for span in spans)


def _red_line_findings(scenario: Scenario) -> list[scenario_checks.Finding]:
    problem = _everyone_vetoes(scenario)
    if problem is None:
        return []
    out: list[scenario_checks.Finding] = []
    for rl in problem.red_lines:
        actor = problem.actors[rl.actor]
        loc = ("actors", actor, "red_lines", rl.index, "rule")
        try:
            if _empty(problem, rl, rl.formula):
                out.append(
                    (
                        loc,
                        f"no outcome meets this red line of '{actor}': no deal can satisfy it, "
                        "so with it no zone of agreement can exist",
                    )
                )
            elif _empty(problem, rl, ex.negate(rl.formula)):
                out.append(
                    (
                        loc,
                        f"every outcome meets this red line of '{actor}': it excludes nothing "
                        "within the issues' ranges",
                    )
                )
        except DetenteError:
            continue  # too large to decide (ProblemTooLarge): no warning rather than a guess
    return out
