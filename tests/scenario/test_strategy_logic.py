"""The preference-statement language: bounds shared with the expression language, flat chains,
iterative evaluation, checked against a reference evaluator on random statements.

The reference builds a random formula as a tree, writes it as text, and evaluates the *tree*
directly (bit tests over all option vectors), so it does not share the parser's reading of the
text: precedence, ``if``/``iff`` and the numeric shorthand are all exercised.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.scenario.limits import (
    MAX_RULE_DEPTH,
    MAX_RULE_LENGTH,
    MAX_RULE_NESTING,
    MAX_RULE_NODES,
)
from detente.scenario.strategy._logic import And, LogicError, Or, evaluate, parse

NAMES = ["A.a", "A.b", "B.c", "B.d", "C.e"]
CODES = np.arange(2 ** len(NAMES), dtype=np.int64)


@dataclass(frozen=True)
class Ref:
    """A reference formula: ``op`` over ``args`` (an int leaf is an option index)."""

    op: str
    args: tuple[Ref | int, ...]


def ref_eval(node: Ref | int, codes: np.ndarray) -> np.ndarray:
    if isinstance(node, int):
        return ((codes >> node) & 1).astype(bool)
    values = [ref_eval(a, codes) for a in node.args]
    if node.op == "not":
        return ~values[0]
    if node.op == "and":
        return values[0] & values[1]
    if node.op == "or":
        return values[0] | values[1]
    if node.op == "iff":
        return values[0] == values[1]
    assert node.op == "if"  # a if b: b implies a
    return values[0] | ~values[1]


def text_of(node: Ref | int, draw: st.DrawFn) -> str:
    """Fully parenthesised text, with random spellings of each operator and option."""
    if isinstance(node, int):
        return draw(st.sampled_from([NAMES[node], str(node + 1)]))
    if node.op == "not":
        arg = node.args[0]
        if isinstance(arg, int) and draw(st.booleans()):
            return f"-{arg + 1}"
        return draw(st.sampled_from(["not ", "~", "!", "-"])) + f"({text_of(arg, draw)})"
    word = {
        "and": draw(st.sampled_from(["&", "and", "AND"])),
        "or": draw(st.sampled_from(["|", "or"])),
        "iff": "iff",
        "if": "if",
    }[node.op]
    return f"({text_of(node.args[0], draw)}) {word} ({text_of(node.args[1], draw)})"


def formulas(depth: int) -> st.SearchStrategy[Ref | int]:
    leaf = st.integers(0, len(NAMES) - 1)
    if depth == 0:
        return leaf
    sub = formulas(depth - 1)
    return st.one_of(
        leaf,
        st.builds(lambda a: Ref("not", (a,)), sub),
        st.builds(
            lambda op, a, b: Ref(op, (a, b)),
            st.sampled_from(["and", "or", "iff", "if"]),
            sub,
            sub,
        ),
    )


@given(data=st.data())
def test_parse_and_evaluate_match_the_reference(data: st.DataObject) -> None:
    tree = data.draw(formulas(4))
    text = text_of(tree, data.draw)
    assert np.array_equal(evaluate(parse(text, NAMES), CODES), ref_eval(tree, CODES)), text


@given(
    ops=st.lists(st.sampled_from(["&", "|", "iff", "if"]), min_size=1, max_size=12),
    leaves=st.lists(st.integers(1, len(NAMES)), min_size=13, max_size=13),
)
def test_unparenthesised_precedence_matches_the_grammar(ops: list[str], leaves: list[int]) -> None:
    # Lowest first: iff, if, or, and (left to right within a level).
    text = " ".join(f"{leaves[i]} {op}" for i, op in enumerate(ops)) + f" {leaves[len(ops)]}"
    items: list[Ref | int | str] = [leaves[0] - 1]
    for i, op in enumerate(ops):
        items += [op, leaves[i + 1] - 1]
    for level in ("&", "|", "if", "iff"):
        out: list[Ref | int | str] = [items[0]]
        for op, operand in zip(items[1::2], items[2::2], strict=True):
            if op == level:
                name = {"&": "and", "|": "or"}.get(level, level)
                out[-1] = Ref(name, (out[-1], operand))  # type: ignore[arg-type]
            else:
                out += [op, operand]
        items = out
    (tree,) = items
    assert not isinstance(tree, str)
    assert np.array_equal(evaluate(parse(text, NAMES), CODES), ref_eval(tree, CODES)), text


def test_long_chains_are_one_flat_node() -> None:
    node = parse(" & ".join(["1"] * 1000), NAMES)
    assert isinstance(node, And)
    assert len(node.parts) == 1000
    node = parse(" | ".join(["-2"] * 600), NAMES)
    assert isinstance(node, Or)
    assert evaluate(node, CODES).tolist() == [(c >> 1) & 1 == 0 for c in CODES]


@pytest.mark.parametrize(
    ("text", "words", "column"),
    [
        ("(" * 200 + "1" + ")" * 200, f"more than {MAX_RULE_NESTING} levels of parentheses", 51),
        ("not " * 1000 + "1", f"more than {MAX_RULE_NESTING} prefix operators", 201),
        ("-" * 60 + "1", "prefix operators", 51),
        (" & ".join(["1"] * 1500), f"more than {MAX_RULE_NODES:,} terms", 4001),
        ("1" * (MAX_RULE_LENGTH + 1), "too long", 1),
        ("9" * 5000, "option number 999999999999... is too large", 1),
        ("1 # & 2", "unexpected character '#'", 3),
        ("1 & 2 $", "unexpected character '$'", 7),
    ],
)
def test_hostile_statements_are_refused_at_their_column(text: str, words: str, column: int) -> None:
    with pytest.raises(LogicError) as info:
        parse(text, NAMES)
    assert words in info.value.message
    assert info.value.column == column


def test_depth_is_bounded_across_parentheses_and_prefixes() -> None:
    # Each level alone stays within the nesting bound; together they are too deep a tree.
    text = ("not " * 40 + "(") * 40 + "1" + ")" * 40
    with pytest.raises(LogicError, match=f"more than {MAX_RULE_DEPTH} levels"):
        parse(text, NAMES)


def test_deepest_accepted_statement_evaluates_under_a_deep_stack() -> None:
    text = "(not " * 49 + "1" + ")" * 49
    node = parse(text, NAMES)

    def under(depth: int) -> np.ndarray:
        return evaluate(node, CODES) if depth == 0 else under(depth - 1)

    limit = sys.getrecursionlimit()
    result = under(limit - 200)  # evaluation needs no recursion of its own
    assert result.tolist() == [(c & 1) == 0 for c in CODES]  # 49 nots: not option 1
