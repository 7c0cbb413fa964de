"""Warnings: what a valid scenario says that its author probably did not mean.

An error stops the analysis; a warning does not.  Each is a
:class:`~detente.errors.ScenarioWarning` ``FILE:LINE:COL: path: message``; the command line
prints it as ``detente: warning: ...`` on standard error and adds it to the ``warnings`` list of
``--json`` (docs/warnings.md).  This module finds the warnings that need only the scenario
itself; :mod:`detente.readiness.warnings` adds those that need an engine (a red line every
outcome meets) and collects them all.

- **A judgment nothing reads** (:func:`unread_judgments`): a what-if, a timeline entry or an
  uncertainty entry that sets a judgment no engine uses.  What reads what:

  - preconditions read facts (the readiness engine reports every actor's unmet preconditions);
  - the readiness engine reads the veto parties' positions, saliences, option values,
    capabilities (Nash weights), no-deal expectations and red lines, and the status quo of an
    issue on which a veto party has a position (its no-deal utility and Zartman's test);
  - the forecast reads every actor's position, salience and capability on an issue it has a
    position on;
  - ``actors.ID.veto`` is always read (it says who the veto parties are).

  "A veto party" is read generously: an actor that is a veto party in any state the entry can
  meet (the file, any date of its timeline, any what-if on top of those, and any draw when the
  uncertainty section makes ``veto`` uncertain) counts, so a warning means that no analysis
  reads the value.
- **``--as-of`` before the scenario's dates** (:func:`as_of_warnings`): before the file's own
  ``as_of`` (its values describe that later date, so the analysis uses hindsight), or before the
  first timeline entry (no entry applies: the file's values are used as they are).
- **A distribution whose mode is not the file's value** (:func:`mode_warnings`): point analyses
  use the file's value and the Monte Carlo draws around the mode, so the two describe different
  beliefs.  The mode of each kind, in the judgment's valid range: ``triangular`` its mode;
  ``normal`` its mean, and ``lognormal`` ``exp(mu - sigma^2)``, each moved to the nearest end of
  the valid range when outside it (the mode of the truncated distribution); ``beta [a, b]``
  ``(a - 1) / (a + b - 2)`` for a, b > 1, the end its density rises to when one of them is at
  most 1, both ends when both are below 1; ``uniform`` and ``beta [1, 1]`` have every point of
  their support as a mode, so they warn only when the value lies outside the support;
  ``choice`` the most often listed values; ``bernoulli p`` true when p > 0.5, false when
  p < 0.5, either at 0.5.
- **An outcome source dated before the outcome was known** (:func:`outcome_source_warnings`):
  a question's ``source`` dated before its ``resolved`` date (a report cannot be older than what
  it reports, but a source's date may be that of a text signed before it took effect).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.errors import Diagnostic, InputError, ScenarioError, ScenarioWarning
from detente.scenario import expr as ex
from detente.scenario.paths import Judgment, resolve
from detente.scenario.yamlio import Loc, Located, format_loc, read_yaml

if TYPE_CHECKING:
    from detente.scenario.distributions import DistributionSpec
    from detente.scenario.model import Scenario

__all__ = [
    "as_of_warnings",
    "findings",
    "mode_warnings",
    "outcome_source_warnings",
    "positioned",
    "scenario_warnings",
    "unread_judgments",
]

#: ``(location in the model, message)``: a warning before it is given its line and column.
Finding = tuple[Loc, str]


def scenario_warnings(
    scenario: Scenario, *, source: Located | None = None, as_of: dt.date | None = None
) -> tuple[ScenarioWarning, ...]:
    """Every warning this module finds, in file order.

    Parameters
    ----------
    scenario : Scenario
        A scenario as loaded (before :meth:`~Scenario.at` or :meth:`~Scenario.variant`).
    source : Located, optional
        The positions of the file's fields (:func:`detente.scenario.loader.load_with_source`);
        without it the file named by ``scenario.filename`` is read again for them.
    as_of : date, optional
        The date the analysis is moved to (``--as-of``), for :func:`as_of_warnings`.
    """
    found = findings(scenario, source=source, as_of=as_of)
    return positioned(scenario, found, source=source)


def findings(
    scenario: Scenario, *, source: Located | None = None, as_of: dt.date | None = None
) -> list[Finding]:
    """The findings of :func:`scenario_warnings` before they are given their positions."""
    out = [
        *unread_judgments(scenario),
        *mode_warnings(scenario, source=source),
        *outcome_source_warnings(scenario),
    ]
    if as_of is not None:
        out.extend(as_of_warnings(scenario, as_of))
    return out


# --------------------------------------------------------------------------------------------
# Positions
# --------------------------------------------------------------------------------------------


def positioned(
    scenario: Scenario, findings: Iterable[Finding], *, source: Located | None = None
) -> tuple[ScenarioWarning, ...]:
    """Warnings with the file, line and column of each finding's location, in file order.

    Locations are those of the model (``("timeline", 0, "date")`` is the earliest entry, as the
    model sorts the timeline); they are mapped to the file's own order here.
    """
    found = list(findings)
    if not found:
        return ()
    located = source if source is not None else _reread(scenario)
    out: list[ScenarioWarning] = []
    seen: set[str] = set()
    for loc, message in found:
        if located is None:
            warning = ScenarioWarning(message, format_loc(loc), scenario.filename)
        else:
            file_loc = _file_loc(located, loc)
            d = located.diagnostic(file_loc, message, prefer_key=True)
            warning = ScenarioWarning(message, format_loc(loc), d.file, d.line, d.column)
        if str(warning) not in seen:
            seen.add(str(warning))
            out.append(warning)
    return tuple(sorted(out, key=_order))


def _order(d: Diagnostic) -> tuple[int, int]:
    return (d.line or 0, d.column or 0)


def _reread(scenario: Scenario) -> Located | None:
    name = scenario.filename
    if not name or not Path(name).is_file():
        return None
    try:
        return read_yaml(name)
    except ScenarioError:  # the file changed since it was loaded: no positions rather than none
        return None


def _file_loc(located: Located, loc: Loc) -> Loc:
    """``loc`` with a model index of ``timeline`` or ``statements`` turned into the file's."""
    if len(loc) < 2 or loc[0] not in ("timeline", "statements") or not isinstance(loc[1], int):
        return loc
    raw = located.data.get(str(loc[0])) if isinstance(located.data, dict) else None
    if not isinstance(raw, list) or not 0 <= loc[1] < len(raw):
        return loc
    # The loader sorts these lists by date (a stable sort) when the file does not.
    dated: list[tuple[dt.date, int]] = []
    for i, entry in enumerate(raw):
        date = entry.get("date") if isinstance(entry, dict) else None
        if not isinstance(date, dt.date):
            return loc
        dated.append((date, i))
    order = [i for _, i in sorted(dated)]  # ties keep the file's order, as a stable sort does
    return (loc[0], order[loc[1]], *loc[2:])


# --------------------------------------------------------------------------------------------
# (a) judgments nothing reads
# --------------------------------------------------------------------------------------------


def _normalised(scenario: Scenario, path: str) -> str:
    try:
        return resolve(scenario, path).path
    except (InputError, KeyError):
        return path  # a path of a form this module does not know: taken as it is


def _veto_changes(scenario: Scenario, changes: Mapping[str, Any]) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for path, value in changes.items():
        parts = _normalised(scenario, path).split(".")
        if len(parts) == 3 and parts[0] == "actors" and parts[2] == "veto":
            out[parts[1]] = bool(value)
    return out


@dataclass(frozen=True)
class _States:
    """Who has a veto in each state a judgment can meet: the file, after each timeline date,
    each of those with each what-if applied."""

    base: dict[str, bool]
    dated: tuple[tuple[dt.date, dict[str, bool]], ...]  # the state after each change date
    what_ifs: dict[str, dict[str, bool]]  # each what-if's own veto settings
    uncertain: frozenset[str]  # actors whose veto the uncertainty section draws

    @classmethod
    def of(cls, scenario: Scenario) -> _States:
        base = {a: actor.veto for a, actor in scenario.actors.items()}
        dated: list[tuple[dt.date, dict[str, bool]]] = []
        state = dict(base)
        for date in scenario.change_dates:
            for entry in scenario.timeline:
                if entry.date == date:
                    state.update(_veto_changes(scenario, entry.set))
            dated.append((date, dict(state)))
        what_ifs = {n: _veto_changes(scenario, w.set) for n, w in scenario.what_ifs.items()}
        uncertain = frozenset(_veto_changes(scenario, dict.fromkeys(scenario.uncertainty, True)))
        return cls(base, tuple(dated), what_ifs, uncertain)

    def veto(self, *, since: dt.date | None = None, what_if: str | None = None) -> set[str]:
        """Actors with a veto in some state: from ``since`` on (every state when None), with
        ``what_if`` applied (with any what-if or none when None)."""
        states = [s for d, s in self.dated if since is None or d >= since]
        if since is None:
            states.append(self.base)
        overlays = (
            [self.what_ifs[what_if]] if what_if is not None else [{}, *self.what_ifs.values()]
        )
        out = set(self.uncertain)
        for state in states:
            for overlay in overlays:
                out.update(a for a, v in {**state, **overlay}.items() if v)
        return out


def _facts_used(scenario: Scenario) -> set[str]:
    used: set[str] = set()
    for actor in scenario.actors.values():
        for pre in actor.preconditions:
            used.update(ex.names(pre.expr))
    return used


_ACTOR_READ = {
    "values": "option values",
    "no_deal": "no-deal expectations",
    "red_lines": "red lines",
}


def _why_unread(
    scenario: Scenario, path: str, veto: set[str], facts: set[str], where: str
) -> str | None:
    """Why nothing reads the judgment at ``path`` when ``veto`` may hold a veto, or None."""
    parts = _normalised(scenario, path).split(".")
    if parts[0] == "facts" and len(parts) == 2:
        if parts[1] in facts:
            return None
        return f"nothing reads fact '{parts[1]}': no precondition uses it"
    if parts[0] == "issues" and len(parts) == 3 and parts[2] == "status_quo":
        k = parts[1]
        if any(k in scenario.actors[a].positions for a in veto if a in scenario.actors):
            return None
        return (
            f"nothing reads the status quo of '{k}': no veto party has a position on it{where} "
            "(only veto parties' utilities use the status quo)"
        )
    if parts[0] != "actors" or len(parts) < 3 or parts[1] not in scenario.actors:
        return None
    a, field = parts[1], parts[2]
    if a in veto or field in ("veto", "positions", "salience"):
        return None
    if field == "capability":
        if scenario.actors[a].positions:
            return None
        return (
            f"nothing reads the capability of '{a}': it has no veto{where} (the readiness engine "
            "weighs veto parties) and no position (the forecast weighs actors with positions)"
        )
    if field in _ACTOR_READ:
        return (
            f"nothing reads this judgment: '{a}' has no veto{where}, and only veto parties' "
            f"{_ACTOR_READ[field]} enter the analysis"
        )
    return None


def unread_judgments(scenario: Scenario) -> list[Finding]:
    """What-if, timeline and uncertainty entries that set a judgment nothing reads.

    Returns ``(location, message)`` pairs; see the module notes for what reads what.
    """
    states = _States.of(scenario)
    facts = _facts_used(scenario)
    out: list[Finding] = []
    for name, w in scenario.what_ifs.items():
        veto = states.veto(what_if=name)
        for path in w.set:
            why = _why_unread(scenario, path, veto, facts, " in this what-if")
            if why is not None:
                out.append((("what_ifs", name, "set", path), why))
    for i, entry in enumerate(scenario.timeline):
        veto = states.veto(since=entry.date)
        for path in entry.set:
            why = _why_unread(scenario, path, veto, facts, " on or after this date")
            if why is not None:
                out.append((("timeline", i, "set", path), why))
    veto = states.veto()
    for path in scenario.uncertainty:
        why = _why_unread(scenario, path, veto, facts, "")
        if why is not None:
            out.append((("uncertainty", path), why))
    return out


# --------------------------------------------------------------------------------------------
# (b) --as-of before the scenario's dates
# --------------------------------------------------------------------------------------------


def as_of_warnings(scenario: Scenario, date: dt.date) -> list[Finding]:
    """``--as-of date`` before the file's ``as_of``, or before its first timeline entry."""
    out: list[Finding] = []
    before_file = scenario.as_of is not None and date < scenario.as_of
    if before_file:
        out.append(
            (
                ("as_of",),
                f"--as-of {date} is before the scenario's as_of ({scenario.as_of}): its values "
                f"describe {scenario.as_of}, so the analysis as of {date} uses what was known "
                "later",
            )
        )
    if scenario.timeline:
        first = min(range(len(scenario.timeline)), key=lambda i: scenario.timeline[i].date)
        when = scenario.timeline[first].date
        implied = before_file and scenario.as_of is not None and when >= scenario.as_of
        if date < when and not implied:
            out.append(
                (
                    ("timeline", first, "date"),
                    f"--as-of {date} is before the first timeline entry ({when}): no entry "
                    "applies, the file's values are used as they are",
                )
            )
    return out


# --------------------------------------------------------------------------------------------
# (c) a distribution whose mode is not the file's value
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Modes:
    """The modes of a distribution: some points, or (``interval``) every point of one range."""

    points: tuple[float, ...] = ()
    interval: tuple[float, float] | None = None
    count: int = 0  # for a choice: how often a modal value is listed
    listed: int = 0  # for a choice: how many values are listed


def _clip(x: float, valid: tuple[float, float] | None) -> float:
    if valid is None:
        return x
    return min(max(x, valid[0]), valid[1])


def modes(spec: DistributionSpec, valid: tuple[float, float] | None = None) -> _Modes | None:
    """The modes of ``spec`` truncated to ``valid`` (see the module notes), or None for a kind
    this module does not know.  A choice of option names must be encoded as ranks first."""
    kind = str(spec.kind)
    p = spec.params
    if kind == "choice":
        values = [float(v) for v in p]
        counts = {v: values.count(v) for v in values}
        top = max(counts.values())
        points = tuple(sorted(v for v, c in counts.items() if c == top))
        return _Modes(points=points, count=top, listed=len(values))
    if kind == "bernoulli":
        q = float(p[0])
        return _Modes(points=(1.0,) if q > 0.5 else (0.0,) if q < 0.5 else (0.0, 1.0))
    numbers = [float(v) for v in p]
    if kind == "triangular":
        return _Modes(points=(numbers[1],))
    if kind == "normal":
        return _Modes(points=(_clip(numbers[0], valid),))
    if kind == "lognormal":
        mu, sigma = numbers
        return _Modes(points=(_clip(math.exp(mu - sigma * sigma), valid),))
    if kind == "uniform":
        lo, hi = numbers
        if valid is not None:
            lo, hi = max(lo, valid[0]), min(hi, valid[1])
        return _Modes(interval=(lo, hi))
    if kind == "beta":
        a, b = numbers
        if a == 1 and b == 1:
            return _Modes(interval=(0.0, 1.0))
        if a < 1 and b < 1:
            return _Modes(points=(0.0, 1.0))
        if a <= 1 < b or (a < 1 and b == 1):
            return _Modes(points=(0.0,))
        if b <= 1 < a or (b < 1 and a == 1):
            return _Modes(points=(1.0,))
        return _Modes(points=((a - 1) / (a + b - 2),))
    return None


def _number(judgment: Judgment, scenario: Scenario) -> float | None:
    value = judgment.value
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        if judgment.issue is None or judgment.issue not in scenario.issues:
            return None
        return scenario.issues[judgment.issue].to_number(value)
    return None if value is None else float(value)


def _show(x: float, judgment: Judgment) -> str:
    if judgment.kind == "bool":
        return "true" if x >= 0.5 else "false"
    if judgment.kind == "option" and judgment.options is not None:
        return judgment.options[round(x)]
    return f"{x:.4g}"


def _tolerance(judgment: Judgment, value: float) -> float:
    valid = judgment.valid
    width = valid[1] - valid[0] if valid is not None else math.inf
    scale = width if math.isfinite(width) and width > 0 else max(1.0, abs(value))
    return 1e-9 * scale


def _mode_message(
    spec: DistributionSpec, judgment: Judgment, value: float, m: _Modes
) -> str | None:
    tol = _tolerance(judgment, value)
    shown = _show(value, judgment)
    if m.interval is not None:
        lo, hi = m.interval
        if lo - tol <= value <= hi + tol:
            return None
        gap, side = (lo - value, "below") if value < lo else (value - hi, "above")
        return (
            f"the file's value {shown} lies outside the support [{lo:.4g}, {hi:.4g}] of {spec} "
            f"({gap:.4g} {side} it): point analyses use a value the Monte Carlo never draws"
        )
    if any(abs(value - x) <= tol for x in m.points):
        return None
    if str(spec.kind) == "choice":
        listed = " and ".join(_show(x, judgment) for x in m.points)
        return (
            f"the file's value {shown} is not the most often listed value of {spec} ({listed}, "
            f"{m.count} of {m.listed}): point analyses use a value the Monte Carlo draws less "
            "often"
        )
    nearest = min(m.points, key=lambda x: abs(value - x))
    gap = value - nearest
    if judgment.kind == "bool":
        how = ""
    else:
        how = f" ({abs(gap):.4g} {'above' if gap > 0 else 'below'} it)"
    the = "the mode" if len(m.points) == 1 else "the nearest mode"
    return (
        f"the file's value {shown} is not the mode of {spec}: {the} is "
        f"{_show(nearest, judgment)}{how}; point analyses use the file's value, the Monte Carlo "
        "draws most often near the mode"
    )


def _written(scenario: Scenario, source: Located | None) -> set[str] | None:
    """The uncertainty keys written in the file (None when the file is not at hand)."""
    if source is None or not isinstance(source.data, dict):
        return None
    block = source.data.get("uncertainty")
    return {str(k) for k in block} if isinstance(block, dict) else set()


def _probability_shorthand(scenario: Scenario, path: str) -> bool:
    """Whether ``path`` is a red line's ``active`` drawn by its own ``probability`` key."""
    parts = path.split(".")
    if len(parts) != 5 or parts[0] != "actors" or parts[2:5:2] != ["red_lines", "active"]:
        return False
    actor = scenario.actors.get(parts[1])
    if actor is None or not parts[3].isdigit() or int(parts[3]) >= len(actor.red_lines):
        return False
    return actor.red_lines[int(parts[3])].probability is not None


def mode_warnings(scenario: Scenario, *, source: Located | None = None) -> list[Finding]:
    """Uncertainty entries whose distribution's mode is not the file's value of the judgment.

    Only entries written in the ``uncertainty`` section are checked (a shorthand elsewhere in
    the file, such as a red line's ``probability``, has no separate point value).
    """
    written = _written(scenario, source)
    out: list[Finding] = []
    for path, spec in scenario.uncertainty.items():
        if written is not None and path not in written:
            continue
        if written is None and _probability_shorthand(scenario, path):
            continue
        try:
            judgment = resolve(scenario, path)
        except (InputError, KeyError):
            continue
        value = _number(judgment, scenario)
        if value is None:
            continue
        encoded = spec
        if spec.is_options:
            if judgment.issue is None or judgment.issue not in scenario.issues:
                continue
            encoded = spec.encoded(scenario.issues[judgment.issue].to_number)
        found = modes(encoded, judgment.valid)
        if found is None:
            continue
        message = _mode_message(spec, judgment, value, found)
        if message is not None:
            out.append((("uncertainty", path), message))
    return out


# --------------------------------------------------------------------------------------------
# Outcome sources
# --------------------------------------------------------------------------------------------


def outcome_source_warnings(scenario: Scenario) -> list[Finding]:
    """Questions whose outcome source is dated before the outcome became known."""
    from detente.scenario.questions import source_date_notes

    # question ids hold no dots: the path splits back into its location
    return [(tuple(path.split(".")), note) for path, note in source_date_notes(scenario)]
