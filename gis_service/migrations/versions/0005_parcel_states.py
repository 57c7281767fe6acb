"""History speed: the "as of" fold materialised in parcel_state, kept by a trigger on events.

Revision ID: 0005_parcel_states
Revises: 0004_screen_links
Create Date: 2026-12-04
"""

from pathlib import Path

from alembic import op

revision = "0005_parcel_states"
down_revision = "0004_screen_links"
branch_labels = None
depends_on = None

HERE = Path(__file__).parent


def upgrade() -> None:
    """Create parcel_state, fill it from the events, read parcel_as_of from it."""
    op.execute((HERE / "0005_parcel_states_up.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    """Drop parcel_state and restore revision 0002's parcel_as_of."""
    op.execute((HERE / "0005_parcel_states_down.sql").read_text(encoding="utf-8"))
