"""Server and account routes: health, who am I, users and tokens (admin)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from fastapi.concurrency import run_in_threadpool

from detente import __version__
from detente.web import accounts
from detente.web.deps import Admin, Ctx, reader
from detente.web.errors import ApiError, responses
from detente.web.schemas import Health, Me, TokenIn, TokenOut, UserIn, UserList, UserOut

router = APIRouter(prefix="/api", tags=["server"])

UserName = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")]


@router.get("/health", response_model=Health, summary="The server is up")
async def health(ctx: Ctx) -> Health:
    return Health(status="ok", version=__version__, database=ctx.db.dialect, revision=ctx.revision)


@router.get(
    "/me",
    response_model=Me,
    responses=responses(401),
    summary="Who the token stands for, and whether reads need one",
)
async def me(request: Request, ctx: Ctx) -> Me:
    who = await reader(request)
    user = UserOut(name=who.name, role=who.role) if who else None
    return Me(user=user, reads=ctx.settings.reads)


@router.get(
    "/users",
    response_model=UserList,
    responses=responses(401, 403),
    summary="Users and their roles (admin)",
)
async def list_users(ctx: Ctx, _who: Admin) -> UserList:
    found = await run_in_threadpool(accounts.list_users, ctx.db)
    return UserList(users=[UserOut(name=u.name, role=u.role) for u in found])


@router.post(
    "/users",
    status_code=201,
    response_model=UserOut,
    responses=responses(400, 401, 403, 409, 413, 422),
    summary="Add a user (admin)",
)
async def add_user(ctx: Ctx, _who: Admin, body: UserIn) -> UserOut:
    try:
        user = await run_in_threadpool(accounts.add_user, ctx.db, name=body.name, role=body.role)
    except ValueError as exc:
        status = 409 if "exists" in str(exc) else 422
        extra: dict[str, Any] = (
            {"base_version": 0, "latest_version": 0, "diff": None} if status == 409 else {}
        )
        raise ApiError(status, str(exc), path="name", **extra) from None
    return UserOut(name=user.name, role=user.role)


@router.post(
    "/users/{name}/tokens",
    status_code=201,
    response_model=TokenOut,
    responses=responses(400, 401, 403, 404, 413, 422),
    summary="Create a token for a user (admin); shown once",
)
async def create_token(ctx: Ctx, _who: Admin, name: UserName, body: TokenIn) -> TokenOut:
    if await run_in_threadpool(accounts.find_user, ctx.db, name) is None:
        raise ApiError(404, f"no user named '{name}'", path="name")
    try:
        token, token_id, role = await run_in_threadpool(
            accounts.create_token, ctx.db, user=name, role=body.role, label=body.label
        )
    except ValueError as exc:
        raise ApiError(422, str(exc), path="role") from None
    return TokenOut(id=token_id, user=name, role=role, token=token)


@router.delete(
    "/tokens/{token_id}",
    status_code=204,
    # no body, said outright: FastAPI 0.110 takes `-> None` for a response model and refuses it
    response_model=None,
    response_class=Response,
    responses=responses(401, 403, 404, 422),
    summary="Revoke a token (admin)",
)
async def revoke_token(
    ctx: Ctx, _who: Admin, token_id: Annotated[int, Path(ge=1, le=2**31 - 1)]
) -> None:
    if not await run_in_threadpool(accounts.revoke_token, ctx.db, token_id):
        raise ApiError(404, f"no live token {token_id}", path="id")
    ctx.tokens.clear()
