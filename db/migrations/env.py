"""Alembic environment for the encrypted store.

The store opens the SQLCipher connection itself (the key never appears in a URL or a config
file) and passes it in through `config.attributes["connection"]`. SQLite cannot ALTER most
things in place, so migrations run in batch mode.
"""

from alembic import context

from desktop.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "Drop-in Desk migrations run only through the app (desktop.store.database), "
        "which opens the encrypted connection and passes it in."
    )

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
