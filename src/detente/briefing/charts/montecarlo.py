"""Monte Carlo: verdict probabilities, the margin's distribution, its drivers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from detente.briefing.charts._style import VERDICT_COLORS, WIDTH, Chart, configure
from detente.briefing.charts._style import alt as alt_module

if TYPE_CHECKING:
    import pandas as pd

from detente.errors import InputError

__all__ = ["montecarlo_chart"]


def montecarlo_chart(tables: Mapping[str, pd.DataFrame]) -> Chart:
    """Monte Carlo: what decides the verdict (``decisive``), verdict probabilities with their
    intervals (``verdicts``), the margin's cumulative distribution from its quantiles
    (``margin``) and the drivers (``drivers``)."""
    alt = alt_module()
    charts = []
    decisive = tables.get("decisive")
    if decisive is not None and len(decisive):
        order = decisive["judgment"].tolist()
        title = "share of the verdict's uncertainty it would settle (95% interval)"
        bars = (
            alt.Chart(decisive)
            .mark_bar(color="#1b7837")
            .encode(
                x=alt.X(
                    "share:Q",
                    title=title,
                    scale=alt.Scale(domain=[0, 1]),
                    axis=alt.Axis(format="%"),
                ),
                y=alt.Y("judgment:N", sort=order, title=None),
            )
        )
        err = (
            alt.Chart(decisive)
            .mark_errorbar(ticks=True)
            .encode(x=alt.X("low:Q", title=title), x2="high:Q", y=alt.Y("judgment:N", sort=order))
        )
        charts.append(
            alt.layer(bars, err).properties(
                width=WIDTH - 320,
                height=max(20 * len(decisive), 60),
                title="What decides the verdict",
            )
        )
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
                y=alt.Y("verdict:N", sort=VERDICT_COLORS["domain"], title=None),
                color=alt.Color("verdict:N", scale=alt.Scale(**VERDICT_COLORS), legend=None),
            )
        )
        err = (
            alt.Chart(verdicts)
            .mark_errorbar(ticks=True)
            .encode(
                x=alt.X("low:Q", title="probability (95% interval)"),
                x2="high:Q",
                y=alt.Y("verdict:N", sort=VERDICT_COLORS["domain"]),
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
    return configure(alt.vconcat(*charts).resolve_scale(color="independent", y="independent"))
