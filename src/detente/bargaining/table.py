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
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from detente.bargaining._baselines import FloatArray
from detente.bargaining._eum import check_variant
from detente.bargaining.engine import (
    METHODS,
    ForecastResult,
    IssueForecast,
    check_methods,
    forecast_issue,
)
from detente.bargaining.eum import DEFAULT_ROUNDS, UtilityRange
from detente.errors import InputError, did_you_mean

__all__ = ["SalienceScale", "TableIssue", "forecast_table", "read_table", "read_table_text"]

SalienceScale = Literal["auto", "unit", "percent"]
REQUIRED = ("actor", "capability", "position", "salience")
_ALIASES = {"name": "actor"}
DEFAULT_ISSUE = "issue"


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
    """Read an actor table from a file (see the module docstring for the format)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("no such file", file=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the table: {exc}", file=str(path)) from None
    return read_table_text(text, filename=str(path), salience_scale=salience_scale)


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def read_table_text(
    text: str, *, filename: str = "<table>", salience_scale: SalienceScale = "auto"
) -> list[TableIssue]:
    """Parse an actor table given as text; errors name ``filename``, the line and the column.

    Raises
    ------
    InputError
        For a missing column, an empty table, a non-numeric or non-finite cell, a capability
        ``<= 0``, a salience outside the range, a missing actor name or a repeated actor.
    """
    if salience_scale not in ("auto", "unit", "percent"):
        raise InputError(
            f"salience scale must be auto, unit or percent (got {salience_scale!r})",
            path="salience_scale",
        )
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    if not first:
        raise InputError("the table is empty; expected a header row", file=filename, line=1)
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first))
    header: list[str] | None = None
    header_line = 1
    rows: list[tuple[int, list[str]]] = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip().lower() for cell in row]
            header_line = reader.line_num
            continue
        rows.append((reader.line_num, row))
    assert header is not None
    names = [_ALIASES.get(h, h) for h in header]
    col: dict[str, int] = {}
    for i, h in enumerate(names):
        col.setdefault(h, i)
    for need in REQUIRED:
        if need not in col:
            unknown = [h for h in names if h not in (*REQUIRED, "issue")]
            raise InputError(
                f"missing column '{need}'{did_you_mean(need, unknown)}; the header needs "
                f"{', '.join(REQUIRED)} (and optionally issue)",
                file=filename,
                line=header_line,
            )
    if not rows:
        raise InputError("the table has a header but no rows", file=filename, line=header_line)

    def cell(line: int, row: list[str], name: str) -> str:
        j = col[name]
        if j >= len(row) or not row[j].strip():
            raise InputError(
                f"empty cell in column '{name}'",
                file=filename,
                line=line,
                column=j + 1,
                path=name,
            )
        return row[j].strip()

    def number(line: int, row: list[str], name: str) -> float:
        raw = cell(line, row, name)
        try:
            value = float(raw)
        except ValueError:
            raise InputError(
                f"'{raw}' is not a number (column '{name}')",
                file=filename,
                line=line,
                column=col[name] + 1,
                path=name,
            ) from None
        if not math.isfinite(value):
            raise InputError(
                f"'{raw}' is not a finite number (column '{name}')",
                file=filename,
                line=line,
                column=col[name] + 1,
                path=name,
            )
        return value

    parsed: list[tuple[int, str, str, float, float, float]] = []
    for line, row in rows:
        actor = cell(line, row, "actor")
        issue = cell(line, row, "issue") if "issue" in col else DEFAULT_ISSUE
        cap = number(line, row, "capability")
        pos = number(line, row, "position")
        sal = number(line, row, "salience")
        if cap <= 0:
            raise InputError(
                f"capability must be > 0 (got {cap:g}); leave the actor out instead",
                file=filename,
                line=line,
                column=col["capability"] + 1,
                path="capability",
            )
        parsed.append((line, issue, actor, cap, pos, sal))

    top = max(p[5] for p in parsed)
    percent = salience_scale == "percent" or (salience_scale == "auto" and top > 1.0)
    hi = 100.0 if percent else 1.0
    for line, _, _, _, _, sal in parsed:
        if not 0.0 <= sal <= hi:
            how = "[0, 100] (percent)" if percent else "[0, 1]"
            raise InputError(
                f"salience {sal:g} lies outside {how}",
                file=filename,
                line=line,
                column=col["salience"] + 1,
                path="salience",
            )

    grouped: dict[str, list[tuple[int, str, float, float, float]]] = {}
    for line, issue, actor, cap, pos, sal in parsed:
        group = grouped.setdefault(issue, [])
        if any(actor == g[1] for g in group):
            raise InputError(
                f"actor '{actor}' appears twice for issue '{issue}'",
                file=filename,
                line=line,
                column=col["actor"] + 1,
                path="actor",
            )
        group.append((line, actor, cap, pos, sal / hi))
    return [
        TableIssue(
            issue=issue,
            actors=tuple(g[1] for g in group),
            positions=np.array([g[3] for g in group]),
            capability=np.array([g[2] for g in group]),
            salience=np.array([g[4] for g in group]),
            lines=tuple(g[0] for g in group),
        )
        for issue, group in grouped.items()
    ]


def forecast_table(
    path: str | Path,
    *,
    issue: str | None = None,
    methods: Sequence[str] = METHODS,
    variant: str = "scholz-code",
    rounds: int = DEFAULT_ROUNDS,
    q: float = 1.0,
    risk: bool = True,
    utility_range: UtilityRange = "positions",
    salience_scale: SalienceScale = "auto",
    low: float | None = None,
    high: float | None = None,
) -> ForecastResult:
    """Read an actor table and forecast each of its issues (see :func:`forecast_issue`).

    The scale of an issue is ``[low, high]`` when given, else ``[min, max]`` of its positions
    (widened by 1 when every actor stands at one point).
    """
    chosen = check_methods(methods)
    check_variant(variant)
    tables = read_table(path, salience_scale=salience_scale)
    if issue is not None:
        keys = [t.issue for t in tables]
        tables = [t for t in tables if t.issue == issue]
        if not tables:
            raise InputError(
                f"no issue {issue!r} in the table{did_you_mean(issue, keys)}",
                file=str(path),
                path="issue",
            )
    results: list[IssueForecast] = []
    skipped: dict[str, str] = {}
    for t in tables:
        lo = float(t.positions.min()) if low is None else low
        hi = float(t.positions.max()) if high is None else high
        if hi <= lo:
            hi = lo + 1.0
        outside = np.flatnonzero((t.positions < lo) | (t.positions > hi))
        if outside.size:
            k = int(outside[0])
            raise InputError(
                f"position {t.positions[k]:g} of '{t.actors[k]}' lies outside [{lo:g}, {hi:g}]",
                file=str(path),
                line=t.lines[k],
                path="position",
            )
        if not float((t.capability * t.salience).sum()) > 0:
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
                variant=variant,
                rounds=rounds,
                q=q,
                risk=risk,
                utility_range=utility_range,
            )
        )
    return ForecastResult(
        source=str(path),
        title=f"table {Path(path).name}",
        methods=chosen,
        variant=variant,
        rounds=rounds,
        q=float(q),
        issues=tuple(results),
        skipped=skipped,
    )
