"""The negotiation space: one panel per issue."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

from detente.briefing.charts._style import WIDTH, Chart, configure
from detente.briefing.charts._style import alt as alt_module
from detente.briefing.display import METHOD_NAMES, NASH_IN_ZOPA

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["space_chart"]


_RULE_COLORS = {
    "status quo": "#8c8c8c",
    "closest deal": "#111111",
    NASH_IN_ZOPA: "#7b3294",
    f"forecast: {METHOD_NAMES['mean']}": "#1b9e77",
    f"forecast: {METHOD_NAMES['median']}": "#d95f02",
    f"forecast: {METHOD_NAMES['nash']}": "#e7298a",
    f"forecast: {METHOD_NAMES['eum']}": "#2b83ba",
}
_SPARE = ["#a6761d", "#66a61e", "#e6ab02", "#666666"]


def _rule_colors(names: list[str]) -> list[str]:
    spare = iter(_SPARE * (1 + len(names) // len(_SPARE)))
    return [_RULE_COLORS.get(n) or next(spare) for n in names]


def _issue_space(frame: pd.DataFrame, rule_names: list[str]) -> Chart:
    alt = alt_module()
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
    point = frame["x"] == frame["x2"]
    zero_width = bool(((frame["layer"] == "red_line") & point).any())
    zopa_point = bool(((frame["layer"] == "zopa") & point).any())
    marks = {
        "zopa": ("datum.layer == 'zopa'", "zopa" in present),
        # a ZOPA that allows a single value of a scale issue
        "zopa_point": ("datum.layer == 'zopa' && datum.x == datum.x2", zopa_point),
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
        "zopa_point": lambda c: c.mark_rule(color="#1a9850", opacity=0.5, strokeWidth=6).encode(
            x=x
        ),
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
    alt = alt_module()
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
    return configure(chart)
