"""Reading YAML safely, keeping where every value stands in the file.

The document is *composed* by ruamel.yaml (a node graph with positions) and then built into plain
Python data by this module, so that nothing but the standard YAML 1.2 types can be constructed:
anchors, aliases and merge keys (``<<``) work; custom tags are refused.  Alongside the data we keep
a map from each path (a tuple of keys and list indexes) to the 1-based line and column of its value
and of its key, which the loader uses to report ``FILE:LINE:COL: path: message``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from detente._files import read_bounded
from detente.errors import Diagnostic, InputError, ScenarioError
from detente.scenario.limits import (
    MAX_FILE_BYTES,
    MAX_NUMBER_DIGITS,
    MAX_YAML_DEPTH,
    MAX_YAML_VALUES,
    READ_TIMEOUT,
)

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "Loc", "Located", "read_yaml", "read_yaml_text"]

MAX_BYTES = MAX_FILE_BYTES
MAX_DEPTH = MAX_YAML_DEPTH
MAX_NODES = MAX_YAML_VALUES

Loc = tuple[str | int, ...]

_STD = "tag:yaml.org,2002:"

try:
    import _ruamel_yaml  # noqa: F401  (the C extension of ruamel.yaml.clib)

    _HAVE_CLIB = True
except ImportError:  # pragma: no cover - pure Python fallback
    _HAVE_CLIB = False
_INT_RE = re.compile(r"^[-+]?(0|[1-9][0-9_]*|0[0-9_]+)$")
#: Characters YAML 1.2 does not allow in a document (section 5.1, "c-printable"); refused with
#: their position before the parser sees them (the parser's own message has no line or column).
#: Control characters (and bidirectional overrides) that no key may hold, even escaped.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NOT_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


@dataclass
class Located:
    """Plain data read from a YAML file plus the position of every value and key.

    Attributes
    ----------
    data : Any
        Plain dicts (keys are always text), lists, str, int, float, bool, None,
        ``datetime.date``.
    filename : str
        The file's name as given by the user (used in messages).
    values, keys : dict
        1-based ``(line, column)`` of the value (resp. the mapping key) at each path.
    quoted : set
        Paths whose scalar value was quoted in the file (expression columns shift by one).
    errors : list of Diagnostic
        Problems found while building the data (duplicate keys, custom tags, unreadable scalars)
        when read with ``partial=True``; the value at such a path is left out or ``None``.
    error_paths : set
        The paths of those problems (so that the loader does not report their echoes).
    """

    data: Any
    filename: str
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    quoted: set[Loc] = field(default_factory=set)
    errors: list[Diagnostic] = field(default_factory=list)
    error_paths: set[Loc] = field(default_factory=set)

    def position(self, loc: Loc, *, prefer_key: bool = False) -> tuple[Loc, tuple[int, int] | None]:
        """The longest known prefix of ``loc`` and its position (key or value)."""
        for n in range(len(loc), -1, -1):
            prefix = loc[:n]
            first, second = (self.keys, self.values) if prefer_key else (self.values, self.keys)
            pos = first.get(prefix) or second.get(prefix)
            if pos is not None:
                return prefix, pos
        return (), None

    def diagnostic(
        self, loc: Loc, message: str, *, prefer_key: bool = False, column_offset: int | None = None
    ) -> Diagnostic:
        """A diagnostic at ``loc``; ``column_offset`` (1-based) points inside a scalar's text."""
        prefix, pos = self.position(loc, prefer_key=prefer_key)
        line = column = None
        if pos is not None:
            line, column = pos
            if column_offset is not None and prefix == loc:
                column += column_offset - 1 + (1 if loc in self.quoted else 0)
        return Diagnostic(message, format_loc(loc), self.filename, line, column)

    def covers(self, loc: Loc) -> bool:
        """Whether ``loc`` lies at or under a path that already has a reading problem."""
        return any(loc[: len(p)] == p for p in self.error_paths)


def format_loc(loc: Loc) -> str:
    """``("actors", "UKR", "red_lines", 0, "rule")`` -> ``actors.UKR.red_lines.0.rule``."""
    return ".".join(str(p) for p in loc)


def read_yaml(path: str | Path, *, partial: bool = False) -> Located:
    """Read a YAML file: at most :data:`~detente.scenario.limits.MAX_FILE_BYTES` bytes.

    Any input is read within bounds (a regular file over the limit is refused before it is
    read; a pipe or device is cut at the limit and after
    :data:`~detente.scenario.limits.READ_TIMEOUT` seconds).
    """
    name = str(path)
    try:
        raw = read_bounded(path, limit=MAX_FILE_BYTES, timeout=READ_TIMEOUT, what="scenario files")
    except InputError as exc:
        raise ScenarioError(exc.diagnostics()) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = len(raw[raw.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8", "replace"))
        raise ScenarioError(
            [Diagnostic(f"not UTF-8 text ({exc.reason})", "", name, line, column + 1)]
        ) from None
    return read_yaml_text(text, filename=name, partial=partial)


def _yaml() -> YAML:
    # The C parser (ruamel.yaml.clib) is ten times faster than the pure one; both give positions.
    yaml = YAML(typ="safe", pure=not _HAVE_CLIB)
    yaml.version = (1, 2)
    return yaml


@contextmanager
def _yaml_errors(filename: str) -> Iterator[None]:
    """Turn the YAML library's errors into one diagnostic with its line and column."""
    try:
        yield
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        msg = " ".join(str(x) for x in (exc.context, exc.problem) if x) or "invalid YAML"
        line = mark.line + 1 if mark is not None else None
        col = mark.column + 1 if mark is not None else None
        raise ScenarioError([Diagnostic(f"invalid YAML: {msg}", "", filename, line, col)]) from None
    except ReaderError as exc:
        raise ScenarioError([Diagnostic(f"invalid YAML: {exc.reason}", file=filename)]) from None
    except YAMLError as exc:
        first = str(exc).strip().splitlines()
        message = first[0] if first else type(exc).__name__
        raise ScenarioError([Diagnostic(f"invalid YAML: {message}", file=filename)]) from None
    except RecursionError:
        raise ScenarioError(
            [Diagnostic(f"nesting deeper than {MAX_DEPTH} levels is refused", file=filename)]
        ) from None


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _check_characters(text: str, filename: str) -> None:
    bad = _NOT_PRINTABLE.search(text)
    if bad is not None:
        line, column = _line_column(text, bad.start())
        code = ord(bad.group())
        raise ScenarioError(
            [
                Diagnostic(
                    f"character U+{code:04X} is not allowed in a YAML file (control characters "
                    'can only be written as escapes in double quotes, e.g. "\\t")',
                    "",
                    filename,
                    line,
                    column,
                )
            ]
        )


def _check_depth(text: str, filename: str) -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH` from the parser's events, before composing.

    The composer (C or Python) recurses once per level; 30,000 levels overflow the C stack and
    crash the process, so the depth is counted on the flat event stream first.
    """
    depth = 0
    with _yaml_errors(filename):
        for event in _yaml().parse(text):
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    raise ScenarioError(
                        [
                            Diagnostic(
                                f"nesting deeper than {MAX_DEPTH} levels is refused",
                                "",
                                filename,
                                mark.line + 1,
                                mark.column + 1,
                            )
                        ]
                    )
            elif isinstance(event, CollectionEndEvent):
                depth -= 1


def read_yaml_text(text: str, *, filename: str = "<string>", partial: bool = False) -> Located:
    """Compose ``text`` and build plain data with positions; YAML errors become diagnostics.

    With ``partial=True`` the problems of single values (duplicate keys, custom tags, values
    that cannot be read) are returned in :attr:`Located.errors` with the rest of the data, so
    that the loader can report them together with every other problem of the file; otherwise
    they are raised.
    """
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise ScenarioError(
            [Diagnostic(f"text over {MAX_BYTES >> 20} MiB is refused", file=filename)]
        )
    _check_characters(text, filename)
    _check_depth(text, filename)
    with _yaml_errors(filename):
        root = _yaml().compose(text)
    located = Located(data=None, filename=filename)
    if root is None:
        located.data = None
        return located
    size = _expanded_size(root, {}, 0)
    if size > MAX_NODES:
        raise ScenarioError(
            [
                Diagnostic(
                    f"the document expands to {size:,} values through aliases; more than "
                    f"{MAX_NODES:,} are refused",
                    file=filename,
                )
            ]
        )
    builder = _Builder(located)
    located.data = builder.build(root, (), 0)
    if builder.errors and not partial:
        raise ScenarioError(builder.errors)
    located.errors = builder.errors
    return located


def _expanded_size(node: Node, memo: dict[int, int], depth: int) -> int:
    """How many values the node stands for once aliases are expanded (memoised per node)."""
    known = memo.get(id(node))
    if known is not None:
        return known
    if depth > MAX_DEPTH:
        return 1  # the builder reports the depth with its position
    size = 1
    if isinstance(node, MappingNode):
        size += sum(_expanded_size(v, memo, depth + 1) for _, v in node.value)
    elif isinstance(node, SequenceNode):
        size += sum(_expanded_size(v, memo, depth + 1) for v in node.value)
    memo[id(node)] = size
    return size


def _tag(node: Node) -> str:
    tag = node.tag
    return tag if isinstance(tag, str) else str(getattr(tag, "value", tag))


class _Builder:
    def __init__(self, located: Located) -> None:
        self.located = located
        self.errors: list[Diagnostic] = []
        self.count = 0

    def _pos(self, node: Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def _error(self, node: Node, loc: Loc, message: str, *, dropped: bool = True) -> None:
        """Record a problem; ``dropped``: the value at ``loc`` is left out (``None``)."""
        line, col = self._pos(node)
        self.errors.append(Diagnostic(message, format_loc(loc), self.located.filename, line, col))
        if dropped:
            self.located.error_paths.add(loc)

    def build(self, node: Node, loc: Loc, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise ScenarioError(
                [
                    Diagnostic(
                        f"more than {MAX_NODES:,} values (an alias bomb?); refused",
                        file=self.located.filename,
                    )
                ]
            )
        if depth > MAX_DEPTH:
            raise ScenarioError(
                [
                    Diagnostic(
                        f"nesting deeper than {MAX_DEPTH} levels is refused",
                        format_loc(loc),
                        self.located.filename,
                        *self._pos(node),
                    )
                ]
            )
        self.located.values.setdefault(loc, self._pos(node))
        tag = _tag(node)
        if isinstance(node, MappingNode):
            if tag not in (_STD + "map", "?"):
                self._error(node, loc, f"custom YAML tag {tag!r} is not allowed")
                return None
            return self._mapping(node, loc, depth)
        if isinstance(node, SequenceNode):
            if tag not in (_STD + "seq", "?"):
                self._error(node, loc, f"custom YAML tag {tag!r} is not allowed")
                return None
            return [self.build(item, (*loc, i), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        if node.style in ("'", '"'):
            self.located.quoted.add(loc)
        return self._scalar(node, loc, tag)

    def _mapping(self, node: MappingNode, loc: Loc, depth: int) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if _tag(key_node) == _STD + "merge":
                sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
                for src in sources:
                    value = self.build(src, loc, depth)
                    if isinstance(value, dict):
                        for k, v in value.items():
                            merged.setdefault(k, v)
                    else:
                        self._error(src, loc, "a merge key (<<) needs a mapping", dropped=False)
                continue
            if not isinstance(key_node, ScalarNode):
                self._error(key_node, loc, "mapping keys must be plain scalars", dropped=False)
                continue
            # Keys are names (ids, paths, kinds): always their text, so that `1` and `true` are
            # two keys, not the int 1 and the bool True, which Python takes for equal.
            key: str = key_node.value
            bad = _CONTROL.search(key)
            if bad is not None:  # keys are ids and paths: printed everywhere, never prose
                self._error(
                    key_node,
                    loc,
                    f"control character U+{ord(bad.group()):04X} in a key is not allowed",
                    dropped=False,
                )
                continue
            if key in out:
                self._error(key_node, (*loc, key), f"duplicate key {key!r}", dropped=False)
                continue
            self.located.keys[(*loc, key)] = self._pos(key_node)
            out[key] = self.build(value_node, (*loc, key), depth + 1)
        for k, v in merged.items():
            out.setdefault(k, v)
        return out

    def _scalar(self, node: ScalarNode, loc: Loc, tag: str) -> Any:
        text: str = node.value
        if node.style in ("'", '"', "|", ">") and (tag in ("!", "?") or tag.startswith(_STD)):
            return text
        kind = tag[len(_STD) :] if tag.startswith(_STD) else None
        if kind is None:
            self._error(node, loc, f"custom YAML tag {tag!r} is not allowed")
            return None
        try:
            if kind == "str":
                return text
            if kind == "null":
                return None
            if kind == "bool":
                return text.lower() in ("true", "yes", "on")
            if kind == "int":
                return _to_int(text)
            if kind == "float":
                return _to_float(text)
            if kind == "timestamp":
                return _to_date(text)
        except _TooLarge as exc:
            self._error(node, loc, str(exc))
            return None
        except ValueError as exc:
            self._error(node, loc, f"cannot read {_short(text)} as {kind}: {exc}")
            return None
        self._error(node, loc, f"YAML type {tag!r} is not allowed")
        return None


class _TooLarge(ValueError):
    """A number beyond what a float holds (about 1.8e308)."""


_TOO_LARGE = f"numbers must lie between -{sys.float_info.max:.1e} and {sys.float_info.max:.1e}"


def _short(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _to_int(text: str) -> int:
    t = text.replace("_", "")
    if len(t.lstrip("+-")) > MAX_NUMBER_DIGITS:
        raise _TooLarge(f"integer of {len(t.lstrip('+-')):,} digits is too large; {_TOO_LARGE}")
    if t.lower().startswith(("0x", "-0x", "+0x")):
        value = int(t, 16)
    elif t.lower().startswith(("0o", "-0o", "+0o")):
        value = int(t, 8)
    elif _INT_RE.match(t):
        value = int(t, 10)
    else:
        value = int(t, 0)
    if abs(value) > sys.float_info.max:
        raise _TooLarge(f"integer {_short(text)} is too large; {_TOO_LARGE}")
    return value


def _to_float(text: str) -> float:
    t = text.replace("_", "").lower()
    if t in (".inf", "+.inf"):
        return math.inf
    if t == "-.inf":
        return -math.inf
    if t == ".nan":
        return math.nan
    value = float(t)
    if math.isinf(value):  # written as digits, not as .inf: beyond what a float holds
        raise _TooLarge(f"number {_short(text)} is too large; {_TOO_LARGE}")
    return value


def _to_date(text: str) -> dt.date | dt.datetime:
    t = text.strip()
    if len(t) == 10:
        return dt.date.fromisoformat(t)
    return dt.datetime.fromisoformat(t.replace("t", "T").replace(" ", "T", 1))
