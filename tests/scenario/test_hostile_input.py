"""Hostile scenario files (issue 17): one error line with its position, exit 2, bounded time.

Each case is what an attacker (or an unlucky analyst) would write.  Cases that crashed or hung
the process before these fixes run in a subprocess with a timeout and a memory cap, so that a
regression fails the test instead of taking the test run down with it.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import textwrap
import threading
import warnings
from pathlib import Path

import pytest

from detente.cli import main
from detente.errors import ScenarioError
from detente.scenario import loads
from detente.scenario import yamlio as yamlio_module
from detente.scenario.limits import MAX_DATE, MAX_YAML_DEPTH, MIN_DATE
from tests.scenario.minimal import MINIMAL


def replace(old: str, new: str, text: str = MINIMAL) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def errors_of(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        loads(text, filename="s.yaml")
    return [str(d) for d in info.value.diagnostics()]


def position(text: str, anchor: str) -> str:
    """``LINE:COL`` of the first ``anchor`` in ``text``."""
    offset = text.index(anchor)
    line = text.count("\n", 0, offset) + 1
    return f"{line}:{offset - text.rfind(chr(10), 0, offset)}"


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``detente ARGS`` in a fresh interpreter, under a 2 GiB address-space cap."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))

    code = "import sys; from detente.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=cap,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": ""},
    )


def one_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("detente: error: ")
    return lines[0]


# ---------------------------------------------------------------- item 1: '#' in a rule
def test_hash_in_a_rule_is_refused_at_its_column_not_dropped() -> None:
    # Quoted, the '#' is part of the rule's text (show and the briefing print all of it); the
    # expression parser used to read it as a Python comment and enforce 'territory >= 50' only.
    rule = '"territory >= 50 # and territory <= 10"'
    text = replace("rule: territory >= 50", f"rule: {rule}")
    (error,) = errors_of(text)
    where = position(text, "# and")
    assert error.startswith(f"s.yaml:{where}: actors.UKR.red_lines.0.rule: '#'")
    assert "the rest of the rule would be ignored" in error


def test_adjacent_strings_are_not_joined() -> None:
    # Python joins "rus" "sian" into "russian": a rule that reads as two strings would be
    # enforced as one.
    text = replace('rule: crimea == "russian"', "rule: crimea == \"rus\" 'sian'")
    (error,) = errors_of(text)
    assert "two strings in a row" in error


def test_a_name_python_would_fold_is_refused() -> None:
    text = replace("rule: territory >= 50", "rule: ｔerritory >= 50")
    (error,) = errors_of(text)
    assert "would be read as 'territory'" in error


@pytest.mark.parametrize(
    ("rule", "words", "column"),
    [
        ("territory >= 50and crimea", "runs into a word", 16),
        ('crimea == "rus\\sian"', "unknown escape '\\\\s' in a string", 15),
        ("territory > 1 $ 2", "'$' is not part of the rule language", 15),
    ],
)
def test_what_python_would_read_with_a_warning_is_refused(
    rule: str, words: str, column: int
) -> None:
    from detente.scenario.expr import ExprError, parse

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning would surface as an exception here
        with pytest.raises(ExprError) as info:
            parse(rule)
    assert words in info.value.message
    assert info.value.column == column


def test_valid_escapes_still_read() -> None:
    from detente.scenario.expr import Str, parse

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tree = parse('crimea == "a\\"b\\\\c\\u00e9"')
    assert tree.operands[1] == Str('a"b\\cé')  # type: ignore[union-attr]


# ---------------------------------------------------------------- item 5: deep YAML
def test_yaml_nested_30000_deep_is_refused_before_composing(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(MINIMAL + "description: " + "[" * 30_000 + "]" * 30_000 + "\n")
    error = one_error(run_cli("check", str(path)))
    assert f"nesting deeper than {MAX_YAML_DEPTH} levels is refused" in error
    assert f"{path}:{MINIMAL.count(chr(10)) + 1}:" in error  # the line of the deep value


def test_deep_block_nesting_is_refused_too() -> None:
    deep = "".join(f"{' ' * i}k{i}:\n" for i in range(60)) + " " * 60 + "x: 1\n"
    with pytest.raises(ScenarioError, match="nesting deeper than 50 levels"):
        yamlio_module.read_yaml_text(deep)


# ---------------------------------------------------------------- item 6: devices and FIFOs
def test_dev_zero_is_cut_at_the_byte_limit() -> None:
    error = one_error(run_cli("check", "/dev/zero"))
    assert error == (
        "detente: error: /dev/zero: more than 10 MiB read; scenario files over 10 MiB are refused"
    )


def test_a_fifo_nobody_writes_to_times_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    monkeypatch.setattr(yamlio_module, "READ_TIMEOUT", 0.3)
    done: list[int] = []
    worker = threading.Thread(target=lambda: done.append(main(["check", str(fifo)])))
    worker.start()
    worker.join(timeout=20)
    if worker.is_alive():  # unblock the reader before failing: a writer opens and closes
        with open(fifo, "w"):
            pass
        worker.join()
        pytest.fail("reading a FIFO without a writer blocked")
    assert done == [2]
    assert "no end of input within 0.3 s" in capsys.readouterr().err


def test_a_pipe_with_a_writer_is_read(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "w", encoding="utf-8") as out:
            out.write(MINIMAL)

    writer = threading.Thread(target=write)
    writer.start()
    located = yamlio_module.read_yaml(fifo)
    writer.join()
    assert located.data["id"] == "example"


# ---------------------------------------------------------------- item 7: huge numbers
@pytest.mark.parametrize(
    ("old", "new_value", "path"),
    [
        ("capability: 30", "capability: {big}", "actors.UKR.capability"),
        (
            "      actors.UKR.no_deal.outcome.territory: 15",
            "      actors.UKR.no_deal.outcome.territory: {big}",
            "what_ifs.pressure.set.actors.UKR.no_deal.outcome.territory",
        ),
        (
            "set: {facts.security_commitments_offered: true}",
            "set: {actors.UKR.capability: {big}}",
            "timeline.0.set.actors.UKR.capability",
        ),
        (
            "{triangular: [20, 40, 70]}",
            "{triangular: [20, 40, {big}]}",
            "uncertainty.actors.UKR.no_deal.outcome.territory.triangular.2",
        ),
        ("scale: [0, 100]", "scale: [0, {big}]", "issues.territory.scale.1"),
    ],
)
@pytest.mark.parametrize("big", ["9" * 400, "-" + "7" * 320, "1e400", "0x" + "f" * 300])
def test_numbers_beyond_a_float_are_errors_at_their_position(
    old: str, new_value: str, path: str, big: str
) -> None:
    text = replace(old, new_value.replace("{big}", big))
    (error,) = errors_of(text)
    assert error.startswith(f"s.yaml:{position(text, big)}: {path}: ")
    assert "too large; numbers must lie between -1.8e+308 and 1.8e+308" in error


def test_a_huge_number_in_a_rule_is_an_error_at_its_column() -> None:
    text = replace("rule: territory >= 50", "rule: territory >= " + "9" * 5000)
    (error,) = errors_of(text)
    assert "number too large" in error
    assert error.startswith(f"s.yaml:{position(text, '9999')}:")


# ---------------------------------------------------------------- item 12: control characters
@pytest.mark.parametrize("char", ["\x07", "\x00", "\x1b", "\x7f"])
def test_a_raw_control_character_is_one_error_line_with_its_position(
    char: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.yaml"
    text = replace("title: Example talks", f"title: Ex{char}ample")
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"detente: error: {path}:3:10: character U+{ord(char):04X} ")


@pytest.mark.parametrize(
    ("field", "escape"),
    [
        ("title: Example talks", 'title: "\\e[2J\\e[Hcleared"'),
        ("    name: Russia", '    name: "Russia\\ndetente: error: forged"'),
        ("    label: Land returned", '    label: "Land \\u202ereturned"'),
        ("    quote: Ready to talk.", '    quote: "Ready\\a to talk."'),
    ],
)
def test_escaped_control_characters_in_text_are_refused(field: str, escape: str) -> None:
    text = replace(field, escape)
    (error,) = errors_of(text)
    assert "control character U+" in error
    assert error.startswith(f"s.yaml:{position(text, escape.split(':', 1)[1].strip())}:")


def test_control_characters_in_keys_are_refused_even_escaped() -> None:
    text = replace("  territory:\n    label", '  "terr\\e[2Jitory":\n    label')
    errors = errors_of(text)
    where = position(text, '"terr')
    assert errors[0] == f"s.yaml:{where}: issues: control character U+001B in a key is not allowed"


def test_line_breaks_in_prose_are_kept() -> None:
    text = replace("    quote: Ready to talk.", '    quote: "Ready\\n\\tto talk."')
    assert loads(text).statements[1].quote == "Ready\n\tto talk."


# ---------------------------------------------------------------- item 14: dates
@pytest.mark.parametrize("date", ["0001-01-01", "1677-09-20", "2262-04-12", "9999-12-31"])
@pytest.mark.parametrize(
    ("old", "path"),
    [
        ("date: 2022-11-09", "statements.1.date"),
        ("  - date: 2022-12-02", "timeline.1.date"),
        ("as_of: 2022-12-04", "as_of"),
    ],
)
def test_dates_outside_the_supported_range_are_refused_at_load(
    date: str, old: str, path: str
) -> None:
    text = replace(old, old.rsplit(":", 1)[0] + ": " + date)
    (error,) = errors_of(text)
    assert error.startswith(f"s.yaml:{position(text, date)}: {path}: {date} is outside")
    assert f"{MIN_DATE.isoformat()} to {MAX_DATE.isoformat()}" in error


def test_dates_at_the_ends_of_the_range_load() -> None:
    text = replace("date: 2022-11-09", f"date: {MIN_DATE.isoformat()}")
    text = replace("  - date: 2022-12-02", f"  - date: {MAX_DATE.isoformat()}", text)
    scenario = loads(text)
    assert scenario.statements[0].date == MIN_DATE


def test_statement_dates_at_the_range_ends_work_in_signals() -> None:
    from detente.timeline.signals import stance_signals, statement_events

    text = replace("date: 2022-11-09", f"date: {MIN_DATE.isoformat()}")
    text = replace(
        "date: 2022-12-01\n    actor: USA", f"date: {MAX_DATE.isoformat()}\n    actor: USA", text
    )
    signals = stance_signals(statement_events(loads(text).statements))
    assert len(signals.latest(level="actor")) >= 1


# ---------------------------------------------------------------- item 19: smaller ones
def test_keys_one_and_true_are_two_keys() -> None:
    located = yamlio_module.read_yaml_text("a:\n  1: x\n  true: y\n  '1.0': z\n")
    assert located.data == {"a": {"1": "x", "true": "y", "1.0": "z"}}


def test_duplicate_keys_are_still_found_by_their_text() -> None:
    with pytest.raises(ScenarioError, match="duplicate key '1'"):
        yamlio_module.read_yaml_text("a:\n  1: x\n  '1': y\n")


def test_actors_not_a_mapping_is_not_reported_missing() -> None:
    text = MINIMAL.split("actors:")[0] + "actors: 5\n"
    errors = errors_of(text)
    assert errors == [f"s.yaml:{position(text, '5')}: actors: input should be a valid dictionary"]


# ---------------------------------------------------------------- issue 13: every error at once
SEVEN = [
    ("    capability: 60\n", "    capability: 60\n    capability: 61\n", "duplicate key"),
    ("    capability: 30", "    capabilty: 30", "unknown key 'capabilty'"),
    ("      cost: 0.15", "      cost: 1.5", "less than or equal to 1"),
    ("positions: {territory: 80}", "positions: {teritory: 80}", "unknown issue 'teritory'"),
    (
        "      - rule: territory >= 50\n",
        "      - rule: territory >= 50 and crimeea\n",
        "unknown name 'crimeea'",
    ),
    (
        "      actors.UKR.no_deal.outcome.territory: 15",
        "      actors.UKR.no_deal.outcom.territory: 15",
        "names no numeric or boolean judgment",
    ),
    ("{normal: [0.10, 0.03]}", "{normale: [0.10, 0.03]}", "unknown distribution 'normale'"),
]


def test_check_reports_seven_planted_errors_in_one_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = MINIMAL
    for old, new, _ in SEVEN:
        text = replace(old, new, text)
    path = tmp_path / "seven.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    captured = capsys.readouterr()
    assert f"{path}: 7 errors" in captured.out
    lines = captured.err.splitlines()
    assert len(lines) == 7, lines
    for (_, new, words), line in zip(
        sorted(SEVEN, key=lambda c: text.index(c[1])), lines, strict=True
    ):
        assert words in line, (new, line)
        assert line.startswith(f"detente: error: {path}:")


def test_a_reading_problem_does_not_hide_the_others() -> None:
    text = replace("  sanctions_tightened: {value: true}", "  sanctions_tightened: !!set {}")
    text = replace("cost: 0.15", "cost: 1.5", text)
    text = replace("rule: territory >= 50", "rule: territory >= 50 and nope", text)
    errors = errors_of(text)
    assert len(errors) == 3, errors
    assert any("custom YAML tag" in e or "not allowed" in e for e in errors)


def test_rules_are_checked_even_when_references_are_wrong() -> None:
    text = replace("positions: {territory: 80}", "positions: {teritory: 80}")
    text = replace("requires: security_commitments_offered", "requires: nonsense_fact", text)
    errors = errors_of(text)
    assert any("teritory" in e for e in errors)
    assert any("unknown name 'nonsense_fact'" in e for e in errors)


def test_every_error_line_of_a_hostile_file_is_one_line(tmp_path: Path) -> None:
    text = textwrap.dedent(
        """\
        detente: 1
        id: x
        title: "a\\nb"
        "bad\\nkey": 1
        actors: {A: {name: "n\\e", role: party}}
        """
    )
    path = tmp_path / "h.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_cli("check", str(path))
    assert result.returncode == 2
    for line in result.stderr.splitlines():
        assert line.startswith("detente: error: "), line
    assert "\x1b" not in result.stderr
