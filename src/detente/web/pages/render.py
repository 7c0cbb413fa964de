"""Rendering the pages: the Jinja2 environment, the pages' security policy, the static assets.

Every page is rendered with autoescaping from the templates in this package and answered with a
Content-Security-Policy that lets it load only the workbench's own files: scripts from
``/static`` (no inline script), styles from ``/static`` plus the style elements the editor
creates with the page's nonce (CodeMirror's ``EditorView.cspNonce``), images from the server
(the briefing's charts as SVG), requests to the server alone, and frames of the server's own
briefing.  Nothing leaves the machine.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.responses import HTMLResponse

__all__ = ["STATIC", "asset", "csp", "environment", "page"]

#: The built assets (``make assets``), shipped in the package.
STATIC = Path(__file__).resolve().parent.parent / "static"


def csp(nonce: str) -> str:
    """The pages' Content-Security-Policy for one response."""
    return (
        "default-src 'none'; script-src 'self'; "
        f"style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; connect-src 'self'; "
        "frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "object-src 'none'"
    )


@cache
def _digest(name: str) -> str:
    path = STATIC / name
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else "missing"


def asset(name: str) -> str:
    """The URL of a static asset, with its content digest (so a browser may keep it)."""
    return f"/static/{name}?v={_digest(name)}"


def _when(value: Any) -> str:
    """A time as ``2024-05-01 14:03 UTC``."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return str(value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"))
    return "" if value is None else str(value)


def _number(value: Any, digits: int = 3) -> str:
    if value is None:
        return "—"
    try:
        return f"{float(value):.{digits}f}"
    except (TypeError, ValueError):
        return str(value)


def _short(value: Any, n: int = 80) -> str:
    text = " ".join(str(value or "").split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("detente.web.pages", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["asset"] = asset
    env.filters["when"] = _when
    env.filters["number"] = _number
    env.filters["short"] = _short
    return env


def page(
    template: str, *, status: int = 200, headers: dict[str, str] | None = None, **context: Any
) -> HTMLResponse:
    """A page from ``template`` with its security policy and a fresh nonce."""
    nonce = secrets.token_urlsafe(16)
    html = environment().get_template(template).render(nonce=nonce, **context)
    return HTMLResponse(
        html,
        status_code=status,
        headers={"Content-Security-Policy": csp(nonce), **(headers or {})},
    )
