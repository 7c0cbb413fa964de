"""The scenario as of a date (Scenario.at) and its composition with what-ifs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from detente.scenario import load, loads
from tests.scenario.minimal import MINIMAL

BASE = loads(MINIMAL)
D = dt.date


def test_entries_up_to_the_date_apply_in_order_and_later_statements_are_dropped() -> None:
    before = BASE.at(D(2022, 11, 30))
    assert before.facts["security_commitments_offered"].value is False
    assert [s.date for s in before.statements] == [D(2022, 11, 9)]
    assert before.as_of == D(2022, 11, 30)
    on = BASE.at(D(2022, 12, 1))
    assert on.facts["security_commitments_offered"].value is True
    assert len(on.statements) == 2
    after = BASE.at(D(2022, 12, 2))
    assert after.facts["security_commitments_offered"].value is False  # the later entry wins
    # the base scenario is untouched
    assert BASE.facts["security_commitments_offered"].value is False
    assert BASE.as_of == D(2022, 12, 4)


def test_change_dates() -> None:
    assert BASE.change_dates == (D(2022, 12, 1), D(2022, 12, 2))


def test_flagship_facts_move_as_the_article_tells(flagship_path: Path) -> None:
    if not flagship_path.exists():
        pytest.skip("flagship scenario not present")
    s = load(flagship_path)
    oct3, oct4, nov29, nov30, dec1, dec2 = (
        s.at(D(2022, m, d)) for m, d in ((10, 3), (10, 4), (11, 29), (11, 30), (12, 1), (12, 2))
    )
    # Zelenskiy's decree ruling out talks with Putin comes in early October (dated 4 October)
    assert oct3.facts["zelenskiy_decree_in_force"].value is False
    assert oct4.facts["zelenskiy_decree_in_force"].value is True
    # his softening ("in the past few days" before 4 December) is dated 30 November
    assert nov29.facts["zelenskiy_open_with_preconditions"].value is False
    assert nov30.facts["zelenskiy_open_with_preconditions"].value is True
    assert s.change_dates == (D(2022, 2, 24), D(2022, 10, 4), D(2022, 11, 30))
    # statements: Biden's of 1 December is not yet known on 30 November
    assert max(st.date for st in nov30.statements) <= D(2022, 11, 30)
    assert any(st.date == D(2022, 12, 1) for st in dec1.statements)
    assert len(dec2.statements) > len(dec1.statements) > len(nov30.statements)


def test_at_then_variant_is_the_one_order() -> None:
    moved = BASE.at(D(2022, 12, 1))
    varied = moved.variant(next(iter(BASE.what_ifs)))
    assert varied.as_of == D(2022, 12, 1)
    assert varied.what_if == next(iter(BASE.what_ifs))
    assert moved.what_if is None
    with pytest.raises(ValueError, match="before any what-if"):
        varied.at(D(2022, 12, 2))
    with pytest.raises(ValueError, match="before any what-if"):
        moved.at(D(2022, 12, 2))
