"""Alembic's environment: the URL comes from the caller (``cockpit.store.migrate``)."""

from alembic import context
from sqlalchemy import create_engine

from cockpit.store.models import Base

config = context.config
engine = config.attributes.get("engine") or create_engine(config.get_main_option("sqlalchemy.url"))
with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata)
    with context.begin_transaction():
        context.run_migrations()
