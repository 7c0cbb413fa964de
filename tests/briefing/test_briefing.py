"""The briefing holds the engines' numbers and regions, worded once."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pytest

from detente.briefing import SECTIONS, Briefing, build_briefing, markdown, render_html
from detente.briefing.sections.gap import Levers, WhatIfs
from detente.briefing.sections.montecarlo import MonteCarlo
from detente.briefing.sections.space import Space
from detente.briefing.sections.timeline import Timeline
from detente.errors import InputError
from detente.readiness import assess
from detente.scenario import Scenario, loads
from tests.scenario.minimal import MINIMAL


def test_verdict_and_numbers_come_from_the_assessment(
    minimal: Scenario, minimal_briefing: Briefing
) -> None:
    a = assess(minimal)
    s = minimal_briefing.summary
    assert (s.verdict, s.headline, s.margin, s.zopa) == (a.verdict, a.headline(), a.margin, a.zopa)
    assert s.explanation == a.explain()
    shortfalls = minimal_briefing.charts["shortfalls"]["shortfalls"]
    assert dict(zip(shortfalls["actor"], shortfalls["shortfall"], strict=True)) == a.shortfalls
    what_ifs = minimal_briefing.get("whatifs", WhatIfs)
    assert what_ifs is not None
    assert [w.name for w in what_ifs.rows] == ["(base)", "pressure"]
    variant = assess(minimal.variant("pressure"))
    assert (what_ifs.rows[1].verdict, what_ifs.rows[1].margin) == (variant.verdict, variant.margin)


def test_actor_cards_keep_every_judgment_with_its_source(minimal_briefing: Briefing) -> None:
    cards = {c.id: c for c in minimal_briefing.actors.cards}
    assert list(cards) == ["UKR", "RUS", "USA"]
    ukr = cards["UKR"]
    assert ukr.veto and ukr.role == "party"
    assert ukr.red_lines[0].text == "No ceding of most territory"
    assert ukr.red_lines[0].detail == "territory >= 50"
    assert ukr.red_lines[0].source == "art"
    assert ukr.preconditions[0].status == "not met"  # security_commitments_offered is false
    assert cards["RUS"].preconditions[0].status == "not met"  # sanctions tightened
    assert ukr.no_deal is not None
    assert (
        ukr.no_deal.text
        == "Expects Land returned: 40 % (horizon: 6 months). Cost of fighting on: 0.15."
    )
    assert ukr.considerations[0].quote == "\u201cseeking total victory\u201d"
    assert [s.id for s in minimal_briefing.sources.sources] == ["art"]


def test_negotiation_space_layers(minimal: Scenario, minimal_briefing: Briefing) -> None:
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
    # the shaded zones are the engine's, cell for cell
    spans = assess(minimal).red_line_intervals()
    drawn = {
        (row.actor, k, row.x, row.x2)
        for k, frame in space.items()
        for row in frame[frame["layer"] == "red_line"].itertuples()
    }
    width = {k: 0.5 if minimal.issues[k].options else 0.0 for k in minimal.issues}
    assert drawn == {
        (s.actor, s.issue, i.low - width[s.issue], i.high + width[s.issue])
        for s in spans
        for i in s.excluded
    }


def test_no_zopa_is_said_and_not_drawn(minimal_briefing: Briefing) -> None:
    space = minimal_briefing.get("space", Space)
    assert space is not None and not space.zopa and space.zopa_ranges == ()
    assert not any((f["layer"] == "zopa").any() for f in space.charts["space"].values())
    caption = space.captions["space"]
    assert f"no ZOPA ({minimal_briefing.summary.margin_text})" in caption
    assert "Nash" not in caption  # there is no Nash solution without a ZOPA


def test_missing_strategy_is_reported_not_raised(minimal_briefing: Briefing) -> None:
    assert "graph" not in minimal_briefing.sections
    assert "strategy" in minimal_briefing.unavailable["graph"]
    assert "montecarlo" in minimal_briefing.unavailable
    html = render_html(minimal_briefing, svgs={})
    assert "the scenario has no strategy section" in html


def test_sections_can_be_chosen(minimal: Scenario) -> None:
    b = build_briefing(minimal, sections=["shortfalls"])
    assert set(b.charts) == {"shortfalls"}
    assert set(b.sections) == {"summary", "actors", "shortfalls", "sources"}
    assert build_briefing(minimal, sections="shortfalls").sections.keys() == b.sections.keys()
    with pytest.raises(InputError, match="did you mean 'levers'"):
        build_briefing(minimal, sections=["lever"])
    assert "timeline" in SECTIONS


def test_as_of_applies_the_timeline(minimal: Scenario) -> None:
    on = build_briefing(minimal.at(dt.date(2022, 12, 1)), sections=["timeline"])
    ukr = next(c for c in on.actors.cards if c.id == "UKR")
    assert ukr.preconditions[0].status == "met"  # commitments offered on 1 December
    assert on.as_of == "2022-12-01"
    timeline = on.get("timeline", Timeline)
    assert timeline is not None
    assert [s.date for s in timeline.statements] == ["2022-11-09", "2022-12-01"]
    # the readiness series replays the file's timeline: not on a scenario already moved
    assert timeline.points == () and timeline.series_note is not None
    off = build_briefing(minimal.at(dt.date(2022, 12, 2)), sections=())
    assert next(c for c in off.actors.cards if c.id == "UKR").preconditions[0].status == "not met"


def test_the_timeline_of_the_scenario_as_loaded(minimal_briefing: Briefing) -> None:
    from detente.timeline import readiness_series

    timeline = minimal_briefing.get("timeline", Timeline)
    assert timeline is not None and timeline.series_note is None
    series = readiness_series(loads(MINIMAL))
    assert [(t.date, t.verdict, t.margin) for t in timeline.points] == [
        (p.date.isoformat(), p.verdict, p.margin) for p in series.points
    ]


def test_markdown_says_the_verdict_once(minimal_briefing: Briefing) -> None:
    text = markdown(minimal_briefing)
    assert text.startswith("# Example talks")
    label = minimal_briefing.summary.verdict_label
    verdict_line = next(line for line in text.splitlines() if line.startswith("**"))
    assert verdict_line.startswith(f"**{label}**: ")
    assert verdict_line.count(label) == 1
    assert "| Issue | Value |" in text
    assert "## Sources" in text


def test_the_page_says_the_verdict_once(minimal_briefing: Briefing) -> None:
    import html
    import re

    page = render_html(minimal_briefing, svgs={})
    verdict = re.search(r'<section class="verdict.*?</section>', page, flags=re.S)
    assert verdict is not None
    s = minimal_briefing.summary
    assert verdict.group(0).count(s.verdict_label) == 1
    assert s.headline == f"{s.verdict_label}: {s.reason}"
    assert html.escape(s.reason[:1].upper() + s.reason[1:]) in verdict.group(0)


def test_to_dict_is_json(minimal_briefing: Briefing) -> None:
    data = minimal_briefing.to_dict()
    json.dumps(data, allow_nan=False)
    assert data["sections"]["summary"]["verdict"] == minimal_briefing.summary.verdict


def test_monte_carlo_section(minimal: Scenario) -> None:
    from detente.uncertainty.simulate import simulate

    b = build_briefing(minimal, simulate=300, sections=["montecarlo"])
    section = b.get("montecarlo", MonteCarlo)
    assert section is not None
    tables = section.charts["montecarlo"]
    direct = simulate(minimal, n=300, engine="readiness")
    verdict = next(c for c in direct.categorical if c.output == "verdict")
    got = dict(zip(tables["verdicts"]["verdict"], tables["verdicts"]["probability"], strict=True))
    assert sum(got.values()) == pytest.approx(1.0)
    assert got["Not ripe"] == pytest.approx(verdict.probability("not_ripe").probability)
    margin = next(x for x in direct.numeric if x.output == "margin")
    assert tables["margin"]["margin"].tolist() == [v for _, v in margin.quantiles]
    assert section.text.startswith("Monte Carlo over")
    assert "drivers" in tables


CLASH = MINIMAL.replace('rule: crimea == "russian"', "rule: territory < 20")


def test_clashing_red_lines_are_worded_as_such() -> None:
    """Red lines that cannot hold together: no closest deal, no Nash solution, no '-inf'."""
    scenario = loads(CLASH)
    b = build_briefing(scenario, simulate=200, sections=["space", "montecarlo", "shortfalls"])
    s = b.summary
    assert s.margin is None and s.margin_text == "red lines clash"
    assert s.closest_deal == () and s.nash == () and s.clashes
    caption = b.captions["space"]
    assert "closest deal" not in caption and "Nash" not in caption
    assert "no ZOPA (red lines clash)" in caption
    assert "shortfalls" in b.unavailable
    text = render_html(b, svgs={}) + markdown(b)
    assert "inf" not in text.replace("info", "")


def test_a_ripe_scenario_shows_the_zopa_range_and_the_nash_solution(minimal: Scenario) -> None:
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
    box = a.zopa_box()
    assert box is not None
    b = build_briefing(ripe, sections=["space", "levers"])
    assert b.summary.verdict_label == "Ripe" and b.summary.margin_text == f"margin {a.margin:+.3f}"
    territory = b.charts["space"]["territory"]
    band = territory[territory["layer"] == "zopa"][["x", "x2"]].to_numpy().tolist()
    assert band == [[box["territory"].low, box["territory"].high]]
    crimea = b.charts["space"]["crimea"]
    band = crimea[crimea["layer"] == "zopa"][["x", "x2"]].to_numpy().tolist()
    rank = ripe.issues["crimea"].rank
    assert band == [[rank(str(box["crimea"].low)) - 0.5, rank(str(box["crimea"].high)) + 0.5]]
    assert box["territory"].low <= a.terms.nash["territory"] <= box["territory"].high  # type: ignore[operator]
    nash = territory[territory["layer"] == "nash"]["x"].tolist()
    assert nash == [pytest.approx(a.terms.nash["territory"])]
    assert b.summary.nash[0] == (
        "Land returned",
        ripe.issues["territory"].describe(a.terms.nash["territory"]),
    )
    assert b.summary.nash[1] == ("Status of Crimea", a.terms.nash["crimea"])
    assert "levers" in b.unavailable  # nothing to open: a ZOPA exists
    html = render_html(b)
    assert 'data-chart="space"' in html and "Nash solution in the ZOPA" in html
    assert "The range of the ZOPA" in html


def test_levers_are_measured_in_standard_deviations(minimal: Scenario) -> None:
    levers = build_briefing(minimal, sections=["levers"]).get("levers", Levers)
    assert levers is not None and levers.levers
    found = assess(minimal).levers
    for row, lv in zip(levers.levers, found, strict=True):
        assert row.change_sd == pytest.approx(math.copysign(lv.plausibility, lv.delta))
        if lv.delta_sd is not None:  # a distribution: the change in its sd
            assert row.change_sd == pytest.approx(lv.delta_sd)
    assert "standard deviations" in levers.captions["levers"]
    assert "share" not in levers.captions["levers"]
    frame = levers.charts["levers"]["levers"]
    assert np.allclose(frame["change_sd"], [r.change_sd for r in levers.levers])


def test_every_chart_spec_is_valid_vega_lite(minimal: Scenario, flagship_path: Path) -> None:
    """The renderer skips Altair's validation for speed; here every kind is validated once."""
    from detente.briefing.charts import CHART_KINDS, chart_for
    from detente.scenario import load

    tables = dict(build_briefing(minimal, simulate=200).charts)
    tables.update(build_briefing(load(flagship_path), sections=["graph"]).charts)
    assert set(tables) == set(CHART_KINDS)
    for kind, data in tables.items():
        spec = chart_for(kind, data).to_dict(validate=True)
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
