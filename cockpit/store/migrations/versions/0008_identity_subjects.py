"""An account's identity at the unified identity service (统一身份认证, OpenID Connect):
the issuer's subject it signs in as, linked by an operator or on first sign-in.

Revision ID: 0008_identity_subjects
Revises: 0007_api_keys
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_identity_subjects"
down_revision = "0007_api_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("subject", sa.String(255), nullable=True))
        batch.create_unique_constraint("uq_app_user_subject", ["subject"])


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_constraint("uq_app_user_subject", type_="unique")
        batch.drop_column("subject")
