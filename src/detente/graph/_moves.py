"""Unilateral moves as sparse move lists (CSR) over the feasible states, and reachability.

A unilateral move of DM i changes only i's options, in one step, to another feasible state,
respecting irreversibility (Fang, Hipel & Kilgour 1993, Ch. 3; GMCR II, Fang et al. 2003).  Moves
are found per group of vectors that agree on every other DM's options (all pairs in a group), so
memory is proportional to states x moves; no states-by-states matrix is ever formed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.scenario.strategy import Conflict

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

INF = np.int64(1) << np.int64(60)
_PAIRS = 1 << 22  # candidate pairs examined at once


@dataclass(frozen=True)
class Graph:
    """A directed graph over states in CSR form.

    The successors of state s are ``indices[indptr[s]:indptr[s + 1]]``.
    """

    indptr: IntArray
    indices: IntArray

    @property
    def src(self) -> IntArray:
        """Source state of every edge (aligned with ``indices``)."""
        return np.repeat(np.arange(self.indptr.size - 1, dtype=np.int64), np.diff(self.indptr))

    def successors(self, s: int) -> IntArray:
        return self.indices[self.indptr[s] : self.indptr[s + 1]]

    def subgraph(self, keep: BoolArray) -> Graph:
        """The graph with only the edges where ``keep`` (aligned with ``indices``) is true."""
        m = self.indptr.size - 1
        counts = np.bincount(self.src[keep], minlength=m)
        indptr = np.zeros(m + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return Graph(indptr, self.indices[keep])


@dataclass(frozen=True)
class Moves:
    """One DM's moves: the state graph, and for merged states the vector moves behind it.

    ``raw_src``/``raw_dst`` (indices into ``Conflict.raw_codes``) are kept only when some state
    holds several vectors; otherwise vectors are states and the graph is the vector graph.
    """

    graph: Graph
    raw_src: IntArray | None = None
    raw_dst: IntArray | None = None


def expand_ranges(starts: IntArray, lengths: IntArray) -> IntArray:
    """Concatenation of ``arange(starts[k], starts[k] + lengths[k])`` over k."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(lengths) - lengths
    return np.repeat(starts - offsets, lengths) + np.arange(total, dtype=np.int64)


def chunk_bounds(weights: IntArray, budget: int) -> Iterator[tuple[int, int]]:
    """Consecutive ranges [lo, hi) of items whose weights sum to about ``budget`` (at least one
    item each), so that work proportional to the weights is done in bounded pieces."""
    cum = np.cumsum(weights)
    lo = 0
    while lo < weights.size:
        base = int(cum[lo - 1]) if lo else 0
        hi = max(int(np.searchsorted(cum, base + budget, side="right")), lo + 1)
        yield lo, hi
        lo = hi


def build_moves(conflict: Conflict, dm: int) -> Moves:
    """All unilateral moves of DM ``dm`` between distinct feasible states.

    Vectors that agree on the other DMs' options form a group; every ordered pair in a group is
    a candidate move, kept if each changed option may change in that direction (forward options
    only N->Y, backward options only Y->N) and the two vectors lie in different states.  For a
    merged state, the moves of any of its vectors are moves of the state.  Candidates are
    processed in pieces of about ``_PAIRS`` pairs, so the working memory is bounded whatever
    the group sizes; what is kept is proportional to the moves found (their number was
    checked against the limit when the strategy was compiled).
    """
    raw = conflict.raw_codes
    m = conflict.n_states
    merged = conflict.merged
    mask = np.int64(conflict.dm_masks[dm])
    key = raw & ~mask
    order = np.argsort(key, kind="stable").astype(np.int64)
    skey = key[order]
    starts = np.flatnonzero(np.r_[True, skey[1:] != skey[:-1]]).astype(np.int64)
    sizes = np.diff(np.r_[starts, skey.size]).astype(np.int64)
    group = np.repeat(np.arange(starts.size), sizes)
    gsize = sizes[group]  # candidates per source position
    gstart = starts[group]
    fwd = np.int64(conflict.forward_mask)
    bwd = np.int64(conflict.backward_mask)
    edge_parts: list[IntArray] = []
    raw_parts: list[tuple[IntArray, IntArray]] = []
    for lo, hi in chunk_bounds(gsize, _PAIRS):
        pos = np.arange(lo, hi, dtype=np.int64)
        src_pos = np.repeat(pos, gsize[lo:hi])
        dst_pos = expand_ranges(gstart[lo:hi], gsize[lo:hi])
        a = raw[order[src_pos]]
        d = a ^ raw[order[dst_pos]]
        legal = (d != 0) & ((a & d & fwd) == 0) & ((~a & d & bwd) == 0)
        rs = order[src_pos[legal]]
        rd = order[dst_pos[legal]]
        s = conflict.raw_state[rs]
        t = conflict.raw_state[rd]
        if merged:
            diff = s != t
            rs, rd, s, t = rs[diff], rd[diff], s[diff], t[diff]
            raw_parts.append((rs, rd))
        edge_parts.append(s * np.int64(m) + t)
    edges = np.sort(np.concatenate(edge_parts)) if edge_parts else np.zeros(0, dtype=np.int64)
    if merged and edges.size:
        # duplicates arise only between merged states
        edges = edges[np.r_[True, edges[1:] != edges[:-1]]]
    src = edges // m
    indptr = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=m), out=indptr[1:])
    graph = Graph(indptr, edges - src * np.int64(m))
    if not merged:
        return Moves(graph)
    rs = np.concatenate([x for x, _ in raw_parts])
    rd = np.concatenate([y for _, y in raw_parts])
    return Moves(graph, rs, rd)


def improvements(graph: Graph, payoff: IntArray) -> Graph:
    """The unilateral improvements: moves to a strictly preferred state."""
    return graph.subgraph(payoff[graph.indices] > payoff[graph.src])


def segment_min(graph: Graph, values: IntArray) -> IntArray:
    """Per state, the minimum of ``values`` over its edges; INF if it has none.

    ``values`` is aligned with the edges, shape (E,) or (E, c).
    """
    m = graph.indptr.size - 1
    out = np.full((m, *values.shape[1:]), INF, dtype=np.int64)
    nonempty = graph.indptr[:-1] < graph.indptr[1:]
    if values.shape[0]:
        out[nonempty] = np.minimum.reduceat(values, graph.indptr[:-1][nonempty], axis=0)
    return out


def segment_max(graph: Graph, values: IntArray, empty: int) -> IntArray:
    """Per state, the maximum of ``values`` over its edges; ``empty`` if it has none."""
    m = graph.indptr.size - 1
    out = np.full(m, empty, dtype=np.int64)
    nonempty = graph.indptr[:-1] < graph.indptr[1:]
    if values.size:
        out[nonempty] = np.maximum.reduceat(values, graph.indptr[:-1][nonempty])
    return out


def reach_min(graphs: Sequence[Graph], w: IntArray) -> IntArray:
    """For every start state s, the minimum of ``w`` over the set R_H(s).

    R_H(s) is the set reachable from s by a legal sequence of moves of the coalition H (one graph
    per member, in which DM k's moves are edges): at least one move, and no member moves twice in
    a row, but a member may move again after another has moved (Fang, Hipel & Kilgour 1993,
    Sec. 3.2; Xu, Hipel, Kilgour & Fang 2018, Def. 2.5).  Computed as the fixpoint over (state,
    last mover) pairs::

        f_k(s) = min_{(s,t) in G_k} min(w(t), min_{j != k} f_j(t)),   answer(s) = min_k f_k(s)

    iterated from f = INF (a Bellman-Ford style relaxation: every value is the minimum over a real
    path; each sweep lengthens the paths considered, and the values only decrease).
    """
    m = w.shape[0]
    h = len(graphs)
    f = np.full((h, m), INF, dtype=np.int64)
    changed = True
    while changed:
        changed = False
        # min over j != k of f_j in O(h m) per sweep: the members after k as they were when the
        # sweep began (suffix minima), the members before k as just updated (running minimum),
        # so each sweep uses the newest values (Gauss-Seidel), which converges in few sweeps
        after = f.copy()
        for k in range(h - 2, -1, -1):
            np.minimum(after[k], after[k + 1], out=after[k])
        before = w.copy()
        for k, g in enumerate(graphs):
            node = before if k + 1 == h else np.minimum(before, after[k + 1])
            new = segment_min(g, node[g.indices])
            np.minimum(new, f[k], out=new)
            if not np.array_equal(new, f[k]):
                f[k] = new
                changed = True
            np.minimum(before, f[k], out=before)
    out: IntArray = f.min(axis=0) if h else np.full(m, INF, dtype=np.int64)
    return out


@dataclass(frozen=True)
class Components:
    """Weakly connected components of the union of some move graphs.

    ``order`` lists the states component by component; component c holds
    ``order[start[c]:start[c] + size[c]]``; ``local[s]`` is s's position inside its component.
    """

    label: IntArray
    order: IntArray
    start: IntArray
    size: IntArray
    local: IntArray


def components(graphs: Sequence[Graph], m: int) -> Components:
    from scipy.sparse import coo_array
    from scipy.sparse.csgraph import connected_components

    # int32 indices: csgraph's kernels take no other, and SciPy 1.11 passed int64 ones
    # through and returned garbage labels (-9999) without an error; states stay below 2**18
    src = np.concatenate([g.src for g in graphs]).astype(np.int32)
    dst = np.concatenate([g.indices for g in graphs]).astype(np.int32)
    adj = coo_array((np.ones(src.size, dtype=bool), (src, dst)), shape=(m, m)).tocsr()
    n, found = connected_components(adj, directed=True, connection="weak")
    label: IntArray = np.asarray(found, dtype=np.int64)
    order = np.argsort(label, kind="stable").astype(np.int64)
    size = np.bincount(label, minlength=n).astype(np.int64)
    start = np.cumsum(size) - size
    local = np.empty(m, dtype=np.int64)
    local[order] = np.arange(m, dtype=np.int64) - start[label[order]]
    return Components(label, order, start, size, local)


def reach_sets(
    graphs: Sequence[Graph], sources: IntArray, *, budget: int = 1 << 22
) -> Iterator[tuple[IntArray, IntArray]]:
    """Pairs (k, t) with t in R_H(sources[k]) (same legal sequences as :func:`reach_min`).

    A breadth-first expansion over (source, state, last mover) triples.  A coalition never
    leaves the component of its start in the union of its members' move graphs, so each source
    gets a visited bitmap over its component only (component size x members); sources are
    taken in chunks whose bitmaps, and every expansion step, hold about ``budget`` entries.
    Yields the pairs of each chunk.
    """
    h = len(graphs)
    m = graphs[0].indptr.size - 1 if graphs else 0
    if not h or not sources.size:
        return
    comp = components(graphs, m)
    cells = comp.size[comp.label[sources]] * h  # bitmap cells per source
    for lo, hi in chunk_bounds(cells, budget):
        offset = np.cumsum(cells[lo:hi]) - cells[lo:hi]
        base = comp.start[comp.label[sources[lo:hi]]]  # where each source's component begins
        visited = np.zeros(int(cells[lo:hi].sum()), dtype=bool)
        stamp = np.empty(visited.size, dtype=np.int64)  # deduplicates without sorting
        sid = np.arange(hi - lo, dtype=np.int64)
        state = sources[lo:hi].astype(np.int64)
        last = np.full(hi - lo, -1, dtype=np.int64)
        while sid.size:
            deg = np.zeros(sid.size, dtype=np.int64)
            for k, g in enumerate(graphs):
                deg += np.where(last != k, g.indptr[state + 1] - g.indptr[state], 0)
            found: list[IntArray] = []
            for a, b in chunk_bounds(deg, budget):
                parts: list[IntArray] = []
                for k, g in enumerate(graphs):
                    sel = np.flatnonzero(last[a:b] != k) + a
                    d = g.indptr[state[sel] + 1] - g.indptr[state[sel]]
                    targets = g.indices[expand_ranges(g.indptr[state[sel]], d)]
                    parts.append(np.repeat(offset[sid[sel]], d) + comp.local[targets] * h + k)
                codes = np.concatenate(parts)
                codes = codes[~visited[codes]]
                # one copy of each code: the position whose write to ``stamp`` survived
                idx = np.arange(codes.size, dtype=np.int64)
                stamp[codes] = idx
                codes = codes[stamp[codes] == idx]
                visited[codes] = True
                found.append(codes)
            codes = np.concatenate(found)
            sid = np.searchsorted(offset, codes, side="right") - 1
            rest = codes - offset[sid]
            state = comp.order[base[sid] + rest // h]
            last = rest % h
        # (source, state) cells: one per h bitmap cells
        cell = np.flatnonzero(visited.reshape(-1, h).any(axis=1))
        first = offset // h
        sid = np.searchsorted(first, cell, side="right") - 1
        yield sid + lo, comp.order[base[sid] + cell - first[sid]]


def find_path(
    graphs: Sequence[Graph], start: int, target: BoolArray, labels: Sequence[int]
) -> list[tuple[int, int]] | None:
    """A shortest legal sequence from ``start`` to a state where ``target`` holds, or None.

    Returns [(mover, state), ...] with movers from ``labels`` (one per graph).  Used by the
    explanations, for one state at a time.
    """
    h = len(graphs)
    layers: list[tuple[IntArray, IntArray]] = []  # (node codes, parent codes)
    frontier = np.array([start * (h + 1) + h], dtype=np.int64)
    seen = frontier.copy()
    while frontier.size:
        states = frontier // (h + 1)
        lasts = frontier % (h + 1)
        nodes: list[IntArray] = []
        parents: list[IntArray] = []
        for k, g in enumerate(graphs):
            sel = lasts != k
            fst = states[sel]
            deg = g.indptr[fst + 1] - g.indptr[fst]
            targets = g.indices[expand_ranges(g.indptr[fst], deg)]
            nodes.append(targets * (h + 1) + k)
            parents.append(np.repeat(frontier[sel], deg))
        node = np.concatenate(nodes)
        parent = np.concatenate(parents)
        node, first = np.unique(node, return_index=True)
        parent = parent[first]
        fresh = ~np.isin(node, seen)
        node, parent = node[fresh], parent[fresh]
        seen = np.union1d(seen, node)
        layers.append((node, parent))
        hit = np.flatnonzero(target[node // (h + 1)])
        if hit.size:
            code = int(node[hit[0]])
            path: list[tuple[int, int]] = []
            for nodes_l, parents_l in reversed(layers):
                pos = int(np.searchsorted(nodes_l, code))
                path.append((labels[code % (h + 1)], code // (h + 1)))
                code = int(parents_l[pos])
            return path[::-1]
        frontier = node
    return None
