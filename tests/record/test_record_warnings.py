"""The track record's warnings: outcome sources dated before the outcome, per case and sealed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from detente.cli import main
from detente.record import backtest, seal

DATA = Path(__file__).parent / "data"


def _position(path: Path, anchor: str, after: str) -> tuple[int, int]:
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == after)
    for i in range(start, len(lines)):
        if anchor in lines[i]:
            return i + 1, lines[i].index(anchor) + 1
    raise AssertionError(anchor)


def test_backtest_keeps_each_files_warnings_with_its_case(tmp_path: Path) -> None:
    for name in ("point-ripe.yaml", "talks-quarter.yaml", "open.yaml"):
        shutil.copy(DATA / name, tmp_path / name)
    quarter = tmp_path / "talks-quarter.yaml"
    result = backtest(sorted(tmp_path.glob("*.yaml")), n=64, replicates=50)
    assert not any("dated" in note for note in result.notes)  # warnings, no longer notes
    by_case = {c.case: c.warnings for c in result.cases}
    assert by_case["synthetic-point-ripe"] == ()
    warned = by_case["synthetic-talks-quarter"]
    assert [w.path for w in warned] == ["questions.signed.source", "questions.deal.source"]
    assert warned[0].message == (
        "source 'later' is dated 2020-06-01, before the outcome became known (2020-12-31); "
        "check that it reports the outcome"
    )
    assert (warned[0].file, warned[0].line, warned[0].column) == (
        str(quarter),
        *_position(quarter, "source: later", "signed:"),
    )
    assert result.warnings == warned
    data = result.to_dict()
    case = next(c for c in data["cases"] if c["case"] == "synthetic-talks-quarter")
    assert [w["path"] for w in case["warnings"]] == [
        "questions.signed.source",
        "questions.deal.source",
    ]
    assert data["skipped"] == [
        {"file": str(tmp_path / "open.yaml"), "reason": "no resolved question", "warnings": []}
    ]


def test_cli_backtest_prints_them_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(DATA / "talks-quarter.yaml", tmp_path / "q.yaml")
    assert main(["backtest", str(tmp_path), "-n", "64", "--bootstrap", "50", "--json"]) == 0
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"detente: warning: {tmp_path / 'q.yaml'}:") for line in lines)
    assert len(json.loads(captured.out)["cases"][0]["warnings"]) == 2


def test_seal_reports_the_warnings_of_the_sealed_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "open.yaml"
    text = (DATA / "open.yaml").read_text(encoding="utf-8")
    extra = "facts:\n  unused: {value: false}\nwhat_ifs:\n  w:\n    label: W\n"
    path.write_text(text + extra + "    set: {facts.unused: true}\n", encoding="utf-8")
    sealed = seal(path, ledger=tmp_path / "l.jsonl", n=16)
    assert [w.path for w in sealed.warnings] == ["what_ifs.w.set.facts.unused"]
    assert sealed.to_dict()["warnings"][0]["path"] == "what_ifs.w.set.facts.unused"
    args = ["seal", str(path), "--ledger", str(tmp_path / "m.jsonl"), "-n", "16", "--json"]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert captured.err.count("detente: warning: ") == 1
    assert len(json.loads(captured.out)["warnings"]) == 1
