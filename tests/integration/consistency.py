"""The store's invariants, checked the same way after every kind of failure."""

from __future__ import annotations

from sqlalchemy import text

from workstation.store.dossiers import referenced_blobs


def assert_store_consistent(services) -> None:
    """Every dossier has its files; every outbox entry has its dossier."""
    with services.database.transaction() as session:
        for digest in referenced_blobs(session):
            assert services.blobs.exists(digest), f"dossier refers to missing blob {digest}"
        orphans = session.execute(
            text(
                "SELECT count(*) FROM outbox WHERE kind = 'dossier.created' "
                "AND entity_id NOT IN (SELECT id FROM dossiers)"
            )
        ).scalar()
        assert orphans == 0, "outbox entry without its dossier"
        bare = session.execute(
            text(
                "SELECT count(*) FROM dossiers WHERE id NOT IN ("
                "SELECT c.dossier_id FROM components c JOIN documents d ON d.component_id = c.id)"
            )
        ).scalar()
        assert bare == 0, "dossier without its file"
