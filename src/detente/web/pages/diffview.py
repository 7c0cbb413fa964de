"""A line diff cut into hunks for a page: the changed lines with a few lines of context."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["hunks"]


def hunks(lines: Sequence[dict[str, Any]], *, context: int = 3) -> list[list[dict[str, Any]]]:
    """The records of :func:`detente.web.textdiff.diff_lines` grouped into hunks: every changed
    line with up to ``context`` unchanged lines before and after; hunks closer than twice the
    context are joined."""
    changed = [i for i, line in enumerate(lines) if line["op"] != "equal"]
    if not changed:
        return []
    spans: list[list[int]] = []
    for i in changed:
        start, end = max(0, i - context), min(len(lines), i + context + 1)
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    return [list(lines[a:b]) for a, b in spans]
