"""Nash bargaining terms over the ZOPA, exact to a stated tolerance (docs/models.md §2).

**The solution.**  With veto actors V, surpluses :math:`y_i(x) = u_i(x) - r_i` and weights
:math:`\\beta_i > 0`, :math:`\\sum_i \\beta_i = 1`,

.. math:: x^N = \\arg\\max_{x \\in \\mathrm{ZOPA}} \\sum_{i \\in V} \\beta_i \\log y_i(x).

Equal weights give Nash's bargaining solution (Nash 1950, "The bargaining problem",
Econometrica 18); unequal weights the asymmetric (weighted) solution of Kalai (1977, "Nonsymmetric
Nash solutions and replications of 2-person bargaining", Int. J. Game Theory 6), which Binmore,
Rubinstein & Wolinsky (1986, "The Nash bargaining solution in economic modelling", RAND J. Econ.
17) obtain as the limit of alternating-offers bargaining with unequal patience; detente weights
by capability shares.  The ZOPA (red lines and ``y_i >= 0``) is a finite union of polyhedra: the
MILP of :mod:`.margin` (options, ``or`` branches), in which every ``y_i`` is affine.  The problem
is therefore a convex MINLP: a concave objective over a mixed-integer linear set.

**Algorithm: outer approximation** (Duran & Grossmann 1986, "An outer-approximation algorithm
for a class of mixed-integer nonlinear programs", Math. Prog. 36; Fletcher & Leyffer 1994,
"Solving mixed integer nonlinear programs by outer approximation", Math. Prog. 66), with Kelley's
cutting planes (Kelley 1960, "The cutting-plane method for solving convex programs", J. SIAM 8).
A master MILP adds to the margin model one variable ``s_i`` per veto party with

* tangent cuts ``s_i <= log c + (y_i - c) / c`` at cut points ``c`` (``log`` is concave, so each
  tangent lies above it everywhere: the master is a relaxation and its optimum, read as HiGHS's
  dual bound, is an upper bound UB on the Nash objective);
* a floor ``y_i >= delta_i`` and ``log delta_i <= s_i <= log Y_i`` with ``Y_i`` the largest
  surplus i can get (``max_x u_i - r_i``);

and maximises ``sum_i beta_i s_i``.  Each round solves the master, adds Kelley cuts at its point
where ``s_i`` overestimates ``log y_i``, and, the first time a binary pattern (options chosen,
``or`` branches taken) appears, fixes it and maximises the smooth concave objective over that
pattern's polyhedron (SLSQP with exact gradients, Kraft 1988), then makes the point exactly
feasible with one LP (the largest ``theta`` with ``y(v) >= theta * y_SLSQP``); the feasible deals
found give a lower bound LB, and OA cuts are added at them.  It stops when ``UB - LB <= tol``.

**Floors, and why nothing is cut off.**  The closest deal x* gives LB >= log m* (every
``y_i(x*) >= m*``).  Any deal at least as good as LB has, because ``y_j <= Y_j``,
``beta_i log y_i >= LB - sum_{j != i} beta_j log Y_j``, so the optimum satisfies
``y_i >= f_i = exp((LB - sum_{j != i} beta_j log Y_j) / beta_i)``: the floor ``delta_i = f_i``
excludes no candidate.  Only when the weights differ by many orders of magnitude can ``f_i`` fall
below :data:`SURPLUS_FLOOR` (1e-9 utility, under HiGHS's 1e-7 feasibility tolerance); then
``delta_i = SURPLUS_FLOOR`` and the answer is exact among deals leaving every veto party that
much.  (The relaxation this replaced had floors near ``log m* - 1`` and a first tangent at
``m*/4``, which together forbade any surplus under about ``0.35 m*``: the weighted solution
often lies there.)

**Convergence.**  (a) There are finitely many binary patterns and each is polished once.  (b) At
a pattern's optimum ``y^p`` the KKT conditions give ``grad f(y^p) . (y - y^p) <= 0`` on the
pattern's polyhedron, so with the cuts at ``y^p`` the master's value on that pattern is at most
``f(y^p) <= LB``: a polished pattern cannot hold UB above LB + tol again (Duran & Grossmann,
Theorem 2; Fletcher & Leyffer).  (c) Should a polish stop short, Kelley's argument still applies:
on ``[delta_i, Y_i]`` each tangent is ``1/delta_i``-Lipschitz, the master points lie in a compact
set, so two of them eventually come within ``eps`` and the cut at the first bounds the master's
overestimate at the second by ``2 eps / delta_i``.  So the loop ends for every ``tol > 0``;
:data:`MAX_ROUNDS` and the budget (:mod:`.solver`) bound it in practice, and a run they cut short
is reported as not determined, with its gap.  The answer is within ``tol`` (default
:data:`NASH_TOL`, in the weighted log Nash product with weights summing to 1) of the optimum,
the constraints holding to HiGHS's tolerances as in :mod:`.margin`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

from detente.readiness.margin import Built, MarginResult, build, exact_margin, extract
from detente.readiness.problem import Problem
from detente.readiness.solver import BudgetExceeded, LinearModel, check_budget, highs

__all__ = ["MAX_ROUNDS", "NASH_TOL", "SURPLUS_FLOOR", "NashSolution", "nash_solution", "solve_nash"]

FloatArray: TypeAlias = npt.NDArray[np.float64]

#: Smallest surplus a veto party is ever held to when the weights alone would allow less.
SURPLUS_FLOOR = 1e-9
#: Default optimality tolerance in the weighted log Nash product (weights summing to 1).
NASH_TOL = 1e-8
#: Bound on the master MILP solves of one Nash solution.
MAX_ROUNDS = 200


@dataclass(frozen=True)
class NashSolution:
    """A Nash bargaining deal with its objective and the proven upper bound on the optimum."""

    x: FloatArray  # (K,) issue units (option issues: rank)
    objective: float  # sum_i beta_i log y_i at x
    bound: float  # no deal in the ZOPA does better than this
    determined: bool  # the gap closed to the tolerance (False: cut short by the budget)

    @property
    def gap(self) -> float:
        return self.bound - self.objective


@dataclass
class _Master:
    """The master MILP and the affine surplus map ``y = C v + k`` of its first ``n`` columns."""

    model: LinearModel
    built: Built
    C: FloatArray  # (A, n)
    k: FloatArray  # (A,)
    n: int  # variables of the margin model (before the s_i)
    n_rows: int  # rows of the margin model (red lines, links, distances)
    s: list[int]
    floor: FloatArray  # (A,)

    def cut(self, a: int, y0: float) -> None:
        """``s_a <= log y0 + (y_a - y0) / y0``, i.e. ``s_a - C_a v / y0 <= log y0 + k_a/y0 - 1``."""
        row = {j: -float(v) / y0 for j, v in enumerate(self.C[a]) if v != 0.0}
        row[self.s[a]] = 1.0
        self.model.row(row, -math.inf, math.log(y0) + float(self.k[a]) / y0 - 1.0)


def _max_surplus(problem: Problem, r: FloatArray) -> FloatArray:
    """Y_i = max_x u_i(x) - r_i, ignoring red lines (utilities are additive over issues)."""
    W = problem.weights()
    table = np.nan_to_num(problem.option_table(), nan=-np.inf)
    best = np.where(problem.is_option[None, :], table.max(axis=-1, initial=-np.inf), 1.0)
    best = np.where(W > 0, best, 0.0)
    return np.asarray((W * best).sum(axis=1) - r)


def _master(
    problem: Problem, beta: FloatArray, r: FloatArray, lower: float, y_star: FloatArray
) -> _Master:
    built = build(problem)
    m = built.model
    n, n_rows = len(m.lb), len(m.rows)
    A = problem.n_actors
    C = np.zeros((A, n))
    k = np.zeros(A)
    for a, (coefs, const) in enumerate(built.util):
        for j, v in coefs.items():
            C[a, j] += v
        k[a] = const - r[a]
    Y = np.maximum(_max_surplus(problem, r), y_star)
    floor = np.empty(A)
    for a in range(A):
        others = float(sum(beta[j] * math.log(Y[j]) for j in range(A) if j != a))
        f = math.exp(max((lower - others) / beta[a], -700.0))
        floor[a] = min(max(f, SURPLUS_FLOOR), float(y_star[a]))
    master = _Master(m, built, C, k, n, n_rows, [], floor)
    for a in range(A):
        row = {j: float(v) for j, v in enumerate(C[a]) if v != 0.0}
        if row:
            m.row(row, floor[a] - k[a], math.inf)
        master.s.append(m.var(math.log(floor[a]), math.log(max(Y[a], floor[a]))))
    for a in range(A):
        points = max(2, math.ceil(math.log2(max(Y[a], floor[a]) / floor[a])) + 1)
        for y0 in np.geomspace(floor[a], max(Y[a], floor[a]), points):
            master.cut(a, float(y0))
    return master


def _objective(beta: FloatArray, y: FloatArray) -> float:
    return float(beta @ np.log(y)) if np.all(y > 0) else -math.inf


def solve_nash(
    problem: Problem,
    *,
    weights: Sequence[float] | None = None,
    tol: float = NASH_TOL,
    base: MarginResult | None = None,
) -> NashSolution | None:
    """The (weighted) Nash bargaining solution with its certificate (see the module notes).

    Returns None when the ZOPA has no interior (m* <= 1e-12: some party's surplus is 0 in
    every deal, and the objective is -inf everywhere).  When the budget runs out the best deal
    found so far is returned with ``determined=False`` and its gap.

    Raises
    ------
    detente.readiness.solver.SolverError
        HiGHS failed on a master problem.
    """
    A = problem.n_actors
    beta = np.ones(A) if weights is None else np.asarray(weights, dtype=float)
    beta = beta / beta.sum()
    base = exact_margin(problem) if base is None else base
    if A == 0 or not base.feasible or base.margin <= 1e-12 or base.x is None:
        return None
    r = problem.reservation()
    best = problem.to_scaled(base.x)
    y_star = problem.scaled_utility(best) - r
    lower = _objective(beta, y_star)
    master = _master(problem, beta, r, lower, y_star)
    upper = math.inf
    seen: set[tuple[int, ...]] = set()
    ints = np.flatnonzero(np.asarray(master.model.integer[: master.n]))
    c = np.zeros(len(master.model.lb))
    c[master.s] = -beta
    try:
        for _ in range(MAX_ROUNDS):
            check_budget("the Nash terms")
            sol = master.model.solve(c, what="the Nash terms")
            if sol is None:  # only numerically: x* is feasible for the master
                break
            upper = min(upper, -sol.bound)
            v = sol.x[: master.n]
            candidates = [v]
            pattern = tuple(int(p) for p in np.rint(v[ints]))
            if pattern not in seen:
                seen.add(pattern)
                polished = _polish(master, v, ints, beta)
                if polished is not None:
                    candidates.append(polished)
            for cand in candidates:
                xi = extract(problem, master.built, cand)
                y = problem.scaled_utility(xi) - r
                value = _objective(beta, y)
                if value > lower:
                    lower, best = value, xi
                for a in range(A):
                    master.cut(a, float(max(y[a], master.floor[a])))
            if upper - lower <= tol:
                return NashSolution(problem.from_scaled(best), lower, upper, True)
            y_master = master.C @ v + master.k
            stalled = True
            for a in range(A):
                if sol.x[master.s[a]] > math.log(max(y_master[a], master.floor[a])) + tol / 2:
                    master.cut(a, float(max(y_master[a], master.floor[a])))
                    stalled = False
            if stalled and pattern in seen and len(candidates) == 1:
                # the master's own point meets its bound: what is left of the gap is the
                # solvers' tolerance, and another round would return the same point
                break
    except BudgetExceeded:
        pass
    return NashSolution(problem.from_scaled(best), lower, max(upper, lower), False)


def _polish(
    master: _Master, v0: FloatArray, ints: npt.NDArray[np.int_], beta: FloatArray
) -> FloatArray | None:
    """Fix v0's binaries, maximise sum beta log y over the rest (SLSQP), then make the point
    exactly feasible with one LP; None if the pattern has no feasible point."""
    from scipy.optimize import minimize

    m = master.model
    A_all, lo_all, hi_all = m.arrays()
    n = master.n
    rows = A_all[:, :n]
    keep = np.all(A_all[:, n:] == 0.0, axis=1)  # the margin model and the floors, not the cuts
    rows, lo, hi = rows[keep], lo_all[keep], hi_all[keep]
    lb = np.array(m.lb[:n], dtype=float)
    ub = np.array(m.ub[:n], dtype=float)
    lb[ints] = ub[ints] = np.rint(v0[ints])
    C, k = master.C, master.k

    def f(v: FloatArray) -> float:
        y = C @ v + k
        return 1e10 if np.any(y <= 1e-300) else float(-beta @ np.log(y))

    def grad(v: FloatArray) -> FloatArray:
        return np.asarray(-(beta / np.maximum(C @ v + k, 1e-300)) @ C)

    cons = []
    equal = np.isfinite(lo) & (lo == hi)
    for kind, sel, sign, ends in (
        ("eq", equal, 1.0, lo),
        ("ineq", np.isfinite(hi) & ~equal, -1.0, hi),
        ("ineq", np.isfinite(lo) & ~equal, 1.0, lo),
    ):
        if sel.any():
            R, e = rows[sel], ends[sel]
            cons.append(
                {
                    "type": kind,
                    "fun": lambda v, R=R, e=e, sign=sign: sign * (R @ v - e),
                    "jac": lambda v, R=R, sign=sign: sign * R,
                }
            )
    start = np.clip(v0, lb, ub)
    bounds = [
        (float(a), float(b) if math.isfinite(b) else None) for a, b in zip(lb, ub, strict=True)
    ]
    res = minimize(  # type: ignore[call-overload]
        f,
        start,
        jac=grad,
        bounds=bounds,
        constraints=cons,
        method="SLSQP",
        options={"ftol": 1e-14, "maxiter": 300},
    )
    target = C @ np.asarray(res.x, dtype=float) + k
    if not np.all(np.isfinite(target)) or np.any(target <= 0):
        target = C @ start + k
    if np.any(target <= 0):
        return None
    # max theta  s.t.  C v + k >= theta * target, rows, bounds; theta is the last variable
    A_rep = np.vstack(
        [np.hstack([rows, np.zeros((rows.shape[0], 1))]), np.hstack([C, -target[:, None]])]
    )
    lo_rep = np.concatenate([lo, -k])
    hi_rep = np.concatenate([hi, np.full(len(k), np.inf)])
    cost = np.zeros(n + 1)
    cost[-1] = -1.0
    sol = highs(
        cost,
        A_rep,
        lo_rep,
        hi_rep,
        np.zeros(n + 1, dtype=int),
        np.append(lb, 0.0),
        np.append(ub, 2.0),
        "the Nash terms",
    )
    return None if sol is None else sol.x[:n]


def nash_solution(
    problem: Problem,
    *,
    weights: Sequence[float] | None = None,
    tol: float = NASH_TOL,
    base: MarginResult | None = None,
) -> FloatArray | None:
    """The (weighted) Nash bargaining solution over the ZOPA (issue units), or None if the ZOPA
    has no interior.

    Parameters
    ----------
    weights : beta_i per veto actor (normalised to sum 1); 1 for everyone by default.
    tol : optimality tolerance in the weighted log Nash product (see the module notes).
    base : the problem's :func:`~.margin.exact_margin`, if already computed.

    Raises
    ------
    detente.readiness.solver.BudgetExceeded
        Not determined within the budget.
    detente.readiness.solver.SolverError
        HiGHS failed.
    """
    found = solve_nash(problem, weights=weights, tol=tol, base=base)
    if found is None:
        return None
    if not found.determined:
        raise BudgetExceeded(
            f"the Nash terms were not determined within the budget (gap {found.gap:.2g}); "
            "raise it with Budget(seconds=...)"
        )
    return found.x
