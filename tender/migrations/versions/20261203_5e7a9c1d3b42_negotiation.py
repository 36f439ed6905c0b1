"""negotiation: the reservation and the decision, meeting records, acknowledged differences, reductions

Revision ID: 5e7a9c1d3b42
Revises: 3b7e91c4a2d6
Create Date: 2026-12-03 20:05:00

The rounds of revised bids are the bid rounds of 8d41b2c7e6f3 (bid_round, bid_round_vendor); these tables
hold what the negotiation between them records.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e7a9c1d3b42"
down_revision = "3b7e91c4a2d6"
branch_labels = None
depends_on = None

_CHOICE = sa.Enum("negotiate", "award_initial", name="negotiation_choice", create_constraint=True)


def _user_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["user_account.id"], name=op.f(f"fk_{table}_{column}_user_account"), ondelete="SET NULL"
    )


def _tender_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tender_id"], ["tender.id"], name=op.f(f"fk_{table}_tender_id_tender"), ondelete="CASCADE"
    )


def upgrade():
    op.create_table(
        "negotiation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("award_without_negotiation_reserved", sa.Boolean(), nullable=False),
        sa.Column("decision", _CHOICE, nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_name", sa.String(length=120), nullable=False),
        sa.CheckConstraint(
            "decision IS NULL OR length(decision_reason) > 0", name=op.f("ck_negotiation_decision_has_reason")
        ),
        _user_fk("negotiation", "decided_by_id"),
        _tender_fk("negotiation"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_negotiation")),
        sa.UniqueConstraint("tender_id", name=op.f("uq_negotiation_tender_id")),
    )

    op.create_table(
        "negotiation_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("round_no", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("our_attendees", sa.Text(), nullable=False),
        sa.Column("vendor_attendees", sa.Text(), nullable=False),
        sa.Column("topics", sa.Text(), nullable=False),
        sa.Column("vendor_told", sa.Text(), nullable=False),
        sa.Column("documents_info", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_name", sa.String(length=120), nullable=False),
        sa.CheckConstraint("round_no >= 1", name=op.f("ck_negotiation_meeting_round_no_positive")),
        _user_fk("negotiation_meeting", "recorded_by_id"),
        _tender_fk("negotiation_meeting"),
        sa.ForeignKeyConstraint(
            ["vendor_id"], ["vendor.id"], name=op.f("fk_negotiation_meeting_vendor_id_vendor")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_negotiation_meeting")),
    )
    with op.batch_alter_table("negotiation_meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_negotiation_meeting_tender_id"), ["tender_id"], unique=False)

    op.create_table(
        "negotiation_information_ack",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("round_no", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("acknowledged_by_name", sa.String(length=120), nullable=False),
        sa.CheckConstraint("length(reason) > 0", name=op.f("ck_negotiation_information_ack_has_reason")),
        _user_fk("negotiation_information_ack", "acknowledged_by_id"),
        _tender_fk("negotiation_information_ack"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_negotiation_information_ack")),
    )
    with op.batch_alter_table("negotiation_information_ack", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_negotiation_information_ack_tender_id"), ["tender_id"], unique=False
        )

    op.create_table(
        "negotiation_reduction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("round_no", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_name", sa.String(length=120), nullable=False),
        _user_fk("negotiation_reduction", "decided_by_id"),
        _tender_fk("negotiation_reduction"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_negotiation_reduction")),
        sa.UniqueConstraint(
            "tender_id", "round_no", name=op.f("uq_negotiation_reduction_tender_id_round_no")
        ),
    )
    with op.batch_alter_table("negotiation_reduction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_negotiation_reduction_tender_id"), ["tender_id"], unique=False)

    op.create_table(
        "negotiation_reduction_leaving",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reduction_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("sent_to", sa.Text(), nullable=False),
        sa.CheckConstraint("length(reason) > 0", name=op.f("ck_negotiation_reduction_leaving_has_reason")),
        sa.ForeignKeyConstraint(
            ["reduction_id"],
            ["negotiation_reduction.id"],
            name=op.f("fk_negotiation_reduction_leaving_reduction_id_negotiation_reduction"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vendor_id"], ["vendor.id"], name=op.f("fk_negotiation_reduction_leaving_vendor_id_vendor")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_negotiation_reduction_leaving")),
        sa.UniqueConstraint(
            "reduction_id", "vendor_id", name=op.f("uq_negotiation_reduction_leaving_reduction_id_vendor_id")
        ),
    )
    with op.batch_alter_table("negotiation_reduction_leaving", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_negotiation_reduction_leaving_reduction_id"), ["reduction_id"], unique=False
        )


def downgrade():
    for table, column in (
        ("negotiation_reduction_leaving", "reduction_id"),
        ("negotiation_reduction", "tender_id"),
        ("negotiation_information_ack", "tender_id"),
        ("negotiation_meeting", "tender_id"),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
        op.drop_table(table)
    op.drop_table("negotiation")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TYPE IF EXISTS negotiation_choice")
