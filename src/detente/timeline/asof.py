"""Analysis "as of" a date, and readiness over time (MODELS.md §5).

A scenario's ``timeline`` holds dated changes of facts and judgments.  The scenario *as of* D is the
file's base values with every entry dated on or before D applied in date order (later entries win),
and without the statements made after D.  The readiness series assesses the scenario as of every
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

__all__ = ["ReadinessPoint", "ReadinessSeries", "as_of", "change_dates", "readiness_series"]


def as_of(scenario: Scenario, date: dt.date) -> Scenario:
    """The scenario as it stood on ``date``.

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario whose values describe the state *before* its timeline entries.
    date : datetime.date
        Entries dated on or before this day are applied in date order (for one path, the latest
        entry wins); statements made after it are dropped; ``as_of`` is set to ``date``.
    """
    changes: dict[str, Any] = {}
    for entry in scenario.timeline:  # the loader keeps the timeline sorted by date
        if entry.date <= date:
            changes.update(entry.set)
    changed = scenario.with_changes(changes)
    statements = tuple(s for s in changed.statements if s.date <= date)
    update: dict[str, Any] = {"as_of": date}
    if len(statements) != len(changed.statements):
        update["statements"] = statements
    return changed.model_copy(update=update)


def change_dates(scenario: Scenario) -> tuple[dt.date, ...]:
    """The distinct dates of the timeline's entries, in order."""
    return tuple(sorted({e.date for e in scenario.timeline}))


@dataclass(frozen=True, slots=True)
class ReadinessPoint:
    """The verdict and margin as of one date, and what changed that day."""

    date: dt.date
    verdict: str
    margin: float | None
    unmet_preconditions: int
    changes: dict[str, Any]
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "verdict": self.verdict,
            "margin": jsonable(self.margin),
            "unmet_preconditions": self.unmet_preconditions,
            "changes": jsonable(self.changes),
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True)
class ReadinessSeries:
    """Readiness as of every dated change of the scenario's timeline."""

    scenario_id: str
    points: tuple[ReadinessPoint, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario_id, "points": [p.to_dict() for p in self.points]}

    def to_frame(self) -> pd.DataFrame:
        """One row per date: verdict, margin, unmet preconditions, what changed."""
        import pandas as pd

        rows = [
            {
                "date": p.date,
                "verdict": p.verdict,
                "margin": p.margin,
                "unmet_preconditions": p.unmet_preconditions,
                "changes": ", ".join(f"{k} = {v}" for k, v in p.changes.items()),
                "note": "; ".join(p.notes),
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
            lines.append(
                f"{p.date.isoformat()}: {what} -> {p.verdict} ({moved}; {margin}; {unmet})."
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
    from detente.readiness.assessment import unmet_preconditions, verdict_for
    from detente.readiness.margin import exact_margin
    from detente.readiness.problem import compile_problem

    points = []
    solved: tuple[Any, Any, float | None, bool] | None = None  # actors, issues, margin, zopa
    for date in change_dates(scenario):
        state = as_of(scenario, date)
        # Facts do not enter the margin: solve again only when a judgment changed.
        if solved is None or (state.actors, state.issues) != solved[:2]:
            result = exact_margin(compile_problem(state))
            margin = float(result.margin) if result.feasible else None
            solved = (state.actors, state.issues, margin, result.zopa)
        unmet = sum(1 for p in unmet_preconditions(state) if p.veto)
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
            )
        )
    return ReadinessSeries(scenario.id, tuple(points))
