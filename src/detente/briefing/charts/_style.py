"""What every chart shares: Altair (imported on first use), fonts, sizes and colour scales."""

from __future__ import annotations

from typing import Any

__all__ = ["FONT", "STANCE_COLORS", "VERDICT_COLORS", "WIDTH", "Chart", "alt", "configure"]

Chart = Any  # altair ships no type information; every function returns an Altair top-level chart

# Arial metrics (Liberation Sans on Linux): vl-convert lays text out with the same metrics the
# browser then draws with, so labels are neither clipped nor overlapping.
FONT = "Arial, 'Liberation Sans', Helvetica, sans-serif"
WIDTH = 620
VERDICT_COLORS = {
    "domain": ["Ripe", "Blocked", "Premature", "Not ripe"],
    "range": ["#1a9850", "#fdae61", "#74add1", "#d73027"],
}
STANCE_COLORS = {
    "domain": ["reject", "conditional", "open", "propose", "mediate"],
    "range": ["#d73027", "#fdae61", "#74add1", "#1a9850", "#8073ac"],
}


def alt() -> Any:
    """The altair module (imported here so that importing the briefing does not load it)."""
    import altair

    return altair


def configure(chart: Chart) -> Chart:
    """Fonts, padding and axes shared by every chart (set in place)."""
    a = alt()
    # Every Altair method deep-copies the whole chart, data included.
    # No label truncation and no overlap search: vl-convert measures every label for each,
    # which costs more than the rest of the drawing; the briefing keeps labels short.
    # The chart was just built here, so it is set in place rather than copied by configure().
    chart.config = a.Config(
        font=FONT,
        padding={"left": 12, "right": 12, "top": 6, "bottom": 6},
        view=a.ViewConfig(stroke=None),
        axis=a.AxisConfig(
            labelFontSize=11, titleFontSize=11, labelLimit=0, labelOverlap=False, labelBound=False
        ),
        legend=a.LegendConfig(labelFontSize=11, titleFontSize=11, labelLimit=0),
        title=a.TitleConfig(fontSize=13, anchor="start"),
    )
    return chart
