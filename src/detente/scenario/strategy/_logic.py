"""The propositional language of option-prioritisation statements and infeasibility rules.

Grammar (lowest precedence first)::

    expr   := ifexp ("iff" ifexp)*            A iff B: both or neither
    ifexp  := orexp ("if" orexp)*             A if B: B implies A
    orexp  := andexp (("|" | "or") andexp)*
    andexp := unary (("&" | "and") unary)*
    unary  := ("not" | "-" | "~" | "!") unary | atom
    atom   := DM.option | NUMBER | "(" expr ")"

Numbers are GMCR II option numbers (1-based, in declaration order); ``-4`` means "not option 4"
(Fang, Hipel, Kilgour & Peng 2003, Section IV; GMCR+ uses the same notation).  This is a small
language of its own, distinct from the scenario expression language: its atoms are yes/no
options, not issues.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.errors import did_you_mean

__all__ = ["And", "LogicError", "Node", "Not", "Opt", "Or", "evaluate", "parse"]


class LogicError(ValueError):
    """A syntax or name error in a statement; ``column`` is 1-based."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


@dataclass(frozen=True, slots=True)
class Opt:
    """Option ``index`` (0-based) is taken."""

    index: int


@dataclass(frozen=True, slots=True)
class Not:
    arg: Node


@dataclass(frozen=True, slots=True)
class And:
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Or:
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Iff:
    left: Node
    right: Node


Node = Opt | Not | And | Or | Iff

_TOKEN = re.compile(
    r"\s*(?:(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)"
    r"|(?P<num>[0-9]+)|(?P<op>[()&|~!-]))"
)
_KEYWORDS = {"not", "and", "or", "if", "iff"}


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            col = pos + len(text[pos:]) - len(text[pos:].lstrip()) + 1
            raise LogicError(f"unexpected character {text[col - 1]!r}", col)
        kind = m.lastgroup or "op"
        value = m.group(kind)
        col = m.start(kind) + 1
        if kind == "name" and value.lower() in _KEYWORDS:
            kind, value = "op", value.lower()
        out.append((kind, value, col))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str, names: Sequence[str]) -> None:
        self.text = text
        self.names = list(names)
        self.index = {name: k for k, name in enumerate(names)}
        self.toks = _tokens(text)
        self.pos = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def accept(self, *ops: str) -> bool:
        tok = self.peek()
        if tok is not None and tok[0] == "op" and tok[1] in ops:
            self.pos += 1
            return True
        return False

    def end_column(self) -> int:
        return len(self.text.rstrip()) + 1

    def binary(self, ops: tuple[str, ...], sub: Callable[[], Node], make: type) -> Node:
        left = sub()
        while self.accept(*ops):
            left = make(left, sub())
        return left

    def expr(self) -> Node:
        return self.binary(("iff",), self.ifexp, Iff)

    def ifexp(self) -> Node:
        left = self.orexp()
        while self.accept("if"):
            right = self.orexp()
            left = Or(left, Not(right))  # A if B == B -> A
        return left

    def orexp(self) -> Node:
        return self.binary(("|", "or"), self.andexp, Or)

    def andexp(self) -> Node:
        return self.binary(("&", "and"), self.unary, And)

    def unary(self) -> Node:
        if self.accept("not", "-", "~", "!"):
            return Not(self.unary())
        return self.atom()

    def atom(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise LogicError(
                "expected an option, 'not' or '(' but the statement ends", self.end_column()
            )
        kind, value, col = tok
        self.pos += 1
        if kind == "op" and value == "(":
            node = self.expr()
            if not self.accept(")"):
                nxt = self.peek()
                raise LogicError("expected ')'", nxt[2] if nxt else self.end_column())
            return node
        if kind == "num":
            k = int(value)
            if not 1 <= k <= len(self.names):
                raise LogicError(
                    f"option number {k} does not exist (options are numbered 1..{len(self.names)})",
                    col,
                )
            return Opt(k - 1)
        if kind == "name":
            if value in self.index:
                return Opt(self.index[value])
            if "." not in value:
                qualified = [n for n in self.names if n.split(".", 1)[1] == value]
                hint = f" (did you mean '{qualified[0]}'?)" if qualified else ""
                raise LogicError(f"unknown option '{value}': name options as DM.option{hint}", col)
            raise LogicError(f"unknown option '{value}'{did_you_mean(value, self.names)}", col)
        raise LogicError(f"unexpected '{value}'", col)


def parse(text: str, names: Sequence[str]) -> Node:
    """Parse a statement over the qualified option ``names`` (in option order).

    Raises
    ------
    LogicError
        With a message and the 1-based column of the problem.
    """
    parser = _Parser(text, names)
    if not parser.toks:
        raise LogicError("empty statement", 1)
    node = parser.expr()
    tok = parser.peek()
    if tok is not None:
        raise LogicError(f"unexpected '{tok[1]}' (missing '&', '|', 'if' or 'iff'?)", tok[2])
    return node


def evaluate(node: Node, codes: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Truth value of ``node`` for each option vector, given as a decimal code.

    Bit k of a code is option k+1; the evaluation is vectorised over the codes.
    """
    if isinstance(node, Opt):
        return ((codes >> np.int64(node.index)) & 1).astype(bool)
    if isinstance(node, Not):
        return ~evaluate(node.arg, codes)
    left = evaluate(node.left, codes)
    right = evaluate(node.right, codes)
    if isinstance(node, And):
        return left & right
    if isinstance(node, Or):
        return left | right
    same: NDArray[np.bool_] = left == right
    return same
