"""The typed tree of the scenario expression language, its error and its naming context.

Every node is a frozen dataclass that remembers the 1-based column where it starts in the rule's
text (``column``), so that errors can point at the offending part.  Columns are not part of a
node's identity: two trees that differ only in where their nodes start compare equal.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from detente.errors import DetenteError, Diagnostic

__all__ = [
    "And",
    "ArithOp",
    "BinOp",
    "Bool",
    "Compare",
    "CompareOp",
    "Expr",
    "ExprContext",
    "ExprError",
    "IssueInfo",
    "Name",
    "NameKind",
    "Neg",
    "Not",
    "Num",
    "Or",
    "Str",
    "children",
    "names",
    "walk",
]

ArithOp: TypeAlias = Literal["+", "-", "*", "/"]
CompareOp: TypeAlias = Literal["==", "!=", "<", "<=", ">", ">="]
NameKind: TypeAlias = Literal["issue", "fact"]


class ExprError(DetenteError):
    """A rule that cannot be parsed, type-checked, evaluated or made linear.

    Parameters
    ----------
    message : str
        What is wrong, in plain words, with a hint where one helps.
    column : int or None
        1-based column of the offending part inside the rule's text, when known.
    """

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message, column)
        self.message = message
        self.column = column

    def __str__(self) -> str:
        return self.message

    def diagnostics(self) -> list[Diagnostic]:
        """The problem as a diagnostic (the caller adds the file position of the rule)."""
        return [Diagnostic(self.message)]


@dataclass(frozen=True)
class _Node:
    """Base of every node: where the node starts in the text (1-based, not compared)."""

    column: int = field(default=1, compare=False, kw_only=True, repr=False)


@dataclass(frozen=True)
class Num(_Node):
    """A number literal (negative literals are folded: ``-5`` is ``Num(-5.0)``)."""

    value: float


@dataclass(frozen=True)
class Str(_Node):
    """A string literal: an option of the option issue it is compared with.

    ``rank`` is the option's 0-based position in the issue's ``options``; :func:`check` sets it.
    """

    value: str
    rank: int | None = None


@dataclass(frozen=True)
class Bool(_Node):
    """``true`` or ``false`` (``True``/``False`` are accepted too)."""

    value: bool


@dataclass(frozen=True)
class Name(_Node):
    """An issue id (its value) or a fact id (a boolean); ``kind`` is set by :func:`check`."""

    id: str
    kind: NameKind | None = None


@dataclass(frozen=True)
class Neg(_Node):
    """Unary minus of a number."""

    operand: Expr


@dataclass(frozen=True)
class BinOp(_Node):
    """Arithmetic ``left op right`` on numbers."""

    op: ArithOp
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Compare(_Node):
    """A comparison chain ``o0 op0 o1 op1 o2 ...``: every adjacent pair holds (as in Python)."""

    operands: tuple[Expr, ...]
    ops: tuple[CompareOp, ...]

    def __post_init__(self) -> None:
        if len(self.ops) < 1 or len(self.operands) != len(self.ops) + 1:
            raise ValueError("a comparison needs n + 1 operands for n >= 1 operators")


@dataclass(frozen=True)
class And(_Node):
    """Conjunction of conditions."""

    parts: tuple[Expr, ...]

    def __post_init__(self) -> None:
        if not self.parts:
            raise ValueError("'and' needs at least one part")


@dataclass(frozen=True)
class Or(_Node):
    """Disjunction of conditions."""

    parts: tuple[Expr, ...]

    def __post_init__(self) -> None:
        if not self.parts:
            raise ValueError("'or' needs at least one part")


@dataclass(frozen=True)
class Not(_Node):
    """Negation of a condition."""

    operand: Expr


Expr: TypeAlias = Num | Str | Bool | Name | Neg | BinOp | Compare | And | Or | Not


@dataclass(frozen=True)
class IssueInfo:
    """What an expression needs to know about an issue.

    Attributes
    ----------
    name : str
        The issue id.
    low, high : float
        The issue's range; for an option issue ``low = 0`` and ``high = len(options) - 1``.
    options : tuple of str or None
        The ordered options of a discrete issue (values are 0-based ranks), None for a scale.
    """

    name: str
    low: float
    high: float
    options: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ExprContext:
    """The names an expression may use: issues (numbers or options) and facts (booleans)."""

    issues: Mapping[str, IssueInfo]
    facts: Collection[str]


def children(expr: Expr) -> tuple[Expr, ...]:
    """The direct sub-expressions of ``expr``, left to right."""
    match expr:
        case Num() | Str() | Bool() | Name():
            return ()
        case Neg(operand=operand) | Not(operand=operand):
            return (operand,)
        case BinOp(left=left, right=right):
            return (left, right)
        case Compare(operands=operands):
            return operands
        case And(parts=parts) | Or(parts=parts):
            return parts


def walk(expr: Expr) -> Iterator[Expr]:
    """Every node of ``expr`` in depth-first pre-order (iterative: no recursion limit)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(children(node)))


def names(expr: Expr) -> frozenset[str]:
    """The issue and fact ids ``expr`` uses (``true``/``false`` are literals, not names)."""
    return frozenset(node.id for node in walk(expr) if isinstance(node, Name))
