"""Saving a what-if panel's settings into the file's text: the entry alone is added, the file still
loads, and its what-if sets exactly the panel's changes."""

from __future__ import annotations

import difflib
import io
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from detente.errors import InputError
from detente.scenario import loads
from detente.web.pages.edits import add_what_if, yaml_scalar
from tests.web.conftest import FEARON, FLAGSHIP

CHANGES = {"actors.UKR.no_deal.cost": 0.2, "facts.security_commitments_offered": True}


def _inserted_only(old: str, new: str) -> list[str]:
    """The lines ``new`` adds to ``old``, failing if it deletes or changes any."""
    added = []
    for op in difflib.SequenceMatcher(None, old.splitlines(), new.splitlines()).get_opcodes():
        assert op[0] in ("equal", "insert"), op
        if op[0] == "insert":
            added += new.splitlines()[op[3] : op[4]]
    return added


def test_a_what_if_is_added_to_the_files_block() -> None:
    text = FLAGSHIP.read_text(encoding="utf-8")
    new = add_what_if(text, name="costly-war", label="Kyiv's war costs more", changes=CHANGES)
    added = _inserted_only(text, new)
    assert added == [
        "  costly-war:",
        '    label: "Kyiv\'s war costs more"',
        "    set:",
        "      actors.UKR.no_deal.cost: 0.2",
        "      facts.security_commitments_offered: true",
    ]
    scenario = loads(new, filename="x.yaml")
    assert scenario.what_ifs["costly-war"].set == CHANGES
    assert list(scenario.what_ifs)[-1] == "costly-war"
    # before the next top-level key and the comments that open it
    lines = new.splitlines()
    at = lines.index("  costly-war:")
    assert lines[at - 1].strip() and not lines[at - 1].startswith("#")
    assert loads(text, filename="x.yaml").what_ifs.keys() <= scenario.what_ifs.keys()


def test_a_file_without_what_ifs_gets_a_block_at_its_end() -> None:
    text = FEARON.read_text(encoding="utf-8")
    head = text[: text.index("what_ifs:")]
    for body in (head, head.rstrip("\n"), head + "what_ifs: {}\n", head + "what_ifs:\n"):
        new = add_what_if(body, name="even", label="even", changes={"actors.A.no_deal.cost": 0.1})
        scenario = loads(new, filename="x.yaml")
        assert scenario.what_ifs["even"].set == {"actors.A.no_deal.cost": 0.1}
        assert new.count("what_ifs:") == 1


def test_windows_line_ends_are_kept() -> None:
    text = FEARON.read_text(encoding="utf-8").replace("\n", "\r\n")
    new = add_what_if(text, name="w", label="w", changes={"actors.A.no_deal.cost": 0.1})
    assert "\n" not in new.replace("\r\n", "")
    assert loads(new, filename="x.yaml").what_ifs["w"].set == {"actors.A.no_deal.cost": 0.1}


@pytest.mark.parametrize(
    ("name", "label", "changes", "message"),
    [
        ("costly-war", "x", {"actors.A.no_deal.cost": 0.1}, "already"),
        ("Costly War", "x", {"actors.A.no_deal.cost": 0.1}, "lower-case"),
        ("ok", "  ", {"actors.A.no_deal.cost": 0.1}, "label"),
        ("ok", "x", {}, "no judgment is changed"),
        ("ok", "x", {"actors.A.no_deal.cost": math.inf}, "finite"),
    ],
)
def test_bad_requests_are_refused_with_the_reason(
    name: str, label: str, changes: dict[str, float], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        add_what_if(FEARON.read_text(encoding="utf-8"), name=name, label=label, changes=changes)


def test_a_flow_style_block_is_left_to_the_editor() -> None:
    text = FEARON.read_text(encoding="utf-8")
    head = text[: text.index("what_ifs:")]
    flow = head + "what_ifs: {a: {label: a, set: {actors.A.no_deal.cost: 0.1}}}\n"
    with pytest.raises(InputError, match="flow style"):
        add_what_if(flow, name="b", label="b", changes={"actors.A.no_deal.cost": 0.2})


_YAML = YAML(typ="safe", pure=True)
_YAML.version = (1, 2)
scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.text(max_size=30),
)


@settings(max_examples=300, deadline=None)
@given(value=scalars, label=st.text(min_size=1, max_size=40).filter(str.strip))
def test_values_and_labels_read_back_as_written(value: float | bool | str, label: str) -> None:
    """A YAML 1.2 parser (not the writer's own reading) gets every value and label back."""
    doc = _YAML.load(io.StringIO(f"v: {yaml_scalar(value)}\nlabel: {yaml_scalar(label)}\n"))
    assert doc["label"] == label
    got = doc["v"]
    if isinstance(value, bool | str):
        assert got == value and type(got) is type(value)
    else:
        assert float(got) == float(value)
