"""The briefing's charts: Altair (Vega-Lite) specifications drawn from plain tables.

Every chart function takes the tables a section builder prepared (pandas DataFrames, in
``Briefing.charts[kind]``) and returns an Altair chart; nothing here runs an engine or computes a
result.  :func:`to_svg`, :func:`to_png` and :func:`save_chart` render a chart offline with
vl-convert (no network: remote data URLs are refused).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.briefing.charts._style import Chart
from detente.briefing.charts.forecast import quadrant_chart, trajectories_chart
from detente.briefing.charts.gap import levers_chart, shortfalls_chart, whatifs_chart
from detente.briefing.charts.graph import graph_chart
from detente.briefing.charts.montecarlo import montecarlo_chart
from detente.briefing.charts.space import space_chart
from detente.briefing.charts.timeline import timeline_chart
from detente.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

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

#: Chart kind -> the function drawing it from its tables.
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


def check_kind(kind: str) -> None:
    """Refuse an unknown chart kind (with a "did you mean" hint)."""
    if kind not in CHART_KINDS:
        from detente.errors import did_you_mean

        raise InputError(
            f"unknown chart {kind!r}{did_you_mean(kind, CHART_KINDS)}; "
            f"choose from {', '.join(CHART_KINDS)}",
            path="kind",
        )


def chart_for(kind: str, tables: Mapping[str, pd.DataFrame]) -> Chart:
    """The chart of a kind (see :data:`CHART_KINDS`) from its tables."""
    check_kind(kind)
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


def check_chart_path(path: Path, *, option: str = "output") -> None:
    """Refuse a file name that is neither ``.png`` nor ``.svg`` (``option``: how the caller
    names it in the error)."""
    if path.suffix.lower() not in (".png", ".svg"):
        raise InputError(
            f"cannot write a chart as '{path.suffix or path.name}': use a .png or .svg file name",
            path=option,
            file=str(path),
        )


def save_chart(chart: Chart, path: Path, *, overwrite: bool = False) -> Path:
    """Write a chart to ``path`` as PNG or SVG (by its suffix), creating its folder.

    Raises
    ------
    detente.errors.InputError
        An unsupported suffix, or an existing file without ``overwrite``.
    """
    from detente.briefing._write import refuse_existing, write_output

    path = Path(path)
    check_chart_path(path)
    refuse_existing(path, overwrite=overwrite)  # before the (slow) rendering
    data = to_svg(chart) if path.suffix.lower() == ".svg" else to_png(chart)
    return write_output(path, data, overwrite=overwrite)
