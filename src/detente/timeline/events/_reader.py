"""Format detection and the streaming reader behind :func:`detente.timeline.events.read_events`."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from detente._results import jsonable
from detente.errors import InputError, did_you_mean
from detente.timeline.events._checks import FIRST_DAY, LAST_DAY
from detente.timeline.events._io import (
    DEFAULT_BLOCK_BYTES,
    Source,
    head,
    iter_blocks,
    open_binary,
    open_sources,
    parse_records,
)
from detente.timeline.events._schema import (
    EVENT_COLUMNS,
    FormatSpec,
    Malformed,
    ReadReport,
    coerce_events,
    empty_events,
)
from detente.timeline.events.acled import ACLED_REQUIRED, acled_spec
from detente.timeline.events.gdelt import GDELT1, GDELT1_HISTORICAL, GDELT2
from detente.timeline.events.icews import ICEWS, ICEWS_COLUMNS

__all__ = ["FORMATS", "EventData", "FormatName", "detect_format", "iter_events", "read_events"]

FormatName = Literal["auto", "gdelt1", "gdelt2", "icews", "acled"]
FORMATS: tuple[str, ...] = ("auto", "gdelt1", "gdelt2", "icews", "acled")
_BY_FIELDS = {57: GDELT1_HISTORICAL, 58: GDELT1, 61: GDELT2, 20: ICEWS}


_HEAD_BYTES = 256 * 1024


def _first_lines(data: bytes, limit: int = 50, *, name: str = "") -> list[str]:
    if len(data) >= _HEAD_BYTES and b"\n" not in data:
        raise InputError(
            f"the first line is longer than {_HEAD_BYTES // 1024} KiB: not an event file "
            "(event records are a few hundred bytes)",
            file=name or None,
            line=1,
        )
    lines = data.split(b"\n", limit + 1)[: limit + 1]
    if len(lines) > 1:
        lines = lines[:-1]  # the last piece may be cut short
    text = [ln.decode("utf-8", errors="replace").rstrip("\r") for ln in lines[:limit]]
    return [t for t in text if t.strip()]


def _spec_for(source: Source, lines: list[str], wanted: str) -> FormatSpec:
    name = source.name
    if not lines:
        raise InputError("the event file is empty", file=name)
    first = lines[0].lstrip("\ufeff")
    if "\t" in first:
        counts = Counter(ln.count("\t") + 1 for ln in lines)
        n = counts.most_common(1)[0][0]
        if first.split("\t")[0].strip() == "Event ID":
            if first.count("\t") + 1 != len(ICEWS_COLUMNS):
                raise InputError(
                    f"ICEWS header with {first.count(chr(9)) + 1} columns; expected 20", file=name
                )
            spec = ICEWS
        elif n in _BY_FIELDS:
            spec = _BY_FIELDS[n]
            if spec is ICEWS:
                spec = dataclasses.replace(ICEWS, header=False)
        else:
            raise InputError(
                f"cannot tell the event-data format: lines have {n} tab-separated fields; "
                "expected 57 or 58 (GDELT 1.0 events), 61 (GDELT 2.0 events), 20 (ICEWS) "
                "or a comma-separated ACLED file with a header line",
                file=name,
                line=1,
            )
    else:
        try:
            header = tuple(h.strip().lower() for h in next(csv.reader([first])))
        except csv.Error as exc:
            raise InputError(f"cannot read the header line: {exc}", file=name, line=1) from None
        missing = [c for c in ACLED_REQUIRED if c not in header]
        if len(header) < 2 or len(missing) == len(ACLED_REQUIRED):
            raise InputError(
                "cannot tell the event-data format: not tab-separated GDELT 1.0 (57/58 "
                "fields), GDELT 2.0 (61) or ICEWS (20), and no ACLED CSV header "
                f"(expected columns {', '.join(ACLED_REQUIRED)})",
                file=name,
                line=1,
            )
        if missing:
            hint = "".join(did_you_mean(m, header) for m in missing[:1])
            raise InputError(
                f"ACLED header lacks the column(s) {', '.join(missing)}{hint}", file=name, line=1
            )
        spec = acled_spec(header)
    if wanted != "auto" and spec.name != wanted:
        raise InputError(f"the file looks like {spec.label}, not {wanted}", file=name, line=1)
    return spec


def detect_format(path: str | Path, *, format: str = "auto") -> FormatSpec:
    """Detect the format of an event file (of its first member, for a zip archive).

    Detection uses the number of tab-separated fields of the first lines (57/58 GDELT 1.0,
    61 GDELT 2.0, 20 ICEWS) or, for comma-separated files, ACLED's header line.

    Raises
    ------
    InputError
        For an unknown format, or a file that does not match the ``format`` asked for.
    """
    if format not in FORMATS:
        raise InputError(
            f"unknown event format '{format}'{did_you_mean(format, FORMATS)}",
            path="format",
        )
    with open_sources(Path(path)) as sources:
        return _spec_for(sources[0], _first_lines(head(sources[0]), name=sources[0].name), format)


@dataclass(frozen=True, slots=True)
class _Filters:
    actors: frozenset[str] | None
    both: bool
    start: pd.Timestamp | None
    end: pd.Timestamp | None

    def mask(self, frame: pd.DataFrame) -> pd.Series:
        keep = pd.Series(True, index=frame.index)
        if self.actors is not None:
            a = frame["actor"].isin(self.actors)
            t = frame["target"].isin(self.actors)
            keep &= (a & t) if self.both else (a | t)
        if self.start is not None:
            keep &= frame["date"] >= self.start
        if self.end is not None:
            keep &= frame["date"] <= self.end
        return keep


def _counts(values: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in values.value_counts().items()}


@dataclass
class _Tally:
    """Mutable counts while one source is read; frozen into a ReadReport at the end."""

    lines: int = 0
    records: int = 0
    blank: int = 0
    malformed: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    examples: list[Malformed] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    filtered: int = 0
    kept: int = 0
    unknown: Counter[str] = field(default_factory=Counter)

    def add_bad(self, lines: np.ndarray, reasons: pd.Series, max_examples: int) -> None:
        if not lines.size:
            return
        self.malformed += int(lines.size)
        self.reasons.update(_counts(reasons.str.split(":", n=1).str[0]))
        room = max_examples - len(self.examples)
        if room > 0:
            order = np.argsort(lines, kind="stable")[:room]
            self.examples.extend(Malformed(int(lines[i]), str(reasons.iloc[i])) for i in order)

    def report(self, name: str, fmt: str) -> ReadReport:
        return ReadReport(
            file=name,
            format=fmt,
            lines=self.lines,
            records=self.records,
            blank=self.blank,
            malformed=self.malformed,
            malformed_reasons=dict(self.reasons),
            examples=tuple(sorted(self.examples, key=lambda m: m.line)),
            skipped=dict(self.skipped),
            filtered=self.filtered,
            kept=self.kept,
            unknown_countries=dict(self.unknown),
        )


def _parse(records: bytes, spec: FormatSpec) -> pd.DataFrame:
    def parse(numeric: tuple[str, ...]) -> pd.DataFrame:
        return parse_records(
            records,
            delimiter=spec.delimiter,
            quoted=spec.quoted,
            names=list(spec.columns),
            usecols=list(spec.usecols),
            numeric=numeric,
        )

    if spec.numeric:
        try:
            return parse(spec.numeric)
        except ValueError:  # a non-number in a numeric column: read strings, report below
            pass
    return parse(())


def _read_source(
    source: Source,
    spec: FormatSpec,
    filters: _Filters,
    tally: _Tally,
    *,
    block_bytes: int,
    max_examples: int,
) -> Iterator[pd.DataFrame]:
    n_fields = len(spec.columns)
    sep_name = "tab" if spec.delimiter == "\t" else "comma"
    with open_binary(source) as fh:
        for block in iter_blocks(
            fh,
            delimiter=spec.delimiter,
            quoted=spec.quoted,
            block_bytes=block_bytes,
            name=source.name,
        ):
            data_rec = ~block.blank
            if spec.header and block.lines[0] == 1:
                data_rec[0] = False
            tally.lines = block.last_line
            tally.records += int(data_rec.sum())
            tally.blank += int(block.blank.sum())
            wrong = data_rec & (block.fields != n_fields)
            if spec.quoted:  # a quote left open at the end of the file: pandas cannot parse it
                unclosed = data_rec & ~wrong & (block.quotes % 2 == 1)
                if unclosed.any():
                    tally.add_bad(
                        block.lines[unclosed],
                        pd.Series("unterminated quote", index=range(int(unclosed.sum()))),
                        max_examples,
                    )
                    data_rec &= ~unclosed
            good = data_rec & ~wrong
            if wrong.any():
                found = pd.Series(block.fields[wrong]).astype(str)
                tally.add_bad(
                    block.lines[wrong],
                    f"wrong field count: expected {n_fields} {sep_name}-separated fields, found "
                    + found,
                    max_examples,
                )
            if not good.any():
                continue
            lines = block.lines[good]
            try:
                raw = _parse(block.select(good), spec)
            except (pd.errors.ParserError, ValueError) as exc:  # pragma: no cover - defensive
                reason = f"unparsable record: {str(exc)[:60]}"
                tally.add_bad(lines, pd.Series(reason, index=range(lines.size)), max_examples)
                continue
            if len(raw) != lines.size:  # pragma: no cover - guarded by the field counts
                raise InputError(
                    f"internal: parsed {len(raw)} records where {lines.size} were expected",
                    file=source.name,
                )
            norm = spec.normalise(raw)
            bad = np.zeros(len(raw), dtype=bool)
            bad[raw.index.get_indexer(norm.bad.index)] = True
            if bad.any():
                tally.add_bad(lines[bad], norm.bad.reset_index(drop=True), max_examples)
            skip = np.zeros(len(raw), dtype=bool)
            skip_at = raw.index.get_indexer(norm.skip.index)
            skip[skip_at] = ~bad[skip_at]
            if skip.any():
                tally.skipped.update(_counts(norm.skip[~bad[skip_at]]))
            if len(norm.unknown_countries):
                tally.unknown.update(_counts(norm.unknown_countries))
            ok = ~bad & ~skip
            frame = norm.frame.loc[ok].copy()
            frame["source_line"] = lines[ok]
            keep = filters.mask(frame)
            tally.filtered += int((~keep).sum())
            frame = frame.loc[keep]
            tally.kept += len(frame)
            if len(frame):
                yield frame


def _finish(frame: pd.DataFrame, *, fmt: str, name: str, weighted: bool) -> pd.DataFrame:
    frame = frame.copy()
    if pd.api.types.is_numeric_dtype(frame["event_id"]):  # GDELT ids parsed as numbers
        frame["event_id"] = frame["event_id"].astype("int64").astype("str")
    frame["root"] = frame["code"].str.slice(0, 2)
    frame["weight"] = frame["num_sources"].astype("float64") if weighted else 1.0
    frame["source_format"] = fmt
    frame["source_file"] = name
    return coerce_events(frame)


def iter_events(
    path: str | Path,
    *,
    format: str = "auto",
    actors: Iterable[str] | None = None,
    both: bool = False,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    weight_by_sources: bool = True,
    block_bytes: int = DEFAULT_BLOCK_BYTES,
    max_examples: int = 20,
    reports: list[ReadReport] | None = None,
) -> Iterator[pd.DataFrame]:
    """Stream one event file as normalised chunks (bounded memory, one block at a time).

    Parameters are those of :func:`read_events`; when ``reports`` is a list, one
    :class:`ReadReport` per member read is appended to it once the member is exhausted.
    No de-duplication is done across chunks.
    """
    filters = _make_filters(actors, both, start, end)
    with open_sources(Path(path)) as sources:
        for source in sources:
            spec = _spec_for(source, _first_lines(head(source), name=source.name), format)
            tally = _Tally()
            for chunk in _read_source(
                source, spec, filters, tally, block_bytes=block_bytes, max_examples=max_examples
            ):
                yield _finish(chunk, fmt=spec.name, name=source.name, weighted=weight_by_sources)
            if reports is not None:
                reports.append(tally.report(source.name, spec.name))


def _date(value: dt.date | str | None, name: str) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        day = pd.Timestamp(value).normalize()
    except (ValueError, TypeError, OverflowError):
        raise InputError(f"'{value}' is not a date (YYYY-MM-DD)", path=name) from None
    # a filter beyond the days an event can have is the same as one at the edge
    return min(max(day, FIRST_DAY), LAST_DAY).as_unit("ns")


def _make_filters(
    actors: Iterable[str] | None, both: bool, start: dt.date | str | None, end: dt.date | str | None
) -> _Filters:
    codes = None if actors is None else frozenset(a.strip().upper() for a in actors if a.strip())
    return _Filters(codes or None, both, _date(start, "start"), _date(end, "end"))


@dataclass(frozen=True, slots=True, eq=False)
class EventData:
    """Events read from one or more files, as one normalised table, with a report per file.

    ``frame`` has the columns :data:`EVENT_COLUMNS`, sorted by date; ``reports`` one
    :class:`ReadReport` per file (zip member) read.
    """

    frame: pd.DataFrame
    reports: tuple[ReadReport, ...]
    actors: tuple[str, ...] | None = None
    weighted: bool = True

    @property
    def malformed(self) -> int:
        """Malformed records over all files."""
        return sum(r.malformed for r in self.reports)

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = jsonable(
            {
                "actors": list(self.actors) if self.actors else None,
                "weighted": self.weighted,
                "events": len(self.frame),
                "reports": [r.to_dict() for r in self.reports],
            }
        )
        return out

    def explain(self) -> str:
        lines = [f"{len(self.frame)} events read from {len(self.reports)} file(s)."]
        lines += [r.explain() for r in self.reports]
        return "\n".join(lines)


def read_events(
    paths: str | Path | Sequence[str | Path],
    *,
    format: str = "auto",
    actors: Iterable[str] | None = None,
    both: bool = False,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    weight_by_sources: bool = True,
    same_day_duplicates: bool = False,
    block_bytes: int = DEFAULT_BLOCK_BYTES,
    max_examples: int = 20,
) -> EventData:
    """Read event-data files into one normalised event table.

    Each file is read in blocks of ``block_bytes`` bytes, so memory is bounded by the block
    size plus the rows kept by the filters.

    Parameters
    ----------
    paths : path or sequence of paths
        GDELT 1.0/2.0 event exports, ICEWS or ACLED files; plain, ``.gz`` or ``.zip``.
    format : {"auto", "gdelt1", "gdelt2", "icews", "acled"}
        The format, detected per file by default (see :func:`detect_format`).
    actors : iterable of str, optional
        Country codes (alpha-3, e.g. ``RUS``): keep events whose actor or target (both, with
        ``both=True``) is one of them.
    start, end : date, optional
        Keep events dated within ``[start, end]``.
    weight_by_sources : bool
        Weight each event by its number of sources (GDELT NumSources; ACLED's ``;``-separated
        sources; 1 for ICEWS) in the indices; with ``False`` every event weighs 1.
    same_day_duplicates : bool
        Also drop an event with the same day, actor, target and code as an earlier one (the
        first is kept). Events repeating an event id of the same format are always dropped.

    Returns
    -------
    EventData
        The table and one :class:`ReadReport` per file: malformed records (wrong field count,
        bad date, non-numeric field, bad code) are counted with their line numbers, never
        dropped silently and never fatal.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    reports: list[ReadReport] = []
    chunks: list[pd.DataFrame] = []
    filters = _make_filters(actors, both, start, end)  # validates the dates up front
    for p in paths:
        chunks.extend(
            iter_events(
                p,
                format=format,
                actors=filters.actors,
                both=both,
                start=filters.start,
                end=filters.end,
                weight_by_sources=weight_by_sources,
                block_bytes=block_bytes,
                max_examples=max_examples,
                reports=reports,
            )
        )
    frame = pd.concat(chunks, ignore_index=True) if chunks else empty_events()
    dup = frame.duplicated(["source_format", "event_id"]) & (frame["event_id"] != "")
    if same_day_duplicates:
        dup |= frame.duplicated(["date", "actor", "target", "code"])
    if bool(dup.any()):
        per_file = frame.loc[dup, "source_file"].value_counts().to_dict()
        reports = [
            dataclasses.replace(
                r,
                duplicates=int(per_file.get(r.file, 0)),
                kept=r.kept - int(per_file.get(r.file, 0)),
            )
            for r in reports
        ]
        frame = frame.loc[~dup]
    frame = frame.sort_values(["date", "source_file", "source_line"], kind="stable").reset_index(
        drop=True
    )
    return EventData(
        frame=frame.loc[:, list(EVENT_COLUMNS)],
        reports=tuple(reports),
        actors=tuple(sorted(filters.actors)) if filters.actors else None,
        weighted=weight_by_sources,
    )
