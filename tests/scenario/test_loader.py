"""The loader: the format's rules, every error at once with FILE:LINE:COL, did-you-mean hints."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

import detente
from detente.errors import ScenarioError
from detente.scenario import Scenario, load, loads
from detente.scenario import loader as loader_module
from tests.scenario.minimal import MINIMAL


def errors_of(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        loads(text, filename="s.yaml")
    return [str(d) for d in info.value.diagnostics()]


def replace(old: str, new: str) -> str:
    assert old in MINIMAL, old
    return MINIMAL.replace(old, new, 1)


def test_minimal_scenario_loads() -> None:
    s = loads(MINIMAL)
    assert isinstance(s, Scenario)
    assert s.veto_actors == ("UKR", "RUS")
    assert s.actors["USA"].veto is False
    assert s.actors["RUS"].salience == {"territory": 0.5, "crimea": 0.5}  # default 0.5
    assert s.actors["UKR"].capability == 30
    assert s.issues["crimea"].rank("deferred") == 1
    assert s.issues["crimea"].range == 2
    assert s.issues["territory"].range == 100
    # statements are sorted by date
    assert [st.date for st in s.statements] == [dt.date(2022, 11, 9), dt.date(2022, 12, 1)]
    assert s.statements[0].cameo == "036"
    assert s.as_of == dt.date(2022, 12, 4)
    # expressions are compiled against the scenario
    assert s.actors["UKR"].red_lines[0].expr is not None
    assert s.actors["RUS"].preconditions[0].expr is not None


def test_load_from_file_and_public_api(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    s = detente.load(path)
    assert s.filename == str(path)
    assert s.id == "example"


def test_model_is_immutable() -> None:
    s = loads(MINIMAL)
    with pytest.raises(Exception, match="frozen"):
        s.actors["UKR"].capability = 3  # type: ignore[misc]


def test_unknown_key_with_did_you_mean_and_position() -> None:
    errs = errors_of(replace("    capability: 30\n", "    capabilty: 30\n"))
    assert len(errs) == 1
    assert re.match(
        r"s\.yaml:\d+:5: actors\.UKR\.capabilty: unknown key 'capabilty' "
        r"\(did you mean 'capability'\?\)",
        errs[0],
    ), errs[0]


def test_all_errors_of_a_file_at_once() -> None:
    text = replace("    capability: 30\n", "    capability: -3\n")
    text = text.replace("role: backer", "role: backr")
    text = text.replace("title: Example talks", "titel: Example talks")
    errs = errors_of(text)
    joined = "\n".join(errs)
    assert len(errs) == 4, joined
    assert "actors.UKR.capability" in joined
    assert (
        "'backr' is not one of party, backer, mediator, stakeholder (did you mean 'backer'?)"
        in joined
    )
    assert "titel: unknown key 'titel' (did you mean 'title'?)" in joined
    assert "title: missing required key 'title'" in joined


def test_error_line_and_column_point_at_the_value() -> None:
    errs = errors_of(replace("cost: 0.15", "cost: 1.5"))
    lines = MINIMAL.splitlines()
    line = next(i for i, t in enumerate(lines, 1) if "cost: 0.15" in t)
    col = lines[line - 1].index("0.15") + 1
    assert errs[0].startswith(f"s.yaml:{line}:{col}: actors.UKR.no_deal.cost: ")
    assert "less than or equal to 1" in errs[0]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "positions: {territory: 100, crimea: ukrainian}",
            "positions: {territory: 100, crimea: ukranian}",
            "actors.UKR.positions.crimea: 'ukranian' is not an option of issue 'crimea' "
            "(did you mean 'ukrainian'?)",
        ),
        (
            "positions: {territory: 100, crimea: ukrainian}",
            "positions: {territory: 120, crimea: ukrainian}",
            "actors.UKR.positions.territory: 120 is outside the scale of 'territory' [0, 100]",
        ),
        (
            "outcome: {territory: 40}",
            "outcome: {teritory: 40}",
            "actors.UKR.no_deal.outcome.teritory: unknown issue 'teritory' (did you mean 'territory'?)",
        ),
        ("supports: [UKR]", "supports: [UKRR]", "actors.USA.supports.0: unknown actor 'UKRR'"),
        (
            '        source: art\n        quote: "seeking',
            '        source: artt\n        quote: "seeking',
            "source: unknown source 'artt' (did you mean 'art'?)",
        ),
        ("target: RUS", "target: RUSS", "statements.0.target: unknown actor 'RUSS'"),
        (
            "status_quo: russian",
            "status_quo: soviet",
            "issues.crimea.status_quo: 'soviet' is not an option",
        ),
        (
            "salience: {territory: 1.0, crimea: 0.6}",
            "salience: {territory: 1.0, crimea: 1.6}",
            "actors.UKR.salience.crimea: input should be less than or equal to 1",
        ),
        ('cameo: "036"', "cameo: 036", "CAMEO codes are strings"),
        ("scale: [0, 100]", "scale: [100, 0]", "low < high"),
        ("id: example", "id: Example_1", "id: 'Example_1' is not a valid id"),
        ("date: 2022-11-09", "date: 2022-13-09", "statements.1.date"),
    ],
)
def test_rule_violations(old: str, new: str, expected: str) -> None:
    errs = errors_of(replace(old, new))
    assert any(expected in e for e in errs), errs


def test_salience_without_position() -> None:
    errs = errors_of(
        replace(
            "positions: {territory: 80}", "positions: {territory: 80}\n    salience: {crimea: 0.3}"
        )
    )
    assert any("salience for 'crimea' but no position" in e for e in errs), errs


def test_values_must_cover_options_of_an_option_issue() -> None:
    errs = errors_of(
        replace("{ukrainian: 1, deferred: 0.5, russian: 0}", "{ukrainian: 1, russian: 0}")
    )
    assert any("missing: deferred" in e for e in errs), errs


def test_fewer_than_two_veto_actors() -> None:
    text = replace(
        "    name: Russia\n    role: party\n",
        "    name: Russia\n    role: party\n    veto: false\n",
    )
    errs = errors_of(text)
    assert any("at least two actors must have a veto" in e for e in errs), errs
    ok = loads(text.replace("as_of: 2022-12-04", "as_of: 2022-12-04\nsingle_veto: true"))
    assert ok.veto_actors == ("UKR",)


def test_expression_errors_point_inside_the_rule() -> None:
    errs = errors_of(replace("rule: territory >= 50", "rule: territory >= 50 and crimeea == 1"))
    assert len(errs) == 1
    lines = MINIMAL.splitlines()
    line = next(i for i, t in enumerate(lines, 1) if "rule: territory >= 50" in t)
    col = lines[line - 1].index("territory") + 1 + len("territory >= 50 and ")
    assert errs[0].startswith(f"s.yaml:{line}:{col}: actors.UKR.red_lines.0.rule: "), errs[0]
    assert "crimeea" in errs[0] and "did you mean 'crimea'" in errs[0]


def test_non_linear_red_line_is_refused_with_reason() -> None:
    errs = errors_of(replace("rule: territory >= 50", 'rule: "territory * territory >= 50"'))
    assert len(errs) == 1 and "linear" in errs[0], errs


def test_precondition_may_not_use_issues_and_red_line_may_not_use_facts() -> None:
    errs = errors_of(replace("requires: security_commitments_offered", "requires: territory >= 3"))
    assert any("preconditions.0.requires" in e for e in errs), errs
    errs = errors_of(replace("rule: territory >= 50", "rule: sanctions_tightened"))
    assert any("red_lines.0.rule" in e for e in errs), errs


def test_paths_in_what_ifs_timeline_uncertainty_are_checked() -> None:
    errs = errors_of(
        replace(
            "actors.UKR.no_deal.outcome.territory: 15", "actors.UKR.no_deal.outcom.territory: 15"
        )
    )
    assert any("what_ifs.pressure.set.actors.UKR.no_deal.outcom.territory" in e for e in errs), errs
    errs = errors_of(
        replace(
            "set: {facts.security_commitments_offered: true}",
            "set: {facts.security_commitment_offered: true}",
        )
    )
    assert any("did you mean 'security_commitments_offered'" in e for e in errs), errs
    errs = errors_of(replace("{triangular: [20, 40, 70]}", "{triangular: [20, 40, 170]}"))
    assert any(
        "uncertainty.actors.UKR.no_deal.outcome.territory" in e and "outside" in e for e in errs
    ), errs
    errs = errors_of(replace("{triangular: [20, 40, 70]}", "{triangulr: [20, 40, 70]}"))
    assert any("did you mean 'triangular'" in e for e in errs), errs
    errs = errors_of(replace("{choice: [true, false]}", "{choice: [1, 2]}"))
    assert any("uncertainty.facts.sanctions_tightened" in e for e in errs), errs
    errs = errors_of(replace("{choice: [russian, deferred]}", "{choice: [russian, soviet]}"))
    assert any("'soviet' is not an option" in e for e in errs), errs
    errs = errors_of(
        replace(
            "actors.UKR.no_deal.outcome.territory: 15", "actors.UKR.no_deal.outcome.territory: 150"
        )
    )
    assert any("outside the valid range" in e for e in errs), errs


def test_yaml_safety_and_limits(tmp_path: Path) -> None:
    errs = errors_of(MINIMAL + "extra: !!python/object:os.system {}\n")
    assert any("tag" in e for e in errs), errs
    errs = errors_of("detente: 1\nid: x\ntitle: [unclosed\n")
    assert errs[0].startswith("s.yaml:") and "invalid YAML" in errs[0]
    deep = "detente: 1\nid: x\ntitle: t\ndescription: " + "[" * 60 + "]" * 60 + "\n"
    errs = errors_of(deep)
    assert any("nesting deeper than 50" in e for e in errs), errs
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * (10 * 1024 * 1024) + b"\n")
    with pytest.raises(ScenarioError, match="over 10 MiB"):
        load(big)
    with pytest.raises(ScenarioError, match="no such file"):
        load(tmp_path / "missing.yaml")


def test_too_many_actors_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # The real limit is 10,000; a lower one exercises the same check without a 10,000-actor file.
    monkeypatch.setattr(loader_module, "MAX_ENTITIES", 20)
    actors = "".join(f"  A{i}: {{name: a, role: party}}\n" for i in range(21))
    errs = errors_of(f"detente: 1\nid: x\ntitle: t\nactors:\n{actors}")
    assert any("21 actors; more than 20 are refused" in e for e in errs), errs
    assert loader_module.MAX_ENTITIES == 20


def test_alias_bomb_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    errs = errors_of("\n".join(lines) + "\n")
    assert any("values through aliases; more than 2,000,000 are refused" in e for e in errs), errs


def test_anchors_and_merge_keys_are_allowed() -> None:
    text = MINIMAL.replace(
        "    no_deal: {outcome: {territory: 10}, cost: 0.1}",
        "    no_deal: {<<: &nd {outcome: {territory: 10}}, cost: 0.1}",
    )
    s = loads(text)
    assert s.actors["RUS"].no_deal is not None
    assert s.actors["RUS"].no_deal.outcome == {"territory": 10}


def test_not_a_mapping() -> None:
    assert "a scenario file is a mapping" in errors_of("- 1\n- 2\n")[0]
    assert "a scenario file is a mapping" in errors_of("")[0]


def test_strategy_only_file() -> None:
    text = """\
detente: 1
id: pd
title: Prisoner's dilemma
strategy:
  decision_makers:
    P1: {options: {defect: {}}}
    P2: {options: {defect: {}}}
  preferences:
    P1: [P1.defect, not P2.defect]
    P2: [P2.defect, not P1.defect]
"""
    s = loads(text)
    assert s.strategy is not None
    assert not s.actors


def test_reserved_words_cannot_be_ids() -> None:
    text = MINIMAL.replace(
        "  sanctions_tightened: {value: true}",
        "  sanctions_tightened: {value: true}\n  not: {value: true}",
    )
    errs = errors_of(text)
    assert any("facts.not: 'not' cannot be an id" in e for e in errs), errs
