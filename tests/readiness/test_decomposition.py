"""Where the margin comes from: the decomposition adds up; stakes against a brute-force grid."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdata import BASE
from rscen import all_red_lines, grid, grid_error, random_scenario, red_line_mask, utility

from detente.readiness import assess, compile_problem, exact_margin
from detente.readiness.decomposition import issue_utilities, margin_sources, utility_range
from detente.scenario import loads

seeds = st.integers(min_value=0, max_value=2**31 - 1)


@settings(max_examples=30, deadline=None)
@given(seed=seeds)
def test_the_decomposition_sums_to_each_partys_surplus(seed: int) -> None:
    scenario = random_scenario(seed, max_actors=4)
    problem = compile_problem(scenario)
    result = exact_margin(problem)
    if result.x is None:
        return
    sources = margin_sources(problem, result.x, stakes=False)
    surplus = problem.utility(result.x) - problem.reservation()
    for a, party in enumerate(sources.parties):
        total = sum(party.issues.values()) + party.cost
        assert total == pytest.approx(party.surplus, abs=1e-12)
        assert party.surplus == pytest.approx(float(surplus[a]), abs=1e-12)
    assert sources.margin == pytest.approx(result.margin, abs=1e-9)
    # the issue terms are the utilities' own issue terms, here against the no-deal outcome
    here = issue_utilities(problem, result.x)
    assert np.allclose(here.sum(axis=1), problem.utility(result.x), atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(seed=seeds)
def test_stakes_against_a_grid(seed: int) -> None:
    """The exact utility range over the red-line-feasible outcomes brackets the grid's."""
    scenario = random_scenario(seed, max_actors=3, max_issues=2)
    problem = compile_problem(scenario)
    env = grid(scenario)
    ok = red_line_mask(scenario, env, all_red_lines(scenario))
    ranges = utility_range(problem)
    if not ok.any():
        # no grid point: the exact solver may still find a sliver (a strict bound), or none
        return
    assert ranges is not None
    lo, hi = ranges
    err = grid_error(scenario)
    for a, actor in enumerate(problem.actors):
        u = utility(scenario, actor, env)[ok]
        assert lo[a] <= u.min() + 1e-7 and u.max() <= hi[a] + 1e-7
        assert u.min() <= lo[a] + err and hi[a] <= u.max() + err


def test_the_base_example_in_words() -> None:
    a = assess(loads(BASE))
    sources = a.margin_sources
    assert sources is not None
    assert [p.actor for p in sources.parties] == list(compile_problem(loads(BASE)).actors)
    assert min(p.surplus for p in sources.parties) == pytest.approx(a.margin, abs=1e-9)
    for p in sources.parties:
        assert p.stake is not None and 0 < p.stake <= 1 + 1e-9
        assert p.relative == pytest.approx(p.surplus / p.stake)
    assert sources.relative_margin == min(p.relative for p in sources.parties)  # type: ignore[type-var]
    text = sources.explain()
    assert text.startswith("Where the margin comes from")
    data = a.to_dict()["margin_sources"]
    assert set(data) == {"margin", "relative_margin", "parties"}
    assert set(data["parties"][0]) >= {"surplus", "issues", "cost", "stake", "relative_surplus"}


def test_no_closest_deal_no_decomposition() -> None:
    # no outcome meets 'land < 0' on a scale from 0: no closest deal, so nothing to decompose
    text = BASE.replace("red_lines:", "red_lines:\n      - rule: land < 0", 1)
    a = assess(loads(text))
    assert a.margin is None
    assert a.margin_sources is None
    assert a.to_dict()["margin_sources"] is None
