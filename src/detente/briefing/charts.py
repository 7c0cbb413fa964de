"""The briefing's charts: Altair (Vega-Lite) specifications drawn from plain tables.

Every chart function takes the tables :func:`detente.briefing.build_briefing` prepared (pandas
DataFrames, in ``Briefing.charts[kind]``) and returns an Altair chart; nothing here runs an
engine or computes a result.  :func:`to_svg` and :func:`save_chart` render a chart offline with
vl-convert (no network: remote data URLs are refused).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from detente.errors import InputError

__all__ = [
    "CHART_KINDS",
    "chart_for",
    "graph_chart",
    "levers_chart",
    "montecarlo_chart",
    "quadrant_chart",
    "save_chart",
    "shortfalls_chart",
    "space_chart",
    "timeline_chart",
    "to_png",
    "to_svg",
    "trajectories_chart",
    "whatifs_chart",
]

Chart = Any  # altair ships no type information; every function returns an Altair top-level chart

# Arial metrics (Liberation Sans on Linux): vl-convert lays text out with the same metrics the
# browser then draws with, so labels are neither clipped nor overlapping.
FONT = "Arial, 'Liberation Sans', Helvetica, sans-serif"
WIDTH = 620
_VERDICT_COLORS = {
    "domain": ["Ripe", "Blocked", "Premature", "Not ripe"],
    "range": ["#1a9850", "#fdae61", "#74add1", "#d73027"],
}
_STANCE_COLORS = {
    "domain": ["reject", "conditional", "open", "propose", "mediate"],
    "range": ["#d73027", "#fdae61", "#74add1", "#1a9850", "#8073ac"],
}


def _alt() -> Any:
    import altair as alt

    return alt


def _config(chart: Chart) -> Chart:
    alt = _alt()
    # Every Altair method deep-copies the whole chart, data included.
    # No label truncation and no overlap search: vl-convert measures every label for each,
    # which costs more than the rest of the drawing; the briefing keeps labels short.
    # The chart was just built here, so it is set in place rather than copied by configure().
    chart.config = alt.Config(
        font=FONT,
        padding={"left": 12, "right": 12, "top": 6, "bottom": 6},
        view=alt.ViewConfig(stroke=None),
        axis=alt.AxisConfig(
            labelFontSize=11, titleFontSize=11, labelLimit=0, labelOverlap=False, labelBound=False
        ),
        legend=alt.LegendConfig(labelFontSize=11, titleFontSize=11, labelLimit=0),
        title=alt.TitleConfig(fontSize=13, anchor="start"),
    )
    return chart


# ------------------------------------------------------------------------------------------------
# Negotiation space
# ------------------------------------------------------------------------------------------------

_RULE_LAYERS = ("status_quo", "zopa", "closest", "nash", "forecast")


_RULE_COLORS = {
    "status quo": "#8c8c8c",
    "closest deal": "#111111",
    "Nash point": "#7b3294",
    "forecast: weighted mean": "#1b9e77",
    "forecast: weighted median": "#d95f02",
    "forecast: Nash bargaining": "#e7298a",
    "forecast: expected utility": "#2b83ba",
}
_SPARE = ["#a6761d", "#66a61e", "#e6ab02", "#666666"]


def _rule_colors(names: list[str]) -> list[str]:
    spare = iter(_SPARE * (1 + len(names) // len(_SPARE)))
    return [_RULE_COLORS.get(n) or next(spare) for n in names]


def _issue_space(frame: pd.DataFrame, rule_names: list[str]) -> Chart:
    alt = _alt()
    options = frame.attrs.get("options")
    low, high = float(frame.attrs.get("low", 0.0)), float(frame.attrs.get("high", 1.0))
    title = str(frame["issue_label"].iloc[0]) if len(frame) else ""
    unit = frame.attrs.get("unit")
    if options:
        domain = [-0.5, len(options) - 0.5]
        # option names reach Vega only as a JSON string literal inside the label expression
        axis = alt.Axis(
            values=list(range(len(options))),
            labelExpr=f"{json.dumps(list(options))}[datum.value]",
            title=None,
            grid=False,
        )
    else:
        domain = [low, high]
        axis = alt.Axis(title=unit or None, grid=False)
    x = alt.X("x:Q", scale=alt.Scale(domain=domain, nice=False, zero=False), axis=axis)
    rows = frame.loc[frame["layer"].isin(["position", "red_line", "no_deal"]), "name"]
    names = list(dict.fromkeys(rows.tolist())) or [""]
    y = alt.Y("name:N", sort=names, scale=alt.Scale(domain=names), title=None)
    height = max(22 * len(names), 44)
    present = set(frame["layer"])
    zero_width = bool(((frame["layer"] == "red_line") & (frame["x"] == frame["x2"])).any())
    marks = {
        "zopa": ("datum.layer == 'zopa'", "zopa" in present),
        "red": ("datum.layer == 'red_line'", "red_line" in present),
        # a red line that excludes a single value (``territory > 0`` at the scale's end)
        "point": ("datum.layer == 'red_line' && datum.x == datum.x2", zero_width),
        "rules": (
            "indexof(['status_quo', 'closest', 'nash', 'forecast'], datum.layer) >= 0",
            bool(present & {"status_quo", "closest", "nash", "forecast"}),
        ),
        "position": ("datum.layer == 'position'", "position" in present),
        "no_deal": ("datum.layer == 'no_deal'", "no_deal" in present),
    }
    draw = {
        "zopa": lambda c: c.mark_rect(color="#1a9850", opacity=0.18).encode(x=x, x2="x2:Q"),
        "red": lambda c: c.mark_rect(
            color="#d73027", opacity=0.28, stroke="#d73027", strokeWidth=2, height=16
        ).encode(x=x, x2="x2:Q", y=y),
        "point": lambda c: c.mark_tick(color="#d73027", thickness=3, size=18).encode(x=x, y=y),
        "rules": lambda c: c.mark_rule(strokeWidth=2).encode(
            x=x,
            color=alt.Color(
                "name:N",
                title="",
                scale=alt.Scale(domain=rule_names, range=_rule_colors(rule_names)),
                legend=alt.Legend(orient="bottom", columns=3, symbolStrokeWidth=3),
            ),
            strokeDash=alt.StrokeDash(
                "layer:N",
                scale=alt.Scale(
                    domain=["status_quo", "closest", "nash", "forecast"],
                    range=[[2, 2], [1, 0], [6, 3], [3, 3]],
                ),
                legend=None,
            ),
        ),
        "position": lambda c: c.mark_circle(color="#2c5f8a", opacity=0.85).encode(
            x=x, y=y, size=alt.Size("size:Q", scale=alt.Scale(range=[30, 420]), legend=None)
        ),
        "no_deal": lambda c: c.mark_point(
            shape="triangle-down", filled=True, color="#e08214", size=90
        ).encode(x=x, y=y),
    }
    # One dataset per panel, filtered per layer in Vega (converting a dataset is the costly
    # part in Python); only layers with data, as an empty layer still costs a mark.
    layers = [
        draw[name](alt.Chart().transform_filter(test))
        for name, (test, has_data) in marks.items()
        if has_data
    ]
    return alt.layer(*layers, data=frame[_SPACE_COLUMNS]).properties(
        width=WIDTH - 160, height=height, title=title
    )


_SPACE_COLUMNS = ["layer", "name", "x", "x2", "size"]


def space_chart(tables: Mapping[str, pd.DataFrame]) -> Chart:
    """The negotiation space, one panel per issue.

    Parameters
    ----------
    tables : mapping of issue id to DataFrame
        Columns ``layer, name, x, x2, size``; ``layer`` is one of ``position`` (size = capability
        x salience), ``red_line`` (a zone ``[x, x2]`` the actor's red line excludes),
        ``no_deal``, ``status_quo``, ``zopa`` (band ``[x, x2]``), ``closest``, ``nash``,
        ``forecast``.  ``attrs`` carry ``low``, ``high``, ``options`` and ``unit``.
    """
    alt = _alt()
    rules = ["status_quo", "closest", "nash", "forecast"]
    rule_names = list(
        dict.fromkeys(
            n
            for frame in tables.values()
            if len(frame)
            for n in frame.loc[frame["layer"].isin(rules), "name"]
        )
    )
    panels = [_issue_space(frame, rule_names) for frame in tables.values() if len(frame)]
    chart = alt.vconcat(*panels, spacing=18)
    chart.resolve = alt.Resolve(
        scale=alt.ScaleResolveMap(
            color="shared",
            strokeDash="shared",
            size="independent",
            x="independent",
            y="independent",
        )
    )
    return _config(chart)


# ------------------------------------------------------------------------------------------------
# Gap: shortfalls, levers, what-ifs
# ------------------------------------------------------------------------------------------------


def shortfalls_chart(tables: Mapping[str, pd.DataFrame]) -> Chart:
    """Bars of each veto party's shortfall at the closest deal (``shortfalls``: name, shortfall)."""
    alt = _alt()
    df = tables["shortfalls"].assign(
        side=lambda d: d["shortfall"].map(
            lambda v: "short of no-deal value" if v > 1e-9 else "better off"
        )
    )
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("shortfall:Q", title="shortfall (utility)"),
            y=alt.Y("name:N", title=None, sort=None),
            color=alt.Color(
                "side:N",
                title=None,
                scale=alt.Scale(
                    domain=["short of no-deal value", "better off"], range=["#d73027", "#1a9850"]
                ),
                legend=alt.Legend(orient="bottom"),
            ),
        )
    )
    zero = alt.Chart().mark_rule(color="#333").encode(x=alt.datum(0))
    return _config(
        alt.layer(bars, zero).properties(
            width=WIDTH - 220, height=max(28 * len(df), 60), title="Shortfalls at the closest deal"
        )
    )


def levers_chart(tables: Mapping[str, pd.DataFrame]) -> Chart:
    """Tornado of the levers: signed change as a share of the valid range (``levers``)."""
    alt = _alt()
    df = tables["levers"].assign(change=lambda d: d["from"] + " → " + d["to"])
    order = df["label"].tolist()
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X(
                "share:Q",
                title="change needed, share of the valid range",
                axis=alt.Axis(format="+%"),
            ),
            y=alt.Y("label:N", sort=order, title=None),
            color=alt.Color("actor:N", title="actor", legend=alt.Legend(orient="bottom")),
        )
    )
    text = (
        alt.Chart(df)
        .mark_text(align="left", dx=4, fontSize=10, color="#333")
        .encode(x=alt.datum(0), y=alt.Y("label:N", sort=order), text="change:N")
    )
    zero = alt.Chart().mark_rule(color="#333").encode(x=alt.datum(0))
    return _config(
        alt.layer(bars, zero, text).properties(
            width=WIDTH - 280, height=max(22 * len(df), 60), title="Levers"
        )
    )


def whatifs_chart(tables: Mapping[str, pd.DataFrame]) -> Chart:
    """Margin of the base scenario and of each what-if variant (``whatifs``)."""
    alt = _alt()
    df = tables["whatifs"]
    order = df["variant"].tolist()
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("margin:Q", title="negotiability margin (negative: gap)"),
            y=alt.Y("variant:N", sort=order, title=None),
            color=alt.Color(
                "verdict:N", scale=alt.Scale(**_VERDICT_COLORS), legend=alt.Legend(orient="bottom")
            ),
        )
    )
    zero = alt.Chart().mark_rule(color="#333").encode(x=alt.datum(0))
    return _config(
        alt.layer(bars, zero).properties(
            width=WIDTH - 240, height=max(24 * len(df), 60), title="What if?"
        )
    )


# ------------------------------------------------------------------------------------------------
# Forecasts
# ------------------------------------------------------------------------------------------------


def trajectories_chart(tables: Mapping[str, pd.DataFrame]) -> Chart:
    """Positions and the forecast over the expected-utility rounds, one panel per issue."""
    alt = _alt()
    df = tables["trajectories"]
    return _config(
        alt.Chart(df)
        .mark_line(point=False, interpolate="linear")
        .encode(
            x=alt.X("round:Q", title="round", axis=alt.Axis(tickMinStep=1, format="d")),
            y=alt.Y("value:Q", title="share of scale", scale=alt.Scale(domain=[0, 1])),
            detail="series:N",
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(domain=["actor", "median"], range=["#9fb3c8", "#c0392b"]),
                legend=alt.Legend(
                    orient="bottom",
                    labelExpr="datum.value == 'median' ? 'forecast (weighted median)' : 'an actor'",
                ),
            ),
            strokeWidth=alt.StrokeWidth(
                "kind:N", scale=alt.Scale(domain=["actor", "median"], range=[1, 3]), legend=None
            ),
        )
        .properties(width=170, height=120)
        .facet(
            facet=alt.Facet(
                "issue:N", title=None, header=alt.Header(labelLimit=0, labelFontSize=10)
            ),
            columns=3,
        )
        .properties(title="Forecast trajectories (expected-utility model)")
    )


def quadrant_chart(tables: Mapping[str, pd.DataFrame]) -> Chart:
    """Expected-utility quadrants: E_i(ij) against E_j(ji), one panel per viewpoint.

    ``quadrant``: viewpoint, actor, eu_i, eu_j, region (from ``EUMResult.quadrant``).
    """
    alt = _alt()
    df = tables["quadrant"]
    pts = (
        alt.Chart()
        .mark_circle(size=70)
        .encode(
            x=alt.X("eu_i:Q", title="expected utility of challenging, own view"),
            y=alt.Y("eu_j:Q", title="the other's expected utility"),
            color=alt.Color("region:N", title="region", legend=alt.Legend(orient="bottom")),
        )
    )
    labels = (
        alt.Chart()
        .mark_text(dx=6, align="left", fontSize=10)
        .encode(x="eu_i:Q", y="eu_j:Q", text="actor:N")
    )
    hz = alt.Chart().mark_rule(color="#888").encode(y=alt.datum(0))
    vz = alt.Chart().mark_rule(color="#888").encode(x=alt.datum(0))
    return _config(
        alt.layer(hz, vz, pts, labels, data=df)
        .properties(width=260, height=220)
        .facet(facet=alt.Facet("viewpoint:N", title="as seen by"), columns=2)
        .properties(title=f"Quadrants — {df.attrs.get('issue', '')}")
    )


# ------------------------------------------------------------------------------------------------
# Strategic graph, Monte Carlo, timeline
# ------------------------------------------------------------------------------------------------


def graph_chart(tables: Mapping[str, pd.DataFrame]) -> Chart:
    """States on a circle (``nodes``: x, y, state, pattern, n_concepts, status_quo) and the
    improvement moves from the status quo (``edges``: x, y, x2, y2, mover)."""
    alt = _alt()
    nodes = tables["nodes"].assign(
        kind=lambda d: d["status_quo"].map(lambda s: "status quo" if s else "state"),
        text=lambda d: d["state"].astype(str) + " " + d["pattern"],
    )
    axis = alt.Axis(labels=False, ticks=False, grid=False, domain=False, title=None)
    sc = alt.Scale(domain=[-1.6, 1.6])
    layers = []
    edges = tables.get("edges")
    if edges is not None and len(edges):
        layers.append(
            alt.Chart(edges)
            .mark_rule(strokeWidth=1.5)
            .encode(
                x=alt.X("x:Q", scale=sc, axis=axis),
                y=alt.Y("y:Q", scale=sc, axis=axis),
                x2="x2:Q",
                y2="y2:Q",
                stroke=alt.Stroke("mover:N", title="who moves", legend=alt.Legend(orient="right")),
                strokeDash=alt.StrokeDash(
                    "kind:N",
                    title=None,
                    scale=alt.Scale(
                        domain=["improvement path", "move from the status quo"],
                        range=[[1, 0], [4, 3]],
                    ),
                    legend=alt.Legend(orient="right"),
                ),
            )
        )
    layers.append(
        alt.Chart(nodes)
        .mark_point(filled=True, size=160, opacity=0.9)
        .encode(
            x=alt.X("x:Q", scale=sc, axis=axis),
            y=alt.Y("y:Q", scale=sc, axis=axis),
            color=alt.Color(
                "n_concepts:O",
                title="equilibrium under # concepts",
                scale=alt.Scale(scheme="blues"),
                legend=alt.Legend(orient="right"),
            ),
            shape=alt.Shape(
                "kind:N",
                title=None,
                scale=alt.Scale(domain=["state", "status quo"], range=["circle", "diamond"]),
                legend=alt.Legend(orient="right"),
            ),
            stroke=alt.condition("datum.status_quo", alt.value("#c0392b"), alt.value("#333")),
        )
    )
    for align in ("left", "right", "center"):
        layers.append(
            alt.Chart(nodes)
            .transform_filter(f"datum.align == '{align}'")
            .mark_text(fontSize=10, align=align, baseline="middle", font="monospace")
            .encode(
                x=alt.X("lx:Q", scale=sc, axis=axis),
                y=alt.Y("ly:Q", scale=sc, axis=axis),
                text="text:N",
            )
        )
    return _config(alt.layer(*layers).properties(width=520, height=520, title="Strategic states"))


def montecarlo_chart(tables: Mapping[str, pd.DataFrame]) -> Chart:
    """Monte Carlo: verdict probabilities with their intervals (``verdicts``), the margin's
    cumulative distribution from its quantiles (``margin``) and the drivers (``drivers``)."""
    alt = _alt()
    charts = []
    verdicts = tables.get("verdicts")
    if verdicts is not None and len(verdicts):
        bars = (
            alt.Chart(verdicts)
            .mark_bar()
            .encode(
                x=alt.X(
                    "probability:Q",
                    title="probability (95% interval)",
                    scale=alt.Scale(domain=[0, 1]),
                    axis=alt.Axis(format="%"),
                ),
                y=alt.Y("verdict:N", sort=_VERDICT_COLORS["domain"], title=None),
                color=alt.Color("verdict:N", scale=alt.Scale(**_VERDICT_COLORS), legend=None),
            )
        )
        err = (
            alt.Chart(verdicts)
            .mark_errorbar(ticks=True)
            .encode(
                x=alt.X("low:Q", title="probability (95% interval)"),
                x2="high:Q",
                y=alt.Y("verdict:N", sort=_VERDICT_COLORS["domain"]),
            )
        )
        charts.append(
            alt.layer(bars, err).properties(width=WIDTH - 220, height=110, title="Verdicts")
        )
    margin = tables.get("margin")
    if margin is not None and len(margin):
        line = (
            alt.Chart(margin)
            .mark_line(point=True, interpolate="monotone", color="#2c5f8a")
            .encode(
                x=alt.X("margin:Q", title="margin (negative: gap)"),
                y=alt.Y("quantile:Q", title="share of draws below", axis=alt.Axis(format="%")),
            )
        )
        zero = alt.Chart().mark_rule(color="#d73027").encode(x=alt.datum(0))
        charts.append(
            alt.layer(line, zero).properties(
                width=WIDTH - 220, height=160, title="Distribution of the margin"
            )
        )
    drivers = tables.get("drivers")
    if drivers is not None and len(drivers):
        order = drivers["judgment"].tolist()
        measure = str(drivers["measure"].iloc[0])
        bars = (
            alt.Chart(drivers)
            .mark_bar(color="#8073ac")
            .encode(
                x=alt.X("value:Q", title=measure), y=alt.Y("judgment:N", sort=order, title=None)
            )
        )
        err = (
            alt.Chart(drivers)
            .mark_errorbar(ticks=True)
            .encode(x=alt.X("low:Q", title=measure), x2="high:Q", y=alt.Y("judgment:N", sort=order))
        )
        charts.append(
            alt.layer(bars, err).properties(
                width=WIDTH - 320, height=max(20 * len(drivers), 60), title="Drivers of the margin"
            )
        )
    if not charts:
        raise InputError("no simulation results to draw", path="montecarlo")
    return _config(alt.vconcat(*charts).resolve_scale(color="independent", y="independent"))


def timeline_chart(tables: Mapping[str, pd.DataFrame]) -> Chart:
    """The margin as of each dated change (``readiness``) above the numbered statements
    (``statements``: date, actor, stance, n)."""
    alt = _alt()
    parts = []
    ready = tables.get("readiness")
    if ready is not None and len(ready):
        line = (
            alt.Chart(ready)
            .mark_line(interpolate="step-after", color="#555")
            .encode(x=alt.X("date:T", title=None), y=alt.Y("margin:Q", title="margin"))
        )
        dots = (
            alt.Chart(ready)
            .mark_point(filled=True, size=80)
            .encode(
                x="date:T",
                y="margin:Q",
                color=alt.Color(
                    "verdict:N",
                    scale=alt.Scale(**_VERDICT_COLORS),
                    legend=alt.Legend(orient="bottom"),
                ),
            )
        )
        zero = alt.Chart().mark_rule(color="#aaa", strokeDash=[3, 3]).encode(y=alt.datum(0))
        parts.append(
            alt.layer(zero, line, dots).properties(
                width=WIDTH - 120, height=140, title="Readiness over time"
            )
        )
    st = tables.get("statements")
    if st is not None and len(st):
        pts = (
            alt.Chart(st)
            .mark_point(filled=True, size=90, opacity=0.9)
            .encode(
                x=alt.X("date:T", title=None),
                y=alt.Y("actor:N", title=None),
                color=alt.Color(
                    "stance:N",
                    scale=alt.Scale(**_STANCE_COLORS),
                    legend=alt.Legend(orient="bottom"),
                ),
            )
        )
        nums = (
            alt.Chart(st)
            .mark_text(dy=-10, fontSize=9, color="#333")
            .encode(x="date:T", y="actor:N", text="n:N")
        )
        n_actors = st["actor"].nunique()
        parts.append(
            alt.layer(pts, nums).properties(
                width=WIDTH - 120,
                height=max(26 * n_actors, 60),
                title="Statements (numbers refer to the table below)",
            )
        )
    if not parts:
        raise InputError("no timeline and no statements to draw", path="timeline")
    return _config(alt.vconcat(*parts).resolve_scale(x="shared", color="independent"))


# ------------------------------------------------------------------------------------------------
# Registry and rendering
# ------------------------------------------------------------------------------------------------

CHART_KINDS: dict[str, Callable[[Mapping[str, pd.DataFrame]], Chart]] = {
    "space": space_chart,
    "shortfalls": shortfalls_chart,
    "levers": levers_chart,
    "whatifs": whatifs_chart,
    "trajectories": trajectories_chart,
    "quadrant": quadrant_chart,
    "graph": graph_chart,
    "montecarlo": montecarlo_chart,
    "timeline": timeline_chart,
}


def chart_for(kind: str, tables: Mapping[str, pd.DataFrame]) -> Chart:
    """The chart of a kind (see :data:`CHART_KINDS`) from its tables."""
    if kind not in CHART_KINDS:
        from detente.errors import did_you_mean

        raise InputError(
            f"unknown chart {kind!r}{did_you_mean(kind, CHART_KINDS)}; "
            f"choose from {', '.join(CHART_KINDS)}",
            path="kind",
        )
    return CHART_KINDS[kind](tables)


def _spec(chart: Chart) -> dict[str, Any]:
    # Altair's JSON-schema validation of the spec takes longer than drawing it; the specs are
    # built here from fixed code (only data varies) and the tests validate each kind once.
    spec: dict[str, Any] = chart.to_dict(validate=False)
    return spec


def _vl_version() -> str | None:
    import altair as alt
    import vl_convert as vlc

    wanted = ".".join(str(alt.SCHEMA_VERSION).lstrip("v").split(".")[:2])
    return wanted if wanted in vlc.get_vegalite_versions() else None


def to_svg(chart: Chart) -> str:
    """The chart as a standalone SVG document (rendered offline by vl-convert)."""
    import vl_convert as vlc

    svg: str = vlc.vegalite_to_svg(_spec(chart), vl_version=_vl_version(), allowed_base_urls=[])
    return svg


def to_png(chart: Chart, *, scale: float = 2.0) -> bytes:
    """The chart as PNG bytes (``scale`` 2: sharp on high-resolution screens and in print)."""
    import vl_convert as vlc

    png: bytes = vlc.vegalite_to_png(
        _spec(chart), vl_version=_vl_version(), scale=scale, allowed_base_urls=[]
    )
    return png


def save_chart(chart: Chart, path: Path, *, overwrite: bool = False) -> Path:
    """Write a chart to ``path`` as PNG or SVG (by its suffix).

    Raises
    ------
    detente.errors.InputError
        An unsupported suffix, or an existing file without ``overwrite``.
    """
    suffix = path.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise InputError(
            f"cannot write a chart as '{suffix or path.name}': use a .png or .svg file name",
            path="output",
            file=str(path),
        )
    if path.exists() and not overwrite:
        raise InputError(
            f"{path} exists; use --force to overwrite it", path="output", file=str(path)
        )
    from detente._files import write_atomic

    data: str | bytes = to_svg(chart) if suffix == ".svg" else to_png(chart)
    return write_atomic(path, data, overwrite=overwrite, make_parents=True)
