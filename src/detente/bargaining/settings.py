"""The settings of the expected-utility model, checked once, and the limits of its work.

:class:`EUMSettings` is the one place where the model's settings are validated; every function
that runs the model (:func:`~detente.bargaining.forecast`, :func:`~detente.bargaining.
forecast_table`, :func:`~detente.bargaining.expected_utility` and its batch form) takes one.

The model's pair-vote terms grow with ``rounds x actors^3`` per issue (and per draw), and a run
that keeps its per-round quadrant data (every single forecast does) holds ``rounds x actors^2``
pairs of three arrays: :func:`check_eum_size` refuses work beyond :data:`MAX_EUM_TERMS` terms
or :data:`MAX_RECORD_BYTES` bytes before anything is allocated (docs/security.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from detente.bargaining._eum import MAX_ACTORS, VARIANTS, Variant, check_variant
from detente.errors import InputError, ProblemTooLarge

__all__ = [
    "DEFAULT_ROUNDS",
    "MAX_ACTORS",
    "MAX_EUM_TERMS",
    "MAX_RECORD_BYTES",
    "MAX_ROUNDS",
    "VARIANTS",
    "EUMSettings",
    "UtilityRange",
    "check_eum_size",
]

#: Rounds run by default: the horizon of Scholz, Calbert & Smith (2011), Table 2.
DEFAULT_ROUNDS = 8
#: Largest number of rounds accepted (the model is a fixed-horizon iteration, not a solver).
MAX_ROUNDS = 1000
#: Largest ``draws x rounds x sum(actors^3)`` of one forecast or one Monte Carlo run (about ten
#: seconds of work on one core at 10^8 terms per second).
MAX_EUM_TERMS = 1_000_000_000
#: Largest per-round quadrant data a single forecast keeps (48 bytes per round and actor pair).
MAX_RECORD_BYTES = 256 * 2**20
_RECORD_BYTES_PER_PAIR = 48  # challenge, response and probability, two passes, float64

UtilityRange = float | Literal["positions", "scale"]


@dataclass(frozen=True, kw_only=True, slots=True)
class EUMSettings:
    r"""Settings of Bueno de Mesquita's expected-utility model (docs/models.md §3).

    Parameters
    ----------
    variant : {"scholz-code", "as-printed"}
        ``"scholz-code"`` reproduces Scholz, Calbert & Smith (2011) Table 2; ``"as-printed"``
        follows the paper's printed equations (see :mod:`detente.bargaining._eum`).
    q : float
        BDM's :math:`Q` in ``[0, 1]``, the probability that the status quo persists if ``i``
        does not challenge (Scholz use 1).
    rounds : int
        Bargaining rounds, ``0 .. MAX_ROUNDS`` (default 8, the horizon of Scholz's Table 2).
    risk : bool
        Run the second pass with the risk exponents (``False``: all :math:`r_i = 1`).
    utility_range : "positions", "scale" or float
        :math:`R` in :math:`d = |x_i - x_j| / R`: the spread of the opening positions (default,
        as Bueno de Mesquita and Scholz), the issue's ``high - low``, or a number ``> 0`` that is
        at least the spread.

    Raises
    ------
    InputError
        For any setting outside its range, naming the setting.
    """

    variant: Variant = "scholz-code"
    q: float = 1.0
    rounds: int = DEFAULT_ROUNDS
    risk: bool = True
    utility_range: UtilityRange = "positions"

    def __post_init__(self) -> None:
        check_variant(self.variant)
        q = self.q
        if isinstance(q, bool) or not isinstance(q, int | float) or not 0.0 <= float(q) <= 1.0:
            raise InputError(f"Q must lie in [0, 1] (got {q!r})", path="q")
        object.__setattr__(self, "q", float(q))
        r = self.rounds
        if isinstance(r, bool) or not isinstance(r, int) or not 0 <= r <= MAX_ROUNDS:
            raise InputError(
                f"rounds must be an integer in [0, {MAX_ROUNDS}] (got {r!r})", path="rounds"
            )
        if not isinstance(self.risk, bool):
            raise InputError(f"risk must be true or false (got {self.risk!r})", path="risk")
        u = self.utility_range
        if u in ("positions", "scale"):
            return
        if isinstance(u, bool) or not isinstance(u, int | float) or not math.isfinite(u) or u <= 0:
            raise InputError(
                f"utility_range must be 'positions', 'scale' or a number > 0 (got {u!r})",
                path="utility_range",
            )
        object.__setattr__(self, "utility_range", float(u))

    def to_dict(self) -> dict[str, Any]:
        return {
            "variant": self.variant,
            "q": self.q,
            "rounds": self.rounds,
            "risk": self.risk,
            "utility_range": self.utility_range,
        }


def check_eum_size(
    actors: Sequence[int], settings: EUMSettings, *, draws: int = 1, record: bool = False
) -> None:
    """Refuse a run of the model on issues of ``actors`` actors each before it starts.

    Raises
    ------
    ProblemTooLarge
        More than :data:`MAX_ACTORS` actors on an issue, more than :data:`MAX_EUM_TERMS`
        pair-vote terms, or (``record=True``) more than :data:`MAX_RECORD_BYTES` of per-round
        quadrant data.  The message says the limit and what to lower.
    """
    if not actors:
        return
    widest = max(actors)
    if widest > MAX_ACTORS:
        raise ProblemTooLarge(
            f"the expected-utility model is limited to {MAX_ACTORS} actors per issue "
            f"(got {widest}); its vote arrays grow with actors^3: leave out minor actors or "
            "forecast with --method mean/median/nash",
            path="actors",
        )
    cubes = sum(n**3 for n in actors)
    terms = draws * settings.rounds * cubes
    if terms > MAX_EUM_TERMS:
        fit = MAX_EUM_TERMS // max(1, draws * cubes)
        per = f"{draws:,} draws x " if draws > 1 else ""
        lower = (
            f"lower the rounds (at most {fit} here), the draws or the actors"
            if fit
            else "lower the draws or the actors"
        )
        raise ProblemTooLarge(
            f"the expected-utility model would compute {terms:,} pair-vote terms "
            f"({per}{settings.rounds} rounds x sum of actors^3 = {cubes:,}); the limit is "
            f"{MAX_EUM_TERMS:,}: {lower}",
            path="rounds",
        )
    if record:
        needed = settings.rounds * sum(n * n for n in actors) * _RECORD_BYTES_PER_PAIR
        if needed > MAX_RECORD_BYTES:
            raise ProblemTooLarge(
                f"the expected-utility rounds would keep {needed / 2**20:,.0f} MiB of quadrant "
                f"data; the limit is {MAX_RECORD_BYTES // 2**20} MiB: lower the rounds",
                path="rounds",
            )
