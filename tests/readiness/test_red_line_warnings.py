"""Red lines every outcome meets or none does, decided by the engine; all warnings at once."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.readiness.warnings import red_line_warnings, scenario_warnings
from detente.scenario import expr as ex
from detente.scenario.loader import loads_with_source

HEAD = """\
detente: 1
id: r
title: Red lines
as_of: 2024-01-10
issues:
  land:
    label: Land
    scale: [0, 100]
    status_quo: 50
  aid:
    label: Aid
    scale: [0, 10]
    status_quo: 5
  status:
    label: Status
    options: [low, mid, high]
    status_quo: low
actors:
  A:
    name: A
    role: party
    positions: {land: 100, aid: 10, status: high}
    red_lines:
{rules}
  B:
    name: B
    role: party
    positions: {land: 0, aid: 0, status: low}
  C:
    name: C
    role: backer
    positions: {land: 50}
    red_lines:
      - rule: aid > 10
"""

EVERY = "every outcome meets this red line of 'A': it excludes nothing within the issues' ranges"
NONE = (
    "no outcome meets this red line of 'A': no deal can satisfy it, so with it no zone of "
    "agreement can exist"
)


def _text(*rules: str) -> str:
    return HEAD.replace("{rules}", "\n".join(f"      - rule: {r}" for r in rules))


def _found(*rules: str) -> dict[int, str]:
    """The red-line warnings of A's rules, by index."""
    text = _text(*rules)
    scenario, source = loads_with_source(text, filename="r.yaml")
    out: dict[int, str] = {}
    for w in red_line_warnings(scenario, source=source):
        if w.path.startswith("actors.A."):
            out[int(w.path.split(".")[3])] = w.message
    return out


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("land >= 0", EVERY),
        ("land <= 100", EVERY),
        ("land >= 0 or aid >= 3", EVERY),
        ("land + aid <= 110", EVERY),
        ("land > 100", NONE),
        ("land < 0", NONE),
        ("land >= 60 and land <= 40", NONE),
        ("land + aid > 110", NONE),
        ("land - aid >= 101", NONE),
        ('status >= "low"', EVERY),
        ('status > "high"', NONE),
        ('status == "mid" and status != "mid"', NONE),
        ("land >= 50", None),
        ("land > 0", None),  # excludes exactly one value
        ("land + aid <= 109", None),
        ('status == "mid"', None),
        ("land == 50", None),  # a single value meets it
        ("not (land > 100)", EVERY),
    ],
)
def test_red_lines_that_exclude_everything_or_nothing(rule: str, expected: str | None) -> None:
    assert _found(rule).get(0) == expected


def test_every_actors_red_lines_are_checked_at_their_rule() -> None:
    text = _text("land >= 0", "land >= 50")
    scenario, source = loads_with_source(text, filename="r.yaml")
    found = red_line_warnings(scenario, source=source)
    assert [w.path for w in found] == ["actors.A.red_lines.0.rule", "actors.C.red_lines.0.rule"]
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if "rule: land >= 0" in line)
    assert (found[0].file, found[0].line, found[0].column) == ("r.yaml", first + 1, 9)
    # C has no veto; its red line is still checked (a what-if could give C a veto)
    assert found[1].message.startswith("no outcome meets this red line of 'C'")


def test_all_warnings_together_in_file_order() -> None:
    text = _text("land >= 0") + (
        "facts:\n  rain: {value: true}\n"
        "what_ifs:\n  w:\n    label: W\n    set: {facts.rain: false}\n"
        "timeline:\n  - date: 2024-02-01\n    set: {actors.A.positions.land: 90}\n"
    )
    scenario, source = loads_with_source(text, filename="r.yaml")
    found = scenario_warnings(scenario, source=source, as_of=dt.date(2024, 1, 1))
    assert [w.path for w in found] == [
        "as_of",
        "actors.A.red_lines.0.rule",
        "actors.C.red_lines.0.rule",
        "what_ifs.w.set.facts.rain",
    ]
    assert [w.line for w in found] == sorted(w.line or 0 for w in found)


# --------------------------------------------------------------------- against brute force

OPTIONS = {"status": "abc", "level": "pqrs"}
ATOM = st.tuples(
    st.sampled_from(["status", "level"]),
    st.sampled_from(["<", "<=", "==", "!=", ">=", ">"]),
    st.integers(0, 3),
)


def _rule(atoms: list[tuple[str, str, int]], joins: list[str]) -> str:
    parts = [
        f'{name} {op} "{OPTIONS[name][min(value, len(OPTIONS[name]) - 1)]}"'
        for name, op, value in atoms
    ]
    text = parts[0]
    for join, part in zip(joins, parts[1:], strict=False):
        text = f"({text}) {join} {part}"
    return text


@settings(max_examples=60, deadline=None)
@given(
    atoms=st.lists(ATOM, min_size=1, max_size=3),
    joins=st.lists(st.sampled_from(["and", "or"]), min_size=2, max_size=2),
)
def test_option_red_lines_against_every_outcome(
    atoms: list[tuple[str, str, int]], joins: list[str]
) -> None:
    """On option issues the outcomes are finite: enumerate them all and evaluate the rule."""
    rule = _rule(atoms, joins)
    text = (
        "detente: 1\nid: o\ntitle: O\n"
        "issues:\n"
        "  status: {label: S, options: [a, b, c], status_quo: a}\n"
        "  level: {label: L, options: [p, q, r, s], status_quo: p}\n"
        "actors:\n"
        "  A:\n    name: A\n    role: party\n    positions: {status: c, level: s}\n"
        f"    red_lines:\n      - rule: {rule}\n"
        "  B:\n    name: B\n    role: party\n    positions: {status: a, level: p}\n"
    )
    scenario, source = loads_with_source(text, filename="o.yaml")
    tree = scenario.actors["A"].red_lines[0].expr
    met = [
        bool(ex.evaluate(tree, {"status": float(i), "level": float(j)}))
        for i, j in itertools.product(range(3), range(4))
    ]
    found = {w.message for w in red_line_warnings(scenario, source=source)}
    assert (EVERY in found) == all(met), rule
    assert (NONE in found) == (not any(met)), rule


@settings(max_examples=60, deadline=None)
@given(
    bounds=st.lists(
        st.tuples(st.sampled_from(["<", "<=", ">=", ">"]), st.integers(-20, 120)),
        min_size=1,
        max_size=3,
    ),
    join=st.sampled_from(["and", "or"]),
)
def test_one_issue_red_lines_against_a_grid(bounds: list[tuple[str, int]], join: str) -> None:
    """On one scale issue with integer bounds, the half-integers of the range see every set
    (each interval between integer bounds holds a half-integer; a single point is an integer)."""
    rule = f" {join} ".join(f"land {op} {value}" for op, value in bounds)
    scenario, source = loads_with_source(_text(rule), filename="r.yaml")
    tree = scenario.actors["A"].red_lines[0].expr
    grid = [i / 2 for i in range(0, 201)]
    met = [bool(ex.evaluate(tree, {"land": x, "aid": 0.0, "status": 0.0})) for x in grid]
    found = {w.message for w in red_line_warnings(scenario, source=source) if "'A'" in w.message}
    assert (EVERY in found) == all(met), rule
    assert (NONE in found) == (not any(met)), rule


def _with_uncertainty(text: str, entries: str) -> dict[int, str]:
    scenario, source = loads_with_source(text + "uncertainty:\n" + entries, filename="r.yaml")
    return {
        int(w.path.split(".")[3]): w.message
        for w in red_line_warnings(scenario, source=source)
        if w.path.startswith("actors.A.")
    }


def test_a_named_threshold_is_read_at_its_value() -> None:
    at = "land >= threshold\n        threshold: {}"
    assert _found(at.format(0), at.format(101), at.format(40)) == {
        0: EVERY,
        1: NONE,
    }


def test_a_drawn_threshold_warns_only_when_every_quantile_does() -> None:
    text = _text(
        "land >= threshold\n        threshold: 0", "land >= threshold\n        threshold: 0"
    )
    found = _with_uncertainty(
        text,
        "  actors.A.red_lines.0.threshold: {normal: [0, 10]}\n"
        "  actors.A.red_lines.1.threshold: {uniform: [-30, -5]}\n",
    )
    # the first may demand up to 30.9 (its 99.9% quantile): it can exclude outcomes
    assert list(found) == [1]
    assert found[1].startswith(
        "every outcome meets this red line of 'A' at every threshold from -29.98 to -5.025 its "
        "distribution gives: it excludes nothing"
    )


def test_probable_and_switched_off_red_lines_are_checked_and_say_so() -> None:
    found = _found("land > 100\n        probability: 0.3", "land >= 0\n        active: false")
    assert found[0] == NONE.replace("'A'", "'A' (a real red line with probability 0.3)")
    assert found[1] == EVERY
