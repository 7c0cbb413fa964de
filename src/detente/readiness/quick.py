"""Quick what-ifs: the verdict and margin with a few judgments changed, on the fast path.

A slider in the workbench moves one judgment and wants the verdict back while the hand moves.
:func:`quick_assess` answers ``assess(scenario.with_changes(changes))``'s verdict, margin m*,
ZOPA and unmet preconditions without the exact solver: m* comes from
:func:`~detente.readiness.fastpath.margin_batch` (exact by LP duality, docs/models.md §2), the
preconditions from the changed facts, and the verdict from the same table as :func:`assess`
(:func:`~detente.readiness.assessment.verdict_for`).  What needs the solver's deal x* (closest
deal, shortfalls, clashes, terms, levers) is not computed: ask :func:`assess` for those.

:func:`quick_assess_many` answers many change sets of one scenario at once, with one vectorised
margin call for every change set that only moves parameters of the compiled problem (costs,
no-deal outcomes, saliences, positions, the status quo); a change that alters the problem's
structure (a veto flag, a values table, a no-deal outcome the file does not name) compiles that
change set on its own.  Either way the answer equals the exact path's (tests/readiness/
test_quick.py checks it against :func:`assess`).
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.readiness.fastpath import margin_batch
from detente.readiness.margin import ZOPA_TOL
from detente.readiness.preconditions import UnmetPrecondition, unmet_preconditions
from detente.readiness.problem import Problem, compile_problem
from detente.readiness.verdict import Stage, Verdict, headline, stage_for, verdict_for
from detente.scenario.paths import Judgment

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = ["QuickAssessment", "quick_assess", "quick_assess_many"]


@dataclass(frozen=True)
class QuickAssessment:
    """The verdict of a scenario with some judgments changed (no deal, clashes or levers).

    Attributes
    ----------
    scenario_id, title, what_if, as_of
        As in :class:`~detente.readiness.Assessment`.
    changes : dict
        The changes applied, by normalised path, with validated values.
    verdict : {"ripe", "blocked", "premature", "not_ripe"}
    margin : float or None
        m*; ``None`` when the red lines cannot hold together.
    preconditions : tuple of UnmetPrecondition
        Every talks precondition the changed facts do not meet.
    agreement_preconditions : tuple of UnmetPrecondition
        Every precondition for signing the changed facts do not meet.
    stage : {"none", "talks", "deal", "signature"}
        How far the conflict can go (as :attr:`Assessment.stage`).
    headline : str
        The verdict in one sentence, worded as :meth:`Assessment.headline`.
    """

    scenario_id: str
    title: str
    what_if: str | None
    as_of: dt.date | None
    changes: dict[str, float | bool | str]
    verdict: Verdict
    margin: float | None
    preconditions: tuple[UnmetPrecondition, ...]
    headline: str
    agreement_preconditions: tuple[UnmetPrecondition, ...] = ()
    stage: Stage = "none"

    @property
    def zopa(self) -> bool:
        return self.margin is not None and self.margin >= -ZOPA_TOL

    def explain(self) -> str:
        return self.headline

    def to_dict(self) -> dict[str, Any]:
        from detente._results import jsonable

        return dict(
            jsonable(
                {
                    "scenario": self.scenario_id,
                    "title": self.title,
                    "what_if": self.what_if,
                    "as_of": self.as_of,
                    "changes": self.changes,
                    "verdict": self.verdict,
                    "headline": self.headline,
                    "zopa": self.zopa,
                    "margin": self.margin,
                    "preconditions": [p.to_dict() for p in self.preconditions],
                    "stage": self.stage,
                    "agreement_preconditions": [p.to_dict() for p in self.agreement_preconditions],
                }
            )
        )


def quick_assess(scenario: Scenario, changes: Mapping[str, Any]) -> QuickAssessment:
    """The verdict and margin of ``scenario.with_changes(changes)``, on the fast path.

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario, or a transformation of one (``scenario.at(date).variant(name)``).
    changes : mapping of str to value
        Dotted judgment paths to new values, as in ``what_ifs`` (validated the same way).

    Raises
    ------
    detente.errors.InputError
        A path that names no judgment, or a value out of its range (the path is named).
    """
    return quick_assess_many(scenario, [changes])[0]


def quick_assess_many(
    scenario: Scenario, batch: Sequence[Mapping[str, Any]]
) -> list[QuickAssessment]:
    """:func:`quick_assess` for many change sets of one scenario, vectorised where possible.

    Raises
    ------
    detente.errors.InputError
        The first change set with a bad path or value (validated before anything is solved).
    """
    from detente.scenario.paths import resolve

    varied = [scenario.with_changes(c) for c in batch]  # validates every change set first
    base, params = _compiled(scenario)
    rows: list[dict[str, float]] = []
    fast: list[int] = []
    problems: list[Problem] = [base] * len(batch)
    margins = np.full(len(batch), -math.inf)
    normalised: list[dict[str, float | bool | str]] = []
    for i, changes in enumerate(batch):
        row: dict[str, float] = {}
        structural = False
        done: dict[str, float | bool | str] = {}
        for path, raw in changes.items():
            judgment = resolve(scenario, path)
            value = judgment.check(raw)
            done[judgment.path] = value
            if value == judgment.value:
                continue
            number = _as_parameter(scenario, base, params, judgment.path, judgment.issue, value)
            if number is None:
                structural = True
            elif not math.isnan(number):
                row[judgment.path] = number
        normalised.append(done)
        if structural:
            problems[i] = compile_problem(varied[i])
            margins[i] = float(margin_batch(problems[i], np.zeros((1, 0)), [])[0])
        else:
            rows.append(row)
            fast.append(i)
    if fast:
        paths = sorted({p for row in rows for p in row})
        P = np.array([[row.get(p, _number(params[p])) for p in paths] for row in rows], dtype=float)
        margins[fast] = margin_batch(base, P.reshape(len(rows), len(paths)), paths)
    out = []
    for i, one in enumerate(varied):
        m = float(margins[i])
        margin = None if m == -math.inf else m
        unmet = unmet_preconditions(one)
        unsigned = unmet_preconditions(one, for_="agreement")
        zopa = margin is not None and margin >= -ZOPA_TOL
        talks = not any(p.veto for p in unmet)
        verdict = verdict_for(zopa=zopa, preconditions_met=talks)
        signable = not any(p.veto for p in unsigned)
        out.append(
            QuickAssessment(
                scenario_id=one.id,
                title=one.title,
                what_if=one.what_if,
                as_of=one.as_of,
                changes=normalised[i],
                verdict=verdict,
                margin=margin,
                preconditions=unmet,
                headline=headline(
                    verdict=verdict,
                    parties=problems[i].actor_names,
                    margin=margin,
                    unmet=[p.label for p in unmet if p.veto],
                    unsigned=[p.label for p in unsigned if p.veto],
                ),
                agreement_preconditions=unsigned,
                stage=stage_for(talks=talks, zopa=zopa, signable=signable),
            )
        )
    return out


_COMPILED: dict[int, tuple[weakref.ref[Scenario], Problem, dict[str, Judgment]]] = {}
_LOCK = threading.Lock()


def _compiled(scenario: Scenario) -> tuple[Problem, dict[str, Judgment]]:
    """The scenario's compiled problem and its parameters, kept while the scenario lives (a
    slider asks about the same scenario many times; scenarios are immutable)."""
    key = id(scenario)
    hit = _COMPILED.get(key)
    if hit is not None and hit[0]() is scenario:
        return hit[1], hit[2]
    problem = compile_problem(scenario)
    params = problem.parameters()

    def forget(_: object, key: int = key) -> None:
        with _LOCK:
            _COMPILED.pop(key, None)

    with _LOCK:
        _COMPILED[key] = (weakref.ref(scenario, forget), problem, params)
    return problem, params


def _as_parameter(
    scenario: Scenario,
    problem: Problem,
    params: dict[str, Judgment],
    path: str,
    issue: str | None,
    value: float | bool | str,
) -> float | None:
    """The changed value as a parameter of ``problem`` (options as ranks); NaN when the margin
    does not depend on the path; None when the change alters the problem's structure."""
    parts = path.split(".")
    if parts[0] == "facts":
        return math.nan  # preconditions only
    if path in params:
        if isinstance(value, str):
            assert issue is not None
            return float(scenario.issues[issue].rank(value))
        return float(value)
    if parts[0] == "actors" and parts[1] not in problem.actors and parts[2] != "veto":
        return math.nan  # a judgment of an actor without a veto: not in the margin
    if parts[0] == "actors" and parts[2] == "capability":
        return math.nan  # capability weighs only the Nash terms
    return None


def _number(judgment: Judgment) -> float:
    """A parameter's current value as the number the fast path takes (an option as its rank)."""
    if judgment.kind == "option":
        assert judgment.options is not None and isinstance(judgment.value, str)
        return float(judgment.options.index(judgment.value))
    assert isinstance(judgment.value, int | float)
    return float(judgment.value)
