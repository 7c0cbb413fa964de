"""How is it moving: readiness as of each dated change (:func:`detente.timeline.readiness_series`)
and the actors' dated statements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from detente.briefing.display import VERDICT_LABELS, margin_text, quoted, short
from detente.briefing.model import Section, SectionUnavailable

if TYPE_CHECKING:
    from detente.briefing.context import Context
    from detente.scenario import Scenario

__all__ = ["StatementRow", "Timeline", "TimelineRow", "build_timeline"]


@dataclass(frozen=True)
class TimelineRow:
    """Readiness as of one dated change."""

    date: str
    verdict: str
    verdict_label: str
    margin: float | None
    margin_text: str
    unmet_preconditions: int
    note: str


@dataclass(frozen=True)
class StatementRow:
    """A dated public statement."""

    date: str
    actor: str
    who: str  # the actor's name, and the speaker when the name does not already say it
    target: str | None
    stance: str
    quote: str | None  # in quotation marks, as shown
    source: str | None


@dataclass(frozen=True, kw_only=True)
class Timeline(Section):
    """The readiness series and the statements (the ``timeline`` chart and tables)."""

    points: tuple[TimelineRow, ...]
    statements: tuple[StatementRow, ...]
    series_note: str | None  # why there is no readiness series, when there is none


def _who(name: str, speaker: str | None) -> str:
    # "France (President Emmanuel Macron)" already names its speaker
    return f"{name} ({speaker})" if speaker and speaker not in name else name


def _replayable(scenario: Scenario) -> bool:
    """Whether the timeline can be replayed on this scenario: ``Scenario.at`` refuses (with the
    ValueError it documents) a what-if variant or a scenario already moved to a date."""
    if scenario.what_if is not None:
        return False
    if not scenario.change_dates:
        return True
    try:
        scenario.at(scenario.change_dates[0])
    except ValueError:
        return False
    return True


def _points(scenario: Scenario) -> tuple[TimelineRow, ...]:
    from detente.timeline import readiness_series

    return tuple(
        TimelineRow(
            date=p.date.isoformat(),
            verdict=p.verdict,
            verdict_label=VERDICT_LABELS.get(p.verdict, p.verdict),
            margin=p.margin,
            margin_text=margin_text(p.margin),
            unmet_preconditions=p.unmet_preconditions,
            note="; ".join(p.notes) or ", ".join(f"{k} = {v}" for k, v in p.changes.items()),
        )
        for p in readiness_series(scenario).points
    )


def build_timeline(ctx: Context) -> Timeline:
    """The verdict and margin as of each change date, and every statement in date order."""
    import math

    import pandas as pd

    scenario = ctx.scenario
    note = None
    if _replayable(scenario):
        points = _points(scenario)
    else:
        points = ()
        note = "Readiness over time is in the briefing of the scenario as loaded; this one is " + (
            "of a what-if." if scenario.what_if is not None else "as of a date."
        )
    statements = tuple(
        StatementRow(
            date=s.date.isoformat(),
            actor=s.actor,
            who=_who(ctx.names.get(s.actor, s.actor), s.speaker),
            target=s.target,
            stance=s.stance,
            quote=quoted(s.quote) if s.quote else None,
            source=s.source,
        )
        for s in sorted(scenario.statements, key=lambda s: s.date)
    )
    if not points and not statements:
        raise SectionUnavailable("not available: the scenario has no timeline and no statements")
    readiness = pd.DataFrame(
        [
            {
                "date": t.date,
                "verdict": t.verdict_label,
                "margin": t.margin if t.margin is not None else math.nan,
                "note": t.note,
            }
            for t in points
        ],
        columns=["date", "verdict", "margin", "note"],
    )
    said = pd.DataFrame(
        [
            {
                "n": j,
                "date": s.date,
                "actor": ctx.names.get(s.actor, s.actor),
                "stance": s.stance,
                "quote": short(s.quote or s.stance, 60),
            }
            for j, s in enumerate(statements, start=1)
        ],
        columns=["n", "date", "actor", "stance", "quote"],
    )
    return Timeline(
        points=points,
        statements=statements,
        series_note=note,
        charts={"timeline": {"readiness": readiness, "statements": said}},
        captions={
            "timeline": "The margin as of each dated change (colour: verdict) and the actors' "
            "dated statements (colour: stance)."
        },
    )
