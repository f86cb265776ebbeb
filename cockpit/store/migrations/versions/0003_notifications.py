"""督办 notifications and how each delivery went.

Revision ID: 0003_notifications
Revises: 0002_tasks
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_notifications"
down_revision = "0002_tasks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("task_id", sa.Integer, sa.ForeignKey("task.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("event", sa.String(16), nullable=False),
        sa.Column("hook", sa.String(128), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("outcome", sa.String(8), nullable=False),
        sa.Column("detail", sa.Text),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("notification")
