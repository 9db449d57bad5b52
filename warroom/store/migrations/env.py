"""Alembic environment: always given a live connection by warroom.store.db.upgrade."""

from __future__ import annotations

from alembic import context

from warroom.store.schema import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through warroom.store.db.upgrade(), which supplies the connection")
context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
