"""What would it take: the smallest change of each judgment that opens a ZOPA (docs/models.md §2).

For every scalar judgment θ of a veto actor (no-deal outcome, cost, red-line threshold, salience,
position; see :data:`~detente.readiness.problem.PARAMETER_PATHS_DOC`), with all else fixed, we
look for the smallest |Δ|, in either direction within θ's valid range, with m*(θ + Δ) >= 0.

Search: the margin is evaluated on a grid of the whole half-range in each direction in one
vectorised call (:func:`~detente.readiness.fastpath.margin_batch`); the first grid point with a
ZOPA brackets the crossing, which is narrowed by repeated k-section (bisection with k points per
round) to a relative width of 1e-4.  m* is monotone in most judgments (docs/models.md); for those
the answer is exact; for the others a crossing narrower than one grid cell (1/64 of the range,
or 1/16 when the exact solver is the oracle) could be missed.  Each lever is then verified with
the exact solver: m*(θ + Δ) >= 0 and m*(θ + 0.99 Δ) < 0.

Plausibility: a change is measured in standard deviations of θ's distribution when the scenario's
``uncertainty`` gives one (also as the quantile reached), and otherwise as if θ were uniform over
its valid range (sd = width / sqrt(12)), so that both are on one scale; levers are ranked by it.

Preconditions: for each unmet precondition, the smallest sets of facts whose change would meet
it (exhaustive over the facts the precondition names, by increasing size).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from detente.readiness.fastpath import fast_applicable, margin_batch
from detente.readiness.margin import exact_margin
from detente.readiness.problem import Parameter, Problem

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = ["FactLever", "Lever", "find_levers", "lever_search", "precondition_levers"]

FloatArray = npt.NDArray[np.float64]
REL_TOL = 1e-4
_KIND_TEXT = {
    "cost": "cost of fighting on",
    "no_deal": "expected no-deal outcome on",
    "salience": "salience of",
    "position": "position on",
    "red_line": "red-line threshold",
}


@dataclass(frozen=True)
class Lever:
    """The smallest change of one judgment that opens a ZOPA, all else fixed."""

    path: str
    kind: str
    actor: str | None
    issue: str | None
    value: float
    new_value: float
    low: float
    high: float
    sd: float | None
    quantile: float | None
    plausibility: float  # change in sd (uniform over the valid range where no distribution)
    margin_after: float
    label: str = ""

    @property
    def delta(self) -> float:
        return self.new_value - self.value

    @property
    def delta_sd(self) -> float | None:
        return None if not self.sd else self.delta / self.sd

    def explain(self) -> str:
        what = self.label or self.path
        text = f"{what}: {self.value:.4g} -> {self.new_value:.4g} (change {self.delta:+.4g}"
        if self.delta_sd is not None:
            text += f", {self.delta_sd:+.2f} sd"
            if self.quantile is not None:
                text += (
                    f", the {_ordinal(round(100 * self.quantile))} percentile of its distribution"
                )
        text += ")"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "actor": self.actor,
            "issue": self.issue,
            "label": self.label,
            "value": self.value,
            "new_value": self.new_value,
            "delta": self.delta,
            "valid_range": [self.low, self.high],
            "sd": self.sd,
            "delta_sd": self.delta_sd,
            "quantile": self.quantile,
            "plausibility": self.plausibility,
            "margin_after": self.margin_after,
        }


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass(frozen=True)
class FactLever:
    """Facts whose change would meet an unmet precondition."""

    actor: str
    veto: bool
    precondition: str
    changes: tuple[tuple[str, bool], ...]  # (fact, new value)

    def explain(self) -> str:
        parts = [f"{f} became {'true' if v else 'false'}" for f, v in self.changes]
        return f"{self.actor}'s precondition \u201c{self.precondition}\u201d would be met if " + (
            " and ".join(parts) if parts else "nothing can meet it"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "veto": self.veto,
            "precondition": self.precondition,
            "changes": [{"fact": f, "value": v} for f, v in self.changes],
        }


def _label(problem: Problem, p: Parameter) -> str:
    if p.kind == "red_line":
        for rl in problem.red_lines:
            if p.path.startswith(f"actors.{problem.actors[rl.actor]}.red_lines.{rl.index}.rhs"):
                return f"{p.actor}'s red line \u201c{rl.label}\u201d (threshold)"
    if p.kind == "cost":
        return f"{p.actor}'s cost of fighting on"
    if p.kind == "no_deal":
        return f"{p.actor}'s expected no-deal {p.issue}"
    if p.kind == "salience":
        return f"{p.actor}'s salience of {p.issue}"
    if p.kind == "position":
        return f"{p.actor}'s position on {p.issue}"
    return p.path


def _search_all(
    problem: Problem, params: Sequence[Parameter], fast: bool
) -> list[tuple[float, float] | None]:
    """For every (parameter, direction) pair at once: (delta, margin there) of the first
    crossing to m* >= 0, or None.  Pairs are ordered p0+, p0-, p1+, p1-, ...

    One vectorised margin evaluation per round: a grid over each half-range, then k-section of
    every bracket in parallel until each is narrower than ``REL_TOL`` times its distance.
    """
    n_pairs = 2 * len(params)
    if n_pairs == 0:
        return []
    paths = [p.path for p in params]
    theta0 = np.array([p.value for p in params])
    col = np.repeat(np.arange(len(params)), 2)
    sign = np.tile([1.0, -1.0], len(params))
    span = np.where(
        sign > 0,
        np.array([p.high for p in params])[col] - theta0[col],
        theta0[col] - np.array([p.low for p in params])[col],
    )
    span = np.where(span > 1e-12 * np.maximum(1.0, np.abs(theta0[col])), span, 0.0)

    def margins(deltas: FloatArray) -> FloatArray:
        """m* at theta0 with pair q's parameter moved by deltas[q, j] -> (n_pairs, n)."""
        n = deltas.shape[1]
        rows = np.repeat(theta0[None, :], n_pairs * n, axis=0)
        r = np.arange(n_pairs * n)
        rows[r, np.repeat(col, n)] = (theta0[col][:, None] + sign[:, None] * deltas).ravel()
        return margin_batch(problem, rows, paths).reshape(n_pairs, n)

    n = 64 if fast else 8
    k = 16 if fast else 1
    grid = span[:, None] * np.arange(1, n + 1)[None, :] / n
    m = np.where(span[:, None] > 0, margins(grid), -np.inf)
    hit = m >= 0.0
    found = hit.any(axis=1)
    first = np.argmax(hit, axis=1)
    q = np.arange(n_pairs)
    hi = np.where(found, grid[q, first], np.nan)
    lo = np.where(found & (first > 0), grid[q, np.maximum(first - 1, 0)], 0.0)
    m_hi = np.where(found, m[q, first], np.nan)
    for _ in range(60):
        active = found & (hi - lo > REL_TOL * hi)
        if not active.any():
            break
        pts = lo[:, None] + (hi - lo)[:, None] * np.arange(1, k + 1)[None, :] / (k + 1)
        mm = margins(np.where(active[:, None], pts, hi[:, None]))
        ok = mm >= 0.0
        any_ok = ok.any(axis=1)
        j = np.argmax(ok, axis=1)
        new_hi = np.where(any_ok, pts[q, j], hi)
        new_m = np.where(any_ok, mm[q, j], m_hi)
        new_lo = np.where(any_ok, np.where(j > 0, pts[q, np.maximum(j - 1, 0)], lo), pts[:, -1])
        hi = np.where(active, new_hi, hi)
        m_hi = np.where(active, new_m, m_hi)
        lo = np.where(active, new_lo, lo)
    found_list = [bool(f) for f in np.asarray(found).ravel()]
    return [(float(hi[i]), float(m_hi[i])) if found_list[i] else None for i in range(n_pairs)]


def _exact_at(problem: Problem, path: str, value: float) -> float:
    return exact_margin(problem.with_params({path: value}), refine=False).margin


def find_levers(
    problem: Problem,
    *,
    uncertainty: Mapping[str, Any] | None = None,
    paths: Sequence[str] | None = None,
) -> list[Lever]:
    """Levers of every (or the given) continuous judgment, ranked by plausibility.

    Returns ``[]`` when a ZOPA already exists.  Judgments that no change within their valid
    range can make work are left out (:func:`lever_search` also returns them).
    """
    return lever_search(problem, uncertainty=uncertainty, paths=paths)[0]


def lever_search(
    problem: Problem,
    *,
    uncertainty: Mapping[str, Any] | None = None,
    paths: Sequence[str] | None = None,
) -> tuple[list[Lever], list[Parameter]]:
    """(levers ranked by plausibility, judgments for which no change within the valid range
    suffices)."""
    base = exact_margin(problem, refine=False)
    if base.zopa:
        return [], []
    fast = fast_applicable(problem)
    params = problem.parameters()
    chosen = [params[q] for q in (paths if paths is not None else params) if q in params]
    chosen = [p for p in chosen if not p.discrete and p.kind != "capability"]
    crossings = _search_all(problem, chosen, fast)
    out: list[Lever] = []
    unmovable: list[Parameter] = []
    for i, p in enumerate(chosen):
        best: tuple[float, float] | None = None
        for direction, found in ((1.0, crossings[2 * i]), (-1.0, crossings[2 * i + 1])):
            if found is None:
                continue
            delta = direction * found[0]
            if best is None or abs(delta) < abs(best[0]):
                best = (delta, found[1])
        if best is None:
            unmovable.append(p)
            continue
        checked = _verified(problem, p, best[0])
        if checked is None:
            unmovable.append(p)
            continue
        delta, after = checked
        new = p.value + delta
        sd: float | None = None
        quantile: float | None = None
        spec = (uncertainty or {}).get(p.path)
        if spec is not None:
            try:
                sd = float(spec.sd(clip=(p.low, p.high)))
                quantile = float(np.asarray(spec.cdf(new, clip=(p.low, p.high))))
            except Exception:  # a distribution without moments must not lose the lever
                sd = quantile = None
        if sd is not None and sd > 0:
            plaus = abs(delta) / sd
        else:
            sd = None
            plaus = abs(delta) / ((p.high - p.low) / math.sqrt(12.0))
        out.append(
            Lever(
                path=p.path,
                kind=p.kind,
                actor=p.actor,
                issue=p.issue,
                value=p.value,
                new_value=new,
                low=p.low,
                high=p.high,
                sd=sd,
                quantile=quantile,
                plausibility=plaus,
                margin_after=after,
                label=_label(problem, p),
            )
        )
    out.sort(key=lambda lv: (lv.plausibility, lv.path))
    return out, unmovable


def _verified(problem: Problem, p: Parameter, delta: float) -> tuple[float, float] | None:
    """Adjust delta so that the exact solver confirms m*(θ+Δ) >= 0 and m*(θ+0.99Δ) < 0.

    Returns (delta, m* at θ+Δ).  The check below θ+Δ may use the fast path: it relaxes strict
    bounds to their closure, so its margin is never below the exact one, and a negative fast
    margin proves a negative exact margin.
    """
    for _ in range(8):
        after = _exact_at(problem, p.path, p.value + delta)
        if after >= 0.0:
            break
        # the fast path treats strict bounds as their closure; step a little further out
        limit = p.high if delta > 0 else p.low
        delta = delta + (limit - p.value - delta) * 1e-3 + math.copysign(1e-9, delta)
    else:
        return None
    short = p.value + 0.99 * delta
    below = float(margin_batch(problem, np.array([[short]]), [p.path])[0])
    if below >= 0.0 and _exact_at(problem, p.path, short) >= 0.0:
        # a crossing closer than the grid found: search again on the shorter range
        shorter = Parameter(
            p.path,
            p.value,
            min(p.value, p.value + 0.99 * delta),
            max(p.value, p.value + 0.99 * delta),
            p.kind,
            p.actor,
            p.issue,
        )
        again = _search_all(problem, [shorter], False)[0 if delta > 0 else 1]
        if again is None:
            return None
        return _verified(problem, shorter, math.copysign(again[0], delta))
    return delta, after


def precondition_levers(scenario: Scenario, *, max_size: int = 3) -> list[FactLever]:
    """For every unmet precondition, the smallest sets of facts whose change would meet it."""
    from detente.scenario.expr import evaluate, names

    env = {f: fact.value for f, fact in scenario.facts.items()}
    out: list[FactLever] = []
    for aid, actor in scenario.actors.items():
        for pre in actor.preconditions:
            if bool(evaluate(pre.expr, env)):
                continue
            used = sorted(n for n in names(pre.expr) if n in env)
            label = pre.label or pre.requires
            found: list[tuple[str, ...]] = []
            for size in range(1, min(len(used), max_size) + 1):
                for combo in itertools.combinations(used, size):
                    if any(set(f) <= set(combo) for f in found):
                        continue
                    trial = dict(env)
                    for f in combo:
                        trial[f] = not env[f]
                    if bool(evaluate(pre.expr, trial)):
                        found.append(combo)
                if found:
                    break
            for combo in found:
                out.append(FactLever(aid, actor.veto, label, tuple((f, not env[f]) for f in combo)))
            if not found:
                out.append(FactLever(aid, actor.veto, label, ()))
    return out
