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

from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = ["VERDICTS", "Verdict", "verdict_codes", "verdict_for"]

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
