"""Alembic environment: runs migrations on the connection the store hands over.

The store (:meth:`workstation.store.database.Database.migrate`) always passes
its own connection, inside the transaction the whole upgrade runs in.
"""

from __future__ import annotations

from alembic import context

from workstation.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("migrations run through workstation.store.database.Database.migrate()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
    compare_type=True,
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
