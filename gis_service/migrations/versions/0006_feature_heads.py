"""Page speed: each parcel's and each state's Feature text, less its date-dependent fields.

Revision ID: 0006_feature_heads
Revises: 0005_parcel_states
Create Date: 2026-12-04
"""

from pathlib import Path

from alembic import op

revision = "0006_feature_heads"
down_revision = "0005_parcel_states"
branch_labels = None
depends_on = None

HERE = Path(__file__).parent


def upgrade() -> None:
    """Create parcel_feature and parcel_state_feature, their triggers, and fill them."""
    op.execute((HERE / "0006_feature_heads_up.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    """Drop the stored Feature texts and what keeps them."""
    op.execute((HERE / "0006_feature_heads_down.sql").read_text(encoding="utf-8"))
