"""Route dependencies: the shared context and who is asking (``Authorization: Bearer TOKEN``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool

from detente.web.accounts import Principal, rank
from detente.web.app import Context
from detente.web.errors import ApiError

__all__ = ["Admin", "Analyst", "Ctx", "Reader", "context"]

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="detente"'}


def context(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


async def _context(request: Request) -> Context:
    # async: FastAPI runs a plain function dependency in a worker thread, a hop per request
    return context(request)


async def _principal(request: Request) -> Principal | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        raise ApiError(
            401,
            "give the token as 'Authorization: Bearer TOKEN'",
            path="Authorization",
            headers=_CHALLENGE,
        )
    tokens = context(request).tokens
    found, who = tokens.recent(token)  # no thread hop for a token seen in the last seconds
    if not found:
        who = await run_in_threadpool(tokens.lookup, token)
    if who is None:
        raise ApiError(401, "unknown or revoked token", path="Authorization", headers=_CHALLENGE)
    return who


async def reader(request: Request) -> Principal | None:
    """Anyone when reads are open, else any valid token."""
    who = await _principal(request)
    if who is None and context(request).settings.reads == "token":
        raise ApiError(
            401,
            "this library needs a token to read (see `detente token create`)",
            path="Authorization",
            headers=_CHALLENGE,
        )
    return who


async def _needs(role: str, request: Request) -> Principal:
    who = await _principal(request)
    if who is None:
        raise ApiError(
            401,
            f"this needs a token of an {role} (see `detente token create`)",
            path="Authorization",
            headers=_CHALLENGE,
        )
    if rank(who.role) < rank(role):
        raise ApiError(
            403, f"{who.name} acts as a {who.role} here; this needs an {role}", path="Authorization"
        )
    return who


async def analyst(request: Request) -> Principal:
    return await _needs("analyst", request)


async def admin(request: Request) -> Principal:
    return await _needs("admin", request)


Ctx = Annotated[Context, Depends(_context)]
Reader = Annotated[Principal | None, Depends(reader)]
Analyst = Annotated[Principal, Depends(analyst)]
Admin = Annotated[Principal, Depends(admin)]
