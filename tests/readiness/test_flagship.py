"""The flagship scenario: the verdicts and margins docs/flagship.md reports, and an independent
brute-force check of its margin over the outcome space."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from rscen import red_line_mask, reservation, utility

from detente.cli import main
from detente.readiness import assess, compile_problem, exact_margin
from detente.scenario import Scenario, load

# docs/flagship.md, "The article's alternatives": verdict and m* (3 decimals) of every variant.
DOCUMENTED = {
    None: ("not_ripe", -0.019),
    "west-forces-kyivs-hand": ("blocked", 0.039),
    "offensive-stalls": ("blocked", 0.039),
    "china-mediates": ("blocked", 0.036),
    "russia-shows-willingness": ("not_ripe", -0.019),
    "western-fatigue": ("blocked", 0.013),
    "milley-window": ("blocked", 0.089),
    "push-and-mediate": ("ripe", 0.137),
    "push-and-stall": ("ripe", 0.039),
}


@pytest.fixture(scope="module")
def flagship(flagship_path: Path) -> Scenario:
    return load(flagship_path)


def test_talks_cannot_start(flagship: Scenario) -> None:
    """docs/flagship.md: not ripe for both reasons, m* = -0.0193 at territory 28.47 %."""
    a = assess(flagship)
    assert a.verdict == "not_ripe"
    assert a.margin == pytest.approx(-0.0193, abs=5e-5)
    assert a.closest_deal is not None
    assert a.closest_deal["territory"] == pytest.approx(28.47, abs=0.01)
    assert {p.actor for p in a.preconditions if p.veto} == {"UKR", "RUS"}
    headline = a.headline()
    assert headline.startswith("Not ripe: talks cannot open until ")
    assert "security commitments" in headline
    assert "gap 0.019" in headline
    assert a.explain().splitlines()[0] == headline


def test_costs_of_both_parties_open_a_zopa(flagship: Scenario) -> None:
    base = exact_margin(compile_problem(flagship))
    parties = flagship.veto_actors
    assert base.feasible and all(flagship.actors[p].no_deal for p in parties)
    edited = flagship.with_changes({f"actors.{p}.no_deal.cost": 1.0 for p in parties})
    opened = exact_margin(compile_problem(edited))
    assert opened.margin > base.margin
    assert opened.zopa


def test_cli_gives_the_documented_verdicts(
    flagship_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["assess", str(flagship_path), "--all-what-ifs", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    got = {None: (data["base"]["verdict"], round(data["base"]["margin"], 3))}
    for name, variant in data["variants"].items():
        got[name] = (variant["verdict"], round(variant["margin"], 3))
    assert got == DOCUMENTED


def test_margin_matches_a_brute_force_grid(flagship: Scenario) -> None:
    """Utilities straight from the scenario (docs/models.md §1) over every option combination
    and a grid of the three scale issues; red lines from their rules.  The grid maximum of
    min_i (u_i - r_i) never beats m*, and falls short of it by at most the grid's resolution
    (each scale issue moves at most one step from x* to a grid point that meets the red lines,
    changing u_i by at most w_ik * step / range)."""
    steps = {"territory": 2.0, "sanctions": 5.0, "compensation": 5.0}
    axes = []
    for k, issue in flagship.issues.items():
        if issue.options is not None:
            axes.append(np.arange(issue.n_options, dtype=float))
        else:
            axes.append(np.arange(issue.low, issue.high + 1e-9, steps[k]))
    mesh = np.meshgrid(*axes, indexing="ij")
    env = {k: m.ravel() for k, m in zip(flagship.issues, mesh, strict=True)}
    veto = list(flagship.veto_actors)
    red = [(a, j) for a in veto for j in range(len(flagship.actors[a].red_lines))]
    ok = red_line_mask(flagship, env, red)
    slack = np.min([utility(flagship, a, env) - reservation(flagship, a) for a in veto], axis=0)
    brute = float(slack[ok].max())
    error = 0.0
    for a in veto:
        actor = flagship.actors[a]
        total = sum(actor.salience[k] for k in actor.positions)
        error = max(
            error,
            sum(
                actor.salience[k] / total * steps[k] / flagship.issues[k].range
                for k in steps
                if k in actor.positions
            ),
        )
    margin = exact_margin(compile_problem(flagship)).margin
    assert brute <= margin + 1e-7
    assert brute >= margin - error
    assert brute == pytest.approx(-0.0204, abs=2e-3)  # docs/flagship.md: -0.0204 on its grid
