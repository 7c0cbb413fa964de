"""The briefing: every number a report shows, computed once from the engines' results.

:func:`build_briefing` runs the engines on a scenario and gathers what the HTML report, the
Markdown summary and the charts show into a frozen :class:`Briefing`.  The views only format and
escape: they compute nothing.  Sections whose engine is missing, or cannot run on this scenario
(no ``strategy`` section, no ``uncertainty``), are recorded in :attr:`Briefing.unavailable` with
the reason, and the views print "not available" instead of failing.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from detente.errors import DetenteError

if TYPE_CHECKING:
    from detente.readiness import Assessment
    from detente.scenario import Scenario
    from detente.scenario.model import Issue

__all__ = [
    "SECTIONS",
    "ActorCard",
    "Briefing",
    "Cited",
    "LeverRow",
    "SourceRef",
    "StatementRow",
    "TimelineRow",
    "WhatIfRow",
    "build_briefing",
]

#: The report's optional sections, in order (the verdict, actors and sources are always there).
SECTIONS: tuple[str, ...] = (
    "space",
    "shortfalls",
    "levers",
    "whatifs",
    "forecast",
    "graph",
    "montecarlo",
    "timeline",
)

METHOD_NAMES = {
    "mean": "weighted mean",
    "median": "weighted median",
    "nash": "Nash bargaining",
    "eum": "expected utility",
}
VERDICT_LABELS = {
    "ripe": "Ripe",
    "blocked": "Blocked",
    "premature": "Premature",
    "not_ripe": "Not ripe",
}

# An engine that is being rewritten, or a scenario it cannot handle, must not take the whole
# briefing down: these are the failures that mark a section "not available" instead.
_OPTIONAL_FAILURES: tuple[type[BaseException], ...] = (
    ImportError,
    AttributeError,
    TypeError,
    KeyError,
    ValueError,
    IndexError,
    NotImplementedError,
    DetenteError,
)


# ------------------------------------------------------------------------------------------------
# Data objects
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRef:
    """A source as listed at the end of the report."""

    id: str
    title: str
    publisher: str | None
    author: str | None
    date: str | None
    url: str | None
    note: str | None


@dataclass(frozen=True)
class Cited:
    """One sourced statement of an actor card (a consideration, a red line, ...)."""

    text: str
    source: str | None = None
    quote: str | None = None
    detail: str | None = None  # the rule or condition, as written in the file
    status: str | None = None  # "met" / "not met" for preconditions


@dataclass(frozen=True)
class ActorCard:
    """What the report says about one actor."""

    id: str
    name: str
    role: str
    veto: bool
    capability: float
    capability_text: str
    supports: tuple[str, ...]
    considerations: tuple[Cited, ...]
    preconditions: tuple[Cited, ...]
    red_lines: tuple[Cited, ...]
    no_deal: Cited | None
    utility_text: str | None  # "utility at the closest deal 0.278 vs no-deal value 0.297"


@dataclass(frozen=True)
class LeverRow:
    """A single judgment change that would open a zone of agreement."""

    label: str
    path: str
    actor: str | None
    value_text: str
    new_value_text: str
    delta: float
    share: float  # delta as a signed share of the judgment's valid range
    plausibility: float | None
    plausibility_text: str
    text: str


@dataclass(frozen=True)
class WhatIfRow:
    """One variant of the what-if table."""

    name: str
    label: str
    verdict: str
    verdict_label: str
    margin: float | None
    margin_text: str
    preconditions_met: bool
    headline: str


@dataclass(frozen=True)
class TimelineRow:
    """Readiness as of one dated change."""

    date: str
    verdict: str
    verdict_label: str
    margin: float | None
    margin_text: str
    unmet_preconditions: int
    note: str


@dataclass(frozen=True)
class StatementRow:
    """A dated public statement."""

    date: str
    actor: str
    actor_name: str
    target: str | None
    speaker: str | None
    stance: str
    quote: str | None
    source: str | None


@dataclass(frozen=True)
class Briefing:
    """Everything a report shows, as plain data: numbers, display strings and chart tables.

    ``charts`` maps a chart kind (see :data:`detente.briefing.charts.CHART_KINDS`) to the tables
    its chart function draws; ``captions`` holds one sentence per chart; ``unavailable`` maps a
    section to the reason it is missing.
    """

    scenario_id: str
    title: str
    question: str | None
    description: str | None
    as_of: str | None
    filename: str | None
    verdict: str
    verdict_label: str
    headline: str
    margin: float | None
    margin_text: str
    zopa: bool
    explanation: str
    closest_deal: tuple[tuple[str, str], ...]
    nash: tuple[tuple[str, str], ...]
    unmet_preconditions: tuple[str, ...]
    clashes: tuple[str, ...]
    fact_levers: tuple[str, ...]
    ripeness: tuple[str, ...]
    actors: tuple[ActorCard, ...]
    levers: tuple[LeverRow, ...]
    what_ifs: tuple[WhatIfRow, ...]
    forecast_methods: tuple[str, ...]  # column titles of the forecast table
    forecasts: tuple[tuple[str, tuple[str, ...]], ...]  # issue label, one text per method
    forecast_text: str | None
    graph_text: str | None
    timeline: tuple[TimelineRow, ...]
    statements: tuple[StatementRow, ...]
    sources: tuple[SourceRef, ...]
    simulation_text: str | None
    charts: Mapping[str, Mapping[str, pd.DataFrame]] = field(default_factory=dict)
    captions: Mapping[str, str] = field(default_factory=dict)
    unavailable: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (chart tables as lists of records)."""
        import dataclasses

        from detente._results import jsonable

        out = {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name not in ("charts",)
        }
        out["charts"] = {
            kind: {name: frame.to_dict(orient="records") for name, frame in tables.items()}
            for kind, tables in self.charts.items()
        }
        result: dict[str, Any] = jsonable(out)
        return result


# ------------------------------------------------------------------------------------------------
# Formatting helpers (display strings are made here so that views compute nothing)
# ------------------------------------------------------------------------------------------------


def _margin_text(margin: float | None) -> str:
    if margin is None:
        return "red lines incompatible"
    if margin >= -1e-9:
        return f"margin {margin:+.3f}"
    return f"gap {-margin:.3f}"


def _issue_value(issue: Issue, value: float | str) -> str:
    if isinstance(value, str):
        return value
    # solver output: no "-0" and no 1e-12 residues in a briefing
    value = round(float(value), 9) + 0.0
    if issue.options is not None:
        rank = int(np.clip(round(value), 0, issue.n_options - 1))
        return issue.options[rank]
    return issue.describe(float(value))


def _as_number(issue: Issue, value: float | str) -> float:
    if isinstance(value, str):
        return float(issue.rank(value)) if issue.options and value in issue.options else math.nan
    return float(value)


# ------------------------------------------------------------------------------------------------
# Sections
# ------------------------------------------------------------------------------------------------


def _sources(scenario: Scenario) -> tuple[SourceRef, ...]:
    return tuple(
        SourceRef(
            id=sid,
            title=s.title,
            publisher=s.publisher,
            author=s.author,
            date=s.date.isoformat() if s.date else None,
            url=s.url,
            note=s.note,
        )
        for sid, s in scenario.sources.items()
    )


def _actor_cards(scenario: Scenario, assessment: Assessment) -> tuple[ActorCard, ...]:
    unmet = {(p.actor, p.requires) for p in assessment.preconditions}
    cards = []
    for aid, actor in scenario.actors.items():
        nd: Cited | None = None
        if actor.no_deal is not None:
            n = actor.no_deal
            parts = [
                f"{scenario.issues[k].label}: {_issue_value(scenario.issues[k], v)}"
                for k, v in n.outcome.items()
                if k in scenario.issues
            ]
            expects = "; ".join(parts) if parts else "the status quo on every issue"
            horizon = f" over {n.horizon}" if n.horizon else ""
            nd = Cited(
                text=f"Expects{horizon}: {expects}. Cost of fighting on: {n.cost:.2f}.",
                source=n.source,
                quote=n.note,
            )
        util: str | None = None
        if aid in assessment.reservation:
            r = assessment.reservation[aid]
            if aid in assessment.utilities:
                util = (
                    f"Utility at the closest deal {assessment.utilities[aid]:.3f}; "
                    f"no-deal value {r:.3f}."
                )
            else:
                util = f"No-deal value {r:.3f}."
        cards.append(
            ActorCard(
                id=aid,
                name=actor.name,
                role=actor.role,
                veto=actor.veto,
                capability=actor.capability,
                capability_text=f"{actor.capability:g}",
                supports=tuple(
                    scenario.actors[s].name if s in scenario.actors else s for s in actor.supports
                ),
                considerations=tuple(
                    Cited(text=c.text, source=c.source, quote=c.quote) for c in actor.considerations
                ),
                preconditions=tuple(
                    Cited(
                        text=p.label or p.requires,
                        source=p.source,
                        quote=p.quote,
                        detail=p.requires,
                        status="not met" if (aid, p.requires) in unmet else "met",
                    )
                    for p in actor.preconditions
                ),
                red_lines=tuple(
                    Cited(text=r.label or r.rule, source=r.source, quote=r.quote, detail=r.rule)
                    for r in actor.red_lines
                ),
                no_deal=nd,
                utility_text=util,
            )
        )
    return tuple(cards)


def _forbidden_zones(issue_id: str, issue: Issue, rule_expr: Any) -> list[tuple[float, float]]:
    """Intervals of the issue a red line excludes, when the red line concerns this issue only.

    The breakpoints are the atoms' boundaries :math:`b / a`; between two breakpoints the red
    line's truth is constant, so testing each breakpoint and each midpoint is exact.
    """
    from detente.scenario.expr import atoms, formula_holds, to_linear

    formula = to_linear(rule_expr)
    found = atoms(formula)
    if not found or any(set(a.coef) != {issue_id} for a in found):
        return []
    if issue.options is not None:
        ranks = np.arange(issue.n_options, dtype=float)
        ok = np.asarray(formula_holds(formula, {issue_id: ranks}, tol=1e-9), dtype=bool)
        return _merge([(r - 0.5, r + 0.5) for r in ranks[~ok].tolist()])
    cuts = sorted(
        {issue.low, issue.high}
        | {
            a.rhs / a.coef[issue_id]
            for a in found
            if issue.low < a.rhs / a.coef[issue_id] < issue.high
        }
    )
    pts = np.array(cuts)
    mids = (pts[:-1] + pts[1:]) / 2
    ok_pts = np.asarray(formula_holds(formula, {issue_id: pts}, tol=0.0), dtype=bool)
    ok_mid = np.asarray(formula_holds(formula, {issue_id: mids}, tol=0.0), dtype=bool)
    # walk point, open segment, point, ... and join consecutive excluded pieces
    zones: list[tuple[float, float]] = []
    start: float | None = None
    end = 0.0
    pieces = [(float(pts[0]), float(pts[0]), bool(ok_pts[0]))]
    for j in range(len(mids)):
        pieces.append((float(pts[j]), float(pts[j + 1]), bool(ok_mid[j])))
        pieces.append((float(pts[j + 1]), float(pts[j + 1]), bool(ok_pts[j + 1])))
    for a, b, holds in pieces:
        if not holds:
            start = a if start is None else start
            end = b
        elif start is not None:
            zones.append((start, end))
            start = None
    if start is not None:
        zones.append((start, end))
    return zones


def _merge(zones: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Touching or overlapping intervals joined."""
    merged: list[tuple[float, float]] = []
    for a, b in sorted(zones):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _add_row(
    rows: list[dict[str, Any]],
    issue: str,
    issue_label: str,
    layer: str,
    who: str,
    name: str,
    x: float,
    x2: float | None = None,
    *,
    size: float = 0.0,
    text: str = "",
) -> None:
    rows.append(
        {
            "issue": issue,
            "issue_label": issue_label,
            "layer": layer,
            "actor": who,
            "name": name,
            "x": float(x),
            "x2": float(x if x2 is None else x2),
            "size": float(size),
            "text": text,
        }
    )


def _space(
    scenario: Scenario,
    assessment: Assessment,
    forecasts: Mapping[str, Mapping[str, float]],
    zopa_band: Mapping[str, tuple[float, float]],
) -> dict[str, pd.DataFrame]:
    """One long table per issue: positions, red-line zones, no-deal values and candidate deals."""
    frames: dict[str, pd.DataFrame] = {}
    for k, issue in scenario.issues.items():
        rows: list[dict[str, Any]] = []
        add = functools.partial(_add_row, rows, k, issue.label)
        for aid, actor in scenario.actors.items():
            if k in actor.positions:
                v = actor.positions[k]
                w = actor.capability * actor.salience.get(k, 0.5)
                add(
                    "position",
                    aid,
                    actor.name,
                    _as_number(issue, v),
                    size=w,
                    text=f"{actor.name}: {_issue_value(issue, v)} (capability x salience {w:.3g})",
                )
            for r in actor.red_lines:
                try:
                    zones = _forbidden_zones(k, issue, r.expr)
                except _OPTIONAL_FAILURES:
                    zones = []
                for a, b in zones:
                    add(
                        "red_line", aid, actor.name, a, b, text=f"{actor.name}: {r.label or r.rule}"
                    )
            if actor.no_deal is not None and k in actor.no_deal.outcome:
                v = actor.no_deal.outcome[k]
                add(
                    "no_deal",
                    aid,
                    actor.name,
                    _as_number(issue, v),
                    text=f"{actor.name} expects {_issue_value(issue, v)} without a deal",
                )
        add(
            "status_quo",
            "",
            "status quo",
            _as_number(issue, issue.status_quo),
            text=f"status quo: {_issue_value(issue, issue.status_quo)}",
        )
        if k in zopa_band:
            lo, hi = zopa_band[k]
            add("zopa", "", "ZOPA", lo, hi, text="zone of possible agreement")
        if assessment.closest_deal and k in assessment.closest_deal:
            v = assessment.closest_deal[k]
            add(
                "closest",
                "",
                "closest deal",
                _as_number(issue, v),
                text=f"closest deal: {_issue_value(issue, v)}",
            )
        if assessment.terms is not None and k in assessment.terms.nash:
            v = assessment.terms.nash[k]
            add(
                "nash",
                "",
                "Nash point",
                _as_number(issue, v),
                text=f"Nash point: {_issue_value(issue, v)}",
            )
        for method, value in forecasts.get(k, {}).items():
            name = f"forecast: {METHOD_NAMES.get(method, method)}"
            add("forecast", method, name, value, text=f"{name}: {_issue_value(issue, value)}")
        frame = pd.DataFrame(rows)
        frame.attrs["low"] = issue.low
        frame.attrs["high"] = issue.high
        frame.attrs["options"] = list(issue.options) if issue.options else None
        frame.attrs["unit"] = issue.unit
        frames[k] = frame
    return frames


def _zopa_band(assessment: Assessment) -> dict[str, tuple[float, float]]:
    """Per issue, the range of values over the ZOPA (grid outcomes of the readiness engine)."""
    if not assessment.zopa:
        return {}
    from detente.readiness import pareto_frontier

    problem = assessment._problem
    frontier = pareto_frontier(problem, points_per_issue=11, max_outcomes=400_000)
    if frontier.outcomes.shape[0] == 0:
        return {}
    lo = frontier.outcomes.min(axis=0)
    hi = frontier.outcomes.max(axis=0)
    return {k: (float(lo[j]), float(hi[j])) for j, k in enumerate(problem.issues)}


def _levers(assessment: Assessment, names: Mapping[str, str]) -> tuple[LeverRow, ...]:
    rows = []
    for lv in assessment.levers:
        d = lv.to_dict()
        low, high = d.get("valid_range") or (None, None)
        span = (high - low) if low is not None and high is not None and high > low else None
        delta = float(d["delta"])
        rows.append(
            LeverRow(
                label=str(d.get("label") or d["path"]),
                path=str(d["path"]),
                actor=d.get("actor"),
                value_text=f"{d['value']:.4g}",
                new_value_text=f"{d['new_value']:.4g}",
                delta=delta,
                share=delta / span if span else math.nan,
                plausibility=d.get("plausibility"),
                plausibility_text=(
                    f"{d['plausibility']:.2f}" if d.get("plausibility") is not None else ""
                ),
                text=lv.explain(),
            )
        )
    return tuple(rows)


def _what_ifs(scenario: Scenario, base: Assessment) -> tuple[WhatIfRow, ...]:
    from detente.readiness import assess

    rows = [
        WhatIfRow(
            name="(base)",
            label="The scenario as encoded",
            verdict=base.verdict,
            verdict_label=VERDICT_LABELS.get(base.verdict, base.verdict),
            margin=base.margin,
            margin_text=_margin_text(base.margin),
            preconditions_met=base.preconditions_met,
            headline=base.headline(),
        )
    ]
    for name, w in scenario.what_ifs.items():
        a = assess(scenario.variant(name))
        rows.append(
            WhatIfRow(
                name=name,
                label=w.label,
                verdict=a.verdict,
                verdict_label=VERDICT_LABELS.get(a.verdict, a.verdict),
                margin=a.margin,
                margin_text=_margin_text(a.margin),
                preconditions_met=a.preconditions_met,
                headline=a.headline(),
            )
        )
    return tuple(rows)


def _forecast(scenario: Scenario) -> tuple[Any, dict[str, dict[str, float]]]:
    from detente.bargaining import forecast

    result = forecast(scenario)
    values = {f.issue: {m: float(v) for m, v in f.values.items()} for f in result.issues}
    return result, values


def _forecast_tables(result: Any, scenario: Scenario) -> dict[str, pd.DataFrame]:
    """Trajectories (positions normalised to the scale) and the quadrant data of one issue."""
    rows: list[dict[str, Any]] = []
    best: Any = None
    for f in result.issues:
        if f.eum is None:
            continue
        span = f.high - f.low
        eum = f.eum
        label = _short(f.label, 34)  # a facet header over a narrow panel
        rounds = np.arange(eum.positions.shape[0])
        for i, name in enumerate(eum.names):
            for t in rounds.tolist():
                rows.append(
                    {
                        "issue": label,
                        "round": t,
                        "series": name,
                        "kind": "actor",
                        "value": float((eum.positions[t, i] - f.low) / span),
                    }
                )
        for t in rounds.tolist():
            rows.append(
                {
                    "issue": label,
                    "round": t,
                    "series": "forecast (median)",
                    "kind": "median",
                    "value": float((eum.medians[t] - f.low) / span),
                }
            )
        if best is None or float(f.weights.sum()) > float(best.weights.sum()):
            best = f
    tables = {"trajectories": pd.DataFrame(rows)}
    if best is not None and best.eum is not None and best.eum.rounds >= 1:
        veto = [a for a in scenario.veto_actors if a in best.eum.names] or list(best.eum.names[:2])
        parts = []
        for a in veto:
            q = best.eum.quadrant(a, round=1)
            q.insert(0, "viewpoint", a)
            parts.append(q)
        quad = pd.concat(parts, ignore_index=True)
        quad.attrs["issue"] = best.label
        tables["quadrant"] = quad
    return tables


def _graph_tables(result: Any) -> dict[str, pd.DataFrame]:
    """States worth drawing (status quo, equilibria, states on status-quo paths) on a circle."""
    concepts = list(result.concepts)
    eq_count: dict[int, list[str]] = {}
    for c in concepts:
        for s in result.equilibria[c]:
            eq_count.setdefault(int(s), []).append(c.upper() if c != "nash" else "Nash")
    sq = result.status_quo
    on_path: set[int] = set()
    edges: list[tuple[int, int, str]] = []
    if sq is not None:
        on_path.add(int(sq.state))
        for path, movers in zip(sq.paths, sq.movers, strict=True):
            on_path.update(int(s) for s in path)
            for a, b, who in zip(path[:-1], path[1:], movers, strict=True):
                edges.append((int(a), int(b), str(who)))
    # every unilateral move from the status quo
    moves: list[tuple[int, int, str]] = []
    if sq is not None:
        for dm in result.decision_makers:
            moves.extend((int(sq.state), t, str(dm)) for t in result.moves(dm, int(sq.state)))
    shown = sorted(set(eq_count) | on_path | {b for _, b, _ in moves})
    # the status quo in the centre, the other states on a circle around it
    ring = [s for s in shown if sq is None or s != sq.state]
    n = len(ring)
    angle = {s: math.pi / 2 - 2 * math.pi * j / max(n, 1) for j, s in enumerate(ring)}
    radius = {s: 1.0 for s in ring}
    if sq is not None:
        angle[int(sq.state)], radius[int(sq.state)] = 0.0, 0.0
    pattern = {st.id: st.pattern for st in result.states}
    nodes = pd.DataFrame(
        [
            {
                "state": s,
                "pattern": pattern.get(s, ""),
                "x": radius[s] * math.cos(angle[s]),
                "y": radius[s] * math.sin(angle[s]),
                "lx": 1.1 * radius[s] * math.cos(angle[s]),
                "ly": 1.1 * radius[s] * math.sin(angle[s]) - (0.09 if radius[s] == 0 else 0.0),
                "align": "center"
                if radius[s] == 0 or abs(math.cos(angle[s])) < 0.05
                else ("left" if math.cos(angle[s]) > 0 else "right"),
                "equilibrium": ", ".join(eq_count.get(s, [])) or "none",
                "n_concepts": len(eq_count.get(s, [])),
                "status_quo": bool(sq is not None and s == sq.state),
                "label": f"{s}",
            }
            for s in shown
        ]
    )
    links = pd.DataFrame(
        [
            {
                "source": a,
                "target": b,
                "mover": who,
                "x": radius[a] * math.cos(angle[a]),
                "y": radius[a] * math.sin(angle[a]),
                "x2": radius[b] * math.cos(angle[b]),
                "y2": radius[b] * math.sin(angle[b]),
                "kind": kind,
            }
            for kind, group in (("improvement path", edges), ("move from the status quo", moves))
            for a, b, who in group
            if a != b
        ],
        columns=["source", "target", "mover", "x", "y", "x2", "y2", "kind"],
    )
    nodes.attrs["options"] = list(result.options)
    return {"nodes": nodes, "edges": links}


def _timeline(scenario: Scenario) -> tuple[TimelineRow, ...]:
    from detente.timeline import readiness_series

    series = readiness_series(scenario)
    # earlier versions of the series carried a separate "base" point (before the timeline)
    base = getattr(series, "base", None)
    points = ([base] if base is not None else []) + list(series.points)
    return tuple(
        TimelineRow(
            date=p.date.isoformat(),
            verdict=p.verdict,
            verdict_label=VERDICT_LABELS.get(p.verdict, p.verdict),
            margin=p.margin,
            margin_text=_margin_text(p.margin),
            unmet_preconditions=p.unmet_preconditions,
            note="; ".join(p.notes) or ", ".join(f"{k} = {v}" for k, v in p.changes.items()),
        )
        for p in points
    )


def _statements(scenario: Scenario) -> tuple[StatementRow, ...]:
    return tuple(
        StatementRow(
            date=s.date.isoformat(),
            actor=s.actor,
            actor_name=scenario.actors[s.actor].name if s.actor in scenario.actors else s.actor,
            target=s.target,
            speaker=s.speaker,
            stance=s.stance,
            quote=s.quote,
            source=s.source,
        )
        for s in sorted(scenario.statements, key=lambda s: s.date)
    )


def _simulation(scenario: Scenario, draws: int) -> tuple[str, dict[str, pd.DataFrame]]:
    """Monte Carlo over the ``uncertainty`` section (:func:`detente.uncertainty.simulate`).

    Tables: ``verdicts`` (probability of each verdict with its 95% Wilson interval),
    ``margin`` (the margin's empirical quantiles, as a cumulative distribution) and ``drivers``
    (Sobol' total indices of the margin, or the tornado's swings when Sobol' is missing).
    """
    from detente.uncertainty.simulate import simulate

    result = simulate(scenario, n=draws, engine="readiness")
    tables: dict[str, pd.DataFrame] = {}
    for c in result.categorical:
        if c.output == "verdict":
            tables["verdicts"] = pd.DataFrame(
                [
                    {
                        "verdict": VERDICT_LABELS.get(p.category, p.category),
                        "probability": p.probability,
                        "low": p.low,
                        "high": p.high,
                    }
                    for p in c.categories
                ]
            )
    for x in result.numeric:
        if x.output == "margin":
            tables["margin"] = pd.DataFrame(
                [{"quantile": q, "margin": v} for q, v in x.quantiles],
                columns=["quantile", "margin"],
            )
    if result.sobol is not None and "margin" in result.sobol.outputs:
        tables["drivers"] = pd.DataFrame(
            [
                {
                    "judgment": r.judgment,
                    "value": r.ST,
                    "low": r.ST - r.ST_conf,
                    "high": r.ST + r.ST_conf,
                    "measure": "Sobol' total index",
                }
                for r in result.sobol.for_output("margin")
            ]
        )
    elif result.tornado is not None and "margin" in result.tornado.outputs:
        tables["drivers"] = pd.DataFrame(
            [
                {
                    "judgment": b.judgment,
                    "value": b.swing,
                    "low": b.swing,
                    "high": b.swing,
                    "measure": "tornado swing of the margin",
                }
                for b in result.tornado.for_output("margin")
            ]
        )
    if not tables:
        raise ValueError("the simulation gave no verdict or margin to draw")
    return result.explain(), tables


# ------------------------------------------------------------------------------------------------
# The builder
# ------------------------------------------------------------------------------------------------


def build_briefing(
    scenario: Scenario,
    *,
    simulate: int | None = None,
    sections: Collection[str] | None = None,
) -> Briefing:
    """Run the engines on a scenario and gather everything its briefing shows.

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario (:func:`detente.scenario.load`), or a transformation of one
        (``scenario.at(date)``: the scenario as it stood on that date).
    simulate : int, optional
        Number of Monte Carlo draws over the ``uncertainty`` section (none by default).
    sections : collection of str, optional
        Only these optional sections (of :data:`SECTIONS`; default all).  The verdict, actor
        cards and sources are always built.

    Returns
    -------
    Briefing
        Numbers, display strings and chart tables; sections that could not be built are listed
        in ``unavailable`` with the reason.

    Raises
    ------
    detente.errors.InputError
        An unknown section name, or a scenario the readiness engine rejects.
    """
    from detente.errors import InputError, did_you_mean
    from detente.readiness import assess

    wanted = set(SECTIONS if sections is None else sections)
    for s in wanted:
        if s not in SECTIONS:
            raise InputError(
                f"unknown report section {s!r}{did_you_mean(s, SECTIONS)}; "
                f"choose from {', '.join(SECTIONS)}",
                path="sections",
            )
    assessment = assess(scenario)
    names = {aid: a.name for aid, a in scenario.actors.items()}
    unavailable: dict[str, str] = {}
    charts: dict[str, dict[str, pd.DataFrame]] = {}
    captions: dict[str, str] = {}

    def attempt(section: str, fn: Any) -> Any:
        if section not in wanted:
            return None
        try:
            return fn()
        except _OPTIONAL_FAILURES as exc:
            unavailable[section] = f"not available: {exc}"
            return None

    # forecasts feed the negotiation space, so they are computed first
    fc: Any = None
    if wanted & {"forecast", "space"}:
        try:
            fc = _forecast(scenario)
        except _OPTIONAL_FAILURES as exc:
            if "forecast" in wanted:
                unavailable["forecast"] = f"not available: {exc}"
    forecast_values: dict[str, dict[str, float]] = fc[1] if fc is not None else {}

    band = attempt("space", lambda: _zopa_band(assessment)) or {}
    space = attempt("space", lambda: _space(scenario, assessment, forecast_values, band))
    if space is not None and not space:
        unavailable["space"] = "not available: the scenario has no issues"
        space = None
    if space is not None:
        charts["space"] = space
        captions["space"] = (
            "Each actor's position (circle size = capability x salience), red lines as shaded "
            "zones, no-deal expectations (triangles), the status quo, "
            + ("the ZOPA band, " if band else f"no ZOPA ({_margin_text(assessment.margin)}), ")
            + "the closest deal, the Nash point and the forecasts."
        )

    if "shortfalls" in wanted:
        if assessment.shortfalls:
            charts["shortfalls"] = {
                "shortfalls": pd.DataFrame(
                    [
                        {
                            "actor": a,
                            "name": names.get(a, a),
                            "shortfall": float(v),
                            "utility": assessment.utilities.get(a, math.nan),
                            "reservation": assessment.reservation.get(a, math.nan),
                        }
                        for a, v in assessment.shortfalls.items()
                    ]
                )
            }
            captions["shortfalls"] = (
                "How far short of its no-deal value each veto party is at the closest deal "
                "(positive: worse off than fighting on)."
            )
        else:
            unavailable["shortfalls"] = "not available: the red lines leave no deal to compare"

    levers = attempt("levers", lambda: _levers(assessment, names)) or ()
    if "levers" in wanted and "levers" not in unavailable:
        if levers:
            charts["levers"] = {
                "levers": pd.DataFrame(
                    [
                        {
                            "label": lv.label,
                            "actor": lv.actor or "",
                            "share": lv.share,
                            "delta": lv.delta,
                            "from": lv.value_text,
                            "to": lv.new_value_text,
                        }
                        for lv in levers
                        if not math.isnan(lv.share)
                    ]
                )
            }
            captions["levers"] = (
                "The smallest change of one judgment that opens a zone of agreement, as a share "
                "of the judgment's valid range (most plausible first)."
            )
        else:
            unavailable["levers"] = (
                "no levers: a zone of agreement exists"
                if assessment.zopa
                else "no single judgment within its valid range opens a zone of agreement"
            )

    what_ifs = attempt("whatifs", lambda: _what_ifs(scenario, assessment)) or ()
    if what_ifs:
        charts["whatifs"] = {
            "whatifs": pd.DataFrame(
                [
                    {
                        "variant": w.name,
                        "label": w.label,
                        "verdict": w.verdict_label,
                        "margin": w.margin if w.margin is not None else math.nan,
                    }
                    for w in what_ifs
                ]
            )
        }
        captions["whatifs"] = (
            "The negotiability margin of the scenario and of each what-if variant."
        )

    forecast_rows: tuple[tuple[str, tuple[str, ...]], ...] = ()
    forecast_methods: tuple[str, ...] = ()
    forecast_text: str | None = None
    if fc is not None and "forecast" in wanted:
        result = fc[0]
        forecast_methods = tuple(METHOD_NAMES.get(m, m) for m in result.methods)
        forecast_rows = tuple(
            (f.label, tuple(f.describe(m) if m in f.values else "" for m in result.methods))
            for f in result.issues
        )
        forecast_text = result.explain()
        tables = attempt("forecast", lambda: _forecast_tables(result, scenario))
        if tables:
            if not tables["trajectories"].empty:
                charts["trajectories"] = {"trajectories": tables["trajectories"]}
                captions["trajectories"] = (
                    "Expected-utility model: every actor's position round by round and the "
                    "forecast (weighted median), as a share of each issue's scale."
                )
            if "quadrant" in tables:
                charts["quadrant"] = {"quadrant": tables["quadrant"]}
                captions["quadrant"] = (
                    "Expected-utility quadrants, round 1, on the issue with the most weight ("
                    f"{tables['quadrant'].attrs.get('issue', '')}): how each veto party sees "
                    "every other actor."
                )

    graph_text: str | None = None
    if "graph" in wanted:
        if scenario.strategy is None:
            unavailable["graph"] = "not available: the scenario has no strategy section"
        else:

            def _graph() -> Any:
                from detente.graph import stability

                return stability(scenario)

            g = attempt("graph", _graph)
            if g is not None:
                graph_text = g.explain()
                tables = attempt("graph", lambda: _graph_tables(g))
                if tables:
                    charts["graph"] = tables
                    captions["graph"] = (
                        "Strategic states (GMCR): the status quo, every equilibrium (colour: "
                        "under how many solution concepts), the improvement paths from the "
                        "status quo (solid) and every unilateral move open from it (dashed, "
                        "colour: who moves). A state's pattern gives Y/N for the options "
                        + ", ".join(g.options)
                        + "."
                    )

    simulation_text: str | None = None
    if "montecarlo" in wanted:
        if not simulate:
            unavailable["montecarlo"] = "not simulated (run with --simulate N)"
        else:
            sim = attempt("montecarlo", lambda: _simulation(scenario, simulate))
            if sim is not None:
                simulation_text, charts["montecarlo"] = sim
                captions["montecarlo"] = "Monte Carlo distribution of the margin and its drivers."

    timeline: tuple[TimelineRow, ...] = ()
    statements = _statements(scenario)
    if "timeline" in wanted:
        timeline = attempt("timeline", lambda: _timeline(scenario)) or ()
        if timeline or statements:
            charts["timeline"] = {
                "readiness": pd.DataFrame(
                    [
                        {
                            "date": t.date,
                            "verdict": t.verdict_label,
                            "margin": t.margin if t.margin is not None else math.nan,
                            "note": t.note,
                        }
                        for t in timeline
                    ],
                    columns=["date", "verdict", "margin", "note"],
                ),
                "statements": pd.DataFrame(
                    [
                        {
                            "n": j,
                            "date": s.date,
                            "actor": s.actor_name,
                            "stance": s.stance,
                            "quote": _short(s.quote or s.stance, 60),
                        }
                        for j, s in enumerate(statements, start=1)
                    ],
                    columns=["n", "date", "actor", "stance", "quote"],
                ),
            }
            captions["timeline"] = (
                "The margin as of each dated change (colour: verdict) and the actors' dated "
                "statements (colour: stance)."
            )

    nash: tuple[tuple[str, str], ...] = ()
    if assessment.terms is not None:
        nash = tuple(
            (scenario.issues[k].label, _issue_value(scenario.issues[k], v))
            for k, v in assessment.terms.nash.items()
        )
    try:
        explanation = assessment.explain()
    except _OPTIONAL_FAILURES as exc:
        explanation = f"{assessment.headline()} (explanation not available: {exc})"
    return Briefing(
        scenario_id=scenario.id,
        title=scenario.title,
        question=scenario.question,
        description=scenario.description,
        as_of=scenario.as_of.isoformat() if scenario.as_of else None,
        filename=scenario.filename,
        verdict=assessment.verdict,
        verdict_label=VERDICT_LABELS.get(assessment.verdict, assessment.verdict),
        headline=assessment.headline(),
        margin=assessment.margin,
        margin_text=_margin_text(assessment.margin),
        zopa=assessment.zopa,
        explanation=explanation,
        closest_deal=tuple(
            (scenario.issues[k].label, _issue_value(scenario.issues[k], v))
            for k, v in (assessment.closest_deal or {}).items()
        ),
        nash=nash,
        unmet_preconditions=tuple(p.explain() for p in assessment.preconditions),
        clashes=tuple(c.explain() for c in assessment.clashes),
        fact_levers=tuple(f.explain() for f in assessment.fact_levers if f.changes),
        ripeness=(
            *(
                f"{names.get(z.actor, z.actor)}: expected gain from fighting on {z.stalemate:+.3f}"
                f" ({'stalemated' if z.stalemated else 'not stalemated'}), cost {z.hurt:.3f}"
                f" ({'hurting' if z.hurting else 'not hurting'})"
                for z in assessment.zartman
            ),
            "A mutually hurting stalemate."
            if assessment.mutually_hurting_stalemate
            else "No mutually hurting stalemate.",
        ),
        actors=_actor_cards(scenario, assessment),
        levers=levers,
        what_ifs=what_ifs,
        forecast_methods=forecast_methods,
        forecasts=forecast_rows,
        forecast_text=forecast_text,
        graph_text=graph_text,
        timeline=timeline,
        statements=statements,
        sources=_sources(scenario),
        simulation_text=simulation_text,
        charts=charts,
        captions=captions,
        unavailable=unavailable,
    )


def _short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"
