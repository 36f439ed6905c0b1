"""uploaded files behind the storage interface (tender.storage): a Noark sample's ``stored_path``
(relative to the instance folder, ``uploads/noark/12/extract.zip``) becomes ``storage_key`` (relative to the
storage folder, by default ``instance/uploads``: ``noark/12/extract.zip``). The files stay where they are.

Revision ID: 5d1c0e7a9b42
Revises: b7d2e4f19a60
Create Date: 2026-12-04 19:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5d1c0e7a9b42"
down_revision = "b7d2e4f19a60"
branch_labels = None
depends_on = None

_PREFIX = "uploads/"


def upgrade():
    with op.batch_alter_table("noark_sample", schema=None) as batch_op:
        batch_op.alter_column(
            "stored_path", new_column_name="storage_key", existing_type=sa.String(length=500), nullable=False
        )
    op.execute(
        sa.text(
            "UPDATE noark_sample SET storage_key = substr(storage_key, :start) WHERE storage_key LIKE :prefix"
        ).bindparams(start=len(_PREFIX) + 1, prefix=_PREFIX + "%")
    )


def downgrade():
    op.execute(
        sa.text(
            "UPDATE noark_sample SET storage_key = :prefix || storage_key WHERE storage_key <> ''"
        ).bindparams(prefix=_PREFIX)
    )
    with op.batch_alter_table("noark_sample", schema=None) as batch_op:
        batch_op.alter_column(
            "storage_key", new_column_name="stored_path", existing_type=sa.String(length=500), nullable=False
        )
