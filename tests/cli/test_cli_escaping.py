"""User text reaches the terminal inert (issue 17 items 11, 12, 19).

Rich markup in a title, a label or an issue name (``[/bold]``) raised ``MarkupError``,
``[link=...]`` emitted a terminal hyperlink and ``Budget [EUR]`` lost its text; control
characters reached the terminal raw.  Now text is printed as written, control characters
escaped, in plain text, Rich output, JSON and error lines.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from detente.cli import _output, main
from detente.cli import forecast as forecast_module
from detente.cli import scenario as scenario_module
from detente.cli._output import SafeConsole, print_json, write_text
from detente.errors import printable
from tests.scenario.minimal import MINIMAL

MARKUP = "Budget [EUR] [/bold] [link=https://evil.example]click[/link] [red]x :smile:"
# An issue id may be any quoted key: the one way raw control characters reach a scenario.
HOSTILE_ID = "cr\\e[2J\\e]8;;https://evil.example\\aimea"
HOSTILE_ID_TEXT = "cr\x1b[2J\x1b]8;;https://evil.example\x07imea"
# (written escaped in YAML; the loader refuses it, so these tests build the model directly)


def scenario_with(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def terminal(monkeypatch: pytest.MonkeyPatch, *modules: object) -> io.StringIO:
    """Make the CLI's console a colour terminal writing into a buffer."""
    buffer = io.StringIO()
    fake = SafeConsole(file=buffer, force_terminal=True, color_system="truecolor", width=200)
    for module in (_output, *modules):
        monkeypatch.setattr(module, "console", fake)
    return buffer


def markup_scenario() -> str:
    text = MINIMAL.replace("title: Example talks", f'title: "{MARKUP}"')
    text = text.replace("    label: Land returned", f'    label: "{MARKUP}"')
    return text.replace("    label: No ceding of most territory", '    label: "[/bold] [link"')


def hostile_id_scenario() -> str:
    text = MINIMAL.replace("  crimea:\n    label", f'  "{HOSTILE_ID}":\n    label')
    for old in ("crimea: ukrainian}", "crimea: russian}", "crimea: 0.6}"):
        text = text.replace(old, f'"{HOSTILE_ID}": {old.split(": ", 1)[1]}')
    text = text.replace("      crimea: {ukrainian", f'      "{HOSTILE_ID}": {{ukrainian')
    text = text.replace('rule: crimea == "russian"', "rule: territory <= 50")
    return text.replace("  issues.crimea.status_quo: {choice: [russian, deferred]}\n", "")


def test_printable_escapes_controls_and_keeps_text() -> None:
    assert printable("a\x1b[2Jb\x07\x00\u202e\x9b é 中 [b]") == (
        "a\\x1b[2Jb\\x07\\x00\\u202e\\x9b é 中 [b]"
    )
    assert printable("one\ntwo\tthree\r") == "one\\x0atwo\\x09three\\x0d"
    assert printable("one\ntwo\tthree\r", keep_lines=True) == "one\ntwo\tthree\\x0d"


def test_safe_console_prints_markup_as_text_and_escapes_controls() -> None:
    from rich.table import Table

    buffer = io.StringIO()
    console = SafeConsole(file=buffer, force_terminal=True, color_system="truecolor", width=300)
    console.print(MARKUP)
    table = Table(title=MARKUP)
    table.add_column(HOSTILE_ID_TEXT)
    table.add_row(MARKUP)
    console.print(table)
    out = buffer.getvalue()
    assert out.count(MARKUP) == 3
    assert "\x1b]8" not in out  # no hyperlink
    assert "\x1b[2J" not in out and "\x07" not in out
    assert "\\x1b[2J" in out


def test_show_prints_markup_as_written_in_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    buffer = terminal(monkeypatch, scenario_module)
    assert main(["show", str(scenario_with(tmp_path, markup_scenario()))]) == 0
    out = buffer.getvalue()
    assert MARKUP in out
    assert "[/bold] [link" in out
    assert "\x1b]8" not in out


def test_show_escapes_control_characters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A file cannot hold them any more (the loader refuses them, even escaped); a scenario
    # built through the Python API, or text from an event file, still can.
    from detente.scenario import Scenario, loads
    from detente.scenario.describe import describe_scenario

    data = loads(hostile_id_scenario().replace(HOSTILE_ID, "crimea")).model_dump()
    data["issues"][HOSTILE_ID_TEXT] = data["issues"].pop("crimea")
    data["actors"]["UKR"]["positions"] = {"territory": 100, HOSTILE_ID_TEXT: "ukrainian"}
    data["actors"]["UKR"]["salience"] = {"territory": 1.0, HOSTILE_ID_TEXT: 0.6}
    data["actors"]["UKR"]["values"] = {}
    scenario = Scenario.model_validate(data)
    doc = describe_scenario(scenario)
    plain = doc.to_text()
    buffer = io.StringIO()
    SafeConsole(file=buffer, force_terminal=True, width=200).print(doc.to_rich())
    for out in (plain, buffer.getvalue()):
        assert printable(HOSTILE_ID_TEXT) in out
        assert "\x1b[2J" not in out and "\x07" not in out and "\x1b]8" not in out
    print_json(scenario.model_dump(mode="json"))
    data_out = capsys.readouterr().out
    assert "\x1b" not in data_out
    assert HOSTILE_ID_TEXT in json.loads(data_out)["issues"]


def test_a_line_break_in_a_field_cannot_start_a_line() -> None:
    from detente.scenario import loads
    from detente.scenario.describe import describe_scenario

    text = MINIMAL.replace(
        "      - text: Seeks total victory.",
        '      - text: "Seeks total victory.\\ndetente: error: forged"',
    )
    out = describe_scenario(loads(text)).to_text()
    assert "\ndetente: error: forged" not in out
    assert "      detente: error: forged" in out  # continued, indented


def test_forecast_title_and_labels_print_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    buffer = terminal(monkeypatch, forecast_module)
    assert main(["forecast", str(scenario_with(tmp_path, markup_scenario()))]) == 0
    out = buffer.getvalue()
    assert "\x1b]8" not in out
    words = " ".join(re.sub("\x1b\\[[0-9;]*m", "", out).split())  # styles off, wraps joined
    assert words.count(MARKUP) == 2  # the title and the table title


def test_json_escapes_what_a_terminal_would_act_on(capsys: pytest.CaptureFixture[str]) -> None:
    print_json({"x": "a\x1b[2J\x9b\u202e\u2028b", "é": "中"})
    out = capsys.readouterr().out
    assert json.loads(out) == {"x": "a\x1b[2J\x9b\u202e\u2028b", "é": "中"}
    assert all(c not in out for c in "\x1b\x9b\u202e\u2028")
    assert "中" in out


def test_plain_text_is_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    write_text("line one\nline\x1b[31m two\r")
    assert capsys.readouterr().out == "line one\nline\\x1b[31m two\\x0d\n"


def test_error_lines_escape_the_file_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = str(tmp_path / "x\x1b[2J\ndetente: error: forged\x07.yaml")
    assert main(["check", name]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1
    assert captured.err.startswith("detente: error: ")
    assert "\\x1b[2J\\x0adetente: error: forged\\x07.yaml: no such file" in captured.err
    assert "\x1b" not in captured.out + captured.err
    assert "\n" not in captured.out.rstrip("\n")


def test_usage_errors_escape_user_values(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "x.yaml", "-n", "1\x1b[2J"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\x1b" not in err


def test_no_arguments_prints_help_without_an_error_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("Usage: detente")
    assert "detente: error" not in captured.err
    assert captured.err.strip() == ""


def test_python_warnings_do_not_reach_users(tmp_path: Path) -> None:
    path = scenario_with(tmp_path, MINIMAL)
    code = (
        "import sys, warnings\n"
        "import detente.scenario.loader as s\n"
        "real = s.load_with_source\n"
        "def load(p):\n"
        "    warnings.warn('overflow encountered in subtract', RuntimeWarning)\n"
        "    return real(p)\n"
        "s.load_with_source = load\n"
        "from detente.cli import main\n"
        "sys.exit(main(['check', sys.argv[1]]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    shown = subprocess.run(
        [sys.executable, "-W", "default", "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert "RuntimeWarning" in shown.stderr  # asked for explicitly, still shown
