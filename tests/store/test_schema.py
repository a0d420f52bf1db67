"""The ORM models and the Alembic migrations describe the same schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from desktop.store.models import Base


def test_migrations_build_the_tables_the_models_describe(store):
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # Server defaults are not compared by default; types, columns, indexes and constraints are.
    assert diff == []


def test_migration_0007_keeps_the_remedy_review_and_status_checks_of_issue_16(store):
    """The new history fields go through import, the store and export unchanged, and the
    repository's fast reader (the deadlines board) reads the new application columns."""
    from desktop.importers.history_json import export_case, import_case, parse_case
    from desktop.rules.history import history_to_dict, parse_history
    from desktop.store import repository

    case = {
        "format": "dropin-desk.history/1",
        "person": {"name": "Test Person", "date_of_birth": None},
        "permissions": [{"category": "student", "from": "2016-01-01", "to": "2026-10-31"}],
        "applications": [
            {
                "kind": "extension",
                "made": "2026-10-01",
                "decided": "2026-11-06",
                "outcome": "refused",
                "remedy": "administrative_review",
                "review_lodged": "2026-11-12",
                "review_decided": "2026-12-01",
                "review_outcome": "maintained",
                "detained": True,
                "appeal_time_extended": None,
            }
        ],
        "status_checks": [{"on": "2026-12-05", "outcome": "no_permission"}],
    }
    with store.session() as s:
        cid = import_case(s, parse_case(case), "Tester")
    with store.read_session() as s:
        exported = export_case(s, cid, full=False)
        history = repository.load_history(s, cid)
        source = repository.history_sources(s, cid)[cid]
    assert exported == history_to_dict(parse_history(case))
    assert history.applications[0].review_outcome == "maintained"
    assert history.applications[0].detained is True
    assert [c.on.isoformat() for c in history.status_checks] == ["2026-12-05"]
    row = dict(zip(repository.APPLICATION_SOURCE, source.applications[0], strict=True))
    assert row["remedy"] == "administrative_review" and row["review_lodged"] == "2026-11-12"
