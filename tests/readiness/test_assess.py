"""The assessment: verdicts follow the judgments, reasons, what-ifs, as-of, outputs."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from rdata import BASE, edit

import detente
from detente.errors import InputError
from detente.readiness import assess, assess_what_ifs, compile_problem, exact_margin
from detente.scenario import loads


def test_base_is_not_ripe_with_reasons() -> None:
    a = assess(loads(BASE))
    assert a.verdict == "not_ripe"
    assert a.margin is not None and a.margin < 0
    assert not a.zopa
    # Both are short at the closest deal by the same amount (the maximin equalises).
    assert a.shortfalls["A"] == pytest.approx(-a.margin, abs=1e-7)
    assert a.shortfalls["B"] == pytest.approx(-a.margin, abs=1e-7)
    owners = {(p.actor, p.veto) for p in a.preconditions}
    assert owners == {("A", True), ("C", False)}
    assert a.clashes and all(c.kind == "zopa" for c in a.clashes)
    text = a.explain()
    assert text.startswith("Not ripe:")
    assert "security guarantees are offered" in text
    assert "Gamma will not back talks until" in text


def test_raising_both_costs_opens_a_zopa() -> None:
    """The verdict follows the judgments: costs open the bargaining range (Fearon)."""
    scenario = loads(BASE)
    margins = []
    for cost in (0.05, 0.1, 0.2, 0.3, 0.4):
        edited = scenario.with_changes(
            {"actors.A.no_deal.cost": cost, "actors.B.no_deal.cost": cost}
        )
        margins.append(assess(edited).margin)
    assert margins == sorted(margins)
    assert margins[0] < 0 < margins[-1]
    assert (
        assess(
            scenario.with_changes({"actors.A.no_deal.cost": 0.4, "actors.B.no_deal.cost": 0.4})
        ).verdict
        == "blocked"
    )


def test_four_verdicts() -> None:
    met = {"facts.guarantees_offered": True}
    costly = {"actors.A.no_deal.cost": 0.4, "actors.B.no_deal.cost": 0.4}
    s = loads(BASE)
    assert assess(s).verdict == "not_ripe"
    assert assess(s.with_changes(met)).verdict == "premature"
    assert assess(s.with_changes(costly)).verdict == "blocked"
    assert assess(s.with_changes({**met, **costly})).verdict == "ripe"


def test_mutual_optimism_closes_the_range() -> None:
    s = loads(BASE)
    hopeful = s.with_changes({"actors.A.no_deal.outcome.land": 90})
    assert assess(hopeful).margin < assess(s).margin


def test_red_lines_that_clash() -> None:
    text = edit(BASE, "rule: land >= 20", "rule: land >= 90")
    text = edit(text, 'rule: land <= 80 or status == "b_rule"', "rule: land <= 50")
    a = assess(loads(text))
    assert a.margin is None
    assert a.closest_deal is None
    assert len(a.clashes) == 1
    clash = a.clashes[0]
    assert clash.kind == "red_lines"
    assert {(c.actor, c.index) for c in clash.constraints} == {("A", 0), ("B", 0)}
    assert "cannot all hold at once" in a.explain()


def test_terms_inside_the_zopa() -> None:
    s = loads(BASE).with_changes({"actors.A.no_deal.cost": 0.4, "actors.B.no_deal.cost": 0.4})
    a = assess(s)
    assert a.terms is not None
    p = compile_problem(s)
    r = p.reservation()
    for name in ("nash", "nash_weighted", "closest_deal"):
        u = np.array([a.terms.utilities[name][x] for x in p.actors])
        assert np.all(u >= r - 1e-9)
    # The weighted solution favours the stronger party (B has capability 70 of 100).
    assert a.terms.utilities["nash_weighted"]["B"] >= a.terms.utilities["nash"]["B"] - 1e-9


def test_zartman_components() -> None:
    a = assess(loads(BASE))
    z = {p.actor: p for p in a.zartman}
    p = compile_problem(loads(BASE))
    u_e = np.diagonal(p.utility(p.no_deal_outcome()))
    u_sq = p.utility(p.status_quo)
    assert z["A"].stalemate == pytest.approx(u_e[0] - u_sq[0])
    assert z["A"].hurt == pytest.approx(0.05)
    assert not a.mutually_hurting_stalemate  # A expects to gain from fighting on
    stuck = loads(BASE).with_changes(
        {
            "actors.A.no_deal.outcome.land": 0,
            "actors.B.no_deal.outcome.land": 0,
            "actors.A.no_deal.cost": 0.3,
            "actors.B.no_deal.cost": 0.3,
        }
    )
    assert assess(stuck).mutually_hurting_stalemate


def test_what_ifs_side_by_side() -> None:
    s = loads(BASE)
    cmp = assess_what_ifs(s)
    assert set(cmp.variants) == {"both-hurt", "guarantees"}
    assert cmp.variants["both-hurt"].verdict == "blocked"
    assert cmp.variants["guarantees"].verdict == "premature"
    frame = cmp.to_frame()
    assert list(frame["verdict"]) == ["not_ripe", "blocked", "premature"]
    json.dumps(cmp.to_dict())
    assert "What if Fighting hurts both" in cmp.explain()


def test_unknown_what_if_has_a_hint() -> None:
    with pytest.raises(InputError, match="did you mean 'both-hurt'"):
        assess(loads(BASE).variant("both-hurts"))


def test_as_of_applies_the_timeline_in_order() -> None:
    s = loads(BASE)
    assert assess(s.at(dt.date(2022, 12, 5))).verdict == "not_ripe"
    assert assess(s.at(dt.date(2022, 12, 10))).verdict == "premature"
    assert assess(s.at(dt.date(2023, 2, 1))).verdict == "ripe"


def test_levers_and_fact_levers() -> None:
    a = assess(loads(BASE))
    assert a.levers
    paths = [lv.path for lv in a.levers]
    assert "actors.B.no_deal.cost" in paths
    problem = compile_problem(loads(BASE))
    for lv in a.levers:
        assert exact_margin(problem.with_params({lv.path: lv.new_value})).margin >= 0
        assert exact_margin(problem.with_params({lv.path: lv.value + 0.99 * lv.delta})).margin < 0
    cost = next(lv for lv in a.levers if lv.path == "actors.B.no_deal.cost")
    assert cost.sd is not None and cost.quantile is not None
    assert cost.delta_sd == pytest.approx(cost.delta / cost.sd)
    ranks = [lv.plausibility for lv in a.levers]
    assert ranks == sorted(ranks)
    facts = {(f.actor, f.changes) for f in a.fact_levers}
    assert ("A", (("guarantees_offered", True),)) in facts
    assert ("C", (("b_signals", True),)) in facts


def test_outputs_are_json_and_frames() -> None:
    a = detente.assess(loads(BASE))
    data = a.to_dict()
    text = json.dumps(data, allow_nan=False)
    assert '"verdict": "not_ripe"' in text
    assert data["levers"]
    frame = a.to_frame()
    assert list(frame.index) == ["A", "B"]
    assert set(frame.columns) >= {"utility", "reservation", "shortfall", "stalemate", "hurt"}


def test_single_veto_scenario() -> None:
    text = edit(
        BASE, "    role: party\n    capability: 70", "    role: stakeholder\n    capability: 70"
    )
    text = edit(text, "title: Two parties and a backer", "title: One party\nsingle_veto: true")
    a = assess(loads(text))
    assert a.margin is not None and a.margin >= 0  # A alone: its ideal beats fighting on
    assert list(a.shortfalls) == ["A"]
