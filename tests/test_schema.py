"""The migrations produce exactly the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext


def test_the_migrated_database_matches_the_models(app, db) -> None:
    context = MigrationContext.configure(db.session.connection(), opts={"compare_type": True})
    differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_constraint_names_follow_the_naming_convention(db) -> None:
    names = {c.name for t in db.metadata.tables.values() for c in t.constraints if c.name}
    assert "pk_tender" in names and "uq_vendor_organisasjonsnummer" in names
    assert "ck_membership_signer_has_municipality" in names
