"""Readiness over time (docs/models.md §5).

A scenario's ``timeline`` holds dated changes of facts and judgments; the scenario *as of* a date
is :meth:`detente.scenario.Scenario.at`.  The readiness series assesses the scenario as of every
dated change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from detente._results import jsonable

if TYPE_CHECKING:
    import pandas as pd

    from detente.scenario.model import Scenario

__all__ = ["ReadinessPoint", "ReadinessSeries", "readiness_series"]


@dataclass(frozen=True, slots=True)
class ReadinessPoint:
    """The verdict, stage and margin as of one date, and what changed that day.

    ``unmet_preconditions`` counts the veto parties' unmet talks preconditions,
    ``unmet_agreement_preconditions`` their unmet preconditions for signing.
    """

    date: dt.date
    verdict: str
    margin: float | None
    unmet_preconditions: int
    changes: dict[str, Any]
    notes: tuple[str, ...]
    stage: str = "none"
    unmet_agreement_preconditions: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "verdict": self.verdict,
            "margin": jsonable(self.margin),
            "unmet_preconditions": self.unmet_preconditions,
            "changes": jsonable(self.changes),
            "notes": list(self.notes),
            "stage": self.stage,
            "unmet_agreement_preconditions": self.unmet_agreement_preconditions,
        }


@dataclass(frozen=True, slots=True)
class ReadinessSeries:
    """Readiness as of every dated change of the scenario's timeline."""

    scenario_id: str
    points: tuple[ReadinessPoint, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario_id, "points": [p.to_dict() for p in self.points]}

    def to_frame(self) -> pd.DataFrame:
        """One row per date: verdict, margin, unmet preconditions, what changed, stage."""
        import pandas as pd

        rows = [
            {
                "date": p.date,
                "verdict": p.verdict,
                "margin": p.margin,
                "unmet_preconditions": p.unmet_preconditions,
                "changes": ", ".join(f"{k} = {v}" for k, v in p.changes.items()),
                "note": "; ".join(p.notes),
                "stage": p.stage,
            }
            for p in self.points
        ]
        return pd.DataFrame(rows)

    def explain(self) -> str:
        """The path of the verdict in sentences."""
        if not self.points:
            return "The scenario has no dated changes; its verdict does not move."
        lines = []
        previous: str | None = None
        for p in self.points:
            margin = "no margin" if p.margin is None else f"margin {p.margin:+.3f}"
            what = "; ".join(p.notes) or ", ".join(f"{k} = {v}" for k, v in p.changes.items())
            if previous is None:
                moved = "first dated change"
            else:
                moved = "unchanged" if p.verdict == previous else f"was {previous}"
            unmet = f"{p.unmet_preconditions} veto precondition(s) unmet"
            if p.unmet_agreement_preconditions:
                unmet += f", {p.unmet_agreement_preconditions} for signing"
            lines.append(
                f"{p.date.isoformat()}: {what} -> {p.verdict}, stage {p.stage} ({moved}; "
                f"{margin}; {unmet})."
            )
            previous = p.verdict
        return "\n".join(lines)


def readiness_series(scenario: Scenario) -> ReadinessSeries:
    """Assess the scenario as of each dated change of its timeline.

    Returns
    -------
    ReadinessSeries
        One point per change date, with the changes and notes of that day.
    """
    from detente.readiness.margin import exact_margin
    from detente.readiness.preconditions import unmet_preconditions
    from detente.readiness.problem import compile_problem
    from detente.readiness.verdict import stage_for, verdict_for

    points = []
    solved: tuple[Any, Any, float | None, bool] | None = None  # actors, issues, margin, zopa
    for date in scenario.change_dates:
        state = scenario.at(date)
        # Facts do not enter the margin: solve again only when a judgment changed.
        if solved is None or (state.actors, state.issues) != solved[:2]:
            result = exact_margin(compile_problem(state))
            margin = float(result.margin) if result.feasible else None
            solved = (state.actors, state.issues, margin, result.zopa)
        unmet = sum(1 for p in unmet_preconditions(state) if p.veto)
        unsigned = sum(1 for p in unmet_preconditions(state, for_="agreement") if p.veto)
        todays = [e for e in scenario.timeline if e.date == date]
        changes: dict[str, Any] = {}
        for e in todays:
            changes.update(e.set)
        points.append(
            ReadinessPoint(
                date=date,
                verdict=verdict_for(zopa=solved[3], preconditions_met=unmet == 0),
                margin=solved[2],
                unmet_preconditions=unmet,
                changes=changes,
                notes=tuple(e.note for e in todays if e.note),
                stage=stage_for(talks=unmet == 0, zopa=solved[3], signable=unsigned == 0),
                unmet_agreement_preconditions=unsigned,
            )
        )
    return ReadinessSeries(scenario.id, tuple(points))
