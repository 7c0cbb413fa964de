"""The verdict table of docs/models.md §2, defined once: preconditions of the veto actors x ZOPA.

========================================  =====  ============
preconditions of veto actors               ZOPA   verdict
========================================  =====  ============
met                                        yes    ``ripe``
not met                                    yes    ``blocked``
met                                        no     ``premature``
not met                                    no     ``not_ripe``
========================================  =====  ============

:func:`verdict_codes` is the table over arrays (one entry per Monte Carlo draw or date), as codes
into :data:`VERDICTS`; :func:`verdict_for` is the same table for one assessment.  This module
imports only NumPy, so that the Monte Carlo model can name the verdicts without loading a solver.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = ["VERDICTS", "Verdict", "headline", "verdict_codes", "verdict_for"]

Verdict: TypeAlias = Literal["ripe", "blocked", "premature", "not_ripe"]

#: The verdicts in code order: ``VERDICTS[code]`` for a code from :func:`verdict_codes`.
VERDICTS: tuple[Verdict, ...] = ("ripe", "blocked", "premature", "not_ripe")


def verdict_codes(*, zopa: npt.ArrayLike, preconditions_met: npt.ArrayLike) -> npt.NDArray[np.int8]:
    """The verdict code of each entry: bit 1 = no ZOPA, bit 0 = a veto precondition unmet."""
    no_zopa = ~np.asarray(zopa, dtype=bool)
    unmet = ~np.asarray(preconditions_met, dtype=bool)
    return (2 * no_zopa.astype(np.int8) + unmet.astype(np.int8)).astype(np.int8)


def verdict_for(*, zopa: bool, preconditions_met: bool) -> Verdict:
    """The verdict of one assessment (see the table above)."""
    code = int(verdict_codes(zopa=zopa, preconditions_met=preconditions_met))
    return VERDICTS[code]


def headline(
    *,
    verdict: Verdict,
    parties: Sequence[str],
    margin: float | None,
    unmet: Sequence[str],
) -> str:
    """The verdict in one sentence: the veto parties' names, the margin (None when their red
    lines cannot all hold) and the labels of the veto parties' unmet preconditions."""
    who = join(list(parties))
    if margin is None:
        why_no = "their red lines cannot all hold at once"
    else:
        why_no = (
            f"no deal beats fighting on for all of them (gap {-margin:.3f}: the utility "
            "each would still have to give up)"
        )
    every = "both" if len(parties) == 2 else "all"
    if verdict == "ripe":
        return (
            f"Ripe: {who} can open talks, and a deal exists that {every} of them prefer to "
            f"fighting on (margin {margin:.3f})."
        )
    if verdict == "blocked":
        return (
            f"Blocked: a deal exists that {who} {every} prefer to fighting on (margin "
            f"{margin:.3f}), but talks cannot open until {join(list(unmet))}."
        )
    if verdict == "premature":
        return f"Premature: {who} could meet, but {why_no}."
    return f"Not ripe: talks cannot open until {join(list(unmet))}, and {why_no}."


def join(parts: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
