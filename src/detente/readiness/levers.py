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

import dataclasses
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from detente.readiness.fastpath import fast_applicable, margin_batch
from detente.readiness.margin import exact_margin
from detente.readiness.problem import Problem
from detente.readiness.solver import BudgetExceeded
from detente.scenario.paths import Judgment

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = [
    "FactLever",
    "Lever",
    "LeverSearch",
    "RedLineLever",
    "find_levers",
    "lever_search",
    "precondition_levers",
    "red_line_levers",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
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
    for_: str = "talks"  # a precondition for talks, or for signing ("agreement")

    def explain(self) -> str:
        parts = [f"{f} became {'true' if v else 'false'}" for f, v in self.changes]
        kind = "precondition for signing" if self.for_ == "agreement" else "precondition"
        return f"{self.actor}'s {kind} \u201c{self.precondition}\u201d would be met if " + (
            " and ".join(parts) if parts else "nothing can meet it"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "veto": self.veto,
            "precondition": self.precondition,
            "for": self.for_,
            "changes": [{"fact": f, "value": v} for f, v in self.changes],
        }


def _label(problem: Problem, p: Judgment) -> str:
    if p.role == "red_line":
        for rl in (*problem.red_lines, *problem.inactive):
            if p.path == rl.threshold_path:
                return f"{p.actor}'s red line \u201c{rl.label}\u201d (threshold)"
    if p.role == "cost":
        return f"{p.actor}'s cost of fighting on"
    if p.role == "no_deal":
        return f"{p.actor}'s expected no-deal {p.issue}"
    if p.role == "salience":
        return f"{p.actor}'s salience of {p.issue}"
    if p.role == "position":
        return f"{p.actor}'s position on {p.issue}"
    return p.path


def _search_all(
    problem: Problem, params: Sequence[Judgment], fast: bool
) -> tuple[list[tuple[float, float] | None], BoolArray]:
    """For every (parameter, direction) pair at once: (delta, margin there) of the first
    crossing to m* >= 0, or None; and which pairs the budget left undetermined.  Pairs are
    ordered p0+, p0-, p1+, p1-, ...

    One vectorised margin evaluation per round: a grid over each half-range, then k-section of
    every bracket in parallel until each is narrower than ``REL_TOL`` times its distance.  A
    margin the budget cut short (NaN from :func:`margin_batch` with ``partial``) before a
    pair's crossing makes that pair undetermined.
    """
    n_pairs = 2 * len(params)
    if n_pairs == 0:
        return [], np.zeros(0, dtype=bool)
    paths = [p.path for p in params]
    theta0 = np.array([float(p.value) for p in params])  # type: ignore[arg-type]
    low = np.array([p.low for p in params], dtype=float)
    high = np.array([p.high for p in params], dtype=float)
    col = np.repeat(np.arange(len(params)), 2)
    sign = np.tile([1.0, -1.0], len(params))
    with np.errstate(over="ignore"):  # a scale as wide as [-1e308, 1e308]
        span = np.where(sign > 0, high[col] - theta0[col], theta0[col] - low[col])
    span = np.minimum(span, np.finfo(float).max)
    span = np.where(span > 1e-12 * np.maximum(1.0, np.abs(theta0[col])), span, 0.0)

    def margins(deltas: FloatArray) -> FloatArray:
        """m* at theta0 with pair q's parameter moved by deltas[q, j] -> (n_pairs, n)."""
        n = deltas.shape[1]
        rows = np.repeat(theta0[None, :], n_pairs * n, axis=0)
        r = np.arange(n_pairs * n)
        with np.errstate(over="ignore"):
            moved = theta0[col][:, None] + sign[:, None] * deltas
        moved = np.clip(moved, low[col][:, None], high[col][:, None])
        rows[r, np.repeat(col, n)] = moved.ravel()
        return margin_batch(problem, rows, paths, partial=True).reshape(n_pairs, n)

    n = 64 if fast else 8
    k = 16 if fast else 1
    grid = span[:, None] * (np.arange(1, n + 1)[None, :] / n)
    m = np.where(span[:, None] > 0, margins(grid), -np.inf)
    hit = m >= 0.0
    found = hit.any(axis=1)
    first = np.argmax(hit, axis=1)
    before = np.arange(n)[None, :] < np.where(found, first, n)[:, None]
    undetermined = np.any(np.isnan(m) & before, axis=1)
    found &= ~undetermined
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
        cut = active & np.isnan(mm).any(axis=1)
        undetermined |= cut
        found &= ~cut
        active &= ~cut
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
    crossings = [(float(hi[i]), float(m_hi[i])) if found_list[i] else None for i in range(n_pairs)]
    return crossings, undetermined


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
    return list(lever_search(problem, uncertainty=uncertainty, paths=paths).levers)


@dataclass(frozen=True)
class LeverSearch:
    """The outcome of a lever search."""

    levers: tuple[Lever, ...]  # ranked by plausibility
    unmovable: tuple[str, ...]  # paths no change within the valid range makes work
    undetermined: tuple[str, ...]  # paths the budget cut short


def lever_search(
    problem: Problem,
    *,
    uncertainty: Mapping[str, Any] | None = None,
    paths: Sequence[str] | None = None,
) -> LeverSearch:
    """Levers ranked by plausibility, judgments that no change within the valid range makes
    work, and judgments not determined within the budget (:class:`~.solver.Budget`).

    Raises
    ------
    detente.readiness.solver.SolverError
        HiGHS failed (a budget running out is not an error here: see ``undetermined``).
    """
    params = problem.parameters()
    chosen = [params[q] for q in (paths if paths is not None else params) if q in params]
    chosen = [
        p
        for p in chosen
        if p.kind == "number" and not problem.is_discrete(p) and p.role != "capability"
    ]
    try:
        if exact_margin(problem, refine=False).zopa:
            return LeverSearch((), (), ())
    except BudgetExceeded:
        return LeverSearch((), (), tuple(p.path for p in chosen))
    crossings, cut_short = _search_all(problem, chosen, fast_applicable(problem))
    out: list[Lever] = []
    unmovable: list[str] = []
    undetermined: list[str] = []
    for i, p in enumerate(chosen):
        best: tuple[float, float] | None = None
        for direction, found in ((1.0, crossings[2 * i]), (-1.0, crossings[2 * i + 1])):
            if found is not None and (best is None or found[0] < abs(best[0])):
                best = (direction * found[0], found[1])
        if cut_short[2 * i] or cut_short[2 * i + 1]:
            # a crossing nearer than the one found may lie where the budget ran out
            undetermined.append(p.path)
            continue
        try:
            checked = None if best is None else _verified(problem, p, best[0])
        except BudgetExceeded:
            undetermined.append(p.path)
            continue
        if checked is None:
            unmovable.append(p.path)
        else:
            out.append(_lever(problem, p, *checked, uncertainty))
    out.sort(key=lambda lv: (lv.plausibility, lv.path))
    return LeverSearch(tuple(out), tuple(unmovable), tuple(undetermined))


def _lever(
    problem: Problem,
    p: Judgment,
    delta: float,
    after: float,
    uncertainty: Mapping[str, Any] | None,
) -> Lever:
    """The lever of judgment ``p`` moved by ``delta``, with its plausibility."""
    value, low, high = _value(p), float(p.low or 0.0), float(p.high or 0.0)
    new = value + delta
    sd: float | None = None
    quantile: float | None = None
    spec = (uncertainty or {}).get(p.path)
    if spec is not None:
        try:
            sd = float(spec.sd(clip=(low, high)))
            quantile = float(np.asarray(spec.cdf(new, clip=(low, high))))
        except Exception:  # a distribution without moments must not lose the lever
            sd = quantile = None
    if sd is not None and sd > 0:
        plaus = abs(delta) / sd
    else:
        sd = None
        with np.errstate(over="ignore"):
            plaus = abs(delta) / ((high / 2 - low / 2) * 2 / math.sqrt(12.0))
    return Lever(
        path=p.path,
        kind=p.role,
        actor=p.actor,
        issue=p.issue,
        value=value,
        new_value=new,
        low=low,
        high=high,
        sd=sd,
        quantile=quantile,
        plausibility=plaus,
        margin_after=after,
        label=_label(problem, p),
    )


def _value(p: Judgment) -> float:
    assert isinstance(p.value, int | float)
    return float(p.value)


def _verified(problem: Problem, p: Judgment, delta: float) -> tuple[float, float] | None:
    """Adjust delta so that the exact solver confirms m*(θ+Δ) >= 0 and m*(θ+0.99Δ) < 0.

    Returns (delta, m* at θ+Δ).  The check below θ+Δ may use the fast path: it relaxes strict
    bounds to their closure, so its margin is never below the exact one, and a negative fast
    margin proves a negative exact margin.
    """
    value = _value(p)
    low, high = float(p.low or 0.0), float(p.high or 0.0)
    for _ in range(8):
        after = _exact_at(problem, p.path, value + delta)
        if after >= 0.0:
            break
        # the fast path treats strict bounds as their closure; step a little further out
        limit = high if delta > 0 else low
        delta = delta + (limit - value - delta) * 1e-3 + math.copysign(1e-9, delta)
    else:
        return None
    short = value + 0.99 * delta
    below = float(margin_batch(problem, np.array([[short]]), [p.path])[0])
    if below >= 0.0 and _exact_at(problem, p.path, short) >= 0.0:
        # a crossing closer than the grid found: search again on the shorter range
        ends = sorted((value, short))
        shorter = dataclasses.replace(p, low=ends[0], high=ends[1])
        crossings, cut_short = _search_all(problem, [shorter], False)
        if cut_short.any():
            raise BudgetExceeded("the lever search was not determined within the budget")
        again = crossings[0 if delta > 0 else 1]
        if again is None:
            return None
        return _verified(problem, shorter, math.copysign(again[0], delta))
    return delta, after


@dataclass(frozen=True)
class RedLineLever:
    """A veto party's red line whose absence alone (``active: false``) opens a ZOPA."""

    path: str  # actors.A.red_lines.J.active
    actor: str
    label: str
    margin_after: float

    def explain(self) -> str:
        return (
            f"{self.actor}'s red line \u201c{self.label}\u201d, were it only a strong "
            f"preference (m* {self.margin_after:+.3f} without it)"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "actor": self.actor,
            "label": self.label,
            "margin_after": self.margin_after,
        }


def red_line_levers(problem: Problem) -> list[RedLineLever]:
    """Each active veto red line whose removal alone opens a ZOPA (exact solver), in order.

    Returns ``[]`` when a ZOPA already exists.
    """
    if exact_margin(problem, refine=False).zopa:
        return []
    out = []
    for rl in problem.red_lines:
        after = exact_margin(problem.with_params({rl.active_path: 0.0}), refine=False)
        if after.zopa:
            actor = problem.actors[rl.actor]
            out.append(RedLineLever(rl.active_path, actor, rl.label, float(after.margin)))
    return out


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
                changes = tuple((f, not env[f]) for f in combo)
                out.append(FactLever(aid, actor.veto, label, changes, pre.for_))
            if not found:
                out.append(FactLever(aid, actor.veto, label, (), pre.for_))
    return out
