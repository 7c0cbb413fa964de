"""The fuzzed entry points: each takes raw bytes and feeds them to one reader of untrusted input.

A target returns normally when detente accepted the input or refused it with its documented
error (:class:`~detente.errors.DetenteError`; :class:`LogicError` for the preference language,
whose callers turn it into one); any other exception is a finding.  Targets never print.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from detente.errors import DetenteError

__all__ = ["TARGETS", "events", "expression", "preference", "scenario", "table"]

_TMP = Path(tempfile.mkdtemp(prefix="detente-fuzz-"))
_NAMES = ("UKR.fight", "UKR.talk", "RUS.escalate", "RUS.offer")


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def scenario(data: bytes) -> None:
    """The scenario loader (YAML reader, model, validation) on arbitrary text."""
    from detente.scenario import loads

    with contextlib.suppress(DetenteError):
        loads(_text(data), filename="fuzz.yaml")


def _context() -> object:
    from detente.scenario.expr import ExprContext, IssueInfo

    return ExprContext(
        issues={
            "territory": IssueInfo("territory", 0.0, 100.0, None),
            "crimea": IssueInfo("crimea", 0.0, 2.0, ("russian", "deferred", "ukrainian")),
        },
        facts={"ready", "sanctions"},
    )


def expression(data: bytes) -> None:
    """The rule language: parse, check, evaluate at a point and over arrays, make linear."""
    from detente.scenario.expr import ExprContext, compile, evaluate, to_linear

    ctx = _context()
    assert isinstance(ctx, ExprContext)
    text = _text(data)
    for want in ("bool", "number"):
        try:
            expr = compile(text, ctx, want=want)  # type: ignore[arg-type]
        except DetenteError:
            continue
        env_point = {"territory": 37.5, "crimea": 1.0, "ready": True, "sanctions": False}
        env_array = {
            "territory": np.array([0.0, 50.0, 100.0]),
            "crimea": np.array([0.0, 1.0, 2.0]),
            "ready": np.array([True, False, True]),
            "sanctions": False,
        }
        with np.errstate(all="ignore"):
            try:
                evaluate(expr, env_point)
                evaluate(expr, env_array)
            except DetenteError:
                pass
        if want == "bool":
            with contextlib.suppress(DetenteError):
                to_linear(expr, facts={"ready": True, "sanctions": False})


def preference(data: bytes) -> None:
    """The strategy preference language: parse over four options, evaluate on all 16 states."""
    from detente.scenario.strategy._logic import LogicError, evaluate, parse

    try:
        node = parse(_text(data), _NAMES)
    except LogicError:
        return
    evaluate(node, np.arange(2 ** len(_NAMES), dtype=np.int64))


def table(data: bytes) -> None:
    """The forecast's actor table, read from a file and forecast with every method."""
    from detente.bargaining import EUMSettings, forecast_table

    path = _TMP / f"table-{os.getpid()}.csv"
    path.write_bytes(data)
    with contextlib.suppress(DetenteError):
        forecast_table(path, eum=EUMSettings(rounds=2))


def events(data: bytes) -> None:
    """The event-file readers (GDELT, ICEWS, ACLED), plain, gzip or zip by the first byte."""
    from detente.timeline.events import read_events

    kind, body = (data[0] % 3, data[1:]) if data else (0, data)
    path = _TMP / f"events-{os.getpid()}"
    if kind == 1:
        path.write_bytes(gzip.compress(body, compresslevel=1))
    elif kind == 2:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            half = len(body) // 2
            zf.writestr("a.csv", body[:half])
            zf.writestr("b.csv", body[half:])
        path.write_bytes(buffer.getvalue())
    else:
        path.write_bytes(body)
    with contextlib.suppress(DetenteError):
        read_events(path, block_bytes=4096)


TARGETS: dict[str, Callable[[bytes], None]] = {
    "scenario": scenario,
    "expression": expression,
    "preference": preference,
    "table": table,
    "events": events,
}
