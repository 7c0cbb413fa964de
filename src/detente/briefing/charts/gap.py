"""How far apart: shortfalls, levers and what-ifs as bars."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from detente.briefing.charts._style import VERDICT_COLORS, WIDTH, Chart, configure
from detente.briefing.charts._style import alt as alt_module

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["levers_chart", "shortfalls_chart", "whatifs_chart"]


def shortfalls_chart(tables: Mapping[str, pd.DataFrame]) -> Chart:
    """Bars of each veto party's shortfall at the closest deal (``shortfalls``: name,
    shortfall, side)."""
    alt = alt_module()
    df = tables["shortfalls"]
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
    return configure(
        alt.layer(bars, zero).properties(
            width=WIDTH - 220, height=max(28 * len(df), 60), title="Shortfalls at the closest deal"
        )
    )


def levers_chart(tables: Mapping[str, pd.DataFrame]) -> Chart:
    """Tornado of the levers: the signed change in standard deviations (``levers``: label,
    actor, change_sd, from, to)."""
    alt = alt_module()
    df = tables["levers"].assign(change=lambda d: d["from"] + " → " + d["to"])
    order = df["label"].tolist()
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X(
                "change_sd:Q",
                title="change needed, in standard deviations",
                axis=alt.Axis(format="+.1f"),
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
    return configure(
        alt.layer(bars, zero, text).properties(
            width=WIDTH - 280, height=max(22 * len(df), 60), title="Levers"
        )
    )


def whatifs_chart(tables: Mapping[str, pd.DataFrame]) -> Chart:
    """Margin of the base scenario and of each what-if variant (``whatifs``)."""
    alt = alt_module()
    df = tables["whatifs"]
    order = df["variant"].tolist()
    bars = (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("margin:Q", title="negotiability margin (negative: gap)"),
            y=alt.Y("variant:N", sort=order, title=None),
            color=alt.Color(
                "verdict:N", scale=alt.Scale(**VERDICT_COLORS), legend=alt.Legend(orient="bottom")
            ),
        )
    )
    zero = alt.Chart().mark_rule(color="#333").encode(x=alt.datum(0))
    return configure(
        alt.layer(bars, zero).properties(
            width=WIDTH - 240, height=max(24 * len(df), 60), title="What if?"
        )
    )
