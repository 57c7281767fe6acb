"""Kiosk links of the leadership screen: a name and the hash of a long random key.

Revision ID: 0004_screen_links
Revises: 0003_people
Create Date: 2026-12-03
"""

from alembic import op

revision = "0004_screen_links"
down_revision = "0003_people"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the screen_link table (keys stored as SHA-256 digests, never in clear)."""
    op.execute(
        """
        CREATE TABLE screen_link (
            id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name       text NOT NULL CHECK (name <> ''),
            key_hash   text NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
            created_at timestamptz NOT NULL DEFAULT now(),
            revoked_at timestamptz
        );
        -- One live link per name, so `revoke NAME` names exactly one; revoked names may recur.
        CREATE UNIQUE INDEX screen_link_live_name ON screen_link (name) WHERE revoked_at IS NULL;
        """
    )


def downgrade() -> None:
    """Drop the screen_link table."""
    op.execute("DROP TABLE IF EXISTS screen_link")
