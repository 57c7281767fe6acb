"""Speed at city scale: an "as of" fold whose cost follows the parcels it returns.

Revision ID: 0002_speed
Revises: 0001
Create Date: 2026-12-03
"""

from pathlib import Path

from alembic import op

revision = "0002_speed"
down_revision = "0001"
branch_labels = None
depends_on = None

HERE = Path(__file__).parent


def upgrade() -> None:
    """Replace parcel_as_of by the split fold; index the geometry changes."""
    op.execute((HERE / "0002_speed_up.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    """Restore revision 0001's parcel_as_of."""
    op.execute((HERE / "0002_speed_down.sql").read_text(encoding="utf-8"))
