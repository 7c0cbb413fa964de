"""The ZOPA box and the red-line intervals against brute force, and on their edge cases."""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rscen import all_red_lines, grid, random_scenario, red_line_mask, reservation, utility

from detente.readiness import assess, compile_problem
from detente.readiness.margin import ZOPA_TOL
from detente.readiness.problem import RedLine
from detente.readiness.zopa import RedLineIntervals, red_line_intervals, zopa_box
from detente.scenario import Scenario, loads
from detente.scenario.expr import All, AnyOf, Formula, LinAtom, atoms
from tests.scenario.minimal import MINIMAL

seeds = st.integers(min_value=0, max_value=2**31 - 1)


def _slack(scenario: Scenario, env: dict[str, np.ndarray]) -> np.ndarray:
    """min over veto parties of u_i - r_i, straight from the scenario (not the engine)."""
    parts = [utility(scenario, a, env) - reservation(scenario, a) for a in scenario.veto_actors]
    n = len(next(iter(env.values())))
    return np.min(parts, axis=0) if parts else np.full(n, np.inf)


def _in_zopa(scenario: Scenario, deal: dict[str, Any]) -> bool:
    # solver output: 1e-9 residues on a non-strict bound are rounded away; a strict bound is
    # kept by an offset of ~1e-5, which survives the rounding
    env = {k: np.array([round(scenario.issues[k].to_number(v), 6)]) for k, v in deal.items()}
    holds = bool(red_line_mask(scenario, env, all_red_lines(scenario))[0])
    return holds and float(_slack(scenario, env)[0]) >= -ZOPA_TOL - 1e-7


@settings(max_examples=40)
@given(seed=seeds)
def test_zopa_box_matches_brute_force(seed: int) -> None:
    scenario = random_scenario(seed)
    a = assess(scenario)
    box = a.zopa_box()
    assert (box is None) == (not a.zopa)
    env = grid(scenario)
    inside = red_line_mask(scenario, env, all_red_lines(scenario))
    inside &= _slack(scenario, env) >= -ZOPA_TOL
    if box is None:
        assert not inside.any()
        return
    # computed again without the closest deal as a start: the same box
    again = zopa_box(compile_problem(scenario))
    assert again is not None
    for r, s in zip(box, again, strict=True):
        issue = scenario.issues[r.issue]
        lo, hi = issue.to_number(r.low), issue.to_number(r.high)
        assert issue.to_number(s.low) == pytest.approx(lo, abs=1e-6)
        assert issue.to_number(s.high) == pytest.approx(hi, abs=1e-6)
        # not too narrow: every grid outcome of the ZOPA lies in the range
        values = env[r.issue][inside]
        assert np.all(values >= lo - 1e-7)
        assert np.all(values <= hi + 1e-7)
        # not too wide: each end is reached by a deal inside the ZOPA
        for deal, end in ((r.at_low, lo), (r.at_high, hi)):
            assert issue.to_number(deal[r.issue]) == end
            assert _in_zopa(scenario, deal)
    assert a.closest_deal is not None
    for k, v in a.closest_deal.items():
        issue = scenario.issues[k]
        r = box[k]
        assert issue.to_number(r.low) - 1e-7 <= issue.to_number(v) <= issue.to_number(r.high) + 1e-7


def _allowed(spans: RedLineIntervals, issue: str, actor: str, index: int, v: float) -> bool:
    span = next(s for s in spans.for_issue(issue) if (s.actor, s.index) == (actor, index))
    inside = any(i.contains(v) for i in span.allowed)
    # allowed and excluded split the issue's values
    assert inside != any(i.contains(v) for i in span.excluded)
    return inside


@settings(max_examples=40)
@given(seed=seeds)
def test_red_line_intervals_match_brute_force(seed: int) -> None:
    """On the grid (which holds every threshold), a value is allowed exactly when some grid
    outcome with that value meets the red line."""
    scenario = random_scenario(seed)
    spans = red_line_intervals(compile_problem(scenario))
    env = grid(scenario)
    named = {(s.actor, s.index, s.issue) for s in spans}
    for actor, index in all_red_lines(scenario):
        holds = red_line_mask(scenario, env, [(actor, index)])
        for issue in scenario.issues:
            if (actor, index, issue) not in named:
                continue
            for v in np.unique(env[issue]):
                expected = bool(holds[env[issue] == v].any())
                assert _allowed(spans, issue, actor, index, float(v)) == expected, (issue, v)


def _minimal_with(rule: str) -> RedLineIntervals:
    return red_line_intervals(compile_problem(loads(MINIMAL.replace("territory >= 50", rule))))


def _excluded(spans: RedLineIntervals, issue: str) -> list[tuple[float, float, bool, bool]]:
    (span,) = [s for s in spans.for_issue(issue) if s.actor == "UKR"]
    return [(i.low, i.high, i.low_closed, i.high_closed) for i in span.excluded]


@pytest.mark.parametrize(
    ("rule", "excluded"),
    [
        ("territory >= 50", [(0.0, 50.0, True, False)]),
        ("territory > 0", [(0.0, 0.0, True, True)]),  # a single value at the scale's end
        ("territory < 100", [(100.0, 100.0, True, True)]),
        ("territory != 50", [(50.0, 50.0, True, True)]),
        ("territory == 50", [(0.0, 50.0, True, False), (50.0, 100.0, False, True)]),
        ("territory >= 0", []),  # holds everywhere
        ("territory > 100", [(0.0, 100.0, True, True)]),  # holds nowhere
        ("territory <= 20 or territory >= 80", [(20.0, 80.0, False, False)]),
        ("2 * territory > 100", [(0.0, 50.0, True, True)]),
        ("-territory >= -30", [(30.0, 100.0, False, True)]),
    ],
)
def test_one_issue_red_lines(rule: str, excluded: list[tuple[float, float, bool, bool]]) -> None:
    assert _excluded(_minimal_with(rule), "territory") == excluded


def test_option_red_lines_exclude_ranks() -> None:
    spans = _minimal_with('crimea != "deferred"')
    assert _excluded(spans, "crimea") == [(1.0, 1.0, True, True)]
    russian = red_line_intervals(compile_problem(loads(MINIMAL)))
    (span,) = [s for s in russian.for_issue("crimea") if s.actor == "RUS"]
    assert [(i.low, i.high) for i in span.excluded] == [(1.0, 2.0)]  # deferred and ukrainian


def test_a_red_line_on_two_issues_excludes_only_what_no_choice_saves() -> None:
    spans = _minimal_with('territory >= 50 or crimea == "deferred"')
    assert _excluded(spans, "territory") == []  # crimea deferred meets it whatever the land
    assert _excluded(spans, "crimea") == []  # half the land meets it whatever crimea is
    spans = _minimal_with('territory >= 50 and crimea != "russian"')
    assert _excluded(spans, "territory") == [(0.0, 50.0, True, False)]
    assert _excluded(spans, "crimea") == [(0.0, 0.0, True, True)]
    spans = _minimal_with('territory > 100 and crimea == "deferred"')  # never holds
    assert _excluded(spans, "crimea") == [(0.0, 2.0, True, True)]


TWO_SCALES = MINIMAL.replace(
    "  crimea:\n",
    "  sanctions:\n    label: Sanctions lifted\n    scale: [0, 100]\n    status_quo: 0\n  crimea:\n",
)


@pytest.mark.parametrize(
    ("rule", "excluded"),
    [
        ("territory + sanctions <= 100", []),
        ("territory - sanctions >= 50", [(0.0, 50.0)]),
        ("territory + sanctions >= 150", [(0.0, 50.0)]),
        ("territory + sanctions > 150", [(0.0, 50.0)]),  # strict: read as the margin model does
        ("territory - 2 * sanctions == 40", [(0.0, 40.0)]),
    ],
)
def test_atoms_on_two_scales(rule: str, excluded: list[tuple[float, float]]) -> None:
    scenario = loads(TWO_SCALES.replace("territory >= 50", rule))
    spans = red_line_intervals(compile_problem(scenario))
    (span,) = [s for s in spans.for_issue("territory") if s.actor == "UKR"]
    got = [e for i in span.excluded for e in (i.low, i.high)]
    assert got == pytest.approx([e for pair in excluded for e in pair], abs=1e-4)


# ---- atoms mixing a scale and an option issue, on the problem directly --------------------

_atom = st.tuples(
    st.sampled_from([-2.0, -1.0, 1.0, 2.0]),
    st.sampled_from([-30.0, -20.0, -10.0, 0.0, 10.0, 20.0, 30.0]),
    st.sampled_from(["<=", "<", "=="]),
    st.integers(min_value=-10, max_value=30).map(lambda r: 5.0 * r),
)
_formula = st.lists(st.lists(_atom, min_size=1, max_size=2), min_size=1, max_size=2)


def _holds(atoms: list[tuple[float, float, str, float]], t: np.ndarray, c: float) -> np.ndarray:
    ok = np.ones_like(t, dtype=bool)
    for a, b, sense, r in atoms:
        lhs = a * t + b * c
        ok &= {"<=": lhs <= r, "<": lhs < r, "==": lhs == r}[sense]
    return ok


@settings(max_examples=40)
@given(terms=_formula)
def test_mixed_atoms_match_brute_force(terms: list[list[tuple[float, float, str, float]]]) -> None:
    """Atoms over territory (scale) and crimea (3 options): the projection onto territory may
    have holes between the options' pieces; it is exact at every grid point away from an end
    (a strict end is read as the margin model reads it, a little inside)."""
    problem = compile_problem(loads(MINIMAL))

    def atom(a: float, b: float, sense: str, r: float) -> LinAtom:
        coef = {name: c for name, c in (("territory", a), ("crimea", b)) if c != 0.0}
        return LinAtom(coef, sense, r)  # type: ignore[arg-type]

    formula: Formula = AnyOf(tuple(All(tuple(atom(*x) for x in term)) for term in terms))
    paths = tuple(f"r.{i}" for i in range(len(atoms(formula))))
    rule = RedLine(0, 0, "r", "r", formula, paths)
    spans = red_line_intervals(dataclasses.replace(problem, red_lines=(rule,)))
    t = np.arange(0.0, 100.0 + 1e-9, 0.25)
    expected = np.zeros_like(t, dtype=bool)
    for term, c in itertools.product(terms, (0.0, 1.0, 2.0)):
        expected |= _holds(term, t, c)
    by_issue = {s.issue: s for s in spans}
    if "territory" not in by_issue:
        assert expected.all() or not expected.any()
        return
    span = by_issue["territory"]
    ends = [e for i in span.allowed for e in (i.low, i.high)]
    for v, want in zip(t, expected, strict=True):
        if any(abs(v - e) < 1e-3 for e in ends):
            continue
        assert any(i.contains(v) for i in span.allowed) == bool(want), v
    crimea = by_issue.get("crimea")
    if crimea is None:  # no atom names crimea
        assert all(b == 0.0 for term in terms for _, b, _, _ in term)
        return
    for c in (0.0, 1.0, 2.0):
        want = any(_holds(term, t, c).any() for term in terms)
        # the reference samples territory on the grid; every threshold (r - b c) / a lies on it
        assert any(i.contains(c) for i in crimea.allowed) == want, c
