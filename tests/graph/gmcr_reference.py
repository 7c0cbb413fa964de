"""A small, slow, obviously-correct reference implementation of the graph model.

Everything follows the textbook definitions literally (Fang, Hipel & Kilgour 1993, Ch. 3-4;
Xu, Hipel, Kilgour & Fang 2018, Ch. 2), with Python sets and loops over states; only for tiny
conflicts.  ``once=True`` gives the *wrong* opponent reachability used by some software (each
opponent moves at most once), for the test that shows the difference.  SIM is written from
its definition (any set of the other DMs improving at the same moment) with a ``single``
switch for the one-opponent reading of the GMCR+ software; it shares no code or data
structure with the engine's (which XORs option masks over vector move lists in bulk).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


def matches(pattern: str, code: int) -> bool:
    return all(c == "-" or (c == "Y") == bool((code >> k) & 1) for k, c in enumerate(pattern))


# Statement trees: ("opt", k) | ("not", a) | ("and", a, b) | ("or", a, b) | ("if", a, b)
# (a if b) | ("iff", a, b)
def holds(tree: Any, code: int) -> bool:
    op = tree[0]
    if op == "opt":
        return bool((code >> tree[1]) & 1)
    if op == "not":
        return not holds(tree[1], code)
    a, b = holds(tree[1], code), holds(tree[2], code)
    if op == "and":
        return a and b
    if op == "or":
        return a or b
    if op == "if":
        return a or not b
    return a == b


@dataclass
class Ref:
    """Input: option owners, reversibility, infeasible patterns, exactly_one, merge patterns."""

    n_dms: int
    owner: list[int]  # DM of each option
    reversible: list[str]  # forward | backward | both
    infeasible: list[str] = field(default_factory=list)
    exactly_one: list[list[int]] = field(default_factory=list)
    merge: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = len(self.owner)
        raw = [
            c
            for c in range(2**n)
            if not any(matches(p, c) for p in self.infeasible)
            and all(sum((c >> k) & 1 for k in g) == 1 for g in self.exactly_one)
        ]
        # merge: union of groups sharing a vector (repeat until nothing changes)
        groups: list[set[int]] = [{c} for c in raw]
        for p in self.merge:
            hit = {c for c in raw if matches(p, c)}
            if hit:
                joined = set(hit)
                rest = []
                for g in groups:
                    if g & joined:
                        joined |= g
                    else:
                        rest.append(g)
                groups = [*rest, joined]
        groups.sort(key=min)
        self.raw = raw
        self.groups = groups
        self.state_of = {c: s for s, g in enumerate(groups) for c in g}
        self.m = len(groups)
        self._raw_moves: dict[tuple[int, int], list[int]] = {}

    def pattern(self, s: int) -> str:
        n = len(self.owner)
        g = self.groups[s]
        out = ""
        for k in range(n):
            vals = {(c >> k) & 1 for c in g}
            out += "-" if len(vals) == 2 else ("Y" if vals == {1} else "N")
        return out

    def legal(self, i: int, a: int, b: int) -> bool:
        d = a ^ b
        if d == 0:
            return False
        for k in range(len(self.owner)):
            if (d >> k) & 1:
                if self.owner[k] != i:
                    return False
                if self.reversible[k] == "forward" and (a >> k) & 1:
                    return False
                if self.reversible[k] == "backward" and not (a >> k) & 1:
                    return False
        return True

    def raw_moves(self, i: int, a: int) -> list[int]:
        key = (i, a)
        if key not in self._raw_moves:
            self._raw_moves[key] = [
                b for b in self.raw if self.legal(i, a, b) and self.state_of[b] != self.state_of[a]
            ]
        return self._raw_moves[key]

    def moves(self, i: int, s: int) -> set[int]:
        return {self.state_of[b] for a in self.groups[s] for b in self.raw_moves(i, a)}


class Solver:
    def __init__(self, ref: Ref, payoff: list[list[int]]) -> None:
        self.ref = ref
        self.P = payoff
        self.N = list(range(ref.n_dms))
        self._mv = {(i, s): ref.moves(i, s) for i in self.N for s in range(ref.m)}

    def R(self, i: int, s: int) -> set[int]:
        return self._mv[(i, s)]

    def UI(self, i: int, s: int) -> set[int]:
        return {t for t in self.R(i, s) if self.P[i][t] > self.P[i][s]}

    def reach(
        self, H: list[int], s: int, step: Callable[[int, int], set[int]], once: bool = False
    ) -> set[int]:
        """States reachable from s by legal sequences of H's moves (at least one move)."""
        if once:  # wrong restriction: every member moves at most once
            seen_o: set[tuple[int, frozenset[int]]] = set()
            todo_o = [(s, frozenset[int]())]
            while todo_o:
                x, used = todo_o.pop()
                for k in H:
                    if k in used:
                        continue
                    for t in step(k, x):
                        node = (t, used | {k})
                        if node not in seen_o:
                            seen_o.add(node)
                            todo_o.append(node)
            return {t for t, _ in seen_o}
        seen: set[tuple[int, int]] = set()
        todo = [(s, -1)]
        while todo:
            x, last = todo.pop()
            for k in H:
                if k == last:
                    continue
                for t in step(k, x):
                    if (t, k) not in seen:
                        seen.add((t, k))
                        todo.append((t, k))
        return {t for t, _ in seen}

    def stable(self, concept: str, i: int, s: int, once: bool = False) -> bool:
        P = self.P[i]
        opp = [j for j in self.N if j != i]
        ui = self.UI(i, s)
        if concept == "nash":
            return not ui
        if concept in ("sim", "sim-single"):
            return self.sim(i, s, single=concept == "sim-single")
        for s1 in ui:
            step = self.UI if concept == "seq" else self.R
            sanctions = self.reach(opp, s1, step, once)
            if concept in ("gmr", "seq"):
                ok = any(P[s2] <= P[s] for s2 in sanctions)
            else:  # smr
                ok = any(
                    P[s2] <= P[s] and all(P[s3] <= P[s] for s3 in self.R(i, s2)) for s2 in sanctions
                )
            if not ok:
                return False
        return True

    def sim(self, i: int, s: int, single: bool = False) -> bool:
        """SIM written from the definition, option by option.

        Every UI of i from a vector of s must be sanctioned: some of the other DMs (any set of
        them, or exactly one with ``single``) each take one of their own UIs from the same
        vector at the same moment; the vector with every mover's options set as in its target
        must be feasible and i must like its state no more than s.
        """
        ref = self.ref
        n = len(ref.owner)
        for a in ref.groups[s]:
            options: list[list[tuple[int, int] | None]] = []
            for j in self.N:
                if j == i:
                    continue
                own = [
                    (j, c) for c in ref.raw_moves(j, a) if self.P[j][ref.state_of[c]] > self.P[j][s]
                ]
                options.append([None, *own])
            for b in ref.raw_moves(i, a):
                if self.P[i][ref.state_of[b]] <= self.P[i][s]:
                    continue  # not an improvement
                sanctioned = False
                for choice in itertools.product(*options):
                    moving = [c for c in choice if c is not None]
                    if not moving or (single and len(moving) > 1):
                        continue
                    bits = [(b >> k) & 1 for k in range(n)]  # i's options as in b
                    for j, c in moving:
                        for k in range(n):
                            if ref.owner[k] == j:
                                bits[k] = (c >> k) & 1
                    x = sum(v << k for k, v in enumerate(bits))
                    if x in ref.state_of and self.P[i][ref.state_of[x]] <= self.P[i][s]:
                        sanctioned = True
                        break
                if not sanctioned:
                    return False
        return True

    def coalition_improvements(self, H: list[int], s: int) -> set[int]:
        return {t for t in self.reach(H, s, self.R) if all(self.P[j][t] > self.P[j][s] for j in H)}

    def sq_reachable(self, sq: int, coalitions: list[list[int]]) -> set[int]:
        seen = {sq}
        todo = [sq]
        while todo:
            x = todo.pop()
            nxt: set[int] = set()
            for i in self.N:
                nxt |= self.UI(i, x)
            for H in coalitions:
                nxt |= self.coalition_improvements(H, x)
            for t in nxt - seen:
                seen.add(t)
                todo.append(t)
        return seen
