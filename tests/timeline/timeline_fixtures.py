"""Event-data fixtures written by the tests, in each real format (published column order).

The same canonical events are encoded as GDELT 1.0 (57 and 58 columns), GDELT 2.0 (61), ICEWS
(20, with header) and ACLED CSV (the subset ACLED codes: violence, protests, agreements), plus
malformed lines whose line numbers the tests know.
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from detente.timeline.events.acled import ACLED_COLUMNS
from detente.timeline.events.gdelt import GDELT1_COLUMNS, GDELT2_COLUMNS
from detente.timeline.events.icews import ICEWS_COLUMNS

NAMES = {"USA": "UNITED STATES", "RUS": "RUSSIA", "UKR": "UKRAINE", "FRA": "FRANCE", "": ""}
ICEWS_COUNTRY = {
    "USA": "United States",
    "RUS": "Russian Federation",
    "UKR": "Ukraine",
    "FRA": "France",
    "": "",
}
FIPS = {"USA": "US", "RUS": "RS", "UKR": "UP", "FRA": "FR", "": ""}


@dataclass(frozen=True)
class Ev:
    gid: int
    date: str  # YYYY-MM-DD
    actor: str
    target: str
    code: str
    goldstein: float
    sources: int
    articles: int
    acled: tuple[str, str, str, str] | None = None  # event_type, sub_event_type, actor1, actor2


EVENTS: tuple[Ev, ...] = (
    Ev(1069453012, "2022-11-09", "USA", "RUS", "036", 4.0, 3, 12),
    Ev(1069460001, "2022-11-10", "RUS", "UKR", "190", -10.0, 5, 20,
       ("Battles", "Armed clash", "Military Forces of Russia (2000-)",
        "Military Forces of Ukraine (2019-)")),
    Ev(1069470002, "2022-11-12", "", "UKR", "042", 1.9, 1, 2),
    Ev(1069480003, "2022-11-15", "UKR", "RUS", "125", -5.0, 2, 4),
    Ev(1069490004, "2022-11-23", "RUS", "UKR", "195", -10.0, 4, 9,
       ("Explosions/Remote violence", "Air/drone strike",
        "Military Forces of Russia (2000-) Air Force", "Civilians (Ukraine)")),
    Ev(1069500005, "2022-12-01", "USA", "RUS", "036", 4.0, 6, 30),
    Ev(1069510006, "2022-12-02", "RUS", "USA", "125", -5.0, 2, 3),
    Ev(1069520007, "2022-12-03", "UKR", "", "141", -6.5, 1, 1,
       ("Protests", "Peaceful protest", "Protesters (Ukraine)", "")),
    Ev(1069530008, "2022-12-05", "FRA", "UKR", "057", 8.0, 2, 2,
       ("Strategic developments", "Agreement", "Government of France (2017-)",
        "Government of Ukraine (2019-)")),
)  # fmt: skip

COMMON = ["date", "actor", "target", "code", "root", "goldstein"]


def expected(events: tuple[Ev, ...] = EVENTS) -> pd.DataFrame:
    """The normalised common columns the readers must produce for ``events``."""
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime([e.date for e in events]),
            "actor": [e.actor for e in events],
            "target": [e.target for e in events],
            "code": [e.code for e in events],
            "root": [e.code[:2] for e in events],
            "goldstein": [e.goldstein for e in events],
        }
    )
    return frame.astype({"actor": "str", "target": "str", "code": "str", "root": "str"})


def acled_events() -> tuple[Ev, ...]:
    return tuple(e for e in EVENTS if e.acled is not None)


def gdelt_fields(e: Ev, *, version: int, url: bool = True) -> list[str]:
    d = e.date.replace("-", "")
    day_of_year = pd.Timestamp(e.date).day_of_year
    actor = [
        e.actor, NAMES[e.actor], e.actor, "", "", "", "", "GOV" if e.actor else "", "", ""
    ]  # fmt: skip
    if not e.actor:
        actor[0], actor[1] = "", ""
    target = [e.target, NAMES[e.target], e.target, "", "", "", "", "", "", ""]
    quad = "1" if e.goldstein > 3 else ("4" if e.goldstein <= -9 else "3")
    event = [
        "1", e.code, e.code[:3], e.code[:2], quad, f"{e.goldstein:.1f}",
        str(e.articles), str(e.sources), str(e.articles), "-2.87356321839081",
    ]  # fmt: skip

    def geo(code: str) -> list[str]:
        if not code:
            return ["0", "", "", ""] + ([""] if version == 2 else []) + ["", "", ""]
        fips = FIPS[code]
        return (
            ["1", ICEWS_COUNTRY[code], fips, fips]
            + ([""] if version == 2 else [])
            + ["48.0", "37.0", fips]
        )

    fields = [
        str(e.gid), d, d[:6], d[:4], f"{int(d[:4]) + day_of_year / 365:.4f}",
        *actor, *target, *event, *geo(e.actor), *geo(e.target), *geo(e.target or e.actor),
        d + ("143000" if version == 2 else ""),
    ]  # fmt: skip
    if url:
        fields.append(f"https://www.example.org/news/{e.gid}.html")
    return fields


def gdelt_lines(version: int, *, url: bool = True, events: tuple[Ev, ...] = EVENTS) -> list[str]:
    return ["\t".join(gdelt_fields(e, version=version, url=url)) for e in events]


def icews_fields(e: Ev) -> list[str]:
    return [
        str(e.gid - 1069000000), e.date, NAMES[e.actor].title() or "Citizen",
        "Government", ICEWS_COUNTRY[e.actor], "Event text", e.code, f"{e.goldstein}",
        NAMES[e.target].title(), "Government" if e.target else "", ICEWS_COUNTRY[e.target],
        str(49000000 + e.gid % 1000), "1", "Reuters", "Kyiv", "", "Kyiv City", "Ukraine",
        "50.45", "30.5233",
    ]  # fmt: skip


def icews_lines(events: tuple[Ev, ...] = EVENTS) -> list[str]:
    return ["\t".join(ICEWS_COLUMNS)] + ["\t".join(icews_fields(e)) for e in events]


def acled_row(e: Ev, *, date_style: str = "iso") -> dict[str, str]:
    assert e.acled is not None
    etype, sub, a1, a2 = e.acled
    day = pd.Timestamp(e.date)
    return {
        "event_id_cnty": f"UKR{e.gid % 100000}",
        "event_date": e.date if date_style == "iso" else day.strftime("%d %B %Y"),
        "year": e.date[:4],
        "time_precision": "1",
        "disorder_type": "Political violence",
        "event_type": etype,
        "sub_event_type": sub,
        "actor1": a1,
        "assoc_actor_1": "",
        "inter1": "8",
        "actor2": a2,
        "assoc_actor_2": "",
        "inter2": "1" if a2 else "0",
        "interaction": "18",
        "civilian_targeting": "",
        "iso": "804",
        "region": "Europe",
        "country": "Ukraine",
        "admin1": "Donetsk",
        "admin2": "Bakhmutskyi",
        "admin3": "Bakhmutska",
        "location": "Bakhmut",
        "latitude": "48.5956",
        "longitude": "37.9999",
        "geo_precision": "1",
        "source": "Ukrainska Pravda; Kyiv Independent" if e.sources > 1 else "Suspilne Media",
        "source_scale": "National",
        "notes": f'On {e.date}, "forces" clashed near Bakhmut, Donetsk.\nFatalities: 0.',
        "fatalities": "0",
        "tags": "",
        "timestamp": "1670000000",
    }


def acled_text(rows: list[dict[str, str]], *, extra: list[str] | None = None) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(ACLED_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue() + "".join(x + "\n" for x in (extra or []))


def write(path: Path, text: str, *, compress: str | None = None) -> Path:
    """Write ``text`` plain, gzipped or zipped (one member named like the file)."""
    data = text.encode("utf-8")
    if compress == "gz":
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(data))
    elif compress == "zip":
        member = path.name
        path = path.with_name(path.name + ".zip")
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(member, data)
    else:
        path.write_bytes(data)
    return path


def assert_common(frame: pd.DataFrame, want: pd.DataFrame) -> None:
    got = frame.loc[:, COMMON].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want.reset_index(drop=True), check_dtype=False)


GDELT_COLUMN_COUNTS = {1: len(GDELT1_COLUMNS), 2: len(GDELT2_COLUMNS)}
