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
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.errors import did_you_mean
from detente.scenario.limits import (
    MAX_RULE_DEPTH,
    MAX_RULE_LENGTH,
    MAX_RULE_NESTING,
    MAX_RULE_NODES,
)

__all__ = ["And", "Iff", "LogicError", "Node", "Not", "Opt", "Or", "evaluate", "parse"]


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
    """The statement ``arg`` does not hold."""

    arg: Node


@dataclass(frozen=True, slots=True)
class And:
    """Every part holds (``a & b & c`` is one node with three parts)."""

    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """At least one part holds."""

    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Iff:
    """A chain ``a iff b iff c``: ``(a iff b) iff c`` (``iff`` is associative)."""

    parts: tuple[Node, ...]


Node = Opt | Not | And | Or | Iff

_TOKEN = re.compile(
    r"(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)|(?P<num>[0-9]+)|(?P<op>[()&|~!-])"
)
_SPACE = re.compile(r"[ \t\r\n]*")
_KEYWORDS = {"not", "and", "or", "if", "iff"}
_PREFIX = {"not", "-", "~", "!"}
#: Longest option number accepted (option numbers are small; a long digit run is refused
#: before Python converts it).
_MAX_DIGITS = 6


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """The tokens of ``text`` (kind, text, 1-based column), within the language's bounds."""
    if len(text) > MAX_RULE_LENGTH:
        raise LogicError(
            f"statement too long: {len(text):,} characters (at most {MAX_RULE_LENGTH:,})", 1
        )
    out: list[tuple[str, str, int]] = []
    pos = _SPACE.match(text, 0).end()  # type: ignore[union-attr]
    depth = run = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise LogicError(f"unexpected character {text[pos]!r}", pos + 1)
        kind = m.lastgroup or "op"
        value = m.group(kind)
        col = pos + 1
        if kind == "name" and value.lower() in _KEYWORDS:
            kind, value = "op", value.lower()
        if kind == "num" and len(value) > _MAX_DIGITS:
            raise LogicError(f"option number {value[:12]}... is too large", col)
        out.append((kind, value, col))
        if len(out) > MAX_RULE_NODES:
            raise LogicError(
                f"statement too large: more than {MAX_RULE_NODES:,} terms; split it", col
            )
        if value == "(" and kind == "op":
            depth += 1
            if depth > MAX_RULE_NESTING:
                raise LogicError(
                    f"statement too deeply nested: more than {MAX_RULE_NESTING} levels of "
                    "parentheses",
                    col,
                )
        elif value == ")" and kind == "op":
            depth -= 1
        run = run + 1 if kind == "op" and value in _PREFIX else 0
        if run > MAX_RULE_NESTING:
            raise LogicError(
                f"statement too deeply nested: more than {MAX_RULE_NESTING} prefix operators "
                "in a row",
                col,
            )
        pos = _SPACE.match(text, m.end()).end()  # type: ignore[union-attr]
    return out


class _Parser:
    """Recursive descent over the token list; its depth is bounded by :data:`MAX_RULE_DEPTH`."""

    def __init__(self, text: str, names: Sequence[str]) -> None:
        self.text = text
        self.names = list(names)
        self.index = {name: k for k, name in enumerate(names)}
        self.toks = _tokens(text)
        self.pos = 0
        self.depth = 0

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

    def deeper(self, levels: int, col: int) -> None:
        """Enter ``levels`` more levels of the tree (a parenthesis may hold an iff of ors of
        ands: three levels; each prefix operator one)."""
        self.depth += levels
        if self.depth > MAX_RULE_DEPTH:
            raise LogicError(
                f"statement too deeply nested: more than {MAX_RULE_DEPTH} levels; split it", col
            )

    def expr(self) -> Node:
        parts = [self.ifexp()]
        while self.accept("iff"):
            parts.append(self.ifexp())
        return parts[0] if len(parts) == 1 else Iff(tuple(parts))

    def ifexp(self) -> Node:
        left = self.orexp()
        conditions: list[Node] = []
        while self.accept("if"):
            conditions.append(Not(self.orexp()))  # A if B == B -> A == A or not B
        if not conditions:
            return left
        return Or((*(left.parts if isinstance(left, Or) else (left,)), *conditions))

    def orexp(self) -> Node:
        parts = [self.andexp()]
        while self.accept("|", "or"):
            parts.append(self.andexp())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def andexp(self) -> Node:
        parts = [self.unary()]
        while self.accept("&", "and"):
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self) -> Node:
        nots = 0
        while self.accept("not", "-", "~", "!"):
            nots += 1
        if nots:
            self.deeper(nots, self.toks[self.pos - 1][2])
        node = self.atom()
        self.depth -= nots
        for _ in range(nots):
            node = Not(node)
        return node

    def atom(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise LogicError(
                "expected an option, 'not' or '(' but the statement ends", self.end_column()
            )
        kind, value, col = tok
        self.pos += 1
        if kind == "op" and value == "(":
            self.deeper(3, col)
            node = self.expr()
            self.depth -= 3
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

    The statement's length, number of terms, parenthesis nesting and runs of prefix operators
    are bounded as in the scenario expression language (:mod:`detente.scenario.limits`);
    chains of ``&``, ``|`` and ``iff`` become one node each, so a long chain is a flat node.

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


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Opt):
        return ()
    if isinstance(node, Not):
        return (node.arg,)
    return node.parts


@dataclass(slots=True)
class _Frame:
    node: Node
    kids: tuple[Node, ...]
    next: int
    value: NDArray[np.bool_] | None


def _fold(node: Node, acc: NDArray[np.bool_] | None, value: NDArray[np.bool_]) -> NDArray[np.bool_]:
    if acc is None:
        return value
    if isinstance(node, And):
        return acc & value
    if isinstance(node, Or):
        return acc | value
    same: NDArray[np.bool_] = acc == value  # Iff chain
    return same


def evaluate(node: Node, codes: NDArray[np.int64]) -> NDArray[np.bool_]:
    """Truth value of ``node`` for each option vector, given as a decimal code.

    Bit k of a code is option k+1; the evaluation is vectorised over the codes and iterative
    over the tree (an explicit stack, folding each part into its parent as soon as it is
    known), so that no tree is too deep to evaluate and memory holds one array per level.
    """
    stack: list[_Frame] = []
    current = node
    while True:
        while not isinstance(current, Opt):
            kids = _children(current)
            stack.append(_Frame(current, kids, 1, None))
            current = kids[0]
        value: NDArray[np.bool_] = ((codes >> np.int64(current.index)) & 1).astype(bool)
        while stack:
            frame = stack[-1]
            frame.value = _fold(frame.node, frame.value, value)
            if frame.next < len(frame.kids):
                current = frame.kids[frame.next]
                frame.next += 1
                break
            stack.pop()
            value = ~frame.value if isinstance(frame.node, Not) else frame.value
        else:
            return value
