"""``detente check``, ``detente show``, ``detente schema``: the scenario file itself."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from detente.cli._app import app
from detente.cli._output import console, print_json, print_warnings, scenario_warnings
from detente.errors import DetenteError, Diagnostic, printable

FileArg = Annotated[Path, typer.Argument(help="A scenario file (YAML).", show_default=False)]


@app.command()
def check(
    files: Annotated[list[Path], typer.Argument(help="Scenario files to validate.")],
) -> None:
    """Validate scenario files: one summary line per file, then every error with its line;
    warnings (valid but probably not meant) on standard error, without changing the exit code."""
    from detente.scenario.describe import summary_line
    from detente.scenario.loader import load_with_source

    failed: list[DetenteError] = []
    for path in files:
        name = printable(str(path))  # one line, whatever the name holds
        try:
            scenario, source = load_with_source(path)
        except DetenteError as exc:
            n = len(exc.diagnostics())
            console.print(f"{name}: {n} error{'s' if n != 1 else ''}", markup=False)
            failed.append(exc)
            continue
        warned = scenario_warnings(scenario, source)
        n = len(warned)
        count = f" ({n} warning{'s' if n != 1 else ''})" if n else ""
        console.print(f"{name}: ok{count}, {printable(summary_line(scenario))}", markup=False)
        print_warnings(warned)
    if failed:
        raise _Many(failed)


class _Many(DetenteError):
    def __init__(self, errors: list[DetenteError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))

    def diagnostics(self) -> list[Diagnostic]:
        return [d for e in self.errors for d in e.diagnostics()]


@app.command()
def show(
    file: FileArg,
    as_json: Annotated[
        bool, typer.Option("--json", help="The validated scenario as JSON.")
    ] = False,
) -> None:
    """The scenario as the article reads: per actor its role, considerations, positions and
    salience, red lines, preconditions and no-deal expectation, each with its source."""
    from detente.cli._output import load_scenario
    from detente.scenario.describe import describe_scenario

    scenario, _ = load_scenario(file)  # warnings on stderr; the JSON is the scenario itself
    if as_json:
        print_json(scenario.model_dump(mode="json", exclude_none=True))
        return
    doc = describe_scenario(scenario)
    if console.is_terminal:
        console.print(doc.to_rich())
    else:
        sys.stdout.write(doc.to_text())


@app.command()
def schema(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write to this file instead of stdout.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """The JSON Schema of the scenario format, for editors to validate and complete files."""
    from detente._files import write_atomic
    from detente.scenario.schema import json_schema

    text = json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    write_atomic(output, text, overwrite=force)
    console.print(f"wrote {printable(str(output))}", markup=False)
