"""Probable red lines, named thresholds, preconditions for signing and bernoulli distributions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.errors import InputError, ScenarioError
from detente.scenario import dump, loads, resolve
from detente.scenario.distributions import DistributionSpec
from detente.scenario.expr import evaluate, unparse

BASE = """\
detente: 1
id: keys
title: Keys
issues:
  territory: {{label: Land, scale: [0, 100], status_quo: 20}}
  status: {{label: Status, options: [none, autonomy, independence], status_quo: none}}
facts:
  referendum: {{value: false, label: a referendum is scheduled}}
actors:
  A:
    name: Alpha
    role: party
    positions: {{territory: 80, status: independence}}
    red_lines:
{red_lines}
    preconditions:
{preconditions}
  B:
    name: Beta
    role: party
    positions: {{territory: 10, status: none}}
{rest}
"""

RED = """\
      - rule: territory >= threshold
        threshold: 50
        probability: 0.6
        label: half the land
      - rule: status != "independence"
"""
PRE = """\
      - requires: referendum
        for: agreement
      - requires: not referendum
"""


def scenario(red: str = RED, pre: str = PRE, rest: str = "") -> str:
    return BASE.format(red_lines=red, preconditions=pre, rest=rest)


def errors(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        loads(text, filename="s.yaml")
    return [str(d) for d in info.value.diagnostics()]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_keys_load_with_their_defaults() -> None:
    s = loads(scenario())
    first, second = s.actors["A"].red_lines
    assert (first.threshold, first.probability, first.active) == (50.0, 0.6, True)
    assert (second.threshold, second.probability, second.active) == (None, None, True)
    assert [p.for_ for p in s.actors["A"].preconditions] == ["agreement", "talks"]
    # the named threshold is a number of the rule; the rule as evaluated has it in place
    assert unparse(first.template) == "territory >= threshold"
    assert unparse(first.expr) == "territory >= 50"
    assert bool(evaluate(first.expr, {"territory": 50.0})) is True
    assert bool(evaluate(first.expr, {"territory": 49.0})) is False


def test_probability_is_the_uncertainty_entry() -> None:
    s = loads(scenario())
    spec = s.uncertainty["actors.A.red_lines.0.active"]
    assert spec == DistributionSpec.model_validate({"bernoulli": 0.6})
    # written back as the shorthand only, and read back to an equal model
    text = dump(s)
    assert "probability: 0.6" in text
    assert "actors.A.red_lines.0.active" not in text
    assert loads(text).uncertainty == s.uncertainty
    assert loads(text).actors == s.actors


def test_probability_and_the_uncertainty_entry_at_once_are_refused() -> None:
    text = scenario(
        rest="uncertainty:\n  actors.A.red_lines.0.active: {bernoulli: 0.5}\n",
    )
    errs = errors(text)
    line = line_of(text, "probability: 0.6")
    assert any(
        e.startswith(f"s.yaml:{line}:22: actors.A.red_lines.0.probability: give either")
        for e in errs
    ), errs


def test_threshold_paths_in_what_ifs_timeline_and_uncertainty() -> None:
    rest = """\
what_ifs:
  lower: {label: lower, set: {actors.A.red_lines.0.threshold: 30}}
  dropped: {label: dropped, set: {actors.A.red_lines.1.active: false}}
timeline:
  - date: 2024-01-01
    set: {actors.A.red_lines.0.threshold: 40}
uncertainty:
  actors.A.red_lines.0.threshold: {uniform: [40, 60]}
  actors.A.red_lines.1.active: {bernoulli: 0.9}
  facts.referendum: {bernoulli: 0.3}
"""
    s = loads(scenario(rest=rest))
    lower = s.variant("lower").actors["A"].red_lines[0]
    assert lower.threshold == 30.0 and unparse(lower.expr) == "territory >= 30"
    assert s.variant("dropped").actors["A"].red_lines[1].active is False
    moved = s.at(__import__("datetime").date(2024, 6, 1)).actors["A"].red_lines[0]
    assert unparse(moved.expr) == "territory >= 40"
    assert set(s.uncertainty) >= {
        "actors.A.red_lines.0.threshold",
        "actors.A.red_lines.1.active",
        "facts.referendum",
        "actors.A.red_lines.0.active",
    }


def test_resolve_names_the_red_line_judgments() -> None:
    s = loads(scenario())
    active = resolve(s, "actors.A.red_lines.1.active")
    assert (active.kind, active.value, active.role) == ("bool", True, "red_line_active")
    theta = resolve(s, "actors.A.red_lines.0.threshold")
    assert (theta.kind, theta.value, theta.role) == ("number", 50.0, "red_line")
    assert theta.low is None and theta.high is None  # any finite number
    assert theta.check(-1e6) == -1e6
    with pytest.raises(InputError, match="names no threshold; give it 'threshold: NUMBER'"):
        resolve(s, "actors.A.red_lines.1.threshold")
    with pytest.raises(InputError, match=r"A has no red line '7' \(it has 2, numbered 0 to 1"):
        resolve(s, "actors.A.red_lines.7.active")
    with pytest.raises(InputError, match="B has no red line '0' \\(it has none\\)"):
        resolve(s, "actors.B.red_lines.0.active")
    with pytest.raises(InputError, match="did you mean 'active'"):
        resolve(s, "actors.A.red_lines.0.activ")


def test_bad_values_of_the_judgments() -> None:
    s = loads(scenario())
    with pytest.raises(InputError, match="expected true or false"):
        s.with_changes({"actors.A.red_lines.0.active": 1})
    with pytest.raises(InputError, match="expected a number"):
        s.with_changes({"actors.A.red_lines.0.threshold": "high"})


@pytest.mark.parametrize(
    ("red", "needle", "column", "message"),
    [
        (  # threshold given, not used
            "      - rule: territory >= 50\n        threshold: 50\n",
            "threshold: 50",
            9,
            "the rule does not use the name 'threshold'",
        ),
        (  # used, not given
            "      - rule: territory >= threshold\n",
            "rule: territory >= threshold",
            15,
            "unknown name 'threshold'",
        ),
        (  # compared with numbers only
            "      - rule: territory >= 10 or threshold > 3\n        threshold: 5\n",
            "rule: territory",
            15,
            "'threshold' is compared with numbers only",
        ),
        (  # a probability out of range
            "      - rule: territory >= 10\n        probability: 1.5\n",
            "probability: 1.5",
            22,
            "less than or equal to 1",
        ),
    ],
)
def test_red_line_keys_errors_point_at_the_line(
    red: str, needle: str, column: int, message: str
) -> None:
    text = scenario(red=red)
    errs = errors(text)
    line = line_of(text, needle)
    assert any(e.startswith(f"s.yaml:{line}:") and message in e for e in errs), errs


def test_using_threshold_without_the_key_says_how() -> None:
    errs = errors(scenario(red="      - rule: territory >= threshold\n"))
    assert any("give the red line 'threshold: NUMBER'" in e for e in errs), errs


def test_an_issue_called_threshold_cannot_share_the_name() -> None:
    text = scenario().replace(
        "  status: {label",
        "  threshold: {label: T, scale: [0, 1], status_quo: 0}\n  status: {label",
    )
    errs = errors(text)
    assert any("'threshold' is also an issue of this scenario" in e for e in errs), errs


def test_precondition_for_must_be_talks_or_agreement() -> None:
    text = scenario(pre="      - requires: referendum\n        for: signing\n")
    errs = errors(text)
    line = line_of(text, "for: signing")
    assert any(
        e.startswith(f"s.yaml:{line}:14: actors.A.preconditions.0.for: 'signing' is not one of")
        for e in errs
    ), errs


def test_unknown_key_lists_for_by_its_name() -> None:
    errs = errors(scenario(pre="      - requires: referendum\n        fro: agreement\n"))
    assert any("allowed: requires, for, label" in e for e in errs), errs


# ---------------------------------------------------------------------------- bernoulli


def test_bernoulli_forms_and_errors() -> None:
    assert DistributionSpec.model_validate({"bernoulli": 0.3}).params == (0.3,)
    assert DistributionSpec.model_validate({"bernoulli": [0.3]}).params == (0.3,)
    for bad in (1.2, -0.1, "x", [0.1, 0.2], True):
        with pytest.raises(ValueError, match="bernoulli takes"):
            DistributionSpec.model_validate({"bernoulli": bad})
    spec = DistributionSpec.model_validate({"bernoulli": 0.3})
    assert spec.is_boolean and spec.is_discrete and not spec.is_choice
    assert spec.model_dump() == {"bernoulli": 0.3}
    assert spec.check_range(0.0, 1.0) is None
    assert spec.check_range(0.0, 0.5) is not None


@settings(max_examples=30)
@given(p=st.floats(0.0, 1.0))
def test_bernoulli_quantiles_and_moments(p: float) -> None:
    spec = DistributionSpec.model_validate({"bernoulli": p})
    u = np.linspace(0.0, 1.0, 1001)[1:-1]
    x = spec.ppf(u)
    assert set(np.unique(x)) <= {0.0, 1.0}
    assert np.mean(x) == pytest.approx(p, abs=2e-3)  # the inverse CDF puts mass p on 1
    assert spec.mean() == pytest.approx(p)
    assert spec.sd() == pytest.approx(math.sqrt(p * (1 - p)))
    assert float(spec.cdf(0.5)) == pytest.approx(1 - p)
    assert spec.mass_inside(0.0, 1.0) == pytest.approx(1.0)


def test_bernoulli_on_a_number_is_refused() -> None:
    text = scenario(rest="uncertainty:\n  actors.B.positions.territory: {bernoulli: 0.5}\n")
    errs = errors(text)
    assert any("this judgment is a number" in e for e in errs), errs


def test_describe_shows_the_keys_and_the_signing_preconditions() -> None:
    from detente.scenario.describe import describe_scenario

    text = describe_scenario(loads(scenario())).to_text()
    assert "half the land: territory >= threshold (threshold 50; a real red line with " in text
    assert "probability 0.6)" in text
    assert "Preconditions for talks and for signing" in text
    assert "- referendum (for signing)" in text
    assert "- not referendum\n" in text or text.rstrip().endswith("- not referendum")
    talks_only = describe_scenario(loads(scenario(pre="      - requires: referendum\n")))
    assert "Preconditions for talks\n" in talks_only.to_text() + "\n"
    assert "for signing" not in talks_only.to_text()
