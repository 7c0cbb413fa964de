"""The negotiability margin m* and the closest deal x*, solved exactly with HiGHS.

docs/models.md §2: with veto actors V,

.. math:: m^* = \\max_{x \\in X,\\ x \\models \\text{red lines}} \\ \\min_{i \\in V} (u_i(x) - r_i).

Formulation (one LP, or a MILP when needed), in normalised units (:mod:`.scaling`: every scale
issue on [0, 1]): variables ``xi_k`` (issue values; option issues in rank units), ``t``, distances
``d_ik >= |xi_k - pi_ik|`` for every veto actor with a position on a scale issue, and for every
option issue one binary ``z_kj`` per option with ``sum_j z_kj = 1``, ``xi_k = sum_j j z_kj`` and
closeness ``g_ik = sum_j table_ikj z_kj`` (linear in ``z``).  Maximise ``t`` subject to
``sum_k w_ik (1 - d_ik) + (option terms) - r_i >= t`` for every veto actor.

Red lines are the scenario's linear formulas (:func:`detente.scenario.expr.to_linear`), scaled.
Conjunctions of atoms become rows; a disjunction ``A or B`` gets one binary per branch, at least
one of them on, and each atom of a branch is imposed only when its binary is on through big-M
rows ``a.x - b <= M (1 - y)`` with ``M = max_{x in box} a.x - b`` from the issue bounds (so M is
as small as it can be and never too small).  A strict inequality ``a.x < b`` is imposed as
``a.x <= b - eps`` with ``eps = 1e-7 (1 + max |a.x - b| over the box)``; with integer
coefficients on option issues only (ranks are integers) it is exactly ``a.x <= ceil(b) - 1``
(done when scaling).  Solves go through :mod:`.solver` (status checks, silence, budget).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from detente.readiness.problem import Problem
from detente.readiness.solver import LinearModel
from detente.scenario.expr import All, AnyOf, Const, Formula, LinAtom

__all__ = ["STRICT_EPS", "ZOPA_TOL", "MarginResult", "exact_margin", "feasible", "solve_model"]

FloatArray = npt.NDArray[np.float64]

STRICT_EPS = 1e-7
#: m* at or above minus this counts as a ZOPA: strict inequalities are tightened by
#: ``STRICT_EPS * (1 + range)``, so a ZOPA at the boundary of a strict red line shows as a margin a
#: little below zero; anything within this tolerance is that boundary, not a gap.
ZOPA_TOL = 1e-6


@dataclass
class Built:
    """A model with the issue variables, option binaries and red-line rows, and each veto
    actor's utility as a linear expression ``u_i = coefs . v + const`` of its variables."""

    model: LinearModel
    x: list[int]  # issue value variables (normalised units)
    z: dict[int, list[int]]  # option issue -> binaries
    util: list[tuple[dict[int, float], float]]


def build(problem: Problem, red_lines: Sequence[int] | None = None) -> Built:
    """Variables x, z, d and the red-line rows (all, or the chosen ones); utilities as rows."""
    m = LinearModel()
    scaled = problem.scaled
    K = problem.n_issues
    isopt = problem.is_option
    x = [m.var(0.0, float(scaled.upper[k])) for k in range(K)]
    z: dict[int, list[int]] = {}
    for k in range(K):
        if not isopt[k]:
            continue
        z[k] = [m.var(0.0, 1.0, integer=True) for _ in range(int(problem.n_options[k]))]
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
                p = float(scaled.position[a, k])
                d = m.var(0.0, math.inf)
                m.row({d: 1.0, x[k]: -1.0}, -p, math.inf)  # d >= x - p
                m.row({d: 1.0, x[k]: 1.0}, p, math.inf)  # d >= p - x
                coefs[d] = -w
                const += w
        util.append((coefs, const))
    encoder = _Encoder(m, x, {issue: k for k, issue in enumerate(problem.issues)}, scaled.upper)
    chosen = range(len(problem.red_lines)) if red_lines is None else red_lines
    for i in chosen:
        encoder.impose(scaled.red_lines[i], None)
    return Built(m, x, z, util)


@dataclass
class _Encoder:
    """Writes normalised red-line formulas into a model (big-M rows for disjunctions)."""

    m: LinearModel
    x: list[int]
    index: dict[str, int]
    upper: FloatArray

    def rows(self, atom: LinAtom) -> list[tuple[dict[int, float], float, float, float]]:
        """Rows ``a.x <= b`` (one, or two for an equality) with the range of ``a.x`` over the
        box; strictness applied."""
        coef = {self.x[self.index[n]]: c for n, c in atom.coef.items()}
        ends = [(c * float(self.upper[self.index[n]]), 0.0) for n, c in atom.coef.items()]
        lo = sum(min(e) for e in ends)
        hi = sum(max(e) for e in ends)
        b = atom.rhs
        if atom.sense == "==":
            minus = {j: -c for j, c in coef.items()}
            return [(coef, b, lo, hi), (minus, -b, -hi, -lo)]
        if atom.sense == "<":
            b -= STRICT_EPS * (1.0 + max(abs(hi - b), abs(lo - b)))
        return [(coef, b, lo, hi)]

    def impose(self, f: Formula, active: int | None) -> None:
        """Impose formula f, unconditionally (active None) or when binary ``active`` is 1."""
        m = self.m
        if isinstance(f, Const):
            if not f.value:
                if active is None:
                    m.infeasible = True
                else:
                    m.row({active: 1.0}, 0.0, 0.0)
            return
        if isinstance(f, All):
            for part in f.parts:
                self.impose(part, active)
            return
        if isinstance(f, AnyOf):
            if len(f.parts) <= 1:
                self.impose(f.parts[0] if f.parts else Const(False), active)
                return
            ys = [m.var(0.0, 1.0, integer=True) for _ in f.parts]
            row = {y: 1.0 for y in ys}
            if active is not None:
                row[active] = -1.0
            m.row(row, 0.0 if active is not None else 1.0, math.inf)
            for y, part in zip(ys, f.parts, strict=True):
                self.impose(part, y)
            return
        for coef, b, _, hi in self.rows(f):
            if active is None:
                m.row(dict(coef), -math.inf, b)
                continue
            big = hi - b
            if big <= 0:
                continue  # holds everywhere in the box
            row = dict(coef)
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


def extract(problem: Problem, built: Built, sol: FloatArray) -> FloatArray:
    """The outcome of a solution vector, in normalised units (option issues: the chosen rank)."""
    xi = sol[built.x].copy()
    for k, zs in built.z.items():
        xi[k] = float(np.argmax(sol[zs]))
    return np.clip(xi, 0.0, problem.scaled.upper)


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
    (value, x) with value m* (or 0 for a feasibility test) and x in normalised units, or
    ``(-inf, None)`` if infeasible.

    Raises
    ------
    detente.readiness.solver.SolverError, detente.readiness.solver.BudgetExceeded
        The solver failed, or did not finish within the budget.
    """
    built = build(problem, red_lines)
    m = built.model
    r = problem.reservation()
    for a in reservation:
        coefs, const = built.util[a]
        m.row(dict(coefs), float(r[a]) - const, math.inf)
    c = np.zeros(len(m.lb))
    if maximise_margin:
        t = m.var(-math.inf, math.inf)
        for a in range(problem.n_actors):
            coefs, const = built.util[a]
            row = {j: -v for j, v in coefs.items()}
            row[t] = 1.0
            m.row(row, -math.inf, const - float(r[a]))
        c = np.zeros(len(m.lb))
        c[t] = -1.0
    sol = m.solve(c)
    if sol is None:
        return -math.inf, None
    xi = extract(problem, built, sol.x)
    value = float(np.min(problem.scaled_utility(xi) - r)) if maximise_margin else 0.0
    if maximise_margin and refine:
        t_star = float(sol.x[t])
        m.lb[t] = t_star - 1e-9 * (1.0 + abs(t_star))
        c2 = np.zeros(len(m.lb))
        for a in range(problem.n_actors):
            for j, v in built.util[a][0].items():
                c2[j] -= v
        sol2 = m.solve(c2)
        if sol2 is not None:
            xi2 = extract(problem, built, sol2.x)
            value2 = float(np.min(problem.scaled_utility(xi2) - r))
            # never trade more than the solver's tolerance, nor the sign of the margin
            if value2 >= value - 1e-8 * (1.0 + abs(value)) and not value >= 0.0 > value2:
                return value2, xi2
    return value, xi


def exact_margin(problem: Problem, *, refine: bool = True) -> MarginResult:
    """m* and x* of docs/models.md §2, exactly (LP, or MILP with options / disjunctions).

    The maximin deal is rarely unique; with ``refine`` (default) a second solve picks, among the
    deals within 1e-9 of m*, one maximising the sum of the veto actors' utilities, so that the
    reported closest deal is Pareto-efficient among them.  The reported margin is recomputed
    from x* (``min_i u_i(x*) - r_i``), so it is exactly the margin of the reported deal; it
    equals the solver's optimum within HiGHS's tolerances.

    Raises
    ------
    detente.readiness.solver.SolverError, detente.readiness.solver.BudgetExceeded
        The solver failed, or did not finish within the budget (never reported as a clash).
    """
    r = problem.reservation()
    if problem.n_actors == 0:  # nobody's utility constrains: only the red lines matter
        _, x0 = solve_model(problem, maximise_margin=False)
        x = None if x0 is None else problem.from_scaled(x0)
        return MarginResult(math.inf if x0 is not None else -math.inf, x, np.zeros(0), r)
    value, xi = solve_model(problem, refine=refine)
    if xi is None:
        return MarginResult(-math.inf, None, None, r)
    return MarginResult(value, problem.from_scaled(xi), problem.scaled_utility(xi), r)


def feasible(
    problem: Problem, *, red_lines: Sequence[int] | None = None, reservation: Sequence[int] = ()
) -> bool:
    """Whether the chosen red lines and reservation constraints can hold together."""
    _, x = solve_model(problem, red_lines=red_lines, reservation=reservation, maximise_margin=False)
    return x is not None
