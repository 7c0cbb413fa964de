"""Evaluate an expression at one outcome or at many outcomes at once (NumPy broadcasting)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import reduce
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from detente.scenario.expr._nodes import (
    And,
    BinOp,
    Bool,
    Compare,
    Expr,
    ExprError,
    Name,
    Neg,
    Not,
    Num,
    Or,
    Str,
)

__all__ = ["Value", "evaluate", "finish"]

Value: TypeAlias = bool | float | npt.NDArray[Any]
"""A value of an expression: a condition, a number, or an array of either (one per outcome)."""

_ARITH = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}
_COMPARE = {
    "==": np.equal,
    "!=": np.not_equal,
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
}


def evaluate(expr: Expr, env: Mapping[str, float | bool | npt.NDArray[Any]]) -> Value:
    """The value of ``expr`` where each name takes its value from ``env``.

    Parameters
    ----------
    expr : Expr
        A checked tree (option strings must carry their rank; see :func:`check`).
    env : mapping
        Issue ids to numbers (option issues as 0-based ranks) and fact ids to booleans.  Any
        value may be an array, one entry per outcome: arrays broadcast against each other.

    Returns
    -------
    bool, float or numpy.ndarray
        A Python scalar when every value in ``env`` is a scalar; otherwise an array of the
        broadcast shape of all arrays in ``env`` (even if ``expr`` does not use them all).
        Division by zero gives ``inf``/``nan`` as in IEEE arithmetic.

    Raises
    ------
    ExprError
        If ``expr`` names something missing from ``env``.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        value = _eval(expr, env)
    return finish(value, env.values())


def finish(value: Any, inputs: Any) -> Value:
    """Broadcast ``value`` to the shape of the arrays among ``inputs``, or make it a scalar."""
    shapes = [v.shape for v in inputs if isinstance(v, np.ndarray)]
    if shapes:
        shape = np.broadcast_shapes(*shapes)
        array = np.asarray(value)
        return array if array.shape == shape else np.broadcast_to(array, shape).copy()
    if isinstance(value, np.ndarray | np.generic):
        value = value.item()
    if isinstance(value, bool):
        return value
    return float(value)


def _lookup(node: Name, env: Mapping[str, float | bool | npt.NDArray[Any]]) -> Any:
    try:
        value = env[node.id]
    except KeyError:
        raise ExprError(f"no value given for '{node.id}'", node.column) from None
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, bool | np.bool_):
        return bool(value)
    return float(value)


def _eval(expr: Expr, env: Mapping[str, float | bool | npt.NDArray[Any]]) -> Any:
    match expr:
        case Num(value=value) | Bool(value=value):
            return value
        case Str(rank=rank):
            if rank is None:
                raise ValueError(f"check() the expression first: {expr.value!r} has no rank")
            return float(rank)
        case Name():
            return _lookup(expr, env)
        case Neg(operand=operand):
            return np.negative(_eval(operand, env))
        case BinOp(op=op, left=left, right=right):
            return _ARITH[op](_eval(left, env), _eval(right, env))
        case Compare(operands=operands, ops=ops):
            values = [_eval(o, env) for o in operands]
            pairs = [_COMPARE[op](a, b) for op, a, b in zip(ops, values, values[1:], strict=False)]
            return reduce(np.logical_and, pairs)
        case And(parts=parts):
            return reduce(np.logical_and, [_eval(p, env) for p in parts])
        case Or(parts=parts):
            return reduce(np.logical_or, [_eval(p, env) for p in parts])
        case Not(operand=operand):
            return np.logical_not(_eval(operand, env))
