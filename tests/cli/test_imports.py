"""What the command line imports: each command only what it uses.

``detente --help`` and ``detente check`` must start at once, so they may not load the heavy
libraries (pandas, SciPy's optimisers, the chart libraries, Dask, SALib); ``--help`` not even
NumPy.  Each probe runs in a fresh interpreter and reports ``sys.modules`` after the command.
The start-up *times* are measured by ``benchmarks/bench_startup.py``, not here.
"""

from __future__ import annotations

import json
import subprocess
import sys

from detente.cli import app
from tests.conftest import FLAGSHIP, ROOT

#: Never loaded by --help or check (issue 11; STANDARDS "a command imports only what it uses").
HEAVY = ("pandas", "scipy.optimize", "altair", "vl_convert", "dask", "distributed", "SALib")
#: Not loaded by any --help either: help is text.
# (typer itself may load pydantic to convert parameters, so pydantic is not listed.)
HELP_HEAVY = (*HEAVY, "numpy", "scipy", "fastapi", "uvicorn", "sqlalchemy", "jinja2")

PROBE = """
import contextlib, io, json, sys
from detente.cli import main
out, err = io.StringIO(), io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
    codes = [main(args) for args in json.loads(sys.argv[1])]
json.dump({"codes": codes, "err": err.getvalue(), "modules": sorted(sys.modules)}, sys.stdout)
"""


def modules_after(*commands: list[str]) -> set[str]:
    """The modules loaded by a fresh interpreter that runs ``detente ARGS`` for each command."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(commands)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    report = json.loads(done.stdout)
    assert report["codes"] == [0] * len(commands), report["err"]
    return set(report["modules"])


def loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(name for name in names if name in modules)


def command_names() -> list[str]:
    names = [c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands]
    return sorted(n.replace("_", "-") for n in names)


def test_import_detente_loads_no_engine() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import detente, json, sys; json.dump(sorted(sys.modules), sys.stdout)",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=True,
    )
    modules = set(json.loads(done.stdout))
    assert loaded(modules, HELP_HEAVY) == []
    assert [m for m in modules if m.startswith("detente.")] == []


def test_commands_are_found() -> None:
    assert {"check", "assess", "forecast", "stability", "simulate", "report"} <= set(
        command_names()
    )


def test_help_imports_nothing_heavy() -> None:
    # every command's --help in one interpreter: what any of them loads stays loaded
    helps = [["--help"]] + [[name, "--help"] for name in command_names()]
    assert loaded(modules_after(*helps), HELP_HEAVY) == []


def test_check_imports_nothing_heavy() -> None:
    assert loaded(modules_after(["check", str(FLAGSHIP)]), HEAVY) == []


def test_assess_needs_the_solver_but_no_tables_charts_or_clusters() -> None:
    modules = modules_after(["assess", str(FLAGSHIP)])
    assert "scipy.optimize" in modules  # the probe sees real work, not an early exit
    assert loaded(modules, tuple(m for m in HEAVY if m != "scipy.optimize")) == []


def test_cli_copies_of_engine_constants_are_equal() -> None:
    # The command modules repeat a few engine constants so that --help imports no engine.
    from detente.bargaining import METHODS
    from detente.bargaining.settings import DEFAULT_ROUNDS
    from detente.cli import forecast as cli_forecast
    from detente.cli import timeline as cli_timeline
    from detente.timeline.events import FORMATS

    assert cli_forecast.METHODS == METHODS
    assert cli_forecast.DEFAULT_ROUNDS == DEFAULT_ROUNDS
    assert cli_timeline.FORMATS == FORMATS


def test_forecast_help_names_every_variant() -> None:
    import typer

    from detente.bargaining import VARIANTS

    command = typer.main.get_command(app).commands["forecast"]  # type: ignore[attr-defined]
    (option,) = [p for p in command.params if p.name == "variant"]
    assert all(variant in option.help for variant in VARIANTS)
    assert option.default == VARIANTS[0]
