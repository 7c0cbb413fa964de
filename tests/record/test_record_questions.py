"""The ``questions`` section: defaults, and every rule with its FILE:LINE:COL error."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from detente.cli import main
from detente.errors import ScenarioError
from detente.scenario import dump, loads
from detente.scenario.questions import Question, source_date_notes
from tests.scenario.minimal import MINIMAL

QUESTIONS = """\
questions:
  talks-2023:
    text: Do A and B talk before 2023-06-01?
    kind: talks_open
    deadline: 2023-06-01
    outcome: true
    resolved: 2023-03-01
    source: later
  deal-2023:
    text: Is a text agreed before 2023-12-31?
    kind: text_agreed
    measure: deal
    deadline: 2023-12-31
  signed_2024:
    text: Do they sign before 2024-06-30?
    kind: agreement
    deadline: 2024-06-30
"""
LATER = "  later: {title: A later report, date: 2023-03-02}\n"


def _text(questions: str = QUESTIONS) -> str:
    base = MINIMAL.replace("sources:\n", "sources:\n" + LATER, 1)
    return base + questions


def _errors(text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    path = tmp_path / "q.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return [line for line in err.splitlines() if line.startswith("detente: error: ")]


def _position(text: str, anchor: str) -> tuple[int, int]:
    """Line and column of ``anchor`` in the questions section."""
    lines = text.splitlines()
    start = lines.index("questions:")
    for i, line in enumerate(lines[start:], start=start + 1):
        if anchor in line:
            return i, line.index(anchor) + 1
    raise AssertionError(anchor)


def test_questions_load_with_default_measures() -> None:
    s = loads(_text())
    assert list(s.questions) == ["talks-2023", "deal-2023", "signed_2024"]
    assert s.questions["talks-2023"].measure == "talks"
    assert s.questions["deal-2023"].measure == "deal"
    assert s.questions["signed_2024"].measure == "signature"
    assert s.questions["talks-2023"].outcome is True
    assert s.questions["talks-2023"].resolved == dt.date(2023, 3, 1)
    assert not s.questions["deal-2023"].is_resolved


def test_default_measure_of_each_kind() -> None:
    expected = {"talks_open": "talks", "agreement": "signature", "ceasefire": "signature"}
    for kind, measure in expected.items():
        q = Question(text="x", kind=kind, deadline=dt.date(2030, 1, 1))
        assert q.measure == measure
    q = Question(text="x", kind="ceasefire", measure="deal", deadline=dt.date(2030, 1, 1))
    assert q.measure == "deal"  # a given measure wins over the kind's default


def test_questions_round_trip_through_dump() -> None:
    s = loads(_text())
    again = loads(dump(s))
    assert again.questions == s.questions


def test_no_questions_is_fine() -> None:
    assert loads(MINIMAL).questions == {}


@pytest.mark.parametrize(
    ("old", "new", "path", "message", "anchor"),
    [
        (
            "    source: later\n",
            "    source: latr\n",
            "questions.talks-2023.source",
            "unknown source 'latr' (did you mean 'later'?)",
            "latr",
        ),
        (
            "    resolved: 2023-03-01\n",
            "    resolved: 2022-01-01\n",
            "questions.talks-2023.resolved",
            "before as_of 2022-12-04",
            "2022-01-01",
        ),
        (
            "    resolved: 2023-03-01\n    source: later\n",
            "",
            "questions.talks-2023.outcome",
            "an outcome needs the date it became known ('resolved: YYYY-MM-DD') and a source",
            "true",
        ),
        (
            "    source: later\n",
            "",
            "questions.talks-2023.outcome",
            "an outcome needs a source reporting it",
            "true",
        ),
        (
            "    outcome: true\n",
            "",
            "questions.talks-2023.resolved",
            "'resolved' without an 'outcome'",
            "2023-03-01",
        ),
        (
            "    kind: text_agreed\n    measure: deal\n",
            "    kind: text_agreed\n",
            "questions.deal-2023.measure",
            "a question of kind 'text_agreed' needs 'measure: talks'",
            "text: Is a text agreed",
        ),
        (
            "    measure: deal\n",
            "    measure: dael\n",
            "questions.deal-2023.measure",
            "'dael' is not one of talks, deal, signature (did you mean 'deal'?)",
            "dael",
        ),
        (
            "    deadline: 2023-06-01\n",
            "    deadline: 2022-12-04\n",
            "questions.talks-2023.deadline",
            "is not after as_of 2022-12-04",
            "2022-12-04",
        ),
        (
            "  signed_2024:\n",
            "  Signed 2024:\n",
            "questions.Signed 2024",
            "is not a valid question id",
            "text: Do they sign",
        ),
        (
            "    kind: text_agreed\n",
            "    kind: Text Agreed\n",
            "questions.deal-2023.kind",
            "'Text Agreed' is not a kind",
            "Text Agreed",
        ),
        (
            "    outcome: true\n",
            "    outcome: yes\n",
            "questions.talks-2023.outcome",
            "expected true or false",
            "yes",
        ),
        (
            "    deadline: 2024-06-30\n",
            "    dedline: 2024-06-30\n",
            "questions.signed_2024.dedline",
            "did you mean 'deadline'",
            "dedline",
        ),
        (
            "    deadline: 2024-06-30\n",
            "    deadline: 2024-06-30 12:00:00\n",
            "questions.signed_2024.deadline",
            "without a time",
            "2024-06-30 12:00:00",
        ),
    ],
)
def test_question_errors(
    old: str,
    new: str,
    path: str,
    message: str,
    anchor: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = _text(QUESTIONS.replace(old, new, 1))
    assert old in QUESTIONS
    errors = _errors(text, tmp_path, capsys)
    matching = [e for e in errors if f": {path}: " in e and message in e]
    assert matching, "\n".join(errors)
    line, col = _position(text, anchor)
    assert matching[0].startswith(f"detente: error: {tmp_path / 'q.yaml'}:{line}:{col}: "), (
        f"expected {line}:{col}: {matching[0]}"
    )


def test_questions_need_as_of(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = _text().replace("as_of: 2022-12-04\n", "", 1)
    errors = _errors(text, tmp_path, capsys)
    assert any(": questions: questions need the scenario's 'as_of' date" in e for e in errors)


def test_every_question_problem_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = (
        QUESTIONS.replace("    source: later\n", "    source: nowhere\n", 1)
        .replace("    measure: deal\n", "", 1)
        .replace("    deadline: 2024-06-30\n", "    deadline: 2020-01-01\n", 1)
    )
    errors = _errors(_text(broken), tmp_path, capsys)
    assert len(errors) == 3, "\n".join(errors)


def test_source_dated_before_the_outcome_is_a_note_not_an_error() -> None:
    early = _text().replace(LATER, "  later: {title: A report, date: 2023-02-01}\n")
    s = loads(early)
    notes = source_date_notes(s)
    assert notes == [
        (
            "questions.talks-2023.source",
            "source 'later' is dated 2023-02-01, before the outcome became known (2023-03-01); "
            "check that it reports the outcome",
        )
    ]
    assert source_date_notes(loads(_text())) == []


def test_error_is_a_scenario_error() -> None:
    with pytest.raises(ScenarioError):
        loads(_text(QUESTIONS.replace("kind: talks_open", "kind: 12")))
