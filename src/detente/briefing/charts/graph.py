"""Strategic states on a circle, with the moves from the status quo."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from detente.briefing.charts._style import Chart, configure
from detente.briefing.charts._style import alt as alt_module

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["graph_chart"]


def graph_chart(tables: Mapping[str, pd.DataFrame]) -> Chart:
    """States on a circle (``nodes``: x, y, state, pattern, n_concepts, status_quo) and the
    improvement moves from the status quo (``edges``: x, y, x2, y2, mover)."""
    alt = alt_module()
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
    return configure(alt.layer(*layers).properties(width=520, height=520, title="Strategic states"))
