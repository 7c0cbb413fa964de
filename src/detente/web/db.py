"""The database: engines for SQLite and PostgreSQL, and the Alembic migrations in the package.

SQLite runs in WAL mode with ``synchronous=FULL`` (an acknowledged save survives a crash of the
process or of the machine) and takes its write lock at the start of a write transaction
(``BEGIN IMMEDIATE``), so that concurrent saves queue instead of failing to upgrade a read lock.
PostgreSQL runs at READ COMMITTED: a save is a compare-and-set on the scenario's row
(``UPDATE ... WHERE latest = N``), which PostgreSQL re-checks after waiting for a concurrent one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

__all__ = ["Database", "migrate"]

_MIGRATIONS = Path(__file__).with_name("migrations")


class Database:
    """An engine and the two kinds of transactions the service uses."""

    def __init__(self, url: str, *, pool: Literal["queue", "null"] = "queue") -> None:
        self.url = url
        self.engine = make_engine(url, null_pool=pool == "null")
        self.dialect = self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction (a consistent snapshot on PostgreSQL)."""
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction, committed on exit (rolled back on an exception)."""
        with self.engine.connect().execution_options(detente_write=True) as conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        self.engine.dispose()


def make_engine(url: str, *, null_pool: bool = False) -> Engine:
    """An engine for ``url`` with the settings above (``null_pool``: a connection per use, for
    short-lived processes)."""
    parsed = make_url(url)
    pooling: dict[str, Any] = (
        {"poolclass": NullPool}
        if null_pool
        else {"pool_size": 10, "max_overflow": 40, "pool_timeout": 60}
    )
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 60}, **pooling
        )
        _sqlite_events(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **pooling)


def _sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cur = dbapi_conn.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "foreign_keys=ON",
            "busy_timeout=60000",
        ):
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("detente_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def migrate(url: str) -> str:
    """Bring the database at ``url`` to the latest schema; return the revision it is at.

    Safe to run from several servers at once on PostgreSQL (an advisory lock serialises them).
    """
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            conn.commit()
            from alembic.runtime.migration import MigrationContext

            return str(MigrationContext.configure(conn).get_current_revision())
    finally:
        engine.dispose()
