"""noark samples are part of the bid: each sample belongs to the vendor's bid, and the one submitted with it
is marked

Revision ID: 7fa866d01c27
Revises: 3e82f8f8962e
Create Date: 2026-12-03 09:30:00

Samples uploaded before this revision are linked to their vendor's bid where one exists, but none is marked
as submitted with a bid: no receipt hash covered them, so the procurement group does not get to see them as
part of a sealed bid.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7fa866d01c27"
down_revision = "3e82f8f8962e"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("noark_sample", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bid_id", sa.Integer(), nullable=True))
        # the default only fills the rows that exist now; the models give the value for new rows
        batch_op.add_column(
            sa.Column("submitted_with_bid", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index(batch_op.f("ix_noark_sample_bid_id"), ["bid_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_noark_sample_bid_id_bid"), "bid", ["bid_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_noark_sample_submitted_sample_has_bid"),
            "NOT submitted_with_bid OR bid_id IS NOT NULL",
        )
    with op.batch_alter_table("noark_sample", schema=None) as batch_op:
        batch_op.alter_column("submitted_with_bid", server_default=None)
    op.execute(
        "UPDATE noark_sample SET bid_id = (SELECT bid.id FROM bid "
        "WHERE bid.tender_id = noark_sample.tender_id "
        "AND bid.vendor_id = noark_sample.vendor_id)"
    )


def downgrade():
    with op.batch_alter_table("noark_sample", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_noark_sample_submitted_sample_has_bid"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_noark_sample_bid_id_bid"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_noark_sample_bid_id"))
        batch_op.drop_column("submitted_with_bid")
        batch_op.drop_column("bid_id")
