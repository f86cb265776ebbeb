"""督办 tasks and their append-only history.

Revision ID: 0002_tasks
Revises: 0001_access
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_tasks"
down_revision = "0001_access"
branch_labels = None
depends_on = None

_APPEND_ONLY_SQLITE = """
CREATE TRIGGER task_event_no_{op} BEFORE {OP} ON task_event
BEGIN SELECT RAISE(ABORT, 'a task''s history is append-only'); END
"""
_APPEND_ONLY_PG = """
CREATE OR REPLACE FUNCTION task_event_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'a task''s history is append-only'; END $$ LANGUAGE plpgsql;
CREATE TRIGGER task_event_no_change BEFORE UPDATE OR DELETE ON task_event
FOR EACH ROW EXECUTE FUNCTION task_event_append_only();
"""


def upgrade() -> None:
    op.create_table(
        "task",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("task.id", ondelete="CASCADE"),
                  index=True),
        sa.Column("indicator_id", sa.String(64), nullable=False, index=True),
        sa.Column("area_code", sa.String(32), nullable=False, index=True),
        sa.Column("department", sa.String(64), index=True),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("origin", sa.String(8), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("due", sa.DateTime, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
        sa.Column("escalated_to", sa.String(32)),
    )  # fmt: skip
    op.create_table(
        "task_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("task_id", sa.Integer, sa.ForeignKey("task.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("from_state", sa.String(16)),
        sa.Column("to_state", sa.String(16), nullable=False),
        sa.Column("note", sa.Text),
    )  # fmt: skip
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_APPEND_ONLY_PG)
    else:
        for name in ("update", "delete"):
            op.execute(_APPEND_ONLY_SQLITE.format(op=name, OP=name.upper()))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS task_event_no_change ON task_event")
        op.execute("DROP FUNCTION IF EXISTS task_event_append_only()")
    op.drop_table("task_event")
    op.drop_table("task")
