"""The scenario expression language: rules over issues and facts, parsed but never ``eval``-ed.

A rule is Python-like text (docs/format.md, "Expression language"): issue ids (numbers, or
ranks of options), fact ids (booleans), ``true``/``false``, numbers, ``"option"`` strings,
``+ - * /``, comparisons (chains such as ``0 <= territory <= 50``; options compare by their
order), ``and``/``or``/``not`` and parentheses.

- :func:`parse` reads the text into a typed tree of frozen dataclasses (:data:`Expr`);
- :func:`check` type-checks it against an :class:`ExprContext` and resolves option strings;
- :func:`evaluate` computes it at one outcome or, vectorised, at many;
- :func:`to_linear` turns a red line into linear constraints (:data:`Formula`) for the
  readiness engine's LP/MILP (docs/models.md section 2);
- :func:`unparse` writes the canonical text back, for explanations.
"""

from detente.scenario.expr._check import check, compile
from detente.scenario.expr._evaluate import Value, evaluate
from detente.scenario.expr._linear import (
    All,
    AnyOf,
    Coefficients,
    Const,
    Formula,
    LinAtom,
    Sense,
    atoms,
    formula_holds,
    map_atoms,
    negate,
    simplify,
    to_linear,
)
from detente.scenario.expr._nodes import (
    And,
    ArithOp,
    BinOp,
    Bool,
    Compare,
    CompareOp,
    Expr,
    ExprContext,
    ExprError,
    IssueInfo,
    Name,
    NameKind,
    Neg,
    Not,
    Num,
    Or,
    Str,
    children,
    names,
    walk,
)
from detente.scenario.expr._parse import MAX_DEPTH, MAX_LENGTH, MAX_NESTING, MAX_NODES, parse
from detente.scenario.expr._unparse import unparse

__all__ = [
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_NESTING",
    "MAX_NODES",
    "All",
    "And",
    "AnyOf",
    "ArithOp",
    "BinOp",
    "Bool",
    "Coefficients",
    "Compare",
    "CompareOp",
    "Const",
    "Expr",
    "ExprContext",
    "ExprError",
    "Formula",
    "IssueInfo",
    "LinAtom",
    "Name",
    "NameKind",
    "Neg",
    "Not",
    "Num",
    "Or",
    "Sense",
    "Str",
    "Value",
    "atoms",
    "check",
    "children",
    "compile",
    "evaluate",
    "formula_holds",
    "map_atoms",
    "names",
    "negate",
    "parse",
    "simplify",
    "to_linear",
    "unparse",
    "walk",
]
