"""``detente backtest``, ``detente seal`` and ``detente grade``: the track record."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from detente.cli._app import app
from detente.cli._output import print_json, print_warnings, write_text
from detente.errors import InputError

DRAWS = 2000  # = detente.record.DEFAULT_DRAWS (not imported here: the CLI starts fast)


@app.command()
def backtest(
    directory: Annotated[
        Path, typer.Argument(help="A folder of scenario files with questions.", show_default=False)
    ],
    n: Annotated[int, typer.Option("-n", "--draws", help="Monte Carlo draws per case.")] = DRAWS,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed of the draws and of the bootstrap.")
    ] = 0,
    replicates: Annotated[
        int, typer.Option("--bootstrap", help="Bootstrap replicates (cases resampled).")
    ] = 2000,
    workers: Annotated[int, typer.Option("--workers", help="Processes (cases in parallel).")] = 2,
    report: Annotated[
        Path | None, typer.Option("--report", help="Also write an HTML page (scores, calibration).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the --report file.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Score detente's probabilities on every resolved question of the scenarios in a folder,
    beside two baselines (the base rate of the other cases, and the status quo): Brier and log
    scores per case and overall, with bootstrap intervals."""
    from detente.record import backtest as run_backtest
    from detente.record import render_html, scenario_files

    if report is not None:
        from detente._files import check_target

        check_target(report, overwrite=force)  # early; the write refuses atomically too
    files = scenario_files(directory)
    if not files:
        raise InputError("no scenario files (*.yaml) in this folder", file=str(directory))
    result = run_backtest(files, n=n, seed=seed, replicates=replicates, workers=workers)
    print_warnings(result.warnings)  # each case's JSON holds its own
    if report is not None:
        from detente.record.report import write_html

        write_html(render_html(result), report, overwrite=force)
    if as_json:
        print_json(result.to_dict())
        return
    text = result.explain()
    if report is not None:
        text += f"\nWrote {report}"
    write_text(text)


@app.command()
def seal(
    file: Annotated[
        Path, typer.Argument(help="A scenario file with questions.", show_default=False)
    ],
    question: Annotated[
        list[str] | None,
        typer.Option("--question", help="A question id to seal (repeat; default: every open one)."),
    ] = None,
    ledger: Annotated[
        Path, typer.Option("--ledger", help="The ledger (JSON Lines) to append to.")
    ] = Path("forecasts.jsonl"),
    n: Annotated[int, typer.Option("-n", "--draws", help="Monte Carlo draws.")] = DRAWS,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same probabilities.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the sealed records.")] = False,
) -> None:
    """Forecast a scenario's open questions and append them to a hash-chained ledger, with the
    scenario's content hash, detente's version and the time (UTC)."""
    from detente.record import seal as run_seal

    sealed = run_seal(file, questions=question or None, ledger=ledger, n=n, seed=seed)
    print_warnings(sealed.warnings)  # in the JSON too
    if as_json:
        print_json(sealed.to_dict())
        return
    write_text(sealed.explain())


@app.command()
def grade(
    ledger: Annotated[Path, typer.Argument(help="A forecasts ledger.", show_default=False)],
    outcomes: Annotated[
        Path | None,
        typer.Option("--outcomes", help="Outcomes file: CSV or YAML (question, outcome, date)."),
    ] = None,
    scenario: Annotated[
        list[Path] | None,
        typer.Option("--scenario", help="A scenario file whose questions hold outcomes (repeat)."),
    ] = None,
    head: Annotated[
        str | None, typer.Option("--head", help="A published head hash the ledger must contain.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the grades as JSON.")] = False,
) -> None:
    """Verify a ledger's hash chain and score every sealed forecast whose outcome is known
    (from --outcomes or from the sealed scenarios' own questions). A tampered ledger is an
    error naming its first bad line."""
    from detente.record import grade as run_grade

    result = run_grade(ledger, outcomes=outcomes, scenarios=scenario or (), head=head)
    if as_json:
        print_json(result.to_dict())
        return
    write_text(result.explain())
