"""Which strategic situations are stable: the equilibria of :func:`detente.graph.stability`.

The states worth drawing (the status quo, every equilibrium, the states on the improvement paths
from the status quo and those one move away from it) are laid out on a circle around the status
quo: the layout is the only arithmetic here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from detente.briefing.model import Section, SectionUnavailable

if TYPE_CHECKING:
    import pandas as pd

    from detente.briefing.context import Context

__all__ = ["Graph", "build_graph"]


@dataclass(frozen=True, kw_only=True)
class Graph(Section):
    """The engine's explanation and the ``graph`` chart."""

    text: str


def _edges(result: Any) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]], set[int]]:
    """Improvement-path steps, unilateral moves from the status quo, states on the paths."""
    sq = result.status_quo
    on_path: set[int] = set()
    steps: list[tuple[int, int, str]] = []
    moves: list[tuple[int, int, str]] = []
    if sq is None:
        return steps, moves, on_path
    on_path.add(int(sq.state))
    for path, movers in zip(sq.paths, sq.movers, strict=True):
        on_path.update(int(s) for s in path)
        for a, b, who in zip(path[:-1], path[1:], movers, strict=True):
            steps.append((int(a), int(b), str(who)))
    for dm in result.decision_makers:
        moves.extend((int(sq.state), t, str(dm)) for t in result.moves(dm, int(sq.state)))
    return steps, moves, on_path


def _tables(result: Any) -> dict[str, pd.DataFrame]:
    import pandas as pd

    eq_count: dict[int, list[str]] = {}
    for c in result.concepts:
        for s in result.equilibria[c]:
            eq_count.setdefault(int(s), []).append(c.upper() if c != "nash" else "Nash")
    sq = result.status_quo
    steps, moves, on_path = _edges(result)
    shown = sorted(set(eq_count) | on_path | {b for _, b, _ in moves})
    # the status quo in the centre, the other states on a circle around it
    ring = [s for s in shown if sq is None or s != sq.state]
    angle = {s: math.pi / 2 - 2 * math.pi * j / max(len(ring), 1) for j, s in enumerate(ring)}
    radius = {s: 1.0 for s in ring}
    if sq is not None:
        angle[int(sq.state)], radius[int(sq.state)] = 0.0, 0.0

    def at(s: int, scale: float = 1.0) -> tuple[float, float]:
        return scale * radius[s] * math.cos(angle[s]), scale * radius[s] * math.sin(angle[s])

    pattern = {st.id: st.pattern for st in result.states}
    nodes = []
    for s in shown:
        x, y = at(s)
        lx, ly = at(s, 1.1)
        centre = radius[s] == 0
        nodes.append(
            {
                "state": s,
                "pattern": pattern.get(s, ""),
                "x": x,
                "y": y,
                "lx": lx,
                "ly": ly - (0.09 if centre else 0.0),
                "align": "center"
                if centre or abs(math.cos(angle[s])) < 0.05
                else ("left" if math.cos(angle[s]) > 0 else "right"),
                "equilibrium": ", ".join(eq_count.get(s, [])) or "none",
                "n_concepts": len(eq_count.get(s, [])),
                "status_quo": bool(sq is not None and s == sq.state),
                "label": f"{s}",
            }
        )
    links = [
        {
            "source": a,
            "target": b,
            "mover": who,
            **dict(zip(("x", "y"), at(a), strict=True)),
            **dict(zip(("x2", "y2"), at(b), strict=True)),
            "kind": kind,
        }
        for kind, group in (("improvement path", steps), ("move from the status quo", moves))
        for a, b, who in group
        if a != b
    ]
    frame = pd.DataFrame(nodes)
    frame.attrs["options"] = list(result.options)
    columns = ["source", "target", "mover", "x", "y", "x2", "y2", "kind"]
    return {"nodes": frame, "edges": pd.DataFrame(links, columns=columns)}


def build_graph(ctx: Context) -> Graph:
    """The strategic graph's equilibria and the states around the status quo."""
    if ctx.scenario.strategy is None:
        raise SectionUnavailable("not available: the scenario has no strategy section")
    from detente.graph import stability

    result = stability(ctx.scenario)
    return Graph(
        text=result.explain(),
        charts={"graph": _tables(result)},
        captions={
            "graph": "Strategic states (GMCR): the status quo, every equilibrium (colour: under "
            "how many solution concepts), the improvement paths from the status quo (solid) and "
            "every unilateral move open from it (dashed, colour: who moves). A state's pattern "
            "gives Y/N for the options " + ", ".join(result.options) + "."
        },
    )
