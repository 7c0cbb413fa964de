"""The briefing of every flagship what-if states the verdict and ZOPA that ``assess`` states."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.briefing import build_briefing
from detente.briefing.display import margin_text
from detente.briefing.sections.gap import WhatIfs
from detente.briefing.sections.space import Space
from detente.cli import main
from detente.scenario import load
from tests.conftest import FLAGSHIP

WHAT_IFS = list(load(FLAGSHIP).what_ifs)


def _assess_json(path: Path, what_if: str, capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    assert main(["assess", str(path), "--what-if", what_if, "--json"]) == 0
    data: dict = json.loads(capsys.readouterr().out)  # type: ignore[type-arg]
    return data


def test_the_flagship_has_what_ifs_of_every_kind() -> None:
    # the agreement below would prove little over what-ifs that all say the same
    verdicts = {
        build_briefing(load(FLAGSHIP).variant(w), sections=()).summary.verdict for w in WHAT_IFS
    }
    assert {"ripe", "blocked", "not_ripe"} <= verdicts


@pytest.mark.parametrize("what_if", WHAT_IFS)
def test_briefing_and_assess_agree(what_if: str, capsys: pytest.CaptureFixture[str]) -> None:
    cli = _assess_json(FLAGSHIP, what_if, capsys)
    scenario = load(FLAGSHIP).variant(what_if)
    b = build_briefing(scenario, sections=["space"])
    s = b.summary
    assert (s.verdict, s.zopa) == (cli["verdict"], cli["zopa"])
    assert s.headline == cli["headline"]
    assert s.margin_text == margin_text(cli["margin"])
    assert s.margin_text.startswith("margin") == cli["zopa"]
    space = b.get("space", Space)
    assert space is not None and space.zopa == cli["zopa"]
    frames = space.charts["space"]
    bands = {k: f[f["layer"] == "zopa"] for k, f in frames.items()}
    caption = space.captions["space"]
    if not cli["zopa"]:
        assert all(band.empty for band in bands.values())
        assert "no ZOPA" in caption and "range of the ZOPA" not in caption
        return
    assert "no ZOPA" not in caption and "range of the ZOPA" in caption
    assert len(space.zopa_ranges) == len(scenario.issues)
    # the band of every issue holds the closest deal that assess reports
    for k, value in cli["closest_deal"].items():
        issue = scenario.issues[k]
        ((x, x2),) = bands[k][["x", "x2"]].to_numpy().tolist()
        v = float(issue.rank(value)) if isinstance(value, str) else float(value)
        assert x - 1e-6 <= v <= x2 + 1e-6, (k, value, x, x2)


def test_the_what_if_table_agrees_with_assess(capsys: pytest.CaptureFixture[str]) -> None:
    table = build_briefing(load(FLAGSHIP), sections=["whatifs"]).get("whatifs", WhatIfs)
    assert table is not None
    rows = {w.name: w for w in table.rows}
    assert list(rows) == ["(base)", *WHAT_IFS]
    for what_if in WHAT_IFS:
        cli = _assess_json(FLAGSHIP, what_if, capsys)
        row = rows[what_if]
        assert (row.verdict, row.zopa, row.margin_text) == (
            cli["verdict"],
            cli["zopa"],
            margin_text(cli["margin"]),
        )
