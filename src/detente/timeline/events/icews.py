"""ICEWS coded event data (Boschee et al., *ICEWS Coded Event Data*, Harvard Dataverse,
doi:10.7910/DVN/28075): tab-separated, 20 columns, with a header line.

Actors' countries are given as names ("Russian Federation") and mapped to ISO alpha-3 codes;
``Intensity`` is ICEWS's CAMEO-based Goldstein value and is kept as the event's value.  Each
record is one coded sentence of one story, so it counts as one source and one article.
"""

from __future__ import annotations

import pandas as pd

from detente.timeline.cameo import normalise_codes
from detente.timeline.events._checks import first_reason, numeric, parse_dates, valid_code
from detente.timeline.events._countries import names_to_iso3
from detente.timeline.events._schema import FormatSpec, Normalised

__all__ = ["ICEWS", "ICEWS_COLUMNS"]

ICEWS_COLUMNS: tuple[str, ...] = (
    "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text",
    "CAMEO Code", "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID",
    "Sentence Number", "Publisher", "City", "District", "Province", "Country", "Latitude",
    "Longitude",
)  # fmt: skip

_USE = ("Event ID", "Event Date", "Source Country", "CAMEO Code", "Intensity", "Target Country")


def normalise(raw: pd.DataFrame) -> Normalised:
    """ICEWS records -> normalised columns (country names mapped to alpha-3 codes)."""
    date = parse_dates(raw["Event Date"], ("%Y-%m-%d", "%Y%m%d", "%m/%d/%Y"))
    code_raw = raw["CAMEO Code"].str.strip()
    code = normalise_codes(code_raw)
    gold, bad_gold = numeric(raw["Intensity"])
    event_id = raw["Event ID"].str.strip()
    bad = first_reason(
        raw.index,
        [
            (event_id == "", "bad event id", "Event ID", event_id),
            (date.isna(), "bad date", "Event Date", raw["Event Date"]),
            (~valid_code(code_raw), "bad event code", "CAMEO Code", code_raw),
            (bad_gold, "non-numeric field", "Intensity", raw["Intensity"]),
        ],
    )
    src_name = raw["Source Country"].str.strip()
    tgt_name = raw["Target Country"].str.strip()
    actor = names_to_iso3(src_name)
    target = names_to_iso3(tgt_name)
    unknown = pd.concat(
        [src_name[(actor == "") & (src_name != "")], tgt_name[(target == "") & (tgt_name != "")]]
    )
    ones = pd.Series(1.0, index=raw.index)
    frame = pd.DataFrame(
        {
            "date": date,
            "actor": actor,
            "target": target,
            "code": code,
            "goldstein": gold,
            "num_sources": ones,
            "num_articles": ones,
            "event_id": event_id,
        }
    )
    none = pd.Series([], index=raw.index[:0], dtype="str")
    return Normalised(frame=frame, bad=bad, skip=none, unknown_countries=unknown)


ICEWS = FormatSpec(
    name="icews",
    label="ICEWS coded events (20 columns)",
    delimiter="\t",
    quoted=False,
    columns=ICEWS_COLUMNS,
    header=True,
    usecols=_USE,
    normalise=normalise,
    numeric=("Intensity",),
)
