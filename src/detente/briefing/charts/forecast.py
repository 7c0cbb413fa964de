"""Forecasts: expected-utility trajectories and quadrants."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from detente.briefing.charts._style import Chart, configure
from detente.briefing.charts._style import alt as alt_module

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["quadrant_chart", "trajectories_chart"]


def trajectories_chart(tables: Mapping[str, pd.DataFrame]) -> Chart:
    """Positions and the forecast over the expected-utility rounds, one panel per issue."""
    alt = alt_module()
    df = tables["trajectories"]
    return configure(
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
    alt = alt_module()
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
    return configure(
        alt.layer(hz, vz, pts, labels, data=df)
        .properties(width=260, height=220)
        .facet(facet=alt.Facet("viewpoint:N", title="as seen by"), columns=2)
        .properties(title=f"Quadrants — {df.attrs.get('issue', '')}")
    )
