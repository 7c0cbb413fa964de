"""The strategic engine: the Graph Model for Conflict Resolution (GMCR).

``stability(scenario_or_strategy)`` turns the ``strategy:`` section (option form, see
docs/strategy.md) into feasible states and unilateral moves, and computes Nash, GMR, SMR, SEQ
and SIM stability for every decision maker, the equilibria, coalitional improvements and the
evolution from the status quo (Fang, Hipel & Kilgour 1993; Xu, Hipel, Kilgour & Fang 2018).
It returns a :class:`StabilityResult`; ``CONCEPTS`` names the solution concepts.

Modules: ``_moves`` (move lists and reachability), ``_solve`` (Nash, GMR, SMR, SEQ, coalitions,
status quo), ``_sim`` (SIM), ``_result`` (the result and its explanations).
"""

from __future__ import annotations

from detente.graph._result import StabilityResult, stability
from detente.graph._solve import CONCEPTS

__all__ = ["CONCEPTS", "StabilityResult", "stability"]
