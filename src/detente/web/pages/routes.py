"""The page routes: library, scenario (with the what-if panel), editor, history, timeline, jobs,
briefing, sign-in.

Pages read through the service's own functions (the library, the cached analyses of
:mod:`detente.web.api_analysis`, the page views of :mod:`detente.web.pages.content`) and write
nothing: every change goes from the page's script to the API with the analyst's token.  When the
library needs a token to read (``detente serve --reads token``), the pages read with the token the
analyst signed in with, kept in an HTTP-only, same-site cookie that only the pages read.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from detente.web import jobs, library
from detente.web.accounts import Principal
from detente.web.api_common import (
    CSP_BRIEFING,
    cached,
    diff_of,
    stored,
    version_of,
    versions_of,
    what_if_base,
)
from detente.web.app import Context
from detente.web.errors import ApiError
from detente.web.library import Version
from detente.web.pages import diffview
from detente.web.pages.render import page
from detente.web.pool import Analyses

__all__ = ["COOKIE", "router"]

router = APIRouter(include_in_schema=False)

#: The cookie that carries the signed-in token to the pages (``--reads token`` only needs it).
COOKIE = "detente_token"
PAGE_SIZE = 50

Handler = Callable[..., Awaitable[Response]]


class SignInNeeded(Exception):
    """The library needs a token to read and the page has none."""


def _ctx(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


async def viewer(request: Request) -> Principal | None:
    """Who reads the page: the signed-in token's user (from the cookie), if any; refused with a
    sign-in page when reads need a token and there is none."""
    ctx = _ctx(request)
    token = request.cookies.get(COOKIE)
    who = None
    if token and len(token) <= 200:
        found, who = ctx.tokens.recent(token)
        if not found:
            who = await run_in_threadpool(ctx.tokens.lookup, token)
    if who is None and ctx.settings.reads == "token":
        raise SignInNeeded
    return who


def html_errors(handler: Handler) -> Handler:
    """Answer a page's API error (a missing scenario, a file the engines refuse, a time-out) as
    a page that says what went wrong, with the same status."""

    @functools.wraps(handler)
    async def wrapped(*args: Any, **kwargs: Any) -> Response:
        request: Request = kwargs["request"]
        try:
            await viewer(request)
            return await handler(*args, **kwargs)
        except SignInNeeded:
            return RedirectResponse(f"/signin?next={request.url.path}", status_code=303)
        except ApiError as exc:
            return page(
                "error.html",
                status=exc.status,
                title="Cannot show this page",
                nav=None,
                errors=exc.errors,
                status_code=exc.status,
            )

    return wrapped


def _date(value: str | None, what: str = "as_of") -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ApiError(
            422, f"{what} must be a date (YYYY-MM-DD), not {value!r}", path=what
        ) from None


def _number(value: str | None, what: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) < 2**31:
        raise ApiError(422, f"{what} must be a version number, not {value!r}", path=what)
    return int(value)


def _scenario_id(value: str) -> str:
    if not value or len(value) > 128 or not all(c.isalnum() or c == "-" for c in value):
        raise ApiError(404, f"no scenario '{value[:128]}' in the library", path="id")
    return value


async def view(
    ctx: Context, version: Version, name: str, *, as_of: dt.date | None = None, **options: Any
) -> dict[str, Any]:
    """A page view of a version (:mod:`detente.web.pages.content`), cached by its content."""
    params = {"view": name, "as_of": as_of, **options}
    body = await cached(ctx, version, "page", params)
    result: dict[str, Any] = json.loads(body)
    return result


def peek(ctx: Context, version: Version, name: str, **options: Any) -> dict[str, Any] | None:
    """A page view if it is in the server's memory already (else None: the page's script asks)."""
    params = {"view": name, "as_of": None, **options}
    hit = ctx.analyses.cached(Analyses.key("page", version.content_hash, params))
    return None if hit is None else json.loads(hit[0])


def panel_groups(judgments: list[dict[str, Any]]) -> dict[str, Any]:
    """The what-if panel's controls: a slider for every number with a distribution, a switch for
    every yes/no judgment but an actor's veto (the facts, and red lines when they are judgments),
    and the other numbers to pick from."""
    numbers = [j for j in judgments if j["kind"] == "number" and j["slider"] is not None]
    switches = [j for j in judgments if j["kind"] == "bool" and not j["path"].endswith(".veto")]
    return {
        "sliders": [j for j in numbers if j["uncertain"]],
        "facts": switches,
        "others": [j for j in numbers if not j["uncertain"]],
        "switch_title": (
            "Facts"
            if all(j["path"].startswith("facts.") for j in switches)
            else "Facts and red lines"
        ),
    }


def _nav(scenario_id: str, version: int | None, current: str) -> dict[str, Any]:
    return {"id": scenario_id, "version": version, "current": current}


# ---- library ----------------------------------------------------------------------------------


@router.get("/")
@html_errors
async def library_page(
    request: Request, q: str | None = None, offset: str | None = None
) -> Response:
    ctx = _ctx(request)
    search = (q or "").strip()[:200] or None
    start = int(offset) if offset and offset.isdigit() else 0
    found, total = await run_in_threadpool(
        library.list_scenarios, ctx.db, search=search, limit=PAGE_SIZE, offset=start
    )
    rows = [{"meta": v.meta(), "row": peek(ctx, v, "verdict")} for v in found]
    return page(
        "library.html",
        title="Library",
        nav=None,
        rows=rows,
        q=search or "",
        total=total,
        offset=start,
        page_size=PAGE_SIZE,
    )


# ---- one scenario -----------------------------------------------------------------------------


async def _version(
    request: Request, scenario_id: str, version: str | None, as_of: str | None = None
) -> tuple[Context, Version, dt.date | None]:
    """The page's context, the version its query names (the latest by default) and its date."""
    ctx = _ctx(request)
    number = _number(version, "version")
    found = await version_of(ctx, _scenario_id(scenario_id), number)
    return ctx, found, _date(as_of)


@router.get("/scenarios/{scenario_id}")
@html_errors
async def scenario_page(
    request: Request, scenario_id: str, version: str | None = None, as_of: str | None = None
) -> Response:
    ctx, found, date = await _version(request, scenario_id, version, as_of)
    # a page with sliders will be asked what-ifs: load its base now, as the first one would
    ctx.whatifs.warm(*what_if_base(ctx, found, as_of=date, what_if=None))
    data, line = await asyncio.gather(
        view(ctx, found, "scenario", as_of=date), view(ctx, found, "verdict", as_of=date)
    )
    data["stage"] = data["stage"] or line["stage"]  # the assessment's, until the briefing has it
    return page(
        "scenario.html",
        title=data["title"],
        nav=_nav(scenario_id, found.number, "scenario"),
        meta=found.meta(),
        latest=found.latest,
        as_of=date,
        data=data,
        groups=panel_groups(data["judgments"]),
        panel=json.dumps(
            {
                "scenario": scenario_id,
                "version": found.number,
                "as_of": date.isoformat() if date else None,
                "zopa_tol": data["zopa_tol"],
                "issues": data["issues"],
                "actors": data["actors"],
                "what_ifs": data["what_ifs"],
            },
            ensure_ascii=False,
        ),
    )


@router.get("/scenarios/{scenario_id}/edit")
@html_errors
async def editor_page(request: Request, scenario_id: str, version: str | None = None) -> Response:
    number = _number(version, "version")
    found = await stored(_ctx(request), _scenario_id(scenario_id), number)
    return page(
        "editor.html",
        title=f"Edit {found.title}",
        nav=_nav(scenario_id, found.number, "edit"),
        meta=found.meta(),
        latest=found.latest,
        text=found.text,
    )


@router.get("/scenarios/{scenario_id}/history")
@html_errors
async def history_page(
    request: Request, scenario_id: str, old: str | None = None, new: str | None = None
) -> Response:
    ctx = _ctx(request)
    found = await versions_of(ctx, _scenario_id(scenario_id))
    latest = found[0]
    newer = next((v for v in found if v.number == _number(new, "new")), latest)
    wanted_old = _number(old, "old") or max(1, newer.number - 1)
    older = next((v for v in found if v.number == wanted_old), None)
    diff = None
    if older is not None and older.number != newer.number:
        diff = await _diff(ctx, older, newer)
    return page(
        "history.html",
        title=f"History of {latest.title}",
        nav=_nav(scenario_id, None, "history"),
        scenario_id=scenario_id,
        versions=[{"meta": v.meta(), "row": peek(ctx, v, "verdict")} for v in found],
        older=older.number if older else None,
        newer=newer.number,
        diff=diff,
    )


async def _diff(ctx: Context, older: Version, newer: Version) -> dict[str, Any]:
    lines = await diff_of(ctx, older, newer)
    if not lines.ok:
        raise ApiError(503, str(lines.value), path="diff")
    verdicts = {}
    for v in (older, newer):
        try:
            verdicts[v.number] = {**await view(ctx, v, "verdict"), "errors": []}
        except ApiError as exc:
            verdicts[v.number] = {"errors": exc.errors}
    return {
        "old": older.meta(),
        "new": newer.meta(),
        "verdicts": verdicts,
        "hunks": diffview.hunks(lines.value["lines"]),
        "changed": lines.value["changed"],
    }


@router.get("/scenarios/{scenario_id}/timeline")
@html_errors
async def timeline_page(
    request: Request, scenario_id: str, version: str | None = None, as_of: str | None = None
) -> Response:
    ctx, found, date = await _version(request, scenario_id, version, as_of)
    data = await view(ctx, found, "timeline", until=date.isoformat() if date else None)
    at = await view(ctx, found, "verdict", as_of=date) if date else None
    return page(
        "timeline.html",
        title=f"Timeline of {found.title}",
        nav=_nav(scenario_id, found.number, "timeline"),
        meta=found.meta(),
        latest=found.latest,
        data=data,
        as_of=date,
        at=at,
    )


@router.get("/scenarios/{scenario_id}/jobs")
@html_errors
async def jobs_page(request: Request, scenario_id: str, job: str | None = None) -> Response:
    ctx, found, _ = await _version(request, scenario_id, None)
    listed = await run_in_threadpool(jobs.list_jobs, ctx.db, scenario=scenario_id, limit=20)
    shown = None
    if job and len(job) == 32 and all(c in "0123456789abcdef" for c in job):
        shown = await run_in_threadpool(jobs.get_job, ctx.db, job)
        if shown is not None and shown["scenario"] != scenario_id:
            shown = None
    return page(
        "jobs.html",
        title=f"Jobs on {found.title}",
        nav=_nav(scenario_id, found.number, "jobs"),
        meta=found.meta(),
        jobs=listed,
        shown=shown,
        labels={
            "ripe": "Ripe",
            "blocked": "Blocked",
            "premature": "Premature",
            "not_ripe": "Not ripe",
        },
    )


@router.get("/scenarios/{scenario_id}/briefing")
@html_errors
async def briefing_page(
    request: Request, scenario_id: str, version: str | None = None, as_of: str | None = None
) -> Response:
    ctx, found, date = await _version(request, scenario_id, version, as_of)
    query = f"version={found.number}" + (f"&as_of={date.isoformat()}" if date else "")
    versions = await run_in_threadpool(library.list_versions, ctx.db, scenario_id)
    return page(
        "briefing.html",
        title=f"Briefing of {found.title}",
        nav=_nav(scenario_id, found.number, "briefing"),
        meta=found.meta(),
        versions=[v.number for v in versions],
        as_of=date,
        frame=f"/scenarios/{scenario_id}/briefing.html?{query}",
        open_url=f"/api/scenarios/{scenario_id}/briefing?{query}",
        download=f"/api/scenarios/{scenario_id}/briefing?{query}&download=true",
    )


@router.get("/scenarios/{scenario_id}/briefing.html")
@html_errors
async def briefing_frame(
    request: Request, scenario_id: str, version: str | None = None, as_of: str | None = None
) -> Response:
    """The briefing as the API gives it, framed by the workbench's briefing page only."""
    ctx, found, date = await _version(request, scenario_id, version, as_of)
    body = await cached(ctx, found, "briefing_html", {"as_of": date}, media="text/html")
    policy = CSP_BRIEFING.replace("frame-ancestors 'none'", "frame-ancestors 'self'")
    return Response(
        body,
        media_type="text/html; charset=utf-8",
        headers={"Content-Security-Policy": policy, "X-Frame-Options": "SAMEORIGIN"},
    )


# ---- signing in -------------------------------------------------------------------------------


@router.get("/signin")
async def signin_page(request: Request, next: str | None = None) -> Response:
    target = next if next and next.startswith("/") and not next.startswith("//") else "/"
    return page(
        "signin.html",
        title="Sign in",
        nav=None,
        next=target,
        reads=_ctx(request).settings.reads,
    )


def _same_origin(request: Request) -> None:
    """Refuse a sign-in or sign-out sent by another site's page (the browser says so)."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        raise ApiError(403, "signing in or out is for this server's own pages", path="Origin")


@router.post("/signin")
async def signin(request: Request) -> Response:
    """Keep the token of ``Authorization: Bearer`` in the pages' cookie (checked first)."""
    _same_origin(request)
    ctx = _ctx(request)
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    who = None
    if scheme.lower() == "bearer" and token and len(token) <= 200:
        who = await run_in_threadpool(ctx.tokens.lookup, token)
    if who is None:
        raise ApiError(401, "unknown or revoked token", path="Authorization")
    response = Response(status_code=204)
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/signout")
async def signout(request: Request) -> Response:
    _same_origin(request)
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/")
    return response
