"""People: passwords and cookie sessions, failed sign-ins (throttling), site photos.

Photo attach/remove become parcel events (actions photo_added / photo_removed, field
`photo`), so a parcel's history tells them with its other changes (issue 11).

Revision ID: 0003_people
Revises: 0002_speed
Create Date: 2026-12-03
"""

from pathlib import Path

from alembic import op

revision = "0003_people"
down_revision = "0002_speed"
branch_labels = None
depends_on = None

HERE = Path(__file__).parent


def upgrade() -> None:
    """Add the password column, the session, sign-in failure and photo tables."""
    op.execute((HERE / "0003_people_up.sql").read_text(encoding="utf-8"))


def downgrade() -> None:
    """Drop what upgrade added."""
    op.execute((HERE / "0003_people_down.sql").read_text(encoding="utf-8"))
