"""The ``detente`` command line: thin, only parsing and printing.

Each command lives in its own module and registers itself on :data:`detente.cli._app.app`.
:func:`main` turns every :class:`detente.errors.DetenteError` into ``detente: error: ...`` lines on
standard error and exit code 2, never a traceback.
"""

from __future__ import annotations

import sys

from detente.cli._app import app
from detente.errors import DetenteError

__all__ = ["app", "main"]


def _register() -> None:
    # Importing a command module registers its commands; a module not written yet is skipped.
    import importlib

    for name in (
        "scenario",
        "assess",
        "stability",
        "forecast",
        "simulate",
        "timeline",
        "report",
        "serve",
    ):
        try:
            importlib.import_module(f"detente.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"detente.cli.{name}":
                raise


_register()


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 1 a negative answer where documented, 2 errors)."""
    try:
        app(args=argv, prog_name="detente", standalone_mode=False)
    except DetenteError as exc:
        for diagnostic in exc.diagnostics():
            sys.stderr.write(f"detente: error: {diagnostic}\n")
        return 2
    except SystemExit as exc:  # typer/click exit inside a command
        return int(exc.code or 0) if isinstance(exc.code, int | None) else 2
    except KeyboardInterrupt:
        sys.stderr.write("detente: interrupted\n")
        return 130
    except Exception as exc:
        # Usage errors of click (or of the copy of click that recent typer vendors): duck-typed,
        # so that a bad option is one line and exit code 2 whichever click raised it.
        code = getattr(exc, "exit_code", None)
        message = getattr(exc, "format_message", None)
        if isinstance(code, int) and callable(message):
            ctx = getattr(exc, "ctx", None)
            command = getattr(ctx, "command_path", "detente") if ctx is not None else "detente"
            sys.stderr.write(f"detente: error: {message()} (see '{command} --help')\n")
            return code
        if isinstance(code, int):  # click's Exit
            return code
        if type(exc).__name__ == "Abort":
            return 1
        raise
    return 0


def _entry() -> None:
    sys.exit(main())
