"""The option space of a strategy, its size, and the limits checked before any work starts.

A strategy with n options spans 2^n option vectors; ``exactly_one`` groups shrink the space that
is enumerated (a mixed-radix index, in chunks), patterns and rules then remove infeasible
vectors, and ``merge`` patterns join vectors into states.  Two sizes decide the memory and time
of everything after: the number of **states** and the number of **candidate moves** (ordered
pairs of feasible vectors that differ only in one decision maker's options: the unilateral
moves before irreversibility and merging remove some).  Both are checked here, from the option
form, before anything proportional to them is allocated:

- states: at most ``min(max_states, HARD_MAX_STATES)``; option spaces beyond ``MAX_ENUMERATE``
  combinations are refused without counting;
- feasible option vectors (merged states hold several): at most ``MAX_VECTORS``;
- candidate moves: at most ``MAX_MOVES``, bounded from the option form first and counted
  exactly only when the bound is above the limit.

No option raises a hard limit; ``strategy.max_states`` (and ``--max-states``) can only lower the
state limit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.errors import ProblemTooLarge

__all__ = [
    "HARD_MAX_STATES",
    "MAX_ENUMERATE",
    "MAX_MOVES",
    "MAX_VECTORS",
    "Pattern",
    "Space",
    "check_moves",
    "check_states",
    "parse_pattern",
]

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

HARD_MAX_STATES = 2**18
"""Feasible states; no option raises it (``max_states`` may lower it)."""
MAX_VECTORS = 2**20
"""Feasible option vectors, merged or not."""
MAX_MOVES = 2**24
"""Candidate unilateral moves, summed over the decision makers."""
MAX_ENUMERATE = 2**26
"""Option combinations that are enumerated to count the feasible states."""
CHUNK = 1 << 20

_HOW_STATES = (
    "group mutually exclusive options with exactly_one, declare infeasible combinations, "
    "merge states or drop options"
)
_HOW_MOVES = (
    "give a decision maker fewer options, group its mutually exclusive options with "
    "exactly_one, or declare infeasible combinations"
)


@dataclass(frozen=True)
class Pattern:
    """A Y/N/- pattern as a mask of the fixed options and their values."""

    mask: int
    value: int

    def match(self, codes: IntArray) -> BoolArray:
        out: BoolArray = (codes & np.int64(self.mask)) == np.int64(self.value)
        return out


def parse_pattern(text: str, n: int) -> Pattern | str:
    """A pattern, or the message saying what is wrong with it."""
    s = text.strip()
    bad = sorted({c for c in s if c not in "YN-"})
    if bad:
        shown = ", ".join(repr(c) for c in bad)
        return f"pattern '{s}' may contain only Y, N and '-' (found {shown})"
    if len(s) != n:
        return f"pattern '{s}' has {len(s)} characters, the strategy has {n} options"
    mask = value = 0
    for k, c in enumerate(s):
        if c != "-":
            mask |= 1 << k
        if c == "Y":
            value |= 1 << k
    return Pattern(mask, value)


class Space:
    """The option vectors allowed by ``exactly_one`` groups, enumerated by a mixed-radix index.

    Disjoint groups are part of the index (a group of g options contributes a factor g, not
    2^g); overlapping groups are applied afterwards as filters.
    """

    def __init__(self, n: int, groups: Sequence[Sequence[int]]) -> None:
        used: set[int] = set()
        self.groups: list[list[int]] = []
        self.filters: list[list[int]] = []
        for g in groups:
            if used.isdisjoint(g) and len(set(g)) == len(g):
                self.groups.append(list(g))
                used.update(g)
            else:
                self.filters.append(list(g))
        self.n = n
        self.free = [k for k in range(n) if k not in used]
        self.total = 1 << len(self.free)
        for g in self.groups:
            self.total *= len(g)

    def codes(self, start: int, stop: int) -> IntArray:
        idx = np.arange(start, stop, dtype=np.int64)
        code = np.zeros(idx.size, dtype=np.int64)
        for g in self.groups:
            bits = np.array([1 << k for k in g], dtype=np.int64)
            code |= bits[idx % len(g)]
            idx //= len(g)
        for j, k in enumerate(self.free):
            code |= ((idx >> np.int64(j)) & 1) << np.int64(k)
        return code

    def chunks(self) -> Iterator[IntArray]:
        for start in range(0, self.total, CHUNK):
            yield self.codes(start, min(start + CHUNK, self.total))

    def combinations(self, dm_mask: int) -> int:
        """An upper bound on the assignments of one decision maker's options in the space.

        A group inside the DM's options gives |g| choices; a group shared with other DMs gives
        at most |g ∩ DM| (one of the DM's options is taken, or none when another DM's is);
        every other option of the DM doubles the count.
        """
        mine = {k for k in range(self.n) if (dm_mask >> k) & 1}
        out = 1 << len(mine.intersection(self.free))
        for g in self.groups:
            inside = len(mine.intersection(g))
            if inside:
                out *= inside if inside == len(g) else inside + 1
        return out


def _state_limit(max_states: int) -> tuple[int, str]:
    """The state limit in force and how a message names it."""
    if max_states < HARD_MAX_STATES:
        return max_states, f"max_states = {max_states:,}"
    return HARD_MAX_STATES, (
        f"the limit of {HARD_MAX_STATES:,} states (a hard limit: strategy.max_states and "
        "--max-states can lower it, not raise it)"
    )


def check_states(
    space: Space,
    feasible: Callable[[IntArray], BoolArray],
    merges: Sequence[Pattern],
    max_states: int,
) -> ProblemTooLarge | None:
    """Refuse a strategy with too many states or vectors, counting chunk by chunk if needed.

    Memory stays at one chunk; nothing proportional to the state count is allocated.
    """
    limit, named = _state_limit(max_states)
    if space.total <= min(limit, MAX_VECTORS):
        return None
    if space.total > MAX_ENUMERATE:
        return ProblemTooLarge(
            f"the strategy has up to {space.total:,} states ({space.total:,} option "
            f"combinations, too many to enumerate: at most {MAX_ENUMERATE:,}), more than "
            f"{named}; {_HOW_STATES}",
            path="strategy",
        )
    states = vectors = 0
    seen = np.zeros(len(merges), dtype=bool)
    for chunk in space.chunks():
        ok = feasible(chunk)
        merged = np.zeros(chunk.size, dtype=bool)
        for j, p in enumerate(merges):
            hit = p.match(chunk) & ok
            seen[j] |= bool(hit.any())
            merged |= hit
        vectors += int(np.count_nonzero(ok))
        states += int(np.count_nonzero(ok & ~merged))
    # every merge pattern that matches makes at most one state (overlapping ones fewer)
    states += int(seen.sum())
    if states > limit:
        return ProblemTooLarge(
            f"the strategy has {states:,} feasible states, more than {named}; {_HOW_STATES}",
            path="strategy",
        )
    if vectors > MAX_VECTORS:
        return ProblemTooLarge(
            f"the strategy has {vectors:,} feasible option vectors (its merged states hold "
            f"several), more than the limit of {MAX_VECTORS:,}; {_HOW_STATES}",
            path="strategy",
        )
    return None


def check_moves(
    space: Space, raw: IntArray, dms: Sequence[str], dm_masks: Sequence[int]
) -> ProblemTooLarge | None:
    """Refuse a strategy whose move lists would exceed ``MAX_MOVES`` candidate moves.

    The bound from the option form (every vector times the DM's other option assignments) is
    exact when every combination is feasible; only when it exceeds the limit are the candidate
    moves counted exactly on the feasible vectors (``raw()``, already bounded by
    :func:`check_states`): vectors that agree on the other DMs' options form a group of size
    c, which holds c(c-1) ordered pairs.
    """
    per_dm = [space.total * (space.combinations(mask) - 1) for mask in dm_masks]
    if sum(per_dm) <= MAX_MOVES:
        return None
    exact: list[int] = []
    for mask in dm_masks:
        counts = np.unique(raw & ~np.int64(mask), return_counts=True)[1].astype(np.int64)
        exact.append(int((counts * (counts - 1)).sum()))
    total = sum(exact)
    if total <= MAX_MOVES:
        return None
    worst = int(np.argmax(exact))
    combos = space.combinations(dm_masks[worst])
    return ProblemTooLarge(
        f"the move lists would hold {total:,} candidate moves (pairs of feasible states that "
        f"differ only in one decision maker's options; {dms[worst]} alone has {exact[worst]:,}, "
        f"with up to {combos:,} combinations of its options), more than the limit of "
        f"{MAX_MOVES:,}; {_HOW_MOVES}",
        path="strategy",
    )
