"""The readiness problem compiled to arrays: utilities, reservation values, red lines, judgments.

A :class:`Problem` holds, for the veto actors of a scenario, everything the negotiability margin
needs (docs/models.md §1-§2), as NumPy arrays, so that solvers, levers and Monte Carlo never go
back to the YAML.  Scalar judgments are addressed by their scenario path (see
:data:`PARAMETER_PATHS_DOC`) and can be changed cheaply with :meth:`Problem.with_params`.

Utility (docs/models.md §1; the linear-additive utility of NegMAS/GENIUS with spatial closeness):

.. math:: u_i(x) = \\sum_k w_{ik} g_{ik}(x_k), \\qquad w_{ik} = s_{ik} / \\sum_k s_{ik},

with :math:`g_{ik}(x_k) = 1 - |x_k - x_{ik}| / R_k` on scale issues and, on option issues, the
actor's ``values`` or :math:`1 - |\\mathrm{rank}(x_k) - \\mathrm{rank}(x_{ik})| / (n_k - 1)`.
Reservation values are :math:`r_i = u_i(e_i) - \\kappa_i` (no-deal outcome :math:`e_i`, issues it
does not name at the status quo; cost :math:`\\kappa_i`), or :math:`u_i(\\text{status quo})`.

Units: the fields of a :class:`Problem` and every argument and result of its methods are in the
issues' own units (option issues: 0-based ranks).  No solver sees those numbers: they work on
:attr:`Problem.scaled` (:mod:`~detente.readiness.scaling`), where every scale issue is [0, 1].
Red lines are the scenario layer's linear formulas (:func:`detente.scenario.expr.to_linear`).
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import numpy.typing as npt

from detente.errors import InputError
from detente.readiness.scaling import Scaled, from_scaled, scale_problem, to_scaled
from detente.scenario.expr import Formula, LinAtom, atoms, map_atoms
from detente.scenario.loader import position_in_file
from detente.scenario.paths import Judgment

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = ["PARAMETER_PATHS_DOC", "THETA", "Problem", "RedLine", "compile_problem"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

PARAMETER_PATHS_DOC = """\
Parameters (scalar judgments) are addressed by their scenario path:

- ``actors.A.no_deal.cost``                 cost of fighting on, in [0, 1];
- ``actors.A.no_deal.outcome.ISSUE``        expected no-deal value (option issues: 0-based rank);
- ``actors.A.salience.ISSUE``               salience, in [0, 1];
- ``actors.A.positions.ISSUE``              ideal point (option issues: 0-based rank);
- ``actors.A.capability``                   capability (Nash weights only);
- ``issues.ISSUE.status_quo``               status quo (option issues: 0-based rank);
- ``actors.A.red_lines.J.threshold``        the named threshold of red line J (0-based, in file
  order): the number the rule calls ``threshold`` (``rule: territory >= threshold``);
- ``actors.A.red_lines.J.active``           whether red line J holds (1) or is absent (0).

Only veto actors enter the margin; paths of other actors and of facts are accepted and ignored.
A red line's number is a judgment only when the analyst names it (``threshold:``): then a
what-if, the timeline, Monte Carlo and the levers all address it by the same path, and it moves
every atom of the rule it appears in.  Unnamed numbers of a rule are part of the rule.
"""

#: The key of a named threshold in a red line's template formula (the rule's name for it).
THETA = "threshold"


def instantiate(template: Formula, theta: float) -> Formula:
    """The red line's formula with its named threshold at ``theta``: each atom
    ``a.x + c theta  sense  b`` becomes ``a.x  sense  b - c theta`` (structure kept)."""

    def fix(atom: LinAtom) -> Formula:
        c = atom.coef.get(THETA, 0.0)
        if c == 0.0:
            return atom
        coef = {k: v for k, v in atom.coef.items() if k != THETA}
        return LinAtom(coef, atom.sense, atom.rhs - c * theta)

    return map_atoms(template, fix)


@dataclass(frozen=True)
class RedLine:
    """A red line of a veto actor: its linear formula (issue units) at its named threshold.

    ``template`` is the rule with the named threshold kept as a variable (key :data:`THETA`),
    ``None`` when the rule names none; ``formula`` is the template at ``threshold``.
    """

    actor: int
    index: int
    rule: str
    label: str
    formula: Formula
    prefix: str  # actors.A.red_lines.J
    template: Formula | None = None
    threshold: float | None = None

    @property
    def threshold_path(self) -> str | None:
        """``actors.A.red_lines.J.threshold`` when the rule names a threshold."""
        return None if self.template is None else f"{self.prefix}.threshold"

    @property
    def active_path(self) -> str:
        """``actors.A.red_lines.J.active``."""
        return f"{self.prefix}.active"

    def describe(self, actor_ids: Sequence[str]) -> str:
        return f"{actor_ids[self.actor]}: {self.label or self.rule}"

    def with_threshold(self, theta: float) -> RedLine:
        """A copy with the named threshold at ``theta`` (issue units)."""
        assert self.template is not None
        formula = instantiate(self.template, theta)
        return dataclasses.replace(self, formula=formula, threshold=float(theta))

    def threshold_range(
        self, low: FloatArray, high: FloatArray, index: Mapping[str, int]
    ) -> tuple[float, float]:
        """The values of the threshold over which some atom changes within the issues' box
        (the hull, widened to hold the current value): the range a lever searches."""
        assert self.template is not None and self.threshold is not None
        lo, hi = self.threshold, self.threshold
        for atom in atoms(self.template):
            c = atom.coef.get(THETA, 0.0)
            if c == 0.0:
                continue
            rest = LinAtom({k: v for k, v in atom.coef.items() if k != THETA}, atom.sense, 0.0)
            box_lo, box_hi = _atom_range(rest, low, high, index)
            ends = sorted(((atom.rhs - box_hi) / c, (atom.rhs - box_lo) / c))
            lo, hi = min(lo, ends[0]), max(hi, ends[1])
        return lo, hi


# --------------------------------------------------------------------------------------------
# The problem
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Problem:
    """The numeric readiness problem of the veto actors (frozen; arrays are not to be mutated).

    Shapes: ``K`` issues, ``A`` veto actors, ``J`` = the largest number of options (1 if none).
    Option issues are in rank units: low 0, high ``n_k - 1``.
    """

    issues: tuple[str, ...]
    issue_labels: tuple[str, ...]
    units: tuple[str | None, ...]
    options: tuple[tuple[str, ...], ...]  # () for scale issues
    low: FloatArray  # (K,)
    high: FloatArray  # (K,)
    status_quo: FloatArray  # (K,)
    actors: tuple[str, ...]
    actor_names: tuple[str, ...]
    capability: FloatArray  # (A,)
    salience: FloatArray  # (A, K); 0 where the actor has no position
    has_position: BoolArray  # (A, K)
    position: FloatArray  # (A, K); NaN where no position
    values: FloatArray  # (A, K, J); NaN where the actor gives no explicit value
    has_no_deal: BoolArray  # (A,)
    nd_outcome: FloatArray  # (A, K); NaN = the issue stays at the status quo
    cost: FloatArray  # (A,)
    red_lines: tuple[RedLine, ...] = ()
    #: red lines of veto actors that are not active (``active: false``): absent from every
    #: analysis, kept so that a parameter can turn them on again
    inactive: tuple[RedLine, ...] = ()

    # ---- shape helpers ------------------------------------------------------------------
    @property
    def n_issues(self) -> int:
        return len(self.issues)

    @property
    def n_actors(self) -> int:
        return len(self.actors)

    @property
    def is_option(self) -> BoolArray:
        return np.array([len(o) > 0 for o in self.options], dtype=bool)

    @property
    def n_options(self) -> npt.NDArray[np.int64]:
        return np.array([len(o) for o in self.options], dtype=np.int64)

    @functools.cached_property
    def scaled(self) -> Scaled:
        """The problem in normalised units (every scale issue on [0, 1]), as solvers see it."""
        return scale_problem(self)

    def to_scaled(self, x: npt.ArrayLike) -> FloatArray:
        """Outcomes (..., K) in issue units -> normalised units."""
        return to_scaled(np.asarray(x, dtype=float), self.low, self.high, self.is_option)

    def from_scaled(self, xi: npt.ArrayLike) -> FloatArray:
        """Outcomes (..., K) in normalised units -> issue units."""
        return from_scaled(np.asarray(xi, dtype=float), self.low, self.high, self.is_option)

    # ---- utilities ----------------------------------------------------------------------
    def weights(self) -> FloatArray:
        """W (A, K): salience shares over positioned issues (0 for an indifferent actor)."""
        return weights(self.salience)

    def option_table(self) -> FloatArray:
        """Closeness g_ik of every option j (A, K, J); NaN for j >= n_k and for scale issues."""
        return option_table(self.position, self.values, self.options)

    def utility(self, x: npt.ArrayLike) -> FloatArray:
        """u_i(x) for outcomes of shape (..., K) in issue units -> (..., A)."""
        return self.scaled_utility(self.to_scaled(x))

    def scaled_utility(self, xi: npt.ArrayLike) -> FloatArray:
        """u_i for outcomes (..., K) in normalised units -> (..., A).

        Accumulated issue by issue (a handful) so that no (..., A, K) array is built: for a
        million outcomes this is memory-bound and several times faster than the closeness
        tensor.
        """
        xa = np.asarray(xi, dtype=float)
        W = self.weights()
        table = self.option_table() if self.is_option.any() else None
        pos = self.scaled.position
        u = np.zeros((*xa.shape[:-1], self.n_actors))
        for k in range(self.n_issues):
            has = W[:, k] != 0.0
            if not has.any():
                continue
            if self.options[k]:
                assert table is not None
                idx = np.clip(np.rint(xa[..., k]), 0, len(self.options[k]) - 1).astype(np.int64)
                u += np.nan_to_num(table[:, k, :], nan=0.0).T[idx] * W[:, k]
            else:
                p = np.where(has, pos[:, k], 0.0)
                u += W[:, k] - np.abs(xa[..., k, None] - p) * W[:, k]
        return u

    def no_deal_outcome(self) -> FloatArray:
        """e_i (A, K): the no-deal outcome with unnamed issues at the status quo."""
        return np.where(np.isnan(self.nd_outcome), self.status_quo[None, :], self.nd_outcome)

    def reservation(self) -> FloatArray:
        """r_i = u_i(e_i) - kappa_i (A,)."""
        e = self.scaled.no_deal_outcome
        u = self.scaled_utility(e)  # (A, A): row = outcome of actor a', column = actor a
        return np.asarray(np.diagonal(u) - self.cost)

    def describe_value(self, k: int, value: float) -> str:
        """An issue value as an analyst reads it (option name, or number with unit)."""
        if self.options[k]:
            j = int(np.clip(round(value), 0, len(self.options[k]) - 1))
            return self.options[k][j]
        if abs(value) / 2 < 1e-4 * (self.high[k] / 2 - self.low[k] / 2):
            value = 0.0  # solver noise around zero
        text = f"{value + 0.0:.4g}"
        return f"{text} {self.units[k]}" if self.units[k] else text

    # ---- judgments ----------------------------------------------------------------------
    def parameters(self) -> dict[str, Judgment]:
        """Every scalar judgment the margin depends on, by path, with its valid range.

        Numbers are in issue units.  A position or no-deal outcome on an option issue is an
        ``option`` judgment (value: the option's name); a named red-line threshold is a number
        whose range is where it changes the red line within the issues' box; a red line's
        activity is a ``bool`` judgment.
        """
        out: dict[str, Judgment] = {}
        index = {issue: k for k, issue in enumerate(self.issues)}

        def add(path: str, value: float, k: int | None, actor: str, *, option: bool) -> None:
            low, high = (0.0, 1.0) if k is None else (float(self.low[k]), float(self.high[k]))
            if option and k is not None:
                name = self.options[k][int(np.clip(round(value), 0, len(self.options[k]) - 1))]
                out[path] = Judgment(
                    path, "option", name, low, high, self.options[k], self.issues[k], actor
                )
                return
            issue = None if k is None else self.issues[k]
            out[path] = Judgment(path, "number", float(value), low, high, None, issue, actor)

        for a, actor in enumerate(self.actors):
            pre = f"actors.{actor}"
            if self.has_no_deal[a]:
                add(f"{pre}.no_deal.cost", self.cost[a], None, actor, option=False)
                for k, issue in enumerate(self.issues):
                    if not math.isnan(self.nd_outcome[a, k]):
                        path = f"{pre}.no_deal.outcome.{issue}"
                        add(path, self.nd_outcome[a, k], k, actor, option=bool(self.options[k]))
            for k, issue in enumerate(self.issues):
                if self.has_position[a, k]:
                    add(f"{pre}.salience.{issue}", self.salience[a, k], None, actor, option=False)
                    path = f"{pre}.positions.{issue}"
                    add(path, self.position[a, k], k, actor, option=bool(self.options[k]))
        for rl in sorted((*self.red_lines, *self.inactive), key=lambda r: (r.actor, r.index)):
            actor = self.actors[rl.actor]
            active = any(r is rl for r in self.red_lines)
            out[rl.active_path] = Judgment(rl.active_path, "bool", active, actor=actor)
            named = rl.threshold_path
            if named is not None and rl.threshold is not None:
                lo, hi = rl.threshold_range(self.low, self.high, index)
                out[named] = Judgment(named, "number", rl.threshold, lo, hi, actor=actor)
        return out

    def is_discrete(self, judgment: Judgment) -> bool:
        """Whether a judgment only takes whole ranks (it lies on an option issue)."""
        return judgment.issue is not None and bool(self.options[self.issues.index(judgment.issue)])

    def with_params(self, params: Mapping[str, float]) -> Problem:
        """A copy with the given parameters (by path, issue units) replaced; paths the margin
        ignores (facts, non-veto actors) pass.

        Raises
        ------
        detente.errors.InputError
            A path that is neither a parameter of this problem nor one the margin ignores.
        """
        if not params:
            return self
        arrays: dict[str, Any] = {
            "salience": self.salience.copy(),
            "position": self.position.copy(),
            "nd_outcome": self.nd_outcome.copy(),
            "cost": self.cost.copy(),
            "status_quo": self.status_quo.copy(),
            "capability": self.capability.copy(),
        }
        lines = {(r.actor, r.index): r for r in self.red_lines}
        dormant = {(r.actor, r.index): r for r in self.inactive}
        for path, value in params.items():
            target = locate(self, path)
            if target is None:
                continue
            field, index = target
            if field == "threshold":
                where = lines if index in lines else dormant
                where[index] = where[index].with_threshold(float(value))
            elif field == "active":
                if float(value) >= 0.5 and index in dormant:
                    lines[index] = dormant.pop(index)
                elif float(value) < 0.5 and index in lines:
                    dormant[index] = lines.pop(index)
            else:
                arrays[field][index] = float(value)
        return dataclasses.replace(
            self,
            red_lines=tuple(lines[k] for k in sorted(lines)),
            inactive=tuple(dormant[k] for k in sorted(dormant)),
            **arrays,
        )


def _atom_range(
    atom: LinAtom, low: FloatArray, high: FloatArray, index: Mapping[str, int]
) -> tuple[float, float]:
    """The range of ``sum_k a_k x_k`` over the issues' box (exact, clamped to finite floats)."""
    lo = hi = Fraction(0)
    for name, c in atom.coef.items():
        k = index[name]
        ends = (Fraction(c) * Fraction(float(low[k])), Fraction(c) * Fraction(float(high[k])))
        lo, hi = lo + min(ends), hi + max(ends)
    big = Fraction(np.finfo(float).max)
    return float(max(lo, -big)), float(min(hi, big))


def locate(problem: Problem, path: str) -> tuple[str, Any] | None:
    """(field, index) of a parameter path in the problem's arrays; ``("threshold", (a, j))``
    and ``("active", (a, j))`` for red line j (file index) of veto actor a; None if the margin
    ignores the path."""
    parts = path.split(".")
    bad = InputError(f"'{path}' is not a judgment of the readiness problem", path=path)
    if parts[0] in ("facts", "uncertainty"):
        return None
    if parts[0] == "issues":
        if len(parts) == 3 and parts[2] == "status_quo" and parts[1] in problem.issues:
            return "status_quo", problem.issues.index(parts[1])
        if len(parts) >= 2 and parts[1] in problem.issues:
            return None
        raise bad
    if parts[0] != "actors" or len(parts) < 3:
        raise bad
    if parts[1] not in problem.actors:
        return None  # a non-veto actor (or an actor this problem does not model)
    a = problem.actors.index(parts[1])
    what, rest = parts[2], parts[3:]
    if what == "capability" and not rest:
        return "capability", a
    if what == "no_deal" and rest == ["cost"]:
        return "cost", a
    if what in ("salience", "positions") and len(rest) == 1 and rest[0] in problem.issues:
        field = "salience" if what == "salience" else "position"
        return field, (a, problem.issues.index(rest[0]))
    if what == "no_deal" and len(rest) == 2 and rest[0] == "outcome" and rest[1] in problem.issues:
        return "nd_outcome", (a, problem.issues.index(rest[1]))
    if what == "red_lines" and len(rest) == 2:
        for rl in (*problem.red_lines, *problem.inactive):
            if rl.actor == a and str(rl.index) == rest[0]:
                if rest[1] == "active":
                    return "active", (a, rl.index)
                if rest[1] == "threshold" and rl.template is not None:
                    return "threshold", (a, rl.index)
    if what in ("preconditions", "considerations", "veto", "role", "supports", "name"):
        return None
    raise bad


# --------------------------------------------------------------------------------------------
# Array kernels (batched over leading dimensions)
# --------------------------------------------------------------------------------------------


def weights(salience: FloatArray) -> FloatArray:
    """Salience shares over the last axis (0 where an actor's saliences are all 0)."""
    total = salience.sum(axis=-1, keepdims=True)
    out: FloatArray = np.divide(salience, total, out=np.zeros_like(salience), where=total > 0)
    return out


def option_table(
    position: FloatArray, values: FloatArray, options: Sequence[tuple[str, ...]]
) -> FloatArray:
    """(..., A, K, J) closeness per option: explicit values, else 1 - |j - rank| / (n - 1)."""
    J = values.shape[-1]
    n = np.array([len(o) for o in options], dtype=float)  # (K,)
    j = np.arange(J, dtype=float)
    denom = np.where(n > 1, n - 1, 1.0)[:, None]  # (K, 1)
    dist = 1.0 - np.abs(j[None, :] - position[..., None]) / denom  # (..., A, K, J)
    table = np.where(np.isnan(values), dist, values)
    valid = (j[None, :] < n[:, None]) & (n[:, None] > 0)  # (K, J)
    return np.where(valid, table, np.nan)


# --------------------------------------------------------------------------------------------
# Compiling a scenario
# --------------------------------------------------------------------------------------------


def _red_line(scenario: Scenario, a: int, aid: str, j: int) -> RedLine:
    from detente.scenario import expr as ex

    rl = scenario.actors[aid].red_lines[j]
    prefix = f"actors.{aid}.red_lines.{j}"
    try:
        if rl.threshold is not None:
            template = ex.to_linear(rl.template)
            formula = instantiate(template, rl.threshold)
            return RedLine(
                a, j, rl.rule, rl.label or rl.rule, formula, prefix, template, rl.threshold
            )
        formula = ex.to_linear(rl.expr)
    except ex.ExprError as exc:
        raise InputError(
            f"red line '{rl.rule}' is not linear in the issues: {exc.message}; "
            "red lines must be linear (sums of numbers times issues compared with a "
            "number, joined by and/or/not)",
            path=f"{prefix}.rule",
            file=scenario.filename,
            line=position_in_file(scenario, ("actors", aid, "red_lines", j, "rule"))[0],
        ) from exc
    return RedLine(a, j, rl.rule, rl.label or rl.rule, formula, prefix)


def compile_problem(scenario: Scenario) -> Problem:
    """Compile a scenario's veto actors, issues and red lines into a :class:`Problem`.

    Raises
    ------
    detente.errors.InputError
        A red line that is not linear in the issues (the message of the expression module, with
        the file and line of the rule when the loader recorded them).
    """
    issue_ids = tuple(scenario.issues)
    issues = [scenario.issues[k] for k in issue_ids]
    K = len(issues)
    J = max([1, *(i.n_options for i in issues)])
    veto = scenario.veto_actors
    A = len(veto)
    salience = np.zeros((A, K))
    has_pos = np.zeros((A, K), dtype=bool)
    position = np.full((A, K), np.nan)
    values = np.full((A, K, J), np.nan)
    nd = np.full((A, K), np.nan)
    cost = np.zeros(A)
    has_nd = np.zeros(A, dtype=bool)
    red_lines: list[RedLine] = []
    inactive: list[RedLine] = []
    for a, aid in enumerate(veto):
        actor = scenario.actors[aid]
        for k, issue in enumerate(issues):
            iid = issue_ids[k]
            if iid in actor.positions:
                has_pos[a, k] = True
                position[a, k] = issue.to_number(actor.positions[iid])
                salience[a, k] = float(actor.salience.get(iid, 0.5))
            if iid in actor.values and issue.options is not None:
                for opt, v in actor.values[iid].items():
                    values[a, k, issue.rank(opt)] = float(v)
        if actor.no_deal is not None:
            has_nd[a] = True
            cost[a] = float(actor.no_deal.cost)
            for nd_issue, nd_value in actor.no_deal.outcome.items():
                kk = issue_ids.index(nd_issue)
                nd[a, kk] = issues[kk].to_number(nd_value)
        for j, line in enumerate(actor.red_lines):
            (red_lines if line.active else inactive).append(_red_line(scenario, a, aid, j))
    return Problem(
        issues=issue_ids,
        issue_labels=tuple(i.label for i in issues),
        units=tuple(i.unit for i in issues),
        options=tuple(tuple(i.options) if i.options is not None else () for i in issues),
        low=np.array([i.low for i in issues], dtype=float),
        high=np.array([i.high for i in issues], dtype=float),
        status_quo=np.array([i.to_number(i.status_quo) for i in issues], dtype=float),
        actors=veto,
        actor_names=tuple(scenario.actors[a].name for a in veto),
        capability=np.array([scenario.actors[a].capability for a in veto], dtype=float),
        salience=salience,
        has_position=has_pos,
        position=position,
        values=values,
        has_no_deal=has_nd,
        nd_outcome=nd,
        cost=cost,
        red_lines=tuple(red_lines),
        inactive=tuple(inactive),
    )
