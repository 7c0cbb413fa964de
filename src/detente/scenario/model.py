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
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, model_validator

from detente.scenario.distributions import DistributionSpec
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
Text = Annotated[str, Field(min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Source(_Model):
    """Where the evidence comes from."""

    title: Text
    publisher: str | None = None
    author: str | None = None
    date: dt.date | None = None
    url: str | None = None
    note: str | None = None


class Issue(_Model):
    """What a settlement decides: a continuous ``scale`` or ordered discrete ``options``."""

    label: Text
    unit: str | None = None
    scale: tuple[Number, Number] | None = None
    options: tuple[Text, ...] | None = None
    status_quo: Value
    description: str | None = None
    source: str | None = None

    @model_validator(mode="after")
    def _kind(self) -> Issue:
        if (self.scale is None) == (self.options is None):
            raise ValueError("give either 'scale: [low, high]' or 'options: [...]', not both")
        if self.scale is not None and not self.scale[0] < self.scale[1]:
            raise ValueError("scale must be [low, high] with low < high")
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


class RedLine(_Compiled):
    """A condition every acceptable deal must meet."""

    rule: Text
    label: str | None = None
    source: str | None = None
    quote: str | None = None


class Precondition(_Compiled):
    """What must hold, over facts, before the actor joins talks."""

    requires: Text
    label: str | None = None
    source: str | None = None
    quote: str | None = None


class NoDeal(_Model):
    """What the actor expects if fighting goes on (its BATNA) and what fighting costs it."""

    horizon: str | None = None
    outcome: dict[str, Value] = Field(default_factory=dict)
    cost: Unit = 0.0
    source: str | None = None
    note: str | None = None


class Consideration(_Model):
    """The article's reasoning, kept with its source."""

    text: Text
    source: str | None = None
    quote: str | None = None


class Actor(_Model):
    """One actor: its role, stakes, positions, red lines, expectations and reasons."""

    name: Text
    role: Literal["party", "backer", "mediator", "stakeholder"]
    veto: Bool = Field(default=False, description="Must accept any deal; default true for parties.")
    capability: Annotated[float, BeforeValidator(_finite_number), Field(gt=0.0)] = 1.0
    supports: tuple[str, ...] = ()
    positions: dict[str, Value] = Field(default_factory=dict)
    salience: dict[str, Unit] = Field(default_factory=dict)
    values: dict[str, dict[str, Unit]] = Field(default_factory=dict)
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
    label: str | None = None
    source: str | None = None
    note: str | None = None


class Statement(_Model):
    """A dated public signal by an actor."""

    date: dt.date
    actor: str
    target: str | None = None
    speaker: str | None = None
    stance: Literal["reject", "conditional", "open", "propose", "mediate"]
    cameo: str | None = None
    quote: str | None = None
    source: str | None = None
    note: str | None = None

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

    date: dt.date
    set: dict[str, Any] = Field(min_length=1)
    note: str | None = None
    source: str | None = None


class WhatIf(_Model):
    """A named variant of the scenario: the article's alternative scenarios."""

    label: Text
    set: dict[str, Any] = Field(min_length=1)
    note: str | None = None
    source: str | None = None


class Scenario(_Model):
    """A whole scenario: sources, issues, actors, facts, signals, uncertainty, variants, strategy.

    Build one with :func:`detente.load`; derive variants with :meth:`with_changes`.
    """

    detente: Literal[1]
    id: Annotated[str, Field(pattern=SCENARIO_ID_RE)]
    title: Text
    question: str | None = None
    as_of: dt.date | None = None
    description: str | None = None
    single_veto: Bool = False
    sources: dict[str, Source] = Field(default_factory=dict)
    issues: dict[str, Issue] = Field(default_factory=dict)
    actors: dict[str, Actor] = Field(default_factory=dict)
    facts: dict[str, Fact] = Field(default_factory=dict)
    statements: tuple[Statement, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    uncertainty: dict[str, DistributionSpec] = Field(default_factory=dict)
    what_ifs: dict[str, WhatIf] = Field(default_factory=dict)
    strategy: Strategy | None = None
    questions: dict[str, Question] = Field(default_factory=dict)

    _filename: str | None = PrivateAttr(default=None)
    _what_if: str | None = PrivateAttr(default=None)
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
