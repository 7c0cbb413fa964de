"""Readiness over time: the readiness series and the timeline command."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from detente.scenario import loads
from detente.timeline import readiness_series
from tests.scenario.minimal import MINIMAL

BASE = loads(MINIMAL)
D = dt.date


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
    assert [p.stage for p in series.points] == ["talks", "none"]
    assert (
        "2022-12-02: facts.security_commitments_offered = False -> not_ripe, stage none "
        "(was premature;"
    ) in series.explain()
    assert series.to_dict()["points"][0]["date"] == "2022-12-01"


def test_timeline_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from detente.cli import main

    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert main(["timeline", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "2022-12-01: commitments offered -> premature, stage talks (first dated change;"
    )
    assert main(["timeline", str(path), "--csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "date,verdict,margin,unmet_preconditions,changes,note,stage"
    assert lines[1].startswith("2022-12-01,premature,")
    assert main(["timeline", str(path), "--json"]) == 0
    assert '"verdict": "not_ripe"' in capsys.readouterr().out
    assert main(["timeline", str(path), "--json", "--csv"]) == 2
