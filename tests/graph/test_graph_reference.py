"""The engine agrees with the brute-force reference on random conflicts (hypothesis)."""

from __future__ import annotations

import itertools
import random
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from detente.graph import CONCEPTS, stability
from detente.scenario.strategy import Strategy
from tests.graph.gmcr_reference import Ref, Solver, holds, matches

REV = ["forward", "backward", "both"]


def render(tree: Any, names: list[str], rng: random.Random) -> str:
    """Statement text for a tree, with randomly chosen equivalent spellings."""
    op = tree[0]
    if op == "opt":
        k: int = tree[1]
        return rng.choice([names[k], str(k + 1)])
    if op == "not":
        inner = tree[1]
        word = rng.choice(["not ", "-", "~"])
        if word == "-" and inner[0] == "opt":
            return "-" + render(inner, names, rng)
        return f"{word}({render(inner, names, rng)})"
    sym = {
        "and": ["&", "and"],
        "or": ["|", "or"],
        "if": ["if"],
        "iff": ["iff"],
    }[op]
    a = render(tree[1], names, rng)
    b = render(tree[2], names, rng)
    return f"({a}) {rng.choice(sym)} ({b})"


def random_tree(n: int, rng: random.Random, depth: int = 0) -> Any:
    """A random statement tree over options 0..n-1."""
    roll = rng.random()
    if depth >= 2 or roll < 0.4:
        return ("opt", rng.randrange(n))
    if roll < 0.55:
        return ("not", random_tree(n, rng, depth + 1))
    op = rng.choice(["and", "or", "if", "iff"])
    return (op, random_tree(n, rng, depth + 1), random_tree(n, rng, depth + 1))


@st.composite
def conflicts(
    draw: Any,
) -> tuple[dict[str, Any], Ref, list[list[int]], int | None, list[list[int]]]:
    n_dms = draw(st.integers(2, 5))
    per = [draw(st.integers(1, 2 if n_dms <= 3 else 1)) for _ in range(n_dms)]
    extra = draw(st.integers(0, 6 - sum(per))) if sum(per) < 6 and n_dms >= 4 else 0
    for _ in range(extra):
        per[draw(st.integers(0, n_dms - 1))] += 1
    owner = [d for d, k in enumerate(per) for _ in range(k)]
    n = len(owner)
    rev = [draw(st.sampled_from(REV)) for _ in range(n)]

    def pattern(min_fixed: int) -> str:
        chars = [draw(st.sampled_from("YN--")) for _ in range(n)]
        fixed = [k for k, c in enumerate(chars) if c != "-"]
        while len(fixed) < min(min_fixed, n):
            k = draw(st.integers(0, n - 1))
            if chars[k] == "-":
                chars[k] = draw(st.sampled_from("YN"))
                fixed.append(k)
        return "".join(chars)

    infeasible = [pattern(2) for _ in range(draw(st.integers(0, 2)))]
    exactly_one: list[list[int]] = []
    if n >= 3 and draw(st.booleans()):
        exactly_one.append(sorted(draw(st.sets(st.integers(0, n - 1), min_size=2, max_size=3))))
    merge = [pattern(2) for _ in range(draw(st.integers(0, 2)))]
    ref = Ref(n_dms, owner, rev, infeasible, exactly_one, merge)
    assume(ref.m >= 2)

    dms = [f"D{d}" for d in range(n_dms)]
    names = [f"{dms[owner[k]]}.o{k}" for k in range(n)]
    rng = random.Random(draw(st.integers(0, 2**32)))
    prefs: dict[str, Any] = {}
    payoff: list[list[int]] = []
    for d in range(n_dms):
        if draw(st.booleans()):  # explicit ranking with ties
            score = [rng.randint(0, 3) for _ in range(ref.m)]
            levels = sorted(set(score), reverse=True)
            ranking: list[Any] = []
            for lv in levels:
                group: list[Any] = []
                for s in range(ref.m):
                    if score[s] == lv:
                        if len(ref.groups[s]) > 1 or rng.random() < 0.5:
                            group.append(rng.choice(sorted(ref.groups[s])))
                        else:
                            group.append(ref.pattern(s))
                ranking.append(group if len(group) > 1 else group[0])
            prefs[dms[d]] = {"ranking": ranking}
            payoff.append(score)
        else:  # option prioritisation
            stmts = [random_tree(n, rng) for _ in range(rng.randint(1, 3))]
            texts = [render(t, names, rng) for t in stmts]
            prefs[dms[d]] = texts
            J = len(stmts)
            payoff.append(
                [
                    sum(2 ** (J - 1 - j) for j, t in enumerate(stmts) if holds(t, min(g)))
                    for g in ref.groups
                ]
            )
    sq: int | None = None
    data: dict[str, Any] = {
        "decision_makers": {
            dms[d]: {
                "options": {f"o{k}": {"reversible": rev[k]} for k in range(n) if owner[k] == d}
            }
            for d in range(n_dms)
        },
        "infeasible": infeasible,
        "exactly_one": [[names[k] for k in g] for g in exactly_one],
        "merge": merge,
        "preferences": prefs,
    }
    if draw(st.booleans()):
        sq = draw(st.integers(0, ref.m - 1))
        data["status_quo"] = min(ref.groups[sq])
    coalitions: list[list[int]] = []
    if draw(st.booleans()):
        coalitions.append(sorted(draw(st.sets(st.integers(0, n_dms - 1), min_size=2, max_size=3))))
        data["coalitions"] = [[dms[d] for d in c] for c in coalitions]
    return data, ref, payoff, sq, coalitions


@settings(max_examples=520)
@given(conflicts())
def test_engine_matches_reference(case: Any) -> None:
    data, ref, payoff, sq, coalitions = case
    result = stability(Strategy.model_validate(data))
    dms = list(data["decision_makers"])
    ids = {s: s + 1 for s in range(ref.m)}
    assert [(x.pattern, sorted(x.decimal)) for x in result.states] == [
        (ref.pattern(s), sorted(ref.groups[s])) for s in range(ref.m)
    ]
    for s in range(ref.m):
        assert all(matches(ref.pattern(s), c) for c in ref.groups[s])
    solver = Solver(ref, payoff)
    for c in CONCEPTS:
        eq = set(range(ref.m))
        for i, dm in enumerate(dms):
            want = {s for s in range(ref.m) if solver.stable(c, i, s)}
            assert set(result.stability[c][dm]) == {ids[s] for s in want}, (c, dm)
            eq &= want
        assert set(result.equilibria[c]) == {ids[s] for s in eq}, c
    for co, H in zip(result.coalitions, coalitions, strict=True):
        for c in CONCEPTS:
            want = {
                ids[s]
                for s in range(ref.m)
                if ids[s] in result.equilibria[c] and solver.coalition_improvements(H, s)
            }
            assert set(co.unstable_equilibria[c]) == want
        for s_id, targets in co.improvements.items():
            assert set(targets) == {ids[t] for t in solver.coalition_improvements(H, s_id - 1)}
    if sq is not None:
        assert result.status_quo is not None
        reach = solver.sq_reachable(sq, coalitions)
        assert set(result.status_quo.reachable) == {ids[s] for s in reach}
        for c in CONCEPTS:
            assert set(result.status_quo.reachable_equilibria[c]) == (
                set(result.equilibria[c]) & {ids[s] for s in reach}
            )
        edges: set[tuple[int, int]] = set()
        for x in reach:
            for i in range(len(dms)):
                edges |= {(x, t) for t in solver.UI(i, x)}
            for H in coalitions:
                edges |= {(x, t) for t in solver.coalition_improvements(H, x)}
        any_eq = set().union(*(set(result.equilibria[c]) for c in CONCEPTS))
        ends = set()
        for path in result.status_quo.paths:
            assert path[0] == ids[sq]
            assert path[-1] in any_eq
            assert len(set(path)) == len(path)
            assert all((a - 1, b - 1) in edges for a, b in itertools.pairwise(path))
            ends.add(path[-1])
        # every reachable equilibrium is the end of a path or lies on one
        on_paths = {x for p in result.status_quo.paths for x in p}
        missed = (any_eq & {ids[s] for s in reach}) - on_paths
        assert not missed or result.status_quo.truncated, (missed, result.status_quo)
    else:
        assert result.status_quo is None
