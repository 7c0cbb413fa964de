"""The scenario expression language: parsing, checking, evaluation, linear form, errors."""

from __future__ import annotations

import pickle
from collections.abc import Callable

import numpy as np
import pytest

from detente.errors import DetenteError
from detente.scenario.expr import (
    All,
    And,
    AnyOf,
    BinOp,
    Bool,
    Compare,
    Const,
    ExprContext,
    ExprError,
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
    compile,
    evaluate,
    formula_holds,
    names,
    negate,
    parse,
    simplify,
    to_linear,
    unparse,
)

OPTIONS = ("russian", "deferred", "ukrainian")
CTX = ExprContext(
    issues={
        "territory": IssueInfo("territory", 0, 100),
        "aid": IssueInfo("aid", 0, 10),
        "crimea": IssueInfo("crimea", 0, 2, OPTIONS),
        "donbas": IssueInfo("donbas", 0, 2, OPTIONS),
        "region": IssueInfo("region", 0, 1, ("north", "south")),
    },
    facts={"ceasefire", "talks"},
)


def error_of(text: str, ctx: ExprContext = CTX, **kwargs: str) -> ExprError:
    """The ExprError that compiling ``text`` raises."""
    with pytest.raises(ExprError) as info:
        compile(text, ctx, **kwargs)  # type: ignore[arg-type]
    return info.value


# --------------------------------------------------------------------------------- parsing


def test_parse_builds_typed_tree_with_columns() -> None:
    tree = parse('territory >= 50 and not (crimea == "russian" or talks)')
    assert tree == And(
        (
            Compare((Name("territory"), Num(50.0)), (">=",)),
            Not(
                Or(
                    (
                        Compare((Name("crimea"), Str("russian")), ("==",)),
                        Name("talks"),
                    )
                )
            ),
        )
    )
    assert isinstance(tree, And)
    compare, negation = tree.parts
    assert isinstance(compare, Compare)
    assert [compare.column, compare.operands[1].column, negation.column] == [1, 14, 21]


def test_parse_literals_and_unary() -> None:
    assert parse("-5") == Num(-5.0)
    assert parse("--5") == Num(5.0)
    assert parse("+a") == Name("a")
    assert parse("-a") == Neg(Name("a"))
    assert parse("true") == parse("True") == Bool(True)
    assert parse("false") == parse("False") == Bool(False)
    assert parse("2.5e1") == Num(25.0)
    assert parse("a - b / 2") == BinOp("-", Name("a"), BinOp("/", Name("b"), Num(2.0)))


def test_parse_chain_and_multiline() -> None:
    assert parse("0 <= x < 5") == Compare((Num(0.0), Name("x"), Num(5.0)), ("<=", "<"))
    assert parse("x >= 1 and\n  y <= 2") == parse("x >= 1 and y <= 2")
    tree = parse("  x > 1")
    assert tree.column == 3


def test_columns_count_characters_not_bytes() -> None:
    tree = parse('"Крым" == é')
    assert isinstance(tree, Compare)
    assert tree.operands[1].column == 11


@pytest.mark.parametrize(
    ("text", "words", "column"),
    [
        ("__import__('os')", "function calls are not allowed", 1),
        ("a.b > 1", "attribute access", 1),
        ("x > f(1)", "function calls", 5),
        ("a[0] > 1", "subscripts", 1),
        ("(lambda: 1) > 0", "lambda functions", 2),
        ("[x for x in y]", "comprehensions", 1),
        ("(x for x in y)", "generator expressions", 1),
        ("1 if a else 2", "conditional expressions", 1),
        ("(a := 1)", "assignments", 2),
        ("a, b", "tuples", 1),
        ("[1, 2]", "lists", 1),
        ("{1: 2}", "dictionaries", 1),
        ('f"{a}" == b', "f-strings", 1),
        ("a ** 2 > 1", "'**'", 3),
        ("a // 2 > 1", "'//'", 3),
        ("a & b", "use 'and'", 3),
        ("~a", "use 'not'", 1),
        ("a in b", "'in'", 3),
        ("a is None", "use '=='", 3),
        ("(a) % 2", "'%'", 5),
        ("None", "'None'", 1),
        ("1j > 0", "complex numbers", 1),
        ("b'x' == a", "byte strings", 1),
    ],
)
def test_parse_refuses_constructs_outside_the_language(text: str, words: str, column: int) -> None:
    with pytest.raises(ExprError, match="not allowed") as info:
        parse(text)
    assert words in info.value.message
    assert info.value.column == column


@pytest.mark.parametrize(
    ("text", "words", "column"),
    [
        ("a ==", "ends unexpectedly", 5),
        ("a = 1", "invalid syntax", 3),
        ("x > 1 $", "invalid syntax", 7),
        ("(a", "never closed", 1),
        ("", "empty rule", 1),
        ("   ", "empty rule", 1),
        ("1e999 > a", "number too large", 1),
        ("a\x00", "null character", 2),
    ],
)
def test_parse_syntax_errors(text: str, words: str, column: int) -> None:
    with pytest.raises(ExprError) as info:
        parse(text)
    assert words in info.value.message
    assert info.value.column == column


def test_parse_refuses_oversized_input_before_python_parser() -> None:
    with pytest.raises(ExprError, match="too long"):
        parse("a" * 10_001)
    with pytest.raises(ExprError, match="more than 50 levels of parentheses") as info:
        parse("(" * 51 + "a" + ")" * 51)
    assert info.value.column == 51
    assert parse("(" * 50 + "a" + ")" * 50) == Name("a")
    with pytest.raises(ExprError, match="prefix operators") as info:
        parse("-" * 9000 + "x")
    assert info.value.column == 51
    with pytest.raises(ExprError, match="prefix operators"):
        parse("not " * 2400 + "x")
    with pytest.raises(ExprError, match="more than 2,000 terms"):
        parse("a+" * 4999 + "a")
    with pytest.raises(ExprError, match="more than 200 levels"):
        parse("a+" * 300 + "a")


def test_parse_rejects_non_text() -> None:
    with pytest.raises(ExprError, match="must be text"):
        parse(5)  # type: ignore[arg-type]


# -------------------------------------------------------------------------------- checking


def test_check_resolves_names_and_option_ranks() -> None:
    tree = compile('"deferred" <= crimea <= "ukrainian" and ceasefire', CTX)
    assert isinstance(tree, And)
    chain, fact = tree.parts
    assert isinstance(chain, Compare)
    low, issue, high = chain.operands
    assert low == Str("deferred", 1)
    assert high == Str("ukrainian", 2)
    assert issue == Name("crimea", "issue")
    assert fact == Name("ceasefire", "fact")
    assert names(tree) == {"crimea", "ceasefire"}


def test_check_resolves_a_string_between_two_option_issues() -> None:
    tree = compile('crimea <= "deferred" <= donbas', CTX)
    assert isinstance(tree, Compare)
    assert tree.operands[1] == Str("deferred", 1)


def test_check_number_wanted() -> None:
    tree = compile("territory / 2 + aid", CTX, want="number")
    assert evaluate(tree, {"territory": 10.0, "aid": 1.0}) == 6.0
    error = error_of("territory > 2", want="number")
    assert "expected a number" in error.message


@pytest.mark.parametrize(
    ("text", "words", "column"),
    [
        ("terirtory >= 50", "unknown name 'terirtory' (did you mean 'territory'?)", 1),
        ("ceasfire", "did you mean 'ceasefire'?", 1),
        ("zzz > 1", "known issues and facts: aid, ceasefire, crimea", 1),
        ('crimea == "ukranian"', "\"ukranian\" is not an option of 'crimea'", 11),
        ('crimea == "kyiv"', '"russian", "deferred", "ukrainian"', 11),
        ('"x" < territory', "text can only be compared with an option issue", 1),
        ('territory > "x"', "but 'territory' is a number", 13),
        ('"a" == "b"', "two pieces of text", 1),
        ("crimea > 1", 'compare it with one of its options (e.g. crimea > "ukrainian")', 10),
        ("crimea + 1 > 2", "options can only be compared", 1),
        ("territory * crimea > 0", "'*' needs numbers, but 'crimea' is an option issue", 13),
        ("ceasefire + 1 > 0", "'+' needs numbers, but 'ceasefire' is a condition", 1),
        ("-talks < 0", "'-' needs numbers", 2),
        ("territory and talks", "'and' needs conditions", 1),
        ("talks or aid", "compare it, e.g. 'aid >= 50'", 10),
        ("not crimea", "e.g. 'crimea == \"ukrainian\"'", 5),
        ("territory + aid", "a rule must be a condition (true or false)", 1),
        ('"russian"', "a rule must be a condition", 1),
        ("crimea == region", "different options", 11),
        ('crimea <= "north" <= region', "not an option of 'crimea'", 11),
        ("talks < ceasefire", "use '==' or '!='", 1),
        ("talks == territory", "'talks' is a condition (true or false) and cannot be compared", 1),
        ("territory / (2 - 2) > 0", "division by zero", 14),
    ],
)
def test_check_errors_name_the_reason_and_column(text: str, words: str, column: int) -> None:
    error = error_of(text)
    assert words in error.message
    assert error.column == column


def test_check_allows_option_to_option_and_condition_equality() -> None:
    tree = compile("crimea >= donbas and talks != (territory > 5)", CTX)
    env = {"crimea": 2.0, "donbas": 1.0, "talks": True, "territory": 3.0}
    assert evaluate(tree, env) is True


def test_expr_error_is_a_detente_error_and_pickles() -> None:
    error = error_of("terirtory > 1")
    assert isinstance(error, DetenteError)
    assert str(error) == error.message
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.message, copy.column) == (error.message, error.column)
    assert error.diagnostics()[0].message == error.message


# ------------------------------------------------------------------------------ evaluation


def test_evaluate_scalar_types() -> None:
    tree = compile('territory >= 50 and crimea != "russian"', CTX)
    assert evaluate(tree, {"territory": 60, "crimea": 1}) is True
    assert evaluate(tree, {"territory": 60, "crimea": 0}) is False
    number = compile("territory / 4 - 1", CTX, want="number")
    value = evaluate(number, {"territory": 10})
    assert isinstance(value, float)
    assert value == 1.5


def test_evaluate_vectorised_broadcasts_to_all_arrays() -> None:
    tree = compile('territory >= 50 or crimea == "ukrainian"', CTX)
    territory = np.array([0.0, 50.0, 100.0, 10.0])
    crimea = np.array([2, 0, 0, 1])
    out = evaluate(tree, {"territory": territory, "crimea": crimea})
    assert isinstance(out, np.ndarray)
    np.testing.assert_array_equal(out, [True, True, True, False])
    constant = evaluate(compile("true", CTX), {"territory": territory})
    assert isinstance(constant, np.ndarray)
    np.testing.assert_array_equal(constant, [True] * 4)
    facts = evaluate(
        compile("talks and not ceasefire", CTX),
        {"talks": np.array([True, False]), "ceasefire": False},
    )
    assert isinstance(facts, np.ndarray)


def test_evaluate_chain_and_division_by_zero() -> None:
    tree = compile("0 < territory / aid <= 10", CTX)
    np.testing.assert_array_equal(
        evaluate(tree, {"territory": np.array([5.0, 5.0, 0.0]), "aid": np.array([1.0, 0.0, 0.0])}),
        [True, False, False],
    )
    assert evaluate(tree, {"territory": 5.0, "aid": 0.0}) is False


def test_evaluate_missing_value_and_unchecked_string() -> None:
    with pytest.raises(ExprError, match="no value given for 'aid'") as info:
        evaluate(compile("territory + aid > 1", CTX), {"territory": 1.0})
    assert info.value.column == 13
    with pytest.raises(ValueError, match="check"):
        evaluate(parse('crimea == "russian"'), {"crimea": 0})


# ---------------------------------------------------------------------------- linear form


def linear(text: str) -> Formula:
    return to_linear(compile(text, CTX))


def test_to_linear_atoms() -> None:
    assert linear("territory >= 100") == LinAtom({"territory": -1.0}, "<=", -100.0)
    assert linear("2 * territory + aid / 2 <= 30 - aid") == LinAtom(
        {"territory": 2.0, "aid": 1.5}, "<=", 30.0
    )
    assert linear("territory > aid") == LinAtom({"territory": -1.0, "aid": 1.0}, "<", 0.0)
    assert linear("territory == 40") == LinAtom({"territory": 1.0}, "==", 40.0)
    assert linear('crimea >= "deferred"') == LinAtom({"crimea": -1.0}, "<=", -1.0)


def test_to_linear_chains_negations_and_not_equal() -> None:
    assert linear("10 <= territory < 40") == All(
        (LinAtom({"territory": -1.0}, "<=", -10.0), LinAtom({"territory": 1.0}, "<", 40.0))
    )
    assert linear("not (territory <= 30)") == LinAtom({"territory": -1.0}, "<", -30.0)
    assert linear("not (territory < 30)") == LinAtom({"territory": -1.0}, "<=", -30.0)
    assert linear("territory != 5") == AnyOf(
        (LinAtom({"territory": 1.0}, "<", 5.0), LinAtom({"territory": -1.0}, "<", -5.0))
    )
    assert linear("not (territory != 5)") == LinAtom({"territory": 1.0}, "==", 5.0)
    assert linear("not (10 <= territory <= 40 and aid > 1)") == AnyOf(
        (
            LinAtom({"territory": 1.0}, "<", 10.0),
            LinAtom({"territory": -1.0}, "<", -40.0),
            LinAtom({"aid": 1.0}, "<=", 1.0),
        )
    )


def test_to_linear_folds_constants_and_simplifies() -> None:
    assert linear("1 < 2") == Const(True)
    assert linear("territory - territory > 1") == Const(False)
    assert linear("true and territory >= 1") == LinAtom({"territory": -1.0}, "<=", -1.0)
    assert linear("false or territory >= 1 or true") == Const(True)
    assert linear("(aid >= 1 and (territory >= 1 and aid >= 1))") == All(
        (LinAtom({"aid": -1.0}, "<=", -1.0), LinAtom({"territory": -1.0}, "<=", -1.0))
    )
    assert linear("(territory - territory) * aid >= 0") == Const(True)
    assert linear('crimea == "deferred" or 1 > 2') == LinAtom({"crimea": 1.0}, "==", 1.0)


def test_to_linear_condition_equality() -> None:
    f = linear("(territory > 5) == (aid > 1)")
    for territory, aid in [(0, 0), (0, 5), (10, 0), (10, 5)]:
        assert formula_holds(f, {"territory": territory, "aid": aid}) == (
            (territory > 5) == (aid > 1)
        )


@pytest.mark.parametrize(
    ("text", "words", "column"),
    [
        ("territory * aid > 1", "not linear: 'territory * aid' multiplies two issues", 1),
        ("1 < territory / aid", "not linear: 'territory / aid' divides by an issue", 5),
        ("territory > 1 and ceasefire", "not linear: 'ceasefire' is a fact", 19),
        ("(territory + 1) * (aid - 2) > 0", "multiplies two issues", 1),
    ],
)
def test_to_linear_refuses_non_linear_rules(text: str, words: str, column: int) -> None:
    tree = compile(text, CTX)
    with pytest.raises(ExprError) as info:
        to_linear(tree)
    assert words in info.value.message
    assert info.value.column == column


def test_to_linear_with_fact_values() -> None:
    tree = compile("not ceasefire or territory >= 50", CTX)
    assert to_linear(tree, facts={"ceasefire": False}) == Const(True)
    assert to_linear(tree, facts={"ceasefire": True}) == LinAtom({"territory": -1.0}, "<=", -50.0)


def test_to_linear_requires_a_checked_tree() -> None:
    with pytest.raises(ValueError, match="check"):
        to_linear(parse('crimea == "russian"'))


def test_negate_atoms_and_formulas() -> None:
    atom = LinAtom({"a": 1.0}, "<=", 2.0)
    assert negate(atom) == LinAtom({"a": -1.0}, "<", -2.0)
    assert negate(negate(atom)) == atom
    assert negate(Const(True)) == Const(False)
    both = All((atom, LinAtom({"b": 1.0}, "==", 0.0)))
    negated = negate(both)
    assert isinstance(negated, AnyOf)
    assert len(atoms(negated)) == 3
    points = {"a": np.array([0.0, 3.0, 0.0]), "b": np.array([0.0, 0.0, 1.0])}
    np.testing.assert_array_equal(formula_holds(both, points, tol=0), [True, False, False])
    np.testing.assert_array_equal(formula_holds(negated, points, tol=0), [False, True, True])


def test_simplify_and_atoms() -> None:
    a = LinAtom({"a": 1.0}, "<=", 2.0)
    b = LinAtom({"b": 1.0}, "<", 0.0)
    nested = All((a, All((b, Const(True), a)), AnyOf((Const(False), b))))
    assert simplify(nested) == All((a, b))
    assert simplify(AnyOf((a, Const(True)))) == Const(True)
    assert simplify(All(())) == Const(True)
    assert simplify(LinAtom({"a": 0.0}, "<=", -1.0)) == Const(False)
    assert atoms(nested) == (a, b)


def test_lin_atom_is_hashable_and_compares_with_dicts() -> None:
    atom = LinAtom({"b": 2, "a": -1}, "<=", 3)
    assert atom == LinAtom({"a": -1.0, "b": 2.0}, "<=", 3.0)
    assert list(atom.coef) == ["a", "b"]
    assert atom.coef == {"a": -1.0, "b": 2.0}
    assert len({atom, LinAtom({"a": -1.0, "b": 2.0}, "<=", 3.0)}) == 1
    assert str(atom) == "-a + 2*b <= 3"
    with pytest.raises(ValueError, match="sense"):
        LinAtom({"a": 1.0}, ">=", 0.0)  # type: ignore[arg-type]


def test_formula_holds_tolerance_and_missing_values() -> None:
    strict = LinAtom({"a": 1.0}, "<", 5.0)
    assert formula_holds(strict, {"a": 5.0}, tol=0.0) is False
    assert formula_holds(strict, {"a": 5.0}) is True
    assert formula_holds(LinAtom({"a": 1.0}, "==", 1.0), {"a": 1.0 + 1e-12}) is True
    assert formula_holds(LinAtom({"a": 1.0}, "==", 1.0), {"a": 1.0 + 1e-12}, tol=0.0) is False
    with pytest.raises(ExprError, match="no value given for issue 'a'"):
        formula_holds(strict, {})
    out = formula_holds(Const(True), {"a": np.zeros(3)})
    assert isinstance(out, np.ndarray)
    assert out.dtype == bool
    assert out.shape == (3,)


# --------------------------------------------------------------------------------- unparse


@pytest.mark.parametrize(
    "text",
    [
        'territory >= 50 and crimea != "russian"',
        "-(a + b) * c / (d - e) > -5",
        "a - (b - c) == a - b - c",
        "not (a and b) or not c",
        "(a or b) and c",
        "(a and b) and c",
        "a < b == (c < d)",
        "not not a",
        "--a > 0",
        "a * -2 >= 1.5",
        "0.1 + 1e+20 < a",
    ],
)
def test_unparse_round_trips(text: str) -> None:
    tree = parse(text)
    assert parse(unparse(tree)) == tree
    assert unparse(parse(unparse(tree))) == unparse(tree)


def test_unparse_canonical_text() -> None:
    assert unparse(parse("True  and(x>=100.0)")) == "true and x >= 100"
    checked = compile("crimea>='deferred'", CTX)
    assert unparse(checked) == 'crimea >= "deferred"'
    assert unparse(Str('say "hi"')) == '"say \\"hi\\""'
    assert parse(unparse(Str('say "hi"'))) == Str('say "hi"')


# ------------------------------------------------------------------------------ robustness


def _under_stack(depth: int, action: Callable[[], object]) -> object:
    """Run ``action`` with ``depth`` extra Python frames below it (as inside a deep caller)."""
    return action() if depth == 0 else _under_stack(depth - 1, action)


@pytest.mark.parametrize(
    "text",
    [
        "territory + " * 190 + "territory > 0",
        "not " * 50 + "(" * 50 + "territory" + ")" * 50 + " > 0",
        "-(" * 50 + "territory" + ")" * 50 + " < 1",
    ],
)
def test_deepest_accepted_rules_work_everywhere(text: str) -> None:
    def run() -> object:
        tree = compile(text, CTX)
        return (
            unparse(tree),
            evaluate(tree, {"territory": np.ones(2)}),
            to_linear(tree),
            names(tree),
            check(tree, CTX) == tree,
        )

    assert _under_stack(300, run) is not None


def test_check_is_idempotent() -> None:
    tree = compile('"deferred" <= crimea and (talks or aid / 2 > 1)', CTX)
    assert check(tree, CTX) == tree
