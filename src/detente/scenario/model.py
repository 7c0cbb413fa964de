"""The typed, immutable scenario model (format version 1, docs/format.md).

The classes mirror the YAML keys one to one.  They check shape and local ranges; the rules that
need the whole file (references, expressions, paths) are checked by :mod:`detente.scenario.validate`
so that every problem of a file is reported at once, with its line.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    model_validator,
)

from detente.scenario._frozen import FrozenDict, freeze
from detente.scenario.distributions import DistributionSpec
from detente.scenario.limits import MAX_DATE, MIN_DATE
from detente.scenario.questions import Question
from detente.scenario.strategy import Strategy

if TYPE_CHECKING:
    from detente.scenario.expr import Expr

__all__ = [
    "ROLES",
    "STANCES",
    "Actor",
    "Consideration",
    "Fact",
    "Issue",
    "NoDeal",
    "Precondition",
    "RedLine",
    "Scenario",
    "Source",
    "Statement",
    "TimelineEntry",
    "WhatIf",
]

ROLES = ("party", "backer", "mediator", "stakeholder")
STANCES = ("reject", "conditional", "open", "propose", "mediate")
ID_RE = r"^[A-Za-z][A-Za-z0-9_]*$"
SCENARIO_ID_RE = r"^[a-z0-9-]+$"


def _finite_number(value: Any) -> Any:
    # YAML booleans would otherwise pass as 0/1 and NaN/inf would poison every solver.
    if isinstance(value, bool):
        raise ValueError("expected a number, got a boolean")
    if isinstance(value, int | float) and not math.isfinite(value):
        raise ValueError("expected a finite number")
    return value


def _number_or_option(value: Any) -> Any:
    if isinstance(value, str):
        return value
    return _finite_number(value)


def _strict_bool(value: Any) -> Any:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


Number = Annotated[float, BeforeValidator(_finite_number)]
Value = Annotated[float | str, BeforeValidator(_number_or_option)]
Bool = Annotated[bool, BeforeValidator(_strict_bool)]
Unit = Annotated[float, BeforeValidator(_finite_number), Field(ge=0.0, le=1.0)]
Id = Annotated[str, Field(pattern=ID_RE)]

# Control characters have no use in a scenario's text and would act on a terminal that prints it
# (escape sequences, carriage returns, bidirectional overrides); line breaks only where prose is.
_CONTROL_PROSE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CONTROL_LINE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _no_control(value: str, pattern: re.Pattern[str], where: str) -> str:
    bad = pattern.search(value)
    if bad is not None:
        raise ValueError(
            f"control character U+{ord(bad.group()):04X} at character {bad.start() + 1} is not "
            f"allowed in {where}"
        )
    return value


def _one_line(value: str) -> str:
    return _no_control(value, _CONTROL_LINE, "a name or label (one line of text)")


def _prose(value: str) -> str:
    return _no_control(value, _CONTROL_PROSE, "text (line breaks and tabs only)")


Line = Annotated[str, AfterValidator(_one_line)]
"""One line of text: a name, a label, a title, a unit."""
Prose = Annotated[str, AfterValidator(_prose)]
"""Text that may span lines: a note, a quote, a description."""
Text = Annotated[str, Field(min_length=1), AfterValidator(_one_line)]
"""A required, non-empty line of text."""
ProseText = Annotated[str, Field(min_length=1), AfterValidator(_prose)]
"""Required, non-empty prose."""


def _supported_date(value: dt.date) -> dt.date:
    # Dates feed the time-series engines (64-bit nanosecond timestamps): refuse what they cannot
    # hold at load time, with the field's line, rather than fail later in a command.
    if not MIN_DATE <= value <= MAX_DATE:
        raise ValueError(
            f"{value.isoformat()} is outside the supported dates "
            f"{MIN_DATE.isoformat()} to {MAX_DATE.isoformat()}"
        )
    return value


Date = Annotated[dt.date, AfterValidator(_supported_date)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy with ``update`` applied; mappings and lists in it become read-only.

        pydantic copies without validating, so the values of ``update`` are frozen here: a copy
        can never hold a mapping that could be changed in place.
        """
        frozen = {k: freeze(v) for k, v in update.items()} if update else None
        return super().model_copy(update=frozen, deep=deep)


class Source(_Model):
    """Where the evidence comes from."""

    title: Text
    publisher: Line | None = None
    author: Line | None = None
    date: dt.date | None = None
    url: Line | None = None
    note: Prose | None = None


class Issue(_Model):
    """What a settlement decides: a continuous ``scale`` or ordered discrete ``options``."""

    label: Text
    unit: Line | None = None
    scale: tuple[Number, Number] | None = None
    options: tuple[Text, ...] | None = None
    status_quo: Value
    description: Prose | None = None
    source: str | None = None

    @model_validator(mode="after")
    def _kind(self) -> Issue:
        if (self.scale is None) == (self.options is None):
            raise ValueError("give either 'scale: [low, high]' or 'options: [...]', not both")
        if self.scale is not None and not self.scale[0] < self.scale[1]:
            raise ValueError("scale must be [low, high] with low < high")
        if self.scale is not None and not math.isfinite(self.scale[1] - self.scale[0]):
            raise ValueError(
                "scale too wide: high - low must be a finite number (at most about 1.8e308)"
            )
        if self.options is not None:
            if len(self.options) < 2:
                raise ValueError("an option issue needs at least two options")
            if len(set(self.options)) != len(self.options):
                raise ValueError("options must be distinct")
        return self

    @property
    def is_scale(self) -> bool:
        return self.scale is not None

    @property
    def n_options(self) -> int:
        return 0 if self.options is None else len(self.options)

    @property
    def low(self) -> float:
        return self.scale[0] if self.scale is not None else 0.0

    @property
    def high(self) -> float:
        return self.scale[1] if self.scale is not None else float(self.n_options - 1)

    @property
    def range(self) -> float:
        """R_k = high - low (rank units for option issues)."""
        return self.high - self.low

    def rank(self, option: str) -> int:
        """0-based rank of an option in the issue's order."""
        assert self.options is not None
        return self.options.index(option)

    def to_number(self, value: float | str) -> float:
        """A value as a number: scale values as they are, options as their rank."""
        if isinstance(value, str):
            return float(self.rank(value))
        return float(value)

    def contains(self, value: float | str) -> bool:
        """Whether ``value`` lies in the scale, or is one of the options."""
        if self.options is not None:
            return isinstance(value, str) and value in self.options
        return not isinstance(value, str) and self.low <= value <= self.high

    def describe(self, value: float | str) -> str:
        """A value as an analyst reads it (``40 %``, ``deferred``)."""
        if isinstance(value, str):
            return value
        text = f"{value:.4g}"
        return f"{text} {self.unit}" if self.unit else text


class _Compiled(_Model):
    """A model holding one expression, compiled by the loader against the scenario."""

    _expr: Expr | None = PrivateAttr(default=None)

    @property
    def expr(self) -> Expr:
        """The checked expression tree (set by the loader)."""
        if self._expr is None:
            raise RuntimeError("expression not compiled; load scenarios with detente.load")
        return self._expr


#: The name a red line's rule uses for its ``threshold:`` (docs/format.md).
THRESHOLD_NAME = "threshold"


class RedLine(_Compiled):
    """A condition every acceptable deal must meet.

    ``threshold`` names a number of the rule (the rule says ``threshold`` where the number
    goes), which makes ``actors.ID.red_lines.N.threshold`` a numeric judgment; ``active`` says
    whether the red line holds (``actors.ID.red_lines.N.active``; an inactive red line is absent
    from every analysis); ``probability`` is the shorthand for the uncertainty entry
    ``actors.ID.red_lines.N.active: {bernoulli: P}``, the chance that it is a real red line and
    not only a strong preference.
    """

    rule: Text
    threshold: Number | None = None
    probability: Unit | None = None
    active: Bool = True
    label: Line | None = None
    source: str | None = None
    quote: Prose | None = None

    _template: Expr | None = PrivateAttr(default=None)

    @property
    def template(self) -> Expr:
        """The checked rule with ``threshold`` kept as a name (an issue-like number); the rule
        itself (:attr:`expr`) when it names no threshold."""
        return self._template if self._template is not None else self.expr

    def with_threshold(self, value: float) -> RedLine:
        """A copy with the named threshold at ``value`` (its rule re-instantiated)."""
        copy = self.model_copy(update={"threshold": float(value)})
        if self._template is not None:
            copy._expr = substitute_threshold(self._template, float(value))
        return copy


def red_line_path(actor: str, index: int, field: str) -> str:
    """``actors.ACTOR.red_lines.INDEX.FIELD``: the path of a red line's judgment."""
    return f"actors.{actor}.red_lines.{index}.{field}"


def substitute_threshold(tree: Expr, value: float) -> Expr:
    """``tree`` with every use of the name ``threshold`` replaced by the number ``value``."""
    from dataclasses import fields, replace

    from detente.scenario import expr as ex

    def visit(node: ex.Expr) -> ex.Expr:
        if isinstance(node, ex.Name) and node.id == THRESHOLD_NAME:
            return ex.Num(value, column=node.column)
        changes: dict[str, Any] = {}
        for f in fields(node):
            child = getattr(node, f.name)
            if isinstance(child, tuple) and child and not isinstance(child[0], str):
                changes[f.name] = tuple(visit(c) for c in child)
            elif f.name in ("operand", "left", "right"):
                changes[f.name] = visit(child)
        return replace(node, **changes) if changes else node

    return visit(tree)


class Precondition(_Compiled):
    """What must hold, over facts, before the actor joins talks (``for: talks``, the default)
    or before it signs an agreement (``for: agreement``)."""

    requires: Text
    for_: Literal["talks", "agreement"] = Field(default="talks", alias="for")
    label: Line | None = None
    source: str | None = None
    quote: Prose | None = None


class NoDeal(_Model):
    """What the actor expects if fighting goes on (its BATNA) and what fighting costs it."""

    horizon: Line | None = None
    outcome: FrozenDict[str, Value] = Field(default_factory=FrozenDict)
    cost: Unit = 0.0
    source: str | None = None
    note: Prose | None = None


class Consideration(_Model):
    """The article's reasoning, kept with its source."""

    text: ProseText
    source: str | None = None
    quote: Prose | None = None


class Actor(_Model):
    """One actor: its role, stakes, positions, red lines, expectations and reasons."""

    name: Text
    role: Literal["party", "backer", "mediator", "stakeholder"]
    veto: Bool = Field(default=False, description="Must accept any deal; default true for parties.")
    capability: Annotated[float, BeforeValidator(_finite_number), Field(gt=0.0)] = 1.0
    supports: tuple[str, ...] = ()
    positions: FrozenDict[str, Value] = Field(default_factory=FrozenDict)
    salience: FrozenDict[str, Unit] = Field(default_factory=FrozenDict)
    values: FrozenDict[str, FrozenDict[str, Unit]] = Field(default_factory=FrozenDict)
    red_lines: tuple[RedLine, ...] = ()
    no_deal: NoDeal | None = None
    preconditions: tuple[Precondition, ...] = ()
    considerations: tuple[Consideration, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        # veto defaults to true for parties only; salience defaults to 0.5 on positioned issues.
        if isinstance(data, Mapping):
            data = dict(data)
            if "veto" not in data and isinstance(data.get("role"), str):
                data["veto"] = data["role"] == "party"
            positions = data.get("positions")
            salience = data.get("salience")
            if isinstance(positions, Mapping) and (
                salience is None or isinstance(salience, Mapping)
            ):
                filled = dict(salience or {})
                for issue in positions:
                    filled.setdefault(issue, 0.5)
                data["salience"] = filled
        return data


class Fact(_Model):
    """A yes/no proposition that preconditions test."""

    value: Bool
    label: Line | None = None
    source: str | None = None
    note: Prose | None = None


class Statement(_Model):
    """A dated public signal by an actor."""

    date: Date
    actor: str
    target: str | None = None
    speaker: Line | None = None
    stance: Literal["reject", "conditional", "open", "propose", "mediate"]
    cameo: str | None = None
    quote: Prose | None = None
    source: str | None = None
    note: Prose | None = None

    @model_validator(mode="before")
    @classmethod
    def _cameo_string(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and isinstance(data.get("cameo"), int | float):
            code = data["cameo"]
            raise ValueError(
                f"cameo: CAMEO codes are strings with their leading zeros; write it in quotes "
                f'(e.g. "0{code}" or "{code}")'
            )
        return data

    @model_validator(mode="after")
    def _cameo_format(self) -> Statement:
        if self.cameo is not None and not re.fullmatch(r"[0-9]{2,4}", self.cameo):
            raise ValueError(f"cameo: {self.cameo!r} is not a CAMEO code (2 to 4 digits)")
        return self


class TimelineEntry(_Model):
    """A dated change of facts or judgments, applied for analysis "as of" a date."""

    date: Date
    set: FrozenDict[str, Any] = Field(min_length=1)
    note: Prose | None = None
    source: str | None = None


class WhatIf(_Model):
    """A named variant of the scenario: the article's alternative scenarios."""

    label: Text
    set: FrozenDict[str, Any] = Field(min_length=1)
    note: Prose | None = None
    source: str | None = None


class Scenario(_Model):
    """A whole scenario: sources, issues, actors, facts, signals, uncertainty, variants, strategy.

    Build one with :func:`detente.load`; derive variants with :meth:`with_changes`.
    """

    detente: Literal[1]
    id: Annotated[str, Field(pattern=SCENARIO_ID_RE)]
    title: Text
    question: Prose | None = None
    as_of: Date | None = None
    description: Prose | None = None
    single_veto: Bool = False
    sources: FrozenDict[str, Source] = Field(default_factory=FrozenDict)
    issues: FrozenDict[str, Issue] = Field(default_factory=FrozenDict)
    actors: FrozenDict[str, Actor] = Field(default_factory=FrozenDict)
    facts: FrozenDict[str, Fact] = Field(default_factory=FrozenDict)
    statements: tuple[Statement, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    uncertainty: FrozenDict[str, DistributionSpec] = Field(default_factory=FrozenDict)
    what_ifs: FrozenDict[str, WhatIf] = Field(default_factory=FrozenDict)
    strategy: Strategy | None = None
    questions: FrozenDict[str, Question] = Field(default_factory=FrozenDict)

    _filename: str | None = PrivateAttr(default=None)
    _what_if: str | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _probable_red_lines(cls, data: Any) -> Any:
        # ``probability: P`` on a red line is the uncertainty entry
        # ``actors.ID.red_lines.N.active: {bernoulli: P}``; it joins the section here so that
        # every engine sees one list of uncertain judgments (validate.py refuses both at once).
        if not isinstance(data, Mapping) or not isinstance(data.get("actors"), Mapping):
            return data
        extra: dict[str, Any] = {}
        for aid, actor in data["actors"].items():
            lines = actor.get("red_lines") if isinstance(actor, Mapping) else None
            if not isinstance(lines, list | tuple):
                continue
            for j, line in enumerate(lines):
                p = line.get("probability") if isinstance(line, Mapping) else None
                if isinstance(p, int | float) and not isinstance(p, bool) and 0 <= p <= 1:
                    extra[red_line_path(str(aid), j, "active")] = {"bernoulli": float(p)}
        section = data.get("uncertainty")
        if not extra or not isinstance(section, Mapping | None):
            return data
        merged = dict(section or {})
        for path, spec in extra.items():
            merged.setdefault(path, spec)
        return {**data, "uncertainty": merged}

    _moved_to: dt.date | None = PrivateAttr(default=None)

    @property
    def filename(self) -> str | None:
        """The file this scenario was read from, if any."""
        return self._filename

    @property
    def what_if(self) -> str | None:
        """The name of the what-if applied by :meth:`variant`, if any."""
        return self._what_if

    @property
    def change_dates(self) -> tuple[dt.date, ...]:
        """The distinct dates of the ``timeline`` entries, in order."""
        return tuple(sorted({e.date for e in self.timeline}))

    def at(self, date: dt.date) -> Scenario:
        """The scenario as it stood on ``date`` (docs/models.md §5).

        The file's values describe the state *before* its timeline; the entries dated on or
        before ``date`` are applied in date order (for one path the latest entry wins),
        statements made after ``date`` are dropped and ``as_of`` becomes ``date``.  Compose
        transformations as-of first, then what-if: ``scenario.at(date).variant(name)``.

        Raises
        ------
        ValueError
            The scenario is already a what-if variant or already moved to a date (the timeline
            would be applied on top of changed values).
        """
        if self._what_if is not None or self._moved_to is not None:
            raise ValueError(
                "apply at() to the scenario as loaded, before any what-if: "
                "scenario.at(date).variant(name)"
            )
        changes: dict[str, Any] = {}
        for entry in sorted(self.timeline, key=lambda e: e.date):
            if entry.date <= date:
                changes.update(entry.set)
        changed = self.with_changes(changes)
        statements = tuple(s for s in changed.statements if s.date <= date)
        update: dict[str, Any] = {"as_of": date}
        if len(statements) != len(changed.statements):
            update["statements"] = statements
        moved = changed.model_copy(update=update)
        moved._moved_to = date
        return moved

    @property
    def veto_actors(self) -> tuple[str, ...]:
        """Ids of the actors whose agreement any deal needs, in file order."""
        return tuple(a for a, actor in self.actors.items() if actor.veto)

    def variant(self, name: str) -> Scenario:
        """The named what-if variant: a copy with its ``set`` applied.

        Raises
        ------
        detente.errors.InputError
            No what-if of that name (with a "did you mean" hint and the file's line).
        """
        if name not in self.what_ifs:
            from detente.errors import InputError, did_you_mean
            from detente.scenario.loader import position_in_file

            line, column = position_in_file(self, ("what_ifs",))
            known = ", ".join(self.what_ifs) or "none"
            raise InputError(
                f"no what-if named '{name}'{did_you_mean(name, self.what_ifs)}; "
                f"this scenario has: {known}",
                path="what_ifs",
                file=self.filename,
                line=line,
                column=column,
            )
        varied = self.with_changes(self.what_ifs[name].set)
        if varied is self:
            varied = self.model_copy()
        varied._what_if = name
        return varied

    def with_changes(self, changes: Mapping[str, Any]) -> Scenario:
        """A validated copy with the values at the given dotted paths replaced.

        Parameters
        ----------
        changes : mapping of str to value
            Dotted paths (``"actors.UKR.no_deal.cost"``, ``"facts.usa_ready_to_talk"``) to new
            values, as in ``what_ifs`` and ``timeline``.

        Raises
        ------
        detente.errors.InputError
            A path that names no numeric or boolean judgment, or a value out of its range.
        """
        from detente.scenario.paths import apply_changes

        return apply_changes(self, changes)
