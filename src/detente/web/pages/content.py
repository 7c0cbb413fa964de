"""What the workbench pages show, gathered in the analysis processes (the pages only present).

Each function takes a loaded scenario (as of a date when the page asks for one) and returns
JSON-ready data.  The words and numbers come from the briefing (:func:`detente.briefing.
build_briefing`: the verdict sentence, the closest deal, clashes, preconditions, levers, the
timeline's rows) and its charts (:func:`detente.briefing.views.html.render_svgs`), so that a page
and the briefing of the same version say the same thing.  They run through
:func:`detente.web.analysis.page`, which loads the text and caches the result by its content.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from detente._results import jsonable

if TYPE_CHECKING:
    from detente.briefing import Briefing
    from detente.scenario import Scenario

__all__ = ["VIEWS", "charts", "judgment_label", "scenario_page", "timeline", "verdict"]

#: The briefing sections the scenario page shows as text (besides the summary).
PAGE_SECTIONS = ("shortfalls", "levers")
#: Chart sections of the scenario page, in the briefing's order (the timeline has its own page;
#: the Monte Carlo chart needs a simulation job).
CHART_SECTIONS = ("space", "shortfalls", "levers", "whatifs", "forecast", "graph")


def _stage(value: Any) -> str | None:
    """The readiness stage as words, when the engine gives one (a string, an enum, or an object
    with a label or name); None while it does not."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    for attr in ("label", "name", "value"):
        inner = getattr(value, attr, None)
        if isinstance(inner, str):
            return inner
    return str(value)


def _section(briefing: Briefing, name: str) -> Any:
    return briefing.sections.get(name)


def judgment_label(scenario: Scenario, path: str) -> str:
    """A judgment path in words (``actors.UKR.no_deal.cost`` -> "UKR's cost of fighting on")."""
    parts = path.split(".")
    issues = scenario.issues

    def issue(k: str) -> str:
        return issues[k].label if k in issues else k

    if parts[0] == "facts" and len(parts) >= 2:
        fact = scenario.facts.get(parts[1])
        return (fact.label if fact is not None and fact.label else None) or parts[1].replace(
            "_", " "
        )
    if parts[0] == "issues" and len(parts) == 3:
        return f"Status quo: {issue(parts[1])}"
    if parts[0] != "actors" or len(parts) < 3:
        return path
    who, field, rest = parts[1], parts[2], parts[3:]
    if field == "capability":
        return f"{who}'s capability"
    if field == "veto":
        return f"{who}'s veto"
    if field == "positions" and rest:
        return f"{who}'s position: {issue(rest[0])}"
    if field == "salience" and rest:
        return f"{who}'s salience: {issue(rest[0])}"
    if field == "values" and len(rest) == 2:
        return f"{who}'s value of {rest[1]}: {issue(rest[0])}"
    if field == "no_deal" and rest == ["cost"]:
        return f"{who}'s cost of fighting on"
    if field == "no_deal" and len(rest) == 2:
        return f"{who}'s no-deal outcome: {issue(rest[1])}"
    if field == "red_lines" and len(rest) == 2 and rest[0].isdigit():
        lines = scenario.actors[who].red_lines if who in scenario.actors else ()
        j = int(rest[0])
        name = (lines[j].label or lines[j].rule) if j < len(lines) else f"red line {j}"
        if rest[1] == "active":
            return f"{who}'s red line holds: {name}"
        if rest[1] == "threshold":
            return f"{who}'s red line threshold: {name}"
    return path


def _step(low: float, high: float) -> float:
    """A slider step: about a two-hundredth of the range, rounded to 1, 2 or 5 times a power of
    ten (so that the values shown are short)."""
    span = high - low
    if not math.isfinite(span) or span <= 0:
        return 1.0
    raw = span / 200.0
    power = 10.0 ** math.floor(math.log10(raw))
    for m in (1.0, 2.0, 5.0, 10.0):
        if raw <= m * power:
            return m * power
    return 10.0 * power  # pragma: no cover - the loop always returns


def _judgments(scenario: Scenario, text: str, name: str, as_of: Any) -> list[dict[str, Any]]:
    from detente.web.analysis import judgments

    out = []
    for j in judgments(text, name=name, as_of=as_of, what_if=None):
        j["label"] = judgment_label(scenario, j["path"])
        j["uncertain"] = j["distribution"] is not None
        if j["slider"] is not None:
            low, high = j["slider"]
            step = _step(low, high)
            # ends on the step's grid, so that the browser does not move the file's value
            valid_low = -math.inf if j["low"] is None else j["low"]
            if j["path"].endswith(".capability"):
                valid_low = step  # a capability must be positive
            valid_high = math.inf if j["high"] is None else j["high"]
            j["slider"] = [
                max(round(math.floor(low / step) * step, 12), valid_low),
                min(round(math.ceil(high / step) * step, 12), valid_high),
            ]
            j["step"] = step
        out.append(j)
    return out


def _what_ifs(scenario: Scenario) -> list[dict[str, Any]]:
    from detente.scenario import resolve

    out = []
    for name, w in scenario.what_ifs.items():
        changes = {resolve(scenario, p).path: v for p, v in w.set.items()}
        out.append({"name": name, "label": w.label, "note": w.note, "changes": changes})
    return out


def scenario_page(scenario: Scenario, *, text: str, name: str, as_of: Any) -> dict[str, Any]:
    """The scenario page: the briefing's summary and levers, shortfalls by actor, the what-if
    panel's judgments and presets, and what the page needs to word a closest deal."""
    from detente.briefing import build_briefing
    from detente.readiness.margin import ZOPA_TOL

    briefing = build_briefing(scenario, sections=PAGE_SECTIONS)
    summary = briefing.summary
    out: dict[str, Any] = {
        "title": scenario.title,
        "question": scenario.question,
        "description": scenario.description,
        "as_of": scenario.as_of,
        "change_dates": list(scenario.change_dates),
        "summary": {k: v for k, v in summary.to_dict().items() if k not in ("charts", "captions")},
        "stage": _stage(getattr(summary, "stage", None)),
        "shortfalls": [],
        "levers": [],
        "unavailable": dict(briefing.unavailable),
        "judgments": _judgments(scenario, text, name, as_of),
        "what_ifs": _what_ifs(scenario),
        "issues": {
            k: {
                "label": i.label,
                "unit": i.unit,
                "options": list(i.options) if i.options else None,
                "range": i.range,
            }
            for k, i in scenario.issues.items()
        },
        "actors": {k: a.name for k, a in scenario.actors.items()},
        "zopa_tol": ZOPA_TOL,
    }
    shortfalls = _section(briefing, "shortfalls")
    if shortfalls is not None:
        frame = shortfalls.charts["shortfalls"]["shortfalls"]
        out["shortfalls"] = [
            {"actor": r["actor"], "name": r["name"], "shortfall": r["shortfall"]}
            for r in frame.to_dict(orient="records")
        ]
    levers = _section(briefing, "levers")
    if levers is not None:
        out["levers"] = [jsonable(r) for r in levers.levers]
        out["levers_unit"] = levers.unit
    result: dict[str, Any] = jsonable(out)
    return result


def verdict(scenario: Scenario, **_: Any) -> dict[str, Any]:
    """One line of the library or the history: verdict, stage, margin, headline, as-of."""
    from detente.briefing.display import VERDICT_LABELS, after_verdict, margin_text
    from detente.readiness import assess

    a = assess(scenario)
    label = VERDICT_LABELS.get(a.verdict, a.verdict)
    headline = a.headline()
    out: dict[str, Any] = jsonable(
        {
            "verdict": a.verdict,
            "verdict_label": label,
            "stage": _stage(getattr(a, "stage", None)),
            "margin": a.margin,
            "margin_text": margin_text(a.margin),
            "headline": headline,
            "reason": after_verdict(headline, label),
            "as_of": scenario.as_of,
            "title": scenario.title,
        }
    )
    return out


def charts(scenario: Scenario, *, section: str | None = None, **_: Any) -> dict[str, Any]:
    """The briefing's charts as SVG with their captions: those of the scenario page, or of one
    section; the sections without a chart are listed with the reason."""
    from detente.briefing import build_briefing
    from detente.briefing.model import unavailable_reason
    from detente.briefing.views.html import render_svgs

    wanted = CHART_SECTIONS if section is None else (section,)
    briefing = build_briefing(scenario, sections=wanted)
    try:
        svgs = render_svgs(briefing)
    except ImportError as exc:  # the charts extra is not installed: say so, draw nothing
        reason = unavailable_reason(exc)
        if reason is None:
            raise
        return {"charts": [], "unavailable": {s: reason for s in wanted}}
    captions = briefing.captions
    order = [kind for s in briefing.sections.values() for kind in s.charts]
    return {
        "charts": [
            {"kind": kind, "caption": captions.get(kind, ""), "svg": svgs[kind]}
            for kind in order
            if kind in svgs
        ],
        "unavailable": {k: v for k, v in briefing.unavailable.items() if k in wanted},
    }


#: The stance signals' rolling window (``detente signals``' default).
SIGNAL_WINDOW = "30D"


def _signals(scenario: Scenario, until: str | None) -> dict[str, Any]:
    """The statements' stance signals (:func:`detente.timeline.stance_signals`) per actor, for
    the window ending on ``until`` (default: the file's as-of date, else its last statement)."""
    from detente.timeline.signals import stance_signals, statement_events

    day = until or (scenario.as_of.isoformat() if scenario.as_of else None)
    table = statement_events(scenario.statements)
    if table.empty:
        return {"window": SIGNAL_WINDOW, "date": day, "rows": []}
    signals = stance_signals(table, window=SIGNAL_WINDOW, until=day)
    frame = signals.as_of(day) if day else signals.latest()
    rows = [
        {**r, "name": scenario.actors[r["actor"]].name if r["actor"] in scenario.actors else None}
        for r in frame.assign(date=frame["date"].dt.strftime("%Y-%m-%d")).to_dict("records")
    ]
    return {"window": SIGNAL_WINDOW, "date": day, "rows": rows}


def timeline(scenario: Scenario, *, until: str | None = None, **_: Any) -> dict[str, Any]:
    """The timeline page: readiness at each dated change and the statements (the briefing's
    timeline section), the dates of change, and the stance signals up to ``until``."""
    from detente.briefing import build_briefing

    briefing = build_briefing(scenario, sections=["timeline"])
    section = _section(briefing, "timeline")
    body = (
        {k: v for k, v in section.to_dict().items() if k not in ("charts", "captions")}
        if section is not None
        else {"points": [], "statements": [], "series_note": briefing.unavailable.get("timeline")}
    )
    result: dict[str, Any] = jsonable(
        {
            "as_of": scenario.as_of,
            "change_dates": list(scenario.change_dates),
            "actors": {k: a.name for k, a in scenario.actors.items()},
            "signals": _signals(scenario, until),
            **body,
        }
    )
    return result


View = Callable[..., dict[str, Any]]

#: Page view name -> its function (called with the scenario and the page's options).
VIEWS: dict[str, View] = {
    "scenario": scenario_page,
    "verdict": verdict,
    "charts": charts,
    "timeline": timeline,
}
