"""``detente forecast``: where will bargaining land, issue by issue."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from detente.cli._app import app
from detente.cli._output import console, load_scenario, print_json
from detente.errors import InputError

if TYPE_CHECKING:
    from rich.table import Table

    from detente.bargaining import ForecastResult, IssueForecast

# The engine's METHODS and EUMSettings().rounds, repeated so that `--help` imports no engine
# (tests/cli/test_imports.py keeps them equal).
METHODS = ("mean", "median", "nash", "eum")
DEFAULT_ROUNDS = 8


@app.command()
def forecast(
    file: Annotated[
        Path | None, typer.Argument(help="A scenario file (YAML).", show_default=False)
    ] = None,
    table: Annotated[
        Path | None,
        typer.Option(
            "--table",
            help="A CSV actor table instead of a scenario: columns actor, capability, position, "
            "salience (0-1 or 0-100), optional issue.",
        ),
    ] = None,
    issue: Annotated[
        str | None, typer.Option("--issue", "-i", help="Forecast only this issue.")
    ] = None,
    method: Annotated[
        list[str] | None,
        typer.Option(
            "--method", "-m", help=f"Method to run (repeatable): {', '.join(METHODS)}; default all."
        ),
    ] = None,
    variant: Annotated[
        str,
        typer.Option(help="Expected-utility variant: scholz-code or as-printed."),
    ] = "scholz-code",
    rounds: Annotated[
        int, typer.Option(help="Rounds of the expected-utility model.")
    ] = DEFAULT_ROUNDS,
    q: Annotated[
        float, typer.Option("--q", help="BDM's Q: probability the status quo persists.")
    ] = 1.0,
    no_risk: Annotated[
        bool, typer.Option("--no-risk", help="Skip the risk pass (all risk exponents 1).")
    ] = False,
    salience_scale: Annotated[
        str,
        typer.Option(
            help="--table only: salience as auto (0-100 if any value exceeds 1), unit or percent."
        ),
    ] = "auto",
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Forecast the bargained outcome: weighted mean, weighted median, Nash bargaining and
    Bueno de Mesquita's expected-utility model (per round median and mean)."""
    from detente.bargaining import EUMSettings, forecast_table
    from detente.bargaining import forecast as run

    methods = tuple(method) if method else METHODS
    if (file is None) == (table is None):
        raise InputError("give either a scenario FILE or --table CSV (one of them)")
    if salience_scale not in ("auto", "unit", "percent"):
        raise InputError(f"--salience-scale must be auto, unit or percent (got {salience_scale!r})")
    eum = EUMSettings(variant=variant, rounds=rounds, q=q, risk=not no_risk)  # type: ignore[arg-type]
    result: ForecastResult
    warned = None
    if table is not None:
        result = forecast_table(
            table,
            issue=issue,
            methods=methods,
            eum=eum,
            salience_scale=salience_scale,  # type: ignore[arg-type]
        )
    else:
        assert file is not None
        scenario, warned = load_scenario(file)
        result = run(scenario, issue=issue, methods=methods, eum=eum)
    if as_json:
        print_json(result.to_dict(), warnings=warned)
        return
    _print(result)


def _print(result: ForecastResult) -> None:
    from rich.text import Text

    from detente.errors import printable

    console.print(Text(printable(result.title), style="bold"))  # the title is user text
    for f in result.issues:
        console.print(_methods_table(f))
        if f.eum is not None:
            console.print(_rounds_table(f))
    for key, why in result.skipped.items():
        console.print(f"Issue {key}: not forecast: {why}.", markup=False)


def _methods_table(f: IssueForecast) -> Table:
    from rich.table import Table
    from rich.text import Text

    from detente.bargaining.engine import METHOD_LABELS

    scale = " < ".join(f.options) if f.options is not None else f"scale {f.low:g} .. {f.high:g}"
    title = Text(f"{f.label} ({scale}; {len(f.actors)} actors)")
    t = Table(title=title, title_justify="left")
    t.add_column("method")
    t.add_column("forecast", justify="right")
    notes = {m: f.red_line_note(m) for m in f.values}
    if any(notes.values()):
        t.add_column("veto parties' red lines", overflow="fold")
    for m in f.values:
        label = METHOD_LABELS[m]
        if m == "eum" and f.eum is not None:
            label += f" ({f.eum.variant}, {f.eum.rounds} rounds)"
        cells = [Text(label), Text(f.describe(m))]
        if any(notes.values()):
            cells.append(Text(notes[m] or "met"))
        t.add_row(*cells)
    return t


def _rounds_table(f: IssueForecast) -> Table:
    from rich.table import Table

    assert f.eum is not None
    e = f.eum
    cycle = f.cycle("eum")
    caption = None if cycle is None or e.cycle is None else f"from round {e.cycle.start}: {cycle}"
    t = Table(
        title="expected-utility model by round",
        title_justify="left",
        caption=caption,
        caption_justify="left",
    )
    t.add_column("round", justify="right")
    t.add_column("median", justify="right")
    t.add_column("mean", justify="right")
    t.add_column("moves")
    for r in range(e.rounds + 1):
        moves = "" if r == 0 else str(len(e.moves(r)))
        t.add_row(str(r), f"{e.medians[r]:.4g}", f"{e.means[r]:.4g}", moves)
    return t
