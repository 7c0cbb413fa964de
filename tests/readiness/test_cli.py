"""``detente assess`` and ``detente levers``: plain-language output, JSON, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdata import BASE, edit

from detente.cli import main


@pytest.fixture
def base_file(tmp_path: Path) -> Path:
    path = tmp_path / "two.yaml"
    path.write_text(BASE, encoding="utf-8")
    return path


def test_assess_prints_a_briefing(base_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(base_file)]) == 0
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    assert first.startswith("Not ripe:")
    assert "short of its no-deal value by" in out
    assert "What would open a zone of agreement" in out
    assert "Gamma will not back talks until" in out


def test_assess_json(base_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(base_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "not_ripe"
    assert data["margin"] < 0
    assert data["levers"]


def test_assess_what_if_and_all(base_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(base_file), "--what-if", "both-hurt"]) == 0
    assert capsys.readouterr().out.startswith("Blocked:")
    assert main(["assess", str(base_file), "--all-what-ifs"]) == 0
    out = capsys.readouterr().out
    assert "What if Fighting hurts both (both-hurt): Blocked" in out
    assert "What if Guarantees offered (guarantees): Premature" in out


def test_assess_as_of(base_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(base_file), "--as-of", "2023-02-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "ripe"
    assert main(["assess", str(base_file), "--as-of", "yesterday"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_unknown_what_if(base_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(base_file), "--what-if", "both-hurts"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"detente: error: {base_file}:")
    line = BASE.splitlines().index("what_ifs:") + 1
    assert f"{base_file}:{line}:" in err
    assert "did you mean 'both-hurt'?" in err
    assert "Traceback" not in err


def test_non_linear_red_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(edit(BASE, "rule: land >= 20", "rule: land * land >= 400"), encoding="utf-8")
    assert main(["assess", str(path)]) == 2
    err = capsys.readouterr().err
    line = BASE.splitlines().index("      - rule: land >= 20") + 1
    assert f"{path}:{line}:" in err
    assert "actors.A.red_lines.0.rule" in err
    assert "linear" in err
    assert "Traceback" not in err


def test_fewer_than_two_veto_actors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "one.yaml"
    path.write_text(
        edit(
            BASE, "    role: party\n    capability: 70", "    role: stakeholder\n    capability: 70"
        ),
        encoding="utf-8",
    )
    assert main(["assess", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err
    assert "veto" in err
    assert "single_veto" in err


def test_levers_command(base_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["levers", str(base_file)]) == 0
    out = capsys.readouterr().out
    assert "Smallest single changes that would open a zone of agreement:" in out
    assert "1. " in out
    assert "guarantees_offered became true" in out
    assert main(["levers", str(base_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["levers"][0]["plausibility"] <= data["levers"][-1]["plausibility"]
