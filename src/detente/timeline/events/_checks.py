"""Vectorised field checks shared by the format normalisers.

Failed checks are reported as reason strings ``"<kind>: <detail>"`` for the failing rows only
(building a string per good row would cost more than the parsing); the read report counts
malformed records by ``<kind>``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from detente.timeline.cameo import GOLDSTEIN

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "first_reason",
    "numeric",
    "parse_dates",
    "valid_code",
    "yyyymmdd",
]

_KNOWN = pd.Index(sorted(GOLDSTEIN))
# The days the event table's datetime64[ns] column can hold (1677-09-22 .. 2262-04-11); dates
# outside are bad dates of the record, never an overflow of the reader.
FIRST_DAY = pd.Timestamp.min.ceil("D")
LAST_DAY = pd.Timestamp.max.floor("D")


def _representable(dates: pd.Series) -> pd.Series:
    inside = (dates >= FIRST_DAY) & (dates <= LAST_DAY)
    out: pd.Series = dates.where(inside).astype("datetime64[ns]")
    return out


def first_reason(index: pd.Index, checks: list[tuple[pd.Series, str, str, pd.Series]]) -> pd.Series:
    """The first failing check's message, for the failing rows only.

    ``checks`` holds ``(failed, kind, field, values)``: rows where ``failed`` is true get
    ``"<kind>: <field>='<value>'"`` unless an earlier check already failed.  The result is
    indexed by the failing rows (a subset of ``index``, in its order).
    """
    taken = np.zeros(len(index), dtype=bool)
    parts: list[pd.Series] = []
    for failed, kind, name, values in checks:
        hit = failed.to_numpy(dtype=bool, na_value=True) & ~taken
        if hit.any():
            shown = values[hit].astype(str).str.slice(0, 40)
            parts.append(f"{kind}: {name}='" + shown + "'")
            taken |= hit
    if not parts:
        return pd.Series([], index=index[:0], dtype="str")
    reasons: pd.Series = pd.concat(parts).reindex(index[taken]).astype("str")
    return reasons


def parse_dates(values: pd.Series, formats: tuple[str, ...]) -> pd.Series:
    """Parse dates trying each format in turn; NaT where none fits."""
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    text = values.str.strip()
    for fmt in formats:
        todo = out.isna()
        if not bool(todo.any()):
            break
        out.loc[todo] = _representable(pd.to_datetime(text[todo], format=fmt, errors="coerce"))
    normalised: pd.Series = out.dt.normalize()
    return normalised


def numeric(values: pd.Series, *, integer: bool = False) -> tuple[pd.Series, pd.Series]:
    """Numbers and a mask of the rows that are not (integral, when ``integer``) numbers."""
    if pd.api.types.is_numeric_dtype(values):  # already parsed by the C reader
        num = values.astype("float64")
    else:
        # to_numeric tolerates surrounding blanks and runs in C (no per-element Python).
        num = pd.to_numeric(values, errors="coerce").astype("float64")
    bad = num.isna()
    if integer:
        bad = bad | (num != num.round())
    return num, bad


def valid_code(codes: pd.Series) -> pd.Series:
    """Mask of well-formed CAMEO codes (2 to 4 digits)."""
    valid: pd.Series = codes.isin(_KNOWN)  # hash lookup; the regex only for the rest
    rest = ~valid
    if bool(rest.any()):
        valid.loc[rest] = codes[rest].str.fullmatch(r"\d{2,4}").fillna(False).astype(bool)
    return valid


def yyyymmdd(values: pd.Series) -> pd.Series:
    """Parse YYYYMMDD dates strictly (``pd.to_datetime`` would read "2022120" as 2022-01-20)."""
    num, bad = numeric(values, integer=True)
    ok = ~bad & (num >= 10_000_000) & (num < 100_000_000)
    n = num.where(ok, 0).astype("int64")
    year = n // 10_000
    ok &= (year > FIRST_DAY.year) & (year < LAST_DAY.year)  # whole years inside the range
    n = n.where(ok, 20000101)
    parts = pd.DataFrame({"year": n // 10_000, "month": n // 100 % 100, "day": n % 100})
    dates = pd.to_datetime(parts, errors="coerce").astype("datetime64[ns]")
    out: pd.Series = dates.where(ok)
    return out
