"""``detente report`` and ``detente chart`` through :func:`detente.cli.main`."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.cli import main
from tests.scenario.minimal import MINIMAL


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "minimal.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    return path


def test_report_writes_html_and_refuses_to_overwrite(
    scenario_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sub" / "briefing.html"
    assert main(["report", str(scenario_file), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "Example talks" in text
    assert 'data-chart="space"' in text
    assert "wrote" in capsys.readouterr().out
    before = out.stat().st_mtime_ns
    assert main(["report", str(scenario_file), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("detente: error: ") and "--force" in err
    assert out.stat().st_mtime_ns == before
    assert main(["report", str(scenario_file), "-o", str(out), "--force"]) == 0


def test_report_as_of_and_bad_date(
    scenario_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "b.html"
    assert main(["report", str(scenario_file), "-o", str(out), "--as-of", "2022-12-01"]) == 0
    assert "as of 2022-12-01" in out.read_text(encoding="utf-8")
    assert main(["report", str(scenario_file), "-o", str(out), "--as-of", "1 Dec", "--force"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_report_of_a_broken_file_is_an_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL.replace("capability: 30", "capability: -3"), encoding="utf-8")
    assert main(["report", str(bad), "-o", str(tmp_path / "x.html")]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml:" in err and "Traceback" not in err
    assert not (tmp_path / "x.html").exists()


@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_chart_exports(scenario_file: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"shortfalls{suffix}"
    assert main(["chart", str(scenario_file), "shortfalls", "-o", str(out)]) == 0
    data = out.read_bytes()
    if suffix == ".svg":
        assert data.lstrip().startswith(b"<svg") and b"Shortfalls" in data
    else:
        assert data.startswith(b"\x89PNG")
    assert main(["chart", str(scenario_file), "shortfalls", "-o", str(out)]) == 2
    assert out.read_bytes() == data
    assert main(["chart", str(scenario_file), "shortfalls", "-o", str(out), "--force"]) == 0


def test_chart_errors(
    scenario_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["chart", str(scenario_file), "spcae", "-o", str(tmp_path / "a.svg")]) == 2
    assert "did you mean 'space'" in capsys.readouterr().err
    assert main(["chart", str(scenario_file), "space", "-o", str(tmp_path / "a.pdf")]) == 2
    assert ".png or .svg" in capsys.readouterr().err
    assert main(["chart", str(scenario_file), "graph", "-o", str(tmp_path / "g.svg")]) == 2
    assert "no strategy section" in capsys.readouterr().err
    assert not (tmp_path / "g.svg").exists()
