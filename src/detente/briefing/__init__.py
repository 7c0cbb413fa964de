"""The briefing: a self-contained HTML report with charts, PNG/SVG chart exports and Markdown.

- :func:`build_briefing` runs the engines and gathers every number shown into a
  :class:`Briefing`, one dataclass per section (the views compute nothing);
- :func:`report` writes the HTML file (inline CSS and SVG, no scripts, no network);
- :func:`render_html` gives that page as text, :func:`markdown` a Markdown summary;
- :func:`chart` builds one chart (Altair) by kind; :func:`save_chart` writes it as PNG or SVG.

>>> from detente.scenario import load
>>> from detente.briefing import report
>>> report(load("scenarios/russia-ukraine-2022-12.yaml"), output=Path("out/briefing.html"))
... # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.briefing.build import CHART_SECTIONS, SECTIONS, build_briefing
from detente.briefing.charts import CHART_KINDS, save_chart
from detente.briefing.model import Briefing
from detente.briefing.views.html import render_html
from detente.errors import InputError

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = [
    "CHART_KINDS",
    "SECTIONS",
    "Briefing",
    "build_briefing",
    "chart",
    "markdown",
    "render_html",
    "report",
    "save_chart",
]


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
        A loaded scenario, or a transformation of one (``scenario.at(date)``,
        ``scenario.variant(name)``).
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
    from detente.briefing._write import refuse_existing, write_output

    output = Path(output)
    refuse_existing(output, overwrite=overwrite)  # before any engine runs
    if simulate is not None and simulate < 1:
        raise InputError(
            f"--simulate needs a positive number of draws (got {simulate})", path="simulate"
        )
    text = render_html(build_briefing(scenario, simulate=simulate))
    return write_output(output, text, overwrite=overwrite)


def markdown(briefing: Briefing) -> str:
    """The briefing as Markdown (for ``detente assess --format markdown``)."""
    from detente.briefing.views.markdown import render_markdown

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
    from detente.briefing.charts import chart_for, check_kind

    check_kind(kind)
    section = CHART_SECTIONS[kind]
    briefing = build_briefing(scenario, simulate=simulate, sections=[section])
    tables = briefing.charts.get(kind)
    if tables is None:
        reason = briefing.unavailable.get(section, "nothing to draw")
        raise InputError(f"no {kind} chart for this scenario: {reason}", path="kind")
    return chart_for(kind, tables)
