"""Printing helpers shared by the commands: JSON, Rich or plain text, errors.

Everything printed may hold text from a user's file or command line, so nothing reaches the
terminal as it came: Rich never reads markup or emoji codes in it (``[/bold]``, ``[link=...]``,
``Budget [EUR]`` print as written), and control characters -- escape sequences that clear the
screen, change colours or forge a ``detente: error:`` line -- are printed escaped
(:func:`detente.errors.printable`), in plain text, in Rich output and in JSON.

Warnings (:class:`detente.errors.ScenarioWarning`) go to standard error as
``detente: warning: FILE:LINE:COL: path: message``, once, when the scenario is read
(:func:`load_scenario`), and into the ``warnings`` list of ``--json`` output
(:func:`print_json`); they never change the exit code.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

from detente._results import jsonable
from detente.errors import InputError, ScenarioWarning, printable

if TYPE_CHECKING:
    from collections.abc import Sequence

    from detente.scenario import Scenario

__all__ = [
    "console",
    "err_console",
    "load_scenario",
    "parse_date",
    "print_json",
    "print_warnings",
    "write_text",
]


class SafeConsole(Console):
    """A Rich console that takes every string as plain text with its control characters escaped.

    Markup and emoji codes are off (user text such as ``[/bold]`` would raise ``MarkupError``,
    ``[link=...]`` would emit a terminal hyperlink); style with :class:`rich.text.Text` instead.
    Strings reach Rich through :meth:`render_str` (``print``, table cells and titles), where
    control characters are escaped.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        kwargs.setdefault("emoji", False)
        kwargs.setdefault("highlight", False)
        super().__init__(**kwargs)

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(printable(text, keep_lines=True), **kwargs)


console = SafeConsole(soft_wrap=True)
err_console = SafeConsole(stderr=True)

# Characters JSON leaves raw but a terminal may act on (C0 controls are already escaped by json).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def print_json(data: Any, *, warnings: Sequence[ScenarioWarning] | None = None) -> None:
    """Write ``data`` as indented strict JSON to standard output (control characters escaped).

    With ``warnings`` (the output comes from a scenario), a mapping gets a ``warnings`` list of
    ``{"file", "line", "column", "path", "message"}`` objects.
    """
    if warnings is not None and isinstance(data, dict):
        data = {**data, "warnings": [w.to_dict() for w in warnings]}
    text = json.dumps(jsonable(data), indent=2, ensure_ascii=False, allow_nan=False)
    sys.stdout.write(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))
    sys.stdout.write("\n")


def parse_date(text: str | None, *, option: str = "--as-of") -> dt.date | None:
    """A ``YYYY-MM-DD`` option value as a date (``None`` stays ``None``)."""
    if text is None:
        return None
    from detente.scenario.limits import MAX_DATE, MIN_DATE

    try:
        date = dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"'{text}' is not a date; write it as YYYY-MM-DD (e.g. 2022-12-04)", path=option
        ) from None
    if not MIN_DATE <= date <= MAX_DATE:
        raise InputError(
            f"{date.isoformat()} is outside the supported dates {MIN_DATE.isoformat()} to "
            f"{MAX_DATE.isoformat()}",
            path=option,
        )
    return date


def write_text(text: str) -> None:
    """Plain text to standard output (through Rich only in a terminal, without markup), with
    control characters escaped."""
    if console.is_terminal:
        console.print(text, markup=False)
    else:
        sys.stdout.write(printable(text, keep_lines=True) + "\n")


def print_warnings(warnings: Sequence[ScenarioWarning]) -> None:
    """Each warning as one ``detente: warning: ...`` line on standard error."""
    for w in warnings:
        sys.stderr.write(f"detente: warning: {printable(str(w))}\n")
    sys.stderr.flush()


def scenario_warnings(
    scenario: Scenario, source: Any = None, *, as_of: dt.date | None = None
) -> tuple[ScenarioWarning, ...]:
    """The warnings of a scenario as loaded (:func:`detente.readiness.warnings`)."""
    from detente.readiness.warnings import scenario_warnings as find

    return find(scenario, source=source, as_of=as_of)


def load_scenario(
    file: Path, *, as_of: str | None = None, what_if: str | None = None
) -> tuple[Scenario, tuple[ScenarioWarning, ...]]:
    """Load a scenario file, move it to ``--as-of`` and apply ``--what-if`` (in that order).

    Returns the scenario and its warnings, which are printed here, once, on standard error;
    pass them to :func:`print_json` for ``--json`` output.
    """
    from detente.scenario.loader import load_with_source

    scenario, source = load_with_source(file)
    date = parse_date(as_of)
    warned = scenario_warnings(scenario, source, as_of=date)
    print_warnings(warned)
    if date is not None:
        scenario = scenario.at(date)
    if what_if is not None:
        scenario = scenario.variant(what_if)
    return scenario, warned
