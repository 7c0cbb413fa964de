"""Dotted paths to the scalar judgments of a scenario, and cheap validated copies.

What-ifs, the timeline, Monte Carlo and lever search all change a scenario through paths such as
``actors.UKR.no_deal.cost`` or ``facts.usa_ready_to_talk``.  :func:`resolve` says what a path
names (its kind, its valid range, its current value); :func:`apply_changes` returns a copy with
new values, validating only what changed and copying only the objects on the changed paths.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from detente.errors import InputError, did_you_mean

if TYPE_CHECKING:
    from detente.scenario.distributions import DistributionSpec
    from detente.scenario.model import Actor, Issue, Scenario

__all__ = ["Judgment", "apply_changes", "judgment_paths", "resolve"]

_ACTOR_FIELDS = ("capability", "veto", "positions", "salience", "values", "no_deal", "red_lines")


#: What a judgment is about, by the field its path names (see :attr:`Judgment.role`).
_ROLES = {
    "capability": "capability",
    "veto": "veto",
    "positions": "position",
    "salience": "salience",
    "values": "value",
    "red_lines": "red_line",
}


@dataclass(frozen=True, slots=True)
class Judgment:
    """A scalar judgment of a scenario: what a path names, its valid range, its distribution.

    The one description of "a judgment with a valid range" across detente: :func:`resolve`
    returns it for a path, the readiness engine lists the judgments its margin depends on
    (levers), and Monte Carlo draws the uncertain ones (with ``distribution`` set).

    Attributes
    ----------
    path : str
        The dotted path, normalised (``facts.X.value`` -> ``facts.X``).
    kind : {"number", "bool", "option"}
        A real number, a yes/no fact, or an option of an option issue.
    value : float, bool, str or None
        The current value; for a no-deal outcome not given in the file, the issue's status quo.
    low, high : float or None
        The valid range of a number (``high`` may be ``inf``).
    options : tuple of str or None
        The options, for ``kind == "option"``.
    issue : str or None
        The issue the value lies on, when it does.
    actor : str or None
        The actor whose judgment it is, when it is an actor's.
    distribution : DistributionSpec or None
        Its distribution when it is uncertain (option names encoded as ranks).
    """

    path: str
    kind: Literal["number", "bool", "option"]
    value: float | bool | str | None = None
    low: float | None = None
    high: float | None = None
    options: tuple[str, ...] | None = None
    issue: str | None = None
    actor: str | None = None
    distribution: DistributionSpec | None = None

    @property
    def role(self) -> str:
        """What it is about, from the path: ``fact``, ``status_quo``, ``capability``, ``veto``,
        ``position``, ``salience``, ``value``, ``cost``, ``no_deal`` (an expected no-deal
        outcome), ``red_line`` (a red line's named threshold) or ``red_line_active`` (whether a
        red line holds); ``""`` for a path of no known form."""
        parts = self.path.split(".")
        if parts[0] == "facts":
            return "fact"
        if parts[0] == "issues":
            return "status_quo"
        if parts[0] != "actors" or len(parts) < 3:
            return ""
        if parts[2] == "no_deal":
            return "cost" if parts[3:] == ["cost"] else "no_deal"
        if parts[2] == "red_lines" and parts[4:] == ["active"]:
            return "red_line_active"
        return _ROLES.get(parts[2], "")

    @property
    def valid(self) -> tuple[float, float] | None:
        """The numeric range a draw must stay in: ranks ``0..n-1`` for an option, ``0..1`` for a
        yes/no fact, ``[low, high]`` for a number (``None`` when neither bound is known)."""
        if self.kind == "option" and self.options is not None:
            return 0.0, len(self.options) - 1.0
        if self.kind == "bool":
            return 0.0, 1.0
        if self.low is None and self.high is None:
            return None
        return (
            -math.inf if self.low is None else float(self.low),
            math.inf if self.high is None else float(self.high),
        )

    def ppf(self, u: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Inverse CDF of the judgment's distribution, truncated to :attr:`valid`."""
        return self._spec().ppf(u, clip=self.valid)

    def quantile(self, q: float) -> float:
        """The ``q`` quantile of the judgment's distribution, truncated to :attr:`valid`."""
        return float(self._spec().quantile(q, clip=self.valid))

    def _spec(self) -> DistributionSpec:
        if self.distribution is None:
            raise InputError("this judgment has no distribution", path=self.path)
        return self.distribution

    def check(self, value: Any) -> float | bool | str:
        """Validate a new value for this judgment; return it normalised."""
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise ValueError(f"expected true or false, got {value!r}")
            return value
        if self.kind == "option":
            assert self.options is not None
            if not isinstance(value, str) or value not in self.options:
                hint = did_you_mean(str(value), self.options)
                raise ValueError(
                    f"{value!r} is not an option of '{self.issue}'{hint}; options: "
                    + ", ".join(self.options)
                )
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"expected a number, got {value!r}")
        number = float(value)
        if not math.isfinite(number):
            raise ValueError("expected a finite number")
        low = -math.inf if self.low is None else self.low
        high = math.inf if self.high is None else self.high
        if self.role == "capability":
            if number <= 0:
                raise ValueError(f"capability must be > 0, got {number:g}")
        elif not low <= number <= high:
            raise ValueError(f"{number:g} is outside the valid range [{low:g}, {high:g}]")
        return number


def _split(path: str) -> list[str]:
    if not isinstance(path, str) or not path or any(not p for p in path.split(".")):
        raise InputError(f"not a dotted path: {path!r}")
    return path.split(".")


def _issue_value(path: str, issue_id: str, issue: Issue, current: Any) -> Judgment:
    if issue.options is not None:
        return Judgment(path, "option", current, options=issue.options, issue=issue_id)
    return Judgment(path, "number", current, issue.low, issue.high, issue=issue_id)


def _pick(kind: str, key: str, known: Mapping[str, Any] | tuple[str, ...], path: str) -> None:
    if key not in known:
        names = ", ".join(known) if len(known) <= 12 else ", ".join(list(known)[:12]) + ", ..."
        raise InputError(
            f"{path}: no {kind} '{key}'{did_you_mean(key, known)}; known: {names or '(none)'}"
        )


def resolve(scenario: Scenario, path: str) -> Judgment:
    """Say what ``path`` names in ``scenario``.

    Raises
    ------
    detente.errors.InputError
        If the path names no numeric or boolean judgment (with a "did you mean" hint).
    """
    parts = _split(path)
    head = parts[0]
    if head == "facts" and len(parts) in (2, 3) and (len(parts) == 2 or parts[2] == "value"):
        _pick("fact", parts[1], scenario.facts, path)
        return Judgment(f"facts.{parts[1]}", "bool", scenario.facts[parts[1]].value)
    if head == "issues" and len(parts) == 3 and parts[2] == "status_quo":
        _pick("issue", parts[1], scenario.issues, path)
        issue = scenario.issues[parts[1]]
        return _issue_value(path, parts[1], issue, issue.status_quo)
    if head == "actors" and len(parts) >= 3:
        _pick("actor", parts[1], scenario.actors, path)
        judgment = _resolve_actor(scenario, scenario.actors[parts[1]], parts, path)
        return dataclasses.replace(judgment, actor=parts[1])
    top = ("facts", "issues", "actors")
    hint = did_you_mean(head, top) if head not in top else ""
    raise InputError(
        f"{path}: names no numeric or boolean judgment{hint}; judgments are facts.ID, "
        "issues.ID.status_quo and actors.ID.{capability, veto, positions.ISSUE, salience.ISSUE, "
        "values.ISSUE.OPTION, no_deal.cost, no_deal.outcome.ISSUE, red_lines.N.active, "
        "red_lines.N.threshold}"
    )


def _resolve_actor(scenario: Scenario, actor: Actor, parts: list[str], path: str) -> Judgment:
    field = parts[2]
    rest = parts[3:]
    if field == "capability" and not rest:
        return Judgment(path, "number", actor.capability, 0.0, math.inf)
    if field == "veto" and not rest:
        return Judgment(path, "bool", actor.veto)
    if field in ("positions", "salience") and len(rest) == 1:
        _pick(f"position of {parts[1]} on issue", rest[0], actor.positions, path)
        if field == "salience":
            return Judgment(path, "number", actor.salience[rest[0]], 0.0, 1.0, issue=rest[0])
        issue = scenario.issues[rest[0]]
        return _issue_value(path, rest[0], issue, actor.positions[rest[0]])
    if field == "values" and len(rest) == 2:
        _pick(f"values table of {parts[1]} for issue", rest[0], actor.values, path)
        _pick("option", rest[1], actor.values[rest[0]], path)
        return Judgment(path, "number", actor.values[rest[0]][rest[1]], 0.0, 1.0, issue=rest[0])
    if field == "no_deal" and rest == ["cost"]:
        cost = actor.no_deal.cost if actor.no_deal is not None else 0.0
        return Judgment(path, "number", cost, 0.0, 1.0)
    if field == "no_deal" and len(rest) == 2 and rest[0] == "outcome":
        _pick("issue", rest[1], scenario.issues, path)
        issue = scenario.issues[rest[1]]
        outcome = actor.no_deal.outcome if actor.no_deal is not None else {}
        return _issue_value(path, rest[1], issue, outcome.get(rest[1], issue.status_quo))
    if field == "red_lines" and len(rest) == 2:
        return _red_line(actor, parts[1], rest, path)
    hint = did_you_mean(field, _ACTOR_FIELDS) if field not in _ACTOR_FIELDS else ""
    raise InputError(
        f"{path}: names no numeric or boolean judgment of an actor{hint}; use capability, veto, "
        "positions.ISSUE, salience.ISSUE, values.ISSUE.OPTION, no_deal.cost, "
        "no_deal.outcome.ISSUE, red_lines.N.active or red_lines.N.threshold"
    )


def _red_line(actor: Actor, actor_id: str, rest: list[str], path: str) -> Judgment:
    """``red_lines.N.active`` (a yes/no) or ``red_lines.N.threshold`` (a named number)."""
    index, what = rest
    count = len(actor.red_lines)
    if not (index.isdecimal() and int(index) < count and str(int(index)) == index):
        have = {0: "it has none", 1: "it has one, numbered 0"}.get(
            count, f"it has {count}, numbered 0 to {count - 1} in file order"
        )
        raise InputError(f"{path}: {actor_id} has no red line {index!r} ({have})")
    line = actor.red_lines[int(index)]
    if what == "active":
        return Judgment(path, "bool", line.active)
    if what == "threshold":
        if line.threshold is None:
            raise InputError(
                f"{path}: red line {index} of {actor_id} names no threshold; give it "
                "'threshold: NUMBER' and write 'threshold' in its rule where that number goes"
            )
        return Judgment(path, "number", line.threshold)  # any finite number: no bounds
    raise InputError(
        f"{path}: a red line's judgments are 'active' (true or false) and 'threshold' "
        f"(its named number){did_you_mean(what, ('active', 'threshold'))}"
    )


def judgment_paths(scenario: Scenario) -> list[Judgment]:
    """Every scalar judgment of the scenario (for lever search and sensitivity)."""
    out: list[Judgment] = []
    for issue_id in scenario.issues:
        out.append(resolve(scenario, f"issues.{issue_id}.status_quo"))
    for a, actor in scenario.actors.items():
        out.append(resolve(scenario, f"actors.{a}.capability"))
        for k in actor.positions:
            out.append(resolve(scenario, f"actors.{a}.positions.{k}"))
            out.append(resolve(scenario, f"actors.{a}.salience.{k}"))
        for k, table in actor.values.items():
            for option in table:
                out.append(resolve(scenario, f"actors.{a}.values.{k}.{option}"))
        if actor.no_deal is not None:
            out.append(resolve(scenario, f"actors.{a}.no_deal.cost"))
            for k in actor.no_deal.outcome:
                out.append(resolve(scenario, f"actors.{a}.no_deal.outcome.{k}"))
        for j, line in enumerate(actor.red_lines):
            out.append(resolve(scenario, f"actors.{a}.red_lines.{j}.active"))
            if line.threshold is not None:
                out.append(resolve(scenario, f"actors.{a}.red_lines.{j}.threshold"))
    for f in scenario.facts:
        out.append(resolve(scenario, f"facts.{f}"))
    return out


def apply_changes(scenario: Scenario, changes: Mapping[str, Any]) -> Scenario:
    """Return a copy of ``scenario`` with ``changes`` applied (see ``Scenario.with_changes``)."""
    from detente.scenario.model import NoDeal

    if not changes:
        return scenario
    facts = dict(scenario.facts)
    issues = dict(scenario.issues)
    actors = dict(scenario.actors)
    touched_facts = touched_issues = False
    actor_updates: dict[str, dict[str, Any]] = {}
    for path, raw in changes.items():
        judgment = resolve(scenario, path)
        try:
            value = judgment.check(raw)
        except ValueError as exc:
            raise InputError(str(exc), path=path) from None
        parts = judgment.path.split(".")
        if parts[0] == "facts":
            facts[parts[1]] = facts[parts[1]].model_copy(update={"value": value})
            touched_facts = True
        elif parts[0] == "issues":
            issues[parts[1]] = issues[parts[1]].model_copy(update={"status_quo": value})
            touched_issues = True
        else:
            a, field, rest = parts[1], parts[2], parts[3:]
            upd = actor_updates.setdefault(a, {})
            actor = actors[a]
            if not rest:
                upd[field] = value
            elif field in ("positions", "salience"):
                table = upd.setdefault(field, dict(getattr(actor, field)))
                table[rest[0]] = value
            elif field == "values":
                values = upd.setdefault("values", dict(actor.values))
                values[rest[0]] = {**values[rest[0]], rest[1]: value}
            elif field == "red_lines":
                lines = upd.setdefault("red_lines", list(actor.red_lines))
                line = lines[int(rest[0])]
                if rest[1] == "active":
                    lines[int(rest[0])] = line.model_copy(update={"active": value})
                else:
                    lines[int(rest[0])] = line.with_threshold(float(value))
            else:  # no_deal
                nd = upd.get("no_deal") or actor.no_deal or NoDeal()
                if rest == ["cost"]:
                    nd = nd.model_copy(update={"cost": value})
                else:
                    nd = nd.model_copy(update={"outcome": {**nd.outcome, rest[1]: value}})
                upd["no_deal"] = nd
    for a, upd in actor_updates.items():
        actors[a] = actors[a].model_copy(update=upd)
    update: dict[str, Any] = {}
    if touched_facts:
        update["facts"] = facts
    if touched_issues:
        update["issues"] = issues
    if actor_updates:
        update["actors"] = actors
    return scenario.model_copy(update=update)
