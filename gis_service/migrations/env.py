"""Alembic environment: runs migrations on the connection or URL handed in by gis_service.db."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

config = context.config


def run_migrations_online() -> None:
    """Run the migrations on the given connection, or on a new one to the configured URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        context.configure(connection=conn, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
