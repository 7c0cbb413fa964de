"""``detente serve``, ``detente user add`` and ``detente token create``: the workbench service."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from detente.cli._app import app
from detente.errors import InputError

if TYPE_CHECKING:
    from detente.web.db import Database

Db = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL: sqlite:///PATH (default sqlite:///detente.db, or $DETENTE_DB) or "
        "postgresql+psycopg://USER:PASSWORD@HOST/DB.",
        show_default=False,
    ),
]

user_app = typer.Typer(help="Users of the workbench service.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens of the workbench service.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")


def _url(db: str | None) -> str:
    from detente.web.settings import DEFAULT_DB

    url = db or os.environ.get("DETENTE_DB") or DEFAULT_DB
    if not url.startswith(("sqlite:", "postgresql")):
        raise InputError(
            f"'{url}' is not a database URL; use sqlite:///PATH or "
            "postgresql+psycopg://USER:PASSWORD@HOST/DB",
            path="--db",
        )
    return url


def _shown(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _database(url: str) -> Database:
    from detente.web.db import Database, migrate

    try:
        migrate(url)
    except Exception as exc:  # the driver's error, as one line
        raise InputError(
            f"cannot open the database {_shown(url)}: {_first_line(exc)}", path="--db"
        ) from None
    return Database(url)


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@app.command()
def serve(
    db: Db = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    dask: Annotated[
        str | None,
        typer.Option("--dask", help="Dask scheduler address: simulation jobs run there."),
    ] = None,
    reads: Annotated[
        str, typer.Option(help="open: anyone may read the library; token: reads need a token.")
    ] = "open",
    workers: Annotated[
        int, typer.Option(help="Processes for analyses (assessments, briefings, validation).")
    ] = 2,
    job_workers: Annotated[int, typer.Option(help="Processes for jobs.")] = 1,
    timeout: Annotated[float, typer.Option(help="Seconds an analysis may take.")] = 120.0,
) -> None:
    """Run the workbench service: a shared scenario library with versions, analyses, what-ifs
    and jobs, over HTTP (the workbench's pages at /, the API at /api, its schema at
    /api/openapi.json)."""
    if reads not in ("open", "token"):
        raise InputError(f"--reads must be open or token, not '{reads}'", path="--reads")
    if not 0 < port < 65536:
        raise InputError(f"--port must be between 1 and 65535, not {port}", path="--port")
    if workers < 1 or job_workers < 1:
        raise InputError("--workers and --job-workers must be at least 1", path="--workers")
    url = _url(db)
    import socket

    try:  # a taken port is one line, before anything starts
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        raise InputError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}", path="--port"
        ) from None
    _database(url)

    import uvicorn

    from detente.web.app import create_app
    from detente.web.settings import Settings

    settings = Settings(
        db=url,
        reads="token" if reads == "token" else "open",
        dask=dask,
        analysis_workers=workers,
        job_workers=job_workers,
        analysis_timeout=timeout,
        instance=f"{socket.gethostname()}:{port}",
    )
    application = create_app(settings)
    base = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    sys.stderr.write(
        f"detente serve: the workbench at {base}/, the API at {base}/api "
        f"(database {_shown(url)}; reads {reads}"
        + (f"; jobs on Dask at {dask}" if dask else "")
        + ")\n"
    )
    uvicorn.run(application, host=host, port=port, log_level="warning", access_log=False)


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="The user's name.", show_default=False)],
    role: Annotated[str, typer.Option(help="reader, analyst or admin.")] = "analyst",
    db: Db = None,
) -> None:
    """Add a user with a role (reader: read; analyst: also save and run jobs; admin: also
    manage users and tokens)."""
    from detente.web import accounts

    database = _database(_url(db))
    try:
        user = accounts.add_user(database, name=name, role=role)
    except ValueError as exc:
        raise InputError(str(exc), path="name") from None
    sys.stdout.write(f"added {user.name} ({user.role})\n")


@user_app.command("list")
def user_list(db: Db = None) -> None:
    """List the users and their roles."""
    from detente.web import accounts

    for user in accounts.list_users(_database(_url(db))):
        sys.stdout.write(f"{user.name}\t{user.role}\n")


@token_app.command("create")
def token_create(
    user: Annotated[str, typer.Option("--user", help="The user the token acts for.")],
    role: Annotated[
        str | None,
        typer.Option(help="The token's role (default: the user's; never above it)."),
    ] = None,
    label: Annotated[str, typer.Option(help="A note on what the token is for.")] = "",
    db: Db = None,
) -> None:
    """Create an API token and print it on standard output (shown once; only its digest is
    kept). Send it as 'Authorization: Bearer TOKEN'."""
    from detente.web import accounts

    database = _database(_url(db))
    try:
        token, _, _ = accounts.create_token(
            database,
            user=user,
            role=role,
            label=label,
        )
    except ValueError as exc:
        raise InputError(str(exc), path="--user") from None
    sys.stdout.write(token + "\n")
