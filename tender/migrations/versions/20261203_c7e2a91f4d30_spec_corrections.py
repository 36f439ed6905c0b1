"""corrections to the published specification, and the answers they ask vendors to review

Revision ID: c7e2a91f4d30
Revises: 5e7a9c1d3b42
Create Date: 2026-12-03 20:10:00

A correction (rettelse) is a new frozen, approved and published version of the specification with its reason
and the lead's decision about the bid deadline; while one is open the specification's draft may be edited
again (``specification.correction_open``). Answers in draft bids to requirements a correction changed are
flagged for the vendor's review.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c7e2a91f4d30"
down_revision = "5e7a9c1d3b42"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("specification", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("correction_open", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("correction_notice_days", sa.Integer(), nullable=False, server_default="6")
        )

    op.create_table(
        "spec_correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column("started_by_name", sa.String(length=120), nullable=False),
        sa.Column("base_version_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_by_name", sa.String(length=120), nullable=False),
        sa.Column("deadline_question", sa.Boolean(), nullable=False),
        sa.Column("deadline_before", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deadline_extended_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("no_extension_reason", sa.Text(), nullable=False),
        sa.Column("notified", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["base_version_id"],
            ["spec_version.id"],
            name=op.f("fk_spec_correction_base_version_id_spec_version"),
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["user_account.id"],
            name=op.f("fk_spec_correction_published_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"],
            ["user_account.id"],
            name=op.f("fk_spec_correction_started_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"], ["tender.id"], name=op.f("fk_spec_correction_tender_id_tender"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["version_id"], ["spec_version.id"], name=op.f("fk_spec_correction_version_id_spec_version")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spec_correction")),
        sa.UniqueConstraint("tender_id", "number", name=op.f("uq_spec_correction_tender_id_number")),
    )
    with op.batch_alter_table("spec_correction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_spec_correction_tender_id"), ["tender_id"], unique=False)

    op.create_table(
        "correction_answer_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("correction_id", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("requirement_key", sa.String(length=40), nullable=False),
        sa.Column("flagged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["bid_id"], ["bid.id"], name=op.f("fk_correction_answer_review_bid_id_bid"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["correction_id"],
            ["spec_correction.id"],
            name=op.f("fk_correction_answer_review_correction_id_spec_correction"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correction_answer_review")),
        sa.UniqueConstraint(
            "correction_id",
            "bid_id",
            "requirement_key",
            name=op.f("uq_correction_answer_review_correction_id_bid_id_requirement_key"),
        ),
    )
    with op.batch_alter_table("correction_answer_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_correction_answer_review_bid_id"), ["bid_id"], unique=False)


def downgrade():
    with op.batch_alter_table("correction_answer_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_correction_answer_review_bid_id"))
    op.drop_table("correction_answer_review")
    with op.batch_alter_table("spec_correction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spec_correction_tender_id"))
    op.drop_table("spec_correction")
    with op.batch_alter_table("specification", schema=None) as batch_op:
        batch_op.drop_column("correction_notice_days")
        batch_op.drop_column("correction_open")
