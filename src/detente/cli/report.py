"""``detente report`` and ``detente chart``: the HTML briefing and single chart exports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from detente.cli._app import app
from detente.cli._output import console, load_scenario, parse_date
from detente.errors import printable

FileArg = Annotated[Path, typer.Argument(help="A scenario file (YAML).", show_default=False)]
AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="Analyse the scenario as of this date (YYYY-MM-DD)."),
]
Simulate = Annotated[
    int | None,
    typer.Option("--simulate", help="Add a Monte Carlo section with this many draws."),
]
Force = Annotated[bool, typer.Option("--force", help="Overwrite an existing output file.")]


def _refuse_existing(path: Path, force: bool) -> None:
    # checked before any engine runs, so that a refused overwrite costs nothing; the write
    # itself refuses atomically too (a file created meanwhile is never replaced)
    from detente._files import check_target

    check_target(path, overwrite=force)


@app.command()
def report(
    file: FileArg,
    output: Annotated[
        Path, typer.Option("-o", "--output", help="The HTML file to write.", show_default=False)
    ],
    as_of: AsOf = None,
    simulate: Simulate = None,
    force: Force = False,
) -> None:
    """Write the briefing: one self-contained HTML file with the verdict, the actors, the
    negotiation space, levers, what-ifs, forecasts, the strategic graph, the timeline and the
    sources (no scripts, no network; printable)."""
    from detente.briefing import report as write_report

    parse_date(as_of)  # a bad date is refused before anything is read
    _refuse_existing(output, force)
    scenario, _ = load_scenario(file, as_of=as_of)
    path = write_report(scenario, output=output, simulate=simulate, overwrite=force)
    console.print(f"wrote {printable(str(path))}", markup=False, highlight=False)


@app.command()
def chart(
    file: FileArg,
    kind: Annotated[
        str,
        typer.Argument(
            help="space, shortfalls, levers, whatifs, trajectories, quadrant, graph, "
            "montecarlo or timeline.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path,
        typer.Option("-o", "--output", help="A .png or .svg file to write.", show_default=False),
    ],
    as_of: AsOf = None,
    simulate: Simulate = None,
    force: Force = False,
) -> None:
    """Export one chart of the briefing as PNG or SVG."""
    from detente.briefing import chart as make_chart
    from detente.briefing import save_chart
    from detente.briefing.charts import check_chart_path, check_kind

    parse_date(as_of)
    check_kind(kind)  # the "unknown chart, did you mean" error
    check_chart_path(output, option="--output")
    _refuse_existing(output, force)
    scenario, _ = load_scenario(file, as_of=as_of)
    figure = make_chart(scenario, kind, simulate=simulate)
    save_chart(figure, output, overwrite=force)
    console.print(f"wrote {printable(str(output))}", markup=False, highlight=False)
