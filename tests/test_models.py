"""The typed ORM classes in models.py describe the tables the migration creates."""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from gis_service.models import Base


def test_models_match_the_migrated_tables(engine: Engine) -> None:
    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        columns = {c["name"]: c for c in inspector.get_columns(table.name)}
        assert set(columns) == set(table.columns.keys()), table.name
        for column in table.columns:
            assert columns[column.name]["nullable"] == column.nullable, (table.name, column.name)
