"""The command line shows stages, red-line levers, where the margin comes from and what decides
the verdict (``assess``, ``levers``, ``simulate``, ``timeline``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdata import CLASH, STAGED

from detente.cli import main


@pytest.fixture
def staged_file(tmp_path: Path) -> Path:
    path = tmp_path / "staged.yaml"
    path.write_text(STAGED.replace("COST", "0.2"), encoding="utf-8")
    return path


@pytest.fixture
def clash_file(tmp_path: Path) -> Path:
    path = tmp_path / "clash.yaml"
    path.write_text(CLASH.replace("THETA", "70"), encoding="utf-8")
    return path


def test_assess_names_the_stage(staged_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(staged_file)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith(
        "but it cannot be signed until a referendum on the constitution is scheduled."
    )
    assert (
        lines[1] == "Stage: deal — talks can open and a deal exists, but it cannot be signed yet."
    )
    assert "Preconditions for signing not met:" in lines
    assert any(line.startswith("Where the margin comes from") for line in lines)
    assert main(["assess", str(staged_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "ripe" and data["stage"] == "deal"
    assert [q["question"] for q in data["stages"].values()] == [
        "Can talks open?",
        "Does a deal exist?",
        "Can it be signed?",
    ]
    assert data["margin_sources"]["relative_margin"] > 0


def test_levers_rank_what_decides_the_verdict(
    clash_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["levers", str(clash_file), "-n", "2000"]) == 0
    out = capsys.readouterr().out
    assert "A's red line “keeps at least 70” (threshold): 70 -> 60" in out
    assert "Red lines whose absence alone would open a zone of agreement:" in out
    assert "  1. actors.A.red_lines.0.active: 100%" in out
    assert "within sampling noise" in out  # the cost carries nothing measurable
    assert main(["levers", str(clash_file), "--json", "-n", "2000"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["decisive"]["judgments"][0]["path"] == "actors.A.red_lines.0.active"
    assert data["red_line_levers"][0]["path"] == "actors.A.red_lines.0.active"
    assert main(["levers", str(clash_file), "--json", "-n", "0"]) == 0
    assert json.loads(capsys.readouterr().out)["decisive"] is None
    assert main(["levers", str(clash_file), "-n", "-1"]) == 2


def test_simulate_gives_stage_probabilities(
    clash_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", str(clash_file), "-n", "4000", "--json", "--no-sensitivity"]) == 0
    data = json.loads(capsys.readouterr().out)
    outputs = [c["output"] for c in data["categorical"]]
    assert "stage" in outputs and "verdict" in outputs
    assert data["decisive"] is None  # --no-sensitivity skips it with the Sobol' indices
    assert main(["simulate", str(clash_file), "-n", "4000"]) == 0
    out = capsys.readouterr().out
    assert "stage over 4000 draws:" in out
    assert "What decides the verdict" in out


def test_timeline_shows_the_stage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = STAGED.replace("COST", "0.2") + (
        "timeline:\n  - date: 2024-01-01\n    set: {facts.referendum: true}\n"
        "    note: the referendum is called\n"
    )
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["timeline", str(path)]) == 0
    assert "-> ripe, stage signature (first dated change;" in capsys.readouterr().out
    assert main(["timeline", str(path), "--json"]) == 0
    point = json.loads(capsys.readouterr().out)["points"][0]
    assert point["stage"] == "signature" and point["unmet_agreement_preconditions"] == 0
