"""Type-check an expression against the scenario's issues and facts.

Types: *number* (a scale issue, a literal, arithmetic), *option* (an option issue; its values
are 0-based ranks), *condition* (a fact, ``true``/``false``, a comparison, ``and``/``or``/``not``)
and *text* (a string literal, meaningful only next to an option issue in a comparison, where it
is resolved into that option's rank).  Arithmetic needs numbers, ``and``/``or``/``not`` need
conditions, ordering compares numbers with numbers or options with options of the same list,
and ``==``/``!=`` also compare conditions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Literal

from detente.errors import did_you_mean
from detente.scenario.expr._evaluate import evaluate
from detente.scenario.expr._nodes import (
    And,
    BinOp,
    Bool,
    Compare,
    CompareOp,
    Expr,
    ExprContext,
    ExprError,
    Name,
    Neg,
    Not,
    Num,
    Or,
    Str,
    names,
)
from detente.scenario.expr._parse import parse
from detente.scenario.expr._unparse import unparse

__all__ = ["check", "compile"]

_Kind = Literal["number", "option", "bool", "text"]


@dataclass(frozen=True)
class _Type:
    """The type of a sub-expression; options carry their issue and its ordered options."""

    kind: _Kind
    issue: str = ""
    options: tuple[str, ...] = ()


_NUMBER = _Type("number")
_BOOL = _Type("bool")
_TEXT = _Type("text")


def check(expr: Expr, ctx: ExprContext, *, want: Literal["bool", "number"] = "bool") -> Expr:
    """Type-check ``expr`` and resolve its option strings.

    Parameters
    ----------
    expr : Expr
        A tree from :func:`parse`.
    ctx : ExprContext
        The issues and facts the rule may name.
    want : {"bool", "number"}
        The type the whole rule must have: a condition (red lines, preconditions) or a number.

    Returns
    -------
    Expr
        The same tree with every name's ``kind`` set and every string compared with an option
        issue carrying its option's 0-based ``rank``.

    Raises
    ------
    ExprError
        For an unknown name (with a "did you mean"), an option not among the issue's options,
        text compared with anything but an option issue, arithmetic on conditions or options,
        ``and``/``or``/``not`` on numbers, a division by a constant zero, or a rule of the
        wrong type; the column points at the offending node.
    """
    checked, kind = _Checker(ctx).visit(expr)
    if kind.kind != want:
        text = _quote(checked)
        if want == "bool":
            raise ExprError(
                f"a rule must be a condition (true or false), but {text} is "
                f"{_describe(kind)}{_compare_hint(checked, kind)}",
                checked.column,
            )
        raise ExprError(f"expected a number, but {text} is {_describe(kind)}", checked.column)
    return checked


def compile(text: str, ctx: ExprContext, *, want: Literal["bool", "number"] = "bool") -> Expr:
    """Parse and check a rule in one step: ``check(parse(text), ctx, want=want)``."""
    return check(parse(text), ctx, want=want)


def _quote(expr: Expr) -> str:
    text = unparse(expr)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"'{text}'"


def _describe(kind: _Type) -> str:
    match kind.kind:
        case "number":
            return "a number"
        case "bool":
            return "a condition (true or false)"
        case "text":
            return "text"
        case "option":
            return f"an option issue ({' < '.join(kind.options)})"


def _compare_hint(expr: Expr, kind: _Type) -> str:
    """A suggestion that turns a number or an option into a condition."""
    text = unparse(expr)
    if kind.kind == "number":
        return f"; compare it, e.g. '{text} >= 50'"
    if kind.kind == "option" and kind.options:
        return (
            f"; compare it with one of its options, e.g. '{text} == {json.dumps(kind.options[-1])}'"
        )
    if kind.kind == "text":
        return "; text can only be compared with an option issue"
    return ""


class _Checker:
    """Computes types bottom-up and rebuilds the tree with names and options resolved."""

    def __init__(self, ctx: ExprContext) -> None:
        self._ctx = ctx

    def visit(self, expr: Expr) -> tuple[Expr, _Type]:
        match expr:
            case Num():
                return expr, _NUMBER
            case Bool():
                return expr, _BOOL
            case Str():
                return expr, _TEXT
            case Name():
                return self._name(expr)
            case Neg(operand=operand):
                inner = self._need(operand, "number", "-")
                return replace(expr, operand=inner), _NUMBER
            case BinOp(op=op, left=left, right=right):
                return self._arith(expr, op, left, right)
            case And(parts=parts) | Or(parts=parts):
                word = "and" if isinstance(expr, And) else "or"
                checked = tuple(self._need(p, "bool", word) for p in parts)
                return replace(expr, parts=checked), _BOOL
            case Not(operand=operand):
                return replace(expr, operand=self._need(operand, "bool", "not")), _BOOL
            case Compare():
                return self._compare(expr), _BOOL

    def _name(self, expr: Name) -> tuple[Expr, _Type]:
        issue = self._ctx.issues.get(expr.id)
        if issue is not None:
            checked = replace(expr, kind="issue")
            if issue.options is not None:
                return checked, _Type("option", expr.id, tuple(issue.options))
            return checked, _NUMBER
        if expr.id in self._ctx.facts:
            return replace(expr, kind="fact"), _BOOL
        candidates = [*self._ctx.issues, *self._ctx.facts]
        hint = did_you_mean(expr.id, candidates)
        if not hint and candidates:
            shown = ", ".join(sorted(candidates)[:12])
            hint = f" (known issues and facts: {shown}{', ...' if len(candidates) > 12 else ''})"
        raise ExprError(f"unknown name '{expr.id}'{hint}", expr.column)

    def _need(self, expr: Expr, want: _Kind, operator: str) -> Expr:
        """Check ``expr`` and insist on type ``want`` as the operand of ``operator``."""
        checked, kind = self.visit(expr)
        if kind.kind == want:
            return checked
        needs = "numbers" if want == "number" else "conditions (true or false)"
        reason = f"'{operator}' needs {needs}, but {_quote(checked)} is {_describe(kind)}"
        if kind.kind == "option" and want == "number":
            reason += "; options can only be compared"
        elif kind.kind == "text":
            reason += "; text can only be compared with an option issue"
        else:
            reason += _compare_hint(checked, kind) if want == "bool" else ""
        raise ExprError(reason, checked.column)

    def _arith(self, expr: BinOp, op: str, left: Expr, right: Expr) -> tuple[Expr, _Type]:
        new_left = self._need(left, "number", op)
        new_right = self._need(right, "number", op)
        if op == "/" and not names(new_right) and evaluate(new_right, {}) == 0:
            raise ExprError(f"division by zero in {_quote(expr)}", new_right.column)
        return replace(expr, left=new_left, right=new_right), _NUMBER

    def _compare(self, expr: Compare) -> Expr:
        typed = [self.visit(o) for o in expr.operands]
        operands = [t[0] for t in typed]
        kinds = [t[1] for t in typed]
        resolved: dict[int, _Type] = {}
        for i, op in enumerate(expr.ops):
            self._pair(op, operands, kinds, i, resolved)
        for i, option_type in resolved.items():
            text = operands[i]
            assert isinstance(text, Str)
            operands[i] = replace(text, rank=option_type.options.index(text.value))
        return replace(expr, operands=tuple(operands))

    def _pair(
        self,
        op: CompareOp,
        operands: list[Expr],
        kinds: list[_Type],
        i: int,
        resolved: dict[int, _Type],
    ) -> None:
        """Check ``operands[i] op operands[i + 1]``; record strings resolved against options."""
        left, right = operands[i], operands[i + 1]
        a, b = kinds[i], kinds[i + 1]
        if a.kind == b.kind == "number":
            return
        if a.kind == b.kind == "bool":
            if op not in ("==", "!="):
                raise ExprError(
                    f"'{op}' orders numbers or options, but {_quote(left)} and {_quote(right)} "
                    "are conditions (true or false); use '==' or '!='",
                    left.column,
                )
            return
        if a.kind == b.kind == "option":
            if a.options != b.options:
                raise ExprError(
                    f"{_quote(left)} and {_quote(right)} have different options "
                    f"({', '.join(a.options)} / {', '.join(b.options)}) and cannot be compared",
                    right.column,
                )
            return
        if {a.kind, b.kind} == {"option", "text"}:
            text_index = i if a.kind == "text" else i + 1
            option_type = b if a.kind == "text" else a
            self._resolve(operands[text_index], option_type, resolved, text_index)
            return
        raise self._mismatch(op, (left, a), (right, b))

    def _resolve(
        self, text: Expr, option_type: _Type, resolved: dict[int, _Type], index: int
    ) -> None:
        assert isinstance(text, Str)
        if text.value not in option_type.options:
            hint = did_you_mean(text.value, option_type.options)
            raise ExprError(
                f"{json.dumps(text.value, ensure_ascii=False)} is not an option of "
                f"'{option_type.issue}'{hint}; its options are "
                f"{', '.join(json.dumps(o, ensure_ascii=False) for o in option_type.options)}",
                text.column,
            )
        earlier = resolved.get(index)
        if earlier is not None and earlier.options != option_type.options:
            raise ExprError(
                f"{json.dumps(text.value, ensure_ascii=False)} is compared with both "
                f"'{earlier.issue}' and '{option_type.issue}', which have different options",
                text.column,
            )
        resolved[index] = option_type

    def _mismatch(
        self, op: CompareOp, left: tuple[Expr, _Type], right: tuple[Expr, _Type]
    ) -> ExprError:
        """The error for comparing values of incompatible types, pointing at the odd one.

        The odd operand is the text if there is one, else the condition, else (an option issue
        against a number) the number.
        """
        by_kind = {kind.kind: (node, kind) for node, kind in (right, left)}
        if "text" in by_kind:
            odd = by_kind["text"][0]
            other, other_type = right if odd is left[0] else left
            if other_type.kind == "text":
                reason = "two pieces of text cannot be compared; compare an option issue with one"
            else:
                reason = (
                    f"text can only be compared with an option issue, but {_quote(other)} is "
                    f"{_describe(other_type)}"
                )
        elif "bool" in by_kind:
            odd = by_kind["bool"][0]
            other, other_type = right if odd is left[0] else left
            reason = (
                f"{_quote(odd)} is a condition (true or false) and cannot be compared with "
                f"{_quote(other)}, which is {_describe(other_type)}"
            )
        else:
            odd = by_kind["number"][0]
            option, option_type = by_kind["option"]
            example = json.dumps(option_type.options[-1], ensure_ascii=False)
            reason = (
                f"{_quote(option)} is an option issue; compare it with one of its options "
                f"(e.g. {unparse(option)} {op} {example}), not with a number"
            )
        return ExprError(f"cannot compare with '{op}': {reason}", odd.column)
