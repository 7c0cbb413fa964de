"""The negotiation space: per issue, positions, red lines, no-deal values, the ZOPA and deals.

Every region comes from the readiness engine: the veto parties' red-line zones from
:meth:`Assessment.red_line_intervals`, the ZOPA band from :meth:`Assessment.zopa_box`, the
closest deal and the Nash solution from the assessment, the forecasts from the bargaining
engine.  Positions, saliences, no-deal expectations and the status quo are the scenario's own
judgments.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from detente.briefing.display import (
    METHOD_NAMES,
    NASH_IN_ZOPA,
    as_number,
    issue_value,
    margin_text,
)
from detente.briefing.model import Section, SectionUnavailable, unavailable_reason
from detente.errors import DetenteError

if TYPE_CHECKING:
    import pandas as pd

    from detente.briefing.context import Context
    from detente.readiness.zopa import Interval, ZopaBox
    from detente.scenario.model import Issue

__all__ = ["Space", "build_space"]

_COLUMNS = ["issue", "issue_label", "layer", "actor", "name", "x", "x2", "size", "text"]


@dataclass(frozen=True, kw_only=True)
class Space(Section):
    """The ``space`` chart's tables (one per issue) and the ZOPA's range as text."""

    zopa: bool
    zopa_ranges: tuple[tuple[str, str, str], ...]  # (issue label, from, to)
    forecast_note: str | None  # why the forecasts are missing, when they are


def _add(
    rows: list[dict[str, Any]],
    issue: str,
    label: str,
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
            "issue_label": label,
            "layer": layer,
            "actor": who,
            "name": name,
            "x": float(x),
            "x2": float(x if x2 is None else x2),
            "size": float(size),
            "text": text,
        }
    )


def _span(issue: Issue, low: float, high: float) -> tuple[float, float]:
    """Where an interval of values is drawn: an option fills its cell on the axis."""
    return (low - 0.5, high + 0.5) if issue.options is not None else (low, high)


def _actor_rows(ctx: Context, k: str, issue: Issue, add: Any) -> None:
    for aid, actor in ctx.scenario.actors.items():
        if k in actor.positions:
            v = actor.positions[k]
            w = actor.capability * actor.salience[k]  # the loader fills salience's default
            add(
                "position",
                aid,
                actor.name,
                as_number(issue, v),
                size=w,
                text=f"{actor.name}: {issue_value(issue, v)} (capability x salience {w:.3g})",
            )
        if actor.no_deal is not None and k in actor.no_deal.outcome:
            v = actor.no_deal.outcome[k]
            add(
                "no_deal",
                aid,
                actor.name,
                as_number(issue, v),
                text=f"{actor.name} expects {issue_value(issue, v)} without a deal",
            )


def _red_line_rows(ctx: Context, k: str, issue: Issue, add: Any, spans: Any) -> None:
    for span in spans.for_issue(k):
        name = ctx.names.get(span.actor, span.actor)
        excluded: tuple[Interval, ...] = span.excluded
        for zone in excluded:
            lo, hi = _span(issue, zone.low, zone.high)
            add("red_line", span.actor, name, lo, hi, text=f"{name}: {span.label}")


def _deal_rows(ctx: Context, k: str, issue: Issue, add: Any, box: ZopaBox | None) -> None:
    a = ctx.assessment
    add(
        "status_quo",
        "",
        "status quo",
        as_number(issue, issue.status_quo),
        text=f"status quo: {issue_value(issue, issue.status_quo)}",
    )
    if box is not None:
        r = box[k]
        lo, hi = _span(issue, as_number(issue, r.low), as_number(issue, r.high))
        add("zopa", "", "ZOPA", lo, hi, text=f"ZOPA: {_range_text(issue, r.low, r.high)}")
    if a.closest_deal and k in a.closest_deal:
        v = a.closest_deal[k]
        add(
            "closest",
            "",
            "closest deal",
            as_number(issue, v),
            text=f"closest deal: {issue_value(issue, v)}",
        )
    if a.terms is not None and k in a.terms.nash:
        v = a.terms.nash[k]
        add(
            "nash",
            "",
            NASH_IN_ZOPA,
            as_number(issue, v),
            text=f"{NASH_IN_ZOPA}: {issue_value(issue, v)}",
        )


def _range_text(issue: Issue, low: float | str, high: float | str) -> str:
    lo, hi = issue_value(issue, low), issue_value(issue, high)
    return lo if lo == hi else f"{lo} to {hi}"


def _forecasts(ctx: Context) -> tuple[dict[str, dict[str, float]], str | None]:
    """Each issue's forecasts by method, or why there are none."""
    try:
        result = ctx.forecast()
    except (DetenteError, ImportError) as exc:
        reason = unavailable_reason(exc)
        if reason is None:
            raise
        return {}, reason
    return {f.issue: {m: float(v) for m, v in f.values.items()} for f in result.issues}, None


def _caption(frames: dict[str, pd.DataFrame], ctx: Context, note: str | None) -> str:
    layers = {layer for f in frames.values() for layer in f["layer"]}
    parts = ["Each actor's position (circle size = capability x salience)"]
    if "red_line" in layers:
        parts.append("the veto parties' red lines (shaded: the values each excludes)")
    if "no_deal" in layers:
        parts.append("no-deal expectations (triangles)")
    parts.append("the status quo")
    if "zopa" in layers:
        parts.append("the range of the ZOPA on each issue (green band)")
    else:
        parts.append(f"no ZOPA ({margin_text(ctx.assessment.margin)})")
    if "closest" in layers:
        parts.append("the closest deal")
    if "nash" in layers:
        parts.append(f"the {NASH_IN_ZOPA}")
    if "forecast" in layers:
        parts.append("the forecasts")
    text = ", ".join(parts[:-1]) + " and " + parts[-1] + "."
    if note:
        text += f" Forecasts {note}."
    return text


def build_space(ctx: Context) -> Space:
    """One long table per issue: positions, red-line zones, no-deal values, ZOPA and deals."""
    import pandas as pd

    if not ctx.scenario.issues:
        raise SectionUnavailable("not available: the scenario has no issues")
    box = ctx.assessment.zopa_box()
    spans = ctx.assessment.red_line_intervals()
    forecasts, note = _forecasts(ctx)
    frames: dict[str, pd.DataFrame] = {}
    for k, issue in ctx.scenario.issues.items():
        rows: list[dict[str, Any]] = []
        add = functools.partial(_add, rows, k, issue.label)
        _actor_rows(ctx, k, issue, add)
        _red_line_rows(ctx, k, issue, add, spans)
        _deal_rows(ctx, k, issue, add, box)
        for method, value in forecasts.get(k, {}).items():
            name = f"forecast: {METHOD_NAMES.get(method, method)}"
            add("forecast", method, name, value, text=f"{name}: {issue_value(issue, value)}")
        frame = pd.DataFrame(rows, columns=_COLUMNS)
        frame.attrs.update(
            low=issue.low,
            high=issue.high,
            options=list(issue.options) if issue.options else None,
            unit=issue.unit,
        )
        frames[k] = frame
    ranges = tuple(
        (
            ctx.scenario.issues[r.issue].label,
            issue_value(ctx.scenario.issues[r.issue], r.low),
            issue_value(ctx.scenario.issues[r.issue], r.high),
        )
        for r in (box or ())
    )
    return Space(
        zopa=box is not None,
        zopa_ranges=ranges,
        forecast_note=note,
        charts={"space": frames},
        captions={"space": _caption(frames, ctx, note)},
    )
