"""From the option form of a :class:`~detente.scenario.strategy.Strategy` to feasible states.

Conventions (GMCR II, Fang, Hipel, Kilgour & Peng 2003): option k (1-based, declaration order)
is bit k-1 of a state's *decimal code*; feasible vectors are those not excluded by an infeasible
pattern or rule and satisfying every ``exactly_one`` group; all feasible vectors matching a
``merge`` pattern form one state, which takes the smallest code; states are numbered 1..m in
ascending code order.  Preferences become integer payoffs (higher = more preferred, equal =
tie): option prioritisation scores statement j of J with 2^(J-j) where it holds (Fang, Hipel,
Kilgour & Peng 2003, Section IV.B), an explicit ranking gives each tie group its rank.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from detente.errors import ProblemTooLarge, did_you_mean
from detente.scenario.strategy._logic import LogicError, Node, evaluate, parse
from detente.scenario.strategy._model import RankingSpec, Strategy

__all__ = ["Analysis", "Conflict", "analyse", "validate_strategy"]

Location = tuple[str | int, ...]
IntArray = NDArray[np.int64]

_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_PATTERN_LIKE = re.compile(r"[A-Za-z-]+")
_CHUNK = 1 << 20
_MAX_ENUMERATE = 1 << 28
_MAX_OPTIONS = 62
_MAX_STATEMENTS = 62


@dataclass(frozen=True)
class Conflict:
    """A compiled conflict: feasible states and payoffs (moves are built by the engine).

    Attributes
    ----------
    dms : tuple of str
        Decision makers in declaration order.
    options : tuple of str
        Qualified option names ``DM.option`` in option order.
    dm_masks : tuple of int
        Bit mask of the options each DM controls.
    forward_mask, backward_mask : int
        Options that can only be taken (N->Y), only be dropped (Y->N).
    raw_codes : ndarray of int64
        Every feasible option vector (decimal code), ascending.
    raw_state : ndarray of int64
        The state (0-based index) of each feasible vector.
    state_codes : ndarray of int64
        Representative (smallest) code of each state, ascending.
    patterns : tuple of str
        Y/N/- pattern of each state ('-' where merged vectors differ).
    payoff : ndarray of int64, shape (n_dms, m)
        Preference rank of each state for each DM, higher is better, equal is a tie.
    status_quo : int or None
        0-based state index of the status quo.
    coalitions : tuple of tuple of int
        Declared coalitions as DM indices.
    """

    dms: tuple[str, ...]
    options: tuple[str, ...]
    dm_masks: tuple[int, ...]
    forward_mask: int
    backward_mask: int
    raw_codes: IntArray
    raw_state: IntArray
    state_codes: IntArray
    patterns: tuple[str, ...]
    payoff: IntArray
    status_quo: int | None
    coalitions: tuple[tuple[int, ...], ...]

    @property
    def n_states(self) -> int:
        return int(self.state_codes.size)

    def decimals(self) -> list[list[int]]:
        """All decimal codes of each state (several for a merged state)."""
        if self.raw_codes.size == self.state_codes.size:
            return [[c] for c in self.state_codes.tolist()]
        order = np.argsort(self.raw_state, kind="stable")
        codes = self.raw_codes[order]
        cuts = np.flatnonzero(np.diff(self.raw_state[order])) + 1
        return [part.tolist() for part in np.split(codes, cuts)]


@dataclass
class Analysis:
    """Semantic problems found, and the compiled conflict when there are none."""

    problems: list[tuple[Location, str]] = field(default_factory=list)
    conflict: Conflict | None = None
    too_large: ProblemTooLarge | None = None


@dataclass(frozen=True)
class _Pattern:
    mask: int
    value: int

    def match(self, codes: IntArray) -> NDArray[np.bool_]:
        out: NDArray[np.bool_] = (codes & np.int64(self.mask)) == np.int64(self.value)
        return out


def _parse_pattern(text: str, n: int) -> _Pattern | str:
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
    return _Pattern(mask, value)


class _Space:
    """The option vectors allowed by ``exactly_one`` groups, enumerated by a mixed-radix index."""

    def __init__(self, n: int, groups: list[list[int]]) -> None:
        used: set[int] = set()
        self.groups: list[list[int]] = []
        self.filters: list[list[int]] = []
        for g in groups:
            if used.isdisjoint(g) and len(set(g)) == len(g):
                self.groups.append(g)
                used.update(g)
            else:
                self.filters.append(g)
        self.free = [k for k in range(n) if k not in used]
        self.total = 2 ** len(self.free)
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
        for start in range(0, self.total, _CHUNK):
            yield self.codes(start, min(start + _CHUNK, self.total))


def analyse(
    strategy: Strategy,
    *,
    actor_ids: Collection[str] | None = None,
    max_states: int | None = None,
    build: bool = True,
) -> Analysis:
    """Check a strategy and, if it is sound and small enough, compile it.

    Problems are (location, message) pairs with locations relative to the file root.  A conflict
    with more feasible states than ``max_states`` (default ``strategy.max_states``) is not built;
    ``Analysis.too_large`` then holds the error to raise.
    """
    out = Analysis()
    problems = out.problems
    root: Location = ("strategy",)
    limit = strategy.max_states if max_states is None else max_states

    # --- names ---------------------------------------------------------------------------
    dms = tuple(strategy.decision_makers)
    options: list[str] = []
    dm_masks: list[int] = []
    fwd = bwd = 0
    for dm, spec in strategy.decision_makers.items():
        loc = (*root, "decision_makers", dm)
        if not _IDENT.fullmatch(dm):
            problems.append((loc, f"'{dm}' is not a valid id (a letter, then letters, digits, _)"))
        if actor_ids is not None and dm not in actor_ids:
            problems.append(
                (loc, f"decision maker '{dm}' is not an actor{did_you_mean(dm, actor_ids)}")
            )
        if not spec.options:
            problems.append(((*loc, "options"), f"decision maker '{dm}' has no options"))
        mask = 0
        for name, opt in spec.options.items():
            if not _IDENT.fullmatch(name):
                problems.append(((*loc, "options", name), f"'{name}' is not a valid option name"))
            k = len(options)
            options.append(f"{dm}.{name}")
            mask |= 1 << k
            if opt.reversible == "forward":
                fwd |= 1 << k
            elif opt.reversible == "backward":
                bwd |= 1 << k
        dm_masks.append(mask)
    n = len(options)
    if n > _MAX_OPTIONS:
        problems.append(((*root, "decision_makers"), f"{n} options; at most {_MAX_OPTIONS}"))
        return out
    index = {name: k for k, name in enumerate(options)}

    def statement(text: str, loc: Location) -> Node | None:
        try:
            return parse(text, options)
        except LogicError as exc:
            problems.append((loc, f"column {exc.column}: {exc.message} in '{text}'"))
            return None

    # --- infeasible, exactly_one, merge ----------------------------------------------------
    inf_patterns: list[_Pattern] = []
    inf_rules: list[Node] = []
    for j, text in enumerate(strategy.infeasible):
        loc = (*root, "infeasible", j)
        # a pattern is Y/N/- only; a word of the right length is taken as a mistyped pattern,
        # anything else (names, numbers, operators) as a rule
        word = text.strip()
        if _PATTERN_LIKE.fullmatch(word) and (set(word) <= set("YN-") or len(word) == n):
            pat = _parse_pattern(text, n)
            if isinstance(pat, str):
                problems.append((loc, pat))
            else:
                inf_patterns.append(pat)
        else:
            node = statement(text, loc)
            if node is not None:
                inf_rules.append(node)
    groups: list[list[int]] = []
    for j, group in enumerate(strategy.exactly_one):
        ks: list[int] = []
        for g, name in enumerate(group):
            if name in index:
                ks.append(index[name])
            else:
                problems.append(
                    (
                        (*root, "exactly_one", j, g),
                        f"unknown option '{name}'{did_you_mean(name, options)}",
                    )
                )
        if not group:
            problems.append(((*root, "exactly_one", j), "an exactly_one group needs options"))
        groups.append(ks)
    merges: list[_Pattern] = []
    for j, text in enumerate(strategy.merge):
        pat = _parse_pattern(text, n)
        if isinstance(pat, str):
            problems.append(((*root, "merge", j), pat))
        else:
            merges.append(pat)

    # problems so far make the states themselves unknowable; later ones do not
    structural = len(problems)

    # --- preferences (syntax) --------------------------------------------------------------
    stmts: dict[str, list[Node]] = {}
    rankings: dict[str, _Ranking] = {}
    for dm in strategy.preferences:
        if dm not in strategy.decision_makers:
            problems.append(
                (
                    (*root, "preferences", dm),
                    f"preferences for unknown decision maker '{dm}'{did_you_mean(dm, dms)}",
                )
            )
    for dm in dms:
        loc = (*root, "preferences", dm)
        pref = strategy.preferences.get(dm)
        if pref is None:
            problems.append(((*root, "preferences"), f"decision maker '{dm}' has no preferences"))
        elif isinstance(pref, RankingSpec):
            rk = _Ranking(loc=(*loc, "ranking"), n_groups=len(pref.ranking))
            items, grp, sub = rk.items, rk.group, rk.sub
            for j, entry in enumerate(pref.ranking):
                if isinstance(entry, tuple):
                    for t, item in enumerate(entry):
                        items.append(item)
                        grp.append(j)
                        sub.append(t)
                else:
                    items.append(entry)
                    grp.append(j)
                    sub.append(-1)
            problems.extend(rk.check(n))
            rankings[dm] = rk
            if not pref.ranking:
                problems.append(((*loc, "ranking"), "the ranking is empty"))
        else:
            if len(pref) > _MAX_STATEMENTS:
                problems.append((loc, f"{len(pref)} statements; at most {_MAX_STATEMENTS}"))
            if not pref:
                problems.append((loc, f"decision maker '{dm}' has no preference statements"))
            nodes = [statement(text, (*loc, j)) for j, text in enumerate(pref)]
            stmts[dm] = [x for x in nodes if x is not None]

    # --- coalitions, status quo (syntax) ---------------------------------------------------
    coalitions: list[tuple[int, ...]] = []
    for j, members in enumerate(strategy.coalitions):
        idx: list[int] = []
        for g, dm in enumerate(members):
            if dm in dms:
                idx.append(dms.index(dm))
            else:
                problems.append(
                    (
                        (*root, "coalitions", j, g),
                        f"unknown decision maker '{dm}'{did_you_mean(dm, dms)}",
                    )
                )
        if len(set(members)) != len(members):
            problems.append(((*root, "coalitions", j), "a decision maker is listed twice"))
        if len(members) < 2:
            problems.append(((*root, "coalitions", j), "a coalition needs two or more members"))
        coalitions.append(tuple(idx))
    sq_ref: _Pattern | int | None = None
    if strategy.status_quo is not None:
        ref = _rank_entry(strategy.status_quo, n)
        if isinstance(ref, str):
            problems.append(((*root, "status_quo"), ref))
        else:
            sq_ref = ref

    if structural or not build:
        return out

    # --- size check before anything proportional to the state count is allocated ----------
    space = _Space(n, groups)

    def feasible(codes: IntArray) -> NDArray[np.bool_]:
        ok = np.ones(codes.size, dtype=bool)
        for p in inf_patterns:
            ok &= ~p.match(codes)
        for r in inf_rules:
            ok &= ~evaluate(r, codes)
        for g in space.filters:
            taken = np.zeros(codes.size, dtype=np.int64)
            for k in g:
                taken += (codes >> np.int64(k)) & 1
            ok &= taken == 1
        return ok

    if space.total > limit:
        if space.total > _MAX_ENUMERATE:
            out.too_large = ProblemTooLarge(
                f"the option form spans {space.total:,} option combinations, too many to "
                f"enumerate and more than max_states = {limit:,}; group mutually exclusive "
                "options with exactly_one, merge states or drop options",
                path="strategy",
            )
            return out
        count = 0
        seen = np.zeros(len(merges), dtype=bool)
        for chunk in space.chunks():
            ok = feasible(chunk)
            merged = np.zeros(chunk.size, dtype=bool)
            for j, p in enumerate(merges):
                hit = p.match(chunk) & ok
                seen[j] |= bool(hit.any())
                merged |= hit
            count += int(np.count_nonzero(ok & ~merged))
        count += int(seen.sum())
        if count > limit:
            out.too_large = ProblemTooLarge(
                f"the strategy has {count:,} feasible states, more than max_states = {limit:,}; "
                "declare infeasible combinations or exactly_one groups, merge states, or raise "
                "strategy.max_states",
                path="strategy",
            )
            return out

    # --- states ----------------------------------------------------------------------------
    parts = [c[feasible(c)] for c in space.chunks()]
    raw = np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
    if raw.size == 0:
        problems.append((root, "no feasible state: every option combination is infeasible"))
        return out
    key = raw.copy()
    if merges:
        hits = np.stack([p.match(raw) for p in merges])  # (patterns, vectors): few patterns
        parent = list(range(len(merges)))

        def find(a: int) -> int:
            while parent[a] != a:
                a = parent[a]
            return a

        for a in range(len(merges)):
            for b in range(a + 1, len(merges)):
                if bool((hits[a] & hits[b]).any()):
                    parent[find(a)] = find(b)
        comp = np.array([find(a) for a in range(len(merges))])
        for c in np.unique(comp):
            members = hits[comp == c].any(axis=0)
            if members.any():
                key[members] = raw[members].min()
    state_codes, raw_state = np.unique(key, return_inverse=True)
    raw_state = raw_state.astype(np.int64).reshape(-1)
    m = int(state_codes.size)

    order = np.argsort(raw_state, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(raw_state[order]) != 0])
    all_y = np.bitwise_and.reduceat(raw[order], starts)
    any_y = np.bitwise_or.reduceat(raw[order], starts)
    bits = np.arange(n, dtype=np.int64)
    y = ((all_y[:, None] >> bits) & 1).astype(bool)
    v = ((any_y[:, None] >> bits) & 1).astype(bool)
    chars = np.where(y, "Y", np.where(v, "-", "N"))
    patterns = tuple("".join(row) for row in chars.tolist())

    def states_of(ref: _Pattern | int) -> IntArray:
        if isinstance(ref, _Pattern):
            return np.unique(raw_state[ref.match(raw)])
        pos = int(np.searchsorted(raw, ref))
        if pos < raw.size and int(raw[pos]) == ref:
            return raw_state[pos : pos + 1]
        return np.zeros(0, dtype=np.int64)

    def describe(ref: _Pattern | int) -> str:
        if isinstance(ref, int):
            return f"decimal code {ref}"
        s = "".join(
            "-" if not (ref.mask >> k) & 1 else ("Y" if (ref.value >> k) & 1 else "N")
            for k in range(n)
        )
        return f"pattern '{s}'"

    # --- payoffs ---------------------------------------------------------------------------
    payoff = np.zeros((len(dms), m), dtype=np.int64)
    for d, dm in enumerate(dms):
        if dm in stmts:
            trees = stmts[dm]
            score = np.zeros(m, dtype=np.int64)
            for j, tree in enumerate(trees):
                score += evaluate(tree, state_codes).astype(np.int64) << np.int64(
                    len(trees) - 1 - j
                )
            payoff[d] = np.unique(score, return_inverse=True)[1].reshape(-1)
            continue
        if dm not in rankings:
            continue  # no preferences: already reported
        rank, found_problems = rankings[dm].resolve(raw, raw_state, patterns, states_of, describe)
        problems.extend(found_problems)
        payoff[d] = rank

    status_quo: int | None = None
    if sq_ref is not None:
        found = states_of(sq_ref)
        if found.size == 0:
            problems.append(
                ((*root, "status_quo"), f"the status quo ({describe(sq_ref)}) is infeasible")
            )
        elif found.size > 1:
            listed = ", ".join(f"{s + 1} ({patterns[s]})" for s in found[:5].tolist())
            problems.append(
                ((*root, "status_quo"), f"the status quo matches several states: {listed}")
            )
        else:
            status_quo = int(found[0])

    if problems:
        return out
    out.conflict = Conflict(
        dms=dms,
        options=tuple(options),
        dm_masks=tuple(dm_masks),
        forward_mask=fwd,
        backward_mask=bwd,
        raw_codes=raw,
        raw_state=raw_state,
        state_codes=state_codes.astype(np.int64),
        patterns=patterns,
        payoff=payoff,
        status_quo=status_quo,
        coalitions=tuple(coalitions),
    )
    return out


def _rank_entry(item: int | str, n: int) -> _Pattern | int | str:
    """A ranking entry or status quo: a pattern, a decimal code, or an error message."""
    if isinstance(item, int) or item.strip().isdigit():
        code = int(item)
        if not 0 <= code < 2**n:
            return f"decimal code {code} is out of range (0..{2**n - 1} for {n} options)"
        return code
    return _parse_pattern(item, n)


class _Ranking:
    """One explicit ranking, flattened: entry k is ``items[k]`` in tie group ``group[k]``."""

    def __init__(self, *, loc: Location, n_groups: int) -> None:
        self.loc = loc
        self.n_groups = n_groups
        self.items: list[int | str] = []
        self.group: list[int] = []
        self.sub: list[int] = []  # position inside a tie list, -1 for a plain entry
        self.refs: dict[int, _Pattern] = {}  # entries given as patterns with '-'
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
        vals = np.array([min(max(int(self.items[k]), -1), top) for k in ints], dtype=np.int64)
        ok = (vals >= 0) & (vals < top)
        codes[ints[ok]] = vals[ok]
        for k in ints[~ok].tolist():
            problems.append((self.where(k), str(_rank_entry(self.items[k], n))))
        for k in np.flatnonzero(~is_int).tolist():
            ref = _rank_entry(self.items[k], n)
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
        states_of: Callable[[_Pattern | int], IntArray],
        describe: Callable[[_Pattern | int], str],
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


def validate_strategy(
    strategy: Strategy, *, actor_ids: Collection[str] | None
) -> list[tuple[Location, str]]:
    """Semantic problems of a strategy section, each as (location, message).

    The location is relative to the file root and starts with ``"strategy"`` (for example
    ``("strategy", "preferences", "MoE", 2)``); an empty list means the section is usable.
    Checks names (decision makers, options, coalitions; against ``actor_ids`` when given), the
    syntax of rules and statements (with the column), patterns (length, characters), rankings
    (states listed twice, patterns matching no feasible state, states missing) and the status
    quo (feasible, one state).  State-dependent checks are skipped when the conflict has more
    states than ``strategy.max_states`` (the engine refuses it with a clear message).
    """
    return analyse(strategy, actor_ids=actor_ids).problems
