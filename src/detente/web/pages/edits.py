"""Edits the workbench makes to a scenario file's text on the analyst's behalf.

:func:`add_what_if` writes a what-if panel's settings into the file as a new entry of
``what_ifs``, touching nothing else: the entry goes after the last line of the ``what_ifs`` block
(before any comment that opens the next top-level key), indented like its siblings, or at the end
of the file in a new ``what_ifs`` block.  Comments, order and formatting of the rest are kept, so
the new version's diff is the entry alone.  The caller validates the result with the loader.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from detente.errors import InputError

__all__ = ["WHAT_IF_NAME", "add_what_if", "yaml_scalar"]

#: A what-if's name in the file: a plain YAML key that needs no quoting.
WHAT_IF_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_PLAIN_PATH = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


def yaml_scalar(value: float | bool | str) -> str:
    """A value written as YAML 1.2 reads it back: ``true``, ``0.25``, ``"option"``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number):
            raise InputError(f"{value!r} is not a finite number", path="changes")
        if number == int(number) and abs(number) < 1e15:
            return str(int(number))
        return repr(number)
    return _double_quoted(str(value))


def _printable(c: int) -> bool:
    """Whether YAML 1.2 allows a character as it is in a double-quoted scalar (§5.1)."""
    return (
        0x20 <= c <= 0x7E
        or 0xA0 <= c <= 0xD7FF
        or (0xE000 <= c <= 0xFFFD and c != 0xFEFF)
        or 0x10000 <= c <= 0x10FFFF
    )


def _double_quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar: quotes and backslashes escaped, and every
    character YAML does not print as it is written as an escape (``\\n``, ``\\x7f``, ...)."""
    out = []
    for ch in text:
        c = ord(ch)
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif _printable(c):
            out.append(ch)
        elif c <= 0xFF:
            out.append(f"\\x{c:02x}")
        elif c <= 0xFFFF:
            out.append(f"\\u{c:04x}")
        else:
            out.append(f"\\U{c:08x}")
    return '"' + "".join(out) + '"'


def _key(path: str) -> str:
    return path if _PLAIN_PATH.match(path) else _double_quoted(path)


def _entry(
    name: str, label: str, changes: Mapping[str, float | bool | str], indent: int, step: int
) -> list[str]:
    pad, inner, leaf = " " * indent, " " * (indent + step), " " * (indent + 2 * step)
    lines = [f"{pad}{name}:", f"{inner}label: {yaml_scalar(label)}", f"{inner}set:"]
    lines += [f"{leaf}{_key(p)}: {yaml_scalar(v)}" for p, v in changes.items()]
    return lines


def _top_level_lines(lines: list[str]) -> list[int]:
    """Indexes of the lines that open a top-level key (column 1, not a comment)."""
    return [
        i
        for i, line in enumerate(lines)
        if line[:1] not in ("", " ", "\t", "#", "-") and not line.startswith(("---", "..."))
    ]


def add_what_if(
    text: str, *, name: str, label: str, changes: Mapping[str, float | bool | str]
) -> str:
    """``text`` with a new what-if ``name`` that sets ``changes``, labelled ``label``.

    Raises
    ------
    detente.errors.InputError
        A bad name, an empty label or change set, a what-if of that name already in the file,
        or a ``what_ifs`` section written in flow style (``{...}``), which this does not edit.
    """
    from detente.scenario.yamlio import read_yaml_text

    if not WHAT_IF_NAME.match(name):
        raise InputError(
            f"a what-if's name is lower-case letters, digits, '-' and '_' (up to 64), "
            f"starting with a letter or digit; not {name!r}",
            path="name",
        )
    if not label.strip():
        raise InputError("give the what-if a label (what it supposes, in words)", path="label")
    if not changes:
        raise InputError("no judgment is changed: move a slider or a switch first", path="changes")
    located = read_yaml_text(text, filename="scenario.yaml")
    data = located.data if isinstance(located.data, dict) else {}
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines()
    existing = data.get("what_ifs")
    if "what_ifs" not in data or existing is None or existing == {}:
        return _new_block(
            text, lines, located.keys.get(("what_ifs",)), newline, name, label, changes
        )
    if not isinstance(existing, dict):
        raise InputError("what_ifs is not a mapping of what-ifs", path="what_ifs")
    if name in existing:
        raise InputError(f"the file has a what-if named '{name}' already", path="name")
    key_line = located.keys[("what_ifs",)][0]  # 1-based
    first = next(iter(existing))
    entry_line, entry_col = located.keys[("what_ifs", first)]
    if entry_line == key_line:
        raise InputError(
            "the file writes what_ifs in flow style ({...}); add the what-if in the editor",
            path="what_ifs",
        )
    end = next((i for i in _top_level_lines(lines) if i >= key_line), len(lines))
    while end > key_line and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1  # blank lines and the next key's comments stay with the next key
    indent = entry_col - 1
    step = indent if indent > 0 else 2
    out = [*lines[:end], *_entry(name, label, changes, indent, step), *lines[end:]]
    return newline.join(out) + newline


def _new_block(
    text: str,
    lines: list[str],
    key: tuple[int, int] | None,
    newline: str,
    name: str,
    label: str,
    changes: Mapping[str, float | bool | str],
) -> str:
    """A ``what_ifs`` block with one entry: in place of an empty ``what_ifs:`` line, or at the
    end of the file."""
    block = ["what_ifs:", *_entry(name, label, changes, 2, 2)]
    if key is not None:  # ``what_ifs:`` with nothing, ``~`` or ``{}`` on its line
        i = key[0] - 1
        return newline.join([*lines[:i], *block, *lines[i + 1 :]]) + newline
    body = text if text.endswith(("\n", "\r")) or not text else text + newline
    return body + newline + newline.join(block) + newline
