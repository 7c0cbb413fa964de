"""Unmet preconditions, for talks, for signing or both, and how they read."""

from __future__ import annotations

from detente.readiness.preconditions import unmet_preconditions
from detente.scenario import loads
from tests.scenario.test_red_line_keys import scenario


def test_unmet_preconditions_by_step() -> None:
    s = loads(scenario())  # A: 'referendum' for signing, 'not referendum' for talks; false
    assert unmet_preconditions(s) == ()  # 'not referendum' holds
    (signing,) = unmet_preconditions(s, for_="agreement")
    assert (signing.actor, signing.requires, signing.for_) == ("A", "referendum", "agreement")
    assert signing.explain() == "Alpha will not sign until referendum."
    assert signing.to_dict()["for"] == "agreement"
    held = loads(scenario().replace("value: false", "value: true"))
    (talks,) = unmet_preconditions(held)
    assert talks.explain() == "Alpha will not negotiate until not referendum."
    assert unmet_preconditions(held, for_=None) == (talks,)
