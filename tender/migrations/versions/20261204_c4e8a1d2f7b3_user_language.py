"""a vendor user's chosen language for the vendor pages (Norwegian bokmål or English; None until chosen)

Revision ID: c4e8a1d2f7b3
Revises: 5d1c0e7a9b42
Create Date: 2026-12-04 19:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c4e8a1d2f7b3"
down_revision = "5d1c0e7a9b42"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=2), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f("ck_user_account_language_known"), "language IS NULL OR language IN ('nb', 'en')"
        )


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_user_account_language_known"), type_="check")
        batch_op.drop_column("language")
