"""The negotiability margin m* and the closest deal x*, solved exactly with HiGHS.

docs/models.md §2: with veto actors V,

.. math:: m^* = \\max_{x \\in X,\\ x \\models \\text{red lines}} \\ \\min_{i \\in V} (u_i(x) - r_i).

Formulation (one LP, or a MILP when needed): variables ``x_k`` (issue values; option issues in
rank units), ``t``, distances ``d_ik >= |x_k - x_ik|`` for every veto actor with a position on a
scale issue, and for every option issue one binary ``z_kj`` per option with ``sum_j z_kj = 1``,
``x_k = sum_j j z_kj`` and closeness ``g_ik = sum_j table_ikj z_kj`` (linear in ``z``).  Maximise
``t`` subject to ``sum_k w_ik (1 - d_ik / R_k) + (option terms) - r_i >= t`` for every veto actor.

Red lines are linear formulas (:mod:`detente.readiness.problem`).  Conjunctions of atoms become
rows; a disjunction ``A or B`` gets one binary per branch, at least one of them on, and each atom
of a branch is imposed only when its binary is on through big-M rows
``a.x - b <= M (1 - y)`` with ``M = max_{x in box} a.x - b`` from the issue bounds (so M is as
small as it can be and never too small).  A strict inequality ``a.x < b`` is imposed as
``a.x <= b - eps`` with ``eps = 1e-7 (1 + max |a.x - b| over the box)``; when every coefficient
is an integer on an option issue (ranks are integers), exactly as ``a.x <= ceil(b) - 1``.

HiGHS (Huangfu & Hall 2018) is reached through :func:`scipy.optimize.milp`, which solves a pure
LP when no variable is integral.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, milp

from detente.readiness.problem import And, Atom, Formula, Or, Problem, Truth

__all__ = ["MarginResult", "exact_margin", "feasible", "solve_model"]

FloatArray: TypeAlias = npt.NDArray[np.float64]

STRICT_EPS = 1e-7
#: m* at or above minus this counts as a ZOPA: strict inequalities are tightened by
#: ``STRICT_EPS * (1 + range)``, so a ZOPA at the boundary of a strict red line shows as a margin a
#: little below zero; anything within this tolerance is that boundary, not a gap.
ZOPA_TOL = 1e-6


@dataclass
class _Model:
    """A small row-wise MILP builder (the problems have tens of variables)."""

    lb: list[float] = field(default_factory=list)
    ub: list[float] = field(default_factory=list)
    integer: list[int] = field(default_factory=list)
    rows: list[tuple[dict[int, float], float, float]] = field(default_factory=list)
    infeasible: bool = False

    def var(self, lb: float, ub: float, *, integer: bool = False) -> int:
        self.lb.append(lb)
        self.ub.append(ub)
        self.integer.append(1 if integer else 0)
        return len(self.lb) - 1

    def row(self, coefs: dict[int, float], lo: float, hi: float) -> None:
        self.rows.append((coefs, lo, hi))

    def solve(self, c: FloatArray) -> tuple[bool, FloatArray | None]:
        """Minimise c.x; return (optimal, x).

        A MILP solution satisfies the big-M rows only up to HiGHS's integrality tolerance: a binary
        at 1 - 1e-6 relaxes a row by M x 1e-6, enough to cross the small tightening of a strict
        inequality.  So the binaries are rounded and fixed and the continuous part is solved
        again as an LP, where every row holds exactly; a pattern that turns out infeasible is
        excluded by a no-good cut and the MILP is solved again.
        """
        if self.infeasible:
            return False, None
        n = len(self.lb)
        A = np.zeros((len(self.rows), n))
        lo = np.empty(len(self.rows))
        hi = np.empty(len(self.rows))
        for r, (coefs, a, b) in enumerate(self.rows):
            for j, v in coefs.items():
                A[r, j] += v
            lo[r], hi[r] = a, b
        integer = np.asarray(self.integer)
        lb, ub = np.asarray(self.lb, dtype=float), np.asarray(self.ub, dtype=float)
        ints = np.flatnonzero(integer)
        for _ in range(_MAX_CUTS):
            x = _highs(c, A, lo, hi, integer, lb, ub)
            if x is None or ints.size == 0:
                return x is not None, x
            z = np.rint(x[ints])
            fixed_lb, fixed_ub = lb.copy(), ub.copy()
            fixed_lb[ints] = fixed_ub[ints] = z
            exact = _highs(c, A, lo, hi, np.zeros(n, dtype=int), fixed_lb, fixed_ub)
            if exact is not None:
                return True, exact
            # no-good cut: sum over z_j = 0 of z_j + sum over z_j = 1 of (1 - z_j) >= 1
            cut = np.zeros(n)
            cut[ints] = np.where(z > 0.5, -1.0, 1.0)
            A = np.vstack([A, cut])
            lo = np.append(lo, 1.0 - float((z > 0.5).sum()))
            hi = np.append(hi, math.inf)
        return False, None


#: Bound on the patterns excluded after exact re-solves (each is one MILP solve).
_MAX_CUTS = 64


def _highs(
    c: FloatArray,
    A: FloatArray,
    lo: FloatArray,
    hi: FloatArray,
    integer: npt.NDArray[np.int_],
    lb: FloatArray,
    ub: FloatArray,
) -> FloatArray | None:
    constraints = [LinearConstraint(A, lo, hi)] if A.shape[0] else []
    res = milp(
        c,
        constraints=constraints,
        integrality=integer,
        bounds=Bounds(lb, ub),
        # HiGHS's presolve has been seen to declare small feasible big-M models with
        # strict-inequality offsets infeasible; these models are tiny, so it is skipped.
        options={"presolve": False, "mip_rel_gap": 1e-9},
    )
    if res.status != 0 or res.x is None:
        return None
    return np.asarray(res.x, dtype=float)


@dataclass
class _Built:
    model: _Model
    x: list[int]  # issue value variables
    z: dict[int, list[int]]  # option issue -> binaries
    util: list[tuple[dict[int, float], float]]  # per veto actor: u_i(x) = coefs . v + const


def _build(problem: Problem, red_lines: Sequence[int] | None) -> _Built:
    """Variables x, z, d and the red-line rows; the utilities as linear expressions."""
    m = _Model()
    K = problem.n_issues
    isopt = problem.is_option
    nopt = problem.n_options
    rng = problem.range
    x = [m.var(float(problem.low[k]), float(problem.high[k])) for k in range(K)]
    z: dict[int, list[int]] = {}
    for k in range(K):
        if isopt[k]:
            z[k] = [m.var(0.0, 1.0, integer=True) for _ in range(int(nopt[k]))]
            m.row({zj: 1.0 for zj in z[k]}, 1.0, 1.0)
            link = {zj: float(j) for j, zj in enumerate(z[k])}
            link[x[k]] = -1.0
            m.row(link, 0.0, 0.0)
    W = problem.weights()
    table = problem.option_table()
    util: list[tuple[dict[int, float], float]] = []
    for a in range(problem.n_actors):
        coefs: dict[int, float] = {}
        const = 0.0
        for k in range(K):
            w = float(W[a, k])
            if w == 0.0:
                continue
            if isopt[k]:
                for j, zj in enumerate(z[k]):
                    coefs[zj] = coefs.get(zj, 0.0) + w * float(table[a, k, j])
            else:
                p = float(problem.position[a, k])
                d = m.var(0.0, math.inf)
                m.row({d: 1.0, x[k]: -1.0}, -p, math.inf)  # d >= x - p
                m.row({d: 1.0, x[k]: 1.0}, p, math.inf)  # d >= p - x
                coefs[d] = -w / float(rng[k])
                const += w
        util.append((coefs, const))
    chosen = range(len(problem.red_lines)) if red_lines is None else red_lines
    for i in chosen:
        _encode(m, problem, x, problem.red_lines[i].formula, None)
    return _Built(m, x, z, util)


def _atom_rows(problem: Problem, atom: Atom) -> list[tuple[dict[int, float], float]]:
    """Rows ``a.x <= b`` (one, or two for equality) implementing the atom; strictness applied."""
    coef = np.asarray(atom.coef, dtype=float)
    lo_box = float(np.sum(np.minimum(coef * problem.low, coef * problem.high)))
    hi_box = float(np.sum(np.maximum(coef * problem.low, coef * problem.high)))
    b = atom.rhs
    if atom.sense == "==":
        return [(dict(enumerate(coef)), b), (dict(enumerate(-coef)), -b)]
    if atom.sense == "<":
        nz = coef != 0
        integral = bool(
            np.all(problem.is_option[nz]) and np.all(np.abs(coef[nz] - np.rint(coef[nz])) < 1e-12)
        )
        if integral:
            b = math.ceil(b - 1e-9) - 1.0
        else:
            b = b - STRICT_EPS * (1.0 + max(abs(hi_box - b), abs(lo_box - b)))
    return [(dict(enumerate(coef)), b)]


def _encode(m: _Model, problem: Problem, x: list[int], f: Formula, active: int | None) -> None:
    """Impose formula f, unconditionally (active None) or when binary ``active`` is 1."""
    if isinstance(f, Truth):
        if not f.value:
            if active is None:
                m.infeasible = True
            else:
                m.row({active: 1.0}, 0.0, 0.0)
        return
    if isinstance(f, And):
        for part in f.parts:
            _encode(m, problem, x, part, active)
        return
    if isinstance(f, Or):
        parts = f.parts
        if not parts:
            _encode(m, problem, x, Truth(False), active)
            return
        if len(parts) == 1:
            _encode(m, problem, x, parts[0], active)
            return
        ys = [m.var(0.0, 1.0, integer=True) for _ in parts]
        row = {y: 1.0 for y in ys}
        if active is None:
            m.row(row, 1.0, math.inf)
        else:
            row[active] = -1.0
            m.row(row, 0.0, math.inf)
        for y, part in zip(ys, parts, strict=True):
            _encode(m, problem, x, part, y)
        return
    for coef, b in _atom_rows(problem, f):
        c = np.asarray([coef.get(k, 0.0) for k in range(problem.n_issues)])
        row = {x[k]: float(c[k]) for k in range(problem.n_issues) if c[k] != 0.0}
        if active is None:
            if not row:
                if b + 1e-12 < 0.0:
                    m.infeasible = True
                continue
            m.row(row, -math.inf, b)
            continue
        big = float(np.sum(np.maximum(c * problem.low, c * problem.high))) - b
        if big <= 0:
            continue  # holds everywhere in the box
        row[active] = big
        m.row(row, -math.inf, b + big)


@dataclass(frozen=True)
class MarginResult:
    """m* (``-inf`` when the red lines cannot hold together), x* and the utilities at x*."""

    margin: float
    x: FloatArray | None  # (K,) in issue units (option issues: rank)
    utility: FloatArray | None  # (A,)
    reservation: FloatArray  # (A,)

    @property
    def feasible(self) -> bool:
        return self.x is not None

    @property
    def zopa(self) -> bool:
        return self.feasible and self.margin >= -ZOPA_TOL


def _extract(problem: Problem, built: _Built, sol: FloatArray) -> FloatArray:
    x = sol[built.x].copy()
    for k, zs in built.z.items():
        x[k] = float(np.argmax(sol[zs]))
    return x


def solve_model(
    problem: Problem,
    *,
    red_lines: Sequence[int] | None = None,
    reservation: Sequence[int] = (),
    maximise_margin: bool = True,
    refine: bool = False,
) -> tuple[float, FloatArray | None]:
    """Solve the margin LP/MILP over a subset of constraints.

    Parameters
    ----------
    red_lines : indices of ``problem.red_lines`` to impose (all by default).
    reservation : veto-actor indices whose reservation constraint ``u_i(x) >= r_i`` is imposed.
    maximise_margin : if True maximise ``t = min_i u_i - r_i``; else only test feasibility.
    refine : after maximising t, maximise the sum of utilities among the maximin solutions (a
        second, lexicographic solve), so that the closest deal is not Pareto-dominated.

    Returns
    -------
    (value, x) with value m* (or 0 for a feasibility test), or ``(-inf, None)`` if infeasible.
    """
    built = _build(problem, red_lines)
    m = built.model
    r = problem.reservation()
    for a in reservation:
        coefs, const = built.util[a]
        m.row(dict(coefs), float(r[a]) - const, math.inf)
    if maximise_margin:
        t = m.var(-math.inf, math.inf)
        for a in range(problem.n_actors):
            coefs, const = built.util[a]
            row = {j: -v for j, v in coefs.items()}
            row[t] = 1.0
            m.row(row, -math.inf, const - float(r[a]))
        c = np.zeros(len(m.lb))
        c[t] = -1.0
    else:
        c = np.zeros(len(m.lb))
    ok, sol = m.solve(c)
    if not ok or sol is None:
        return -math.inf, None
    x = _extract(problem, built, sol)
    value = float(np.min(problem.utility(x) - r)) if maximise_margin else 0.0
    if maximise_margin and refine:
        t_star = float(sol[t])
        m.lb[t] = t_star - 1e-9 * (1.0 + abs(t_star))
        c2 = np.zeros(len(m.lb))
        for a in range(problem.n_actors):
            for j, v in built.util[a][0].items():
                c2[j] -= v
        ok2, sol2 = m.solve(c2)
        if ok2 and sol2 is not None:
            x2 = _extract(problem, built, sol2)
            value2 = float(np.min(problem.utility(x2) - r))
            # never trade more than the solver's tolerance, nor the sign of the margin
            if value2 >= value - 1e-8 * (1.0 + abs(value)) and not value >= 0.0 > value2:
                return value2, x2
    return value, x


def exact_margin(problem: Problem, *, refine: bool = True) -> MarginResult:
    """m* and x* of docs/models.md §2, exactly (LP, or MILP with options / disjunctions).

    The maximin deal is rarely unique; with ``refine`` (default) a second solve picks, among the
    deals within 1e-9 of m*, one maximising the sum of the veto actors' utilities, so that the
    reported closest deal is Pareto-efficient among them.  The reported margin is recomputed
    from x* (``min_i u_i(x*) - r_i``), so it is exactly the margin of the reported deal; it
    equals the solver's optimum within HiGHS's tolerances.
    """
    r = problem.reservation()
    if problem.n_actors == 0:  # nobody's utility constrains: only the red lines matter
        _, x0 = solve_model(problem, maximise_margin=False)
        return MarginResult(math.inf if x0 is not None else -math.inf, x0, np.zeros(0), r)
    value, x = solve_model(problem, refine=refine)
    if x is None:
        return MarginResult(-math.inf, None, None, r)
    return MarginResult(value, x, problem.utility(x), r)


def feasible(
    problem: Problem, *, red_lines: Sequence[int] | None = None, reservation: Sequence[int] = ()
) -> bool:
    """Whether the chosen red lines and reservation constraints can hold together."""
    _, x = solve_model(problem, red_lines=red_lines, reservation=reservation, maximise_margin=False)
    return x is not None
