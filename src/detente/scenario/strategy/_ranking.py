"""Explicit preference rankings: entries as patterns or decimal codes, ties, consistency.

A ranking lists states most preferred first (a nested list is a tie); each tie group gets one
rank, higher = preferred.  Problems (an entry matching no feasible state, a state listed twice,
states left out) are reported at the entry's location.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from detente.scenario.strategy._space import Pattern, parse_pattern

__all__ = ["Location", "Ranking", "rank_entry", "ranking_from_spec"]

Location = tuple[str | int, ...]
IntArray = NDArray[np.int64]


def rank_entry(item: int | str, n: int) -> Pattern | int | str:
    """A ranking entry or status quo: a pattern, a decimal code, or an error message."""
    if isinstance(item, int) or item.strip().isdigit():
        code = int(item)
        if not 0 <= code < 2**n:
            return f"decimal code {code} is out of range (0..{2**n - 1} for {n} options)"
        return code
    return parse_pattern(item, n)


class Ranking:
    """One explicit ranking, flattened: entry k is ``items[k]`` in tie group ``group[k]``."""

    def __init__(self, *, loc: Location, n_groups: int) -> None:
        self.loc = loc
        self.n_groups = n_groups
        self.items: list[int | str] = []
        self.group: list[int] = []
        self.sub: list[int] = []  # position inside a tie list, -1 for a plain entry
        self.refs: dict[int, Pattern] = {}  # entries given as patterns with '-'
        self.codes = np.zeros(0, dtype=np.int64)

    def where(self, k: int) -> Location:
        j, t = self.group[k], self.sub[k]
        return (*self.loc, j) if t < 0 else (*self.loc, j, t)

    def check(self, n: int) -> list[tuple[Location, str]]:
        """Syntax of the entries; integer codes are checked in bulk."""
        problems: list[tuple[Location, str]] = []
        codes = np.full(len(self.items), -1, dtype=np.int64)
        is_int = np.fromiter(
            (isinstance(x, int) for x in self.items), dtype=bool, count=len(self.items)
        )
        ints = np.flatnonzero(is_int)
        top = 2**n
        try:  # in bulk when every code fits in 64 bits (the common case)
            vals = np.clip(np.array([self.items[k] for k in ints], dtype=np.int64), -1, top)
        except OverflowError:
            vals = np.array([min(max(int(self.items[k]), -1), top) for k in ints], dtype=np.int64)
        ok = (vals >= 0) & (vals < top)
        codes[ints[ok]] = vals[ok]
        for k in ints[~ok].tolist():
            problems.append((self.where(k), str(rank_entry(self.items[k], n))))
        for k in np.flatnonzero(~is_int).tolist():
            ref = rank_entry(self.items[k], n)
            if isinstance(ref, str):
                problems.append((self.where(k), ref))
            elif isinstance(ref, int):
                codes[k] = ref
            elif ref.mask == top - 1:
                codes[k] = ref.value
            else:
                self.refs[k] = ref
        self.codes = codes
        return problems

    def resolve(
        self,
        raw: IntArray,
        raw_state: IntArray,
        patterns: tuple[str, ...],
        states_of: Callable[[Pattern | int], IntArray],
        describe: Callable[[Pattern | int], str],
    ) -> tuple[IntArray, list[tuple[Location, str]]]:
        """Rank of every state (higher = preferred) and the inconsistencies found."""
        problems: list[tuple[Location, str]] = []
        m = len(patterns)
        exact = np.flatnonzero(self.codes >= 0)
        pos = np.minimum(np.searchsorted(raw, self.codes[exact]), raw.size - 1)
        hit = raw[pos] == self.codes[exact]
        for k in exact[~hit].tolist():
            problems.append(
                (self.where(k), f"{describe(int(self.codes[k]))} matches no feasible state")
            )
        entry_parts = [exact[hit]]
        state_parts = [raw_state[pos[hit]]]
        for k, ref in self.refs.items():
            found = states_of(ref)
            if found.size == 0:
                problems.append((self.where(k), f"{describe(ref)} matches no feasible state"))
            entry_parts.append(np.full(found.size, k, dtype=np.int64))
            state_parts.append(found)
        entry = np.concatenate(entry_parts)
        state = np.concatenate(state_parts)
        order = np.argsort(entry, kind="stable")
        entry, state = entry[order], state[order]
        _, first = np.unique(state, return_index=True)
        dup = np.ones(state.size, dtype=bool)
        dup[first] = False
        first_entry = np.full(m, -1, dtype=np.int64)
        first_entry[state[first]] = entry[first]
        for k, s in list(zip(entry[dup].tolist(), state[dup].tolist(), strict=True))[:20]:
            at = ".".join(str(x) for x in self.where(int(first_entry[s]))[1:])
            problems.append(
                (self.where(k), f"state {s + 1} ({patterns[s]}) is listed twice (first at {at})")
            )
        groups = np.asarray(self.group, dtype=np.int64)
        rank = np.full(m, -1, dtype=np.int64)
        rank[state[first]] = self.n_groups - groups[entry[first]]
        missing = np.flatnonzero(rank < 0)
        if missing.size:
            shown = ", ".join(f"{s + 1} ({patterns[s]})" for s in missing[:8].tolist())
            more = f" and {missing.size - 8} more" if missing.size > 8 else ""
            problems.append(
                (
                    self.loc,
                    f"the ranking leaves out {missing.size} feasible state(s): {shown}{more}",
                )
            )
        return rank, problems


def ranking_from_spec(
    ranking: tuple[int | str | tuple[int | str, ...], ...], *, loc: Location
) -> Ranking:
    """Flatten a ranking (entries and tie lists) into a :class:`Ranking`."""
    rk = Ranking(loc=loc, n_groups=len(ranking))
    plain = [x for x in ranking if not isinstance(x, tuple)]
    if len(plain) == len(ranking):  # no ties: one entry per group
        rk.items = plain
        rk.group = list(range(len(ranking)))
        rk.sub = [-1] * len(ranking)
        return rk
    for j, entry in enumerate(ranking):
        group = entry if isinstance(entry, tuple) else (entry,)
        for t, item in enumerate(group):
            rk.items.append(item)
            rk.group.append(j)
            rk.sub.append(t if isinstance(entry, tuple) else -1)
    return rk
