"""The migrations build exactly the tables the code queries, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from detente.web.db import Database, migrate
from detente.web.models import metadata


def test_models_match_the_migrations(db_url: str) -> None:
    assert migrate(db_url) == "0001"  # idempotent
    db = Database(db_url)
    try:
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        db.dispose()
    assert diff == []
