"""Random bargaining scenarios with option issues and disjunctive red lines, and a brute-force
Nash bargaining solution over a grid computed straight from the scenario (docs/models.md §1):
utilities from the actors' positions, saliences and values, red lines from their rules
(``detente.scenario.expr.evaluate``), never from the engine's Problem arrays."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from rscen import grid, red_line_mask, reservation, utility

from detente.scenario import Scenario, loads
from detente.scenario.expr import evaluate, formula_holds, to_linear


def nash_yaml(seed: int) -> str:
    """2-3 veto parties, 1-3 issues (at least one with options), disjunctive red lines, costs
    high enough that a ZOPA is common, capabilities from 1 to 40 (unequal weights)."""
    rng = np.random.default_rng(seed)
    K = int(rng.integers(1, 4))
    kinds = ["options" if rng.random() < 0.5 else "scale" for _ in range(K)]
    kinds[int(rng.integers(0, K))] = "options"
    n_opts = [int(rng.integers(2, 5)) if kind == "options" else 0 for kind in kinds]
    lines = ["detente: 1", f"id: nash-{seed}", "title: Random bargaining", "issues:"]
    for k, kind in enumerate(kinds):
        if kind == "scale":
            sq = int(rng.integers(0, 11)) * 10
            lines.append(f"  i{k}: {{label: Issue {k}, scale: [0, 100], status_quo: {sq}}}")
        else:
            opts = ", ".join(f"o{j}" for j in range(n_opts[k]))
            sq = f"o{int(rng.integers(0, n_opts[k]))}"
            lines.append(f"  i{k}: {{label: Issue {k}, options: [{opts}], status_quo: {sq}}}")

    def value(k: int) -> str:
        if kinds[k] == "scale":
            return str(int(rng.integers(0, 21)) * 5)
        return f"o{int(rng.integers(0, n_opts[k]))}"

    def atom(k: int) -> str:
        if kinds[k] == "scale":
            op = rng.choice([">=", "<=", ">", "<"])
            return f"i{k} {op} {int(rng.integers(0, 11)) * 10}"
        op = rng.choice(["==", "!=", ">=", "<="])
        return f'i{k} {op} "o{int(rng.integers(0, n_opts[k]))}"'

    def rule() -> str:
        form = rng.random()
        a, b, c = (atom(int(rng.integers(0, K))) for _ in range(3))
        if form < 0.25:
            return a
        if form < 0.6:
            return f"{a} or {b}"
        if form < 0.8:
            return f"({a} and {b}) or {c}"
        return f"not ({a} and {b})"

    lines.append("actors:")
    for p in range(int(rng.integers(2, 4))):
        have = [k for k in range(K) if rng.random() < 0.85] or [int(rng.integers(0, K))]
        lines += [f"  P{p}:", f"    name: Party {p}", "    role: party"]
        lines.append(f"    capability: {int(rng.integers(1, 41))}")
        lines.append("    positions: {" + ", ".join(f"i{k}: {value(k)}" for k in have) + "}")
        saliences = ", ".join(f"i{k}: {int(rng.integers(1, 11)) / 10}" for k in have)
        lines.append("    salience: {" + saliences + "}")
        opt_have = [k for k in have if kinds[k] == "options"]
        if opt_have and rng.random() < 0.3:
            k = opt_have[0]
            vals = ", ".join(f"o{j}: {int(rng.integers(0, 11)) / 10}" for j in range(n_opts[k]))
            lines.append(f"    values: {{i{k}: {{{vals}}}}}")
        n_red = int(rng.integers(0, 3))
        if n_red:
            lines.append("    red_lines:")
            lines += [f"      - rule: '{rule()}'" for _ in range(n_red)]
        named = [k for k in range(K) if rng.random() < 0.6]
        outcome = ", ".join(f"i{k}: {value(k)}" for k in named)
        cost = int(rng.integers(20, 71)) / 100
        lines.append(f"    no_deal: {{outcome: {{{outcome}}}, cost: {cost}}}")
    return "\n".join(lines) + "\n"


def nash_scenario(seed: int) -> Scenario:
    return loads(nash_yaml(seed), filename=f"nash-{seed}.yaml")


def betas(scenario: Scenario, *, weighted: bool) -> dict[str, float]:
    """Nash weights: equal, or the veto parties' capability shares."""
    veto = list(scenario.veto_actors)
    raw = [scenario.actors[a].capability if weighted else 1.0 for a in veto]
    return {a: w / sum(raw) for a, w in zip(veto, raw, strict=True)}


def nash_value(scenario: Scenario, env: Mapping[str, np.ndarray], beta: Mapping[str, float]):
    """sum_i beta_i log(u_i - r_i) at the outcomes of ``env`` (-inf outside the ZOPA)."""
    total = np.zeros(len(next(iter(env.values()))))
    inside = np.ones_like(total, dtype=bool)
    for a, b in beta.items():
        y = utility(scenario, a, env) - reservation(scenario, a)
        inside &= y > 0
        total = total + b * np.log(np.where(y > 0, y, 1.0))
    return np.where(inside, total, -np.inf)


def brute_nash(scenario: Scenario, beta: Mapping[str, float]) -> float:
    """The best weighted log Nash product over grid outcomes that meet every veto party's red
    lines (-inf if no grid outcome is inside the ZOPA)."""
    env = grid(scenario)
    which = [(a, j) for a in scenario.veto_actors for j in range(len(scenario.actors[a].red_lines))]
    ok = red_line_mask(scenario, env, which)
    values = np.where(ok, nash_value(scenario, env, beta), -np.inf)
    return float(values.max())


def deal_env(scenario: Scenario, deal: Mapping[str, float | str]) -> dict[str, np.ndarray]:
    """A deal ({issue: number or option}) as a one-outcome environment (options as ranks)."""
    out = {}
    for k, issue in scenario.issues.items():
        value = deal[k]
        out[k] = np.array([issue.rank(value) if isinstance(value, str) else float(value)])
    return out


def meets_red_lines(scenario: Scenario, env: Mapping[str, np.ndarray], *, tol: float) -> bool:
    """Every veto party's red lines hold at the outcome: exactly, or within ``tol`` of the
    boundary of a non-strict one (a solver's answer meets its rows to its tolerance)."""
    for a in scenario.veto_actors:
        for rl in scenario.actors[a].red_lines:
            if bool(np.asarray(evaluate(rl.expr, dict(env))).all()):
                continue
            point = {k: float(v[0]) for k, v in env.items()}
            if not formula_holds(to_linear(rl.expr), point, tol=tol):
                return False
    return True
