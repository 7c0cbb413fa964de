"""``detente check``, ``show``, ``schema``: output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.cli import main
from tests.scenario.minimal import MINIMAL


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    return path


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(
        MINIMAL.replace("capability: 30", "capabilty: 30").replace("cost: 0.15", "cost: 2"),
        encoding="utf-8",
    )
    return path


def test_check_ok(good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(good)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{good}: ok, 3 actors (2 with a veto), 2 issues, 2 facts")


def test_check_reports_every_error_and_exits_2(
    good: Path, bad: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(good), str(bad)]) == 2
    captured = capsys.readouterr()
    assert f"{good}: ok" in captured.out
    assert f"{bad}: 2 errors" in captured.out
    err = captured.err.splitlines()
    assert len(err) == 2
    assert all(line.startswith(f"detente: error: {bad}:") for line in err)
    assert "Traceback" not in captured.err


def test_show_plain_text_when_piped(good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(good)]) == 0
    out = capsys.readouterr().out
    assert "UKR: Ukraine (party, veto; capability 30)" in out
    assert "- No ceding of most territory: territory >= 50  [art]" in out
    assert "expects territory 40 %; cost 0.15  [art]" in out
    assert '"seeking total victory"' in out
    assert "\x1b[" not in out  # no terminal escapes when piped


def test_show_json(good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(good), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["actors"]["UKR"]["no_deal"]["cost"] == 0.15


def test_schema_is_json_schema_and_never_overwrites(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].endswith("2020-12/schema")
    assert "actors" in schema["properties"]
    assert "oneOf" in schema["$defs"]["DistributionSpec"]
    target = tmp_path / "schema.json"
    target.write_text("mine", encoding="utf-8")
    assert main(["schema", "-o", str(target)]) == 2
    assert target.read_text(encoding="utf-8") == "mine"
    assert main(["schema", "-o", str(target), "--force"]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["title"].startswith("detente scenario")


def test_schema_validates_the_example(good: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from detente.scenario.schema import json_schema
    from detente.scenario.yamlio import read_yaml_text

    data = read_yaml_text(MINIMAL).data
    jsonschema.validate(json.loads(json.dumps(data, default=str)), json_schema())


def test_missing_file_is_an_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", str(tmp_path / "nope.yaml")]) == 2
    assert (
        capsys.readouterr().err.strip() == f"detente: error: {tmp_path / 'nope.yaml'}: no such file"
    )
