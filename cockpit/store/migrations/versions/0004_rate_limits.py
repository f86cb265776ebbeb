"""Rate-limit counters every server process shares (``cockpit.store.ratelimits``).

Revision ID: 0004_rate_limits
Revises: 0003_notifications
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_rate_limits"
down_revision = "0003_notifications"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limit",
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        # Seconds since the epoch when the window ends.
        sa.Column("expires", sa.Float, nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("rate_limit")
