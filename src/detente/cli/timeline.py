"""``detente timeline`` (readiness at every dated change) and ``detente signals`` (stance series
from a scenario's statements and from event-data files)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from detente.cli._app import app
from detente.cli._output import console, err_console, load_scenario, print_json, write_text
from detente.errors import InputError, printable

if TYPE_CHECKING:
    import pandas as pd
    from rich.table import Table

    from detente.timeline.events import ReadReport
    from detente.timeline.signals import StanceSignals

#: Event file formats (checked by the reader; listed here so that --help imports no reader).
FORMATS = ("auto", "gdelt1", "gdelt2", "icews", "acled")


def _actor_list(text: str | None) -> list[str] | None:
    if text is None:
        return None
    codes = [c.strip().upper() for c in text.split(",") if c.strip()]
    if not codes:
        raise InputError("--actors needs comma-separated codes, e.g. RUS,UKR", path="actors")
    return codes


def _day(text: str | None, option: str) -> pd.Timestamp | None:
    import pandas as pd

    if text is None:
        return None
    try:
        return pd.Timestamp(dt.date.fromisoformat(text))
    except ValueError:
        raise InputError(f"'{text}' is not a date (YYYY-MM-DD)", path=option) from None


def _table(origin: str, signals: StanceSignals, *, pairs: bool) -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{origin}: latest {signals.window} window", title_justify="left")
    for name in ("actor", "target", "to date", "events", "coop", "reject", "NRI", "Goldstein"):
        if name == "target" and not pairs:
            continue
        table.add_column(name, justify="left" if name in ("actor", "target") else "right")
    latest = signals.latest(level="pair" if pairs else "actor")
    for row in latest.to_dict(orient="records"):
        cells = [str(row["actor"])]
        if pairs:
            cells.append(str(row["target"]))
        gold = row["mean_goldstein"]
        cells += [
            str(row["date"])[:10],
            str(row["events"]),
            f"{row['cooperative']:g}",
            f"{row['rejecting']:g}",
            f"{row['nri']:+.2f}",
            "-" if gold != gold else f"{gold:+.1f}",
        ]
        table.add_row(*(Text(cell) for cell in cells))  # codes from files are not markup
    return table


@app.command()
def timeline(
    file: Annotated[Path, typer.Argument(help="A scenario file (YAML).", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="The series as JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="The series as CSV (for charts).")] = False,
) -> None:
    """Readiness over time: the verdict, stage and margin as of every dated change of the
    scenario's timeline, with what changed that day."""
    if as_json and as_csv:
        raise InputError("give either --json or --csv, not both", path="--json")
    from rich.table import Table

    from detente.timeline import readiness_series

    scenario, warned = load_scenario(file)
    series = readiness_series(scenario)
    if as_json:
        print_json(series.to_dict(), warnings=warned)
        return
    frame = series.to_frame()
    if as_csv:
        sys.stdout.write(printable(frame.to_csv(index=False), keep_lines=True))
        return
    table = Table(title=f"Readiness over time ({series.scenario_id})", title_justify="left")
    for column in ("date", "verdict", "stage", "margin", "unmet", "what changed"):
        table.add_column(column, overflow="fold")
    for p in series.points:
        margin = "no margin" if p.margin is None else f"{p.margin:+.3f}"
        what = "; ".join(p.notes) or ", ".join(f"{k} = {v}" for k, v in p.changes.items())
        unmet = str(p.unmet_preconditions)
        if p.unmet_agreement_preconditions:
            unmet += f" (+{p.unmet_agreement_preconditions} for signing)"
        table.add_row(p.date.isoformat(), p.verdict, p.stage, margin, unmet, what)
    if console.is_terminal:
        console.print(table)
    else:
        write_text(series.explain())


@app.command()
def signals(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="A scenario file whose statements give a stance series (optional).",
            show_default=False,
        ),
    ] = None,
    events: Annotated[
        list[Path] | None,
        typer.Option(
            "--events",
            help="An event-data file (GDELT 1.0/2.0, ICEWS, ACLED; plain, "
            ".gz or .zip). Repeat for several.",
            show_default=False,
        ),
    ] = None,
    actors: Annotated[
        str | None,
        typer.Option("--actors", help="Comma-separated actor codes, e.g. RUS,UKR."),
    ] = None,
    window: Annotated[str, typer.Option("--window", help="Rolling window in days.")] = "30D",
    start: Annotated[
        str | None, typer.Option("--from", help="Ignore events before this date (YYYY-MM-DD).")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Ignore events after this date (YYYY-MM-DD).")
    ] = None,
    event_format: Annotated[
        str, typer.Option("--format", help=f"Event file format: {', '.join(FORMATS)}.")
    ] = "auto",
    unweighted: Annotated[
        bool, typer.Option("--unweighted", help="Count every event once, not by its sources.")
    ] = False,
    dedup_same_day: Annotated[
        bool,
        typer.Option(
            "--dedup-same-day",
            help="Drop events repeating the day, actors and code of an earlier one.",
        ),
    ] = False,
    pairs: Annotated[
        bool, typer.Option("--pairs", help="Show directed pairs (actor -> target) in the table.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="The series as JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="The series as CSV.")] = False,
) -> None:
    """Negotiation-readiness index and mean Goldstein score per actor and pair, over rolling
    windows, from the scenario's statements, from event-data files, or both."""
    from detente.timeline.events import read_events
    from detente.timeline.signals import SignalsReport, stance_signals, statement_events

    if file is None and not events:
        raise InputError("give a scenario FILE, one or more --events files, or both")
    if as_json and as_csv:
        raise InputError("choose one of --json and --csv")
    codes = _actor_list(actors)
    series: dict[str, StanceSignals] = {}
    reads: tuple[ReadReport, ...] = ()
    warned = None
    first, last = _day(start, "from"), _day(end, "to")
    if file is not None:
        scenario, warned = load_scenario(file)
        table = statement_events(scenario.statements, source_file=str(file))
        if first is not None:
            table = table.loc[table["date"] >= first]
        if last is not None:
            table = table.loc[table["date"] <= last]
        series["statements"] = stance_signals(
            table, window=window, actors=codes, sources=(f"{file} statements",)
        )
    if events:
        data = read_events(
            events,
            format=event_format,
            actors=codes,
            start=first,
            end=last,
            weight_by_sources=not unweighted,
            same_day_duplicates=dedup_same_day,
        )
        reads = data.reports
        series["events"] = stance_signals(
            data.frame,
            window=window,
            weighted=not unweighted,
            actors=codes,
            sources=tuple(str(p) for p in events),
        )
    report = SignalsReport(series=series, reads=reads)
    if as_json:
        print_json(report.to_dict(), warnings=warned)
        return
    if as_csv:
        report.to_frame().to_csv(sys.stdout, index=False, date_format="%Y-%m-%d")
        for r in reads:
            if r.malformed:
                err_console.print(r.explain(), markup=False)
        return
    for origin, s in series.items():
        if s.by_actor.empty:
            console.print(f"{origin}: no events with an actor.", markup=False)
            continue
        console.print(_table(origin, s, pairs=pairs))
    for r in reads:
        console.print(r.explain(), markup=False)
