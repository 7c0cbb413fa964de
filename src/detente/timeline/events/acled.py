"""ACLED (Armed Conflict Location & Event Data; Raleigh et al. 2010, *Journal of Peace Research*
47(5)) CSV exports, read by their header's column names.

ACLED does not code CAMEO events.  Its event types and sub-event types (ACLED Codebook 2023,
section 2) are mapped to the closest CAMEO 1.1b3 code, sub-event type first, else event type:

=================================  =====  =============================================
ACLED (sub-)event type             CAMEO  CAMEO label
=================================  =====  =============================================
Armed clash                        190    Use conventional military force
Government regains territory       192    Occupy territory
Non-state actor overtakes territ.  192    Occupy territory
Air/drone strike                   195    Employ aerial weapons
Shelling/artillery/missile attack  194    Fight with artillery and tanks
Suicide bomb                       1831   Carry out suicide bombing
Remote explosive/landmine/IED      183    Non-military bombing
Grenade                            183    Non-military bombing
Chemical weapon                    2041   Use chemical, biological or radiological weapons
Sexual violence                    1821   Sexually assault
Attack                             180    Use unconventional violence
Abduction/forced disappearance     181    Abduct, hijack, or take hostage
Peaceful protest                   141    Demonstrate or rally
Protest with intervention          141    Demonstrate or rally
Excessive force against protesters 175    Use tactics of violent repression
Violent demonstration              145    Protest violently, riot
Mob violence                       145    Protest violently, riot
Agreement                          057    Sign formal agreement
Arrests                            173    Arrest, detain
Disrupted weapons use              1711   Confiscate property
Headquarters or base established   154    Mobilize or increase armed forces
Looting/property destruction       171    Seize or damage property
Non-violent transfer of territory  192    Occupy territory
Battles (type)                     190
Explosions/Remote violence (type)  190
Violence against civilians (type)  180
Protests (type)                    140
Riots (type)                       145
=================================  =====  =============================================

"Change to group/activity" and "Other" strategic developments have no CAMEO equivalent: they are
skipped and counted in the read report.  Goldstein values come from the CAMEO table.

Actors' countries are read from ACLED's actor labels ("Military Forces of Russia (2000-)" ->
RUS, "Protesters (Ukraine)" -> UKR); a generic domestic label without a country ("Protesters",
"Police Forces") takes the event's country (``iso``, ISO 3166 numeric, else ``country``).  The
number of sources is the number of ``;``-separated entries of ``source``.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from detente.timeline.cameo import goldstein_values
from detente.timeline.events._checks import first_reason, numeric, parse_dates
from detente.timeline.events._countries import names_to_iso3, numeric_to_iso3
from detente.timeline.events._schema import FormatSpec, Normalised

__all__ = ["ACLED_COLUMNS", "ACLED_REQUIRED", "EVENT_TYPE_CODES", "SUB_EVENT_CODES", "acled_spec"]

#: Column order of ACLED's current exports (API and data export tool, 2023-).
ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip

ACLED_REQUIRED: tuple[str, ...] = (
    "event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "actor2", "country",
)  # fmt: skip

SUB_EVENT_CODES: Final[dict[str, str]] = {
    "armed clash": "190",
    "government regains territory": "192",
    "non-state actor overtakes territory": "192",
    "air/drone strike": "195",
    "shelling/artillery/missile attack": "194",
    "suicide bomb": "1831",
    "remote explosive/landmine/ied": "183",
    "grenade": "183",
    "chemical weapon": "2041",
    "sexual violence": "1821",
    "attack": "180",
    "abduction/forced disappearance": "181",
    "peaceful protest": "141",
    "protest with intervention": "141",
    "excessive force against protesters": "175",
    "violent demonstration": "145",
    "mob violence": "145",
    "agreement": "057",
    "arrests": "173",
    "disrupted weapons use": "1711",
    "headquarters or base established": "154",
    "looting/property destruction": "171",
    "non-violent transfer of territory": "192",
}
EVENT_TYPE_CODES: Final[dict[str, str]] = {
    "battles": "190",
    "explosions/remote violence": "190",
    "remote violence": "190",
    "violence against civilians": "180",
    "protests": "140",
    "riots": "145",
    "riots/protests": "140",
    "headquarters or base established": "154",
    "non-violent transfer of territory": "192",
    "battle-no change of territory": "190",
    "battle-government regains territory": "192",
    "battle-non-state actor overtakes territory": "192",
}
#: Sub-event types that are known but carry no CAMEO event.
NO_CAMEO: Final[frozenset[str]] = frozenset({"change to group/activity", "other"})

_GENERIC = r"^(?:Protesters|Rioters|Civilians|Police Forces|Military Forces|Government)\b"
_USE = (
    "event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "actor2", "iso",
    "country", "source", "fatalities",
)  # fmt: skip


def _actor_country(label: pd.Series, event_country: pd.Series) -> pd.Series:
    """Country code named in an ACLED actor label ("" for an actor of no country)."""
    label = label.str.strip()
    of = names_to_iso3(label.str.extract(r"\bof ([^()]+?)\s*(?:\(|$)", expand=False).fillna(""))
    paren = names_to_iso3(label.str.extract(r"\(([^()]+)\)", expand=False).fillna(""))
    whole = names_to_iso3(label)
    out = of.where(of != "", paren.where(paren != "", whole))
    generic = label.str.contains(_GENERIC, regex=True) & (out == "")
    return out.where(~generic, event_country)


def normalise(raw: pd.DataFrame) -> Normalised:
    """ACLED records -> normalised columns with CAMEO codes mapped from the event types."""
    date = parse_dates(raw["event_date"], ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%m/%d/%Y"))
    sub = raw["sub_event_type"].str.strip().str.lower()
    etype = raw["event_type"].str.strip().str.lower()
    code = sub.map(SUB_EVENT_CODES).fillna(etype.map(EVENT_TYPE_CODES)).fillna("").astype(str)
    if "fatalities" in raw:
        _, bad_fat = numeric(
            raw["fatalities"].where(raw["fatalities"].str.strip() != "", "0"), integer=True
        )
        fat = raw["fatalities"]
    else:
        bad_fat = pd.Series(False, index=raw.index)
        fat = bad_fat.astype(str)
    event_id = raw["event_id_cnty"].str.strip()
    bad = first_reason(
        raw.index,
        [
            (event_id == "", "bad event id", "event_id_cnty", event_id),
            (date.isna(), "bad date", "event_date", raw["event_date"]),
            (bad_fat, "non-numeric field", "fatalities", fat),
        ],
    )
    no_code = code == ""
    label = raw["sub_event_type"].where(raw["sub_event_type"].str.strip() != "", raw["event_type"])
    skip = ("no CAMEO equivalent for '" + label[no_code].str.strip() + "'").astype("str")
    country = names_to_iso3(raw["country"])
    if "iso" in raw:
        by_iso = numeric_to_iso3(raw["iso"])
        country = by_iso.where(by_iso != "", country)
    if "source" in raw:
        src = raw["source"].str.strip()
        nsrc = (src.str.count(";") + 1).where(src != "", 1).astype("float64")
    else:
        nsrc = pd.Series(1.0, index=raw.index)
    frame = pd.DataFrame(
        {
            "date": date,
            "actor": _actor_country(raw["actor1"], country),
            "target": _actor_country(raw["actor2"], country),
            "code": code,
            "goldstein": goldstein_values(code),
            "num_sources": nsrc,
            "num_articles": nsrc,
            "event_id": event_id,
        }
    )
    unknown = raw["country"].str.strip()[(country == "") & (raw["country"].str.strip() != "")]
    return Normalised(frame=frame, bad=bad, skip=skip, unknown_countries=unknown)


def acled_spec(header: tuple[str, ...]) -> FormatSpec:
    """The reader of an ACLED file with this header line."""
    return FormatSpec(
        name="acled",
        label=f"ACLED CSV ({len(header)} columns)",
        delimiter=",",
        quoted=True,
        columns=header,
        header=True,
        usecols=tuple(c for c in _USE if c in header),
        normalise=normalise,
    )
