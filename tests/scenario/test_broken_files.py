"""Broken scenario files through ``detente check``: the message, the line and column, exit 2.

Each case edits the valid example (``tests/scenario/minimal.py``) in one place, writes the file
and checks that ``detente check`` prints ``detente: error: FILE:LINE:COL: path: message`` with the
line and column of the offending text, exits with code 2 and prints no traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from detente.cli import main
from tests.scenario.minimal import MINIMAL


@dataclass(frozen=True)
class Case:
    name: str
    old: str
    new: str
    path: str  # the field path the error names
    message: str  # a fragment of the message
    anchor: str | None = None  # text at the reported column (on the line holding it)


def _sub(old: str, new: str) -> str:
    assert old in MINIMAL, old
    return MINIMAL.replace(old, new, 1)


CASES = [
    # unknown keys, with did-you-mean
    Case(
        "top-level typo", "question:", "qestion:", "qestion", "did you mean 'question'", "qestion"
    ),
    Case(
        "actor typo",
        "    capability: 30",
        "    capabilty: 30",
        "actors.UKR.capabilty",
        "did you mean 'capability'",
        "capabilty",
    ),
    Case(
        "issue typo",
        '    unit: "%"',
        '    units: "%"',
        "issues.territory.units",
        "did you mean 'unit'",
        "units",
    ),
    Case(
        "no_deal typo",
        "      cost: 0.15",
        "      costs: 0.15",
        "actors.UKR.no_deal.costs",
        "did you mean 'cost'",
        "costs",
    ),
    Case(
        "red line typo",
        "      - rule: territory >= 50",
        "      - rul: territory >= 50",
        "actors.UKR.red_lines.0.rul",
        "did you mean 'rule'",
        "rul",
    ),
    # required keys and wrong types
    Case("missing title", "title: Example talks\n", "", "title", "missing required key 'title'"),
    Case(
        "missing role",
        "    name: Russia\n    role: party\n",
        "    name: Russia\n",
        "actors.RUS.role",
        "missing required key 'role'",
    ),
    Case("wrong version", "detente: 1", "detente: 2", "detente", "1", "2"),
    Case(
        "capability not a number",
        "capability: 60",
        "capability: strong",
        "actors.RUS.capability",
        "valid number",
        "strong",
    ),
    Case(
        "boolean as number",
        "cost: 0.15",
        "cost: true",
        "actors.UKR.no_deal.cost",
        "expected a number, got a boolean",
        "true",
    ),
    Case(
        "fact not boolean",
        "sanctions_tightened: {value: true}",
        "sanctions_tightened: {value: 3}",
        "facts.sanctions_tightened.value",
        "true or false",
        "3",
    ),
    Case(
        "supports not a list", "supports: [UKR]", "supports: 7", "actors.USA.supports", "tuple", "7"
    ),
    Case(
        "bad date",
        "date: 2022-11-09",
        "date: 2022-11-31",
        "statements.1.date",
        "date",
        "2022-11-31",
    ),
    Case(
        "bad role", "role: backer", "role: sponsor", "actors.USA.role", "is not one of", "sponsor"
    ),
    Case(
        "bad stance",
        "stance: open\n    cameo",
        "stance: opn\n    cameo",
        "statements.1.stance",
        "did you mean 'open'",
        "opn",
    ),
    Case("cameo as number", 'cameo: "036"', "cameo: 36", "statements.1", "CAMEO codes are strings"),
    Case("bad id", "id: example", "id: Example Talks", "id", "not a valid id", "Example Talks"),
    # ranges
    Case(
        "cost above 1",
        "cost: 0.15",
        "cost: 1.5",
        "actors.UKR.no_deal.cost",
        "less than or equal to 1",
        "1.5",
    ),
    Case(
        "negative capability",
        "capability: 60",
        "capability: -1",
        "actors.RUS.capability",
        "greater than 0",
        "-1",
    ),
    Case(
        "salience above 1",
        "salience: {territory: 1.0, crimea: 0.6}",
        "salience: {territory: 1.0, crimea: 6}",
        "actors.UKR.salience.crimea",
        "less than or equal to 1",
        "6}",
    ),
    Case(
        "position off the scale",
        "positions: {territory: 0, crimea: russian}",
        "positions: {territory: -5, crimea: russian}",
        "actors.RUS.positions.territory",
        "outside the scale",
        "-5",
    ),
    Case(
        "unknown option",
        "positions: {territory: 0, crimea: russian}",
        "positions: {territory: 0, crimea: rusian}",
        "actors.RUS.positions.crimea",
        "did you mean 'russian'",
        "rusian",
    ),
    Case(
        "status quo not an option",
        "status_quo: russian",
        "status_quo: soviet",
        "issues.crimea.status_quo",
        "not an option",
        "soviet",
    ),
    Case("scale reversed", "scale: [0, 100]", "scale: [100, 0]", "issues.territory", "low < high"),
    # references
    Case(
        "unknown issue in positions",
        "positions: {territory: 80}",
        "positions: {teritory: 80}",
        "actors.USA.positions.teritory",
        "did you mean 'territory'",
        "80",
    ),
    Case(
        "unknown supported actor",
        "supports: [UKR]",
        "supports: [UKX]",
        "actors.USA.supports.0",
        "unknown actor 'UKX'",
        "UKX",
    ),
    Case(
        "unknown source",
        "      source: art\n    preconditions",
        "      source: arts\n    preconditions",
        "actors.UKR.no_deal.source",
        "unknown source 'arts'",
        "arts",
    ),
    Case(
        "unknown statement actor",
        "    actor: USA\n    target: RUS",
        "    actor: USAA\n    target: RUS",
        "statements.0.actor",
        "did you mean 'USA'",
        "USAA",
    ),
    # rules
    Case(
        "one veto",
        "    name: Russia\n    role: party\n",
        "    name: Russia\n    role: party\n    veto: false\n",
        "actors",
        "at least two actors must have a veto",
    ),
    Case(
        "salience without position",
        "positions: {territory: 80}",
        "positions: {territory: 80}\n    salience: {crimea: 0.2}",
        "actors.USA.salience.crimea",
        "no position on it",
        "0.2",
    ),
    # expressions
    Case(
        "unknown name in a rule",
        "rule: territory >= 50",
        "rule: territory >= 50 and crimeea",
        "actors.UKR.red_lines.0.rule",
        "did you mean 'crimea'",
        "crimeea",
    ),
    Case(
        "non-linear rule",
        "rule: territory >= 50",
        "rule: territory * territory >= 50",
        "actors.UKR.red_lines.0.rule",
        "linear",
    ),
    Case(
        "call in a rule",
        "rule: territory >= 50",
        "rule: abs(territory) >= 50",
        "actors.UKR.red_lines.0.rule",
        "call",
        "abs",
    ),
    Case(
        "syntax error in a rule",
        "rule: territory >= 50",
        "rule: territory >=",
        "actors.UKR.red_lines.0.rule",
        "",
        None,
    ),
    Case(
        "issue in a precondition",
        "requires: security_commitments_offered",
        "requires: territory > 3",
        "actors.UKR.preconditions.0.requires",
        "territory",
        "territory",
    ),
    # paths of what-ifs, the timeline, uncertainty
    Case(
        "what-if path",
        "      actors.UKR.no_deal.outcome.territory: 15",
        "      actors.UKR.no_deal.outcom.territory: 15",
        "what_ifs.pressure.set.actors.UKR.no_deal.outcom.territory",
        "judgment",
    ),
    Case(
        "timeline value",
        "set: {facts.security_commitments_offered: true}",
        "set: {facts.security_commitments_offered: 1}",
        "timeline.0.set.facts.security_commitments_offered",
        "true or false",
    ),
    Case(
        "distribution outside range",
        "{triangular: [20, 40, 70]}",
        "{triangular: [20, 40, 170]}",
        "uncertainty.actors.UKR.no_deal.outcome.territory",
        "outside the valid range",
    ),
    Case(
        "distribution typo",
        "{normal: [0.10, 0.03]}",
        "{normale: [0.10, 0.03]}",
        "uncertainty.actors.RUS.no_deal.cost",
        "did you mean 'normal'",
    ),
    # YAML itself
    Case(
        "malformed YAML",
        "    quote: Ready to talk.",
        "    quote: [Ready to talk.",
        "",
        "invalid YAML",
    ),
    Case(
        "duplicate key",
        "    capability: 30\n",
        "    capability: 30\n    capability: 31\n",
        "actors.UKR.capability",
        "duplicate key 'capability'",
        "capability: 31",
    ),
    Case(
        "YAML tag",
        "  sanctions_tightened: {value: true}",
        "  sanctions_tightened: !!python/object:os.system {value: true}",
        "facts.sanctions_tightened",
        "custom YAML tag",
        "!!python",
    ),
]


def _position(text: str, new: str, anchor: str) -> tuple[int, int]:
    """1-based line and column of ``anchor`` inside the edited text ``new`` of ``text``."""
    offset = text.index(anchor, text.index(new) if new else 0)
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_file(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = _sub(case.old, case.new)
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    errors = [line for line in captured.err.splitlines() if line.startswith("detente: error: ")]
    assert errors, captured.err
    prefix = f"detente: error: {path}:"
    matching = [
        e
        for e in errors
        if e.startswith(prefix) and case.message in e and (not case.path or f": {case.path}: " in e)
    ]
    assert matching, "\n".join(errors)
    if case.anchor is not None:
        line, col = _position(text, case.new, case.anchor)
        assert any(e.startswith(f"{prefix}{line}:{col}: ") for e in matching), (
            f"expected {line}:{col}\n" + "\n".join(errors)
        )


def test_twenty_mib_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("w", encoding="utf-8") as f:
        f.write(MINIMAL)
        chunk = "# " + "x" * 1022 + "\n"
        for _ in range(20 * 1024):
            f.write(chunk)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"detente: error: {path}: file is 20.")
    assert "over 10 MiB are refused" in err


def test_nesting_100_deep_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(MINIMAL + "description: " + "[" * 100 + "]" * 100 + "\n", encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "nesting deeper than 50 levels is refused" in err
    assert "Traceback" not in err


def test_the_unedited_example_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The control: every error above comes from its case's one edit, not from the example."""
    path = tmp_path / "example.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert main(["check", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.startswith(f"{path}: ok, ")
    # and each case edits one unambiguous place of it
    assert [c.name for c in CASES if MINIMAL.count(c.old) != 1] == []
