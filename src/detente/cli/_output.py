"""Printing helpers shared by the commands: JSON, Rich or plain text, errors."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from detente._results import jsonable
from detente.errors import InputError

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = [
    "console",
    "err_console",
    "load_scenario",
    "parse_date",
    "print_json",
    "write_text",
]

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False)


def print_json(data: Any) -> None:
    """Write ``data`` as indented strict JSON to standard output."""
    sys.stdout.write(json.dumps(jsonable(data), indent=2, ensure_ascii=False, allow_nan=False))
    sys.stdout.write("\n")


def parse_date(text: str | None, *, option: str = "--as-of") -> dt.date | None:
    """A ``YYYY-MM-DD`` option value as a date (``None`` stays ``None``)."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"'{text}' is not a date; write it as YYYY-MM-DD (e.g. 2022-12-04)", path=option
        ) from None


def write_text(text: str) -> None:
    """Plain text to standard output (through Rich only in a terminal, without markup)."""
    if console.is_terminal:
        console.print(text, markup=False)
    else:
        sys.stdout.write(text + "\n")


def load_scenario(file: Path, *, as_of: str | None = None, what_if: str | None = None) -> Scenario:
    """Load a scenario file, move it to ``--as-of`` and apply ``--what-if`` (in that order)."""
    from detente.scenario import load

    scenario = load(file)
    date = parse_date(as_of)
    if date is not None:
        scenario = scenario.at(date)
    if what_if is not None:
        scenario = scenario.variant(what_if)
    return scenario
