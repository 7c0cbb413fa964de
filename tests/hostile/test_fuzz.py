"""Fuzzing in ``make test`` (issue 17): each reader of untrusted input, on bounded hypothesis
examples, accepts or refuses with its documented error; nothing else escapes.

The targets are shared with the atheris harness (``fuzz/run.py``, ``make fuzz``), which runs
the same entry points coverage-guided for as long as one likes.
"""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.targets import events, expression, preference, scenario, table
from tests.hostile.corpus import BASE

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))

# Values that have broken readers before, or are at the edges of what a reader must represent.
NASTY = [
    "1e308",
    "-1e308",
    "1e-320",
    ".inf",
    "-.inf",
    ".nan",
    "0",
    "-0",
    "1" * 40,
    "2.5e19",
    "~",
    "''",
    '""',
    "[]",
    "{}",
    "[[[[[[[[[[]]]]]]]]]]",
    "*a",
    "&a 1",
    "!!str 1",
    "!!binary aGk=",
    "!!python/object:os.system {}",
    "0001-01-01",
    "9999-12-31",
    "2022-02-30",
    "yes",
    "true",
    "null",
    "'[/bold]'",
    '"\\e[2J"',
    '"\\0"',
    "'#'",
    "{a: 1, a: 2}",
    "x" * 300,
]
SCENARIO_LINES = BASE.splitlines()


@st.composite
def bent_scenarios(draw: st.DrawFn) -> bytes:
    """The base scenario with a few of its values replaced by nasty or random ones."""
    lines = list(SCENARIO_LINES)
    for _ in range(draw(st.integers(1, 3))):
        k = draw(st.integers(0, len(lines) - 1))
        head, colon, _ = lines[k].partition(": ")
        value = draw(st.one_of(st.sampled_from(NASTY), st.text(max_size=20)))
        lines[k] = f"{head}{colon or ': '}{value}"
    return "\n".join(lines).encode()


YAMLISH = st.text(alphabet=" \n:-[]{},'\"#&*!|>?%@`abcxyz0123456789.eE+", max_size=300)


@FUZZ
@given(data=st.one_of(bent_scenarios(), YAMLISH.map(str.encode), st.binary(max_size=200)))
def test_fuzz_scenario_loader(data: bytes) -> None:
    scenario(data)


def phrases(tokens: list[str], *, text: int) -> st.SearchStrategy[bytes]:
    """Inputs of a small language: up to 25 of its tokens in a row, or any text up to ``text``
    characters."""
    return st.one_of(
        st.lists(st.sampled_from(tokens), max_size=25).map(lambda t: " ".join(t).encode()),
        st.text(max_size=text).map(str.encode),
    )


RULES = phrases(
    [
        "territory",
        "crimea",
        "ready",
        "sanctions",
        '"russian"',
        '"ukrainian"',
        '"nowhere"',
        "1",
        "0",
        "50",
        "1e308",
        "1e200",
        "0.5",
        "-",
        "+",
        "*",
        "/",
        "<",
        "<=",
        "==",
        "!=",
        ">=",
        ">",
        "and",
        "or",
        "not",
        "(",
        ")",
        "true",
        "false",
        "#",
        "__import__",
        ".",
        ",",
        "lambda",
        "[",
        "]",
    ],
    text=80,
)


@FUZZ
@given(data=RULES)
def test_fuzz_rule_language(data: bytes) -> None:
    expression(data)


PREFERENCES = phrases(
    [
        "UKR.fight",
        "UKR.talk",
        "RUS.escalate",
        "RUS.offer",
        "UKR.nothing",
        "1",
        "-2",
        "4",
        "9",
        "&",
        "|",
        "not",
        "-",
        "if",
        "iff",
        "and",
        "or",
        "(",
        ")",
        "#",
    ],
    text=60,
)


@FUZZ
@given(data=PREFERENCES)
def test_fuzz_preference_language(data: bytes) -> None:
    preference(data)


CELLS = st.one_of(
    st.sampled_from(["", " ", "0", "1", "-1", "0.5", "50", "100", "101", "1e308", "-1e308"]),
    st.sampled_from(["nan", "inf", "1e-320", "5e-324", "A", "B", '"A"', "x,y", "é", "\x00"]),
    st.floats(allow_nan=True).map(repr),
    st.text(max_size=6),
)
HEADERS = st.sampled_from(
    [
        ["actor", "capability", "position", "salience"],
        ["name", "capability", "position", "salience", "issue"],
        ["issue", "salience", "position", "capability", "actor"],
        ["actor", "capability", "position"],
    ]
)


@st.composite
def tables(draw: st.DrawFn) -> bytes:
    header = draw(HEADERS)
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    rows = draw(st.lists(st.lists(CELLS, min_size=1, max_size=6), max_size=8))
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))
    )
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    return text.encode("utf-8") if draw(st.booleans()) else text.encode("utf-8", "replace")


@FUZZ
@given(data=st.one_of(tables(), st.binary(max_size=200)))
def test_fuzz_actor_table(data: bytes) -> None:
    table(data)


EVENT_FIELDS = st.one_of(
    st.sampled_from(["", "RUS", "UKR", "USA", "036", "0361", "14", "190", "1", "-10", "4.0"]),
    st.sampled_from(["20221201", "99991231", "00010101", "20220230", "1e308", "nan", '"', "x"]),
    st.text(alphabet='ab,"\t 0123456789', max_size=5),
)


@st.composite
def event_files(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from([b"\x00", b"\x01", b"\x02"]))  # plain, gzip, zip (fuzz.targets)
    width = draw(st.sampled_from([57, 58, 61, 20]))
    if draw(st.booleans()):  # ACLED: a header, then comma-separated rows
        header = "event_id_cnty,event_date,event_type,sub_event_type,actor1,actor2,country"
        sep, width, lines = ",", 7, [header]
    else:
        sep, lines = "\t", []
    for _ in range(draw(st.integers(0, 6))):
        fields = draw(st.lists(EVENT_FIELDS, min_size=width - 2, max_size=width + 1))
        lines.append(sep.join(fields))
    ending = draw(st.sampled_from(["\n", "\r\n", ""]))
    return kind + ending.join(lines).encode() + ending.encode()


@FUZZ
@given(data=st.one_of(event_files(), st.binary(max_size=300)))
def test_fuzz_event_readers(data: bytes) -> None:
    events(data)
