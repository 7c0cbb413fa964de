"""Readiness over time above the dated statements."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from detente.briefing.charts._style import STANCE_COLORS, VERDICT_COLORS, WIDTH, Chart, configure
from detente.briefing.charts._style import alt as alt_module

if TYPE_CHECKING:
    import pandas as pd

from detente.errors import InputError

__all__ = ["timeline_chart"]


def timeline_chart(tables: Mapping[str, pd.DataFrame]) -> Chart:
    """The margin as of each dated change (``readiness``) above the numbered statements
    (``statements``: date, actor, stance, n)."""
    alt = alt_module()
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
                    scale=alt.Scale(**VERDICT_COLORS),
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
                    scale=alt.Scale(**STANCE_COLORS),
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
    return configure(alt.vconcat(*parts).resolve_scale(x="shared", color="independent"))
