"""Load and validate a scenario file: every problem of a file at once, each with its line.

``load(path)`` reads the YAML safely (:mod:`detente.scenario.yamlio`), validates the shape with the
pydantic model (:mod:`detente.scenario.model`), then the whole-file rules
(:mod:`detente.scenario.validate`).  Every problem becomes a
:class:`~detente.errors.Diagnostic` ``FILE:LINE:COL: path.to.field: message``; they are raised
together as one :class:`~detente.errors.ScenarioError`.

:func:`load_with_source` and :func:`loads_with_source` also return what the YAML reader found
(:class:`~detente.scenario.yamlio.Located`: every field's line and column), so that warnings
found after loading (:mod:`detente.scenario.warnings`) point at the right line without reading
the file again.
"""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from detente.errors import Diagnostic, ScenarioError, did_you_mean
from detente.scenario._frozen import FrozenDict
from detente.scenario.model import Scenario
from detente.scenario.validate import check_scenario
from detente.scenario.yamlio import Loc, Located, format_loc, read_yaml, read_yaml_text

__all__ = [
    "MAX_ENTITIES",
    "load",
    "load_with_source",
    "loads",
    "loads_with_source",
    "position_in_file",
]

#: Refuse files with more actors or issues than this (before validating them).
MAX_ENTITIES = 10_000


def load(path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    Parameters
    ----------
    path : str or Path
        A YAML file in the scenario format (docs/format.md), or a file holding only
        ``detente``, ``id``, ``title`` and ``strategy``.

    Returns
    -------
    Scenario
        The immutable, validated scenario with its expressions compiled.

    Raises
    ------
    detente.errors.ScenarioError
        Every problem found, each as ``FILE:LINE:COL: path: message``.
    """
    return build(read_yaml(path, partial=True))


def loads(text: str, *, filename: str = "<string>") -> Scenario:
    """Like :func:`load`, from YAML text; ``filename`` is used in messages."""
    return build(read_yaml_text(text, filename=filename, partial=True))


def load_with_source(path: str | Path) -> tuple[Scenario, Located]:
    """Like :func:`load`, and the positions of the file's fields (for later warnings)."""
    located = read_yaml(path, partial=True)
    return build(located), located


def loads_with_source(text: str, *, filename: str = "<string>") -> tuple[Scenario, Located]:
    """Like :func:`loads`, and the positions of the text's fields (for later warnings)."""
    located = read_yaml_text(text, filename=filename, partial=True)
    return build(located), located


def build(located: Located) -> Scenario:
    """Validate data read by :mod:`detente.scenario.yamlio` into a :class:`Scenario`.

    Every problem is collected before anything is raised: the YAML reader's (duplicate keys,
    custom tags, numbers too large), the model's (shape, types, ranges) and the whole-file rules
    (references, expressions, paths), each once, in file order.
    """
    data = located.data
    reading = list(located.errors)
    if not isinstance(data, dict):
        if reading and located.covers(()):
            raise ScenarioError(reading)
        raise ScenarioError(
            [
                *reading,
                located.diagnostic(
                    (),
                    ("a scenario file is a mapping with at least 'detente: 1', 'id' and 'title'"),
                ),
            ]
        )
    for section in ("actors", "issues"):
        block = data.get(section)
        if isinstance(block, dict) and len(block) > MAX_ENTITIES:
            raise ScenarioError(
                [
                    located.diagnostic(
                        (section,),
                        (f"{len(block):,} {section}; more than {MAX_ENTITIES:,} are refused"),
                    )
                ]
            )
    diags: list[Diagnostic] = []
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        diags = _pydantic_diagnostics(exc, located)
        repaired = _without_errors(data, exc, located)
        if repaired is None:
            raise ScenarioError(_sorted(_dedupe([*reading, *diags]))) from None
        scenario, data, removed, sections = repaired
        # Report the whole-file problems of what did validate too, except echoes of the removals.
        for loc, msg, col in check_scenario(scenario, data, invalid=sections):
            if not located.covers(loc) and not any(f"'{name}'" in msg for name in removed):
                diags.append(located.diagnostic(loc, msg, column_offset=col))
        raise ScenarioError(_sorted(_dedupe([*reading, *diags]))) from None
    problems = check_scenario(scenario, data)
    diags = [
        located.diagnostic(loc, msg, column_offset=col)
        for loc, msg, col in problems
        if not located.covers(loc)
    ]
    if reading or diags:
        raise ScenarioError(_sorted(_dedupe([*reading, *diags])))
    update: dict[str, Any] = {}
    if any(
        a.date < b.date for a, b in zip(scenario.statements[1:], scenario.statements, strict=False)
    ):
        update["statements"] = tuple(sorted(scenario.statements, key=lambda s: s.date))
    if any(a.date < b.date for a, b in zip(scenario.timeline[1:], scenario.timeline, strict=False)):
        update["timeline"] = tuple(sorted(scenario.timeline, key=lambda e: e.date))
    if update:
        scenario = scenario.model_copy(update=update)
    scenario._filename = located.filename
    return scenario


_PLACEHOLDERS: dict[str, Any] = {"detente": 1, "id": "x", "title": "x"}


def _without_errors(
    data: dict[str, Any], exc: ValidationError, located: Located
) -> tuple[Scenario, dict[str, Any], set[str], frozenset[str]] | None:
    """The data with every entry that failed validation removed, validated, for further checks.

    Returns the scenario, the pruned data, the ids of removed actors, issues, facts and
    sources (so that "unknown id" echoes of a removal are not reported) and the top-level
    sections that were removed whole or lost an entry (so that "needs 'actors'" or "at least
    two vetoes" are not reported for a section that is there but broken), or ``None`` if
    pruning does not give a valid scenario within a few rounds.
    """
    import copy

    pruned = copy.deepcopy(data)
    removed: set[str] = set()
    sections: set[str] = set()
    error: ValidationError | None = exc
    for _ in range(5):
        assert error is not None
        for err in error.errors():
            loc = _clean_loc(tuple(err["loc"]), located)
            if err["type"] == "missing":
                if len(loc) == 1 and loc[0] in _PLACEHOLDERS:
                    pruned[str(loc[0])] = _PLACEHOLDERS[str(loc[0])]
                    continue
                loc = loc[:-1]  # drop the entry that lacks a required key
            if err["type"] != "extra_forbidden" and len(loc) > 2 and loc[0] == "actors":
                loc = loc[:3]  # a bad value inside an actor: drop that field of the actor
            _delete(pruned, loc)
            if len(loc) == 2 and isinstance(loc[1], str):
                removed.add(loc[1])
                if loc[0] == "actors":  # "at least two vetoes" would be an echo of the removal
                    sections.add("actors")
            elif len(loc) == 1:
                sections.add(str(loc[0]))
        try:
            return Scenario.model_validate(pruned), pruned, removed, frozenset(sections)
        except ValidationError as again:
            error = again
    return None


_MISSING = object()


def _child(node: Any, part: str | int) -> Any:
    """``node[part]`` for a dict key or a list index, or ``_MISSING``."""
    if isinstance(node, dict):
        return node.get(part, _MISSING)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return _MISSING


def _delete(data: Any, loc: Loc) -> None:
    node = data
    for part in loc[:-1]:
        node = _child(node, part)
        if node is _MISSING:
            return
    if not loc:
        return
    last = loc[-1]
    if isinstance(node, dict):
        node.pop(last, None)
    elif _child(node, last) is not _MISSING:
        del node[int(last)]


def _sorted(diags: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(diags, key=lambda d: (d.line or 0, d.column or 0))


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[str] = set()
    out = []
    for d in diags:
        if str(d) not in seen:
            seen.add(str(d))
            out.append(d)
    return out


# --- pydantic errors -> diagnostics -------------------------------------------------------------


def _unwrap(tp: Any) -> list[Any]:
    """The concrete alternatives of an annotation (Optional/Union/Annotated removed)."""
    origin = get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(get_args(tp)[0])
    if origin in (Union, types.UnionType):
        out: list[Any] = []
        for arg in get_args(tp):
            if arg is not type(None):
                out.extend(_unwrap(arg))
        return out
    return [tp]


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """The pydantic model class describing the mapping at ``loc`` (for key suggestions)."""
    current: list[Any] = [Scenario]
    for part in loc:
        nxt: list[Any] = []
        for tp in current:
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                field = tp.model_fields.get(str(part))
                if field is not None:
                    nxt.extend(_unwrap(field.annotation))
            else:
                origin = get_origin(tp)
                args = get_args(tp)
                if origin in (dict, FrozenDict) and len(args) == 2:
                    nxt.extend(_unwrap(args[1]))
                elif origin in (tuple, list) and args:
                    nxt.extend(_unwrap(args[0]))
        current = nxt
        if not current:
            return None
    for tp in current:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return tp
    return None


def _clean_loc(loc: tuple[Any, ...], located: Located) -> Loc:
    """Keep the parts of a pydantic ``loc`` that are real keys (drop union/validator tags)."""
    out: list[str | int] = []
    node: Any = located.data
    for part in loc:
        child = _child(node, part)
        if child is not _MISSING:
            out.append(part)
            node = child
        elif isinstance(part, str) and ("[" in part or part in ("float", "str", "int", "bool")):
            continue  # pydantic's name for a union member or a validator
        else:
            out.append(part)
            node = None
    return tuple(out)


def _message(err: Any, loc: Loc) -> tuple[str, bool]:
    kind = err["type"]
    msg = str(err["msg"])
    if kind == "extra_forbidden":
        key = str(loc[-1])
        model = _model_at(loc[:-1])
        fields = [f.alias or k for k, f in model.model_fields.items()] if model is not None else []
        allowed = f"; allowed: {', '.join(fields)}" if fields else ""
        return f"unknown key '{key}'{did_you_mean(key, fields)}{allowed}", True
    if kind == "missing":
        return f"missing required key '{loc[-1]}'", True
    if kind == "literal_error":
        expected = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
        given = err.get("input")
        hint = did_you_mean(str(given), expected) if isinstance(given, str) else ""
        return f"{given!r} is not one of {', '.join(expected)}{hint}", False
    if kind == "string_pattern_mismatch":
        return f"{err.get('input')!r} is not a valid id ({_pattern_help(loc)})", False
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return msg[0].lower() + msg[1:] if msg else kind, False


def _pattern_help(loc: Loc) -> str:
    if loc == ("id",):
        return "use lowercase letters, digits and '-'"
    return "a letter, then letters, digits or '_'"


def _holds_unread(value: Any, loc: Loc, located: Located) -> bool:
    """Whether ``value`` (the input at ``loc``) holds a value the reader could not read.

    Such a value is ``None`` in the data; a validator of an enclosing mapping or list (a
    distribution's parameters, say) would report it again as "got None".
    """
    for path in located.error_paths:
        if len(path) <= len(loc) or path[: len(loc)] != loc:
            continue
        node = value
        for part in path[len(loc) :]:
            node = _child(node, part)
        if node is None:
            return True
    return False


def _pydantic_diagnostics(exc: ValidationError, located: Located) -> list[Diagnostic]:
    diags: list[Diagnostic] = []
    for err in exc.errors():
        loc = _clean_loc(tuple(err["loc"]), located)
        if located.covers(loc) or _holds_unread(err.get("input"), loc, located):
            continue  # the reader already reported this value (a custom tag, a huge number)
        message, at_key = _message(err, loc)
        if err["type"] == "missing":
            diag = located.diagnostic(loc[:-1], message)
            diag = Diagnostic(diag.message, format_loc(loc), diag.file, diag.line, diag.column)
        else:
            diag = located.diagnostic(loc, message, prefer_key=at_key)
        diags.append(diag)
    return _dedupe(diags)


def position_in_file(scenario: Scenario, loc: Loc) -> tuple[int | None, int | None]:
    """1-based (line, column) of a field in the scenario's file, re-read for the purpose.

    The model does not keep positions; errors found after loading (a what-if name given on the
    command line, a rule an engine cannot use) re-read the file to point at the right line.
    """
    name = scenario.filename
    if not name or not Path(name).is_file():
        return None, None
    try:
        _, pos = read_yaml(name).position(loc, prefer_key=True)
    except ScenarioError:  # the file changed since it was loaded: no position rather than none
        return None, None
    return (pos[0], pos[1]) if pos is not None else (None, None)
