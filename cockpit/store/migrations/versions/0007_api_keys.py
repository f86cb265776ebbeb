"""API keys of the systems that read the cockpit's data through ``/api/v1``.

Revision ID: 0007_api_keys
Revises: 0006_audit_chain
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_api_keys"
down_revision = "0006_audit_chain"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("consumer", sa.String(128), nullable=False),
        sa.Column("scope", sa.String(32), nullable=False),
        sa.Column("indicators", sa.Text, nullable=True),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("expires", sa.DateTime, nullable=True),
        sa.Column("revoked", sa.DateTime, nullable=True),
        sa.Column("last_used", sa.DateTime, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("api_key")
