"""Where the margin comes from: each veto party's surplus at the closest deal, issue by issue.

With the additive utilities of docs/models.md §1, a veto party's surplus at an outcome x is

.. math:: s_i(x) = u_i(x) - r_i
          = \\sum_k w_{ik} \\big(g_{ik}(x_k) - g_{ik}(e_{ik})\\big) + \\kappa_i,

because :math:`r_i = u_i(e_i) - \\kappa_i` with :math:`u_i(e_i) = \\sum_k w_{ik} g_{ik}(e_{ik})`
(:math:`e_i` the party's expected no-deal outcome, issues it does not name at the status quo;
:math:`\\kappa_i` its cost of fighting on; without a ``no_deal`` block :math:`e_i` is the status
quo and :math:`\\kappa_i = 0`).  So the surplus splits exactly into one term per issue -- what the
deal gives the party on that issue compared with what it expects from fighting on -- plus the
cost it avoids.  At the closest deal x* the margin is :math:`m^* = \\min_i s_i(x^*)`.

Stakes.  A surplus of 0.05 means little on its own: a party whose utility barely varies over
the outcomes a deal could have is moved by 0.05 as much as another by 0.5.  The *stake* of a
veto party is the range of its utility over the outcomes that meet every veto party's red lines,
:math:`\\max_x u_i(x) - \\min_x u_i(x)`, computed exactly: the maximum is the margin's LP/MILP
with the party's utility as objective; the minimum of a concave piecewise-linear function is
not an LP, so each distance :math:`|x_k - p_{ik}|` is written exactly with one binary per issue
(:math:`d \\le x - p + M b`, :math:`d \\le p - x + M (1 - b)` in normalised units, with the
least valid :math:`M = 2 \\max(p, 1 - p)`) and the MILP is solved by HiGHS.  The *relative surplus*
:math:`s_i(x^*) / \\text{stake}_i` compares across scenarios, and the *relative margin* is its
smallest value over the veto parties.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from detente.readiness.margin import build
from detente.readiness.problem import Problem

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MarginSources", "PartySources", "issue_utilities", "margin_sources", "utility_range"]

FloatArray = npt.NDArray[np.float64]


def issue_utilities(problem: Problem, x: npt.ArrayLike) -> FloatArray:
    """``w_ik g_ik(x_k)`` (A, K) for one outcome ``x`` (K,) in issue units; the rows sum to
    u_i(x)."""
    xi = problem.to_scaled(np.asarray(x, dtype=float))
    W = problem.weights()
    pos = problem.scaled.position
    g = 1.0 - np.abs(xi[None, :] - pos)
    if problem.is_option.any():
        table = problem.option_table()
        ranks = np.clip(np.rint(xi), 0, max(table.shape[-1] - 1, 0)).astype(np.int64)
        picked = np.take_along_axis(table, ranks[None, :, None].repeat(W.shape[0], 0), -1)[..., 0]
        g = np.where(problem.is_option[None, :], picked, g)
    return np.asarray(np.where(W > 0, W * np.nan_to_num(g, nan=0.0), 0.0))


def utility_range(problem: Problem) -> tuple[FloatArray, FloatArray] | None:
    """(min, max) of each veto party's utility over the outcomes meeting every (active) veto red
    line, exactly (see the module docstring); ``None`` when no outcome meets them all.

    Raises
    ------
    detente.readiness.solver.SolverError, detente.readiness.solver.BudgetExceeded
    """
    A = problem.n_actors
    lo, hi = np.zeros(A), np.zeros(A)
    for a in range(A):
        built = build(problem)
        coefs, _ = built.util[a]
        c = np.zeros(len(built.model.lb))
        for j, v in coefs.items():
            c[j] -= v
        best = built.model.solve(c, what="a party's stake")
        if best is None:
            return None
        hi[a] = float(problem.scaled_utility(_outcome(problem, built, best.x))[a])
        lo[a] = _lowest(problem, a)
    return lo, hi


def _outcome(problem: Problem, built: Any, sol: FloatArray) -> FloatArray:
    from detente.readiness.margin import extract

    return extract(problem, built, sol)


def _lowest(problem: Problem, a: int) -> float:
    """min u_a over the red-line-feasible outcomes: distances written exactly with binaries."""
    built = build(problem)
    m = built.model
    W = problem.weights()
    pos = problem.scaled.position
    table = problem.option_table()
    objective: dict[int, float] = {}
    for k in range(problem.n_issues):
        w = float(W[a, k])
        if w == 0.0:
            continue
        if problem.is_option[k]:
            for j, zj in enumerate(built.z[k]):
                objective[zj] = objective.get(zj, 0.0) + w * float(table[a, k, j])
            continue
        p = float(pos[a, k])
        big = 2.0 * max(p, 1.0 - p)  # the least M that leaves d = |x - p| feasible on [0, 1]
        d = m.var(0.0, 1.0)
        b = m.var(0.0, 1.0, integer=True)
        m.row({d: 1.0, built.x[k]: -1.0, b: -big}, -math.inf, -p)  # d <= x - p + M b
        m.row({d: 1.0, built.x[k]: 1.0, b: big}, -math.inf, p + big)  # d <= p - x + M (1 - b)
        objective[d] = objective.get(d, 0.0) - w
    c = np.zeros(len(m.lb))
    for j, v in objective.items():
        c[j] = v
    sol = m.solve(c, what="a party's stake")
    if sol is None:  # cannot happen after a feasible maximum; kept for safety
        return math.nan
    return float(problem.scaled_utility(_outcome(problem, built, sol.x))[a])


@dataclass(frozen=True)
class PartySources:
    """One veto party's surplus at the closest deal, issue by issue, and its stake."""

    actor: str
    name: str
    surplus: float  # u_i(x*) - r_i
    issues: dict[str, float]  # w_ik (g_ik(x*_k) - g_ik(e_ik)) per issue it cares about
    cost: float  # kappa_i, the cost of fighting on that the deal avoids
    stake: float | None  # max - min of u_i over the red-line-feasible outcomes
    utility_low: float | None
    utility_high: float | None

    @property
    def relative(self) -> float | None:
        """surplus / stake (None for a party indifferent over every feasible outcome)."""
        if self.stake is None or self.stake <= 1e-12:
            return None
        return self.surplus / self.stake

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "surplus": self.surplus,
            "issues": dict(self.issues),
            "cost": self.cost,
            "stake": self.stake,
            "utility_range": [self.utility_low, self.utility_high],
            "relative_surplus": self.relative,
        }

    def explain(self) -> str:
        parts = sorted(self.issues.items(), key=lambda kv: -abs(kv[1]))
        terms = ", ".join(f"{k} {v:+.3f}" for k, v in parts if abs(v) >= 5e-4)
        text = f"{self.name}: surplus {self.surplus:+.3f} = {terms or 'issues 0'}"
        if self.cost:
            text += f", avoided cost {self.cost:+.3f}"
        if self.relative is not None:
            text += f" ({self.relative:+.1%} of its stake {self.stake:.3f})"
        return text


@dataclass(frozen=True)
class MarginSources:
    """Where the margin comes from at the closest deal x* (see the module docstring)."""

    margin: float
    parties: tuple[PartySources, ...]

    @property
    def relative_margin(self) -> float | None:
        """The smallest relative surplus over the veto parties (None if a stake is 0)."""
        values = [p.relative for p in self.parties]
        if not values or any(v is None for v in values):
            return None
        return min(v for v in values if v is not None)

    def to_dict(self) -> dict[str, Any]:
        from detente._results import jsonable

        return dict(
            jsonable(
                {
                    "margin": self.margin,
                    "relative_margin": self.relative_margin,
                    "parties": [p.to_dict() for p in self.parties],
                }
            )
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per veto party and issue (and its avoided cost): the contribution."""
        import pandas as pd

        rows = [
            {"actor": p.actor, "term": k, "contribution": v}
            for p in self.parties
            for k, v in [*p.issues.items(), ("cost", p.cost)]
        ]
        return pd.DataFrame(rows, columns=["actor", "term", "contribution"])

    def explain(self) -> str:
        lines = ["Where the margin comes from (at the closest deal, against fighting on):"]
        lines += [f"  - {p.explain()}" for p in self.parties]
        rel = self.relative_margin
        if rel is not None:
            lines.append(
                f"Relative margin {rel:+.1%}: the smallest surplus as a share of the party's "
                "stake (its utility range over the outcomes every veto party's red lines allow)."
            )
        return "\n".join(lines)


def margin_sources(problem: Problem, x: npt.ArrayLike, *, stakes: bool = True) -> MarginSources:
    """The decomposition of each veto party's surplus at outcome ``x`` (issue units), with
    stakes computed exactly when ``stakes`` (see the module docstring).

    The issue terms and the cost add up to ``u_i(x) - r_i`` (up to rounding).
    """
    here = issue_utilities(problem, x)  # (A, K)
    e = problem.no_deal_outcome()  # (A, K), issue units
    fight = np.stack([issue_utilities(problem, e[a])[a] for a in range(problem.n_actors)])
    ranges = utility_range(problem) if stakes else None
    surplus = problem.utility(np.asarray(x, dtype=float)) - problem.reservation()
    parties = []
    for a, actor in enumerate(problem.actors):
        cares = problem.weights()[a] > 0
        contributions = {
            issue: float(here[a, k] - fight[a, k])
            for k, issue in enumerate(problem.issues)
            if cares[k]
        }
        lo = hi = None
        if ranges is not None:
            lo, hi = float(ranges[0][a]), float(ranges[1][a])
        parties.append(
            PartySources(
                actor=actor,
                name=problem.actor_names[a],
                surplus=float(surplus[a]),
                issues=contributions,
                cost=float(problem.cost[a]),
                stake=None if lo is None or hi is None else max(hi - lo, 0.0),
                utility_low=lo,
                utility_high=hi,
            )
        )
    return MarginSources(float(np.min(surplus)) if len(surplus) else math.inf, tuple(parties))
