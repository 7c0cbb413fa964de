"""The briefing as data: a :class:`Briefing` is the scenario's header and one dataclass per section.

Every section's dataclass derives from :class:`Section` (its chart tables and captions); the
section table of :mod:`detente.briefing.build` says which builder makes which one.  A builder
that has nothing to show raises :class:`SectionUnavailable` with the reason; an engine's
:class:`~detente.errors.DetenteError`, or the ``ImportError`` of an optional dependency that is
not installed, also marks the section unavailable (see :func:`unavailable_reason`).  Any other
exception is a bug and propagates.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from detente.errors import DetenteError

if TYPE_CHECKING:
    import pandas as pd

    from detente.briefing.sections.summary import Actors, Sources, Summary

__all__ = [
    "EXTRAS",
    "Briefing",
    "ChartTables",
    "Section",
    "SectionUnavailable",
    "unavailable_reason",
]

#: A chart's tables: table name -> DataFrame.
ChartTables = Mapping[str, "pd.DataFrame"]

#: Optional dependencies by top-level module, with the extra that installs them.
EXTRAS = {"altair": "charts", "vl_convert": "charts", "dask": "dask", "distributed": "dask"}

S = TypeVar("S", bound="Section")


class SectionUnavailable(Exception):
    """A section has nothing to show for this scenario; the message says why."""


def unavailable_reason(exc: BaseException) -> str | None:
    """Why a section is not available, or None if ``exc`` is a bug that must propagate."""
    if isinstance(exc, SectionUnavailable):
        return str(exc)
    if isinstance(exc, DetenteError):
        return f"not available: {exc}"
    if isinstance(exc, ImportError):
        top = (exc.name or "").partition(".")[0]
        if top in EXTRAS:
            return f"not available: {top} is not installed (pip install 'detente[{EXTRAS[top]}]')"
    return None


@dataclass(frozen=True, kw_only=True)
class Section:
    """What every section carries besides its own data: its charts' tables and captions.

    ``charts`` maps a chart kind (see :data:`detente.briefing.charts.CHART_KINDS`) to the tables
    its chart function draws; ``captions`` holds one sentence per chart kind.
    """

    charts: Mapping[str, ChartTables] = field(default_factory=dict)
    captions: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (chart tables as lists of records)."""
        from detente._results import jsonable

        out = {
            f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "charts"
        }
        out["charts"] = {
            kind: {name: frame.to_dict(orient="records") for name, frame in tables.items()}
            for kind, tables in self.charts.items()
        }
        result: dict[str, Any] = jsonable(out)
        return result


@dataclass(frozen=True)
class Briefing:
    """Everything a briefing shows, as plain data: the header and one dataclass per section.

    ``sections`` maps a section name (of the section table, in page order) to its dataclass;
    ``unavailable`` maps a section that could not be built to the reason.
    """

    scenario_id: str
    title: str
    question: str | None
    description: str | None
    as_of: str | None
    filename: str | None
    what_if: str | None  # the what-if's label when the briefing is of a what-if variant
    sections: Mapping[str, Section]
    unavailable: Mapping[str, str] = field(default_factory=dict)

    def get(self, name: str, kind: type[S]) -> S | None:
        """The section ``name`` as its dataclass ``kind``, or None when it was not built."""
        section = self.sections.get(name)
        if section is None:
            return None
        if not isinstance(section, kind):
            raise TypeError(f"section {name!r} is a {type(section).__name__}, not {kind.__name__}")
        return section

    @property
    def summary(self) -> Summary:
        """The verdict and why (always built)."""
        from detente.briefing.sections.summary import Summary

        return _present(self.get("summary", Summary))

    @property
    def actors(self) -> Actors:
        """The actor cards (always built)."""
        from detente.briefing.sections.summary import Actors

        return _present(self.get("actors", Actors))

    @property
    def sources(self) -> Sources:
        """The sources (always built)."""
        from detente.briefing.sections.summary import Sources

        return _present(self.get("sources", Sources))

    @property
    def charts(self) -> dict[str, ChartTables]:
        """Every chart's tables, by chart kind."""
        return {kind: t for s in self.sections.values() for kind, t in s.charts.items()}

    @property
    def captions(self) -> dict[str, str]:
        """Every chart's caption, by chart kind."""
        return {kind: c for s in self.sections.values() for kind, c in s.captions.items()}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "scenario_id": self.scenario_id,
            "title": self.title,
            "question": self.question,
            "description": self.description,
            "as_of": self.as_of,
            "filename": self.filename,
            "what_if": self.what_if,
            "sections": {name: s.to_dict() for name, s in self.sections.items()},
            "unavailable": dict(self.unavailable),
        }


def _present(section: S | None) -> S:
    if section is None:
        raise KeyError("a section every briefing has is missing")
    return section
