"""The normalised event table, the per-file read report, and the shape of a format reader."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from detente._results import jsonable

__all__ = [
    "EVENT_COLUMNS",
    "FormatSpec",
    "Malformed",
    "Normalised",
    "ReadReport",
    "empty_events",
]

#: Columns of the normalised event table, in order.
EVENT_COLUMNS: tuple[str, ...] = (
    "date",  # day of the event (datetime64, midnight)
    "actor",  # country code of the actor (actor 1 / source), "" if none
    "target",  # country code of the target (actor 2), "" if none
    "code",  # CAMEO event code, a string with leading zeros ("036")
    "root",  # CAMEO root code, two digits ("03")
    "goldstein",  # Goldstein value (the file's own where it has one)
    "num_sources",  # number of distinct sources reporting the event
    "num_articles",  # number of articles reporting it
    "weight",  # weight in the indices: num_sources when weighting is on, else 1
    "event_id",  # the file's own event identifier (GLOBALEVENTID, Event ID, event_id_cnty)
    "source_format",  # gdelt1 | gdelt2 | icews | acled | statement
    "source_file",  # file name (archive:member for zip archives)
    "source_line",  # 1-based line of the record in the (decompressed) file
)

_DTYPES: dict[str, str] = {
    "date": "datetime64[ns]",
    "actor": "str",
    "target": "str",
    "code": "str",
    "root": "str",
    "goldstein": "float64",
    "num_sources": "int64",
    "num_articles": "int64",
    "weight": "float64",
    "event_id": "str",
    "source_format": "str",
    "source_file": "str",
    "source_line": "int64",
}


def empty_events() -> pd.DataFrame:
    """An empty normalised event table with the right dtypes."""
    return pd.DataFrame({c: pd.Series([], dtype=_DTYPES[c]) for c in EVENT_COLUMNS})


def coerce_events(frame: pd.DataFrame) -> pd.DataFrame:
    """Order the columns of a normalised table and fix their dtypes."""
    return frame.loc[:, list(EVENT_COLUMNS)].astype(_DTYPES)


@dataclass(frozen=True, slots=True)
class Normalised:
    """What a format's normaliser makes of one block of parsed records.

    ``frame`` has the columns date, actor, target, code, goldstein, num_sources, num_articles,
    event_id (one row per record); ``bad`` holds, for the malformed records only (indexed like
    ``frame``), why; ``skip``, for well-formed records that carry no CAMEO event only, why.
    """

    frame: pd.DataFrame
    bad: pd.Series
    skip: pd.Series
    unknown_countries: pd.Series  # names that did not map to a country code (may repeat)


@dataclass(frozen=True, slots=True)
class FormatSpec:
    """How to read one event-data format."""

    name: str
    label: str
    delimiter: str
    quoted: bool
    columns: tuple[str, ...]  # published column order (from the header for ACLED)
    header: bool  # the first record is a header line
    usecols: tuple[str, ...]
    normalise: Callable[[pd.DataFrame], Normalised]
    # Columns the C parser may read as float64 directly (falling back to strings for a block
    # where one field is not a number, so that the record is reported, not fatal).
    numeric: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Malformed:
    """One malformed record: where it is and what is wrong with it."""

    line: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class ReadReport:
    """What reading one event file did: counts, and the first malformed records by line.

    Attributes
    ----------
    file, format : str
        The file (``archive.zip:member`` for zip members) and its detected format.
    lines : int
        Physical lines read (after decompression).
    records : int
        Data records (header and blank lines excluded).
    malformed : int
        Records rejected as malformed (wrong field count, bad date, non-numeric field, bad code).
    malformed_reasons : dict
        Malformed records counted by kind of problem.
    examples : tuple of Malformed
        The first ``max_examples`` malformed records with their line numbers and reasons.
    skipped : dict
        Well-formed records that carry no CAMEO event, counted by reason (ACLED types that have
        no CAMEO equivalent).
    filtered : int
        Well-formed records outside the actor or date filters.
    duplicates : int
        Records dropped as duplicates of an earlier one (same event id, or same day, actors and
        code when that option is on).
    kept : int
        Rows this file contributed to the table.
    unknown_countries : dict
        Country names that matched no country code, with their counts (the actor is left "").
    """

    file: str
    format: str
    lines: int = 0
    records: int = 0
    blank: int = 0
    malformed: int = 0
    malformed_reasons: dict[str, int] = field(default_factory=dict)
    examples: tuple[Malformed, ...] = ()
    skipped: dict[str, int] = field(default_factory=dict)
    filtered: int = 0
    duplicates: int = 0
    kept: int = 0
    unknown_countries: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = jsonable(
            {
                "file": self.file,
                "format": self.format,
                "lines": self.lines,
                "records": self.records,
                "blank": self.blank,
                "malformed": self.malformed,
                "malformed_reasons": self.malformed_reasons,
                "examples": [m.to_dict() for m in self.examples],
                "skipped": self.skipped,
                "filtered": self.filtered,
                "duplicates": self.duplicates,
                "kept": self.kept,
                "unknown_countries": self.unknown_countries,
            }
        )
        return out

    def explain(self) -> str:
        parts = [
            f"{self.file} ({self.format}): {self.records} records on {self.lines} lines, "
            f"{self.kept} kept"
        ]
        if self.filtered:
            parts.append(f"{self.filtered} outside the actor/date filters")
        if self.duplicates:
            parts.append(f"{self.duplicates} duplicates dropped")
        if self.skipped:
            parts.append(
                "skipped (no CAMEO equivalent): "
                + ", ".join(f"{k} x{v}" for k, v in sorted(self.skipped.items()))
            )
        text = "; ".join(parts) + "."
        if self.malformed:
            kinds = ", ".join(f"{k} x{v}" for k, v in sorted(self.malformed_reasons.items()))
            text += f"\n  {self.malformed} malformed records ({kinds}):"
            for m in self.examples:
                text += f"\n    line {m.line}: {m.reason}"
            if self.malformed > len(self.examples):
                text += f"\n    ... and {self.malformed - len(self.examples)} more"
        if self.unknown_countries:
            names = ", ".join(f"'{k}' x{v}" for k, v in sorted(self.unknown_countries.items()))
            text += f"\n  unknown country names (actor left blank): {names}"
        return text
