"""``detente simulate``: how sure is the answer, and which judgments drive it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from detente.cli._app import app
from detente.cli._output import err_console, load_scenario, print_json, write_text
from detente.errors import InputError

FileArg = Annotated[Path, typer.Argument(help="A scenario file (YAML).", show_default=False)]


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    # A live bar only where someone watches (a terminal on stderr); pipes and CI stay clean.
    if not enabled or not err_console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("drawing"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,}"),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("draws", total=1)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@app.command()
def simulate(
    file: FileArg,
    n: Annotated[int, typer.Option("-n", "--draws", help="Number of joint draws.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same results.")] = 0,
    engine: Annotated[
        str, typer.Option("--engine", help="readiness (verdict, margin) or forecast.")
    ] = "readiness",
    what_if: Annotated[
        str | None, typer.Option("--what-if", help="Simulate this named what-if variant.")
    ] = None,
    all_what_ifs: Annotated[
        bool, typer.Option("--all-what-ifs", help="Simulate the base and every what-if.")
    ] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Apply the timeline up to this date.")
    ] = None,
    lhs: Annotated[
        bool, typer.Option("--lhs", help="Latin hypercube instead of plain draws.")
    ] = False,
    no_sensitivity: Annotated[
        bool, typer.Option("--no-sensitivity", help="Skip the Sobol' indices and the tornado.")
    ] = False,
    workers: Annotated[int, typer.Option("--workers", help="Local processes.")] = 1,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Dask scheduler address (tcp://host:port); the scheduler and its workers are "
            "trusted (docs/security.md).",
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds to wait for the Dask scheduler.")
    ] = 10.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Monte Carlo over the uncertain judgments: the probability of each verdict with a 95%
    interval, the distribution of the margin or of the forecasts, and the judgments that drive
    them (Sobol' indices and a tornado)."""
    if what_if is not None and all_what_ifs:
        raise InputError("give either --what-if NAME or --all-what-ifs, not both", path="--what-if")
    if workers > 1 and scheduler is not None:
        raise InputError(
            "give either --workers K or --scheduler ADDRESS, not both", path="--workers"
        )
    from detente.uncertainty import Execution
    from detente.uncertainty.simulate import simulate as run_simulation

    # Checked before the scenario is read: a bad address or timeout costs nothing.
    execution = Execution(
        seed=seed,
        method="lhs" if lhs else "plain",
        workers=workers,
        scheduler=scheduler,
        timeout=timeout,
    )
    scenario, warned = load_scenario(file, as_of=as_of)
    names: list[str | None] = [what_if]
    if all_what_ifs:
        names = [None, *scenario.what_ifs]
    results: dict[str, Any] = {}
    texts: list[str] = []
    for name in names:
        with _progress(not as_json) as progress:
            summary = run_simulation(
                scenario if name is None else scenario.variant(name),
                n=n,
                engine=engine,
                sensitivity=not no_sensitivity,
                execution=dataclasses.replace(execution, progress=progress),
            )
        results[name or "base"] = {**summary.to_dict(), "warnings": [w.to_dict() for w in warned]}
        title = "Base" if name is None else f"What if {scenario.what_ifs[name].label} ({name})"
        texts.append(("== " + title + "\n" if len(names) > 1 else "") + summary.explain())
    if as_json:  # each result holds the warnings (a what-if may be named "warnings")
        print_json(results if len(names) > 1 else results[names[0] or "base"])
        return
    write_text("\n\n".join(texts))
