"""The field table (gis_service.parcels.fields) is the one list of a parcel's fields: the SQL
copies that must stay SQL (the migration's table, composite type, view and fold function, the
category and stage checks) are compared with it here, so a field added to one and not the
other fails this file."""

from __future__ import annotations

import re

from sqlalchemy import Engine, text

from gis_service.parcels.fields import (
    ALL_CATEGORIES,
    COLUMN_FIELDS,
    FIELDS,
    PROPERTY_LABELS_ZH,
    Kind,
    label_zh,
)
from gis_service.repo.parcel_reads import READ_COLUMNS
from gis_service.rules.stages import CATEGORIES, STAGES

SQL_TYPES: dict[Kind, set[str]] = {
    "text": {"text"},
    "int": {"integer", "smallint"},
    "number": {"numeric"},
    "date": {"date"},
    "bool": {"boolean"},
    "text_list": {"text[]"},
}
# Columns of the parcel table that are not fields: identity, outline, version and audit stamps.
PARCEL_SYSTEM_COLUMNS = {"id", "code", "geom", "version", "created_at", "created_by",
                         "updated_at", "updated_by", "deleted_at", "deleted_by"}  # fmt: skip
KINDS = {f.name: f.kind for f in FIELDS}


def attributes(engine: Engine, relation: str) -> list[tuple[str, str]]:
    """Name and SQL type of every column of a table, view or composite type, in order."""
    statement = text(
        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = CAST(:relation AS regclass) AND attnum > 0 AND NOT attisdropped "
        "ORDER BY attnum"
    )
    with engine.connect() as connection:
        return [(r[0], r[1]) for r in connection.execute(statement, {"relation": relation})]


def assert_types_match(columns: list[tuple[str, str]]) -> None:
    """Every column named like a field has a SQL type of the field's kind."""
    for name, sql_type in columns:
        if name in COLUMN_FIELDS:
            assert sql_type in SQL_TYPES[KINDS[name]], (name, sql_type, KINDS[name])


def test_parcel_table_has_a_column_for_every_field_and_no_other(engine: Engine) -> None:
    columns = attributes(engine, "parcel")
    assert {name for name, _ in columns} - PARCEL_SYSTEM_COLUMNS == set(COLUMN_FIELDS)
    assert_types_match(columns)


def test_parcel_fields_type_is_the_field_table(engine: Engine) -> None:
    columns = attributes(engine, "parcel_fields")
    assert [name for name, _ in columns] == ["code", *COLUMN_FIELDS]
    assert_types_match(columns)


def test_current_view_has_the_columns_reads_select(engine: Engine) -> None:
    columns = [name for name, _ in attributes(engine, "parcel_current")]
    assert [c for c in columns if c != "geom"] == list(READ_COLUMNS)
    assert "geom" in columns


def test_as_of_fold_copies_every_field(engine: Engine) -> None:
    with engine.connect() as connection:
        source = connection.execute(
            text("SELECT prosrc FROM pg_proc WHERE proname = 'parcel_as_of'")
        ).scalar_one()
    missing = [f for f in COLUMN_FIELDS if not re.search(rf"\bs\.{f}\b", source)]
    assert missing == []


def test_category_and_stage_checks_are_the_rules(engine: Engine) -> None:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = CAST('parcel' AS regclass) AND contype = 'c'"
            )
        ).all()
    checks = {name: definition for name, definition in rows}
    category_check = next(d for n, d in checks.items() if "category" in n and "stage" not in n)
    assert set(re.findall(r"'(\w+)'", category_check)) == set(CATEGORIES)
    stages = checks["parcel_stage_of_category"]
    for category in CATEGORIES:
        clause = stages[stages.index(f"'{category}'") :]
        listed = re.findall(r"'(\w+)'", clause.split("category =")[0])[1:]
        assert listed == list(STAGES[category]), category
    completed = set(re.findall(r"'(\w+)'", checks["parcel_completed_has_date"]))
    assert completed == {STAGES[c][-1] for c in CATEGORIES}


def test_every_field_has_a_label_and_known_categories() -> None:
    assert all(f.label_zh and f.categories <= ALL_CATEGORIES for f in FIELDS)
    labels = list(PROPERTY_LABELS_ZH.values())
    assert len(labels) == len(set(labels)), "two properties share a label"
    assert label_zh("vacant_area_m2") == "空置面积" and label_zh("no_such") == "no_such"
