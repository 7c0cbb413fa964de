"""The scenario layer's warnings: each rule, its message and its FILE:LINE:COL."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.errors import ScenarioWarning
from detente.scenario.distributions import DistributionSpec
from detente.scenario.loader import load_with_source, loads_with_source
from detente.scenario.warnings import as_of_warnings, modes, scenario_warnings
from tests.scenario.minimal import MINIMAL

BASE = """\
detente: 1
id: w
title: Warnings
as_of: 2024-01-10
sources:
  early: {title: An early report, date: 2024-01-20}
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
    positions: {land: 100, status: high}
    no_deal: {outcome: {land: 60}, cost: 0.2}
    preconditions:
      - requires: ceasefire
  B:
    name: B
    role: party
    positions: {land: 0}
  C:
    name: C
    role: backer
    positions: {land: 80}
    no_deal: {cost: 0.1}
  D:
    name: D
    role: stakeholder
facts:
  ceasefire: {value: false}
  rain: {value: true}
"""


def _warnings(text: str, *, as_of: dt.date | None = None) -> list[ScenarioWarning]:
    scenario, source = loads_with_source(text, filename="w.yaml")
    return list(scenario_warnings(scenario, source=source, as_of=as_of))


def _at(text: str, anchor: str, start: str = "") -> tuple[int, int]:
    """1-based line and column of ``anchor`` (a key) in ``text``, after the line ``start``."""
    lines = text.splitlines()
    first = lines.index(start) if start else 0
    for i in range(first, len(lines)):
        if anchor in lines[i]:
            return i + 1, lines[i].index(anchor) + 1
    raise AssertionError(anchor)


def _one(found: list[ScenarioWarning], path: str) -> ScenarioWarning:
    hits = [w for w in found if w.path == path]
    assert len(hits) == 1, [str(w) for w in found]
    return hits[0]


def test_a_clean_scenario_has_no_warning() -> None:
    assert _warnings(BASE) == []
    assert _warnings(MINIMAL) == []


# --------------------------------------------------------------------- (a) unread judgments


def test_a_fact_no_precondition_uses_is_unread_in_what_ifs_timeline_and_uncertainty() -> None:
    text = BASE + (
        "timeline:\n"
        "  - date: 2024-02-01\n"
        "    set: {facts.rain: false, facts.ceasefire: true}\n"
        "uncertainty:\n"
        "  facts.rain: {choice: [true, false]}\n"
        "what_ifs:\n"
        "  dry:\n"
        "    label: Dry\n"
        "    set:\n"
        "      facts.rain.value: false\n"
        "      facts.ceasefire: true\n"
    )
    found = _warnings(text)
    assert sorted(w.path for w in found) == [
        "timeline.0.set.facts.rain",
        "uncertainty.facts.rain",
        "what_ifs.dry.set.facts.rain.value",
    ]
    w = _one(found, "what_ifs.dry.set.facts.rain.value")
    assert w.message == "nothing reads fact 'rain': no precondition uses it"
    assert (w.file, w.line, w.column) == ("w.yaml", *_at(text, "facts.rain.value"))
    w = _one(found, "timeline.0.set.facts.rain")
    assert (w.line, w.column) == _at(text, "facts.rain", "timeline:")
    assert str(w).startswith(f"w.yaml:{w.line}:{w.column}: timeline.0.set.facts.rain: nothing")


def test_judgments_of_an_actor_without_veto_are_unread_unless_the_forecast_reads_them() -> None:
    text = BASE + (
        "what_ifs:\n"
        "  x:\n"
        "    label: X\n"
        "    set:\n"
        "      actors.C.no_deal.cost: 0.3\n"  # C has no veto: unread
        "      actors.C.positions.land: 70\n"  # the forecast reads every position
        "      actors.C.salience.land: 0.9\n"  # and every salience
        "      actors.C.capability: 2\n"  # C has a position: the forecast weighs it
        "      actors.D.capability: 2\n"  # D: no veto, no position
        "      actors.A.no_deal.cost: 0.3\n"  # A has a veto
        "      actors.D.veto: false\n"  # always read
    )
    found = _warnings(text)
    assert sorted(w.path for w in found) == [
        "what_ifs.x.set.actors.C.no_deal.cost",
        "what_ifs.x.set.actors.D.capability",
    ]
    assert _one(found, "what_ifs.x.set.actors.C.no_deal.cost").message == (
        "nothing reads this judgment: 'C' has no veto in this what-if, and only veto parties' "
        "no-deal expectations enter the analysis"
    )
    assert _one(found, "what_ifs.x.set.actors.D.capability").message == (
        "nothing reads the capability of 'D': it has no veto in this what-if (the readiness "
        "engine weighs veto parties) and no position (the forecast weighs actors with positions)"
    )


def test_a_what_if_that_gives_a_veto_makes_the_actors_judgments_read() -> None:
    text = BASE + (
        "what_ifs:\n"
        "  c-vetoes:\n"
        "    label: C gets a veto\n"
        "    set: {actors.C.veto: true, actors.C.no_deal.cost: 0.3}\n"
        "  other:\n"
        "    label: Other\n"
        "    set: {actors.C.no_deal.cost: 0.4}\n"
    )
    assert [w.path for w in _warnings(text)] == ["what_ifs.other.set.actors.C.no_deal.cost"]


def test_a_timeline_veto_counts_from_its_date_on() -> None:
    text = BASE + (
        "timeline:\n"
        "  - date: 2024-03-01\n"
        "    set: {actors.C.no_deal.cost: 0.3}\n"
        "  - date: 2024-02-01\n"  # out of order in the file: the model sorts it first
        "    set: {actors.C.veto: true}\n"
        "  - date: 2024-04-01\n"
        "    set: {actors.C.veto: false}\n"
        "  - date: 2024-05-01\n"
        "    set: {actors.C.no_deal.cost: 0.4}\n"
    )
    found = _warnings(text)
    # the model's entry 3 (dated 2024-05-01) is the file's entry 3 as well; the file's entry 0
    # (2024-03-01, C then has a veto) is read
    assert [w.path for w in found] == ["timeline.3.set.actors.C.no_deal.cost"]
    assert (found[0].line, found[0].column) == _at(text, "actors.C.no_deal.cost: 0.4")


def test_timeline_positions_follow_the_file_order() -> None:
    text = BASE + (
        "timeline:\n"
        "  - date: 2024-03-01\n"
        "    set: {facts.rain: false}\n"
        "  - date: 2024-02-01\n"
        "    set: {facts.ceasefire: true}\n"
    )
    found = _warnings(text)
    # the model's timeline.1 is the file's first entry
    assert [w.path for w in found] == ["timeline.1.set.facts.rain"]
    assert (found[0].line, found[0].column) == _at(text, "facts.rain: false")


def test_uncertainty_on_veto_makes_the_actor_read() -> None:
    text = BASE + (
        "uncertainty:\n"
        "  actors.C.veto: {choice: [true, false]}\n"
        "  actors.C.no_deal.cost: {uniform: [0.0, 0.2]}\n"
    )
    assert _warnings(text) == []


def test_a_status_quo_no_veto_party_cares_about_is_unread() -> None:
    text = BASE + (
        "uncertainty:\n"
        "  issues.aid.status_quo: {uniform: [0, 10]}\n"
        "  issues.status.status_quo: {choice: [low, mid, low]}\n"
    )
    found = _warnings(text)
    assert [w.path for w in found] == ["uncertainty.issues.aid.status_quo"]
    assert found[0].message == (
        "nothing reads the status quo of 'aid': no veto party has a position on it (only veto "
        "parties' utilities use the status quo)"
    )


# --------------------------------------------------------------------- (b) --as-of


def test_as_of_before_the_first_timeline_entry() -> None:
    text = BASE + "timeline:\n  - date: 2024-03-01\n    set: {facts.ceasefire: true}\n"
    found = _warnings(text, as_of=dt.date(2024, 2, 1))
    assert [w.path for w in found] == ["timeline.0.date"]
    assert found[0].message == (
        "--as-of 2024-02-01 is before the first timeline entry (2024-03-01): no entry applies, "
        "the file's values are used as they are"
    )
    assert (found[0].line, found[0].column) == _at(text, "date: 2024-03-01")
    assert _warnings(text, as_of=dt.date(2024, 3, 1)) == []


def test_as_of_before_the_files_own_date() -> None:
    found = _warnings(BASE, as_of=dt.date(2023, 12, 31))
    assert [w.path for w in found] == ["as_of"]
    assert found[0].message == (
        "--as-of 2023-12-31 is before the scenario's as_of (2024-01-10): its values describe "
        "2024-01-10, so the analysis as of 2023-12-31 uses what was known later"
    )
    assert (found[0].line, found[0].column) == _at(BASE, "as_of")
    assert _warnings(BASE, as_of=dt.date(2024, 1, 10)) == []


def test_as_of_before_both_says_it_once_when_the_timeline_starts_later() -> None:
    scenario, _ = loads_with_source(
        BASE + "timeline:\n  - date: 2024-03-01\n    set: {facts.ceasefire: true}\n"
    )
    found = as_of_warnings(scenario, dt.date(2023, 1, 1))
    assert [loc for loc, _ in found] == [("as_of",)]
    # a timeline entry older than the file's as_of: before both, both are said
    early = BASE + "timeline:\n  - date: 2023-06-01\n    set: {facts.ceasefire: true}\n"
    scenario, _ = loads_with_source(early)
    found = as_of_warnings(scenario, dt.date(2023, 1, 1))
    assert [loc for loc, _ in found] == [("as_of",), ("timeline", 0, "date")]


# --------------------------------------------------------------------- (c) modes


@pytest.mark.parametrize(
    ("path", "spec", "message"),
    [
        (
            "actors.A.no_deal.cost",
            "{triangular: [0.1, 0.3, 0.5]}",
            "the file's value 0.2 is not the mode of triangular [0.1, 0.3, 0.5]: the mode is "
            "0.3 (0.1 below it); point analyses use the file's value, the Monte Carlo draws "
            "most often near the mode",
        ),
        (
            "actors.A.no_deal.cost",
            "{normal: [0.25, 0.1]}",
            "the file's value 0.2 is not the mode of normal [0.25, 0.1]: the mode is 0.25 "
            "(0.05 below it); point analyses use the file's value, the Monte Carlo draws most "
            "often near the mode",
        ),
        (
            "actors.A.no_deal.cost",
            "{normal: [-0.5, 0.3]}",  # truncated to [0, 1]: its mode is 0
            "the file's value 0.2 is not the mode of normal [-0.5, 0.3]: the mode is 0 (0.2 "
            "above it); point analyses use the file's value, the Monte Carlo draws most often "
            "near the mode",
        ),
        (
            "actors.A.no_deal.cost",
            "{uniform: [0.3, 0.6]}",
            "the file's value 0.2 lies outside the support [0.3, 0.6] of uniform [0.3, 0.6] "
            "(0.1 below it): point analyses use a value the Monte Carlo never draws",
        ),
        (
            "actors.A.no_deal.cost",
            "{beta: [2, 2]}",
            "the file's value 0.2 is not the mode of beta [2, 2]: the mode is 0.5 (0.3 below "
            "it); point analyses use the file's value, the Monte Carlo draws most often near "
            "the mode",
        ),
        (
            "actors.A.no_deal.cost",
            "{beta: [0.5, 0.5]}",
            "the file's value 0.2 is not the mode of beta [0.5, 0.5]: the nearest mode is 0 "
            "(0.2 above it); point analyses use the file's value, the Monte Carlo draws most "
            "often near the mode",
        ),
        (
            "actors.A.no_deal.cost",
            "{choice: [0.1, 0.3, 0.3]}",
            "the file's value 0.2 is not the most often listed value of choice [0.1, 0.3, 0.3] "
            "(0.3, 2 of 3): point analyses use a value the Monte Carlo draws less often",
        ),
        (
            "facts.ceasefire",
            "{choice: [true, true, false]}",
            "the file's value false is not the most often listed value of choice [true, true, "
            "false] (true, 2 of 3): point analyses use a value the Monte Carlo draws less often",
        ),
        (
            "actors.A.positions.status",
            "{choice: [mid, low, mid]}",
            "the file's value high is not the most often listed value of choice [mid, low, mid] "
            "(mid, 2 of 3): point analyses use a value the Monte Carlo draws less often",
        ),
        (
            "actors.A.capability",
            "{lognormal: [0, 0.5]}",  # median 1 = the value, mode exp(-0.25)
            "the file's value 1 is not the mode of lognormal [0, 0.5]: the mode is 0.7788 "
            "(0.2212 above it); point analyses use the file's value, the Monte Carlo draws "
            "most often near the mode",
        ),
    ],
)
def test_a_mode_other_than_the_files_value_warns(path: str, spec: str, message: str) -> None:
    text = BASE + f"uncertainty:\n  {path}: {spec}\n"
    found = _warnings(text)
    assert [(w.path, w.message) for w in found] == [(f"uncertainty.{path}", message)]
    assert (found[0].line, found[0].column) == _at(text, path, "uncertainty:")


@pytest.mark.parametrize(
    ("path", "spec"),
    [
        ("actors.A.no_deal.cost", "{triangular: [0.1, 0.2, 0.5]}"),
        ("actors.A.no_deal.cost", "{normal: [0.2, 0.1]}"),
        ("actors.A.no_deal.cost", "{uniform: [0.1, 0.6]}"),  # every point of it is a mode
        ("actors.A.no_deal.cost", "{uniform: [0.2, 0.6]}"),  # an end of the support
        ("actors.A.no_deal.cost", "{beta: [2, 5]}"),  # (2 - 1) / (2 + 5 - 2) = 0.2
        ("actors.A.no_deal.cost", "{choice: [0.2, 0.3]}"),  # a tie: both are modes
        ("actors.A.capability", "{lognormal: [0.25, 0.5]}"),  # exp(0.25 - 0.25) = 1
        ("facts.ceasefire", "{choice: [true, false]}"),
        ("actors.A.positions.status", "{choice: [high, mid]}"),
        ("actors.A.positions.land", "{triangular: [60, 100, 100]}"),
    ],
)
def test_a_mode_at_the_files_value_does_not_warn(path: str, spec: str) -> None:
    assert _warnings(BASE + f"uncertainty:\n  {path}: {spec}\n") == []


def test_beta_modes_by_shape() -> None:
    assert modes(DistributionSpec.model_validate({"beta": [1, 1]})).interval == (0.0, 1.0)  # type: ignore[union-attr]
    for params, points in [
        ([1, 3], (0.0,)),
        ([0.5, 1], (0.0,)),
        ([0.5, 3], (0.0,)),
        ([3, 1], (1.0,)),
        ([1, 0.5], (1.0,)),
        ([3, 0.5], (1.0,)),
        ([0.5, 0.5], (0.0, 1.0)),
        ([3, 2], (2 / 3,)),
    ]:
        found = modes(DistributionSpec.model_validate({"beta": params}))
        assert found is not None
        assert found.points == pytest.approx(points), params


def _grid_argmax(spec: DistributionSpec, lo: float, hi: float) -> float:
    """The mode by brute force: the highest density on a fine grid (scipy's own densities)."""
    from scipy import stats

    p = [float(v) for v in spec.params]
    rv: stats.rv_continuous
    if spec.kind == "triangular":
        a, m, b = p
        rv = stats.triang(c=(m - a) / (b - a), loc=a, scale=b - a)
    elif spec.kind == "normal":
        rv = stats.norm(loc=p[0], scale=p[1])
    elif spec.kind == "lognormal":
        rv = stats.lognorm(s=p[1], scale=math.exp(p[0]))
    else:
        rv = stats.beta(p[0], p[1])
    grid = np.linspace(lo, hi, 200_001)
    return float(grid[np.argmax(rv.pdf(grid))])


@settings(max_examples=60, deadline=None)
@given(
    kind=st.sampled_from(["triangular", "normal", "lognormal", "beta"]),
    a=st.floats(0.05, 0.95),
    b=st.floats(0.05, 0.95),
    c=st.floats(0.05, 0.95),
)
def test_modes_match_the_density_maximum(kind: str, a: float, b: float, c: float) -> None:
    """Against a reference that does not share the formula: argmax of scipy's density."""
    lo, hi = 0.0, 1.0  # the valid range of a cost; truncation keeps the density's shape inside
    if kind == "triangular":
        low, mode, high = sorted([a, b, c])
        if high - low < 1e-3:
            return
        params = [low, mode, high]
    elif kind == "normal":
        params = [2 * a - 0.5, 0.05 + b]  # means from -0.5 to 1.4: some outside the range
    elif kind == "lognormal":
        params = [2 * a - 1.5, 0.1 + b]
    else:
        params = [1.05 + 4 * a, 1.05 + 4 * b]  # a, b > 1: an interior mode
    spec = DistributionSpec.model_validate({kind: params})
    found = modes(spec, (lo, hi))
    assert found is not None and len(found.points) == 1
    assert found.points[0] == pytest.approx(_grid_argmax(spec, lo, hi), abs=2e-5)


# --------------------------------------------------------------------- outcome sources


def test_an_outcome_source_dated_before_the_outcome_is_a_warning() -> None:
    text = BASE + (
        "questions:\n"
        "  talks:\n"
        "    text: Do they talk before 2024-06-01?\n"
        "    kind: talks_open\n"
        "    deadline: 2024-06-01\n"
        "    outcome: true\n"
        "    resolved: 2024-02-01\n"
        "    source: early\n"
    )
    found = _warnings(text)
    assert [(w.path, w.message) for w in found] == [
        (
            "questions.talks.source",
            "source 'early' is dated 2024-01-20, before the outcome became known (2024-02-01); "
            "check that it reports the outcome",
        )
    ]
    assert (found[0].line, found[0].column) == _at(text, "source: early")


# --------------------------------------------------------------------- positions


def test_without_the_source_the_file_is_read_again(tmp_path: Path) -> None:
    text = BASE + "uncertainty:\n  facts.rain: {choice: [true, false]}\n"
    path = tmp_path / "w.yaml"
    path.write_text(text, encoding="utf-8")
    scenario, source = load_with_source(path)
    with_source = scenario_warnings(scenario, source=source)
    assert with_source == scenario_warnings(scenario)
    assert with_source[0].line == _at(text, "facts.rain: {")[0]
    path.unlink()  # gone: the warning stays, without a position
    (alone,) = scenario_warnings(scenario)
    assert (alone.file, alone.line, alone.column) == (str(path), None, None)
    assert alone.to_dict() == {
        "file": str(path),
        "line": None,
        "column": None,
        "path": "uncertainty.facts.rain",
        "message": "nothing reads fact 'rain': no precondition uses it",
    }


def test_a_red_lines_probability_is_no_mode_warning_with_or_without_the_source() -> None:
    text = BASE.replace(
        "    preconditions:\n      - requires: ceasefire\n",
        "    red_lines:\n      - rule: land >= 20\n        probability: 0.3\n"
        "    preconditions:\n      - requires: ceasefire\n        for: agreement\n",
    )
    scenario, source = loads_with_source(text, filename="w.yaml")
    assert "actors.A.red_lines.0.active" in scenario.uncertainty  # drawn bernoulli(0.3)
    assert not any("mode" in w.message for w in scenario_warnings(scenario, source=source))
    assert not any("mode" in w.message for w in scenario_warnings(scenario))
    # a precondition for signing reads its fact as one for talks does
    assert not any("ceasefire" in w.message for w in scenario_warnings(scenario, source=source))
