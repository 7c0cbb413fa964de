"""Warnings that need the readiness engine, and every warning of a scenario at once.

:func:`red_line_warnings` finds red lines that every outcome meets (they exclude nothing) or that
no outcome meets (no deal can ever satisfy them).  Both are decided exactly by the engine's own
reading of a red line: a red line's set of outcomes is empty exactly when its projection onto any
issue it names is (:func:`~detente.readiness.zopa.red_line_intervals`), and every outcome meets
it exactly when the set of its negation (:func:`detente.scenario.expr.negate`) is empty.  Strict
inequalities are read as the margin model reads them (``a.x < b`` as ``a.x <= b - eps``), so a
red line such as ``territory > 100`` on a scale ending at 100 is one no outcome meets.  The red
lines of every actor are checked, veto party or not (a what-if can give an actor a veto), and
red lines switched off (``active: false``) too (a what-if or a draw can switch them on).

A red line is read at its named threshold.  When the uncertainty section draws that threshold,
it warns only when the same holds at every one of the quantiles :data:`THRESHOLD_QUANTILES` of
the threshold's distribution (so not at a mere unlucky central value).  A red line that is real
only with a probability is checked as if real, and the warning says with what probability.

:func:`scenario_warnings` collects these and those of :mod:`detente.scenario.warnings`, in file
order: what the command line prints as ``detente: warning: ...`` and puts in ``--json``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
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

#: The quantiles of a drawn threshold at which a red line is checked.
THRESHOLD_QUANTILES = (0.001, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 0.999)


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
    only = dataclasses.replace(red_line, formula=formula, template=None, threshold=None)
    return dataclasses.replace(problem, red_lines=(only,))


def _empty(problem: Problem, red_line: RedLine, formula: ex.Formula) -> bool:
    """Whether no outcome meets ``formula``: its projection onto each issue it names is empty."""
    if isinstance(formula, ex.Const):
        return not formula.value
    spans = red_line_intervals(_alone(problem, red_line, formula)).spans
    return all(not span.allowed for span in spans)


def _formulas(scenario: Scenario, rl: RedLine) -> tuple[list[ex.Formula], str]:
    """The red line's formula at each threshold it is checked at, and how to say which."""
    path = rl.threshold_path
    spec = None if path is None else scenario.uncertainty.get(path)
    if spec is None or rl.template is None:
        return [rl.formula], ""
    thetas = sorted({float(spec.quantile(q)) for q in THRESHOLD_QUANTILES})
    thetas = [t for t in thetas if math.isfinite(t)]
    if not thetas:
        return [rl.formula], ""
    where = f" at every threshold from {thetas[0]:.4g} to {thetas[-1]:.4g} its distribution gives"
    return [rl.formula] + [rl.with_threshold(t).formula for t in thetas], where


def _red_line_findings(scenario: Scenario) -> list[scenario_checks.Finding]:
    problem = _everyone_vetoes(scenario)
    if problem is None:
        return []
    out: list[scenario_checks.Finding] = []
    for rl in (*problem.red_lines, *problem.inactive):
        actor = problem.actors[rl.actor]
        loc = ("actors", actor, "red_lines", rl.index, "rule")
        p = scenario.actors[actor].red_lines[rl.index].probability
        maybe = "" if p is None else f" (a real red line with probability {p:g})"
        formulas, where = _formulas(scenario, rl)
        try:
            if all(_empty(problem, rl, f) for f in formulas):
                out.append(
                    (
                        loc,
                        f"no outcome meets this red line of '{actor}'{where}{maybe}: no deal "
                        "can satisfy it, so with it no zone of agreement can exist",
                    )
                )
            elif all(_empty(problem, rl, ex.negate(f)) for f in formulas):
                out.append(
                    (
                        loc,
                        f"every outcome meets this red line of '{actor}'{where}{maybe}: it "
                        "excludes nothing within the issues' ranges",
                    )
                )
        except DetenteError:
            continue  # too large to decide (ProblemTooLarge): no warning rather than a guess
    return out
