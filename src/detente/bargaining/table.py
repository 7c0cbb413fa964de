"""Read a plain actor table (CSV) as other expected-utility tools use, and forecast it.

Format: a header row and one row per actor (per actor and issue), with the columns

``actor``
    the actor's name (also accepted: ``name``);
``capability``
    a number ``> 0`` (any unit; only ratios matter);
``position``
    a number on the issue's scale;
``salience``
    a number in ``[0, 1]``, or in ``[0, 100]`` as Bueno de Mesquita and the DEU data print it;
``issue`` (optional)
    the issue the row belongs to, for a table of several issues.

Column names are matched without regard to case or surrounding spaces; other columns are
ignored.  Commas, semicolons or tabs separate the cells (detected from the header).

Salience scale: with ``salience_scale="auto"`` (the default) the whole file is read as
percentages (divided by 100) as soon as one salience exceeds 1, and as ``[0, 1]`` otherwise;
``"unit"`` or ``"percent"`` force one reading.  A salience outside the chosen range is an error.

The scale of each issue is ``[min, max]`` of its positions unless ``low``/``high`` are given —
the Bueno de Mesquita convention (R = spread of the positions).

Limits (docs/security.md), checked while reading, before any forecast runs: at most
:data:`MAX_TABLE_BYTES` bytes from any input (a file, a pipe, a device), :data:`MAX_TABLE_COLUMNS`
columns, :data:`MAX_TABLE_ROWS` rows, and :data:`~detente.bargaining.settings.MAX_ACTORS` actors
per issue.  Reading is linear in the size of the table.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from detente._files import read_bounded
from detente.bargaining._baselines import FloatArray
from detente.bargaining.engine import (
    METHODS,
    ForecastResult,
    IssueForecast,
    check_methods,
    forecast_issue,
)
from detente.bargaining.settings import MAX_ACTORS, EUMSettings, check_eum_size
from detente.errors import InputError, ProblemTooLarge, did_you_mean

__all__ = [
    "MAX_TABLE_BYTES",
    "MAX_TABLE_COLUMNS",
    "MAX_TABLE_ROWS",
    "SalienceScale",
    "TableIssue",
    "forecast_table",
    "read_table",
    "read_table_text",
]

SalienceScale = Literal["auto", "unit", "percent"]
REQUIRED = ("actor", "capability", "position", "salience")
_ALIASES = {"name": "actor"}
DEFAULT_ISSUE = "issue"
#: Largest table read, in bytes (the scenario file's limit too).
MAX_TABLE_BYTES = 10 * 2**20
#: Seconds a pipe, FIFO or device may take to deliver the whole table.
READ_TIMEOUT = 5.0
#: Most columns in the header.
MAX_TABLE_COLUMNS = 1000
#: Most data rows (actor-issue pairs).
MAX_TABLE_ROWS = 20_000
_DEFAULT = EUMSettings()


@dataclass(frozen=True, eq=False)
class TableIssue:
    """The rows of one issue of a table: names, positions, capabilities, saliences in [0, 1]."""

    issue: str
    actors: tuple[str, ...]
    positions: FloatArray
    capability: FloatArray
    salience: FloatArray
    lines: tuple[int, ...]


def read_table(path: str | Path, *, salience_scale: SalienceScale = "auto") -> list[TableIssue]:
    """Read an actor table from a file, a pipe or a device (see the module docstring)."""
    data = read_bounded(path, limit=MAX_TABLE_BYTES, timeout=READ_TIMEOUT, what="actor tables")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            "the table is not UTF-8 text (save it as UTF-8 CSV)",
            file=str(path),
            line=line,
            column=column,
        ) from None
    return read_table_text(text, filename=str(path), salience_scale=salience_scale)


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _rows(text: str, filename: str) -> Iterator[tuple[int, list[str]]]:
    """The non-blank rows with their line numbers; csv errors become input errors."""
    if len(text) > MAX_TABLE_BYTES:
        raise ProblemTooLarge(
            f"the actor table is larger than the limit of {MAX_TABLE_BYTES // 2**20} MiB",
            file=filename,
        )
    first = next((ln for ln in io.StringIO(text) if ln.strip()), "")
    if not first:
        raise InputError("the table is empty; expected a header row", file=filename, line=1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(
                f"not a readable CSV row: {exc}", file=filename, line=reader.line_num
            ) from None
        if any(cell.strip() for cell in row):
            yield reader.line_num, row


class _Reader:
    """The state of one table being read: the header's columns and the rows per issue."""

    def __init__(self, filename: str, header: list[str], line: int) -> None:
        self.filename = filename
        if len(header) > MAX_TABLE_COLUMNS:
            raise ProblemTooLarge(
                f"the header has {len(header):,} columns; the limit is {MAX_TABLE_COLUMNS}",
                file=filename,
                line=line,
            )
        names = [_ALIASES.get(h, h) for h in (cell.strip().lower() for cell in header)]
        self.col: dict[str, int] = {}
        for i, h in enumerate(names):
            self.col.setdefault(h, i)
        for need in REQUIRED:
            if need not in self.col:
                unknown = [h for h in names if h not in (*REQUIRED, "issue")][:50]
                raise InputError(
                    f"missing column '{need}'{did_you_mean(need, unknown)}; the header needs "
                    f"{', '.join(REQUIRED)} (and optionally issue)",
                    file=filename,
                    line=line,
                )
        # issue -> actor -> (line, capability, position, raw salience), in reading order
        self.groups: dict[str, dict[str, tuple[int, float, float, float]]] = {}
        self.rows = 0
        self.top_salience = 0.0

    def fail(self, message: str, line: int, name: str) -> InputError:
        return InputError(
            message, file=self.filename, line=line, column=self.col[name] + 1, path=name
        )

    def cell(self, line: int, row: list[str], name: str) -> str:
        j = self.col[name]
        if j >= len(row) or not row[j].strip():
            raise self.fail(f"empty cell in column '{name}'", line, name)
        return row[j].strip()

    def number(self, line: int, row: list[str], name: str) -> float:
        raw = self.cell(line, row, name)
        shown = raw if len(raw) <= 40 else raw[:37] + "..."
        try:
            value = float(raw)
        except ValueError:
            raise self.fail(f"'{shown}' is not a number (column '{name}')", line, name) from None
        if not math.isfinite(value):
            raise self.fail(f"'{shown}' is not a finite number (column '{name}')", line, name)
        return value

    def add(self, line: int, row: list[str]) -> None:
        self.rows += 1
        if self.rows > MAX_TABLE_ROWS:
            raise ProblemTooLarge(
                f"the table has more than {MAX_TABLE_ROWS:,} rows (the limit); split it by issue",
                file=self.filename,
                line=line,
            )
        actor = self.cell(line, row, "actor")
        issue = self.cell(line, row, "issue") if "issue" in self.col else DEFAULT_ISSUE
        cap = self.number(line, row, "capability")
        pos = self.number(line, row, "position")
        sal = self.number(line, row, "salience")
        if cap <= 0:
            raise self.fail(
                f"capability must be > 0 (got {cap:g}); leave the actor out instead",
                line,
                "capability",
            )
        group = self.groups.setdefault(issue, {})
        if actor in group:
            raise self.fail(f"actor '{actor}' appears twice for issue '{issue}'", line, "actor")
        if len(group) >= MAX_ACTORS:
            raise ProblemTooLarge(
                f"issue '{issue}' has more than {MAX_ACTORS} actors, the forecast's limit per "
                "issue; leave out minor actors",
                file=self.filename,
                line=line,
            )
        group[actor] = (line, cap, pos, sal)
        self.top_salience = max(self.top_salience, sal)

    def issues(self, salience_scale: SalienceScale) -> list[TableIssue]:
        percent = salience_scale == "percent" or (
            salience_scale == "auto" and self.top_salience > 1.0
        )
        hi = 100.0 if percent else 1.0
        for group in self.groups.values():
            for line, _, _, sal in group.values():
                if not 0.0 <= sal <= hi:
                    how = "[0, 100] (percent)" if percent else "[0, 1]"
                    raise self.fail(f"salience {sal:g} lies outside {how}", line, "salience")
        out = []
        for issue, group in self.groups.items():
            rows = list(group.values())
            out.append(
                TableIssue(
                    issue=issue,
                    actors=tuple(group),
                    positions=np.array([r[2] for r in rows]),
                    capability=np.array([r[1] for r in rows]),
                    salience=np.array([r[3] / hi for r in rows]),
                    lines=tuple(r[0] for r in rows),
                )
            )
        return out


def read_table_text(
    text: str, *, filename: str = "<table>", salience_scale: SalienceScale = "auto"
) -> list[TableIssue]:
    """Parse an actor table given as text; errors name ``filename``, the line and the column.

    Raises
    ------
    InputError
        For a missing column, an empty table, a non-numeric or non-finite cell, a capability
        ``<= 0``, a salience outside the range, a missing actor name or a repeated actor.
    ProblemTooLarge
        Beyond the limits of the module docstring, at the line where the limit is passed.
    """
    if salience_scale not in ("auto", "unit", "percent"):
        raise InputError(
            f"salience scale must be auto, unit or percent (got {salience_scale!r})",
            path="salience_scale",
        )
    reader: _Reader | None = None
    header_line = 1
    for line, row in _rows(text, filename):
        if reader is None:
            reader, header_line = _Reader(filename, row, line), line
        else:
            reader.add(line, row)
    if reader is None:
        raise InputError("the table is empty; expected a header row", file=filename, line=1)
    if not reader.rows:
        raise InputError("the table has a header but no rows", file=filename, line=header_line)
    return reader.issues(salience_scale)


def _scale(t: TableIssue, low: float | None, high: float | None, name: str) -> tuple[float, float]:
    lo = float(t.positions.min()) if low is None else low
    hi = float(t.positions.max()) if high is None else high
    if hi <= lo:
        hi = max(lo + 1.0, math.nextafter(lo, math.inf))
    if not math.isfinite(hi - lo):
        k = int(np.argmax(np.abs(t.positions)))
        raise InputError(
            f"the positions of issue '{t.issue}' span [{lo:g}, {hi:g}], too wide to compute "
            "with (the width overflows): rescale the issue",
            file=name,
            line=t.lines[k],
            path="position",
        )
    outside = np.flatnonzero((t.positions < lo) | (t.positions > hi))
    if outside.size:
        k = int(outside[0])
        raise InputError(
            f"position {t.positions[k]:g} of '{t.actors[k]}' lies outside [{lo:g}, {hi:g}]",
            file=name,
            line=t.lines[k],
            path="position",
        )
    return lo, hi


def forecast_table(
    path: str | Path,
    *,
    issue: str | None = None,
    methods: Sequence[str] = METHODS,
    eum: EUMSettings = _DEFAULT,
    salience_scale: SalienceScale = "auto",
    low: float | None = None,
    high: float | None = None,
) -> ForecastResult:
    """Read an actor table and forecast each of its issues (see :func:`forecast_issue`).

    The scale of an issue is ``[low, high]`` when given, else ``[min, max]`` of its positions
    (widened by 1 when every actor stands at one point).  The expected-utility model's work is
    checked against its limits (:func:`~detente.bargaining.settings.check_eum_size`) before
    any issue is forecast.
    """
    chosen = check_methods(methods)
    if not isinstance(eum, EUMSettings):
        raise InputError(f"eum must be an EUMSettings (got {type(eum).__name__})", path="eum")
    tables = read_table(path, salience_scale=salience_scale)
    if issue is not None:
        keys = [t.issue for t in tables]
        tables = [t for t in tables if t.issue == issue]
        if not tables:
            raise InputError(
                f"no issue {issue!r} in the table{did_you_mean(issue, keys[:1000])}",
                file=str(path),
                path="issue",
            )
    scales = [_scale(t, low, high, str(path)) for t in tables]
    if "eum" in chosen:
        check_eum_size([len(t.actors) for t in tables], eum, record=True)
    results: list[IssueForecast] = []
    skipped: dict[str, str] = {}
    for t, (lo, hi) in zip(tables, scales, strict=True):
        if not float((t.capability * t.salience).max()) > 0:
            skipped[t.issue] = "every actor gives it salience 0"
            continue
        results.append(
            forecast_issue(
                issue=t.issue,
                label=t.issue,
                actors=t.actors,
                positions=t.positions,
                capability=t.capability,
                salience=t.salience,
                low=lo,
                high=hi,
                methods=chosen,
                eum=eum,
            )
        )
    return ForecastResult(
        source=str(path),
        title=f"table {Path(path).name}",
        methods=chosen,
        eum=eum,
        issues=tuple(results),
        skipped=skipped,
    )
