"""Nash terms against a brute-force grid computed straight from the scenario (docs/models.md §1).

The engine's terms (``assess(...).terms``) must meet every veto party's red lines, leave every
party at least its no-deal value, and be at least as good as every grid outcome in the ZOPA for
the symmetric (Nash 1950) and the capability-weighted (Kalai 1977) objective.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rnash import betas, brute_nash, deal_env, meets_red_lines, nash_scenario, nash_value
from rscen import reservation, utility

from detente.readiness import assess, compile_problem, exact_margin
from detente.readiness.nash import solve_nash
from detente.scenario import Scenario, loads

PINNED = """\
detente: 1
id: pinned-weighted-nash
title: Weighted Nash with a low-weight party near its floor
issues:
  share: {label: Share, scale: [0, 1], status_quo: 0.5}
  flag: {label: Flag, options: [a, m, b], status_quo: m}
actors:
  A:
    name: A
    role: party
    veto: true
    capability: 20
    positions: {share: 1, flag: a}
    salience: {share: 0.75, flag: 0.25}
    no_deal: {outcome: {share: 0.5}, cost: 0.43}
  B:
    name: B
    role: party
    veto: true
    capability: 1
    positions: {share: 0, flag: b}
    salience: {share: 0.23, flag: 0.77}
    no_deal: {outcome: {share: 0.5}, cost: 0.27}
"""


def _check_terms(scenario: Scenario) -> int:
    """Check both Nash solutions of a scenario against the grid; the number checked."""
    a = assess(scenario)
    if a.terms is None or a.margin is None or a.margin <= 1e-9:
        return 0
    checked = 0
    for name, weighted in (("nash", False), ("nash_weighted", True)):
        beta = betas(scenario, weighted=weighted)
        best = brute_nash(scenario, beta)
        if best == -np.inf:
            continue  # no grid outcome inside the ZOPA: nothing to compare with
        env = deal_env(scenario, getattr(a.terms, name))
        assert meets_red_lines(scenario, env, tol=1e-6), name
        for actor in scenario.veto_actors:
            assert utility(scenario, actor, env)[0] >= reservation(scenario, actor) - 1e-9
        value = float(nash_value(scenario, env, beta)[0])
        assert value >= best - 1e-7, (name, value, best)
        checked += 1
    assert not a.terms.undetermined
    return checked


def test_pinned_case_weighted_nash() -> None:
    """The case the old cutting-plane relaxation got wrong: B's surplus at the weighted optimum
    (0.155) is under 0.35 m* (m* = 0.573), which its first tangent and floor forbade."""
    scenario = loads(PINNED)
    a = assess(scenario)
    assert a.terms is not None
    deal = a.terms.nash_weighted
    assert deal["flag"] == "m"
    assert deal["share"] == pytest.approx(1.0, abs=1e-6)
    beta = betas(scenario, weighted=True)
    value = float(nash_value(scenario, deal_env(scenario, deal), beta)[0])
    old = float(nash_value(scenario, deal_env(scenario, {"share": 1.0, "flag": "b"}), beta)[0])
    assert value == pytest.approx(-0.2954, abs=1e-4)
    assert old == pytest.approx(-0.3966, abs=1e-4)
    assert value >= brute_nash(scenario, beta) - 1e-9
    assert _check_terms(scenario) == 2


def test_certificate_closes_the_gap() -> None:
    problem = compile_problem(loads(PINNED))
    found = solve_nash(problem, weights=problem.capability.tolist())
    assert found is not None and found.determined
    assert 0.0 <= found.gap <= 1e-8


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**31 - 1))
# Cases the cutting-plane relaxation that this replaced got wrong (7 of 892 checks of seeds
# 0-599): weighted in 138, 292, 397, 403; both, symmetric by 0.06, in 563.
@example(seed=138)
@example(seed=292)
@example(seed=397)
@example(seed=403)
@example(seed=563)
def test_nash_terms_match_a_brute_force_grid(seed: int) -> None:
    _check_terms(nash_scenario(seed))


def test_the_random_cases_do_test_something() -> None:
    """The generator gives ZOPAs with interior points on the grid (else the property is idle)."""
    assert sum(_check_terms(nash_scenario(seed)) for seed in range(12)) >= 8


def test_no_interior_means_no_nash_point() -> None:
    """A ZOPA that is a single point (m* = 0): the Nash objective is -inf everywhere."""
    text = PINNED.replace("cost: 0.43", "cost: 0.0").replace("cost: 0.27", "cost: 0.0")
    for old, new in (
        ("share: 0.75, flag: 0.25", "share: 1"),
        ("share: 0.23, flag: 0.77", "share: 1"),
    ):
        text = text.replace(old, new)
    text = text.replace("share: 1, flag: a}", "share: 1}").replace(
        "share: 0, flag: b}", "share: 0}"
    )
    problem = compile_problem(loads(text))
    base = exact_margin(problem)
    assert base.margin == pytest.approx(0.0, abs=1e-9)
    assert solve_nash(problem, base=base) is None
