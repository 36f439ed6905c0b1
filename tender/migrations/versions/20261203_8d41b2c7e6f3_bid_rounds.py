"""bid rounds: revised bids in a negotiation are a new sealed round, each with its own opening

Revision ID: 8d41b2c7e6f3
Revises: 5c0f3e8b1a27
Create Date: 2026-12-03 19:55:00

A vendor now has one bid per round (``bid.round_no``), each round one opening and its confirmations; the
tender's ``current_round`` names the round every page about "the bids" works on. Existing bids, openings and
confirmations are round 1, as they were.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8d41b2c7e6f3"
down_revision = "5c0f3e8b1a27"
branch_labels = None
depends_on = None

_KIND = sa.Enum("initial", "revised", "bafo", name="bid_round_kind", create_constraint=True)


def upgrade():
    with op.batch_alter_table("tender", schema=None) as batch_op:
        batch_op.add_column(sa.Column("current_round", sa.Integer(), nullable=False, server_default="1"))

    with op.batch_alter_table("bid", schema=None) as batch_op:
        batch_op.add_column(sa.Column("round_no", sa.Integer(), nullable=False, server_default="1"))
        batch_op.drop_constraint(op.f("uq_bid_tender_id_vendor_id"), type_="unique")
        batch_op.create_unique_constraint(
            op.f("uq_bid_tender_id_vendor_id_round_no"), ["tender_id", "vendor_id", "round_no"]
        )
        batch_op.create_check_constraint(op.f("ck_bid_round_no_positive"), "round_no >= 1")

    with op.batch_alter_table("bid_opening", schema=None) as batch_op:
        batch_op.add_column(sa.Column("round_no", sa.Integer(), nullable=False, server_default="1"))
        batch_op.drop_constraint(op.f("uq_bid_opening_tender_id"), type_="unique")
        batch_op.create_unique_constraint(
            op.f("uq_bid_opening_tender_id_round_no"), ["tender_id", "round_no"]
        )
        batch_op.create_index(batch_op.f("ix_bid_opening_tender_id"), ["tender_id"], unique=False)

    with op.batch_alter_table("bid_opening_confirmation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("round_no", sa.Integer(), nullable=False, server_default="1"))
        batch_op.drop_constraint(op.f("uq_bid_opening_confirmation_tender_id_user_id"), type_="unique")
        batch_op.create_unique_constraint(
            op.f("uq_bid_opening_confirmation_tender_id_round_no_user_id"),
            ["tender_id", "round_no", "user_id"],
        )

    op.create_table(
        "bid_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", _KIND, nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("called_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("called_by_id", sa.Integer(), nullable=True),
        sa.Column("called_by_name", sa.String(length=120), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.CheckConstraint("number >= 1", name=op.f("ck_bid_round_number_positive")),
        sa.ForeignKeyConstraint(
            ["called_by_id"],
            ["user_account.id"],
            name=op.f("fk_bid_round_called_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"], ["tender.id"], name=op.f("fk_bid_round_tender_id_tender"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bid_round")),
        sa.UniqueConstraint("tender_id", "number", name=op.f("uq_bid_round_tender_id_number")),
    )
    with op.batch_alter_table("bid_round", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bid_round_tender_id"), ["tender_id"], unique=False)

    op.create_table(
        "bid_round_vendor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["bid_round.id"],
            name=op.f("fk_bid_round_vendor_round_id_bid_round"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vendor_id"], ["vendor.id"], name=op.f("fk_bid_round_vendor_vendor_id_vendor")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bid_round_vendor")),
        sa.UniqueConstraint("round_id", "vendor_id", name=op.f("uq_bid_round_vendor_round_id_vendor_id")),
    )
    with op.batch_alter_table("bid_round_vendor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bid_round_vendor_round_id"), ["round_id"], unique=False)


def downgrade():
    # Rounds after the first cannot be kept in the old schema (one bid per vendor, one opening per tender).
    op.execute("DELETE FROM bid WHERE round_no > 1")
    op.execute("DELETE FROM bid_opening WHERE round_no > 1")
    op.execute("DELETE FROM bid_opening_confirmation WHERE round_no > 1")
    with op.batch_alter_table("bid_round_vendor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bid_round_vendor_round_id"))
    op.drop_table("bid_round_vendor")
    with op.batch_alter_table("bid_round", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bid_round_tender_id"))
    op.drop_table("bid_round")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TYPE IF EXISTS bid_round_kind")

    with op.batch_alter_table("bid_opening_confirmation", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("uq_bid_opening_confirmation_tender_id_round_no_user_id"), type_="unique"
        )
        batch_op.create_unique_constraint(
            op.f("uq_bid_opening_confirmation_tender_id_user_id"), ["tender_id", "user_id"]
        )
        batch_op.drop_column("round_no")

    with op.batch_alter_table("bid_opening", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bid_opening_tender_id"))
        batch_op.drop_constraint(op.f("uq_bid_opening_tender_id_round_no"), type_="unique")
        batch_op.create_unique_constraint(op.f("uq_bid_opening_tender_id"), ["tender_id"])
        batch_op.drop_column("round_no")

    with op.batch_alter_table("bid", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_bid_round_no_positive"), type_="check")
        batch_op.drop_constraint(op.f("uq_bid_tender_id_vendor_id_round_no"), type_="unique")
        batch_op.create_unique_constraint(op.f("uq_bid_tender_id_vendor_id"), ["tender_id", "vendor_id"])
        batch_op.drop_column("round_no")

    with op.batch_alter_table("tender", schema=None) as batch_op:
        batch_op.drop_column("current_round")
