"""The JSON Schema of the scenario format (``detente schema``), for editors."""

from __future__ import annotations

from typing import Any

from detente.scenario.distributions import KINDS
from detente.scenario.model import Scenario

__all__ = ["json_schema"]


def _distribution_schema() -> dict[str, Any]:
    # The model stores {kind, params}; files use the one-key form, which is what editors need.
    alternatives: list[dict[str, Any]] = []
    for kind in KINDS:
        items: dict[str, Any]
        if kind == "bernoulli":
            items = {"type": "number", "minimum": 0, "maximum": 1}
        elif kind == "choice":
            items = {
                "type": "array",
                "minItems": 1,
                "items": {"type": ["number", "boolean", "string"]},
            }
        else:
            n = len(KINDS[kind])
            items = {"type": "array", "items": {"type": "number"}, "minItems": n, "maxItems": n}
        alternatives.append(
            {
                "type": "object",
                "properties": {kind: items},
                "required": [kind],
                "additionalProperties": False,
            }
        )
    return {"oneOf": alternatives, "description": "A distribution over one judgment."}


_OBJECT_BOUNDS = (("minLength", "minProperties"), ("maxLength", "maxProperties"))


def _object_bounds(node: Any) -> None:
    # The model's read-only mappings carry their size bounds as minLength/maxLength; for a
    # JSON object the keywords are minProperties/maxProperties.
    if isinstance(node, dict):
        if node.get("type") == "object":
            for length, properties in _OBJECT_BOUNDS:
                if length in node:
                    node[properties] = node.pop(length)
        for value in node.values():
            _object_bounds(value)
    elif isinstance(node, list):
        for value in node:
            _object_bounds(value)


def json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of scenario format version 1."""
    schema = Scenario.model_json_schema(mode="validation")
    _object_bounds(schema)
    defs = schema.get("$defs", {})
    if "DistributionSpec" in defs:
        defs["DistributionSpec"] = _distribution_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://detente.dev/schema/scenario-1.json",
        "title": "detente scenario (format version 1)",
        **{k: v for k, v in schema.items() if k != "title"},
    }
