"""Parse a rule's text into the expression tree, never evaluating it.

The text is read by Python's own parser (``ast.parse(mode="eval")``) and the resulting syntax
tree is walked through a whitelist: every construct outside the language (calls, attribute
access, subscripts, lambdas, comprehensions, ...) is refused with a message naming it.  Before
Python's parser sees the text, its tokens are checked: what Python would read but the language
does not have is refused at its column -- above all ``#``, which would make Python ignore the
rest of the rule (``territory >= 50 # and territory <= 10`` would silently lose its second
half) -- and the text's length, its number of terms, its parenthesis nesting and its runs of
prefix operators are bounded (:mod:`detente.scenario.limits`), because the parser's recursion
(and its error handling) is not meant for hostile input.
"""

from __future__ import annotations

import ast
import io
import math
import re
import tokenize
import unicodedata

from detente.scenario.expr._nodes import (
    And,
    ArithOp,
    BinOp,
    Bool,
    Compare,
    CompareOp,
    Expr,
    ExprError,
    Name,
    Neg,
    Not,
    Num,
    Or,
    Str,
)
from detente.scenario.limits import (
    MAX_NUMBER_DIGITS,
    MAX_RULE_DEPTH,
    MAX_RULE_LENGTH,
    MAX_RULE_NESTING,
    MAX_RULE_NODES,
)

__all__ = ["MAX_DEPTH", "MAX_LENGTH", "MAX_NESTING", "MAX_NODES", "parse"]

MAX_LENGTH = MAX_RULE_LENGTH
"""Longest rule accepted, in characters."""
MAX_NESTING = MAX_RULE_NESTING
"""Deepest parenthesis nesting, and longest run of prefix operators (``not``, ``-``)."""
MAX_DEPTH = MAX_RULE_DEPTH
"""Deepest tree accepted (a long sum ``a + b + ...`` is a deep tree without parentheses)."""
MAX_NODES = MAX_RULE_NODES
"""Most terms (names, numbers, strings and operators) in one rule."""

_ARITH: dict[type[ast.operator], ArithOp] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
}
_COMPARE: dict[type[ast.cmpop], CompareOp] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}
_BOOLEANS = {"true": True, "True": True, "false": False, "False": False}
_FORBIDDEN_NODES: dict[type[ast.AST], str] = {
    ast.Call: "function calls are",
    ast.Attribute: "attribute access ('a.b') is",
    ast.Subscript: "subscripts ('a[i]') are",
    ast.Slice: "slices are",
    ast.Lambda: "lambda functions are",
    ast.ListComp: "comprehensions are",
    ast.SetComp: "comprehensions are",
    ast.DictComp: "comprehensions are",
    ast.GeneratorExp: "generator expressions are",
    ast.IfExp: "conditional expressions ('x if c else y') are",
    ast.NamedExpr: "assignments (':=') are",
    ast.List: "lists are",
    ast.Tuple: "tuples (commas) are",
    ast.Set: "sets are",
    ast.Dict: "dictionaries are",
    ast.JoinedStr: "f-strings are",
    ast.FormattedValue: "f-strings are",
    ast.Starred: "starred expressions are",
    ast.Await: "'await' is",
    ast.Yield: "'yield' is",
    ast.YieldFrom: "'yield' is",
}
_FORBIDDEN_OPERATORS: dict[type[ast.AST], str] = {
    ast.Pow: "'**' is not allowed in a rule",
    ast.Mod: "'%' is not allowed in a rule",
    ast.FloorDiv: "'//' is not allowed in a rule",
    ast.MatMult: "'@' is not allowed in a rule",
    ast.BitAnd: "'&' is not allowed in a rule (use 'and')",
    ast.BitOr: "'|' is not allowed in a rule (use 'or')",
    ast.BitXor: "'^' is not allowed in a rule",
    ast.LShift: "'<<' is not allowed in a rule",
    ast.RShift: "'>>' is not allowed in a rule",
    ast.Invert: "'~' is not allowed in a rule (use 'not')",
    ast.In: "'in' is not allowed in a rule",
    ast.NotIn: "'not in' is not allowed in a rule",
    ast.Is: "'is' is not allowed in a rule (use '==')",
    ast.IsNot: "'is not' is not allowed in a rule (use '!=')",
}
_PREFIX_TOKENS = frozenset({"-", "+", "~", "not"})
_ALLOWED = 'names, numbers, "strings", + - * /, == != < <= > >=, and, or, not, parentheses'


def parse(text: str) -> Expr:
    """Parse a rule into the expression tree, without type-checking it.

    Parameters
    ----------
    text : str
        The rule, e.g. ``territory >= 50 and crimea != "russian"``.  Line breaks are read as
        spaces, so a rule may span several lines of a YAML block.

    Returns
    -------
    Expr
        The tree; columns are 1-based character offsets into ``text``.

    Raises
    ------
    ExprError
        On a syntax error, a construct outside the language, a non-finite number, or input
        longer than :data:`MAX_LENGTH` characters or nested deeper than :data:`MAX_NESTING`
        parentheses / :data:`MAX_DEPTH` tree levels.
    """
    if not isinstance(text, str):
        raise ExprError(f"a rule must be text, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExprError(
            f"rule too long: {len(text):,} characters (at most {MAX_LENGTH:,}); "
            "split it into several red lines or preconditions"
        )
    if "\x00" in text:
        raise ExprError("rule contains a null character", text.index("\x00") + 1)
    flat = text.replace("\r", " ").replace("\n", " ")
    body = flat.lstrip()
    if not body.strip():
        raise ExprError("empty rule", 1)
    shift = len(flat) - len(body)
    complete = _check_tokens(body, shift)
    try:
        tree = ast.parse(body, mode="eval")
    except SyntaxError as error:
        raise _syntax_error(error, body, shift) from None
    except (RecursionError, MemoryError):
        raise ExprError("rule too deeply nested to read; split it into simpler rules") from None
    if not complete:  # Python read what its tokenizer could not: never guess
        raise ExprError(f"cannot read the rule (the language has {_ALLOWED})", shift + 1)
    converter = _Converter(body, shift)
    converter.check_depth(tree.body)
    return converter.convert(tree.body)


def _check_tokens(body: str, shift: int) -> bool:
    """Refuse tokens outside the language and oversized rules before Python's parser runs.

    Refused here: ``#`` (Python would drop the rest of the rule as a comment), characters that
    are no token, names Python would fold into another (``ｔerritory`` into ``territory``), two
    strings in a row (Python joins them), overlong numbers, more than :data:`MAX_NODES` terms,
    parentheses deeper than :data:`MAX_NESTING` and longer runs of prefix operators.  Returns
    whether the whole text was tokenized (Python's parser reports malformed text, such as an
    unclosed string, more precisely).
    """
    depth = 0
    run = 0
    terms = 0
    previous = tokenize.ENDMARKER
    end = (0, 0)
    try:
        for token in tokenize.generate_tokens(io.StringIO(body).readline):
            column = token.start[1] + shift + 1
            kind, text = token.type, token.string
            if kind == tokenize.COMMENT:
                raise ExprError(
                    "'#' is not part of the rule language: the rest of the rule would be "
                    "ignored; put remarks in 'label' or 'note'",
                    column,
                )
            # a character that is no token: ERRORTOKEN up to Python 3.11; from 3.12 an OP whose
            # exact type is no operator's
            if kind == tokenize.ERRORTOKEN or (
                kind == tokenize.OP and token.exact_type == tokenize.OP
            ):
                if text.isspace():
                    continue
                raise ExprError(
                    f"syntax error: invalid syntax: {text!r} is not part of the rule language "
                    f"(it has {_ALLOWED})",
                    column,
                )
            if kind in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER):
                continue
            if kind == tokenize.NAME and unicodedata.normalize("NFKC", text) != text:
                raise ExprError(
                    f"{text!r} would be read as "
                    f"{unicodedata.normalize('NFKC', text)!r}; write the name as it is defined",
                    column,
                )
            if kind == tokenize.NAME and previous == tokenize.NUMBER and token.start == end:
                # Python reads "50and" as "50 and" (with a warning now, an error later)
                raise ExprError("a number runs into a word; separate them with a space", column)
            if kind == tokenize.STRING:
                _check_escapes(text, column)
            if kind == tokenize.STRING and previous == tokenize.STRING:
                raise ExprError(
                    "two strings in a row (Python would join them); write one option name",
                    column,
                )
            if kind == tokenize.NUMBER and len(text) > MAX_NUMBER_DIGITS:
                raise ExprError(
                    f"number too large: {len(text):,} characters (at most {MAX_NUMBER_DIGITS})",
                    column,
                )
            terms += 1
            if terms > MAX_NODES:
                raise ExprError(
                    f"rule too large: more than {MAX_NODES:,} terms (names, numbers, "
                    "operators); split it into several red lines or preconditions",
                    column,
                )
            previous, end = kind, token.end
            if kind == tokenize.OP and text in "([{":
                depth += 1
                if depth > MAX_NESTING:
                    raise ExprError(
                        f"rule too deeply nested: more than {MAX_NESTING} levels of parentheses",
                        column,
                    )
            elif kind == tokenize.OP and text in ")]}":
                depth -= 1
            run = run + 1 if text in _PREFIX_TOKENS else 0
            if run > MAX_NESTING:
                raise ExprError(
                    f"rule too deeply nested: more than {MAX_NESTING} prefix operators in a row",
                    column,
                )
    except (tokenize.TokenError, SyntaxError):
        return False
    return True


_ESCAPE = re.compile(
    r"""\\(?:[\\'"abfnrtv0-7\n]|x[0-9A-Fa-f]{2}|N\{[^}]*\}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})"""
)


def _check_escapes(token: str, column: int) -> None:
    """Refuse a backslash Python would keep with a warning (``"\\d"``): write ``\\\\``."""
    prefix = token[: len(token) - len(token.lstrip("bBfFrRuU"))]
    if "r" in prefix.lower():
        return
    at = token.find("\\")
    while at != -1:
        valid = _ESCAPE.match(token, at)
        if valid is None:
            raise ExprError(
                f"unknown escape {token[at : at + 2]!r} in a string; write '\\\\' for a backslash",
                column + at,
            )
        at = token.find("\\", valid.end())


def _syntax_error(error: SyntaxError, body: str, shift: int) -> ExprError:
    """Turn Python's syntax error into one that speaks of rules, with a 1-based column."""
    message = error.msg or "invalid syntax"
    offset = error.offset or 0
    if offset <= 0 or offset > len(body):
        return ExprError(f"syntax error: rule ends unexpectedly ({message})", len(body) + shift + 1)
    if message == "invalid syntax":
        message = f"invalid syntax (the language has {_ALLOWED})"
    return ExprError(f"syntax error: {message}", offset + shift)


class _Converter:
    """Walks Python's syntax tree through the whitelist, building :data:`Expr` nodes."""

    def __init__(self, body: str, shift: int) -> None:
        self._body = body
        self._encoded = body.encode("utf-8")
        self._shift = shift

    def column(self, node: ast.AST) -> int:
        """1-based character column of ``node`` (Python reports UTF-8 byte offsets)."""
        offset = getattr(node, "col_offset", 0)
        chars = len(self._encoded[:offset].decode("utf-8", errors="replace"))
        return chars + self._shift + 1

    def check_depth(self, root: ast.expr) -> None:
        """Refuse trees deeper than :data:`MAX_DEPTH` (iteratively, before recursing)."""
        stack: list[tuple[ast.AST, int]] = [(root, 1)]
        while stack:
            node, depth = stack.pop()
            if depth > MAX_DEPTH:
                raise ExprError(
                    f"rule too deeply nested: more than {MAX_DEPTH} levels; split it",
                    self.column(node),
                )
            stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))

    def refuse(self, node: ast.AST, what: str) -> ExprError:
        """The error for a construct outside the language, quoting it."""
        return ExprError(f"{what} not allowed in a rule{self._quote(node)}", self.column(node))

    def _quote(self, node: ast.AST) -> str:
        segment = ast.get_source_segment(self._body, node) or ""
        if len(segment) > 40:
            segment = segment[:37] + "..."
        return f": '{segment}'" if segment else ""

    def convert(self, node: ast.expr) -> Expr:
        """The :data:`Expr` for one Python expression node."""
        column = self.column(node)
        match node:
            case ast.Constant(value=value):
                return self._constant(node, value)
            case ast.Name(id=name):
                if name in _BOOLEANS:
                    return Bool(_BOOLEANS[name], column=column)
                return Name(name, column=column)
            case ast.UnaryOp(op=op, operand=operand):
                return self._unary(node, op, operand)
            case ast.BinOp(op=op, left=left, right=right):
                arith = _ARITH.get(type(op))
                if arith is None:
                    raise self._operator(node, op)
                return BinOp(arith, self.convert(left), self.convert(right), column=column)
            case ast.Compare():
                return self._compare(node)
            case ast.BoolOp(op=bool_op, values=values):
                parts = tuple(self.convert(v) for v in values)
                if isinstance(bool_op, ast.And):
                    return And(parts, column=column)
                return Or(parts, column=column)
        what = _FORBIDDEN_NODES.get(type(node), f"'{type(node).__name__}' expressions are")
        raise self.refuse(node, what)

    def _compare(self, node: ast.Compare) -> Expr:
        compare_ops: list[CompareOp] = []
        for op in node.ops:
            compare_op = _COMPARE.get(type(op))
            if compare_op is None:
                raise self._operator(node, op)
            compare_ops.append(compare_op)
        operands = tuple(self.convert(o) for o in (node.left, *node.comparators))
        return Compare(operands, tuple(compare_ops), column=self.column(node))

    def _constant(self, node: ast.expr, value: object) -> Expr:
        column = self.column(node)
        if isinstance(value, bool):
            return Bool(value, column=column)
        if isinstance(value, str):
            return Str(value, column=column)
        if isinstance(value, int | float):
            try:
                number = float(value)
            except OverflowError:
                number = math.inf
            if not math.isfinite(number):
                raise ExprError("number too large", column)
            return Num(number, column=column)
        what = {
            type(None): "'None' is",
            bytes: "byte strings are",
            complex: "complex numbers are",
        }.get(type(value), "'...' is")
        raise self.refuse(node, what)

    def _unary(self, node: ast.expr, op: ast.unaryop, operand: ast.expr) -> Expr:
        column = self.column(node)
        if isinstance(op, ast.Not):
            return Not(self.convert(operand), column=column)
        if isinstance(op, ast.UAdd):
            return self.convert(operand)
        if isinstance(op, ast.USub):
            inner = self.convert(operand)
            if isinstance(inner, Num):
                return Num(-inner.value, column=column)
            return Neg(inner, column=column)
        raise self._operator(node, op)

    def _operator(self, node: ast.expr, op: ast.AST) -> ExprError:
        what = _FORBIDDEN_OPERATORS.get(type(op), f"'{type(op).__name__}' is not allowed in a rule")
        column = self._operator_column(node, op) or self.column(node)
        return ExprError(f"the operator {what}{self._quote(node)}", column)

    def _operator_column(self, node: ast.expr, op: ast.AST) -> int | None:
        """Column of a binary or comparison operator: the first symbol after its left operand."""
        left: ast.expr | None = None
        if isinstance(node, ast.BinOp):
            left = node.left
        elif isinstance(node, ast.Compare):
            index = next(i for i, o in enumerate(node.ops) if o is op)
            left = node.comparators[index - 1] if index else node.left
        if left is None or left.end_col_offset is None:
            return None
        tail = self._encoded[left.end_col_offset :].decode("utf-8", errors="replace")
        skipped = len(tail) - len(tail.lstrip(" )\t"))
        head = len(self._encoded[: left.end_col_offset].decode("utf-8", errors="replace"))
        return head + skipped + self._shift + 1
