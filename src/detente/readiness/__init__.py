"""The readiness engine: can talks start, and if not, why not and what would change that?

docs/models.md §1-§2: utilities and reservation values of the veto actors, the negotiability margin
m* and the closest deal x* (exact LP/MILP with HiGHS), the verdict (``ripe``, ``blocked``,
``premature``, ``not_ripe``), clashes, levers, Zartman's ripeness components, Nash terms, the
Pareto frontier of the ZOPA, what-ifs, and the vectorised fast path used by levers and Monte Carlo.

>>> import detente
>>> a = detente.assess(detente.load("scenarios/russia-ukraine-2022-12.yaml"))  # doctest: +SKIP
>>> a.verdict, a.margin  # doctest: +SKIP
"""

from detente.readiness.assessment import (
    Assessment,
    Terms,
    UnmetPrecondition,
    WhatIfComparison,
    ZartmanParty,
    assess,
    assess_what_ifs,
    levers,
)
from detente.readiness.clashes import Clash, Constraint
from detente.readiness.fastpath import fast_applicable, margin_batch
from detente.readiness.levers import FactLever, Lever
from detente.readiness.margin import MarginResult, exact_margin
from detente.readiness.problem import PARAMETER_PATHS_DOC, Parameter, Problem, compile_problem
from detente.readiness.terms import Frontier, nash_solution, pareto_frontier

__all__ = [
    "PARAMETER_PATHS_DOC",
    "Assessment",
    "Clash",
    "Constraint",
    "FactLever",
    "Frontier",
    "Lever",
    "MarginResult",
    "Parameter",
    "Problem",
    "Terms",
    "UnmetPrecondition",
    "WhatIfComparison",
    "ZartmanParty",
    "assess",
    "assess_what_ifs",
    "compile_problem",
    "exact_margin",
    "fast_applicable",
    "levers",
    "margin_batch",
    "nash_solution",
    "pareto_frontier",
]
