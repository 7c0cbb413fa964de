"""Analysis as of a date and readiness over time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from detente.scenario import load, loads
from detente.timeline.asof import as_of, change_dates, readiness_series
from tests.scenario.minimal import MINIMAL

BASE = loads(MINIMAL)
D = dt.date


def test_entries_up_to_the_date_apply_in_order_and_later_statements_are_dropped() -> None:
    before = as_of(BASE, D(2022, 11, 30))
    assert before.facts["security_commitments_offered"].value is False
    assert [s.date for s in before.statements] == [D(2022, 11, 9)]
    assert before.as_of == D(2022, 11, 30)
    on = as_of(BASE, D(2022, 12, 1))
    assert on.facts["security_commitments_offered"].value is True
    assert len(on.statements) == 2
    after = as_of(BASE, D(2022, 12, 2))
    assert after.facts["security_commitments_offered"].value is False  # the later entry wins
    # the base scenario is untouched
    assert BASE.facts["security_commitments_offered"].value is False
    assert BASE.as_of == D(2022, 12, 4)


def test_change_dates() -> None:
    assert change_dates(BASE) == (D(2022, 12, 1), D(2022, 12, 2))


def test_readiness_series_follows_the_timeline() -> None:
    series = readiness_series(BASE)
    assert [p.date for p in series.points] == [D(2022, 12, 1), D(2022, 12, 2)]
    # commitments offered on 1 December meet both parties' preconditions (RUS's through its
    # "or"), withdrawn on the 2nd; no ZOPA throughout
    assert [p.unmet_preconditions for p in series.points] == [0, 2]
    assert [p.verdict for p in series.points] == ["premature", "not_ripe"]
    assert series.points[0].changes == {"facts.security_commitments_offered": True}
    assert series.points[0].notes == ("commitments offered",)
    frame = series.to_frame()
    assert list(frame["verdict"]) == [p.verdict for p in series.points]
    assert "2022-12-02: facts.security_commitments_offered = False -> not_ripe (was premature;" in (
        series.explain()
    )
    assert series.to_dict()["points"][0]["date"] == "2022-12-01"


def test_flagship_facts_move_as_the_article_tells(flagship_path: Path) -> None:
    if not flagship_path.exists():
        pytest.skip("flagship scenario not present")
    s = load(flagship_path)
    nov30, dec1, dec2 = (as_of(s, D(2022, m, d)) for m, d in ((11, 30), (12, 1), (12, 2)))
    # Biden says he is ready to talk on 1 December; his spokespeople walk it back on the 2nd.
    assert nov30.facts["usa_ready_to_talk"].value is False
    assert dec1.facts["usa_ready_to_talk"].value is True
    assert dec2.facts["usa_ready_to_talk"].value is False
    # the EU's price cap on Russian crude and Scholz's call with Putin come on 2 December
    assert dec1.facts["eu_price_cap"].value is False
    assert dec2.facts["eu_price_cap"].value is True
    assert dec2.facts["scholz_spoke_to_putin"].value is True
    # statements: Biden's of 1 December is not yet known on 30 November
    assert max(st.date for st in nov30.statements) <= D(2022, 11, 30)
    assert any(st.date == D(2022, 12, 1) for st in dec1.statements)
    assert len(dec2.statements) > len(dec1.statements) > len(nov30.statements)


def test_timeline_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from detente.cli import main

    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert main(["timeline", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2022-12-01: commitments offered -> premature (first dated change;")
    assert main(["timeline", str(path), "--csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "date,verdict,margin,unmet_preconditions,changes,note"
    assert lines[1].startswith("2022-12-01,premature,")
    assert main(["timeline", str(path), "--json"]) == 0
    assert '"verdict": "not_ripe"' in capsys.readouterr().out
    assert main(["timeline", str(path), "--json", "--csv"]) == 2
