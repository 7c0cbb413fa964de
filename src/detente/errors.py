"""Errors a person can act on.

Every error that reaches the user names the file, the line, the column and the field path, in the
form ``FILE:LINE:COL: path.to.field: message``; the CLI prints each as ``detente: error: ...`` and
exits with code 2.  Engines raise :class:`DetenteError` subclasses, never bare exceptions, for
anything caused by the input.

A :class:`ScenarioWarning` has the same form for something that is not wrong but probably not
meant (a judgment nothing reads, a red line every outcome meets): it is collected, never raised;
the CLI prints each as ``detente: warning: ...`` and the exit code does not change.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "DetenteError",
    "Diagnostic",
    "InputError",
    "ProblemTooLarge",
    "ScenarioError",
    "ScenarioWarning",
    "did_you_mean",
    "printable",
]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in an input file.

    Attributes
    ----------
    message : str
        What is wrong, in plain words (with a "did you mean" hint where one helps).
    path : str
        Dotted path of the field (``actors.UKR.no_deal.cost``); empty for the whole file.
    file : str or None
        The file's name as the user gave it.
    line, column : int or None
        1-based position of the field in the file, when known.
    """

    message: str
    path: str = ""
    file: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = []
        if self.file is not None:
            where.append(self.file)
            if self.line is not None:
                where.append(str(self.line))
                if self.column is not None:
                    where.append(str(self.column))
        head = ":".join(where)
        parts = [p for p in (head, self.path) if p]
        return ": ".join([*parts, self.message])


@dataclass(frozen=True, slots=True)
class ScenarioWarning(Diagnostic):
    """Something in a scenario that is valid but probably not what its author meant.

    Printed like a :class:`Diagnostic` (``FILE:LINE:COL: path: message``).  It is not a Python
    warning category: detente collects warnings (:mod:`detente.scenario.warnings`,
    :mod:`detente.readiness.warnings`) and the faces show them; nothing raises or filters them.
    """

    def to_dict(self) -> dict[str, str | int | None]:
        """``{"file", "line", "column", "path", "message"}`` (the ``warnings`` of ``--json``)."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": self.path,
            "message": self.message,
        }

    @classmethod
    def of(cls, diagnostic: Diagnostic) -> ScenarioWarning:
        """The warning with a diagnostic's message and position."""
        d = diagnostic
        return cls(d.message, d.path, d.file, d.line, d.column)


class DetenteError(Exception):
    """Base class of every error caused by the user's input; the CLI exits with code 2."""

    def diagnostics(self) -> list[Diagnostic]:
        """The individual problems, one line each when printed."""
        return [Diagnostic(str(self))]


class InputError(DetenteError):
    """A single problem with an input (a file, an option, a value)."""

    def __init__(
        self,
        message: str,
        *,
        path: str = "",
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.diagnostic = Diagnostic(message, path, file, line, column)
        super().__init__(str(self.diagnostic))

    def diagnostics(self) -> list[Diagnostic]:
        return [self.diagnostic]


class ScenarioError(DetenteError):
    """All the problems found in one or more scenario files, reported at once."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self._diagnostics = list(diagnostics)
        super().__init__("\n".join(str(d) for d in self._diagnostics))

    def diagnostics(self) -> list[Diagnostic]:
        return list(self._diagnostics)


class ProblemTooLarge(InputError):
    """A problem whose size would exhaust memory or time; refused before anything is allocated."""


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ``" (did you mean 'x'?)"`` suffix for the closest candidate, or ``""`` if none is close."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


#: Characters that must never reach a terminal raw: C0 and C1 controls (escape sequences clear
#: the screen, change colours or forge lines), DEL, line and paragraph separators, and the
#: bidirectional overrides and isolates that reorder what is shown ("Trojan source").
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_KEEP_LINES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, keep_lines: bool = False) -> str:
    """``text`` with every control character escaped (``\\x1b``, ``\\u202e``), safe to print.

    Parameters
    ----------
    text : str
        Text that may come from a user's file or command line.
    keep_lines : bool
        Keep line breaks and tabs (for multi-line output); otherwise they are escaped too, so
        that one error stays one line.
    """
    pattern = _UNSAFE_KEEP_LINES if keep_lines else _UNSAFE
    return pattern.sub(_escape, text)
