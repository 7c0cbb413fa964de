"""Every LP and MILP of the readiness engine, solved by HiGHS: exact, silent and bounded.

HiGHS (Huangfu & Hall 2018) is reached through :func:`scipy.optimize.milp`, which solves a pure
LP when no variable is integral.  Three guarantees wrap each solve:

* **Status.**  Optimal gives a solution and infeasible gives ``None``; a time, node or iteration
  limit raises :class:`BudgetExceeded` ("not determined within the budget"), and every other
  status (unbounded, numerical trouble, a solver error) raises :class:`SolverError` naming it.
  No failure of the solver is ever read as "the red lines cannot all hold".
* **Silence.**  Some HiGHS builds print debug lines from the MIP solver on the C-level standard
  output (``HighsMipSolverData::transformNewIntegerFeasibleSolution ...``), which Python cannot
  intercept and which corrupted ``detente assess --json``.  During each solve file descriptor 1 is
  pointed at the null device, C's buffers are flushed on the way in and out, and concurrent solves
  in threads share one redirection (reference-counted under a lock).
* **Budget.**  Each solve gets a time and a node limit, and a :class:`Budget` window bounds a whole
  computation (an assessment, a command): :meth:`Budget.window` sets a deadline that every solve
  inside it respects; nested windows never extend an outer one.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import os
import re
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from detente.errors import DetenteError, Diagnostic, InputError

__all__ = [
    "Budget",
    "BudgetExceeded",
    "LinearModel",
    "Solution",
    "SolverError",
    "check_budget",
    "highs",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]


class SolverError(DetenteError):
    """HiGHS ended with a status other than optimal or infeasible (named in the message)."""

    def __init__(self, message: str, *, file: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file

    def at(self, file: str | None) -> SolverError:
        """The same error, naming the scenario file it arose from."""
        return type(self)(self.message, file=file)

    def diagnostics(self) -> list[Diagnostic]:
        return [Diagnostic(self.message, file=self.file)]


class BudgetExceeded(SolverError):
    """A result could not be determined within the time or node budget."""


@dataclass(frozen=True)
class Budget:
    """Limits on solver work.

    Attributes
    ----------
    seconds : float
        The whole computation: an assessment and each of its lazily computed parts (terms,
        clashes, levers), or everything inside one :meth:`window` (the CLI opens one per command).
    solve_seconds : float
        One HiGHS solve.
    solve_nodes : int
        Branch-and-bound nodes of one MILP solve.
    """

    seconds: float = 30.0
    solve_seconds: float = 10.0
    solve_nodes: int = 200_000

    def __post_init__(self) -> None:
        for name in ("seconds", "solve_seconds"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise InputError(f"{name} must be a positive number of seconds, got {value!r}")
        if not (isinstance(self.solve_nodes, int) and self.solve_nodes > 0):
            raise InputError(f"solve_nodes must be a positive integer, got {self.solve_nodes!r}")

    @contextlib.contextmanager
    def window(self) -> Iterator[None]:
        """Solves inside share a deadline ``seconds`` from now (or the outer window's, if
        sooner) and use this budget's per-solve limits."""
        outer = _WINDOW.get()
        deadline = time.monotonic() + self.seconds
        if outer is not None:
            deadline = min(deadline, outer[1])
        token = _WINDOW.set((self, deadline))
        try:
            yield
        finally:
            _WINDOW.reset(token)


_WINDOW: contextvars.ContextVar[tuple[Budget, float] | None] = contextvars.ContextVar(
    "detente_readiness_budget", default=None
)
_DEFAULT = Budget()


def _limits() -> tuple[Budget, float | None]:
    window = _WINDOW.get()
    return (_DEFAULT, None) if window is None else window


def check_budget(what: str) -> None:
    """Raise :class:`BudgetExceeded` if the current window's deadline has passed."""
    budget, deadline = _limits()
    if deadline is not None and time.monotonic() >= deadline:
        raise BudgetExceeded(
            f"{what} was not determined within the budget ({budget.seconds:g} s); "
            "raise it with --budget SECONDS (or Budget(seconds=...) in Python)"
        )


# --------------------------------------------------------------------------------------------
# Silence on file descriptor 1
# --------------------------------------------------------------------------------------------

_SILENCE_LOCK = threading.Lock()
_silence_depth = 0
_saved_stdout: int | None = None


def _flush_c_stdio() -> None:
    try:
        import ctypes

        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError, TypeError):  # no C library to flush (not POSIX)
        pass


@contextlib.contextmanager
def _silenced() -> Iterator[None]:
    """Point fd 1 at the null device for the duration (shared by concurrent users)."""
    global _silence_depth, _saved_stdout
    with _SILENCE_LOCK:
        if _silence_depth == 0:
            with contextlib.suppress(Exception):
                sys.stdout.flush()
            _flush_c_stdio()
            try:
                saved = os.dup(1)
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, 1)
                os.close(null)
                _saved_stdout = saved
            except OSError:  # no fd 1 to redirect: nothing can be corrupted either
                _saved_stdout = None
        _silence_depth += 1
    try:
        yield
    finally:
        with _SILENCE_LOCK:
            _silence_depth -= 1
            if _silence_depth == 0 and _saved_stdout is not None:
                _flush_c_stdio()  # whatever HiGHS buffered goes to the null device
                os.dup2(_saved_stdout, 1)
                os.close(_saved_stdout)
                _saved_stdout = None


# --------------------------------------------------------------------------------------------
# One solve
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Solution:
    """An optimal solution and the solver's proven bound on the optimal objective (minimised):
    equal to the objective for an LP, at most it for a MILP (``mip_dual_bound``)."""

    x: FloatArray
    objective: float
    bound: float


def highs(
    c: FloatArray,
    A: FloatArray,
    lo: FloatArray,
    hi: FloatArray,
    integrality: npt.NDArray[np.int_],
    lb: FloatArray,
    ub: FloatArray,
    what: str,
) -> Solution | None:
    """Minimise ``c.x`` subject to ``lo <= A x <= hi``, ``lb <= x <= ub``; None if infeasible.

    ``integrality[j] = 1`` makes variable j integral; ``what`` names the result for messages.

    Raises
    ------
    BudgetExceeded
        A time, node or iteration limit stopped HiGHS, or the window's deadline has passed.
    SolverError
        Any other status but optimal and infeasible (unbounded, numerical trouble, ...).
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    budget, deadline = _limits()
    seconds = budget.solve_seconds
    if deadline is not None:
        check_budget(what)
        seconds = min(seconds, max(deadline - time.monotonic(), 1e-3))
    constraints = [LinearConstraint(A, lo, hi)] if A.shape[0] else []
    # HiGHS's presolve has been seen to declare small feasible big-M models with strict-
    # inequality offsets infeasible; these models are tiny, so it is skipped.
    options: dict[str, float | bool] = {"presolve": False, "time_limit": seconds, "disp": False}
    if np.any(integrality):
        # Options scipy does not list go to HiGHS verbatim (it says so in a warning).  The
        # defaults would let a MILP stop 1e-6 short of its optimum (mip_abs_gap) and let a
        # binary sit 1e-6 off 0 or 1, relaxing a big-M row by M x 1e-6 (mip_feasibility_
        # tolerance): both as much as ZOPA_TOL.  In normalised units (coefficients in [-1, 1],
        # variables in [0, 1]) 1e-9 is well within reach.
        options |= {
            "node_limit": budget.solve_nodes,
            "mip_rel_gap": 1e-9,
            "mip_abs_gap": 1e-10,
            "mip_feasibility_tolerance": 1e-9,
        }

    def run(opts: dict[str, float | bool]) -> Any:
        with _silenced(), warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Unrecognized options", RuntimeWarning)
            return milp(
                c,
                constraints=constraints,
                integrality=integrality,
                bounds=Bounds(lb, ub),
                options=opts,  # type: ignore[arg-type]  # mip_abs_gap is not in scipy's stub
            )

    retries = dict(options)  # scipy removes the options it knows from the dict it is given
    res = run(options)
    if res.status == 4 and "error" in str(res.message).lower() and np.any(integrality):
        # HiGHS's MIP solver has been seen to end in "Solve error" on tiny feasible models
        # under mip_feasibility_tolerance 1e-9, or without presolve, and to solve them at its
        # default tolerance, or with presolve.  The binaries of a MILP solution are rounded
        # and the rest re-solved as an LP by LinearModel.solve, so the default tolerance loses
        # nothing there; only an optimum is taken from these runs (an "infeasible" from
        # presolve is what it was switched off for).
        loose = {k: v for k, v in retries.items() if k != "mip_feasibility_tolerance"}
        for fallback in (loose, loose | {"presolve": True}):
            again = run(dict(fallback))
            if again.status == 0 and again.x is not None:
                res = again
                break
    if res.status == 0 and res.x is not None:
        objective = float(res.fun)
        bound = getattr(res, "mip_dual_bound", None)
        bound = objective if bound is None or not math.isfinite(bound) else float(bound)
        return Solution(np.asarray(res.x, dtype=float), objective, min(bound, objective))
    if res.status == 2:
        return None
    status = _status_name(str(res.message))
    if res.status == 1 or "limit" in status.lower():
        raise BudgetExceeded(
            f"{what} was not determined within the budget: HiGHS stopped ({status}) under "
            f"the limits of {seconds:.3g} s and {budget.solve_nodes:,} nodes per solve; raise "
            "them with Budget(solve_seconds=..., solve_nodes=...)"
        )
    raise SolverError(
        f"{what}: the solver HiGHS ended with status '{status}' (neither optimal nor "
        "infeasible), so no answer can be given"
    )


def _status_name(message: str) -> str:
    """HiGHS's model status from scipy's message (``... model_status is Unbounded; ...``)."""
    found = re.search(r"model_status is ([^;)]+)", message)
    if found:
        return found.group(1).strip()
    found = re.search(r"HiGHS Status \d+: ([^;)]+)", message)
    return found.group(1).strip() if found else message.strip()


# --------------------------------------------------------------------------------------------
# A small row-wise model
# --------------------------------------------------------------------------------------------

#: Bound on the binary patterns excluded after exact re-solves (each is one MILP solve).
MAX_EXCLUDED = 64


@dataclass
class LinearModel:
    """A small row-wise LP/MILP builder (the problems have tens of variables)."""

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

    def arrays(self) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(A, lo, hi) of the rows, dense."""
        A = np.zeros((len(self.rows), len(self.lb)))
        lo = np.empty(len(self.rows))
        hi = np.empty(len(self.rows))
        for r, (coefs, a, b) in enumerate(self.rows):
            for j, v in coefs.items():
                A[r, j] += v
            lo[r], hi[r] = a, b
        return A, lo, hi

    def solve(self, c: FloatArray, *, what: str = "the margin") -> Solution | None:
        """Minimise c.x; None if infeasible.

        A MILP solution satisfies the big-M rows only up to HiGHS's integrality tolerance: a binary
        at 1 - 1e-6 relaxes a row by M x 1e-6, enough to cross the small tightening of a strict
        inequality.  So the binaries are rounded and fixed and the continuous part is solved
        again as an LP, where every row holds exactly; a pattern that turns out infeasible is
        excluded by a no-good cut and the MILP is solved again (at most :data:`MAX_EXCLUDED`
        times, then :class:`SolverError`).  The returned bound is the MILP's.

        Raises
        ------
        SolverError, BudgetExceeded
            See :func:`highs`.
        """
        if self.infeasible:
            return None
        A, lo, hi = self.arrays()
        n = len(self.lb)
        integer = np.asarray(self.integer, dtype=int)
        lb, ub = np.asarray(self.lb, dtype=float), np.asarray(self.ub, dtype=float)
        ints = np.flatnonzero(integer)
        for _ in range(MAX_EXCLUDED):
            sol = highs(c, A, lo, hi, integer, lb, ub, what)
            if sol is None or ints.size == 0:
                return sol
            z = np.rint(sol.x[ints])
            fixed_lb, fixed_ub = lb.copy(), ub.copy()
            fixed_lb[ints] = fixed_ub[ints] = z
            exact = highs(c, A, lo, hi, np.zeros(n, dtype=int), fixed_lb, fixed_ub, what)
            if exact is not None:
                return Solution(exact.x, exact.objective, min(sol.bound, exact.objective))
            # no-good cut: sum over z_j = 0 of z_j + sum over z_j = 1 of (1 - z_j) >= 1
            cut = np.zeros(n)
            cut[ints] = np.where(z > 0.5, -1.0, 1.0)
            A = np.vstack([A, cut])
            lo = np.append(lo, 1.0 - float((z > 0.5).sum()))
            hi = np.append(hi, math.inf)
        raise SolverError(
            f"{what}: HiGHS's solutions broke the red lines beyond its tolerance "
            f"{MAX_EXCLUDED} times in a row (numerical trouble)"
        )
