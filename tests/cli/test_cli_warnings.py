"""Warnings on the command line: once on standard error, in every --json, never an exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.cli import main
from tests.scenario.minimal import MINIMAL

# MINIMAL with two warnings: a fact nothing reads set by the what-if, and a red line of RUS that
# every outcome meets.
WARNED = MINIMAL.replace(
    "  sanctions_tightened: {value: true}\n",
    "  sanctions_tightened: {value: true}\n  rain: {value: false}\n",
).replace(
    "      facts.security_commitments_offered: true\n",
    "      facts.security_commitments_offered: true\n      facts.rain: true\n",
)
WARNED = WARNED.replace(
    '      - rule: crimea == "russian"\n', '      - rule: crimea >= "russian"\n'
)
STRATEGY = """\
strategy:
  decision_makers:
    UKR:
      options:
        fight: {}
    RUS:
      options:
        withdraw: {}
  preferences:
    UKR: [UKR.fight]
    RUS: [-RUS.withdraw]
"""


def _lines(text: str) -> list[tuple[int, int]]:
    return [
        (i + 1, line.index(key) + 1)
        for i, line in enumerate(text.splitlines())
        for key in ("facts.rain: true", 'rule: crimea >= "russian"')
        if key in line
    ]


@pytest.fixture
def warned(tmp_path: Path) -> Path:
    path = tmp_path / "warned.yaml"
    path.write_text(WARNED, encoding="utf-8")
    return path


def _expected(path: Path) -> list[str]:
    (red, _), (rain, _) = sorted(_lines(WARNED))
    return [
        f"detente: warning: {path}:{red}:9: actors.RUS.red_lines.0.rule: every outcome meets "
        "this red line of 'RUS': it excludes nothing within the issues' ranges",
        f"detente: warning: {path}:{rain}:7: what_ifs.pressure.set.facts.rain: nothing reads "
        "fact 'rain': no precondition uses it",
    ]


def test_check_prints_the_warnings_and_exits_0(
    warned: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(warned)]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith(f"{warned}: ok (2 warnings), 3 actors")
    assert captured.err.splitlines() == _expected(warned)


@pytest.mark.parametrize(
    "argv",
    [
        ["assess"],
        ["assess", "--all-what-ifs"],
        ["assess", "--what-if", "pressure"],
        ["levers"],
        ["forecast", "-m", "mean"],
        ["timeline"],
        ["simulate", "-n", "64", "--no-sensitivity"],
        ["signals"],
    ],
)
def test_every_json_output_lists_the_warnings_and_stderr_says_them_once(
    argv: list[str], warned: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, str(warned), "--json"]) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == _expected(warned)
    data = json.loads(captured.out)
    expected = [line.split(": ", 2)[2] for line in _expected(warned)]
    got = [
        f"{w['file']}:{w['line']}:{w['column']}: {w['path']}: {w['message']}"
        for w in data["warnings"]
    ]
    assert got == expected
    assert set(data["warnings"][0]) == {"file", "line", "column", "path", "message"}


def test_simulate_all_what_ifs_keeps_them_in_each_result(
    warned: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["simulate", str(warned), "-n", "32", "--no-sensitivity", "--all-what-ifs", "--json"]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == _expected(warned)  # printed once
    data = json.loads(captured.out)
    assert set(data) == {"base", "pressure"}
    assert all(len(r["warnings"]) == 2 for r in data.values())


def test_stability_json_and_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(WARNED + STRATEGY, encoding="utf-8")
    assert main(["stability", str(path), "--json"]) == 0
    captured = capsys.readouterr()
    assert len(captured.err.splitlines()) == 2
    assert len(json.loads(captured.out)["warnings"]) == 2
    assert main(["stability", str(path)]) == 0
    assert len(capsys.readouterr().err.splitlines()) == 2


def test_as_of_before_the_scenario_is_a_warning(
    warned: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", str(warned), "--as-of", "2022-11-30", "--json"]) == 0
    captured = capsys.readouterr()
    paths = [w["path"] for w in json.loads(captured.out)["warnings"]]
    assert paths == [
        "as_of",
        "actors.RUS.red_lines.0.rule",
        "timeline.0.date",
        "what_ifs.pressure.set.facts.rain",
    ]
    assert "--as-of 2022-11-30 is before the scenario's as_of (2022-12-04)" in captured.err


def test_text_output_and_show_print_them_on_stderr_only(
    warned: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (["assess"], ["show"], ["show", "--json"], ["forecast", "-m", "median"]):
        assert main([*argv, str(warned)]) == 0
        captured = capsys.readouterr()
        assert captured.err.splitlines() == _expected(warned), argv
        assert "detente: warning" not in captured.out
    # show --json prints the scenario itself: no warnings key in it
    assert main(["show", str(warned), "--json"]) == 0
    assert "warnings" not in json.loads(capsys.readouterr().out)


def test_a_clean_scenario_prints_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "clean.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert main(["assess", str(path), "--json"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert json.loads(captured.out)["warnings"] == []


def test_warnings_are_escaped_like_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "evil\x1b[2J.yaml"
    path.write_text(WARNED, encoding="utf-8")
    assert main(["check", str(path)]) == 0
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b[2J" in err
    assert all(line.startswith("detente: warning: ") for line in err.splitlines())
