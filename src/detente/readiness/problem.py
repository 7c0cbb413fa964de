"""The readiness problem compiled to arrays: utilities, reservation values, red lines, parameters.

A :class:`Problem` holds, for the veto actors of a scenario, everything the negotiability margin
needs (docs/models.md §1-§2), as NumPy arrays, so that solvers, levers and Monte Carlo never go
back to the YAML.  Scalar judgments are addressed by their scenario path (see
:data:`PARAMETER_PATHS_DOC`) and can be changed cheaply with :meth:`Problem.with_params`, or for
many parameter sets at once with :func:`batch_arrays`.

Utility (docs/models.md §1; the linear-additive utility of NegMAS/GENIUS with spatial closeness):

.. math:: u_i(x) = \\sum_k w_{ik} g_{ik}(x_k), \\qquad w_{ik} = s_{ik} / \\sum_k s_{ik},

with :math:`g_{ik}(x_k) = 1 - |x_k - x_{ik}| / R_k` on scale issues and, on option issues, the
actor's ``values`` or :math:`1 - |\\mathrm{rank}(x_k) - \\mathrm{rank}(x_{ik})| / (n_k - 1)`.
Reservation values are :math:`r_i = u_i(e_i) - \\kappa_i` (no-deal outcome :math:`e_i`, issues it
does not name at the status quo; cost :math:`\\kappa_i`), or :math:`u_i(\\text{status quo})`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from detente.errors import InputError
from detente.scenario.loader import position_in_file

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = [
    "PARAMETER_PATHS_DOC",
    "And",
    "Atom",
    "BatchArrays",
    "Formula",
    "Or",
    "Parameter",
    "Problem",
    "RedLineC",
    "Truth",
    "batch_arrays",
    "compile_problem",
    "evaluate_formula",
    "formula_atoms",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
Sense: TypeAlias = Literal["<=", "<", "=="]

PARAMETER_PATHS_DOC = """\
Parameters (scalar judgments) are addressed by their scenario path:

- ``actors.A.no_deal.cost``                 cost of fighting on, in [0, 1];
- ``actors.A.no_deal.outcome.ISSUE``        expected no-deal value (option issues: 0-based rank);
- ``actors.A.salience.ISSUE``               salience, in [0, 1];
- ``actors.A.positions.ISSUE``              ideal point (option issues: 0-based rank);
- ``actors.A.capability``                   capability (Nash weights only);
- ``issues.ISSUE.status_quo``               status quo (option issues: 0-based rank);
- ``actors.A.red_lines.J.rhs``              threshold of red line J (0-based) when its linear
  form has one atom; ``actors.A.red_lines.J.rhs.M`` for the M-th atom otherwise.  For an atom on a
  single issue the threshold is the boundary value in the issue's units (``territory >= 80`` has
  threshold 80); for an atom on several issues it is the right-hand side of
  ``sum_k a_k x_k <= b`` as normalised by :func:`detente.scenario.expr.to_linear`.

Only veto actors enter the margin; paths of other actors and of facts are accepted and ignored.
"""


# --------------------------------------------------------------------------------------------
# Red lines as linear formulas over the issue vector (option issues in rank units)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Atom:
    """``coef . x  sense  rhs`` with ``rhs = theta * unit`` (``theta`` the threshold parameter).

    ``path`` names the threshold parameter; ``unit`` is the coefficient of the single issue the
    atom bounds (so that ``theta`` is a value of that issue), or 1 for atoms on several issues.
    """

    coef: tuple[float, ...]
    sense: Sense
    rhs: float
    path: str = ""
    unit: float = 1.0

    @property
    def theta(self) -> float:
        return self.rhs / self.unit

    @property
    def issues(self) -> tuple[int, ...]:
        return tuple(k for k, c in enumerate(self.coef) if c != 0.0)


@dataclass(frozen=True)
class And:
    parts: tuple[Formula, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Formula, ...]


@dataclass(frozen=True)
class Truth:
    value: bool


Formula: TypeAlias = Atom | And | Or | Truth


def formula_atoms(formula: Formula) -> list[Atom]:
    """The atoms of a formula in depth-first order."""
    if isinstance(formula, Atom):
        return [formula]
    if isinstance(formula, And | Or):
        out: list[Atom] = []
        for part in formula.parts:
            out.extend(formula_atoms(part))
        return out
    return []


def _map_atoms(formula: Formula, fn: Any) -> Formula:
    if isinstance(formula, Atom):
        return fn(formula)  # type: ignore[no-any-return]
    if isinstance(formula, And):
        return And(tuple(_map_atoms(p, fn) for p in formula.parts))
    if isinstance(formula, Or):
        return Or(tuple(_map_atoms(p, fn) for p in formula.parts))
    return formula


def evaluate_formula(formula: Formula, x: FloatArray, *, tol: float = 1e-9) -> BoolArray:
    """Whether outcomes ``x`` (shape ``(..., K)``) satisfy the formula (vectorised)."""
    shape = x.shape[:-1]
    if isinstance(formula, Truth):
        return np.full(shape, formula.value)
    if isinstance(formula, Atom):
        lhs = x @ np.asarray(formula.coef, dtype=float)
        scale = tol * (1.0 + abs(formula.rhs))
        if formula.sense == "<=":
            return np.asarray(lhs <= formula.rhs + scale)
        if formula.sense == "<":
            return np.asarray(lhs < formula.rhs - scale)
        return np.asarray(np.abs(lhs - formula.rhs) <= scale)
    parts = [evaluate_formula(p, x, tol=tol) for p in formula.parts]
    if isinstance(formula, And):
        return np.logical_and.reduce(parts) if parts else np.ones(shape, dtype=bool)
    return np.logical_or.reduce(parts) if parts else np.zeros(shape, dtype=bool)


@dataclass(frozen=True)
class RedLineC:
    """A compiled red line of a veto actor."""

    actor: int
    index: int
    rule: str
    label: str
    formula: Formula

    def describe(self, actor_ids: Sequence[str]) -> str:
        return f"{actor_ids[self.actor]}: {self.label or self.rule}"


@dataclass(frozen=True)
class Parameter:
    """A scalar judgment the margin depends on, with its valid range."""

    path: str
    value: float
    low: float
    high: float
    kind: str  # cost | no_deal | salience | position | red_line | status_quo | capability
    actor: str | None
    issue: str | None
    discrete: bool = False  # an option rank: only integer values are meaningful


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
    red_lines: tuple[RedLineC, ...] = ()

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

    @property
    def range(self) -> FloatArray:
        return self.high - self.low

    # ---- utilities ----------------------------------------------------------------------
    def weights(self) -> FloatArray:
        """W (A, K): salience shares over positioned issues (0 for an indifferent actor)."""
        return _weights(self.salience)

    def option_table(self) -> FloatArray:
        """Closeness g_ik of every option j (A, K, J); NaN for j >= n_k and for scale issues."""
        return _option_table(self.position, self.values, self.options)

    def closeness(self, x: npt.ArrayLike) -> FloatArray:
        """g_ik(x_k) for outcomes ``x`` of shape (..., K) -> (..., A, K); 0 where no position."""
        xa = np.asarray(x, dtype=float)
        return _closeness(xa, self.position, self.option_table(), self.range, self.is_option)

    def utility(self, x: npt.ArrayLike) -> FloatArray:
        """u_i(x) for outcomes of shape (..., K) -> (..., A).

        Accumulated issue by issue (a handful) so that no (..., A, K) array is built: for a
        million outcomes this is memory-bound and several times faster than the closeness
        tensor.
        """
        xa = np.asarray(x, dtype=float)
        W = self.weights()
        table = self.option_table() if self.is_option.any() else None
        u = np.zeros((*xa.shape[:-1], self.n_actors))
        rng = self.range
        for k in range(self.n_issues):
            xk = xa[..., k, None]  # (..., 1)
            has = W[:, k] != 0.0
            if not has.any():
                continue
            if self.options[k]:
                assert table is not None
                idx = np.clip(np.rint(xa[..., k]), 0, len(self.options[k]) - 1).astype(np.int64)
                g = np.nan_to_num(table[:, k, :], nan=0.0).T[idx]  # (..., A)
                u += g * W[:, k]
            else:
                pos = np.where(has, self.position[:, k], 0.0)
                u += W[:, k] - np.abs(xk - pos) * (W[:, k] / rng[k])
        return u

    def no_deal_outcome(self) -> FloatArray:
        """e_i (A, K): the no-deal outcome with unnamed issues at the status quo."""
        return np.where(np.isnan(self.nd_outcome), self.status_quo[None, :], self.nd_outcome)

    def reservation(self) -> FloatArray:
        """r_i = u_i(e_i) - kappa_i (A,)."""
        e = self.no_deal_outcome()
        u = self.utility(e)  # (A, A): row = outcome of actor a', column = actor a
        return np.asarray(np.diagonal(u) - self.cost)

    def red_line_formula(self, indices: Sequence[int] | None = None) -> Formula:
        """The conjunction of the given red lines (all by default)."""
        chosen = self.red_lines if indices is None else [self.red_lines[i] for i in indices]
        return And(tuple(r.formula for r in chosen))

    def describe_value(self, k: int, value: float) -> str:
        """An issue value as an analyst reads it (option name, or number with unit)."""
        if self.options[k]:
            j = int(np.clip(round(value), 0, len(self.options[k]) - 1))
            return self.options[k][j]
        if abs(value) < 1e-4 * float(self.range[k]):
            value = 0.0  # solver noise around zero
        text = f"{value + 0.0:.4g}"
        return f"{text} {self.units[k]}" if self.units[k] else text

    # ---- parameters ---------------------------------------------------------------------
    def parameters(self) -> dict[str, Parameter]:
        """Every scalar judgment the margin depends on, by path, with its valid range."""
        out: dict[str, Parameter] = {}
        opt = self.is_option
        for a, actor in enumerate(self.actors):
            pre = f"actors.{actor}"
            if self.has_no_deal[a]:
                out[f"{pre}.no_deal.cost"] = Parameter(
                    f"{pre}.no_deal.cost", float(self.cost[a]), 0.0, 1.0, "cost", actor, None
                )
                for k, issue in enumerate(self.issues):
                    if not math.isnan(self.nd_outcome[a, k]):
                        p = f"{pre}.no_deal.outcome.{issue}"
                        out[p] = Parameter(
                            p,
                            float(self.nd_outcome[a, k]),
                            float(self.low[k]),
                            float(self.high[k]),
                            "no_deal",
                            actor,
                            issue,
                            bool(opt[k]),
                        )
            for k, issue in enumerate(self.issues):
                if not self.has_position[a, k]:
                    continue
                p = f"{pre}.salience.{issue}"
                out[p] = Parameter(
                    p, float(self.salience[a, k]), 0.0, 1.0, "salience", actor, issue
                )
                p = f"{pre}.positions.{issue}"
                out[p] = Parameter(
                    p,
                    float(self.position[a, k]),
                    float(self.low[k]),
                    float(self.high[k]),
                    "position",
                    actor,
                    issue,
                    bool(opt[k]),
                )
        for rl in self.red_lines:
            for atom in formula_atoms(rl.formula):
                if not atom.path:
                    continue
                ks = atom.issues
                if len(ks) == 1:
                    k = ks[0]
                    lo, hi = float(self.low[k]), float(self.high[k])
                    rl_issue: str | None = self.issues[k]
                else:
                    c = np.asarray(atom.coef)
                    lo = float(np.sum(np.minimum(c * self.low, c * self.high)))
                    hi = float(np.sum(np.maximum(c * self.low, c * self.high)))
                    rl_issue = None
                out[atom.path] = Parameter(
                    atom.path,
                    atom.theta,
                    lo,
                    hi,
                    "red_line",
                    self.actors[rl.actor],
                    rl_issue,
                    len(ks) == 1 and bool(opt[ks[0]]),
                )
        return out

    def with_params(self, params: Mapping[str, float]) -> Problem:
        """A copy with the given parameters (by path) replaced; unknown-but-harmless paths pass.

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
        rhs_changes: dict[str, float] = {}
        for path, value in params.items():
            target = _locate(self, path)
            if target is None:
                continue
            field, index = target
            if field == "rhs":
                rhs_changes[path] = float(value)
            else:
                arrays[field][index] = float(value)
        red_lines = self.red_lines
        if rhs_changes:

            def fix(atom: Atom) -> Atom:
                if atom.path in rhs_changes:
                    return dataclasses.replace(atom, rhs=rhs_changes[atom.path] * atom.unit)
                return atom

            red_lines = tuple(
                dataclasses.replace(r, formula=_map_atoms(r.formula, fix)) for r in red_lines
            )
        return dataclasses.replace(self, red_lines=red_lines, **arrays)


def _locate(problem: Problem, path: str) -> tuple[str, Any] | None:
    """(field, index) of a parameter path in the problem's arrays; None if the margin ignores it."""
    parts = path.split(".")
    bad = InputError(f"'{path}' is not a judgment of the readiness problem", path=path)
    if parts[0] == "facts" or parts[0] == "uncertainty":
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
    what = parts[2]
    if what == "capability" and len(parts) == 3:
        return "capability", a
    if what == "no_deal" and len(parts) == 4 and parts[3] == "cost":
        return "cost", a
    if what in ("salience", "positions") and len(parts) == 4 and parts[3] in problem.issues:
        return ("salience" if what == "salience" else "position"), (
            a,
            problem.issues.index(parts[3]),
        )
    if (
        what == "no_deal"
        and len(parts) == 5
        and parts[3] == "outcome"
        and parts[4] in problem.issues
    ):
        return "nd_outcome", (a, problem.issues.index(parts[4]))
    if what == "red_lines":
        for rl in problem.red_lines:
            for atom in formula_atoms(rl.formula):
                if atom.path == path:
                    return "rhs", None
    if what in ("preconditions", "considerations", "veto", "role", "supports", "name"):
        return None
    raise bad


# --------------------------------------------------------------------------------------------
# Array kernels (batched over leading dimensions)
# --------------------------------------------------------------------------------------------


def _weights(salience: FloatArray) -> FloatArray:
    total = salience.sum(axis=-1, keepdims=True)
    out: FloatArray = np.divide(salience, total, out=np.zeros_like(salience), where=total > 0)
    return out


def _option_table(
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


def _closeness(
    x: FloatArray, position: FloatArray, table: FloatArray, rng: FloatArray, is_option: BoolArray
) -> FloatArray:
    """g (..., A, K) at outcomes x (..., K); 0 where the actor has no position."""
    xs = x[..., None, :]  # (..., 1, K)
    g_scale = 1.0 - np.abs(xs - position) / rng
    J = table.shape[-1]
    idx = np.clip(np.rint(x), 0, J - 1).astype(np.int64)  # (..., K)
    idx_b = np.broadcast_to(idx[..., None, :, None], (*g_scale.shape, 1))
    tab = np.broadcast_to(table, (*g_scale.shape, J))
    g_opt = np.take_along_axis(tab, idx_b, axis=-1)[..., 0]
    g = np.where(is_option, g_opt, g_scale)
    return np.nan_to_num(g, nan=0.0)


@dataclass(frozen=True)
class BatchArrays:
    """The problem's arrays for D parameter sets at once (leading axis D)."""

    weights: FloatArray  # (D, A, K)
    position: FloatArray  # (D, A, K)
    table: FloatArray  # (D, A, K, J)
    reservation: FloatArray  # (D, A)
    rhs: dict[str, FloatArray]  # red-line threshold path -> (D,) theta values


def batch_arrays(problem: Problem, params: FloatArray, paths: Sequence[str]) -> BatchArrays:
    """Arrays of ``problem`` for every row of ``params`` (D, p), column j setting ``paths[j]``."""
    P = np.asarray(params, dtype=float)
    if P.ndim != 2 or P.shape[1] != len(paths):
        raise InputError(
            f"params must have shape (draws, {len(paths)}), got {P.shape}", path="params"
        )
    D = P.shape[0]
    sal = np.broadcast_to(problem.salience, (D, *problem.salience.shape)).copy()
    pos = np.broadcast_to(problem.position, (D, *problem.position.shape)).copy()
    nd = np.broadcast_to(problem.nd_outcome, (D, *problem.nd_outcome.shape)).copy()
    cost = np.broadcast_to(problem.cost, (D, problem.n_actors)).copy()
    sq = np.broadcast_to(problem.status_quo, (D, problem.n_issues)).copy()
    rhs: dict[str, FloatArray] = {}
    arrays = {"salience": sal, "position": pos, "nd_outcome": nd, "cost": cost, "status_quo": sq}
    for j, path in enumerate(paths):
        target = _locate(problem, path)
        if target is None or target[0] == "capability":
            continue
        field, index = target
        if field == "rhs":
            rhs[path] = P[:, j]
        elif isinstance(index, tuple):
            arrays[field][(slice(None), *index)] = P[:, j]
        else:
            arrays[field][:, index] = P[:, j]
    W = _weights(sal)
    table = _option_table(pos, problem.values, problem.options)
    e = np.where(np.isnan(nd), sq[:, None, :], nd)  # (D, A, K)
    rng = problem.range
    isopt = problem.is_option
    # u_a(e_a): closeness of actor a at its own expected outcome.
    g_scale = 1.0 - np.abs(e - pos) / rng
    J = table.shape[-1]
    idx = np.clip(np.rint(e), 0, J - 1).astype(np.int64)[..., None]
    g_opt = np.take_along_axis(table, idx, axis=-1)[..., 0]
    g = np.nan_to_num(np.where(isopt, g_opt, g_scale), nan=0.0)
    r = np.einsum("dak,dak->da", W, g) - cost
    return BatchArrays(weights=W, position=pos, table=table, reservation=r, rhs=rhs)


# --------------------------------------------------------------------------------------------
# Compiling a scenario
# --------------------------------------------------------------------------------------------


def _convert_formula(
    formula: Any, issues: Sequence[str], path_prefix: str, counter: list[int]
) -> Formula:
    """Convert a ``detente.scenario.expr`` linear Formula into this module's tree."""
    from detente.scenario import expr as ex

    if isinstance(formula, ex.Const):
        return Truth(bool(formula.value))
    if isinstance(formula, ex.All):
        return And(tuple(_convert_formula(p, issues, path_prefix, counter) for p in formula.parts))
    if isinstance(formula, ex.AnyOf):
        return Or(tuple(_convert_formula(p, issues, path_prefix, counter) for p in formula.parts))
    if isinstance(formula, ex.LinAtom):
        coef = [0.0] * len(issues)
        for name, c in formula.coef.items():
            coef[issues.index(name)] += float(c)
        sense = str(formula.sense)
        rhs = float(formula.rhs)
        if sense in (">=", ">"):  # defensive: normalise to <= / <
            coef = [-c for c in coef]
            rhs = -rhs
            sense = "<=" if sense == ">=" else "<"
        nz = [c for c in coef if c != 0.0]
        unit = nz[0] if len(nz) == 1 else 1.0
        counter[0] += 1
        return Atom(tuple(coef), sense, rhs, f"{path_prefix}#{counter[0] - 1}", unit)  # type: ignore[arg-type]
    raise TypeError(f"unexpected formula node {formula!r}")


def _name_atoms(formula: Formula, prefix: str) -> Formula:
    atoms = formula_atoms(formula)
    if len(atoms) == 1:
        names = {atoms[0].path: f"{prefix}.rhs"}
    else:
        names = {a.path: f"{prefix}.rhs.{m}" for m, a in enumerate(atoms)}
    return _map_atoms(formula, lambda a: dataclasses.replace(a, path=names[a.path]))


def compile_problem(scenario: Scenario) -> Problem:
    """Compile a scenario's veto actors, issues and red lines into a :class:`Problem`.

    Raises
    ------
    detente.errors.InputError
        A red line that is not linear in the issues (the message of the expression module, with
        the file and line of the rule when the loader recorded them).
    """
    from detente.scenario import expr as ex

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
    red_lines: list[RedLineC] = []
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
        for j, rl in enumerate(actor.red_lines):
            prefix = f"actors.{aid}.red_lines.{j}"
            try:
                lin = ex.to_linear(rl.expr)
            except ex.ExprError as exc:
                raise InputError(
                    f"red line '{rl.rule}' is not linear in the issues: {exc.message}; "
                    "red lines must be linear (sums of numbers times issues compared with a "
                    "number, joined by and/or/not)",
                    path=f"{prefix}.rule",
                    file=scenario.filename,
                    line=position_in_file(scenario, ("actors", aid, "red_lines", j, "rule"))[0],
                ) from exc
            formula = _name_atoms(_convert_formula(lin, issue_ids, prefix, [0]), prefix)
            red_lines.append(RedLineC(a, j, rl.rule, rl.label or rl.rule, formula))
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
    )
