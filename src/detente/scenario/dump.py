"""Write a scenario back as YAML (the round trip of :func:`detente.load`)."""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML

from detente.scenario.model import Scenario, red_line_path

__all__ = ["dump", "to_data"]


def to_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data in the file's layout (defaults resolved, ``None`` left out)."""
    data: dict[str, Any] = scenario.model_dump(mode="json", exclude_none=True, by_alias=True)
    # A red line's ``probability:`` stands for its uncertainty entry (the model lists it there
    # too); write the shorthand only, as the file had it.
    section = data.get("uncertainty", {})
    for a, actor in scenario.actors.items():
        for j, line in enumerate(actor.red_lines):
            if line.probability is not None:
                section.pop(red_line_path(a, j, "active"), None)
    if "uncertainty" in data and not section:
        del data["uncertainty"]
    return data


def dump(scenario: Scenario) -> str:
    """The scenario as YAML text that :func:`detente.scenario.loads` reads back to an equal model.

    Comments and key order of the original file are not kept (the web application's editor keeps
    them by editing the file itself); every default is written out explicitly.
    """
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    out = io.StringIO()
    yaml.dump(to_data(scenario), out)
    return out.getvalue()
