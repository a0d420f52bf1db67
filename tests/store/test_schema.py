"""The ORM models and the Alembic migrations describe the same schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from desktop.store.models import Base


def test_migrations_build_the_tables_the_models_describe(store):
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # Server defaults are not compared by default; types, columns, indexes and constraints are.
    assert diff == []
