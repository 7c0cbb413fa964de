"""``detente stability FILE [--json] [--explain STATE]`` on a strategy-only file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("detente.scenario.loader")

from detente.cli import main

ELMIRA = """\
detente: 1
id: elmira
title: Elmira groundwater conflict
strategy:
  decision_makers:
    MoE:
      options:
        modify: {reversible: forward}
    UR:
      options:
        delay: {reversible: backward}
        accept: {}
        abandon: {reversible: forward}
    LG:
      options:
        insist: {}
  exactly_one: [[UR.delay, UR.accept, UR.abandon]]
  merge: ["-NNY-"]
  preferences:
    MoE: ["3", "-4", "-1", "5 iff -1"]
    UR: ["3 iff 1", "-4", "-5", "2 iff -5"]
    LG: {ranking: [NNYNY, NNYNN, NYNNY, NYNNN, YNYNY, YYNNY, YNYNN, YYNNN, "-NNY-"]}
  status_quo: NYNNN
  coalitions: [[MoE, UR]]
"""


@pytest.fixture
def elmira_file(tmp_path: Path) -> Path:
    path = tmp_path / "elmira.yaml"
    path.write_text(ELMIRA)
    return path


def test_json_output_has_the_documented_shape(
    elmira_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["stability", str(elmira_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {
        "options",
        "states",
        "stability",
        "equilibria",
        "status_quo",
        "coalitions",
        "warnings",  # the scenario's (docs/warnings.md)
    }
    assert data["warnings"] == []
    assert data["options"] == ["MoE.modify", "UR.delay", "UR.accept", "UR.abandon", "LG.insist"]
    assert data["states"][0] == {"id": 1, "pattern": "NYNNN", "decimal": [2]}
    assert data["states"][4] == {"id": 5, "pattern": "-NNY-", "decimal": [8, 9, 24, 25]}
    ids = {s["pattern"]: s["id"] for s in data["states"]}
    assert set(data["equilibria"]["nash"]) == {ids["NYNNY"], ids["YNYNY"], ids["-NNY-"]}
    assert set(data["stability"]["nash"]) == {"MoE", "UR", "LG"}
    assert data["status_quo"]["paths"] == [[ids["NYNNN"], ids["NYNNY"], ids["YNYNY"]]]
    assert data["coalitions"][0]["unstable_equilibria"]["nash"] == [ids["NYNNY"]]


def test_table_and_summary(elmira_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stability", str(elmira_file)]) == 0
    out = capsys.readouterr().out
    assert "NYNNY" in out and "SEQ" in out
    assert "Path to an equilibrium: 1 -> 6 (by LG) -> 9 (by MoE+UR)" in out


def test_explain_a_state(elmira_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stability", str(elmira_file), "--explain", "NYNNN"]) == 0
    out = capsys.readouterr().out
    assert "LG can improve unilaterally to state 6 (NYNNY)" in out
    assert "GMR: the move to state 6 (NYNNY) is sanctioned" in out
    assert "SEQ: the move to state 6 (NYNNY) is not sanctioned" in out


def test_errors_are_reported_with_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(ELMIRA.replace('["3", "-4"', '["UR.acept", "-4"'))
    assert main(["stability", str(path)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml:20:" in err
    assert "strategy.preferences.MoE.0" in err and "did you mean 'UR.accept'" in err
    assert "Traceback" not in err


def test_bad_explain_state(elmira_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stability", str(elmira_file), "--explain", "42"]) == 2
    assert "numbered 1..9" in capsys.readouterr().err


def test_engine_refusals_name_the_file_and_the_strategy_line(
    elmira_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # over --max-states: refused by the engine after the file loaded; `strategy:` is line 4
    assert main(["stability", str(elmira_file), "--max-states", "5"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"detente: error: {elmira_file}:4:1: strategy: the strategy has 9 ")
    assert "more than max_states = 5" in err and "Traceback" not in err
    assert main(["stability", str(elmira_file), "--concept", "nsh"]) == 2
    err = capsys.readouterr().err  # an option of the command, not a place in the file
    assert err.startswith("detente: error: --concept: unknown solution concept 'nsh'")


def test_the_strategy_is_compiled_once(
    elmira_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from detente.scenario.strategy import _compile

    compiled = []
    build = _compile._merge  # called once per compilation that builds the states
    monkeypatch.setattr(_compile, "_merge", lambda *a: compiled.append(1) or build(*a))
    assert main(["stability", str(elmira_file), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["equilibria"]["nash"]
    assert len(compiled) == 1  # by the loader's check; the engine reuses it
    # a lower limit than the conflict's size is checked again, not taken from the cache
    assert main(["stability", str(elmira_file), "--max-states", "8"]) == 2
    assert "more than max_states = 8" in capsys.readouterr().err
