"""Random small scenarios (YAML text) and a brute-force reference over a fine grid."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from detente.scenario import Scenario, loads
from detente.scenario.expr import evaluate

GRID_STEP = 2.5  # on scales [0, 100] with thresholds at multiples of 10


def random_yaml(seed: int, *, max_actors: int = 4, max_issues: int = 3) -> str:
    rng = np.random.default_rng(seed)
    K = int(rng.integers(1, max_issues + 1))
    A = int(rng.integers(2, max_actors + 1))
    kinds = ["scale" if rng.random() < 0.65 else "options" for _ in range(K)]
    lines = ["detente: 1", f"id: random-{seed}", "title: Random", "issues:"]
    for k, kind in enumerate(kinds):
        if kind == "scale":
            sq = int(rng.integers(0, 11)) * 10
            lines.append(f"  i{k}: {{label: Issue {k}, scale: [0, 100], status_quo: {sq}}}")
        else:
            sq = f"o{int(rng.integers(0, 3))}"
            lines.append(f"  i{k}: {{label: Issue {k}, options: [o0, o1, o2], status_quo: {sq}}}")
    lines.append("actors:")

    def value(k: int) -> str:
        if kinds[k] == "scale":
            return str(int(rng.integers(0, 21)) * 5)
        return f"o{int(rng.integers(0, 3))}"

    def atom(k: int, named: bool = False) -> str:
        if kinds[k] == "scale":
            op = rng.choice([">=", "<=", ">", "<"])
            bound = int(rng.integers(0, 11)) * 10
            return f"i{k} {op} {'threshold' if named else bound}"
        op = rng.choice(["==", "!=", ">=", "<="])
        return f'i{k} {op} "o{int(rng.integers(0, 3))}"'

    for a in range(A):
        have = [k for k in range(K) if rng.random() < 0.85] or [int(rng.integers(0, K))]
        lines.append(f"  P{a}:")
        lines.append(f"    name: Party {a}")
        lines.append("    role: party")
        lines.append(f"    capability: {int(rng.integers(1, 10))}")
        lines.append("    positions: {" + ", ".join(f"i{k}: {value(k)}" for k in have) + "}")
        lines.append(
            "    salience: {"
            + ", ".join(f"i{k}: {int(rng.integers(1, 11)) / 10}" for k in have)
            + "}"
        )
        opt_have = [k for k in have if kinds[k] == "options"]
        if opt_have and rng.random() < 0.3:
            k = opt_have[0]
            vals = ", ".join(f"o{j}: {int(rng.integers(0, 11)) / 10}" for j in range(3))
            lines.append(f"    values: {{i{k}: {{{vals}}}}}")
        n_red = int(rng.integers(0, 3))
        if n_red:
            lines.append("    red_lines:")
        for _ in range(n_red):
            form = rng.random()
            k1 = int(rng.integers(0, K))
            # a named threshold (a judgment) on the first atom when it is on a scale issue
            named = kinds[k1] == "scale" and rng.random() < 0.4
            if form < 0.5:
                rule = atom(k1, named)
            elif form < 0.8:
                k2 = int(rng.integers(0, K))
                rule = f"{atom(k1, named)} or {atom(k2)}"
            else:
                rule = f"not ({atom(k1, named)})"
            lines.append(f"      - rule: '{rule}'")
            if named:
                lines.append(f"        threshold: {int(rng.integers(0, 11)) * 10}")
            if rng.random() < 0.1:
                lines.append("        active: false")
        if rng.random() < 0.85:
            named = [k for k in range(K) if rng.random() < 0.6]
            outcome = ", ".join(f"i{k}: {value(k)}" for k in named)
            cost = int(rng.integers(0, 31)) / 100
            lines.append(f"    no_deal: {{outcome: {{{outcome}}}, cost: {cost}}}")
    return "\n".join(lines) + "\n"


def random_scenario(seed: int, **kw: Any) -> Scenario:
    return loads(random_yaml(seed, **kw), filename=f"random-{seed}.yaml")


def grid(scenario: Scenario) -> dict[str, np.ndarray]:
    axes = []
    for issue in scenario.issues.values():
        if issue.options is not None:
            axes.append(np.arange(issue.n_options, dtype=float))
        else:
            n = round((issue.high - issue.low) / GRID_STEP) + 1
            axes.append(np.linspace(issue.low, issue.high, n))
    mesh = np.meshgrid(*axes, indexing="ij")
    return {k: m.ravel() for k, m in zip(scenario.issues, mesh, strict=True)}


def utility(scenario: Scenario, actor: str, env: dict[str, Any]) -> np.ndarray:
    """u_i straight from the scenario (independent of the engine's arrays)."""
    spec = scenario.actors[actor]
    total = sum(spec.salience[k] for k in spec.positions)
    n = len(next(iter(env.values()))) if env and hasattr(next(iter(env.values())), "__len__") else 1
    u = np.zeros(n)
    if total == 0:
        return u
    for k, pos in spec.positions.items():
        issue = scenario.issues[k]
        x = np.asarray(env[k], dtype=float)
        if issue.options is not None:
            if k in spec.values:
                table = np.array([spec.values[k].get(o, np.nan) for o in issue.options])
                own = 1 - np.abs(np.arange(issue.n_options) - issue.rank(str(pos))) / (
                    issue.n_options - 1
                )
                table = np.where(np.isnan(table), own, table)
            else:
                table = 1 - np.abs(np.arange(issue.n_options) - issue.rank(str(pos))) / (
                    issue.n_options - 1
                )
            g = table[x.astype(int)]
        else:
            g = 1 - np.abs(x - float(pos)) / issue.range
        u = u + spec.salience[k] / total * g
    return u


def reservation(scenario: Scenario, actor: str) -> float:
    spec = scenario.actors[actor]
    env = {k: np.array([issue.to_number(issue.status_quo)]) for k, issue in scenario.issues.items()}
    cost = 0.0
    if spec.no_deal is not None:
        for k, v in spec.no_deal.outcome.items():
            env[k] = np.array([scenario.issues[k].to_number(v)])
        cost = spec.no_deal.cost
    return float(utility(scenario, actor, env)[0]) - cost


def red_line_mask(scenario: Scenario, env: dict[str, np.ndarray], which: Sequence[tuple[str, int]]):
    n = len(next(iter(env.values())))
    ok = np.ones(n, dtype=bool)
    for actor, j in which:
        ok &= np.broadcast_to(
            np.asarray(evaluate(scenario.actors[actor].red_lines[j].expr, env), dtype=bool), (n,)
        )
    return ok


def all_red_lines(scenario: Scenario) -> list[tuple[str, int]]:
    """The active red lines of the veto actors (an inactive one is absent)."""
    return [
        (a, j)
        for a in scenario.veto_actors
        for j, line in enumerate(scenario.actors[a].red_lines)
        if line.active
    ]


def brute_margin(
    scenario: Scenario,
    *,
    red_lines: Sequence[tuple[str, int]] | None = None,
    actors: Sequence[str] | None = None,
) -> float:
    """max over grid points meeting the red lines of min over actors of u_i - r_i."""
    env = grid(scenario)
    which = all_red_lines(scenario) if red_lines is None else red_lines
    ok = red_line_mask(scenario, env, which)
    if not ok.any():
        return -np.inf
    acts = list(scenario.veto_actors if actors is None else actors)
    if not acts:
        return np.inf
    slack = np.stack([utility(scenario, a, env) - reservation(scenario, a) for a in acts])
    return float(slack.min(axis=0)[ok].max())


def grid_error(scenario: Scenario) -> float:
    """How far the grid maximum can fall below the true maximum."""
    steps = [GRID_STEP / i.range for i in scenario.issues.values() if i.options is None]
    return max(steps, default=0.0) + 1e-9


def subsets(items: Sequence[Any]):
    for r in range(len(items) + 1):
        yield from itertools.combinations(items, r)
