"""Property tests of the expression language against brute force on random small rules.

Rules are built directly as trees over two scale issues (``x``, ``y``), two option issues with
the same options (``c``, ``d``) and two facts (``p``, ``q``).  Linear rules use integer
constants and divide only by powers of two, and points are integers, so that every
intermediate value is an exact binary fraction: the linear form must then agree with direct
evaluation exactly (``tol=0``), boundaries included.
"""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.scenario.expr import (
    All,
    And,
    AnyOf,
    BinOp,
    Bool,
    Compare,
    Const,
    Expr,
    ExprContext,
    Formula,
    IssueInfo,
    LinAtom,
    Name,
    Neg,
    Not,
    Num,
    Or,
    Str,
    atoms,
    check,
    evaluate,
    formula_holds,
    names,
    negate,
    parse,
    to_linear,
    unparse,
)

OPTIONS = ("low", "mid", "high")
CTX = ExprContext(
    issues={
        "x": IssueInfo("x", -10, 10),
        "y": IssueInfo("y", -10, 10),
        "c": IssueInfo("c", 0, 2, OPTIONS),
        "d": IssueInfo("d", 0, 2, OPTIONS),
    },
    facts={"p", "q"},
)
COMPARE_OPS = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])
SMALL = st.integers(-5, 5).map(float)


def _linear_step(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    return st.one_of(
        st.builds(BinOp, st.sampled_from(["+", "-"]), children, children),
        children.filter(lambda e: not isinstance(e, Num)).map(Neg),
        st.builds(lambda k, e: BinOp("*", Num(k), e), SMALL, children),
        st.builds(lambda e, k: BinOp("*", e, Num(k)), children, SMALL),
        st.builds(lambda e, k: BinOp("/", e, Num(k)), children, st.sampled_from([2.0, 4.0, -2.0])),
    )


LINEAR_NUMBER: st.SearchStrategy[Expr] = st.recursive(
    st.one_of(st.sampled_from(["x", "y"]).map(Name), SMALL.map(Num)),
    _linear_step,
    max_leaves=5,
)


def _chain(operands: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    return st.integers(2, 3).flatmap(
        lambda n: st.builds(
            Compare,
            st.tuples(*[operands] * n),
            st.tuples(*[COMPARE_OPS] * (n - 1)),
        )
    )


OPTION_OPERAND: st.SearchStrategy[Expr] = st.one_of(
    st.sampled_from(["c", "d"]).map(Name), st.sampled_from(OPTIONS).map(Str)
)


@st.composite
def _option_compare(draw: st.DrawFn) -> Expr:
    """``c op "mid"``, ``"low" op d``, ``c op d op "high"``, ...: never two strings side by side."""
    issue = Name(draw(st.sampled_from(["c", "d"])))
    other = draw(OPTION_OPERAND)
    operands = [issue, other] if draw(st.booleans()) else [other, issue]
    if draw(st.booleans()):
        last_is_text = isinstance(operands[-1], Str)
        operands.append(
            draw(st.sampled_from(["c", "d"]).map(Name) if last_is_text else OPTION_OPERAND)
        )
    ops = draw(st.tuples(*[COMPARE_OPS] * (len(operands) - 1)))
    return Compare(tuple(operands), ops)


OPTION_COMPARE = _option_compare()


def _bool_step(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    parts = st.lists(children, min_size=2, max_size=3).map(tuple)
    return st.one_of(st.builds(And, parts), st.builds(Or, parts), children.map(Not))


LINEAR_BOOL: st.SearchStrategy[Expr] = st.recursive(
    st.one_of(_chain(LINEAR_NUMBER), OPTION_COMPARE, st.booleans().map(Bool)),
    _bool_step,
    max_leaves=4,
)
POINTS = st.fixed_dictionaries(
    {
        "x": st.integers(-8, 8).map(float),
        "y": st.integers(-8, 8).map(float),
        "c": st.integers(0, 2).map(float),
        "d": st.integers(0, 2).map(float),
    }
)


def _points_array(points: list[dict[str, Any]]) -> dict[str, Any]:
    return {k: np.array([p[k] for p in points]) for k in points[0]}


@given(LINEAR_BOOL, st.lists(POINTS, min_size=1, max_size=6))
def test_linear_form_agrees_with_evaluation_exactly(
    tree: Expr, points: list[dict[str, Any]]
) -> None:
    checked = check(tree, CTX)
    formula = to_linear(checked)
    for point in points:
        assert formula_holds(formula, point, tol=0.0) == evaluate(checked, point)
    arrays = _points_array(points)
    expected = [evaluate(checked, p) for p in points]
    np.testing.assert_array_equal(formula_holds(formula, arrays, tol=0.0), expected)


@given(LINEAR_BOOL, st.lists(POINTS, min_size=1, max_size=6))
def test_negate_is_the_complement(tree: Expr, points: list[dict[str, Any]]) -> None:
    formula = to_linear(check(tree, CTX))
    arrays = _points_array(points)
    np.testing.assert_array_equal(
        formula_holds(negate(formula), arrays, tol=0.0),
        ~np.asarray(formula_holds(formula, arrays, tol=0.0)),
    )
    np.testing.assert_array_equal(
        formula_holds(to_linear(check(Not(tree), CTX)), arrays, tol=0.0),
        formula_holds(negate(formula), arrays, tol=0.0),
    )


def _assert_simplified(f: Formula) -> None:
    if isinstance(f, LinAtom):
        assert f.coef
        assert all(v != 0 for v in f.coef.values())
    elif isinstance(f, All | AnyOf):
        assert len(f.parts) >= 2
        assert len(set(f.parts)) == len(f.parts)
        for part in f.parts:
            assert not isinstance(part, Const | type(f))
            _assert_simplified(part)


@given(LINEAR_BOOL)
def test_linear_form_is_simplified(tree: Expr) -> None:
    formula = to_linear(check(tree, CTX))
    _assert_simplified(formula)
    _assert_simplified(negate(formula))
    assert all(isinstance(a, LinAtom) for a in atoms(formula))


# ------------------------------------------------------------------ any rule, not only linear


def _not_constant_zero(e: Expr) -> bool:
    return bool(names(e)) or evaluate(e, {}) != 0


NUMBER_ANY: st.SearchStrategy[Expr] = st.recursive(
    st.one_of(st.sampled_from(["x", "y"]).map(Name), SMALL.map(Num)),
    lambda children: st.one_of(
        st.builds(BinOp, st.sampled_from(["+", "-", "*"]), children, children),
        st.builds(BinOp, st.just("/"), children, children.filter(_not_constant_zero)),
        children.filter(lambda e: not isinstance(e, Num)).map(Neg),
    ),
    max_leaves=6,
)
BOOL_ANY: st.SearchStrategy[Expr] = st.recursive(
    st.one_of(
        _chain(NUMBER_ANY),
        OPTION_COMPARE,
        st.booleans().map(Bool),
        st.sampled_from(["p", "q"]).map(Name),
    ),
    lambda children: st.one_of(
        _bool_step(children), st.builds(lambda a, b: Compare((a, b), ("==",)), children, children)
    ),
    max_leaves=5,
)
FACT_POINTS = st.fixed_dictionaries({"p": st.booleans(), "q": st.booleans()})


@given(BOOL_ANY, st.lists(st.tuples(POINTS, FACT_POINTS), min_size=1, max_size=5))
def test_vectorised_evaluation_equals_pointwise(
    tree: Expr, draws: list[tuple[dict[str, Any], dict[str, Any]]]
) -> None:
    checked = check(tree, CTX)
    points = [{**a, **b} for a, b in draws]
    vector = evaluate(checked, _points_array(points))
    assert isinstance(vector, np.ndarray)
    assert vector.shape == (len(points),)
    np.testing.assert_array_equal(vector, [evaluate(checked, p) for p in points])


@given(NUMBER_ANY, st.lists(POINTS, min_size=1, max_size=5))
def test_vectorised_numbers_equal_pointwise(tree: Expr, points: list[dict[str, Any]]) -> None:
    checked = check(tree, CTX, want="number")
    vector = evaluate(checked, _points_array(points))
    pointwise = [evaluate(checked, p) for p in points]
    assert all(isinstance(v, float) for v in pointwise)
    np.testing.assert_array_equal(vector, pointwise)


# ------------------------------------------------------------------------------ round trips

NAMES = st.sampled_from(["x", "y", "c", "p", "territory_2"]).map(Name)
LEAVES = st.one_of(
    NAMES,
    st.floats(allow_nan=False, allow_infinity=False).map(Num),
    st.text(max_size=6).map(Str),
    st.booleans().map(Bool),
)


def _any_step(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    parts = st.lists(children, min_size=2, max_size=3).map(tuple)
    return st.one_of(
        st.builds(BinOp, st.sampled_from(["+", "-", "*", "/"]), children, children),
        children.filter(lambda e: not isinstance(e, Num)).map(Neg),
        _chain(children),
        st.builds(And, parts),
        st.builds(Or, parts),
        children.map(Not),
    )


ANY_TREE: st.SearchStrategy[Expr] = st.recursive(LEAVES, _any_step, max_leaves=8)


@given(ANY_TREE)
def test_unparse_then_parse_gives_an_equal_tree(tree: Expr) -> None:
    text = unparse(tree)
    assert parse(text) == tree
    assert unparse(parse(text)) == text


@given(BOOL_ANY)
def test_checked_trees_round_trip(tree: Expr) -> None:
    checked = check(tree, CTX)
    assert check(parse(unparse(checked)), CTX) == checked


@settings(max_examples=300)
@given(text=st.text(max_size=40))
def test_random_strings_raise_only_the_parsers_own_error(text: str) -> None:
    from detente.scenario.expr import ExprError, parse

    with contextlib.suppress(ExprError):
        parse(text)


@settings(max_examples=200)
@given(
    text=st.lists(
        st.sampled_from(
            [
                "a",
                "b",
                "crimea",
                "1",
                "2.5",
                "(",
                ")",
                "+",
                "-",
                "*",
                "/",
                "<",
                "<=",
                "==",
                "!=",
                "and",
                "or",
                "not",
                '"x"',
                "true",
                ".",
                "[",
                "]",
                "lambda",
                ",",
                ":",
                "**",
                "if",
            ]
        ),
        max_size=12,
    ).map(" ".join)
)
def test_random_token_soup_raises_only_expr_errors(text: str) -> None:
    from detente.scenario.expr import ExprContext, ExprError, IssueInfo, compile

    ctx = ExprContext(
        issues={
            "a": IssueInfo("a", 0, 10),
            "b": IssueInfo("b", 0, 1),
            "crimea": IssueInfo("crimea", 0, 2, ("russian", "deferred", "ukrainian")),
        },
        facts=(),
    )
    with contextlib.suppress(ExprError):
        compile(text, ctx)
