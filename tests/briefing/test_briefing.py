"""The briefing holds the engines' numbers; the red-line zones are exact."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.briefing import SECTIONS, Briefing, build_briefing, markdown, render_html
from detente.briefing.briefing import _forbidden_zones
from detente.errors import InputError
from detente.readiness import assess
from detente.scenario import Scenario, loads
from tests.scenario.minimal import MINIMAL


def test_verdict_and_numbers_come_from_the_assessment(
    minimal: Scenario, minimal_briefing: Briefing
) -> None:
    a = assess(minimal)
    b = minimal_briefing
    assert b.verdict == a.verdict
    assert b.headline == a.headline()
    assert b.margin == a.margin
    assert b.zopa == a.zopa
    shortfalls = b.charts["shortfalls"]["shortfalls"]
    assert dict(zip(shortfalls["actor"], shortfalls["shortfall"], strict=True)) == a.shortfalls
    assert [w.name for w in b.what_ifs] == ["(base)", "pressure"]
    variant = assess(minimal.variant("pressure"))
    assert b.what_ifs[1].verdict == variant.verdict
    assert b.what_ifs[1].margin == variant.margin


def test_actor_cards_keep_every_judgment_with_its_source(minimal_briefing: Briefing) -> None:
    cards = {c.id: c for c in minimal_briefing.actors}
    assert list(cards) == ["UKR", "RUS", "USA"]
    ukr = cards["UKR"]
    assert ukr.veto and ukr.role == "party"
    assert ukr.red_lines[0].text == "No ceding of most territory"
    assert ukr.red_lines[0].detail == "territory >= 50"
    assert ukr.red_lines[0].source == "art"
    assert ukr.preconditions[0].status == "not met"  # security_commitments_offered is false
    assert cards["RUS"].preconditions[0].status == "not met"  # sanctions tightened
    assert ukr.no_deal is not None and "6 months" in ukr.no_deal.text
    assert ukr.considerations[0].quote == "seeking total victory"
    assert [s.id for s in minimal_briefing.sources] == ["art"]


def test_negotiation_space_layers(minimal_briefing: Briefing) -> None:
    space = minimal_briefing.charts["space"]
    territory = space["territory"]
    pos = territory[territory["layer"] == "position"].set_index("actor")
    assert pos.loc["UKR", "x"] == 100.0
    assert pos.loc["UKR", "size"] == pytest.approx(30 * 1.0)  # capability x salience
    assert pos.loc["USA", "size"] == pytest.approx(1.0 * 0.5)  # default capability, salience
    red = territory[territory["layer"] == "red_line"]
    assert red[["x", "x2"]].to_numpy().tolist() == [[0.0, 50.0]]  # territory >= 50
    crimea = space["crimea"]
    red = crimea[crimea["layer"] == "red_line"]
    assert red[["x", "x2"]].to_numpy().tolist() == [[0.5, 2.5]]  # crimea == "russian"
    no_deal = territory[territory["layer"] == "no_deal"].set_index("actor")
    assert no_deal.loc["UKR", "x"] == 40.0
    methods = set(territory.loc[territory["layer"] == "forecast", "actor"])
    assert methods == {"mean", "median", "nash", "eum"}


def test_missing_strategy_is_reported_not_raised(minimal_briefing: Briefing) -> None:
    assert minimal_briefing.graph_text is None
    assert "strategy" in minimal_briefing.unavailable["graph"]
    assert "montecarlo" in minimal_briefing.unavailable
    html = render_html(minimal_briefing, svgs={})
    assert "the scenario has no strategy section" in html


def test_sections_can_be_chosen(minimal: Scenario) -> None:
    b = build_briefing(minimal, sections=["shortfalls"])
    assert set(b.charts) == {"shortfalls"}
    with pytest.raises(InputError, match="did you mean 'levers'"):
        build_briefing(minimal, sections=["lever"])
    assert "timeline" in SECTIONS


def test_as_of_applies_the_timeline(minimal: Scenario) -> None:
    import datetime as dt

    on = build_briefing(minimal.at(dt.date(2022, 12, 1)), sections=())
    ukr = next(c for c in on.actors if c.id == "UKR")
    assert ukr.preconditions[0].status == "met"  # commitments offered on 1 December
    assert on.as_of == "2022-12-01"
    assert [s.date for s in on.statements] == ["2022-11-09", "2022-12-01"]
    off = build_briefing(minimal.at(dt.date(2022, 12, 2)), sections=())
    assert next(c for c in off.actors if c.id == "UKR").preconditions[0].status == "not met"


def test_markdown_summary(minimal_briefing: Briefing) -> None:
    text = markdown(minimal_briefing)
    assert text.startswith("# Example talks")
    assert minimal_briefing.verdict_label in text
    assert "| Issue | Value |" in text or not minimal_briefing.closest_deal
    assert "## Sources" in text


def test_to_dict_is_json(minimal_briefing: Briefing) -> None:
    import json

    data = minimal_briefing.to_dict()
    json.dumps(data, allow_nan=False)
    assert data["verdict"] == minimal_briefing.verdict


# ---- red-line zones against brute force ---------------------------------------------------

SCALE = MINIMAL  # territory: scale [0, 100]; crimea: 3 options


def _scenario_with_rule(rule: str) -> Scenario:
    text = MINIMAL.replace("rule: territory >= 50", f"rule: {rule}")
    return loads(text)


@settings(max_examples=40)
@given(
    op=st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
    threshold=st.integers(min_value=-10, max_value=110),
    scale=st.sampled_from([1, 2, -1]),
)
def test_zones_match_brute_force(op: str, threshold: int, scale: int) -> None:
    rule = f"{scale} * territory {op} {threshold}"
    s = _scenario_with_rule(rule)
    issue = s.issues["territory"]
    zones = _forbidden_zones("territory", issue, s.actors["UKR"].red_lines[0].expr)
    grid = np.linspace(0.0, 100.0, 2001)
    value = scale * grid
    holds = {
        "<": value < threshold,
        "<=": value <= threshold,
        ">": value > threshold,
        ">=": value >= threshold,
        "==": value == threshold,
        "!=": value != threshold,
    }[op]
    inside = np.zeros_like(grid, dtype=bool)
    for a, b in zones:
        inside |= (grid >= a) & (grid <= b)
    # every excluded point lies in a zone, every point strictly inside a zone is excluded
    assert not np.any(~holds & ~inside)
    for a, b in zones:
        strictly = (grid > a) & (grid < b)
        assert not np.any(holds & strictly)
        if a == b:
            assert not holds[np.argmin(np.abs(grid - a))]


def test_zones_skip_rules_on_several_issues() -> None:
    s = _scenario_with_rule('territory >= 50 or crimea == "deferred"')
    issue = s.issues["territory"]
    assert _forbidden_zones("territory", issue, s.actors["UKR"].red_lines[0].expr) == []


def test_strict_bound_at_the_edge_is_a_point() -> None:
    s = _scenario_with_rule("territory > 0")
    zones = _forbidden_zones("territory", s.issues["territory"], s.actors["UKR"].red_lines[0].expr)
    assert zones == [(0.0, 0.0)]
    assert not math.isnan(zones[0][0])


def test_monte_carlo_section(minimal: Scenario) -> None:
    from detente.uncertainty.simulate import simulate

    b = build_briefing(minimal, simulate=300, sections=["montecarlo"])
    assert "montecarlo" not in b.unavailable
    tables = b.charts["montecarlo"]
    direct = simulate(minimal, n=300, engine="readiness")
    verdict = next(c for c in direct.categorical if c.output == "verdict")
    got = dict(zip(tables["verdicts"]["verdict"], tables["verdicts"]["probability"], strict=True))
    assert sum(got.values()) == pytest.approx(1.0)
    assert got["Not ripe"] == pytest.approx(verdict.probability("not_ripe").probability)
    margin = next(x for x in direct.numeric if x.output == "margin")
    assert tables["margin"]["margin"].tolist() == [v for _, v in margin.quantiles]
    assert b.simulation_text is not None and "Monte Carlo" in b.simulation_text
    assert "drivers" in tables


def test_a_ripe_scenario_shows_the_zopa_band_and_the_nash_point(minimal: Scenario) -> None:
    ripe = minimal.with_changes(
        {
            "actors.UKR.no_deal.cost": 0.6,
            "actors.RUS.no_deal.cost": 0.6,
            "facts.sanctions_tightened": False,
            "facts.security_commitments_offered": True,
        }
    )
    a = assess(ripe)
    assert a.verdict == "ripe" and a.terms is not None
    b = build_briefing(ripe, sections=["space", "levers"])
    assert b.verdict_label == "Ripe" and b.margin_text == f"margin {a.margin:+.3f}"
    territory = b.charts["space"]["territory"]
    band = territory[territory["layer"] == "zopa"][["x", "x2"]].to_numpy().tolist()
    assert len(band) == 1
    lo, hi = band[0]
    assert lo >= 50.0  # UKR's red line: territory >= 50
    assert lo <= a.terms.nash["territory"] <= hi  # type: ignore[operator]
    nash = territory[territory["layer"] == "nash"]["x"].tolist()
    assert nash == [pytest.approx(a.terms.nash["territory"])]
    assert b.nash[0] == (
        "Land returned",
        ripe.issues["territory"].describe(a.terms.nash["territory"]),
    )
    assert b.nash[1] == ("Status of Crimea", a.terms.nash["crimea"])
    assert "levers" in b.unavailable  # nothing to open: a ZOPA exists
    html = render_html(b)
    assert 'data-chart="space"' in html and "Nash bargaining solution" in html


def test_every_chart_spec_is_valid_vega_lite(minimal: Scenario, flagship_path: Path) -> None:
    """The renderer skips Altair's validation for speed; here every kind is validated once."""
    from detente.briefing import chart_for
    from detente.scenario import load

    tables = dict(build_briefing(minimal, simulate=200).charts)
    if flagship_path.exists():
        tables.update(build_briefing(load(flagship_path), sections=["graph"]).charts)
    assert {
        "space",
        "shortfalls",
        "whatifs",
        "trajectories",
        "quadrant",
        "timeline",
        "montecarlo",
    } <= set(tables)
    for kind, data in tables.items():
        spec = chart_for(kind, data).to_dict(validate=True)
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
