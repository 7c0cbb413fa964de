"""Red lines as linear constraints: an and/or tree of linear atoms ``sum_k a_k x_k  sense  b``.

A checked condition that is linear in the issues becomes a :data:`Formula`: atoms
(:class:`LinAtom`) under :class:`All` (and) and :class:`AnyOf` (or), with negations pushed into
the atoms (De Morgan; ``not (a <= b)`` is ``b < a``), so that a solver needs no negation: an
``All`` of atoms is a polyhedron, and each ``AnyOf`` is a disjunction for a big-M or indicator
formulation of the MILP (see docs/models.md section 2).  Option issues appear in rank units.

Pushing negations to the atoms is the negation normal form of propositional logic; over linear
atoms the complement of ``a.x <= b`` is the open half-space ``-a.x < -b``, and a disjunction of
polyhedra is modelled with one binary per part and big-M constants (Williams, *Model Building in
Mathematical Programming*, 5th ed., Wiley 2013, sections 9.1-9.2; Balas, "Disjunctive
programming", Annals of Discrete Mathematics 5, 1979).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import reduce
from typing import Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from detente.scenario.expr._evaluate import Value, finish
from detente.scenario.expr._nodes import (
    And,
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
from detente.scenario.expr._unparse import format_number, unparse

__all__ = [
    "All",
    "AnyOf",
    "Coefficients",
    "Const",
    "Formula",
    "LinAtom",
    "Sense",
    "atoms",
    "formula_holds",
    "map_atoms",
    "negate",
    "simplify",
    "to_linear",
]

Sense: TypeAlias = Literal["<=", "<", "=="]


class Coefficients(Mapping[str, float]):
    """An immutable, hashable mapping from issue id to coefficient, sorted by issue id."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, float] | Iterable[tuple[str, float]] = ()) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        self._items = tuple(sorted((str(k), float(v) + 0.0) for k, v in pairs))

    def __getitem__(self, key: str) -> float:
        for k, v in self._items:
            if k == key:
                return v
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (k for k, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Coefficients):
            return self._items == other._items
        if isinstance(other, Mapping):
            return dict(self._items) == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return repr(dict(self._items))


@dataclass(frozen=True)
class LinAtom:
    """The linear constraint ``sum_k coef[k] * x_k  sense  rhs`` (option issues in ranks).

    ``coef`` never holds a zero (such atoms fold to :class:`Const` in :func:`to_linear`).
    """

    coef: Mapping[str, float]
    sense: Sense
    rhs: float

    def __post_init__(self) -> None:
        if self.sense not in ("<=", "<", "=="):
            raise ValueError(f"sense must be '<=', '<' or '==', not {self.sense!r}")
        object.__setattr__(self, "coef", Coefficients(self.coef))
        object.__setattr__(self, "rhs", float(self.rhs) + 0.0)

    def __str__(self) -> str:
        text = ""
        for name, c in self.coef.items():
            size = "" if abs(c) == 1 else f"{format_number(abs(c))}*"
            if text:
                text += f" {'-' if c < 0 else '+'} {size}{name}"
            else:
                text = f"{'-' if c < 0 else ''}{size}{name}"
        return f"{text or '0'} {self.sense} {format_number(self.rhs)}"


@dataclass(frozen=True)
class All:
    """Every part holds."""

    parts: tuple[Formula, ...] = field(default=())

    def __str__(self) -> str:
        return " and ".join(_bracket(p) for p in self.parts) or "true"


@dataclass(frozen=True)
class AnyOf:
    """At least one part holds."""

    parts: tuple[Formula, ...] = field(default=())

    def __str__(self) -> str:
        return " or ".join(_bracket(p) for p in self.parts) or "false"


@dataclass(frozen=True)
class Const:
    """A constant condition."""

    value: bool

    def __str__(self) -> str:
        return "true" if self.value else "false"


Formula: TypeAlias = LinAtom | All | AnyOf | Const


def _bracket(part: Formula) -> str:
    return f"({part})" if isinstance(part, All | AnyOf) else str(part)


# ---------------------------------------------------------------------------------------------
# Building and simplifying formulas


def _atom(coef: Mapping[str, float], sense: Sense, rhs: float) -> Formula:
    """An atom, or the constant it is when every coefficient is zero."""
    nonzero = {k: v for k, v in coef.items() if v != 0}
    if nonzero:
        return LinAtom(nonzero, sense, rhs)
    holds = {"<=": rhs >= 0, "<": rhs > 0, "==": rhs == 0}[sense]
    return Const(bool(holds))


def _all(parts: Iterable[Formula]) -> Formula:
    """``All`` of ``parts``, flattened, without true parts and duplicates; false if any is."""
    flat: list[Formula] = []
    for part in parts:
        if isinstance(part, Const):
            if not part.value:
                return Const(False)
        elif isinstance(part, All):
            flat.extend(part.parts)
        else:
            flat.append(part)
    unique = tuple(dict.fromkeys(flat))
    if not unique:
        return Const(True)
    return unique[0] if len(unique) == 1 else All(unique)


def _any(parts: Iterable[Formula]) -> Formula:
    """``AnyOf`` of ``parts``, flattened, without false parts and duplicates; true if any is."""
    flat: list[Formula] = []
    for part in parts:
        if isinstance(part, Const):
            if part.value:
                return Const(True)
        elif isinstance(part, AnyOf):
            flat.extend(part.parts)
        else:
            flat.append(part)
    unique = tuple(dict.fromkeys(flat))
    if not unique:
        return Const(False)
    return unique[0] if len(unique) == 1 else AnyOf(unique)


def simplify(f: Formula) -> Formula:
    """``f`` with nested ``All``/``AnyOf`` flattened, constants folded and duplicates dropped."""
    match f:
        case All(parts=parts):
            return _all(simplify(p) for p in parts)
        case AnyOf(parts=parts):
            return _any(simplify(p) for p in parts)
        case LinAtom(coef=coef, sense=sense, rhs=rhs):
            return _atom(coef, sense, rhs)
        case Const():
            return f


def negate(f: Formula) -> Formula:
    """The formula that holds exactly where ``f`` does not (De Morgan, atoms flipped).

    ``not (a.x <= b)`` is ``-a.x < -b``; ``not (a.x < b)`` is ``-a.x <= -b``; ``not (a.x == b)``
    is ``a.x < b or -a.x < -b``.
    """
    match f:
        case LinAtom(coef=coef, sense=sense, rhs=rhs):
            minus = {k: -v for k, v in coef.items()}
            if sense == "<=":
                return _atom(minus, "<", -rhs)
            if sense == "<":
                return _atom(minus, "<=", -rhs)
            return _any([_atom(coef, "<", rhs), _atom(minus, "<", -rhs)])
        case All(parts=parts):
            return _any(negate(p) for p in parts)
        case AnyOf(parts=parts):
            return _all(negate(p) for p in parts)
        case Const(value=value):
            return Const(not value)


def atoms(f: Formula) -> tuple[LinAtom, ...]:
    """The distinct atoms of ``f`` in depth-first, left-to-right order."""
    found: list[LinAtom] = []
    stack = [f]
    while stack:
        part = stack.pop()
        if isinstance(part, LinAtom):
            found.append(part)
        elif isinstance(part, All | AnyOf):
            stack.extend(reversed(part.parts))
    return tuple(dict.fromkeys(found))


def map_atoms(f: Formula, fn: Callable[[LinAtom], Formula]) -> Formula:
    """``f`` with every atom ``a`` replaced by ``fn(a)`` (the and/or structure kept as it is)."""
    match f:
        case LinAtom():
            return fn(f)
        case All(parts=parts):
            return All(tuple(map_atoms(p, fn) for p in parts))
        case AnyOf(parts=parts):
            return AnyOf(tuple(map_atoms(p, fn) for p in parts))
        case Const():
            return f


# ---------------------------------------------------------------------------------------------
# Expression -> formula


@dataclass
class _Lin:
    """An affine form ``sum_k coef[k] * x_k + const`` over issues."""

    coef: dict[str, float]
    const: float

    @property
    def is_constant(self) -> bool:
        return not any(self.coef.values())

    @property
    def is_finite(self) -> bool:
        return math.isfinite(self.const) and all(math.isfinite(v) for v in self.coef.values())

    def plus(self, other: _Lin, sign: float = 1.0) -> _Lin:
        coef = dict(self.coef)
        for k, v in other.coef.items():
            coef[k] = coef.get(k, 0.0) + sign * v
        return _Lin(coef, self.const + sign * other.const)

    def times(self, factor: float) -> _Lin:
        return _Lin({k: v * factor for k, v in self.coef.items()}, self.const * factor)

    def over(self, divisor: float) -> _Lin:
        return _Lin({k: v / divisor for k, v in self.coef.items()}, self.const / divisor)


_COMPLEMENT: dict[CompareOp, CompareOp] = {
    "<=": ">",
    "<": ">=",
    ">=": "<",
    ">": "<=",
    "==": "!=",
    "!=": "==",
}


def to_linear(expr: Expr, *, facts: Mapping[str, bool] | None = None) -> Formula:
    """The linear formula of a checked condition.

    Parameters
    ----------
    expr : Expr
        A condition checked by :func:`check`, linear in the issues.
    facts : mapping, optional
        Values for facts the condition mentions; without it a fact is an error, because a red
        line must constrain issues only.

    Returns
    -------
    Formula
        Atoms ``sum_k coef[k] * x_k  sense  rhs`` with sense ``<=``, ``<`` or ``==``, combined
        by :class:`All` and :class:`AnyOf`; no negation is left (``!=`` is ``AnyOf(<, >)``,
        ``not`` is pushed into the atoms), chains ``a <= x <= b`` are ``All`` of their pairs,
        constant comparisons fold to :class:`Const`, and the result is simplified.

    Raises
    ------
    ExprError
        ``"not linear: ..."`` with the reason for a product of two issue-dependent terms, a
        division by an issue-dependent term, or a fact (unless ``facts`` gives its value);
        ``"division by zero"`` for a division by a constant zero.
    """
    return _Linearizer(facts or {}).formula(expr, negated=False)


class _Linearizer:
    def __init__(self, facts: Mapping[str, bool]) -> None:
        self._facts = facts

    def formula(self, expr: Expr, *, negated: bool) -> Formula:
        """The formula of condition ``expr`` (of ``not expr`` when ``negated``)."""
        match expr:
            case Bool(value=value):
                return Const(value != negated)
            case Name():
                return Const(self._fact(expr) != negated)
            case Not(operand=operand):
                return self.formula(operand, negated=not negated)
            case And(parts=parts) | Or(parts=parts):
                pieces = [self.formula(p, negated=negated) for p in parts]
                conjunction = isinstance(expr, And) != negated
                return _all(pieces) if conjunction else _any(pieces)
            case Compare(operands=operands, ops=ops):
                pairs = [
                    self._pair(a, op, b, negated=negated)
                    for a, op, b in zip(operands, ops, operands[1:], strict=False)
                ]
                return _any(pairs) if negated else _all(pairs)
        raise ValueError(f"not a condition: {unparse(expr)!r}; check() the expression first")

    def _fact(self, node: Name) -> bool:
        if node.kind == "issue":
            raise ValueError(f"issue {node.id!r} used as a condition; check() the expression")
        if node.id in self._facts:
            return bool(self._facts[node.id])
        raise ExprError(
            f"not linear: '{node.id}' is a fact, not an issue; a rule that must be linear in "
            "the issues cannot depend on facts (put it in a precondition)",
            node.column,
        )

    def _pair(self, left: Expr, op: CompareOp, right: Expr, *, negated: bool) -> Formula:
        """The formula of ``left op right`` (or its negation)."""
        if _is_condition(left) or _is_condition(right):
            a = self.formula(left, negated=False)
            b = self.formula(right, negated=False)
            same = (op == "==") != negated
            if same:
                return _any([_all([a, b]), _all([negate(a), negate(b)])])
            return _any([_all([a, negate(b)]), _all([negate(a), b])])
        diff = _finite(self.affine(left).plus(self.affine(right), sign=-1.0), left)
        return _compare(diff, _COMPLEMENT[op] if negated else op)

    def affine(self, expr: Expr) -> _Lin:
        """The affine form of number ``expr``, or the reason it is not linear."""
        match expr:
            case Num(value=value):
                return _finite(_Lin({}, value), expr)
            case Str(rank=rank):
                if rank is None:
                    raise ValueError(f"check() the expression first: {expr.value!r} has no rank")
                return _Lin({}, float(rank))
            case Name(id=name, kind=kind):
                if kind == "fact":
                    raise ValueError(f"fact {name!r} used as a number; check() the expression")
                return _Lin({name: 1.0}, 0.0)
            case Neg(operand=operand):
                return self.affine(operand).times(-1.0)
            case BinOp(op=op, left=left, right=right):
                return _finite(self._arith(expr, op, self.affine(left), self.affine(right)), expr)
        raise ValueError(f"not a number: {unparse(expr)!r}; check() the expression first")

    def _arith(self, expr: BinOp, op: str, a: _Lin, b: _Lin) -> _Lin:
        if op in ("+", "-"):
            return a.plus(b, sign=1.0 if op == "+" else -1.0)
        if op == "*":
            if a.is_constant:
                return b.times(a.const)
            if b.is_constant:
                return a.times(b.const)
            raise ExprError(f"not linear: '{unparse(expr)}' multiplies two issues", expr.column)
        if not b.is_constant:
            raise ExprError(f"not linear: '{unparse(expr)}' divides by an issue", expr.column)
        if b.const == 0:
            raise ExprError(f"division by zero in '{unparse(expr)}'", expr.right.column)
        return a.over(b.const)


def _finite(lin: _Lin, expr: Expr) -> _Lin:
    """``lin`` if every coefficient and the constant are finite numbers; else the error.

    A product such as ``territory * 1e200 * 1e200`` overflows to infinity (and ``inf - inf`` to
    NaN); a solver given such a number answers nonsense, so the rule is refused at the column of
    the part that overflowed.
    """
    if lin.is_finite:
        return lin
    raise ExprError(
        f"'{unparse(expr)}' gives a number too large to represent (beyond about 1.8e308); "
        "rewrite the rule with smaller numbers (e.g. in other units)",
        expr.column,
    )


def _is_condition(expr: Expr) -> bool:
    if isinstance(expr, Name):
        return expr.kind == "fact"
    return isinstance(expr, Bool | Compare | And | Or | Not)


def _compare(diff: _Lin, op: CompareOp) -> Formula:
    """The formula of ``diff op 0`` for ``diff = sum_k c_k x_k + d``."""
    coef, minus = diff.coef, {k: -v for k, v in diff.coef.items()}
    match op:
        case "<=":
            return _atom(coef, "<=", -diff.const)
        case "<":
            return _atom(coef, "<", -diff.const)
        case ">=":
            return _atom(minus, "<=", diff.const)
        case ">":
            return _atom(minus, "<", diff.const)
        case "==":
            return _atom(coef, "==", -diff.const)
        case "!=":
            return _any([_atom(coef, "<", -diff.const), _atom(minus, "<", diff.const)])


# ---------------------------------------------------------------------------------------------
# Evaluating formulas


def formula_holds(
    f: Formula,
    x: Mapping[str, float | npt.NDArray[Any]],
    *,
    tol: float = 1e-9,
    open_strict: bool = False,
) -> bool | npt.NDArray[np.bool_]:
    """Whether ``f`` holds at the point(s) ``x``, vectorised over arrays in ``x``.

    Each atom is relaxed by ``tol``: ``a.x <= b`` holds when ``a.x - b <= tol``, ``a.x < b``
    when ``a.x - b < tol`` (so with ``tol > 0`` a strict inequality is read as its closure, as
    solvers return it), ``a.x == b`` when ``|a.x - b| <= tol``.  With ``open_strict`` a strict
    inequality is instead tightened by ``tol`` (``a.x - b < -tol``): a point within ``tol`` of
    its boundary is outside, as a point on the boundary is.  With ``tol=0`` the test is exact.

    Returns
    -------
    bool or numpy.ndarray
        A bool for scalar ``x``; otherwise a boolean array of the broadcast shape of ``x``.
    """
    value: Value = finish(_holds(f, x, tol, -tol if open_strict else tol), x.values())
    if isinstance(value, np.ndarray):
        return value.astype(bool, copy=False)
    return bool(value)


def _holds(
    f: Formula, x: Mapping[str, float | npt.NDArray[Any]], tol: float, strict_tol: float
) -> Any:
    match f:
        case LinAtom(coef=coef, sense=sense, rhs=rhs):
            lhs: Any = 0.0
            for name, c in coef.items():
                if name not in x:
                    raise ExprError(f"no value given for issue '{name}'")
                lhs = lhs + c * np.asarray(x[name], dtype=float)
            gap = lhs - rhs
            if sense == "<=":
                return gap <= tol
            if sense == "<":
                return gap < strict_tol
            return np.abs(gap) <= tol
        case All(parts=parts):
            return reduce(np.logical_and, [_holds(p, x, tol, strict_tol) for p in parts], np.True_)
        case AnyOf(parts=parts):
            return reduce(np.logical_or, [_holds(p, x, tol, strict_tol) for p in parts], np.False_)
        case Const(value=value):
            return value
