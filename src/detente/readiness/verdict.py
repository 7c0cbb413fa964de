"""The verdict table of docs/models.md §2, defined once: preconditions of the veto actors x ZOPA.

========================================  =====  ============
talks preconditions of veto actors         ZOPA   verdict
========================================  =====  ============
met                                        yes    ``ripe``
not met                                    yes    ``blocked``
met                                        no     ``premature``
not met                                    no     ``not_ripe``
========================================  =====  ============

The stage says how far the conflict can go now, answering three questions in turn: can talks
open (every veto actor's ``for: talks`` preconditions hold), does a deal exist (the ZOPA), can it
be signed (every veto actor's ``for: agreement`` preconditions hold):

============  ====================================================================
stage         meaning
============  ====================================================================
``none``      talks cannot open (a veto actor's talks precondition is unmet)
``talks``     talks can open, but no deal exists
``deal``      talks can open and a deal exists, but an agreement precondition is unmet
``signature`` talks can open, a deal exists and it can be signed
============  ====================================================================

:func:`verdict_codes` and :func:`stage_codes` are the tables over arrays (one entry per Monte
Carlo draw or date), as codes into :data:`VERDICTS` and :data:`STAGES`; :func:`verdict_for` and
:func:`stage_for` are the same tables for one assessment.  This module imports only NumPy, so
that the Monte Carlo model can name the verdicts without loading a solver.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = [
    "STAGES",
    "STAGE_TEXT",
    "VERDICTS",
    "Stage",
    "Verdict",
    "headline",
    "stage_codes",
    "stage_for",
    "verdict_codes",
    "verdict_for",
]

Verdict: TypeAlias = Literal["ripe", "blocked", "premature", "not_ripe"]
Stage: TypeAlias = Literal["none", "talks", "deal", "signature"]

#: The verdicts in code order: ``VERDICTS[code]`` for a code from :func:`verdict_codes`.
VERDICTS: tuple[Verdict, ...] = ("ripe", "blocked", "premature", "not_ripe")
#: The stages in code order (how far the conflict can go): ``STAGES[code]``.
STAGES: tuple[Stage, ...] = ("none", "talks", "deal", "signature")
#: What each stage means, for explanations.
STAGE_TEXT: dict[str, str] = {
    "none": "talks cannot open yet",
    "talks": "talks can open, but no deal exists yet",
    "deal": "talks can open and a deal exists, but it cannot be signed yet",
    "signature": "talks can open, a deal exists and it can be signed",
}


def verdict_codes(*, zopa: npt.ArrayLike, preconditions_met: npt.ArrayLike) -> npt.NDArray[np.int8]:
    """The verdict code of each entry: bit 1 = no ZOPA, bit 0 = a veto precondition unmet."""
    no_zopa = ~np.asarray(zopa, dtype=bool)
    unmet = ~np.asarray(preconditions_met, dtype=bool)
    return (2 * no_zopa.astype(np.int8) + unmet.astype(np.int8)).astype(np.int8)


def verdict_for(*, zopa: bool, preconditions_met: bool) -> Verdict:
    """The verdict of one assessment (see the table above)."""
    code = int(verdict_codes(zopa=zopa, preconditions_met=preconditions_met))
    return VERDICTS[code]


def stage_codes(
    *, talks: npt.ArrayLike, zopa: npt.ArrayLike, signable: npt.ArrayLike
) -> npt.NDArray[np.int8]:
    """The stage code of each entry: 0 none, 1 talks, 2 deal, 3 signature (see above)."""
    t = np.asarray(talks, dtype=bool)
    z = t & np.asarray(zopa, dtype=bool)
    s = z & np.asarray(signable, dtype=bool)
    codes: npt.NDArray[np.int8] = t.astype(np.int8) + z.astype(np.int8) + s.astype(np.int8)
    return codes


def stage_for(*, talks: bool, zopa: bool, signable: bool) -> Stage:
    """The stage of one assessment: how far the conflict can go now (see the table above)."""
    return STAGES[int(stage_codes(talks=talks, zopa=zopa, signable=signable))]


def headline(
    *,
    verdict: Verdict,
    parties: Sequence[str],
    margin: float | None,
    unmet: Sequence[str],
    unsigned: Sequence[str] = (),
) -> str:
    """The verdict in one sentence: the veto parties' names, the margin (None when their red
    lines cannot all hold), the labels of the veto parties' unmet talks preconditions and of
    their unmet agreement preconditions (named when they are all that stands in the way)."""
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
        but = f", but it cannot be signed until {join(list(unsigned))}" if unsigned else ""
        return (
            f"Ripe: {who} can open talks, and a deal exists that {every} of them prefer to "
            f"fighting on (margin {margin:.3f}){but}."
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
