"""Preconditions over facts: which ones the facts leave unmet, and the stage's answers.

A precondition is an actor's expression over the scenario's facts, for talks (the default) or
for signing an agreement (``for: agreement``).  :func:`unmet_preconditions` lists those the facts
do not meet; :class:`StageAnswer` is one of the three questions of an assessment's stage (can
talks open, is there a deal, can it be signed) with its reasons (docs/readiness.md, "Stages").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = ["StageAnswer", "UnmetPrecondition", "unmet_preconditions"]


@dataclass(frozen=True)
class UnmetPrecondition:
    """A precondition (over facts) that does not hold: for talks (the default) or for
    signing an agreement (``for_ == "agreement"``)."""

    actor: str
    actor_name: str
    veto: bool
    label: str
    requires: str
    for_: str = "talks"

    def explain(self) -> str:
        if self.for_ == "agreement":
            if self.veto:
                return f"{self.actor_name} will not sign until {self.label}."
            return f"{self.actor_name} will not back an agreement until {self.label}."
        if self.veto:
            return f"{self.actor_name} will not negotiate until {self.label}."
        return f"{self.actor_name} will not back talks until {self.label}."

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "veto": self.veto,
            "label": self.label,
            "requires": self.requires,
            "for": self.for_,
        }


@dataclass(frozen=True)
class StageAnswer:
    """One of the three questions of the stage: its answer and the reasons."""

    question: str
    answer: bool
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "answer": self.answer, "reasons": list(self.reasons)}


def unmet_preconditions(
    scenario: Scenario, *, for_: str | None = "talks"
) -> tuple[UnmetPrecondition, ...]:
    """Every actor's preconditions (expressions over facts) that the facts do not meet: those
    for talks (default), for signing (``for_="agreement"``) or both (``for_=None``)."""
    from detente.scenario.expr import evaluate

    env = {f: fact.value for f, fact in scenario.facts.items()}
    return tuple(
        UnmetPrecondition(
            aid, actor.name, actor.veto, pre.label or pre.requires, pre.requires, pre.for_
        )
        for aid, actor in scenario.actors.items()
        for pre in actor.preconditions
        if (for_ is None or pre.for_ == for_) and not bool(evaluate(pre.expr, env))
    )
