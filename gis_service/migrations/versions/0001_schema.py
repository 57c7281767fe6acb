"""Schema of the plan's parcels, their milestones, history, communities and users.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from pathlib import Path

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

HERE = Path(__file__).parent


def upgrade() -> None:
    """Create the tables, their constraints, triggers and indexes."""
    op.execute((HERE / "0001_schema_up.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    """Drop everything this revision created."""
    op.execute((HERE / "0001_schema_down.sql").read_text(encoding="utf-8"))
