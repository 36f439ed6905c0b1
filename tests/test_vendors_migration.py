"""The migration that lets vendors register themselves keeps existing data usable: every tender gets its own
announcement token, and vendor users added before it get a row saying so (administering nothing)."""

from __future__ import annotations

from sqlalchemy import text


def test_existing_tenders_get_distinct_tokens_and_existing_vendor_users_a_before_registration_row(
    app, database_factory, tmp_path
) -> None:
    # ``app`` is requested so that the PostgreSQL run keeps this test; it migrates its own database.
    from flask_migrate import upgrade

    from tender.extensions import db
    from tests.conftest import dispose, make_app

    app = make_app(database_factory("tender_vendor_migration"), tmp_path)
    try:
        with app.app_context():
            upgrade(revision="0926ac00f5b9")
            with db.engine.begin() as c:
                now = "2026-11-01 10:00:00+00:00"
                c.execute(
                    text(
                        "INSERT INTO user_account (id, email, name, is_admin, active, created_at) VALUES "
                        "(1, 'leder@x.no', 'Leder', false, true, :t), "
                        "(2, 'selger@y.no', 'Selger', false, true, :t)"
                    ),
                    {"t": now},
                )
                for tender_id in (1, 2):
                    c.execute(
                        text(
                            "INSERT INTO tender (id, title, case_reference, procedure, state, created_at) "
                            "VALUES (:id, 'T', '1', 'open', 'draft', :t)"
                        ),
                        {"id": tender_id, "t": now},
                    )
                c.execute(
                    text("INSERT INTO vendor (id, name, organisasjonsnummer) VALUES (1, 'V AS', '974760673')")
                )
                c.execute(
                    text(
                        "INSERT INTO membership (id, tender_id, user_id, role, vendor_id, created_at) VALUES "
                        "(1, 1, 1, 'lead', NULL, :t), (2, 1, 2, 'vendor', 1, :t)"
                    ),
                    {"t": now},
                )
            upgrade()
            with db.engine.connect() as c:
                tokens = [
                    row[0] for row in c.execute(text("SELECT announcement_token FROM tender ORDER BY id"))
                ]
                rows = c.execute(
                    text("SELECT membership_id, is_administrator, came_in_via FROM vendor_user")
                ).all()
        assert len(set(tokens)) == 2 and all(len(t) >= 32 for t in tokens)
        assert [(m, bool(admin), via) for m, admin, via in rows] == [(2, False, "before_registration")]
    finally:
        dispose(app)
