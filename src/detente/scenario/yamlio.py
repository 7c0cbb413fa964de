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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from detente.errors import Diagnostic, ScenarioError

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "Loc", "Located", "read_yaml", "read_yaml_text"]

MAX_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 50
#: Bound on constructed values, so that an alias "bomb" is refused instead of exhausting memory.
MAX_NODES = 2_000_000

Loc = tuple[str | int, ...]

_STD = "tag:yaml.org,2002:"

try:
    import _ruamel_yaml  # noqa: F401  (the C extension of ruamel.yaml.clib)

    _HAVE_CLIB = True
except ImportError:  # pragma: no cover - pure Python fallback
    _HAVE_CLIB = False
_INT_RE = re.compile(r"^[-+]?(0|[1-9][0-9_]*|0[0-9_]+)$")


@dataclass
class Located:
    """Plain data read from a YAML file plus the position of every value and key.

    Attributes
    ----------
    data : Any
        Plain dicts, lists, str, int, float, bool, None, ``datetime.date``.
    filename : str
        The file's name as given by the user (used in messages).
    values, keys : dict
        1-based ``(line, column)`` of the value (resp. the mapping key) at each path.
    quoted : set
        Paths whose scalar value was quoted in the file (expression columns shift by one).
    """

    data: Any
    filename: str
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    quoted: set[Loc] = field(default_factory=set)

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


def format_loc(loc: Loc) -> str:
    """``("actors", "UKR", "red_lines", 0, "rule")`` -> ``actors.UKR.red_lines.0.rule``."""
    return ".".join(str(p) for p in loc)


def read_yaml(path: str | Path) -> Located:
    """Read a YAML file (refusing files over :data:`MAX_BYTES` before reading them)."""
    p = Path(path)
    name = str(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise ScenarioError([Diagnostic("no such file", file=name)]) from None
    except OSError as exc:
        raise ScenarioError([Diagnostic(f"cannot read: {exc.strerror}", file=name)]) from None
    if p.is_dir():
        raise ScenarioError([Diagnostic("is a directory, not a scenario file", file=name)])
    if size > MAX_BYTES:
        raise ScenarioError(
            [
                Diagnostic(
                    f"file is {size / 2**20:.1f} MiB; scenario files over 10 MiB are refused",
                    file=name,
                )
            ]
        )
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError([Diagnostic(f"not UTF-8 text ({exc.reason})", file=name)]) from None
    return read_yaml_text(text, filename=name)


def read_yaml_text(text: str, *, filename: str = "<string>") -> Located:
    """Compose ``text`` and build plain data with positions; YAML errors become diagnostics."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise ScenarioError([Diagnostic("text over 10 MiB is refused", file=filename)])
    # The C composer (ruamel.yaml.clib) is ten times faster than the pure one; both give positions.
    yaml = YAML(typ="safe", pure=not _HAVE_CLIB)
    yaml.version = (1, 2)
    try:
        root = yaml.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        msg = " ".join(str(x) for x in (exc.context, exc.problem) if x) or "invalid YAML"
        line = mark.line + 1 if mark is not None else None
        col = mark.column + 1 if mark is not None else None
        raise ScenarioError([Diagnostic(f"invalid YAML: {msg}", "", filename, line, col)]) from None
    except YAMLError as exc:
        raise ScenarioError([Diagnostic(f"invalid YAML: {exc}", file=filename)]) from None
    except RecursionError:
        raise ScenarioError(
            [Diagnostic(f"nesting deeper than {MAX_DEPTH} levels is refused", file=filename)]
        ) from None
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
    if builder.errors:
        raise ScenarioError(builder.errors)
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

    def _error(self, node: Node, loc: Loc, message: str) -> None:
        line, col = self._pos(node)
        self.errors.append(Diagnostic(message, format_loc(loc), self.located.filename, line, col))

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
                        self._error(src, loc, "a merge key (<<) needs a mapping")
                continue
            if not isinstance(key_node, ScalarNode):
                self._error(key_node, loc, "mapping keys must be plain scalars")
                continue
            key = key_node.value if key_node.style else self._scalar(key_node, loc, _tag(key_node))
            key = key if isinstance(key, str | int) else str(key_node.value)
            if key in out:
                self._error(key_node, (*loc, key), f"duplicate key {key!r}")
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
        except ValueError as exc:
            self._error(node, loc, f"cannot read {text!r} as {kind}: {exc}")
            return None
        self._error(node, loc, f"YAML type {tag!r} is not allowed")
        return None


def _to_int(text: str) -> int:
    t = text.replace("_", "")
    if t.lower().startswith(("0x", "-0x", "+0x")):
        return int(t, 16)
    if t.lower().startswith(("0o", "-0o", "+0o")):
        return int(t, 8)
    if _INT_RE.match(t):
        return int(t, 10)
    return int(t, 0)


def _to_float(text: str) -> float:
    t = text.replace("_", "").lower()
    if t in (".inf", "+.inf"):
        return math.inf
    if t == "-.inf":
        return -math.inf
    if t == ".nan":
        return math.nan
    return float(t)


def _to_date(text: str) -> dt.date | dt.datetime:
    t = text.strip()
    if len(t) == 10:
        return dt.date.fromisoformat(t)
    return dt.datetime.fromisoformat(t.replace("t", "T").replace(" ", "T", 1))
