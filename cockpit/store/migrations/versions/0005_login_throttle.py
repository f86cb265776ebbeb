"""Failed sign-ins counted per (name as typed, source address), so that nobody can lock
another person out and no answer tells whether a name exists (``accounts.check_login``).

Revision ID: 0005_login_throttle
Revises: 0004_rate_limits
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_login_throttle"
down_revision = "0004_rate_limits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("name", sa.String(255), primary_key=True),
        sa.Column("source", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        # Seconds since the epoch; the window's length doubles each time one is used up.
        sa.Column("window_start", sa.Float, nullable=False),
        sa.Column("window_seconds", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("login_throttle")
