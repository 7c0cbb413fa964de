"""``detente.simulate`` and ``detente simulate`` on scenarios."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.cli import main
from detente.errors import InputError
from detente.scenario import loads
from detente.uncertainty.runner import Execution
from detente.uncertainty.simulate import simulate
from tests.scenario.minimal import MINIMAL

BASE = loads(MINIMAL)


def test_verdict_probabilities_sum_to_one_and_margin_has_quantiles() -> None:
    summary = simulate(BASE, n=2000, sensitivity=False, execution=Execution(seed=3))
    verdict = summary["verdict"].to_dict()
    assert [c["category"] for c in verdict["categories"]] == [
        "ripe",
        "blocked",
        "premature",
        "not_ripe",
    ]
    assert sum(c["probability"] for c in verdict["categories"]) == pytest.approx(1.0)
    for c in verdict["categories"]:
        assert c["low"] <= c["probability"] <= c["high"]
    margin = summary["margin"].to_dict()
    assert margin["n"] == 2000
    assert margin["quantiles"]["0.05"] <= margin["quantiles"]["0.5"] <= margin["quantiles"]["0.95"]


def test_same_seed_same_results_and_other_seed_differs() -> None:
    a = simulate(BASE, n=3000, sensitivity=False, execution=Execution(seed=11)).to_dict()
    b = simulate(BASE, n=3000, sensitivity=False, execution=Execution(seed=11)).to_dict()
    c = simulate(BASE, n=3000, sensitivity=False, execution=Execution(seed=12)).to_dict()
    assert a == b
    assert a != c


def test_what_if_fixes_the_judgments_it_sets() -> None:
    summary = simulate(
        BASE.variant("pressure"), n=500, sensitivity=False, execution=Execution(seed=1)
    )
    assert "actors.UKR.no_deal.outcome.territory" not in summary.judgments
    assert any("fixed by the what-if" in note for note in summary.notes)


def test_sensitivity_ranks_the_judgments() -> None:
    summary = simulate(BASE, n=500, sobol_n=64, execution=Execution(seed=1))
    assert summary.sobol is not None
    assert summary.tornado is not None
    ranking = summary.tornado.ranking("margin")
    assert set(ranking) <= set(summary.judgments)


def test_forecast_engine() -> None:
    summary = simulate(
        BASE, n=300, engine="forecast", sensitivity=False, execution=Execution(seed=2)
    )
    names = {s.output for s in summary.numeric}
    assert {"eum.territory", "mean.territory", "median.territory"} <= names


def test_errors() -> None:
    with pytest.raises(InputError, match="did you mean 'forecast'"):
        simulate(BASE, n=10, engine="forcast")
    with pytest.raises(InputError, match="did you mean 'pressure'"):
        simulate(BASE.variant("presure"), n=10)
    bare = loads(MINIMAL.split("uncertainty:")[0] + "what_ifs: {}\n")
    with pytest.raises(InputError, match="no uncertain judgment"):
        simulate(bare, n=10)


def test_two_processes_give_identical_results() -> None:
    one = simulate(BASE, n=3000, sensitivity=False, execution=Execution(seed=5, chunk_size=1024))
    two = simulate(
        BASE, n=3000, sensitivity=False, execution=Execution(seed=5, chunk_size=1024, workers=2)
    )
    assert one.to_dict() == two.to_dict()


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert main(["simulate", str(path), "-n", "1000", "--no-sensitivity"]) == 0
    out = capsys.readouterr().out
    assert "verdict over 1000 draws" in out
    assert main(["simulate", str(path), "-n", "500", "--no-sensitivity", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["n"] == 500
    assert main(["simulate", str(path), "-n", "200", "--no-sensitivity", "--all-what-ifs"]) == 0
    out = capsys.readouterr().out
    assert "== Base" in out
    assert "== What if The West presses Kyiv (pressure)" in out
    assert main(["simulate", str(path), "--what-if", "x", "--all-what-ifs"]) == 2
