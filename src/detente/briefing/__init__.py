"""The briefing: a self-contained HTML report with charts, PNG/SVG chart exports and Markdown.

- :func:`build_briefing` runs the engines and gathers every number shown into a
  :class:`Briefing` (the views compute nothing);
- :func:`report` writes the HTML file (inline CSS and SVG, no scripts, no network);
- :func:`markdown` gives a Markdown summary for pasting into documents;
- :func:`chart` builds one chart (Altair) by kind; :func:`save_chart` writes it as PNG or SVG.

>>> from detente.scenario import load
>>> from detente.briefing import report
>>> report(load("scenarios/russia-ukraine-2022-12.yaml"), output=Path("out/briefing.html"))
... # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.briefing.briefing import SECTIONS, Briefing, build_briefing
from detente.briefing.charts import CHART_KINDS, chart_for, save_chart, to_png, to_svg
from detente.briefing.render import render_html, render_markdown
from detente.errors import InputError

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = [
    "CHART_KINDS",
    "CHART_SECTIONS",
    "SECTIONS",
    "Briefing",
    "build_briefing",
    "chart",
    "chart_for",
    "markdown",
    "render_html",
    "report",
    "save_chart",
    "to_png",
    "to_svg",
]

#: The briefing section each chart kind needs.
CHART_SECTIONS: dict[str, str] = {
    "space": "space",
    "shortfalls": "shortfalls",
    "levers": "levers",
    "whatifs": "whatifs",
    "trajectories": "forecast",
    "quadrant": "forecast",
    "graph": "graph",
    "montecarlo": "montecarlo",
    "timeline": "timeline",
}


def report(
    scenario: Scenario,
    *,
    output: Path,
    simulate: int | None = None,
    overwrite: bool = False,
) -> Path:
    """Write the HTML briefing of a scenario.

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario.
    output : Path
        The HTML file to write; its folder is created if needed.
    simulate : int, optional
        Monte Carlo draws over the ``uncertainty`` section (no simulation by default).
    overwrite : bool
        Replace an existing file (the CLI's ``--force``).

    Returns
    -------
    Path
        ``output``.

    Raises
    ------
    detente.errors.InputError
        ``output`` exists and ``overwrite`` is false, or a bad option value.
    """
    output = Path(output)
    if output.exists() and not overwrite:
        raise InputError(
            f"{output} exists; use --force to overwrite it", path="output", file=str(output)
        )
    if simulate is not None and simulate < 1:
        raise InputError(
            f"--simulate needs a positive number of draws (got {simulate})", path="simulate"
        )
    briefing = build_briefing(scenario, simulate=simulate)
    text = render_html(briefing)
    from detente._files import write_atomic

    return write_atomic(output, text, overwrite=overwrite, make_parents=True)


def markdown(briefing: Briefing) -> str:
    """The briefing as Markdown (for ``detente assess --format markdown``)."""
    return render_markdown(briefing)


def chart(
    scenario: Scenario,
    kind: str,
    *,
    simulate: int | None = None,
) -> Any:
    """One chart of a scenario's briefing, as an Altair chart.

    Only the section the chart needs is computed.

    Raises
    ------
    detente.errors.InputError
        An unknown kind, or a chart this scenario cannot have (with the reason).
    """
    if kind not in CHART_SECTIONS:
        chart_for(kind, {})  # raises the "unknown chart" error with a hint
    briefing = build_briefing(scenario, simulate=simulate, sections=[CHART_SECTIONS[kind]])
    if kind not in briefing.charts:
        reason = briefing.unavailable.get(CHART_SECTIONS[kind], "nothing to draw")
        raise InputError(f"no {kind} chart for this scenario: {reason}", path="kind")
    return chart_for(kind, briefing.charts[kind])
