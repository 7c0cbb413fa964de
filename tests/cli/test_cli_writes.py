"""Output files of ``report``, ``chart`` and ``schema`` (issue 17 items 4 and 18).

"Never overwritten without --force" was checked before the work and the file then written with
truncation, so a file created at that path while ``report`` ran was replaced; ``-o`` to a
directory, ``/dev/full`` or a missing folder ended in a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from detente.cli import main
from tests.scenario.minimal import MINIMAL


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "minimal.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    return path


def one_error(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("detente: error: ")
    assert "Traceback" not in captured.err + captured.out
    return lines[0]


def test_report_never_replaces_a_file_created_while_it_ran(
    scenario_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import detente.briefing as briefing

    out = tmp_path / "briefing.html"
    real = briefing.render_html

    def render_while_someone_writes(*args: Any, **kwargs: Any) -> str:
        out.write_text("someone else's file", encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(briefing, "render_html", render_while_someone_writes)
    assert main(["report", str(scenario_file), "-o", str(out)]) == 2
    assert one_error(capsys) == (f"detente: error: {out}: file exists; use --force to overwrite it")
    assert out.read_text(encoding="utf-8") == "someone else's file"
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".part"] == []


def test_schema_never_replaces_a_file_created_while_it_ran(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import detente.scenario.schema as schema

    out = tmp_path / "schema.json"
    real = schema.json_schema

    def json_schema_while_someone_writes() -> dict[str, Any]:
        out.write_text("mine", encoding="utf-8")
        return real()

    monkeypatch.setattr(schema, "json_schema", json_schema_while_someone_writes)
    assert main(["schema", "-o", str(out)]) == 2
    assert "file exists" in one_error(capsys)
    assert out.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("{tmp}", "is a directory"),
        ("/dev/full", "is not a regular file"),
        ("{tmp}/minimal.yaml/out.html", "a part of the path is not a folder"),
    ],
)
@pytest.mark.parametrize("force", [False, True])
def test_report_refuses_bad_outputs_in_one_line(
    scenario_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    target: str,
    words: str,
    force: bool,
) -> None:
    path = target.replace("{tmp}", str(tmp_path))
    args = ["report", str(scenario_file), "-o", path] + (["--force"] if force else [])
    assert main(args) == 2
    line = one_error(capsys)
    assert line.startswith(f"detente: error: {path}: ") and words in line


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("{tmp}", "is a directory"),
        ("/dev/full", "is not a regular file"),
        ("{tmp}/missing/schema.json", "cannot write: no such file or folder"),
    ],
)
def test_schema_refuses_bad_outputs_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str, words: str
) -> None:
    path = target.replace("{tmp}", str(tmp_path))
    assert main(["schema", "-o", path, "--force"]) == 2
    line = one_error(capsys)
    assert line.startswith(f"detente: error: {path}: ") and words in line


@pytest.mark.parametrize("target", ["{tmp}/d.svg", "{tmp}/minimal.yaml/c.svg"])
def test_chart_refuses_bad_outputs_before_rendering(
    scenario_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    (tmp_path / "d.svg").mkdir()
    path = target.replace("{tmp}", str(tmp_path))
    assert main(["chart", str(scenario_file), "space", "-o", path, "--force"]) == 2
    line = one_error(capsys)
    assert line.startswith(f"detente: error: {path}: ")


def test_a_failed_write_leaves_no_partial_file(
    scenario_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import errno

    from detente import _files

    def full(_: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_files.os, "fsync", full)
    out = tmp_path / "out" / "briefing.html"
    assert main(["report", str(scenario_file), "-o", str(out)]) == 2
    assert one_error(capsys) == f"detente: error: {out}: cannot write: No space left on device"
    assert list((tmp_path / "out").iterdir()) == []
