"""Stance signals: statements -> events -> rolling NRI and mean Goldstein, against brute force."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.errors import InputError
from detente.timeline.cameo import COOPERATIVE_CODES, GOLDSTEIN, REJECTING_CODES
from detente.timeline.events import EVENT_COLUMNS
from detente.timeline.signals import (
    SignalsReport,
    StanceSignals,
    stance_signals,
    statement_events,
)


@dataclass(frozen=True)
class Stmt:
    """A stand-in with the attributes of ``detente.scenario.Statement``."""

    date: dt.date
    actor: str
    target: str | None
    stance: str
    cameo: str | None = None


D = dt.date
STATEMENTS = [
    Stmt(D(2022, 11, 9), "USA", "RUS", "open"),
    Stmt(D(2022, 11, 15), "UKR", None, "conditional"),
    Stmt(D(2022, 12, 1), "USA", "RUS", "conditional", "036"),
    Stmt(D(2022, 12, 2), "USA", "RUS", "reject"),
    Stmt(D(2022, 12, 2), "TUR", "RUS", "mediate"),
]


def test_statement_events_table() -> None:
    ev = statement_events(STATEMENTS, source_file="s.yaml")
    assert list(ev.columns) == list(EVENT_COLUMNS)
    assert ev["code"].tolist() == ["036", "030", "036", "125", "039"]
    assert ev["goldstein"].tolist() == [4.0, 4.0, 4.0, -5.0, 5.0]
    assert ev["target"].tolist() == ["RUS", "", "RUS", "RUS", "RUS"]
    assert ev["source_line"].tolist() == [1, 2, 3, 4, 5]
    assert (ev["source_format"] == "statement").all()
    assert len(statement_events(STATEMENTS, as_of=D(2022, 12, 1))) == 3
    assert statement_events([]).empty


def test_statement_errors_name_the_statement() -> None:
    with pytest.raises(InputError, match=r"statements\[1\]\.stance.*did you mean 'open'"):
        statement_events([STATEMENTS[0], Stmt(D(2022, 1, 1), "USA", None, "opne")])
    with pytest.raises(InputError, match=r"statements\[0\]\.cameo.*unknown CAMEO"):
        statement_events([Stmt(D(2022, 1, 1), "USA", None, "open", "99")])


def test_the_article_path_of_us_readiness() -> None:
    # Milley's window (9 Nov), Biden ready to talk (1 Dec), walked back (2 Dec).
    sig = stance_signals(statement_events(STATEMENTS), window="30D")
    usa = sig.by_actor.set_index("date").loc[lambda f: f["actor"] == "USA"]
    assert usa.loc["2022-11-30", "nri"] == pytest.approx(0.5)  # one intent to negotiate
    assert usa.loc["2022-12-01", "nri"] == pytest.approx(2 / 3)  # two
    assert usa.loc["2022-12-02", "nri"] == pytest.approx(1 / 4)  # two, one rejection
    assert usa.loc["2022-12-02", "mean_goldstein"] == pytest.approx(1.0)
    # The 9 Nov statement leaves the 30-day window on 9 Dec.
    late = stance_signals(statement_events(STATEMENTS), window="30D", until="2022-12-09")
    assert late.as_of("2022-12-09").set_index("actor").loc["USA", "events"] == 2
    pair = sig.as_of("2022-12-02", level="pair").set_index(["actor", "target"])
    assert pair.loc[("TUR", "RUS"), "nri"] == pytest.approx(0.5)
    assert "UKR" not in set(sig.by_pair["actor"])  # no target: actor series only
    assert "USA: NRI +0.25" in sig.explain()
    with pytest.raises(InputError, match="compute them with until"):
        sig.as_of("2023-01-01")


def test_window_must_be_whole_days() -> None:
    ev = statement_events(STATEMENTS)
    for bad in ("30", "1h", "abc", "-3D"):
        with pytest.raises(InputError, match="whole number of days"):
            stance_signals(ev, window=bad)


def test_missing_columns_and_empty_input() -> None:
    with pytest.raises(InputError, match="lacks the column"):
        stance_signals(pd.DataFrame({"date": []}))
    empty = stance_signals(statement_events([]))
    assert empty.by_actor.empty
    assert "No stance signals" in empty.explain()
    assert empty.to_dict()["by_actor"] == []


def test_actor_filter_and_weighting() -> None:
    ev = statement_events(STATEMENTS)
    ev.loc[ev["code"] == "125", "weight"] = 3.0
    sig = stance_signals(ev, actors=["usa"])
    assert set(sig.by_actor["actor"]) == {"USA"}
    last = sig.latest().iloc[0]
    assert last["rejecting"] == 3.0
    assert last["nri"] == pytest.approx((2 - 3) / (2 + 3 + 1))
    flat = stance_signals(ev, actors=["USA"], weighted=False).latest().iloc[0]
    assert flat["nri"] == pytest.approx(0.25)


def test_result_shapes() -> None:
    sig = stance_signals(statement_events(STATEMENTS))
    frame = sig.to_frame()
    assert set(frame["level"]) == {"actor", "pair"}
    data = sig.to_dict()
    assert data["window"] == "30D"
    assert data["latest"][0]["date"] == "2022-12-02"
    report = SignalsReport(series={"statements": sig})
    assert "origin" in report.to_frame().columns
    assert report.to_dict()["series"]["statements"]["weighted"] is True
    assert "From statements" in report.explain()
    with pytest.raises(AttributeError):
        sig.window = "7D"  # type: ignore[misc]


ACTORS = ["RUS", "UKR", "USA"]
CODES = sorted(COOPERATIVE_CODES | REJECTING_CODES | {"010", "042", "190", "141"})


@st.composite
def event_tables(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(min_value=1, max_value=12))
    rows = []
    for _ in range(n):
        code = draw(st.sampled_from(CODES))
        rows.append(
            {
                "date": pd.Timestamp("2022-11-01") + pd.Timedelta(days=draw(st.integers(0, 40))),
                "actor": draw(st.sampled_from(ACTORS)),
                "target": draw(st.sampled_from(["", *ACTORS])),
                "code": code,
                "goldstein": GOLDSTEIN[code],
                "weight": float(draw(st.integers(1, 4))),
            }
        )
    return pd.DataFrame(rows)


def _brute(ev: pd.DataFrame, keys: list[str], window: int, weighted: bool) -> dict[Any, Any]:
    """For every group and day from the first to the last event: the window's NRI and mean."""
    out: dict[Any, Any] = {}
    first, last = ev["date"].min(), ev["date"].max()
    records = ev.to_dict(orient="records")
    groups = {tuple(r[k] for k in keys) for r in records}
    for g in groups:
        day = first
        while day <= last:
            c = r = w_sum = gw = 0.0
            n = 0
            for e in records:
                if tuple(e[k] for k in keys) != g:
                    continue
                if not (day - pd.Timedelta(days=window) < e["date"] <= day):
                    continue
                w = e["weight"] if weighted else 1.0
                n += 1
                w_sum += w
                gw += w * e["goldstein"]
                c += w * (e["code"] in COOPERATIVE_CODES)
                r += w * (e["code"] in REJECTING_CODES)
            if n:
                out[(*g, day)] = (n, (c - r) / (c + r + 1), gw / w_sum)
            day += pd.Timedelta(days=1)
    return out


def _ours(sig: StanceSignals, level: str) -> dict[Any, Any]:
    frame = sig.by_actor if level == "actor" else sig.by_pair
    keys = ["actor"] if level == "actor" else ["actor", "target"]
    return {
        (*(row[k] for k in keys), row["date"]): (row["events"], row["nri"], row["mean_goldstein"])
        for row in frame.to_dict(orient="records")
    }


@settings(max_examples=25)
@given(ev=event_tables(), window=st.integers(1, 15), weighted=st.booleans())
def test_rolling_indices_match_brute_force(ev: pd.DataFrame, window: int, weighted: bool) -> None:
    sig = stance_signals(ev, window=f"{window}D", weighted=weighted)
    for level, keys, table in (
        ("actor", ["actor"], ev),
        ("pair", ["actor", "target"], ev.loc[ev["target"] != ""]),
    ):
        want = _brute(table, keys, window, weighted) if len(table) else {}
        got = _ours(sig, level)
        # Pairs run to the last event of any pair, so compare on the brute-force range.
        got = {k: v for k, v in got.items() if k in want or k[-1] <= table["date"].max()}
        assert got.keys() == want.keys()
        for k, (n, nri, gold) in want.items():
            assert got[k][0] == n
            assert math.isclose(got[k][1], nri, abs_tol=1e-12)
            assert math.isclose(got[k][2], gold, abs_tol=1e-9)
            assert -1.0 < got[k][1] < 1.0
