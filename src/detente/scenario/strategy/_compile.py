"""From the option form of a :class:`~detente.scenario.strategy.Strategy` to feasible states.

Conventions (GMCR II, Fang, Hipel, Kilgour & Peng 2003): option k (1-based, declaration order)
is bit k-1 of a state's *decimal code*; feasible vectors are those not excluded by an infeasible
pattern or rule and satisfying every ``exactly_one`` group; all feasible vectors matching a
``merge`` pattern form one state, which takes the smallest code; states are numbered 1..m in
ascending code order.  Preferences become integer payoffs (higher = more preferred, equal =
tie): option prioritisation scores statement j of J with 2^(J-j) where it holds (Fang, Hipel,
Kilgour & Peng 2003, Section IV.B), an explicit ranking gives each tie group its rank.

The size of the conflict (states, option vectors, candidate moves) is checked against the limits
of :mod:`detente.scenario.strategy._space` before anything proportional to it is allocated.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from detente.errors import ProblemTooLarge, did_you_mean
from detente.scenario.strategy._logic import LogicError, Node, evaluate, parse
from detente.scenario.strategy._model import RankingSpec, Strategy
from detente.scenario.strategy._ranking import Location, Ranking, rank_entry, ranking_from_spec
from detente.scenario.strategy._space import (
    Pattern,
    Space,
    check_moves,
    check_states,
    parse_pattern,
)

__all__ = ["Analysis", "Conflict", "analyse", "validate_strategy"]

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_PATTERN_LIKE = re.compile(r"[A-Za-z-]+")
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

    @property
    def merged(self) -> bool:
        """Whether some state holds several option vectors."""
        return self.raw_codes.size != self.state_codes.size

    def decimals(self) -> list[list[int]]:
        """All decimal codes of each state (several for a merged state)."""
        if not self.merged:
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


@dataclass
class _Parsed:
    """Everything read from the section before the states are built."""

    n: int
    dms: tuple[str, ...]
    options: list[str]
    dm_masks: list[int]
    fwd: int = 0
    bwd: int = 0
    inf_patterns: list[Pattern] = field(default_factory=list)
    inf_rules: list[Node] = field(default_factory=list)
    groups: list[list[int]] = field(default_factory=list)
    merges: list[Pattern] = field(default_factory=list)
    stmts: dict[str, list[Node]] = field(default_factory=dict)
    rankings: dict[str, Ranking] = field(default_factory=dict)
    coalitions: list[tuple[int, ...]] = field(default_factory=list)
    sq_ref: Pattern | int | None = None

    def feasible(self, codes: IntArray, space: Space) -> BoolArray:
        ok = np.ones(codes.size, dtype=bool)
        for p in self.inf_patterns:
            ok &= ~p.match(codes)
        for r in self.inf_rules:
            ok &= ~evaluate(r, codes)
        for g in space.filters:
            taken = np.zeros(codes.size, dtype=np.int64)
            for k in g:
                taken += (codes >> np.int64(k)) & 1
            ok &= taken == 1
        return ok


_ROOT: Location = ("strategy",)


def _read_names(
    strategy: Strategy, actor_ids: Collection[str] | None, problems: list[tuple[Location, str]]
) -> _Parsed | None:
    """Decision makers and options (with their numbering and reversibility)."""
    dms = tuple(strategy.decision_makers)
    p = _Parsed(n=0, dms=dms, options=[], dm_masks=[])
    for dm, spec in strategy.decision_makers.items():
        loc = (*_ROOT, "decision_makers", dm)
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
            k = len(p.options)
            p.options.append(f"{dm}.{name}")
            mask |= 1 << k
            if opt.reversible == "forward":
                p.fwd |= 1 << k
            elif opt.reversible == "backward":
                p.bwd |= 1 << k
        p.dm_masks.append(mask)
    p.n = len(p.options)
    if p.n > _MAX_OPTIONS:
        problems.append(((*_ROOT, "decision_makers"), f"{p.n} options; at most {_MAX_OPTIONS}"))
        return None
    return p


def _statement(
    text: str, loc: Location, p: _Parsed, problems: list[tuple[Location, str]]
) -> Node | None:
    try:
        return parse(text, p.options)
    except LogicError as exc:
        problems.append((loc, f"column {exc.column}: {exc.message} in '{text}'"))
        return None


def _read_feasibility(strategy: Strategy, p: _Parsed, problems: list[tuple[Location, str]]) -> None:
    """Infeasible patterns and rules, exactly_one groups, merge patterns."""
    index = {name: k for k, name in enumerate(p.options)}
    for j, text in enumerate(strategy.infeasible):
        loc = (*_ROOT, "infeasible", j)
        # a pattern is Y/N/- only; a word of the right length is taken as a mistyped pattern,
        # anything else (names, numbers, operators) as a rule
        word = text.strip()
        if _PATTERN_LIKE.fullmatch(word) and (set(word) <= set("YN-") or len(word) == p.n):
            pat = parse_pattern(text, p.n)
            if isinstance(pat, str):
                problems.append((loc, pat))
            else:
                p.inf_patterns.append(pat)
        else:
            node = _statement(text, loc, p, problems)
            if node is not None:
                p.inf_rules.append(node)
    for j, group in enumerate(strategy.exactly_one):
        ks: list[int] = []
        for g, name in enumerate(group):
            if name in index:
                ks.append(index[name])
            else:
                problems.append(
                    (
                        (*_ROOT, "exactly_one", j, g),
                        f"unknown option '{name}'{did_you_mean(name, p.options)}",
                    )
                )
        if not group:
            problems.append(((*_ROOT, "exactly_one", j), "an exactly_one group needs options"))
        p.groups.append(ks)
    for j, text in enumerate(strategy.merge):
        pat = parse_pattern(text, p.n)
        if isinstance(pat, str):
            problems.append(((*_ROOT, "merge", j), pat))
        else:
            p.merges.append(pat)


def _read_preferences(strategy: Strategy, p: _Parsed, problems: list[tuple[Location, str]]) -> None:
    """Preference statements (syntax) and rankings (entries), per decision maker."""
    for dm in strategy.preferences:
        if dm not in strategy.decision_makers:
            problems.append(
                (
                    (*_ROOT, "preferences", dm),
                    f"preferences for unknown decision maker '{dm}'{did_you_mean(dm, p.dms)}",
                )
            )
    for dm in p.dms:
        loc = (*_ROOT, "preferences", dm)
        pref = strategy.preferences.get(dm)
        if pref is None:
            problems.append(((*_ROOT, "preferences"), f"decision maker '{dm}' has no preferences"))
        elif isinstance(pref, RankingSpec):
            rk = ranking_from_spec(pref.ranking, loc=(*loc, "ranking"))
            problems.extend(rk.check(p.n))
            p.rankings[dm] = rk
            if not pref.ranking:
                problems.append(((*loc, "ranking"), "the ranking is empty"))
        else:
            if len(pref) > _MAX_STATEMENTS:
                problems.append((loc, f"{len(pref)} statements; at most {_MAX_STATEMENTS}"))
            if not pref:
                problems.append((loc, f"decision maker '{dm}' has no preference statements"))
            nodes = [_statement(text, (*loc, j), p, problems) for j, text in enumerate(pref)]
            p.stmts[dm] = [x for x in nodes if x is not None]


def _read_coalitions(strategy: Strategy, p: _Parsed, problems: list[tuple[Location, str]]) -> None:
    """Coalitions (names) and the status quo (syntax)."""
    for j, members in enumerate(strategy.coalitions):
        idx: list[int] = []
        for g, dm in enumerate(members):
            if dm in p.dms:
                idx.append(p.dms.index(dm))
            else:
                problems.append(
                    (
                        (*_ROOT, "coalitions", j, g),
                        f"unknown decision maker '{dm}'{did_you_mean(dm, p.dms)}",
                    )
                )
        if len(set(members)) != len(members):
            problems.append(((*_ROOT, "coalitions", j), "a decision maker is listed twice"))
        if len(members) < 2:
            problems.append(((*_ROOT, "coalitions", j), "a coalition needs two or more members"))
        p.coalitions.append(tuple(idx))
    if strategy.status_quo is not None:
        ref = rank_entry(strategy.status_quo, p.n)
        if isinstance(ref, str):
            problems.append(((*_ROOT, "status_quo"), ref))
        else:
            p.sq_ref = ref


@dataclass(frozen=True)
class _States:
    raw: IntArray
    raw_state: IntArray
    state_codes: IntArray
    patterns: tuple[str, ...]

    def of(self, ref: Pattern | int) -> IntArray:
        """The states a pattern or decimal code refers to."""
        if isinstance(ref, Pattern):
            return np.unique(self.raw_state[ref.match(self.raw)])
        pos = int(np.searchsorted(self.raw, ref))
        if pos < self.raw.size and int(self.raw[pos]) == ref:
            return self.raw_state[pos : pos + 1]
        return np.zeros(0, dtype=np.int64)


def _merge(raw: IntArray, merges: list[Pattern], n: int) -> _States:
    """States from the feasible vectors: overlapping merge patterns join into one state."""
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
    order = np.argsort(raw_state, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(raw_state[order]) != 0])
    all_y = np.bitwise_and.reduceat(raw[order], starts)
    any_y = np.bitwise_or.reduceat(raw[order], starts)
    bits = np.arange(n, dtype=np.int64)
    y = ((all_y[:, None] >> bits) & 1).astype(bool)
    v = ((any_y[:, None] >> bits) & 1).astype(bool)
    chars = np.where(y, "Y", np.where(v, "-", "N"))
    patterns = tuple("".join(row) for row in chars.tolist())
    return _States(raw, raw_state, state_codes.astype(np.int64), patterns)


def _describe(ref: Pattern | int, n: int) -> str:
    if isinstance(ref, int):
        return f"decimal code {ref}"
    s = "".join(
        "-" if not (ref.mask >> k) & 1 else ("Y" if (ref.value >> k) & 1 else "N") for k in range(n)
    )
    return f"pattern '{s}'"


def _payoffs(p: _Parsed, st: _States, problems: list[tuple[Location, str]]) -> IntArray:
    m = st.state_codes.size
    payoff = np.zeros((len(p.dms), m), dtype=np.int64)
    for d, dm in enumerate(p.dms):
        if dm in p.stmts:
            trees = p.stmts[dm]
            score = np.zeros(m, dtype=np.int64)
            for j, tree in enumerate(trees):
                weight = np.int64(len(trees) - 1 - j)
                score += evaluate(tree, st.state_codes).astype(np.int64) << weight
            payoff[d] = np.unique(score, return_inverse=True)[1].reshape(-1)
        elif dm in p.rankings:  # no preferences at all: already reported
            rank, found = p.rankings[dm].resolve(
                st.raw, st.raw_state, st.patterns, st.of, lambda r: _describe(r, p.n)
            )
            problems.extend(found)
            payoff[d] = rank
    return payoff


def _status_quo(p: _Parsed, st: _States, problems: list[tuple[Location, str]]) -> int | None:
    if p.sq_ref is None:
        return None
    found = st.of(p.sq_ref)
    where = (*_ROOT, "status_quo")
    if found.size == 0:
        problems.append((where, f"the status quo ({_describe(p.sq_ref, p.n)}) is infeasible"))
    elif found.size > 1:
        listed = ", ".join(f"{s + 1} ({st.patterns[s]})" for s in found[:5].tolist())
        problems.append((where, f"the status quo matches several states: {listed}"))
    else:
        return int(found[0])
    return None


def analyse(
    strategy: Strategy,
    *,
    actor_ids: Collection[str] | None = None,
    max_states: int | None = None,
    build: bool = True,
) -> Analysis:
    """Check a strategy and, if it is sound and small enough, compile it.

    Problems are (location, message) pairs with locations relative to the file root.  A conflict
    over the limits (``max_states``, default ``strategy.max_states``, never above the hard limit;
    feasible vectors; candidate moves) is not built: ``Analysis.too_large`` then holds the error
    to raise.  The limits are checked before anything proportional to them is allocated.
    """
    if build:
        known = _compiled(strategy, actor_ids, max_states)
        if known is not None:
            return Analysis(conflict=known)
    out = Analysis()
    problems = out.problems
    p = _read_names(strategy, actor_ids, problems)
    if p is None:
        return out
    _read_feasibility(strategy, p, problems)
    # problems so far make the states themselves unknowable; later ones do not
    structural = len(problems)
    _read_preferences(strategy, p, problems)
    _read_coalitions(strategy, p, problems)
    if structural or not build:
        return out

    space = Space(p.n, p.groups)
    limit = strategy.max_states if max_states is None else max_states
    out.too_large = check_states(space, lambda c: p.feasible(c, space), p.merges, limit)
    if out.too_large is not None:
        return out
    parts = [c[p.feasible(c, space)] for c in space.chunks()]
    raw = np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
    if raw.size == 0:
        problems.append((_ROOT, "no feasible state: every option combination is infeasible"))
        return out
    out.too_large = check_moves(space, raw, p.dms, p.dm_masks)
    if out.too_large is not None:
        return out

    st = _merge(raw, p.merges, p.n)
    payoff = _payoffs(p, st, problems)
    status_quo = _status_quo(p, st, problems)
    if problems:
        return out
    out.conflict = Conflict(
        dms=p.dms,
        options=tuple(p.options),
        dm_masks=tuple(p.dm_masks),
        forward_mask=p.fwd,
        backward_mask=p.bwd,
        raw_codes=st.raw,
        raw_state=st.raw_state,
        state_codes=st.state_codes,
        patterns=st.patterns,
        payoff=payoff,
        status_quo=status_quo,
        coalitions=tuple(p.coalitions),
    )
    _remember(strategy, actor_ids, out.conflict)
    return out


# The last conflict compiled, kept for as long as its strategy lives: loading a scenario checks
# its strategy by compiling it, and the graph engine then compiles the same strategy again (a
# second or more of CPU at the largest sizes).  (strategy, the actor ids it was checked against,
# the conflict); the strategy is held by a weak reference.
_Compiled = tuple["weakref.ref[Strategy]", frozenset[str] | None, Conflict]
_LAST: _Compiled | None = None


def _remember(strategy: Strategy, actor_ids: Collection[str] | None, conflict: Conflict) -> None:
    global _LAST

    def forget(ref: weakref.ref[Strategy]) -> None:
        global _LAST
        if _LAST is not None and _LAST[0] is ref:
            _LAST = None

    ids = None if actor_ids is None else frozenset(actor_ids)
    _LAST = (weakref.ref(strategy, forget), ids, conflict)


def _compiled(
    strategy: Strategy, actor_ids: Collection[str] | None, max_states: int | None
) -> Conflict | None:
    """The conflict :func:`analyse` would build, if this very strategy was compiled last without
    problems, against the same actors (or when none are asked for), and is within the limit."""
    last = _LAST
    if last is None or last[0]() is not strategy:
        return None
    _, ids, conflict = last
    if actor_ids is not None and ids != frozenset(actor_ids):
        return None
    limit = strategy.max_states if max_states is None else max_states
    return conflict if conflict.n_states <= limit else None


def validate_strategy(
    strategy: Strategy, *, actor_ids: Collection[str] | None
) -> list[tuple[Location, str]]:
    """Semantic problems of a strategy section, each as (location, message).

    The location is relative to the file root and starts with ``"strategy"`` (for example
    ``("strategy", "preferences", "MoE", 2)``); an empty list means the section is usable.
    Checks names (decision makers, options, coalitions; against ``actor_ids`` when given), the
    syntax of rules and statements (with the column), patterns (length, characters), rankings
    (states listed twice, patterns matching no feasible state, states missing), the status quo
    (feasible, one state) and the size of the conflict: more states than ``strategy.max_states``
    (or the hard limit), too many option vectors or candidate moves are a problem at
    ``strategy``, found before the states are built.
    """
    out = analyse(strategy, actor_ids=actor_ids)
    if out.too_large is not None:
        return [*out.problems, (_ROOT, out.too_large.diagnostic.message)]
    return out.problems
