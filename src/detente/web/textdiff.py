"""Line diffs of two versions' texts, for history pages and save conflicts."""

from __future__ import annotations

import difflib
from typing import Any

__all__ = ["diff_lines"]


def diff_lines(old: str, new: str, *, old_name: str, new_name: str) -> dict[str, Any]:
    """A line diff of two texts: the unified diff and one record per line (op, numbers, text)."""
    a = old.splitlines()
    b = new.splitlines()
    unified = "\n".join(difflib.unified_diff(a, b, old_name, new_name, lineterm=""))
    lines: list[dict[str, Any]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines.extend(
                {"op": "equal", "old": i1 + n + 1, "new": j1 + n + 1, "text": a[i1 + n]}
                for n in range(i2 - i1)
            )
            continue
        lines.extend(
            {"op": "delete", "old": i + 1, "new": None, "text": a[i]} for i in range(i1, i2)
        )
        lines.extend(
            {"op": "insert", "old": None, "new": j + 1, "text": b[j]} for j in range(j1, j2)
        )
    changed = sum(1 for line in lines if line["op"] != "equal")
    return {"unified": unified, "lines": lines, "changed": changed}
