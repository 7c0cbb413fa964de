"""The section table and :func:`build_briefing`: one builder per section, run over the table.

Each row of :data:`SECTION_TABLE` names a section, the builder that fills it from the engines'
results (:mod:`detente.briefing.sections`), the dataclass it returns and the chart kinds it
draws.  The views (:mod:`detente.briefing.views`) walk the same table, in the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from detente.briefing.context import Context
from detente.briefing.model import Briefing, Section, SectionUnavailable, unavailable_reason
from detente.briefing.sections.forecast import Forecast, build_forecast
from detente.briefing.sections.gap import (
    Levers,
    Shortfalls,
    WhatIfs,
    build_levers,
    build_shortfalls,
    build_what_ifs,
)
from detente.briefing.sections.graph import Graph, build_graph
from detente.briefing.sections.montecarlo import MonteCarlo, build_montecarlo
from detente.briefing.sections.space import Space, build_space
from detente.briefing.sections.summary import (
    Actors,
    Sources,
    Summary,
    build_actors,
    build_sources,
    build_summary,
)
from detente.briefing.sections.timeline import Timeline, build_timeline
from detente.errors import DetenteError

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = ["CHART_SECTIONS", "SECTIONS", "SECTION_TABLE", "SectionSpec", "build_briefing"]


@dataclass(frozen=True)
class SectionSpec:
    """One row of the section table."""

    name: str
    build: Callable[[Context], Section]
    result: type[Section]
    charts: tuple[str, ...] = ()
    optional: bool = True  # False: every briefing has it, and its failure is the briefing's


#: Every section, in page order.
SECTION_TABLE: tuple[SectionSpec, ...] = (
    SectionSpec("summary", build_summary, Summary, optional=False),
    SectionSpec("actors", build_actors, Actors, optional=False),
    SectionSpec("space", build_space, Space, ("space",)),
    SectionSpec("shortfalls", build_shortfalls, Shortfalls, ("shortfalls",)),
    SectionSpec("levers", build_levers, Levers, ("levers",)),
    SectionSpec("whatifs", build_what_ifs, WhatIfs, ("whatifs",)),
    SectionSpec("forecast", build_forecast, Forecast, ("trajectories", "quadrant")),
    SectionSpec("graph", build_graph, Graph, ("graph",)),
    SectionSpec("montecarlo", build_montecarlo, MonteCarlo, ("montecarlo",)),
    SectionSpec("timeline", build_timeline, Timeline, ("timeline",)),
    SectionSpec("sources", build_sources, Sources, optional=False),
)

#: The sections a caller may choose (the others are always built).
SECTIONS: tuple[str, ...] = tuple(s.name for s in SECTION_TABLE if s.optional)

#: The section that draws each chart kind.
CHART_SECTIONS: dict[str, str] = {kind: s.name for s in SECTION_TABLE for kind in s.charts}


def _check_sections(sections: Collection[str] | None) -> set[str]:
    from detente.errors import InputError, did_you_mean

    if isinstance(sections, str):  # a lone name is one section, not its letters
        sections = [sections]
    wanted = set(SECTIONS if sections is None else sections)
    for s in sorted(wanted):
        if s not in SECTIONS:
            raise InputError(
                f"unknown report section {s!r}{did_you_mean(s, SECTIONS)}; "
                f"choose from {', '.join(SECTIONS)}",
                path="sections",
            )
    return wanted


def build_briefing(
    scenario: Scenario,
    *,
    simulate: int | None = None,
    sections: Collection[str] | None = None,
) -> Briefing:
    """Run the engines on a scenario and gather everything its briefing shows.

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario (:func:`detente.scenario.load`), or a transformation of one:
        ``scenario.at(date)`` (as it stood on that date), ``scenario.variant(name)`` (a what-if).
    simulate : int, optional
        Number of Monte Carlo draws over the ``uncertainty`` section (none by default).
    sections : collection of str, optional
        Only these optional sections (of :data:`SECTIONS`; default all).  The summary, the actor
        cards and the sources are always built.

    Returns
    -------
    Briefing
        One dataclass per section built; the sections that could not be built are listed in
        ``unavailable`` with the reason.

    Raises
    ------
    detente.errors.InputError
        An unknown section name, or a scenario the readiness engine rejects.
    """
    from detente.readiness import assess

    wanted = _check_sections(sections)
    ctx = Context(scenario, assess(scenario), simulate)
    built: dict[str, Section] = {}
    unavailable: dict[str, str] = {}
    for spec in SECTION_TABLE:
        if spec.optional and spec.name not in wanted:
            continue
        try:
            built[spec.name] = spec.build(ctx)
        except (SectionUnavailable, DetenteError, ImportError) as exc:
            reason = unavailable_reason(exc)
            if reason is None or not spec.optional:
                raise
            unavailable[spec.name] = reason
    what_if = scenario.what_if
    return Briefing(
        scenario_id=scenario.id,
        title=scenario.title,
        question=scenario.question,
        description=scenario.description,
        as_of=scenario.as_of.isoformat() if scenario.as_of else None,
        filename=scenario.filename,
        what_if=None if what_if is None else scenario.what_ifs[what_if].label,
        sections=built,
        unavailable=unavailable,
    )
