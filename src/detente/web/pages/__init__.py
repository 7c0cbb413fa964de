"""The workbench in the browser: server-rendered pages on the service (docs/workbench.md).

:func:`mount` adds to the service's application the page routes (:mod:`.routes`), the API
routes the pages need besides the service's (:mod:`detente.web.api_pages`) and the built
static assets (``detente/web/static``, made by ``make assets`` and shipped in the package).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["mount"]


def mount(app: FastAPI) -> None:
    """Serve the workbench pages, their API routes and their static files from ``app``."""
    from starlette.staticfiles import StaticFiles
    from starlette.types import Scope

    from detente.web import api_pages
    from detente.web.pages.render import STATIC
    from detente.web.pages.routes import router

    class Static(StaticFiles):
        """Static files; one named with its digest (``?v=``) may be kept by the browser."""

        async def get_response(self, path: str, scope: Scope):  # type: ignore[no-untyped-def]
            response = await super().get_response(path, scope)
            fixed = b"v=" in scope.get("query_string", b"")
            response.headers["Cache-Control"] = (
                "public, max-age=31536000, immutable" if fixed else "no-cache"
            )
            return response

    app.include_router(api_pages.router)
    app.include_router(router)
    app.mount("/static", Static(directory=STATIC), name="static")
