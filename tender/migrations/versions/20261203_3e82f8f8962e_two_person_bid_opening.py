"""two-person bid opening: each member's confirmation, the tender's setting (two or one), the record's setting

Revision ID: 3e82f8f8962e
Revises: db3b388fec9e
Create Date: 2026-12-03 09:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3e82f8f8962e"
down_revision = "db3b388fec9e"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "bid_opening_confirmation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(length=120), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tender.id"],
            name=op.f("fk_bid_opening_confirmation_tender_id_tender"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_bid_opening_confirmation_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bid_opening_confirmation")),
        sa.UniqueConstraint(
            "tender_id", "user_id", name=op.f("uq_bid_opening_confirmation_tender_id_user_id")
        ),
    )
    with op.batch_alter_table("bid_opening_confirmation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bid_opening_confirmation_tender_id"), ["tender_id"], unique=False
        )

    # Existing tenders keep the rule of the issue: two people open; existing openings were by the lead alone.
    with op.batch_alter_table("tender", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opening_persons", sa.Integer(), server_default="2", nullable=False))
        batch_op.create_check_constraint(
            batch_op.f("ck_tender_opening_persons_one_or_two"), "opening_persons IN (1, 2)"
        )

    with op.batch_alter_table("bid_opening", schema=None) as batch_op:
        batch_op.add_column(sa.Column("persons_required", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_check_constraint(
            batch_op.f("ck_bid_opening_persons_required_one_or_two"), "persons_required IN (1, 2)"
        )


def downgrade():
    with op.batch_alter_table("bid_opening", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_bid_opening_persons_required_one_or_two"), type_="check")
        batch_op.drop_column("persons_required")

    with op.batch_alter_table("tender", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_tender_opening_persons_one_or_two"), type_="check")
        batch_op.drop_column("opening_persons")

    with op.batch_alter_table("bid_opening_confirmation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bid_opening_confirmation_tender_id"))

    op.drop_table("bid_opening_confirmation")
