"""The safe YAML reader: positions, quoting, tags, types."""

from __future__ import annotations

import datetime as dt

import pytest

from detente.errors import ScenarioError
from detente.scenario.yamlio import read_yaml_text


def test_positions_are_one_based_for_keys_and_values() -> None:
    located = read_yaml_text("a:\n  b: 'x'\n  c: [1, 2]\n", filename="f.yaml")
    assert located.data == {"a": {"b": "x", "c": [1, 2]}}
    assert located.keys[("a", "b")] == (2, 3)
    assert located.values[("a", "b")] == (2, 6)
    assert located.values[("a", "c", 1)] == (3, 10)
    assert ("a", "b") in located.quoted


def test_standard_types() -> None:
    data = read_yaml_text(
        "d: 2022-12-04\ni: 036\nf: 1.5e3\nb: true\nn: null\ns: '036'\nh: 0x1F\n"
    ).data
    assert data == {
        "d": dt.date(2022, 12, 4),
        "i": 36,
        "f": 1500.0,
        "b": True,
        "n": None,
        "s": "036",
        "h": 31,
    }


@pytest.mark.parametrize(
    "text", ["a: !!python/name:os.system x\n", "a: !foo {b: 1}\n", "a: !bar [1]\n"]
)
def test_custom_tags_refused(text: str) -> None:
    with pytest.raises(ScenarioError, match="tag"):
        read_yaml_text(text)


def test_duplicate_keys_refused() -> None:
    with pytest.raises(ScenarioError, match="duplicate key 'a'"):
        read_yaml_text("a: 1\na: 2\n")
