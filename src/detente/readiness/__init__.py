"""The readiness engine: can talks start, and if not, why not and what would change that?

docs/models.md §1-§2: utilities and reservation values of the veto actors, the negotiability
margin m* and the closest deal x* (exact LP/MILP with HiGHS), the verdict (``ripe``, ``blocked``,
``premature``, ``not_ripe``), clashes, levers, Zartman's ripeness components, Nash terms, the
Pareto frontier of the ZOPA, what-ifs, and the vectorised fast path used by levers and Monte Carlo.

>>> import detente
>>> a = detente.assess(detente.load("scenarios/russia-ukraine-2022-12.yaml"))  # doctest: +SKIP
>>> a.verdict, a.margin  # doctest: +SKIP

Submodules are imported on first use (PEP 562), so that importing one light part (such as
:mod:`~detente.readiness.verdict`) does not load the solvers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from detente.readiness.assessment import Assessment, assess
    from detente.readiness.decomposition import MarginSources, margin_sources
    from detente.readiness.fastpath import margin_batch
    from detente.readiness.frontier import pareto_frontier
    from detente.readiness.margin import exact_margin
    from detente.readiness.nash import nash_solution
    from detente.readiness.problem import Problem, compile_problem
    from detente.readiness.solver import Budget, BudgetExceeded, SolverError
    from detente.readiness.verdict import STAGES, VERDICTS
    from detente.readiness.whatifs import WhatIfComparison, assess_what_ifs

__all__ = [
    "STAGES",
    "VERDICTS",
    "Assessment",
    "Budget",
    "BudgetExceeded",
    "MarginSources",
    "Problem",
    "SolverError",
    "WhatIfComparison",
    "assess",
    "assess_what_ifs",
    "compile_problem",
    "exact_margin",
    "margin_batch",
    "margin_sources",
    "nash_solution",
    "pareto_frontier",
]

_WHERE = {
    "Assessment": "assessment",
    "WhatIfComparison": "whatifs",
    "assess": "assessment",
    "assess_what_ifs": "whatifs",
    "margin_batch": "fastpath",
    "pareto_frontier": "frontier",
    "exact_margin": "margin",
    "nash_solution": "nash",
    "Problem": "problem",
    "compile_problem": "problem",
    "Budget": "solver",
    "BudgetExceeded": "solver",
    "SolverError": "solver",
    "VERDICTS": "verdict",
    "STAGES": "verdict",
    "MarginSources": "decomposition",
    "margin_sources": "decomposition",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'detente.readiness' has no attribute '{name}'")
    value = getattr(importlib.import_module(f"detente.readiness.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
