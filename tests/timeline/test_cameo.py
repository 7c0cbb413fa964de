"""CAMEO codes, Goldstein values and stance defaults."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.errors import InputError
from detente.timeline.cameo import (
    COOPERATIVE_CODES,
    GOLDSTEIN,
    REJECTING_CODES,
    ROOT_LABELS,
    STANCE_CODES,
    STANCES,
    code_label,
    goldstein,
    goldstein_values,
    is_cooperative,
    is_rejecting,
    normalise_code,
    normalise_codes,
    stance_code,
)


def test_code_sets_are_those_of_models_section_5() -> None:
    assert (
        frozenset({"036", "037", "038", "039", "045", "046", "057", "0841", "0871"})
        == COOPERATIVE_CODES
    )
    assert frozenset({"125", "126", "127", "134", "164", "165", "1246", "139"}) == REJECTING_CODES
    assert not COOPERATIVE_CODES & REJECTING_CODES


def test_models_examples_have_their_goldstein_values() -> None:
    # docs/models.md section 5: 036 +4, 046 +7, 0871 +9, 125 -5, 164 -7.
    assert goldstein("036") == 4.0
    assert goldstein("046") == 7.0
    assert goldstein("0871") == 9.0
    assert goldstein("125") == -5.0
    assert goldstein("164") == -7.0


def test_table_covers_roots_and_every_named_code() -> None:
    roots = {f"{i:02d}" for i in range(1, 21)}
    assert roots <= GOLDSTEIN.keys()
    assert roots == ROOT_LABELS.keys()
    assert COOPERATIVE_CODES | REJECTING_CODES | set(STANCE_CODES.values()) <= GOLDSTEIN.keys()
    assert all(-10.0 <= v <= 10.0 for v in GOLDSTEIN.values())
    assert all(k.isdigit() and 2 <= len(k) <= 4 for k in GOLDSTEIN)


def test_codes_are_strings_with_leading_zeros() -> None:
    assert "036" in GOLDSTEIN
    assert "36" not in GOLDSTEIN
    assert normalise_code("036") == "036"
    assert normalise_code(36) == "036"  # a spreadsheet lost the zero
    assert normalise_code("871") == "0871"
    assert normalise_code("10") == "10"  # a root code stays a root code
    with pytest.raises(InputError, match="not a CAMEO event code"):
        normalise_code("03X")
    with pytest.raises(InputError, match="not a CAMEO event code"):
        normalise_code("12345")


def test_unknown_codes_fall_back_to_base_then_root() -> None:
    assert goldstein("1834") == goldstein("183")  # CAMEO 1.1b3 code missing from the table
    assert goldstein("1999") == goldstein("19")
    with pytest.raises(InputError, match="unknown CAMEO event code '99'"):
        goldstein("99")


def test_stance_defaults_are_documented_codes() -> None:
    assert set(STANCE_CODES) == set(STANCES)
    assert stance_code("open") == "036"
    assert stance_code("reject") == "125"
    assert is_cooperative(stance_code("open"))
    assert is_cooperative(stance_code("propose"))
    assert is_cooperative(stance_code("mediate"))
    assert is_rejecting(stance_code("reject"))
    conditional = stance_code("conditional")
    assert not is_cooperative(conditional)
    assert not is_rejecting(conditional)
    assert goldstein(conditional) > 0
    with pytest.raises(InputError, match="did you mean 'reject'"):
        stance_code("rejct")


def test_labels() -> None:
    assert code_label("036") == "Express intent to meet or negotiate"
    assert code_label("1411") == "Protest (1411)"


@settings(max_examples=30)
@given(codes=st.lists(st.sampled_from(sorted(GOLDSTEIN)), max_size=30))
def test_vectorised_goldstein_matches_the_scalar(codes: list[str]) -> None:
    got = goldstein_values(pd.Series(codes, dtype="str")).tolist()
    assert got == [goldstein(c) for c in codes]
    assert normalise_codes(pd.Series(codes, dtype="str")).tolist() == codes


@settings(max_examples=30)
@given(code=st.sampled_from(sorted(k for k in GOLDSTEIN if k.startswith("0"))))
def test_vectorised_normalise_restores_zeros_like_the_scalar(code: str) -> None:
    stripped = code.lstrip("0")
    if len(stripped) < 2:
        return
    series = pd.Series([stripped], dtype="str")
    assert normalise_codes(series).tolist() == [normalise_code(stripped)]
