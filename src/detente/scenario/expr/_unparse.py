"""Canonical text of an expression tree, for explanations and for round trips.

``parse(unparse(e)) == e`` for every tree :func:`parse` can produce: parentheses are written
exactly where Python's precedence (or the tree's grouping) needs them.
"""

from __future__ import annotations

import json

from detente.scenario.expr._nodes import (
    And,
    BinOp,
    Bool,
    Compare,
    Expr,
    Name,
    Neg,
    Not,
    Num,
    Or,
    Str,
)

__all__ = ["format_number", "unparse"]

# Python's precedence levels, loosest first.
_OR, _AND, _NOT, _COMPARE, _ADD, _MUL, _UNARY, _ATOM = range(1, 9)


def format_number(value: float) -> str:
    """A number as the shortest text that reads back to it (``100.0`` -> ``"100"``)."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def unparse(expr: Expr) -> str:
    """The canonical text of ``expr``.

    Strings are written with double quotes; a checked string keeps its option's name, so the
    text reads as the analyst wrote it.  ``true``/``false`` are written in lower case.
    """
    match expr:
        case Num(value=value):
            return format_number(value)
        case Str(value=value):
            return json.dumps(value, ensure_ascii=False)
        case Bool(value=value):
            return "true" if value else "false"
        case Name(id=name):
            return name
        case Neg(operand=operand):
            return "-" + _wrap(operand, _UNARY)
        case BinOp(op=op, left=left, right=right):
            level = _precedence(expr)
            return f"{_wrap(left, level)} {op} {_wrap(right, level + 1)}"
        case Compare(operands=operands, ops=ops):
            text = _wrap(operands[0], _COMPARE + 1)
            for compare_op, operand in zip(ops, operands[1:], strict=True):
                text += f" {compare_op} {_wrap(operand, _COMPARE + 1)}"
            return text
        case And(parts=parts):
            return " and ".join(_wrap(p, _AND + 1) for p in parts)
        case Or(parts=parts):
            return " or ".join(_wrap(p, _OR + 1) for p in parts)
        case Not(operand=operand):
            return "not " + _wrap(operand, _NOT)


def _precedence(expr: Expr) -> int:
    match expr:
        case Or():
            return _OR
        case And():
            return _AND
        case Not():
            return _NOT
        case Compare():
            return _COMPARE
        case BinOp(op="+" | "-"):
            return _ADD
        case BinOp():
            return _MUL
        case Neg():
            return _UNARY
        case Num(value=value) if value < 0:
            return _UNARY
        case _:
            return _ATOM


def _wrap(expr: Expr, level: int) -> str:
    """The text of ``expr``, parenthesised if it binds more loosely than ``level``."""
    text = unparse(expr)
    return f"({text})" if _precedence(expr) < level else text
