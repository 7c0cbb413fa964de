"""Numbers at scale (issue 17 item 2): the margin does not depend on the units of an issue, and
numbers that cannot be represented are errors at their line and column."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.cli import main
from detente.errors import ScenarioError
from detente.readiness import assess, compile_problem, exact_margin, margin_batch
from detente.readiness.levers import find_levers
from detente.scenario import loads

TWO = """\
detente: 1
id: scale
title: One issue at some scale
issues:
  territory: {label: T, scale: [LOW, HIGH], status_quo: SQ}
actors:
  A:
    name: A
    role: party
    veto: true
    capability: 3
    positions: {territory: HIGH}
    salience: {territory: 1}
    no_deal: {outcome: {territory: PA}, cost: CA}
    RED
  B:
    name: B
    role: party
    veto: true
    capability: 1
    positions: {territory: LOW}
    salience: {territory: 1}
    no_deal: {outcome: {territory: PB}, cost: CB}
"""


def scenario_text(
    low: float,
    high: float,
    *,
    sq: float = 0.5,
    pa: float = 0.5,
    pb: float = 0.5,
    ca: float = 0.1,
    cb: float = 0.1,
    red: str = "",
) -> str:
    """Fearon's model on [low, high]; sq, pa, pb are fractions of the way from low to high."""

    def at(t: float) -> str:
        return (
            repr(low + t * (high - low))
            if np.isfinite(high - low)
            else repr(low * (1 - t) + high * t)
        )

    text = TWO.replace("LOW", repr(low)).replace("HIGH", repr(high))
    text = text.replace("SQ", at(sq)).replace("PA", at(pa)).replace("PB", at(pb))
    text = text.replace("CA", repr(ca)).replace("CB", repr(cb))
    return text.replace("    RED\n", f"    red_lines: [{{rule: '{red}'}}]\n" if red else "")


def test_an_issue_up_to_1e20_has_a_zopa() -> None:
    """HiGHS reads bounds of 1e20 as infinite: this was 'red lines cannot all hold'."""
    a = assess(loads(scenario_text(0.0, 1e20, sq=0.0, pa=0.0, pb=0.0)))
    assert a.margin == pytest.approx(0.1, abs=1e-9)
    assert a.verdict == "ripe"
    assert a.closest_deal == {"territory": pytest.approx(0.0, abs=1e12)}


def test_the_widest_scale_does_not_overflow() -> None:
    """The widest scale the loader accepts (high - low just finite) solves without overflow;
    a wider one ([-1e308, 1e308]: high - low is not a float) is an error at its line."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow warning fails the test
        a = assess(loads(scenario_text(-8e307, 8e307)))
        data = a.to_dict()
    assert a.margin == pytest.approx(0.1, abs=1e-8)
    assert data["terms"]["nash"]["territory"] == pytest.approx(0.0, abs=1e300)
    with pytest.raises(ScenarioError, match="scale too wide"):
        loads(scenario_text(-1e308, 1e308))


def test_an_overflowing_coefficient_is_an_error_at_its_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = scenario_text(0.0, 100.0, red="territory * 1e200 * 1e200 >= 1")
    with pytest.raises(ScenarioError, match="too large to represent"):
        loads(text)
    path = tmp_path / "big.yaml"
    path.write_text(text)
    assert main(["assess", str(path)]) == 2
    err = capsys.readouterr().err
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "1e200" in t)
    column = text.splitlines()[line - 1].index("territory * 1e200") + 1
    assert err.startswith(f"detente: error: {path}:{line}:{column}: actors.A.red_lines.0.rule: ")


@pytest.mark.parametrize(
    "rule", ["territory >= 1e400", "territory - 1e308 - 1e308 <= 0", "territory / 1e-320 >= 1"]
)
def test_other_numbers_out_of_range_are_errors(rule: str) -> None:
    with pytest.raises(ScenarioError, match="too large"):
        loads(scenario_text(0.0, 100.0, red=rule))


def test_huge_and_tiny_coefficients_mean_what_they_say() -> None:
    """territory * 1e-200 <= 1e-199 is territory <= 10; territory * 1e200 >= 1e201 is >= 10."""
    plain = exact_margin(compile_problem(loads(scenario_text(0.0, 100.0, red="territory <= 10"))))
    tiny = scenario_text(0.0, 100.0, red="territory * 1e-200 <= 1e-199")
    assert exact_margin(compile_problem(loads(tiny))).margin == pytest.approx(
        plain.margin, abs=1e-9
    )
    plain = exact_margin(compile_problem(loads(scenario_text(0.0, 100.0, red="territory >= 10"))))
    huge = scenario_text(0.0, 100.0, red="territory * 1e200 >= 1e201")
    assert exact_margin(compile_problem(loads(huge))).margin == pytest.approx(
        plain.margin, abs=1e-9
    )


scales = st.sampled_from([1e-9, 1e-3, 1.0, 100.0, 1e6, 1e20, 1e100, 1e300])
offsets = st.sampled_from([0.0, -0.5, 3.0, -1e3])


@settings(max_examples=30, deadline=None)
@given(
    width=scales,
    offset=offsets,
    pa=st.floats(0.0, 1.0),
    pb=st.floats(0.0, 1.0),
    ca=st.floats(0.0, 0.5),
    cb=st.floats(0.0, 0.5),
    threshold=st.floats(0.05, 0.95),
)
def test_the_margin_does_not_depend_on_the_units(
    width: float, offset: float, pa: float, pb: float, ca: float, cb: float, threshold: float
) -> None:
    """Fearon's m* = -G/2 (docs/models.md §2) on [o w, (o + 1) w] for any width w, with a red
    line at the same fraction of the scale, through the exact solver and the fast path."""
    low, high = offset * width, (offset + 1.0) * width
    red = f"territory >= {low + threshold * (high - low)!r}"
    scaled = compile_problem(loads(scenario_text(low, high, pa=pa, pb=pb, ca=ca, cb=cb, red=red)))
    unit = compile_problem(
        loads(
            scenario_text(0.0, 1.0, pa=pa, pb=pb, ca=ca, cb=cb, red=f"territory >= {threshold!r}")
        )
    )
    expected = exact_margin(unit).margin
    assert exact_margin(scaled).margin == pytest.approx(expected, abs=1e-7)
    fast = margin_batch(scaled, np.zeros((1, 0)), [])[0]
    assert fast == pytest.approx(expected, abs=1e-7)


def test_levers_on_a_wide_scale() -> None:
    """A gap on [0, 1e20]: each lever stays in its valid range and opens the ZOPA."""
    problem = compile_problem(loads(scenario_text(0.0, 1e20, pa=0.9, pb=0.1, ca=0.05, cb=0.05)))
    assert exact_margin(problem).margin < 0
    levers = find_levers(problem)
    assert levers
    for lever in levers:
        assert lever.low <= lever.new_value <= lever.high
        assert exact_margin(problem.with_params({lever.path: lever.new_value})).margin >= 0
