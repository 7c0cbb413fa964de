"""Can talks start? The verdict, its reasons and what would change it (docs/models.md §2).

:func:`assess` is a pure function ``Scenario -> Assessment``; the verdict is the table of
:mod:`~detente.readiness.verdict` (preconditions of the veto actors x ZOPA).
A ZOPA exists when m* >= 0 (within ``ZOPA_TOL``, see :mod:`detente.readiness.margin`).
Preconditions are expressions over facts, evaluated with
:func:`detente.scenario.expr.evaluate`.  Zartman's components (Zartman 2000, "Ripeness: the
hurting stalemate and beyond") per veto party: *stalemate* = u_i(e_i) - u_i(status quo), the
expected gain from fighting on (a party is stalemated when it is at most ``stalemate_tol``),
and *hurt* = kappa_i (hurting when at least ``hurt_tol``); a mutually hurting stalemate (MHS)
holds when every veto party is both.

Terms, clashes and levers are computed lazily (on first access, by ``to_dict`` and by
``explain``): levers call the margin a few hundred times.  Every part runs within a
:class:`~detente.readiness.solver.Budget`: the margin itself must be determined (else
:class:`~detente.readiness.solver.BudgetExceeded`, an error), while a lazy part the budget cuts
short says so (``Terms.undetermined``, ``Assessment.clashes_complete``,
``Assessment.levers_undetermined``) instead of failing.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from detente.readiness.clashes import (
    Clash,
    ClashSearch,
    red_line_clashes,
    shortfalls,
    zopa_blockers,
)
from detente.readiness.decomposition import MarginSources, margin_sources
from detente.readiness.frontier import Frontier, pareto_frontier
from detente.readiness.levers import (
    FactLever,
    Lever,
    LeverSearch,
    RedLineLever,
    lever_search,
    precondition_levers,
    red_line_levers,
)
from detente.readiness.margin import ZOPA_TOL, MarginResult, exact_margin
from detente.readiness.nash import NashSolution, solve_nash
from detente.readiness.preconditions import StageAnswer, UnmetPrecondition, unmet_preconditions
from detente.readiness.problem import Problem, compile_problem
from detente.readiness.solver import Budget, SolverError
from detente.readiness.verdict import (
    STAGE_TEXT,
    Stage,
    Verdict,
    headline,
    stage_for,
    verdict_for,
)
from detente.readiness.zopa import RedLineIntervals, ZopaBox, red_line_intervals, zopa_box

if TYPE_CHECKING:
    import pandas as pd

    from detente.scenario import Scenario

T = TypeVar("T")

__all__ = [
    "STAGE_TEXT",
    "Assessment",
    "StageAnswer",
    "Terms",
    "UnmetPrecondition",
    "ZartmanParty",
    "assess",
    "unmet_preconditions",
]


@dataclass(frozen=True)
class ZartmanParty:
    """Zartman's ripeness components for one veto party."""

    actor: str
    stalemate: float  # u_i(e_i) - u_i(status quo): expected gain from fighting on
    hurt: float  # kappa_i
    stalemated: bool
    hurting: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "stalemate": self.stalemate,
            "hurt": self.hurt,
            "stalemated": self.stalemated,
            "hurting": self.hurting,
        }


@dataclass(frozen=True)
class Terms:
    """Candidate terms inside the ZOPA: Nash solutions and the closest (egalitarian) deal."""

    nash: dict[str, float | str]
    nash_weighted: dict[str, float | str]
    closest_deal: dict[str, float | str]
    utilities: dict[str, dict[str, float]]  # which solution -> actor -> u_i
    #: solutions whose optimality the budget cut short (the best deal found is shown)
    undetermined: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "nash": self.nash,
            "nash_weighted": self.nash_weighted,
            "closest_deal": self.closest_deal,
            "utilities": self.utilities,
            "undetermined": list(self.undetermined),
        }


def _deal(problem: Problem, x: np.ndarray[Any, Any] | None) -> dict[str, float | str] | None:
    if x is None:
        return None
    out: dict[str, float | str] = {}
    for k, issue in enumerate(problem.issues):
        if problem.options[k]:
            out[issue] = problem.options[k][round(float(x[k]))]
        else:
            out[issue] = float(x[k])
    return out


@dataclass(frozen=True)
class Assessment:
    """The readiness verdict of one scenario (or one variant of it), with its reasons."""

    scenario_id: str
    title: str
    what_if: str | None
    as_of: dt.date | None
    verdict: Verdict
    margin: float | None  # None when the red lines cannot hold together
    closest_deal: dict[str, float | str] | None
    utilities: dict[str, float]
    reservation: dict[str, float]
    shortfalls: dict[str, float]
    preconditions: tuple[UnmetPrecondition, ...]
    zartman: tuple[ZartmanParty, ...]
    mutually_hurting_stalemate: bool
    #: unmet ``for: agreement`` preconditions (of any actor; a veto actor's one blocks signing)
    agreement_preconditions: tuple[UnmetPrecondition, ...]
    #: how far the conflict can go now: none, talks, deal or signature
    stage: Stage
    _problem: Problem = field(repr=False, compare=False)
    _scenario: Scenario = field(repr=False, compare=False)
    _result: MarginResult = field(repr=False, compare=False)
    _budget: Budget = field(default_factory=Budget, repr=False, compare=False)

    # ---- derived ---------------------------------------------------------------------------
    @property
    def zopa(self) -> bool:
        return self.margin is not None and self.margin >= -ZOPA_TOL

    @property
    def preconditions_met(self) -> bool:
        """Every veto actor's talks preconditions hold (talks can open)."""
        return not any(p.veto for p in self.preconditions)

    @property
    def signable(self) -> bool:
        """Every veto actor's agreement preconditions hold."""
        return not any(p.veto for p in self.agreement_preconditions)

    @property
    def stages(self) -> dict[str, StageAnswer]:
        """The three questions the stage answers, in order, each with its reasons."""
        talks = tuple(p.explain() for p in self.preconditions if p.veto)
        if self.margin is None:
            deal: tuple[str, ...] = ("the veto parties' red lines cannot all hold at once",)
        elif self.zopa:
            deal = (
                f"a deal every veto party prefers to fighting on exists (margin {self.margin:.3f})",
            )
        else:
            deal = (f"no deal beats fighting on for every veto party (gap {-self.margin:.3f})",)
        sign = tuple(p.explain() for p in self.agreement_preconditions if p.veto)
        return {
            "talks": StageAnswer("Can talks open?", self.preconditions_met, talks),
            "deal": StageAnswer("Does a deal exist?", self.zopa, deal),
            "signature": StageAnswer("Can it be signed?", self.signable, sign),
        }

    @functools.cached_property
    def margin_sources(self) -> MarginSources | None:
        """Each veto party's surplus at the closest deal by issue, and its stake (None when the
        red lines cannot all hold): :func:`.decomposition.margin_sources`."""
        x = self._result.x
        if x is None:
            return None
        return self._run(lambda: margin_sources(self._problem, x))

    def _run(self, part: Callable[[], T]) -> T:
        """Compute a lazy part within the budget; a solver failure names the scenario file."""
        try:
            with self._budget.window():
                return part()
        except SolverError as exc:
            raise exc.at(self._scenario.filename) from None

    @functools.cached_property
    def _clash_search(self) -> ClashSearch:
        if not self._result.feasible:
            return self._run(lambda: red_line_clashes(self._problem))
        if not self.zopa:
            return self._run(lambda: zopa_blockers(self._problem))
        return ClashSearch((), True)

    @property
    def clashes(self) -> tuple[Clash, ...]:
        """Minimal clashing sets: of red lines when they cannot hold together, else (no ZOPA) of
        red lines and reservation constraints whose removal opens one; computed on first access.
        """
        return self._clash_search.clashes

    @property
    def clashes_complete(self) -> bool:
        """False when the search for clashes stopped at its cap or its budget."""
        return self._clash_search.complete

    @functools.cached_property
    def terms(self) -> Terms | None:
        """Terms inside the ZOPA (Nash solutions, closest deal); computed on first access."""
        if not self.zopa or self._result.x is None:
            return None
        return self._run(lambda: _terms(self._problem, self._result))

    @functools.cached_property
    def _lever_search(self) -> LeverSearch:
        if self.zopa:
            return LeverSearch((), (), ())
        uncertainty = dict(self._scenario.uncertainty)
        return self._run(lambda: lever_search(self._problem, uncertainty=uncertainty))

    @property
    def levers(self) -> tuple[Lever, ...]:
        """Smallest single-judgment changes that open a ZOPA, most plausible first."""
        return self._lever_search.levers

    @property
    def unmovable(self) -> tuple[str, ...]:
        """Judgments for which no change within the valid range suffices to open a ZOPA."""
        return self._lever_search.unmovable

    @property
    def levers_undetermined(self) -> tuple[str, ...]:
        """Judgments whose lever the budget left undetermined."""
        return self._lever_search.undetermined

    @functools.cached_property
    def red_line_levers(self) -> tuple[RedLineLever, ...]:
        """Veto red lines whose absence alone would open a ZOPA (none when one exists)."""
        if self.zopa:
            return ()
        return tuple(self._run(lambda: red_line_levers(self._problem)))

    @functools.cached_property
    def fact_levers(self) -> tuple[FactLever, ...]:
        """Facts that would have to change to meet each unmet precondition."""
        return tuple(precondition_levers(self._scenario))

    # ---- output ----------------------------------------------------------------------------
    def headline(self) -> str:
        """The verdict in one sentence."""
        return headline(
            verdict=self.verdict,
            parties=self._problem.actor_names,
            margin=self.margin,
            unmet=[p.label for p in self.preconditions if p.veto],
            unsigned=[p.label for p in self.agreement_preconditions if p.veto],
        )

    def explain(self) -> str:
        """Plain-language reasons an analyst could paste into a briefing."""
        problem = self._problem
        names = dict(zip(problem.actors, problem.actor_names, strict=True))
        lines = [self.headline(), f"Stage: {self.stage} — {STAGE_TEXT[self.stage]}."]
        if self.closest_deal is not None and not self.zopa:
            deal = ", ".join(
                f"{k} {problem.describe_value(i, _num(problem, i, v))}"
                for i, (k, v) in enumerate(self.closest_deal.items())
            )
            lines.append(f"The closest deal ({deal}) leaves:")
            for a, gap in self.shortfalls.items():
                if gap > ZOPA_TOL:
                    lines.append(f"  - {names[a]} short of its no-deal value by {gap:.3f}")
                else:
                    lines.append(f"  - {names[a]} better off than fighting on by {-gap:.3f}")
        sources = self.margin_sources
        if sources is not None and sources.parties:
            lines.append(sources.explain())
        if self.clashes:
            lines.append("What clashes:")
            lines.extend(f"  - {c.explain()}" for c in self.clashes)
        if not self.clashes_complete:
            lines.append("The search for clashes stopped at its limit; there may be more.")
        if self.preconditions:
            lines.append("Preconditions not met:")
            lines.extend(f"  - {p.explain()}" for p in self.preconditions)
        if self.agreement_preconditions:
            lines.append("Preconditions for signing not met:")
            lines.extend(f"  - {p.explain()}" for p in self.agreement_preconditions)
        z = self.zartman
        if z:
            parts = [
                f"{names[p.actor]} expects {p.stalemate:+.3f} from fighting on at a cost of "
                f"{p.hurt:.3f}"
                for p in z
            ]
            mhs = "a" if self.mutually_hurting_stalemate else "no"
            lines.append(f"Ripeness: {'; '.join(parts)} — {mhs} mutually hurting stalemate.")
        if not self.zopa:
            lv = self.levers[:5]
            if lv:
                lines.append("What would open a zone of agreement (one judgment at a time):")
                lines.extend(f"  - {item.explain()}" for item in lv)
            elif not self.levers_undetermined:
                lines.append("No single judgment change within its valid range opens a ZOPA.")
            if self.levers_undetermined:
                lines.append(f"Not determined within the budget: {_few(self.levers_undetermined)}.")
            if self.red_line_levers:
                lines.append("Red lines whose absence alone would open a zone of agreement:")
                lines.extend(f"  - {r.explain()}" for r in self.red_line_levers)
        if self.preconditions or self.agreement_preconditions:
            fl = [f for f in self.fact_levers if f.changes]
            if fl:
                lines.append("What would meet the preconditions:")
                lines.extend(f"  - {f.explain()}" for f in fl)
        if self.terms is not None:
            t = self.terms

            def show(d: dict[str, float | str]) -> str:
                return ", ".join(
                    f"{k} {problem.describe_value(i, _num(problem, i, v))}"
                    for i, (k, v) in enumerate(d.items())
                )

            lines.append("Terms if talks open:")
            lines.append(f"  - Nash bargaining solution: {show(t.nash)}")
            lines.append(f"  - weighted by capability: {show(t.nash_weighted)}")
            lines.append(f"  - the most even deal (x*): {show(t.closest_deal)}")
            if t.undetermined:
                lines.append(
                    "  (not determined within the budget: "
                    + ", ".join(t.undetermined)
                    + "; the best deal found is shown)"
                )
        return "\n".join(lines)

    def zopa_box(self) -> ZopaBox | None:
        """Per issue, the exact range of the ZOPA (None without one): :func:`.zopa.zopa_box`."""
        return zopa_box(self._problem, known=[self._result.x]) if self.zopa else None

    def red_line_intervals(self) -> RedLineIntervals:
        """Per veto red line and issue, the values it allows: :func:`.zopa.red_line_intervals`."""
        return red_line_intervals(self._problem)

    def frontier(self, *, points_per_issue: int = 21) -> Frontier:
        """The ZOPA over a grid of outcomes and its Pareto frontier (for charts)."""
        return pareto_frontier(self._problem, points_per_issue=points_per_issue)

    def to_dict(self, *, include_levers: bool = True) -> dict[str, Any]:
        """JSON-ready data (the CLI's ``--json``)."""
        out: dict[str, Any] = {
            "scenario": self.scenario_id,
            "title": self.title,
            "what_if": self.what_if,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "verdict": self.verdict,
            "headline": self.headline(),
            "zopa": self.zopa,
            "margin": self.margin,
            "closest_deal": self.closest_deal,
            "utilities": self.utilities,
            "reservation": self.reservation,
            "shortfalls": self.shortfalls,
            "clashes": [c.to_dict() for c in self.clashes],
            "clashes_complete": self.clashes_complete,
            "preconditions": [p.to_dict() for p in self.preconditions],
            "zartman": [z.to_dict() for z in self.zartman],
            "mutually_hurting_stalemate": self.mutually_hurting_stalemate,
            "terms": self.terms.to_dict() if self.terms else None,
            "stage": self.stage,
            "stages": {k: v.to_dict() for k, v in self.stages.items()},
            "agreement_preconditions": [p.to_dict() for p in self.agreement_preconditions],
            "margin_sources": self.margin_sources.to_dict() if self.margin_sources else None,
        }
        if include_levers:
            out["levers"] = [lv.to_dict() for lv in self.levers]
            out["no_lever"] = list(self.unmovable)
            out["levers_undetermined"] = list(self.levers_undetermined)
            out["fact_levers"] = [f.to_dict() for f in self.fact_levers]
            out["red_line_levers"] = [r.to_dict() for r in self.red_line_levers]
        from detente._results import jsonable

        return dict(jsonable(out))

    def to_frame(self) -> pd.DataFrame:
        """One row per veto party: utility at x*, reservation value, shortfall, Zartman."""
        import pandas as pd

        z = {p.actor: p for p in self.zartman}
        rows = [
            {
                "actor": a,
                "utility": self.utilities.get(a, math.nan),
                "reservation": self.reservation[a],
                "shortfall": self.shortfalls[a],
                "stalemate": z[a].stalemate,
                "hurt": z[a].hurt,
            }
            for a in self._problem.actors
        ]
        return pd.DataFrame(rows).set_index("actor")


def _num(problem: Problem, k: int, v: float | str) -> float:
    return float(problem.options[k].index(v)) if isinstance(v, str) else float(v)


def _few(paths: tuple[str, ...], shown: int = 4) -> str:
    """A long list of judgment paths, cut short (the JSON output has all of them)."""
    if len(paths) <= shown:
        return "the levers of " + ", ".join(paths)
    return f"the levers of {len(paths)} judgments ({', '.join(paths[:shown])}, ...)"


def _zartman(
    problem: Problem, stalemate_tol: float, hurt_tol: float
) -> tuple[tuple[ZartmanParty, ...], bool]:
    e = problem.no_deal_outcome()
    u_e = np.diagonal(problem.utility(e))
    u_sq = problem.utility(problem.status_quo)
    gain = u_e - u_sq
    parties = tuple(
        ZartmanParty(
            a,
            float(gain[i]),
            float(problem.cost[i]),
            bool(gain[i] <= stalemate_tol),
            bool(problem.cost[i] >= hurt_tol),
        )
        for i, a in enumerate(problem.actors)
    )
    mhs = bool(parties) and all(p.stalemated and p.hurting for p in parties)
    return parties, mhs


def assess(
    scenario: Scenario,
    *,
    stalemate_tol: float = 0.05,
    hurt_tol: float = 0.05,
    budget: Budget | None = None,
) -> Assessment:
    """Assess whether talks can start: verdict, margin, closest deal, clashes, levers, terms.

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario (:func:`detente.load`), or a transformation of one: as of a date
        (:meth:`~detente.scenario.Scenario.at`) and/or a what-if variant
        (:meth:`~detente.scenario.Scenario.variant`), composed as
        ``assess(scenario.at(date).variant(name))``.
    stalemate_tol, hurt_tol : float
        Thresholds of Zartman's components (see the module docstring).
    budget : Budget, optional
        Limits on solver work for the margin and for each lazily computed part (default
        :class:`~detente.readiness.solver.Budget()`); inside an outer ``Budget.window()`` the
        sooner deadline holds.

    Returns
    -------
    Assessment

    Raises
    ------
    detente.errors.InputError
        A red line that is not linear.
    detente.readiness.solver.BudgetExceeded
        The margin (hence the verdict) was not determined within the budget.
    detente.readiness.solver.SolverError
        HiGHS failed (its status is named).
    """
    budget = Budget() if budget is None else budget
    problem = compile_problem(scenario)
    try:
        with budget.window():
            result: MarginResult = exact_margin(problem)
    except SolverError as exc:
        raise exc.at(scenario.filename) from None

    unmet = unmet_preconditions(scenario)
    unsigned = unmet_preconditions(scenario, for_="agreement")
    pre_met = not any(p.veto for p in unmet)
    zopa = result.zopa
    verdict = verdict_for(zopa=zopa, preconditions_met=pre_met)
    stage = stage_for(talks=pre_met, zopa=zopa, signable=not any(p.veto for p in unsigned))

    r = problem.reservation()
    zartman, mhs = _zartman(problem, stalemate_tol, hurt_tol)
    util = (
        {a: float(u) for a, u in zip(problem.actors, result.utility, strict=True)}
        if result.utility is not None
        else {}
    )
    return Assessment(
        scenario_id=scenario.id,
        title=scenario.title,
        what_if=scenario.what_if,
        as_of=scenario.as_of,
        verdict=verdict,
        margin=float(result.margin) if result.feasible else None,
        closest_deal=_deal(problem, result.x),
        utilities=util,
        reservation={a: float(v) for a, v in zip(problem.actors, r, strict=True)},
        shortfalls=shortfalls(problem, result.x),
        preconditions=unmet,
        zartman=zartman,
        mutually_hurting_stalemate=mhs,
        agreement_preconditions=unsigned,
        stage=stage,
        _problem=problem,
        _scenario=scenario,
        _result=result,
        _budget=budget,
    )


def _terms(problem: Problem, result: MarginResult) -> Terms:
    """Symmetric and capability-weighted Nash bargaining solutions and the closest deal."""
    assert result.x is not None
    found: dict[str, NashSolution | None] = {
        "nash": solve_nash(problem, base=result),
        "nash_weighted": solve_nash(problem, weights=problem.capability.tolist(), base=result),
    }
    sols = {name: result.x if f is None else f.x for name, f in found.items()}
    sols["closest_deal"] = result.x
    return Terms(
        nash=_deal(problem, sols["nash"]) or {},
        nash_weighted=_deal(problem, sols["nash_weighted"]) or {},
        closest_deal=_deal(problem, result.x) or {},
        utilities={
            name: {a: float(u) for a, u in zip(problem.actors, problem.utility(x), strict=True)}
            for name, x in sols.items()
        },
        undetermined=tuple(name for name, f in found.items() if f is not None and not f.determined),
    )
