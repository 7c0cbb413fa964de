"""The ``strategy:`` section: a conflict in the option form of the Graph Model (docs/strategy.md).

- :class:`Strategy` and its parts mirror the YAML keys (pydantic, frozen, unknown keys rejected);
- :func:`analyse` compiles the option form into feasible states and integer payoffs
  (:class:`Conflict`) and collects the semantic problems the loader reports;
- :func:`validate_strategy` is the loader's check of the section.

The preference language (option-prioritisation statements such as ``5 iff -1``) lives in
:mod:`detente.scenario.strategy._logic`.  The graph engine (:mod:`detente.graph`) builds moves and
stability on the compiled :class:`Conflict`.
"""

from detente.scenario.strategy._compile import Analysis, Conflict, analyse, validate_strategy
from detente.scenario.strategy._model import (
    DEFAULT_MAX_STATES,
    DecisionMakerSpec,
    OptionSpec,
    RankingSpec,
    Strategy,
)

__all__ = [
    "DEFAULT_MAX_STATES",
    "Analysis",
    "Conflict",
    "DecisionMakerSpec",
    "OptionSpec",
    "RankingSpec",
    "Strategy",
    "analyse",
    "validate_strategy",
]
