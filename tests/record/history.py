"""Copies of ``scenarios/history`` that load before the other format additions of this round.

The history files use keys that other branches add to the loader (``probability:`` and
``threshold:`` on red lines, ``for: agreement`` preconditions, ``{bernoulli: p}``, the paths
``actors.ID.red_lines.N.active``/``threshold``).  Until they land, tests and the backtest
benchmark use copies with those keys removed, as ``scenarios/history/README.md`` describes: every
probable red line becomes certain, agreement-only preconditions and the uncertainty entries,
what-if and timeline settings that use the new keys are dropped.  ``questions`` are kept.  Once
the loader knows the keys, :func:`history_files` returns the files themselves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from detente.errors import ScenarioError
from detente.scenario import load

HISTORY = Path(__file__).resolve().parents[2] / "scenarios" / "history"
_NEW_PATH_PARTS = (".active", ".threshold")


def _uses_new_keys(path: str, spec: Any) -> bool:
    if any(part in path for part in _NEW_PATH_PARTS):
        return True
    return isinstance(spec, dict) and "bernoulli" in spec


def strip(data: dict[str, Any]) -> dict[str, Any]:
    """The scenario data without this round's other format additions (in place)."""
    for actor in data.get("actors", {}).values():
        for red_line in actor.get("red_lines", []):
            red_line.pop("probability", None)
            red_line.pop("threshold", None)
        pre = actor.get("preconditions")
        if pre is not None:
            actor["preconditions"] = [p for p in pre if p.get("for", "talks") == "talks"]
            for p in actor["preconditions"]:
                p.pop("for", None)
    unc = data.get("uncertainty", {})
    for path in [p for p, spec in unc.items() if _uses_new_keys(p, spec)]:
        del unc[path]
    for section in ("what_ifs",):
        block = data.get(section, {})
        for name in list(block):
            sets = block[name].get("set", {})
            for path in [p for p in sets if _uses_new_keys(p, None)]:
                del sets[path]
            if not sets:
                del block[name]
    timeline = data.get("timeline")
    if timeline is not None:
        for entry in timeline:
            for path in [p for p in entry.get("set", {}) if _uses_new_keys(p, None)]:
                del entry["set"][path]
        data["timeline"] = [e for e in timeline if e.get("set")]
    return data


def history_files(dest: Path) -> list[Path]:
    """The history scenarios, or stripped copies of them in ``dest`` if the loader needs it."""
    files = sorted(HISTORY.glob("*.yaml"))
    try:
        for f in files:
            load(f)
    except ScenarioError:
        pass
    else:
        return files
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for f in files:
        data = yaml.load(f.read_text(encoding="utf-8"))
        target = dest / f.name
        with target.open("w", encoding="utf-8") as fh:
            yaml.dump(strip(data), fh)
        out.append(target)
    return out
