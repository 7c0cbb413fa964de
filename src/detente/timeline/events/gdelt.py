"""GDELT 1.0 and 2.0 event exports.

Column order from the *GDELT Event Database Data Format Codebook V1.03* (Leetaru and Schrodt,
2013) and the *GDELT 2.0 Event Database Data Format Codebook V2.0* (2015).  GDELT 1.0 daily
exports since 1 April 2013 have 58 tab-separated fields (SOURCEURL last); the historical
back-files have the first 57.  GDELT 2.0 adds an ADM2 code to each of the three geographic blocks
(61 fields) and its DATEADDED is YYYYMMDDHHMMSS.  Neither has a header line.
"""

from __future__ import annotations

import pandas as pd

from detente.timeline.events._checks import first_reason, numeric, valid_code, yyyymmdd
from detente.timeline.events._schema import FormatSpec, Normalised

__all__ = ["GDELT1", "GDELT1_COLUMNS", "GDELT1_HISTORICAL", "GDELT2", "GDELT2_COLUMNS"]

_ACTOR = (
    "Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
    "Religion2Code", "Type1Code", "Type2Code", "Type3Code",
)  # fmt: skip
_EVENT = (
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
)  # fmt: skip


def _geo(prefix: str, *, adm2: bool) -> tuple[str, ...]:
    parts = ["Type", "FullName", "CountryCode", "ADM1Code"]
    if adm2:
        parts.append("ADM2Code")
    parts += ["Lat", "Long", "FeatureID"]
    return tuple(f"{prefix}Geo_{p}" for p in parts)


def _columns(*, adm2: bool, url: bool) -> tuple[str, ...]:
    cols = (
        *("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"),
        *(f"Actor1{a}" for a in _ACTOR),
        *(f"Actor2{a}" for a in _ACTOR),
        *_EVENT,
        *_geo("Actor1", adm2=adm2),
        *_geo("Actor2", adm2=adm2),
        *_geo("Action", adm2=adm2),
        "DATEADDED",
    )
    return (*cols, "SOURCEURL") if url else cols


GDELT1_HISTORICAL_COLUMNS = _columns(adm2=False, url=False)
GDELT1_COLUMNS = _columns(adm2=False, url=True)
GDELT2_COLUMNS = _columns(adm2=True, url=True)
assert len(GDELT1_HISTORICAL_COLUMNS) == 57
assert len(GDELT1_COLUMNS) == 58
assert len(GDELT2_COLUMNS) == 61

_USE = (
    "GLOBALEVENTID", "SQLDATE", "Actor1CountryCode", "Actor2CountryCode", "EventCode",
    "GoldsteinScale", "NumSources", "NumArticles",
)  # fmt: skip


_NUMERIC = ("GLOBALEVENTID", "SQLDATE", "GoldsteinScale", "NumSources", "NumArticles")


def normalise(raw: pd.DataFrame) -> Normalised:
    """GDELT records -> normalised columns; the Goldstein value is the file's own."""
    # GDELT fields carry no padding, so no per-element strip: every check below runs in C
    # except the regex on codes missing from the CAMEO table.
    sqldate = raw["SQLDATE"]
    date = yyyymmdd(sqldate)
    code = raw["EventCode"]
    gold, bad_gold = numeric(raw["GoldsteinScale"])
    nsrc, bad_src = numeric(raw["NumSources"], integer=True)
    nart, bad_art = numeric(raw["NumArticles"], integer=True)
    event_id = raw["GLOBALEVENTID"]
    _, bad_id = numeric(event_id, integer=True)
    bad = first_reason(
        raw.index,
        [
            (bad_id, "bad event id", "GLOBALEVENTID", event_id),
            (date.isna(), "bad date", "SQLDATE", sqldate),
            (~valid_code(code), "bad event code", "EventCode", code),
            (bad_gold, "non-numeric field", "GoldsteinScale", raw["GoldsteinScale"]),
            (bad_src, "non-numeric field", "NumSources", raw["NumSources"]),
            (bad_art, "non-numeric field", "NumArticles", raw["NumArticles"]),
        ],
    )
    frame = pd.DataFrame(
        {
            "date": date,
            "actor": raw["Actor1CountryCode"],
            "target": raw["Actor2CountryCode"],
            "code": code,
            "goldstein": gold,
            "num_sources": nsrc.fillna(0),
            "num_articles": nart.fillna(0),
            "event_id": event_id,
        }
    )
    none = pd.Series([], index=raw.index[:0], dtype="str")
    return Normalised(frame=frame, bad=bad, skip=none, unknown_countries=none)


def _spec(name: str, label: str, columns: tuple[str, ...]) -> FormatSpec:
    # The three GDELT event layouts differ only in their columns; the fields read are the same.
    return FormatSpec(
        name=name,
        label=label,
        delimiter="\t",
        quoted=False,
        columns=columns,
        header=False,
        usecols=_USE,
        normalise=normalise,
        numeric=_NUMERIC,
    )


GDELT1_HISTORICAL = _spec(
    "gdelt1", "GDELT 1.0 events (historical, 57 columns)", GDELT1_HISTORICAL_COLUMNS
)
GDELT1 = _spec("gdelt1", "GDELT 1.0 events (58 columns)", GDELT1_COLUMNS)
GDELT2 = _spec("gdelt2", "GDELT 2.0 events (61 columns)", GDELT2_COLUMNS)
