"""The FastAPI application: wiring, security headers, body limit, errors for people.

Every response carries the security headers (a Content-Security-Policy, ``nosniff``,
``X-Frame-Options: DENY``, no referrer); a request body over the limit is refused with 413 before
it is read; every error is a JSON body ``{"errors": [{"line", "column", "path", "message"}]}``
(the shape ``detente check`` prints), and no request is answered 500.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from detente import __version__
from detente.web.accounts import TokenCache
from detente.web.db import Database
from detente.web.errors import ApiError, problem
from detente.web.jobs import JobRunner
from detente.web.library import Heads
from detente.web.pool import Analyses, AnalysisPool
from detente.web.settings import Settings
from detente.web.whatif import WhatIfs

__all__ = ["Context", "create_app"]

log = logging.getLogger("detente.web")

#: The API answers JSON only: nothing may run, load or frame it.
CSP_API = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


@dataclass
class Context:
    """What the routes share: settings, database, analyses, what-ifs, jobs, tokens."""

    settings: Settings
    db: Database
    pool: AnalysisPool
    analyses: Analyses
    whatifs: WhatIfs
    jobs: JobRunner
    tokens: TokenCache
    heads: Heads
    revision: str | None = None


class _HttpMiddleware:
    """Pure ASGI middleware that acts on HTTP requests (:meth:`http`) and passes the rest on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.http(scope, receive, send)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class SecurityHeaders(_HttpMiddleware):
    """The security headers on every response (CSP unless the route set its own, as the
    briefing does)."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in _HEADERS if k not in names]
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP_API.encode()))
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit(_HttpMiddleware):
    """Refuse a body over ``limit`` bytes with 413, by its Content-Length before reading it, or
    while reading a body sent without one."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        super().__init__(app)
        self.limit = limit

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        for key, value in scope.get("headers", []):
            if key == b"content-length":
                try:
                    size = int(value)
                except ValueError:
                    size = -1
                if size < 0 or size > self.limit:
                    await self._refuse(scope, receive, send)
                    return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"the request body is over {self.limit // (1024 * 1024)} MiB; refused"
        response = problem(413, message, path="body")
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass


class Guard(_HttpMiddleware):
    """An unexpected exception becomes a 503 with the error body (logged), never a 500 and never
    a dropped connection."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            log.exception("unexpected error on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                response = problem(
                    503, f"the server could not answer ({type(exc).__name__}); try again"
                )
                await response(scope, receive, send)


def create_app(settings: Settings, *, start_jobs: bool = True) -> FastAPI:
    """The application for ``settings`` (the database must be migrated: ``db.migrate``)."""
    from detente.web import api_accounts, api_analysis, api_jobs, api_library, pages
    from detente.web.db import migrate

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ctx: Context = app.state.ctx
        if start_jobs:
            ctx.jobs.start()
            ctx.pool.warm()
        try:
            yield
        finally:
            ctx.jobs.close()
            ctx.pool.close()
            ctx.db.dispose()

    app = FastAPI(
        title="detente workbench",
        version=__version__,
        summary="A shared library of scenarios with versions, analyses, what-ifs and jobs.",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    db = Database(settings.db)
    pool = AnalysisPool(workers=settings.analysis_workers, timeout=settings.analysis_timeout)
    app.state.ctx = Context(
        settings=settings,
        db=db,
        pool=pool,
        analyses=Analyses(db, pool),
        whatifs=WhatIfs(),
        jobs=JobRunner(
            db, workers=settings.job_workers, instance=settings.instance, dask=settings.dask
        ),
        tokens=TokenCache(db),
        heads=Heads(),
        revision=migrate(settings.db),
    )
    app.add_middleware(BodyLimit, limit=settings.max_body)
    app.add_middleware(Guard)
    app.add_middleware(SecurityHeaders)
    for module in (api_accounts, api_library, api_analysis, api_jobs):
        app.include_router(module.router)
    pages.mount(app)  # the workbench pages (detente.web.pages), their API and static files
    _handlers(app)
    _document_security(app)
    return app


#: POST operations that only read (compute an answer, save nothing).
READ_POSTS = ("/api/check", "/api/scenarios/{scenario_id}/what-if")


def _document_security(app: FastAPI) -> None:
    """Bearer tokens in the schema: required for writes, optional for reads (by setting)."""
    plain = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = plain()
        schema.setdefault("components", {})["securitySchemes"] = {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "An API token (`detente token create`).",
            }
        }
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                if path == "/api/health":
                    continue
                write = method in ("post", "put", "delete") and path not in READ_POSTS
                admin = path.startswith(("/api/users", "/api/tokens"))
                operation["security"] = [{"bearer": []}] if write or admin else [{}, {"bearer": []}]
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return exc.response()

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = []
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ())]
            where = loc[0] if loc else ""
            path = (
                ".".join(loc[1:]) if where in ("body", "query", "path", "header") else ".".join(loc)
            )
            errors.append(
                {
                    "line": None,
                    "column": None,
                    "path": path or where,
                    "message": f"{where}: {err.get('msg', 'invalid')}"
                    if where
                    else str(err.get("msg", "invalid")),
                }
            )
        return JSONResponse({"errors": errors}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        status = exc.status_code if 400 <= exc.status_code < 500 else 400
        response = problem(status, str(exc.detail))
        if status == 405:  # every method of the path, not only those of the first route
            allowed: set[str] = set()
            for route in app.routes:
                match, _ = route.matches(request.scope)
                if match is not Match.NONE:
                    allowed |= set(getattr(route, "methods", None) or ())
            response.headers["Allow"] = ", ".join(sorted(allowed - {"HEAD"}))
        return response


def openapi(settings: Settings | None = None) -> dict[str, Any]:
    """The OpenAPI document (for docs and tests) without starting a server."""
    return create_app(settings or Settings(db="sqlite://"), start_jobs=False).openapi()
