"""Backtests: scoring synthetic forecasts, the command line, the HTML page, the history corpus."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from detente.cli import main
from detente.errors import InputError
from detente.record import QuestionForecast, QuestionForecasts, backtest, score_forecasts
from detente.record.report import render_html

DATA = Path(__file__).parent / "data"


def _case(name: str, pairs: list[tuple[float, bool]]) -> QuestionForecasts:
    day = dt.date(2020, 1, 1)
    forecasts = tuple(
        QuestionForecast(
            question=f"q{i}",
            text=f"Question {i}?",
            kind="agreement",
            measure="signature",
            deadline=dt.date(2021, 1, 1),
            as_of=day,
            evaluated_on=day,
            probability=p,
            low=p,
            high=p,
            draws=0,
            outcome=y,
            resolved=dt.date(2020, 6, 1),
            source="s",
        )
        for i, (p, y) in enumerate(pairs)
    )
    return QuestionForecasts(name, name.title(), None, day, 0, 0, forecasts)


def test_perfect_forecaster_scores_zero_with_an_empty_interval() -> None:
    cases = [
        _case("a", [(1.0, True), (0.0, False)]),
        _case("b", [(1.0, True)]),
        _case("c", [(0.0, False), (0.0, False)]),
    ]
    result = score_forecasts(cases, replicates=200)
    s = result.score("detente")
    assert (s.brier.value, s.brier.low, s.brier.high) == (0.0, 0.0, 0.0)
    assert result.score("detente").log_score.value == pytest.approx(-np.log(0.99))


def test_always_half_scores_a_quarter() -> None:
    cases = [_case(c, [(0.5, bool(i % 2)) for i in range(k)]) for c, k in (("a", 3), ("b", 4))]
    result = score_forecasts(cases, replicates=200)
    assert result.score("detente").brier.value == 0.25
    assert result.score("detente").log_score.value == pytest.approx(np.log(2))


def test_baselines_on_the_same_questions() -> None:
    cases = [_case("a", [(0.9, True), (0.8, True)]), _case("b", [(0.2, False)])]
    result = score_forecasts(cases, replicates=200)
    by_q = {(q.case, q.question): q for q in result.questions}
    # leave-one-case-out: case a sees only b's outcome (false), b sees a's (true, true)
    assert by_q[("a", "q0")].probability["base_rate"] == 0.0
    assert by_q[("b", "q0")].probability["base_rate"] == 1.0
    assert all(q.probability["status_quo"] == 0.01 for q in result.questions)
    sq = result.score("status_quo").brier.value
    assert sq == pytest.approx((0.99**2 * 2 + 0.01**2) / 3)
    diff = {d.forecaster: d for d in result.differences}
    assert diff["detente - base_rate"].brier.value == pytest.approx(
        result.score("detente").brier.value - result.score("base_rate").brier.value
    )
    assert [c.questions for c in result.cases] == [2, 1]
    assert result.to_frame().shape == (3, 14)


def test_nothing_resolved_is_an_error() -> None:
    with pytest.raises(InputError, match="no resolved question"):
        score_forecasts([])


def test_backtest_of_the_synthetic_corpus() -> None:
    files = sorted(DATA.glob("*.yaml"))
    result = backtest(files, n=400, seed=2, replicates=300)
    assert [c.case for c in result.cases] == [
        "synthetic-point-ripe",
        "synthetic-talks-quarter",
        "synthetic-timeline",
    ]
    assert result.skipped == ((str(DATA / "open.yaml"), "no resolved question"),)
    assert len(result.questions) == 7
    for s in (*result.overall, *result.differences):
        for iv in (s.brier, s.log_score):
            assert iv.low <= iv.value <= iv.high
    text = result.explain()
    assert "detente minus base rate" in text and "Skipped" in text
    same = backtest(files, n=400, seed=2, replicates=300, workers=2)
    assert same.to_dict() == result.to_dict()


def test_cli_backtest_json_and_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out" / "record.html"
    args = ["backtest", str(DATA), "-n", "300", "--json", "--report", str(out), "--workers", "1"]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert {s["forecaster"] for s in data["overall"]} == {"detente", "base_rate", "status_quo"}
    assert data["settings"]["draws"] == 300
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "<script" not in page
    assert "Synthetic — talks in one draw out of four" in page
    assert main(args) == 2  # the report exists: not overwritten without --force
    assert "use --force" in capsys.readouterr().err
    assert main([*args, "--force"]) == 0


def test_report_escapes_scenario_text(tmp_path: Path) -> None:
    text = (DATA / "point-ripe.yaml").read_text(encoding="utf-8")
    evil = text.replace(
        "title: Synthetic — ripe, no uncertainty", 'title: "<script>alert(1)</script>"'
    )
    (tmp_path / "evil.yaml").write_text(evil, encoding="utf-8")
    (tmp_path / "t.yaml").write_text((DATA / "timeline.yaml").read_text(), encoding="utf-8")
    page = render_html(backtest(sorted(tmp_path.glob("*.yaml")), replicates=100))
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_cli_backtest_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backtest", str(tmp_path / "nowhere")]) == 2
    assert "no such directory" in capsys.readouterr().err
    assert main(["backtest", str(tmp_path)]) == 2
    assert "no scenario files" in capsys.readouterr().err
    for name in ("a.yaml", "b.yaml"):
        bad = (DATA / "point-ripe.yaml").read_text().replace("kind: talks_open", "kind: Talks")
        (tmp_path / name).write_text(bad.replace("id: synthetic-point-ripe", f"id: x-{name[0]}"))
    assert main(["backtest", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    # every problem of every file at once, each with its line and column
    assert err.count("detente: error: ") == 2
    assert f"{tmp_path / 'a.yaml'}:" in err and f"{tmp_path / 'b.yaml'}:" in err
    assert "Traceback" not in err


def test_duplicate_case_ids_are_refused(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        shutil.copy(DATA / "point-ripe.yaml", tmp_path / name)
    with pytest.raises(InputError, match="two scenarios have the id"):
        backtest(sorted(tmp_path.glob("*.yaml")))


@pytest.mark.slow
def test_backtest_of_the_history_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    """The corpus runs end to end, with no warning."""
    folder = Path(__file__).resolve().parents[2] / "scenarios" / "history"
    assert main(["backtest", str(folder), "-n", "100", "--json"]) == 0
    out = capsys.readouterr()
    data = json.loads(out.out)
    assert all(case["warnings"] == [] for case in data["cases"]) and "warning" not in out.err
    assert len(data["cases"]) == 10
    assert len(data["questions"]) >= 24
    assert {q["outcome"] for q in data["questions"]} == {True, False}
