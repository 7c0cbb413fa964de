"""``detente stability FILE``: graph-model stability of the scenario's strategy section."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from detente.cli._app import app
from detente.cli._output import console, load_scenario, print_json
from detente.errors import DetenteError, InputError, ScenarioError

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = ["stability_command"]

_MAX_ROWS = 200
_LABEL = {"nash": "Nash", "gmr": "GMR", "smr": "SMR", "seq": "SEQ", "sim": "SIM"}


@app.command("stability")
def stability_command(
    file: Annotated[Path, typer.Argument(help="Scenario file with a strategy section.")],
    json: Annotated[bool, typer.Option("--json", help="Print JSON (docs/strategy.md).")] = False,
    explain: Annotated[
        str | None,
        typer.Option(
            "--explain",
            metavar="STATE",
            help="Explain one state (id, pattern or d<decimal>): improvements and sanctions.",
        ),
    ] = None,
    concept: Annotated[
        list[str] | None,
        typer.Option("--concept", help="Solution concept(s): nash, gmr, smr, seq, sim."),
    ] = None,
    max_states: Annotated[
        int | None, typer.Option("--max-states", help="Refuse more feasible states than this.")
    ] = None,
) -> None:
    """Stability of every state (Nash, GMR, SMR, SEQ, SIM), equilibria, coalitions, status quo."""
    from detente.graph import CONCEPTS, stability

    scenario, warned = load_scenario(file)
    if getattr(scenario, "strategy", None) is None:
        raise InputError(
            "the scenario has no strategy section (see docs/strategy.md)",
            path="strategy",
            file=str(file),
        )
    try:  # the strategy was compiled once, by the loader's check: the engine reuses it
        result = stability(
            scenario, concepts=tuple(concept) if concept else CONCEPTS, max_states=max_states
        )
    except DetenteError as exc:
        raise _in_file(exc, scenario, file) from None
    if explain is not None:
        text = result.explain(explain)
        if json:
            print_json(
                {"state": result.state_index(explain) + 1, "explanation": text}, warnings=warned
            )
        else:
            console.print(text, markup=False)
        return
    if json:
        print_json(result.to_dict(), warnings=warned)
        return

    from rich.table import Table

    dms = result.decision_makers
    table = Table(title=f"States and stability ({', '.join(dms)} in that order; * = equilibrium)")
    table.add_column("state", justify="right")
    table.add_column("pattern")
    table.add_column("decimal")
    for c in result.concepts:
        table.add_column(_LABEL[c])
    frame = result.to_frame()
    rows = frame.index.tolist()
    shown = rows
    if len(rows) > _MAX_ROWS:
        eq = set().union(*(set(result.equilibria[c]) for c in result.concepts))
        shown = sorted(eq)[:_MAX_ROWS]
    for sid in shown:
        cells = [str(sid), str(frame.at[sid, "pattern"]), str(frame.at[sid, "decimal"])]
        for c in result.concepts:
            marks = "".join("✓" if frame.at[sid, f"{c}.{dm}"] else "·" for dm in dms)
            cells.append(marks + (" *" if frame.at[sid, f"{c}.eq"] else ""))
        table.add_row(*cells)
    console.print(table)
    if len(shown) < len(rows):
        console.print(f"({len(rows):,} states; only equilibria shown)", markup=False)
    console.print(result.explain(), markup=False)


def _in_file(exc: DetenteError, scenario: Scenario, file: Path) -> DetenteError:
    """The engine's refusal with the file, and the line and column of the part of the strategy
    it names (``strategy:`` itself for a conflict too large); the solution concepts are the
    command's ``--concept``."""
    from detente.scenario.loader import position_in_file

    found = []
    for d in exc.diagnostics():
        if d.path == "concepts":
            d = dataclasses.replace(d, path="--concept")
        elif d.file is None and d.path.split(".")[0] == "strategy":
            loc = tuple(int(p) if p.isdigit() else p for p in d.path.split("."))
            line, column = position_in_file(scenario, loc)
            d = dataclasses.replace(d, file=str(file), line=line, column=column)
        found.append(d)
    if isinstance(exc, InputError) and len(found) == 1:
        d = found[0]
        return type(exc)(d.message, path=d.path, file=d.file, line=d.line, column=d.column)
    return ScenarioError(found)
