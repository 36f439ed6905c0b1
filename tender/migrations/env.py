"""Alembic environment, run by ``tender db upgrade`` (Flask-Migrate) inside the app context."""

import logging

from alembic import context
from flask import current_app

logger = logging.getLogger("alembic.env")
config = context.config


def render_item(type_, obj, autogen_context):
    """Migrations must not import application code: our UTC type is a timezone-aware DateTime."""
    from tender.db_types import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _db():
    return current_app.extensions["migrate"].db


def _configure_args():
    args = dict(current_app.extensions["migrate"].configure_args)
    args.setdefault("render_item", render_item)

    def process_revision_directives(context_, revision, directives):
        # `tender db migrate` with no schema change writes no empty revision.
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    args.setdefault("process_revision_directives", process_revision_directives)
    return args


def run_migrations_offline():
    url = _db().engine.url.render_as_string(hide_password=False)
    context.configure(url=url, target_metadata=_db().metadata, literal_binds=True, **_configure_args())
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    with _db().engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration on SQLite copies a table, drops the old one and renames the copy. With foreign
            # keys on, that drop first deletes every row referring to the table (ON DELETE CASCADE): altering
            # `tender` would empty the memberships. The pragma is ignored inside a transaction, so it is set
            # on the driver's connection before ours begins, and the references are checked before commit.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            context.configure(connection=connection, target_metadata=_db().metadata, **_configure_args())
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"the migration left rows with broken references: {broken[:5]}")
            if sqlite and connection.in_transaction():
                connection.commit()
        finally:
            if sqlite:
                # The pragma is ignored inside a transaction: end any (after an error, by rolling it back) so
                # that the pooled connection goes back with its foreign keys on.
                if connection.in_transaction():
                    connection.rollback()
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
