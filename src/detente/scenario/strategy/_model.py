"""The ``strategy:`` section of a scenario: a conflict in the option form of the Graph Model.

The shape (pydantic, frozen, unknown keys rejected) mirrors docs/strategy.md one to one;
:func:`validate_strategy` adds the semantic checks that need the whole section (unknown options in
statements, inconsistent rankings, an infeasible status quo, ...).  The option form follows GMCR II
(Fang, Hipel, Kilgour & Peng 2003, *A decision support system for interactive decision making*,
IEEE Trans. SMC-A 33(1)): each decision maker controls yes/no options, a state is one choice of
every option, and options are numbered 1..n in declaration order.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from detente.scenario._frozen import FrozenDict
from detente.scenario.strategy._space import HARD_MAX_STATES

__all__ = [
    "DEFAULT_MAX_STATES",
    "DecisionMakerSpec",
    "OptionSpec",
    "RankingSpec",
    "Strategy",
]

DEFAULT_MAX_STATES = HARD_MAX_STATES


def _none_to_empty(value: Any) -> Any:
    # ``accept:`` with nothing after it is YAML null; it means "all defaults".
    return {} if value is None else value


def _int_to_str(value: Any) -> Any:
    # GMCR II statements are often bare numbers ("3", "-4"); YAML reads them as integers.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


class OptionSpec(BaseModel):
    """One yes/no option.

    ``reversible``: ``forward`` (can only be taken, N -> Y), ``backward`` (can only be dropped,
    Y -> N) or ``both`` (default).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    reversible: Literal["forward", "backward", "both"] = "both"


class DecisionMakerSpec(BaseModel):
    """A decision maker and the options it controls (declaration order is the option order)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    options: FrozenDict[str, Annotated[OptionSpec, BeforeValidator(_none_to_empty)]]


RankEntry = int | str
"""A state in a ranking: a Y/N/- pattern in option order or a decimal code."""


class RankingSpec(BaseModel):
    """An explicit preference ranking, most preferred first; a nested list is a tie."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ranking: tuple[RankEntry | tuple[RankEntry, ...], ...]


Statement = Annotated[str, BeforeValidator(_int_to_str)]
"""An option-prioritisation statement (``UR.accept``, ``not 4``, ``5 iff -1``, ...)."""


class Strategy(BaseModel):
    """The conflict in option form (see docs/strategy.md).

    Attributes
    ----------
    decision_makers : dict
        DM id -> its options, in order; the concatenation fixes the option numbering 1..n.
    infeasible : tuple of str
        Y/N/- patterns (in option order) or rules over options; matching vectors are removed.
    exactly_one : tuple of tuple of str
        Groups of options of which exactly one is taken in every feasible state.
    merge : tuple of str
        Patterns; all feasible vectors matching one pattern form one state.
    preferences : dict
        Per DM, either option-prioritisation statements (most important first) or
        ``{ranking: [...]}``.
    status_quo : str or int or None
        A pattern or decimal code of the current state.
    coalitions : tuple of tuple of str
        Coalitions to test for coalitional improvements.
    max_states : int
        Refuse conflicts with more feasible states than this.  The default is the hard limit,
        262,144 states (2**18); a smaller value lowers the limit, a larger one has no effect.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    decision_makers: FrozenDict[str, DecisionMakerSpec] = Field(min_length=1)
    infeasible: tuple[Statement, ...] = ()
    exactly_one: tuple[tuple[str, ...], ...] = ()
    merge: tuple[str, ...] = ()
    preferences: FrozenDict[str, tuple[Statement, ...] | RankingSpec] = Field(
        default_factory=FrozenDict
    )
    status_quo: RankEntry | None = None
    coalitions: tuple[tuple[str, ...], ...] = ()
    max_states: int = Field(default=DEFAULT_MAX_STATES, gt=0)
