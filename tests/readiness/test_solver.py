"""HiGHS through detente: statuses are never read as clashes, solves are silent on fd 1, and
every solve and every command is bounded by a budget (issue 12 wrong answer 3; issue 17 item 15).
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rdata import BASE

import detente.readiness.solver as solver
from detente.cli import main
from detente.readiness import Budget, BudgetExceeded, SolverError, assess
from detente.readiness.margin import exact_margin
from detente.readiness.problem import compile_problem
from detente.scenario import loads

# The family of the pinned weighted-Nash case (test_nash.py) with random capabilities, saliences
# and costs; in the one of seed 27 a MILP of the Nash terms made HiGHS print
# "HighsMipSolverData::transformNewIntegerFeasibleSolution tmpSolver.run();" on C stdout.
PRINTS = """\
detente: 1
id: c27
title: C
issues:
  share: {label: Share, scale: [0, 1], status_quo: 0.5}
  flag: {label: Flag, options: [a, m, b], status_quo: m}
actors:
  A:
    name: A
    role: party
    veto: true
    capability: CAPA
    positions: {share: 1, flag: a}
    salience: {share: SA, flag: FA}
    no_deal: {outcome: {share: 0.5}, cost: CA}
  B:
    name: B
    role: party
    veto: true
    capability: CAPB
    positions: {share: 0, flag: b}
    salience: {share: SB, flag: FB}
    no_deal: {outcome: {share: 0.5}, cost: CB}
"""


CLI = "import sys; from detente.cli import main; sys.exit(main(sys.argv[1:]))"


def _prints_case() -> str:
    """The case of seed 27 of the family of the pinned weighted-Nash case (issue 12)."""
    rng = np.random.default_rng(27)
    cap_a, cap_b = int(rng.integers(1, 30)), int(rng.integers(1, 30))
    sa, sb = round(float(rng.uniform(0.05, 0.95)), 2), round(float(rng.uniform(0.05, 0.95)), 2)
    ca, cb = round(float(rng.uniform(0, 0.6)), 2), round(float(rng.uniform(0, 0.6)), 2)
    text = PRINTS
    for key, value in (
        ("CAPA", cap_a),
        ("CAPB", cap_b),
        ("SA", sa),
        ("FA", round(1 - sa, 2)),
        ("SB", sb),
        ("FB", round(1 - sb, 2)),
        ("CA", ca),
        ("CB", cb),
    ):
        text = text.replace(key, str(value))
    return text


def hard_yaml(n: int = 11, *, total: bool = True) -> str:
    """Issue 17 item 15: x_i in {0, 1} by red lines and 2 * sum x_i == n: infeasible, and every
    lever and clash check is a MILP that must prove it."""
    lines = ["detente: 1", "id: hard-milp", "title: Hard MILP", "issues:"]
    lines += [f"  x{i}: {{label: X{i}, scale: [0, 1], status_quo: 0}}" for i in range(n)]
    lines.append("actors:")
    for actor, pos in (("A", 1), ("B", 0)):
        lines += [f"  {actor}:", f"    name: {actor}", "    role: party", "    veto: true"]
        lines.append("    capability: 1")
        lines.append("    positions: {" + ", ".join(f"x{i}: {pos}" for i in range(n)) + "}")
        lines.append("    salience: {" + ", ".join(f"x{i}: 0.5" for i in range(n)) + "}")
        lines.append("    no_deal: {cost: 0.1}")
        if actor == "A":
            lines.append("    red_lines:")
            lines += [f"      - rule: x{i} <= 0 or x{i} >= 1" for i in range(n)]
            if total:
                twice = " + ".join(f"2*x{i}" for i in range(n))
                lines.append(f"      - rule: {twice} == {n}")
    return "\n".join(lines) + "\n"


# ---- statuses ---------------------------------------------------------------------------


def _fake_milp(status: int, message: str) -> Any:
    def milp(*args: Any, **kwargs: Any) -> Any:
        from scipy.optimize import OptimizeResult

        return OptimizeResult(status=status, message=message, x=None, success=False)

    return milp


@pytest.mark.parametrize(
    ("status", "message", "name"),
    [
        (
            3,
            "The problem is unbounded. (HiGHS Status 10: model_status is Unbounded; x)",
            "Unbounded",
        ),
        (4, "(HiGHS Status 4: model_status is Solve error; primal_status is None)", "Solve error"),
        (4, "The problem is unbounded or infeasible. (HiGHS Status 9: x)", "x"),
    ],
)
def test_a_failed_solve_is_an_error_not_a_clash(
    status: int,
    message: str,
    name: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("scipy.optimize.milp", _fake_milp(status, message))
    with pytest.raises(SolverError, match=f"status '{name}'") as info:
        assess(loads(BASE))
    assert not isinstance(info.value, BudgetExceeded)
    path = tmp_path / "s.yaml"
    path.write_text(BASE)
    assert main(["assess", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"detente: error: {path}: the margin: the solver HiGHS ended with")
    assert f"'{name}'" in err
    assert "cannot all hold" not in err


def test_a_limit_is_not_determined_within_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "scipy.optimize.milp",
        _fake_milp(1, "Time limit reached. (HiGHS Status 13: model_status is Time limit reached)"),
    )
    with pytest.raises(BudgetExceeded, match="not determined within the budget"):
        assess(loads(BASE))


def test_real_time_and_node_limits_of_highs() -> None:
    problem = compile_problem(loads(hard_yaml()))
    for budget in (Budget(solve_seconds=1e-9), Budget(solve_nodes=1)):
        with budget.window(), pytest.raises(BudgetExceeded, match="HiGHS stopped"):
            exact_margin(problem)
    assert exact_margin(problem).margin == -np.inf  # with the default budget: infeasible


def test_running_out_of_exact_re_solves_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A MILP whose patterns keep breaking the red lines when re-solved exactly (here 2^8 of
    them, each "failing") is numerical trouble, not "the red lines cannot all hold"."""
    real = solver.highs

    def flaky(c: Any, A: Any, lo: Any, hi: Any, integrality: Any, *rest: Any) -> Any:
        if not np.any(integrality):
            return None  # every exact re-solve with fixed binaries "fails"
        return real(c, A, lo, hi, integrality, *rest)

    monkeypatch.setattr(solver, "highs", flaky)
    with pytest.raises(SolverError, match="numerical trouble"):
        exact_margin(compile_problem(loads(hard_yaml(8, total=False))))


# ---- silence ----------------------------------------------------------------------------


def test_highs_debug_output_never_reaches_stdout(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """capfd captures file descriptor 1: HiGHS prints there unless the solves are silenced."""
    scenario = loads(_prints_case())
    monkeypatch.setattr(solver, "_silenced", contextlib.nullcontext)
    assess(scenario).to_dict()
    solver._flush_c_stdio()
    loud = capfd.readouterr().out
    if "HighsMipSolverData" not in loud:
        pytest.skip("this HiGHS build prints no debug line on this case")
    monkeypatch.undo()
    assess(scenario).to_dict()
    solver._flush_c_stdio()
    assert capfd.readouterr().out == ""


def test_json_parses_on_a_case_that_made_highs_print(tmp_path: Path) -> None:
    path = tmp_path / "prints.yaml"
    path.write_text(_prints_case())
    done = subprocess.run(
        [sys.executable, "-c", CLI, "assess", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["terms"]["nash_weighted"]


# ---- budget -------------------------------------------------------------------------------


def test_hard_scenario_ends_within_its_budget() -> None:
    """Issue 17 item 15: minutes before; now the budget bounds the whole assessment and what it
    could not finish is marked, not guessed."""
    scenario = loads(hard_yaml())
    start = time.monotonic()
    a = assess(scenario, budget=Budget(seconds=5.0))
    data = a.to_dict()
    elapsed = time.monotonic() - start
    assert a.verdict == "premature" and a.margin is None  # the red lines cannot all hold
    assert data["levers_undetermined"] or not data["clashes_complete"]
    assert elapsed < 5.0 * 4 + 20.0  # the budget plus each lazy part's last solve, loaded
    json.dumps(data, allow_nan=False)


def test_cli_budget_and_its_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "hard.yaml"
    path.write_text(hard_yaml())
    assert main(["assess", str(path), "--budget", "1e-6"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"detente: error: {path}: the margin was not determined within")
    assert "--budget" in err
    assert main(["assess", str(path), "--budget", "-1"]) == 2
    assert "--budget must be a positive number" in capsys.readouterr().err


def test_budget_values_are_checked() -> None:
    from detente.errors import InputError

    for bad in ({"seconds": 0}, {"solve_seconds": float("inf")}, {"solve_nodes": 0}):
        with pytest.raises(InputError):
            Budget(**bad)  # type: ignore[arg-type]
