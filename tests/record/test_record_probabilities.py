"""Questions to probabilities: the measure mapping, the as-of/deadline rule, point scenarios.

References are independent of the Monte Carlo machinery: the exact point assessment
(:func:`detente.assess`) over a fine grid of the uncertain judgment's quantiles.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pytest

from detente.errors import InputError
from detente.readiness import assess
from detente.record import forecast_questions
from detente.record.probabilities import MEASURE_VERDICTS, evaluation_date
from detente.scenario import load

DATA = Path(__file__).parent / "data"


def _within(p: float, expected: float, n: int) -> bool:
    # five standard errors of a share of n independent draws
    return abs(p - expected) <= 5 * math.sqrt(expected * (1 - expected) / n) + 1e-12


def test_each_measure_counts_its_verdicts() -> None:
    result = forecast_questions(load(DATA / "talks-quarter.yaml"), n=4000, seed=1)
    by_id = {f.question: f for f in result.forecasts}
    assert _within(by_id["talks"].probability, 0.25, 4000)  # P(a_ready) = 1/4
    assert by_id["deal"].probability == 1.0  # the ZOPA exists in every draw
    # signing needs the ZOPA and the preconditions: the same draws as talks here
    assert by_id["signed"].probability == by_id["talks"].probability
    for f in result.forecasts:
        assert f.draws == 4000
        assert f.low <= f.probability <= f.high
        assert f.evaluated_on == dt.date(2020, 1, 1)


def test_deal_probability_matches_the_exact_assessment_on_a_grid() -> None:
    scenario = load(DATA / "open.yaml")
    spec = scenario.uncertainty["actors.B.no_deal.cost"]
    # reference: the exact solver at the midpoints of 200 equal-probability strata of the cost
    u = (np.arange(200) + 0.5) / 200
    costs = spec.ppf(u)
    zopa = [
        assess(scenario.with_changes({"actors.B.no_deal.cost": float(c)})).verdict
        in MEASURE_VERDICTS["deal"]
        for c in costs
    ]
    reference = float(np.mean(zopa))
    assert reference == pytest.approx(0.25, abs=0.01)
    got = forecast_questions(scenario, questions=["deal-2030"], n=8000, seed=5)
    assert _within(got.forecasts[0].probability, reference, 8000)


def test_same_seed_same_probabilities() -> None:
    s = load(DATA / "talks-quarter.yaml")
    a = forecast_questions(s, n=500, seed=9)
    b = forecast_questions(s, n=500, seed=9)
    assert a.to_dict() == b.to_dict()


def test_point_scenario_gives_zero_or_one() -> None:
    result = forecast_questions(load(DATA / "point-ripe.yaml"))
    assert [f.probability for f in result.forecasts] == [1.0, 1.0]
    assert all(f.draws == 0 and f.low == f.high == f.probability for f in result.forecasts)
    assert result.draws == 0
    assert "point assessment" in result.notes[0]


def test_timeline_changes_before_the_deadline_are_applied() -> None:
    s = load(DATA / "timeline.yaml")
    assert evaluation_date(s, dt.date(2022, 3, 1)) == dt.date(2022, 1, 1)
    assert evaluation_date(s, dt.date(2022, 7, 1)) == dt.date(2022, 7, 1)
    result = forecast_questions(s)
    early, late = result.forecasts
    assert (early.probability, early.evaluated_on) == (0.0, dt.date(2022, 1, 1))
    assert (late.probability, late.evaluated_on) == (1.0, dt.date(2022, 7, 1))
    assert "assessed as of 2022-07-01" in result.explain()


def test_scores_of_a_resolved_forecast() -> None:
    result = forecast_questions(load(DATA / "point-ripe.yaml"))
    talks, signed = result.forecasts
    assert (talks.brier, signed.brier) == (0.0, 1.0)
    assert signed.log_score == pytest.approx(-math.log(0.01))
    assert result.resolved == (talks, signed)
    frame = result.to_frame()
    assert list(frame["question"]) == ["talks", "signed"]
    assert frame["brier"].tolist() == [0.0, 1.0]


def test_open_questions_have_no_scores() -> None:
    result = forecast_questions(load(DATA / "open.yaml"), n=200)
    assert all(f.brier is None and f.log_score is None for f in result.forecasts)
    assert result.resolved == ()
    d = result.to_dict()
    assert d["forecasts"][0]["outcome"] is None and d["forecasts"][0]["brier"] is None


def test_unknown_question_and_transformed_scenarios_are_refused() -> None:
    s = load(DATA / "talks-quarter.yaml")
    with pytest.raises(InputError, match="no question 'talk' \\(did you mean 'talks'\\?\\)"):
        forecast_questions(s, questions=["talk"])
    with pytest.raises(InputError, match="as loaded"):
        forecast_questions(s.at(dt.date(2020, 2, 1)))
    with pytest.raises(InputError, match="positive integer"):
        forecast_questions(s, n=0)


def test_no_questions_is_an_error(flagship_path: Path) -> None:
    with pytest.raises(InputError, match="no 'questions'"):
        forecast_questions(load(flagship_path))


def test_same_shares_as_detente_simulate(capsys: pytest.CaptureFixture[str]) -> None:
    """The documented check: `simulate --as-of DATE -n N --seed S` gives the same verdicts."""
    import json

    from detente.cli import main

    path = DATA / "talks-quarter.yaml"
    args = ["simulate", str(path), "--as-of", "2020-01-01", "-n", "600", "--seed", "4"]
    assert main([*args, "--no-sensitivity", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    verdicts = next(c for c in data["categorical"] if c["output"] == "verdict")
    counts = {c["category"]: c["count"] for c in verdicts["categories"]}
    got = {
        f.question: f.probability for f in forecast_questions(load(path), n=600, seed=4).forecasts
    }
    assert got["talks"] == (counts["ripe"] + counts["premature"]) / 600
    assert got["deal"] == (counts["ripe"] + counts["blocked"]) / 600
    assert got["signed"] == counts["ripe"] / 600


def test_cli_default_draws_match_the_library() -> None:
    from detente.cli.record import DRAWS
    from detente.record import DEFAULT_DRAWS

    assert DRAWS == DEFAULT_DRAWS


def _signing_text(a_ready: str = "false", agrees: str = "false", *, drawn: bool = True) -> str:
    """talks-quarter.yaml with a precondition for signing (A's parliament agrees), its fact
    drawn by ``bernoulli 0.5`` beside ``a_ready`` (one draw in four), or both fixed."""
    text = (DATA / "talks-quarter.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "      - requires: a_ready\n",
        "      - requires: a_ready\n      - requires: parliament_agrees\n        for: agreement\n",
    )
    text = text.replace(
        "  a_ready: {value: false}\n",
        f"  a_ready: {{value: {a_ready}}}\n  parliament_agrees: {{value: {agrees}}}\n",
    )
    drawn_facts = (
        "  facts.a_ready: {choice: [true, false, false, false]}\n"
        "  facts.parliament_agrees: {bernoulli: 0.5}\n"
    )
    return text.replace(
        "uncertainty:\n  facts.a_ready: {choice: [true, false, false, false]}\n",
        "uncertainty:\n" + drawn_facts if drawn else "",
    )


def test_signature_is_talks_times_signable_exactly() -> None:
    """A precondition for signing drawn by bernoulli 0.5, independently of the talks
    precondition (true in one draw in four): P(signature) = P(talks) x P(signable) = 1/8.

    The reference is exact and reads no stage: every outcome beats both no-deal expectations
    (each side's no-deal utility is u(0) - 0.2 < 0 <= u(x)), so a deal exists in every state;
    talks need ``a_ready``, signing needs talks and ``parliament_agrees``.  Over the four joint
    values of the two facts, with their probabilities, that gives P(talks) = 1/4,
    P(signable) = 1/2 and P(signature) = 1/8.  The record's answer in each state (a point
    assessment: 0 or 1, no sampling) weighted by the same probabilities must be that exactly;
    its Monte Carlo estimate must be within sampling noise of it.
    """
    from fractions import Fraction

    from detente.scenario import loads

    p_ready, p_agrees = Fraction(1, 4), Fraction(1, 2)
    weights = {
        (a, g): (p_ready if a else 1 - p_ready) * (p_agrees if g else 1 - p_agrees)
        for a in (True, False)
        for g in (True, False)
    }
    reference = {
        "talks": sum(w for (a, _), w in weights.items() if a),
        "deal": sum(weights.values()),
        "signed": sum(w for (a, g), w in weights.items() if a and g),
    }
    assert reference["signed"] == reference["talks"] * p_agrees == Fraction(1, 8)

    exact = dict.fromkeys(reference, Fraction(0))
    for (a, g), w in weights.items():
        point = loads(_signing_text(str(a).lower(), str(g).lower(), drawn=False))
        for f in forecast_questions(point).forecasts:
            assert f.draws == 0 and f.probability in (0.0, 1.0)
            exact[f.question] += w * Fraction(f.probability)
    assert exact == reference

    n = 8000
    by_id = {
        f.question: f for f in forecast_questions(loads(_signing_text()), n=n, seed=3).forecasts
    }
    assert by_id["deal"].probability == 1.0
    for q in ("talks", "signed"):
        assert _within(by_id[q].probability, float(reference[q]), n)
    assert by_id["signed"].probability < by_id["talks"].probability
