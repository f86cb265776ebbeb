"""The audit log as a hash chain (each row carries the hash of the one before it, and
``cockpit audit verify`` checks the whole chain), and triggers that refuse what slipped
past the first ones: SQLite's INSERT OR REPLACE over an existing row, PostgreSQL's
TRUNCATE; for the audit log and the tasks' history alike. Rows already written are
chained here, in their order.

Revision ID: 0006_audit_chain
Revises: 0005_login_throttle
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from cockpit.store.audit import GENESIS, row_digest

revision = "0006_audit_chain"
down_revision = "0005_login_throttle"
branch_labels = None
depends_on = None

_NO_REPLACE_SQLITE = """
CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table}
WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'the {what} is append-only'); END
"""
_NO_TRUNCATE_PG = """
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only();
"""
_FIELDS = ("id", "at", "kind", "actor", "role", "scope", "area", "path", "detail", "ip")


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    op.add_column("audit_event", sa.Column("prev_hash", sa.String(64)))
    op.add_column("audit_event", sa.Column("row_hash", sa.String(64)))
    op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("last_hash", sa.String(64), nullable=False),
    )
    # Chain what is there, oldest first, with the append-only triggers set aside for it.
    if postgres:
        op.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
    events = sa.table("audit_event", *(sa.column(f) for f in (*_FIELDS, "prev_hash", "row_hash")))
    last = GENESIS
    for row in bind.execute(sa.select(*(events.c[f] for f in _FIELDS)).order_by(events.c.id)):
        fields = dict(zip(_FIELDS, row, strict=True))
        digest = row_digest(last, fields)
        bind.execute(
            events.update()
            .where(events.c.id == fields["id"])
            .values(prev_hash=last, row_hash=digest)
        )
        last = digest
    bind.execute(sa.text("INSERT INTO audit_chain (id, last_hash) VALUES (1, :h)"), {"h": last})
    if postgres:
        op.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_change")
        for table in ("audit_event", "task_event"):
            op.execute(_NO_TRUNCATE_PG.format(table=table))
    else:
        op.execute(
            "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
        )
        for table, what in (("audit_event", "audit log"), ("task_event", "task history")):
            op.execute(_NO_REPLACE_SQLITE.format(table=table, what=what))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ("audit_event", "task_event"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    else:
        for table in ("audit_event", "task_event"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_replace")
    op.drop_table("audit_chain")
    op.drop_column("audit_event", "row_hash")
    op.drop_column("audit_event", "prev_hash")
