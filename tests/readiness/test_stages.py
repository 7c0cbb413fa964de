"""Stages: can talks open, does a deal exist, can it be signed -- each with its reasons."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from rdata import STAGED

from detente.readiness import assess
from detente.readiness.quick import quick_assess
from detente.readiness.verdict import STAGES, stage_codes, stage_for, verdict_for
from detente.scenario import loads


def staged(cost: float = 0.2):  # type: ignore[no-untyped-def]
    return loads(STAGED.replace("COST", str(cost)), filename="staged.yaml")


def test_an_unmet_agreement_precondition_stops_at_the_deal_and_is_named() -> None:
    a = assess(staged())
    assert a.verdict == "ripe"  # the verdict's vocabulary is unchanged: talks x ZOPA
    assert a.stage == "deal"
    assert [p.label for p in a.agreement_preconditions] == [
        "a referendum on the constitution is scheduled",
        "the referendum is scheduled",
    ]
    assert a.preconditions == ()  # talks preconditions all met
    answers = a.stages
    assert [q.answer for q in answers.values()] == [True, True, False]
    assert answers["signature"].reasons == (
        "Alpha will not sign until a referendum on the constitution is scheduled.",
    )
    assert "cannot be signed until a referendum on the constitution is scheduled" in a.headline()
    assert "Stage: deal" in a.explain()
    # meeting it gives a signature
    met = assess(staged().with_changes({"facts.referendum": True}))
    assert met.stage == "signature" and met.agreement_preconditions == ()
    assert "cannot be signed" not in met.headline()


def test_the_other_stages() -> None:
    s = staged()
    none = assess(s.with_changes({"facts.talks_ok": False}))
    assert (none.verdict, none.stage) == ("blocked", "none")
    assert none.stages["talks"].reasons == ("Alpha will not negotiate until the envoys are named.",)
    apart = {  # each expects 80% of what it wants from fighting on, at no cost: no ZOPA
        "actors.A.no_deal.cost": 0.0,
        "actors.B.no_deal.cost": 0.0,
        "actors.A.no_deal.outcome.x": 80,
        "actors.B.no_deal.outcome.x": 20,
    }
    talks = assess(s.with_changes(apart))
    assert (talks.verdict, talks.stage) == ("premature", "talks")
    assert talks.stages["deal"].reasons[0].startswith("no deal beats fighting on")
    assert talks.stages["talks"].answer and not talks.stages["deal"].answer


def test_the_stage_table_over_every_combination() -> None:
    for talks, zopa, signable in itertools.product((False, True), repeat=3):
        expected = (
            "none"
            if not talks
            else "talks"
            if not zopa
            else "deal"
            if not signable
            else "signature"
        )
        assert stage_for(talks=talks, zopa=zopa, signable=signable) == expected
    t = np.array([0, 0, 1, 1, 1, 1], dtype=bool)
    z = np.array([0, 1, 0, 1, 1, 0], dtype=bool)
    g = np.array([1, 1, 1, 0, 1, 0], dtype=bool)
    codes = stage_codes(talks=t, zopa=z, signable=g)
    assert [STAGES[c] for c in codes] == ["none", "none", "talks", "deal", "signature", "talks"]
    # talks <=> the verdict says the talks preconditions are met
    for talks, zopa in itertools.product((False, True), repeat=2):
        verdict = verdict_for(zopa=zopa, preconditions_met=talks)
        assert (verdict in ("ripe", "premature")) == talks


def test_json_adds_keys_and_keeps_the_old_ones() -> None:
    data = assess(staged()).to_dict()
    for old in ("verdict", "headline", "zopa", "margin", "preconditions", "closest_deal"):
        assert old in data
    assert data["stage"] == "deal"
    assert data["stages"]["signature"]["answer"] is False
    assert data["agreement_preconditions"][0]["for"] == "agreement"
    assert data["preconditions"] == []
    json.dumps(data)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"facts.referendum": True},
        {"facts.talks_ok": False},
        {"actors.B.no_deal.cost": 0.0, "actors.A.no_deal.outcome.x": 90},
    ],
)
def test_quick_assess_gives_the_same_stage(changes: dict[str, object]) -> None:
    s = staged()
    quick = quick_assess(s, changes)
    exact = assess(s.with_changes(changes))
    assert quick.stage == exact.stage
    assert quick.verdict == exact.verdict
    assert [p.to_dict() for p in quick.agreement_preconditions] == [
        p.to_dict() for p in exact.agreement_preconditions
    ]
    assert quick.to_dict()["stage"] == exact.stage
