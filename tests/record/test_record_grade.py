"""``detente seal`` and ``detente grade``: sealing open questions, grading them later."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pytest

import detente
from detente.cli import main
from detente.errors import InputError, ScenarioError
from detente.record import grade, read_ledger, read_outcomes, seal

DATA = Path(__file__).parent / "data"
OUTCOME = """\
    outcome: true
    resolved: 2030-06-01
    source: s1
"""


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "open.yaml"
    shutil.copy(DATA / "open.yaml", path)
    return path


def _resolve(path: Path, question: str, block: str = OUTCOME) -> None:
    """Add an outcome to a question of the file (as an analyst does once it is known)."""
    text = path.read_text(encoding="utf-8")
    anchor = f"  {question}:\n"
    start = text.index(anchor)
    end = text.index("    deadline:", start)
    end = text.index("\n", end) + 1
    path.write_text(text[:end] + block + text[end:], encoding="utf-8")


def test_seal_appends_one_record_per_open_question(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path / "forecasts.jsonl"
    assert main(["seal", str(scenario), "--ledger", str(ledger), "-n", "400"]) == 0
    out = capsys.readouterr().out
    assert "Sealed 2 forecast(s)" in out and "Head hash" in out
    entries = read_ledger(ledger)
    first = entries[0].record
    assert first["scenario"] == {
        "id": "synthetic-open",
        "file": str(scenario),
        "sha256": hashlib.sha256(scenario.read_bytes()).hexdigest(),
    }
    assert first["detente"] == detente.__version__
    assert first["question"]["id"] == "deal-2030"
    assert first["question"]["text"] == "Is a settlement text agreed before 2030-12-31?"
    assert 0.0 < first["probability"] < 1.0 and first["draws"] == 400
    assert dt.datetime.strptime(first["sealed_at"], "%Y-%m-%dT%H:%M:%SZ")
    assert entries[1].record["prev"] == entries[0].hash
    assert (
        main(
            [
                "seal",
                str(scenario),
                "--ledger",
                str(ledger),
                "--question",
                "signed-2031",
                "-n",
                "400",
                "--json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert [r["line"] for r in data["records"]] == [3]
    assert data["head"] == read_ledger(ledger)[-1].hash


def test_seal_refusals(scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = tmp_path / "f.jsonl"
    assert main(["seal", str(scenario), "--ledger", str(ledger), "--question", "deal"]) == 2
    assert "no question 'deal'" in capsys.readouterr().err
    _resolve(scenario, "deal-2030")
    assert main(["seal", str(scenario), "--ledger", str(ledger), "--question", "deal-2030"]) == 2
    assert "already has an outcome" in capsys.readouterr().err
    assert main(["seal", str(DATA / "point-ripe.yaml"), "--ledger", str(ledger)]) == 2
    assert "every question already has an outcome" in capsys.readouterr().err
    assert not ledger.exists()


def test_grade_from_the_sealed_scenario(scenario: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "f.jsonl"
    now = dt.datetime(2030, 1, 2, tzinfo=dt.UTC)
    sealed = seal(scenario, ledger=ledger, n=400, now=now)
    before = grade(ledger)
    assert before.graded == () and len(before.pending) == 2
    _resolve(scenario, "deal-2030")
    after = grade(ledger)
    assert [g.question for g in after.graded] == ["deal-2030"]
    p = sealed.entries[0].record["probability"]
    assert after.graded[0].brier == pytest.approx((p - 1.0) ** 2)
    assert after.brier is not None and after.brier.value == pytest.approx((p - 1.0) ** 2)
    assert after.head == sealed.head
    assert "chain verified" in after.explain()


def test_grade_with_an_outcomes_file(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path / "f.jsonl"
    seal(scenario, ledger=ledger, n=400, now=dt.datetime(2030, 1, 2, tzinfo=dt.UTC))
    csv_file = tmp_path / "outcomes.csv"
    csv_file.write_text("question,outcome,date\ndeal-2030,false,2030-12-31\n", encoding="utf-8")
    yaml_file = tmp_path / "outcomes.yaml"
    yaml_file.write_text(
        "signed-2031: {outcome: true, date: 2031-05-01, scenario: synthetic-open}\n",
        encoding="utf-8",
    )
    result = grade(ledger, outcomes=csv_file)
    assert [(g.question, g.outcome) for g in result.graded] == [("deal-2030", False)]
    assert result.graded[0].outcome_from == f"{csv_file}:2"
    assert main(["grade", str(ledger), "--outcomes", str(yaml_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [g["question"] for g in data["graded"]] == ["signed-2031"]
    assert data["chain"] == "verified" and data["records"] == 2


def test_grade_a_tampered_ledger_names_the_line(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path / "f.jsonl"
    seal(scenario, ledger=ledger, n=400)
    seal(scenario, ledger=ledger, n=400)
    lines = ledger.read_text(encoding="utf-8").splitlines(keepends=True)
    record = json.loads(lines[2])
    lines[2] = lines[2].replace(f'"probability":{record["probability"]}', '"probability":0.999')
    ledger.write_text("".join(lines), encoding="utf-8")
    assert main(["grade", str(ledger)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"detente: error: {ledger}:3: hash: the record was changed")
    assert "Traceback" not in err


def test_forecasts_sealed_after_the_outcome_are_not_scored(scenario: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "f.jsonl"
    seal(scenario, ledger=ledger, n=200, now=dt.datetime(2031, 1, 1, tzinfo=dt.UTC))
    _resolve(scenario, "deal-2030")
    result = grade(ledger)
    assert result.graded == ()
    assert result.excluded[0][1] == "deal-2030"
    assert "after the outcome was known (2030-06-01)" in result.excluded[0][2]


def test_a_changed_question_is_not_scored(scenario: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "f.jsonl"
    seal(scenario, ledger=ledger, n=200, now=dt.datetime(2030, 1, 2, tzinfo=dt.UTC))
    text = scenario.read_text(encoding="utf-8").replace(
        "Is a settlement text agreed", "Is a settlement text initialled"
    )
    scenario.write_text(text, encoding="utf-8")
    _resolve(scenario, "deal-2030")
    result = grade(ledger)
    assert result.graded == ()
    assert result.excluded == (
        (1, "deal-2030", "the question's text or deadline changed since it was sealed"),
    )


def test_contradicting_outcomes_are_an_error(scenario: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "f.jsonl"
    seal(scenario, ledger=ledger, n=200, now=dt.datetime(2030, 1, 2, tzinfo=dt.UTC))
    _resolve(scenario, "deal-2030")
    csv_file = tmp_path / "o.csv"
    csv_file.write_text("question,outcome,date\ndeal-2030,no,2030-06-01\n", encoding="utf-8")
    with pytest.raises(InputError, match="contradicts") as info:
        grade(ledger, outcomes=csv_file)
    assert str(info.value).startswith(f"{csv_file}:2: outcome: ")


def test_published_head(scenario: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "f.jsonl"
    head = seal(scenario, ledger=ledger, n=200).head
    assert grade(ledger, head=head).head == head
    data = ledger.read_bytes().split(b"\n")
    ledger.write_bytes(b"\n".join(data[:1]) + b"\n")  # the last record removed
    with pytest.raises(InputError, match="does not contain the published head"):
        grade(ledger, head=head)


def test_outcomes_file_problems_all_at_once(tmp_path: Path) -> None:
    f = tmp_path / "o.csv"
    f.write_text(
        "question,outcome,date,colour\n"
        "a,maybe,2030-01-01,red\n"
        "b,true,01/02/2030,\n"
        ",true,2030-01-01,\n"
        "c,true\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as info:
        read_outcomes(f)
    lines = [str(d) for d in info.value.diagnostics()]
    assert f"{f}:2: colour: unknown column 'colour'" in lines
    assert f"{f}:2: outcome: 'maybe' is not true or false" in lines
    assert f"{f}:3: date: '01/02/2030' is not a date (YYYY-MM-DD)" in lines
    assert f"{f}:4: question: no question id" in lines
    assert f"{f}:5: 2 fields for 4 columns" in lines
    y = tmp_path / "o.yaml"
    y.write_text("- {question: a, outcome: 3, date: 2030-01-01}\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"o.yaml:1:26: 0.outcome: 3 is not true or false"):
        read_outcomes(y)
    with pytest.raises(InputError, match=r"use a \.csv or \.yaml file"):
        read_outcomes(tmp_path / "o.txt")
    missing = tmp_path / "m.csv"
    missing.write_text("question,result\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="needs the columns outcome, date"):
        read_outcomes(missing)


def test_an_outcome_without_scenario_must_be_unambiguous(tmp_path: Path) -> None:
    ledger = tmp_path / "f.jsonl"
    for name in ("one", "two"):
        path = tmp_path / f"{name}.yaml"
        text = (DATA / "open.yaml").read_text(encoding="utf-8")
        path.write_text(text.replace("id: synthetic-open", f"id: synthetic-{name}"), "utf-8")
        seal(path, ledger=ledger, n=100, questions=["deal-2030"])
    f = tmp_path / "o.csv"
    f.write_text("question,outcome,date\ndeal-2030,true,2030-06-01\n", encoding="utf-8")
    with pytest.raises(
        InputError, match="sealed for the scenarios synthetic-one and synthetic-two"
    ):
        grade(ledger, outcomes=f)
    f.write_text(
        "scenario,question,outcome,date\nsynthetic-two,deal-2030,true,2030-06-01\n",
        encoding="utf-8",
    )
    result = grade(ledger, outcomes=f)
    assert [g.scenario for g in result.graded] == ["synthetic-two"]
    assert [p[1] for p in result.pending] == ["synthetic-one"]
