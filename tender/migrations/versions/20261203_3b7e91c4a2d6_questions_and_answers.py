"""questions and answers: vendors ask, the group answers every vendor at once, the asker anonymised

Revision ID: 3b7e91c4a2d6
Revises: 3b7d5e9a1c42
Create Date: 2026-12-03 19:48:58

A question keeps the text the vendor typed and the edited text the group publishes; an answer's approvals by
the municipalities are bound to the SHA-256 of both texts; the tender's setting says
whether approval is asked.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3b7e91c4a2d6"
down_revision = "3b7d5e9a1c42"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("asked_by_id", sa.Integer(), nullable=True),
        sa.Column("asked_by_name", sa.String(length=120), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("original_text", sa.Text(), nullable=False),
        sa.Column("published_text", sa.Text(), nullable=False),
        sa.Column("answer_text", sa.Text(), nullable=False),
        sa.Column("drafted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("drafted_by_id", sa.Integer(), nullable=True),
        sa.Column("drafted_by_name", sa.String(length=120), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_by_name", sa.String(length=120), nullable=False),
        sa.Column("published_sha256", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "(published_at IS NULL) = (number IS NULL)", name=op.f("ck_question_published_has_number")
        ),
        sa.CheckConstraint("number IS NULL OR number >= 1", name=op.f("ck_question_number_positive")),
        sa.ForeignKeyConstraint(
            ["asked_by_id"],
            ["user_account.id"],
            name=op.f("fk_question_asked_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["drafted_by_id"],
            ["user_account.id"],
            name=op.f("fk_question_drafted_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["user_account.id"],
            name=op.f("fk_question_published_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"], ["tender.id"], name=op.f("fk_question_tender_id_tender"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["vendor_id"], ["vendor.id"], name=op.f("fk_question_vendor_id_vendor")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question")),
        sa.UniqueConstraint("tender_id", "number", name=op.f("uq_question_tender_id_number")),
    )
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_question_tender_id"), ["tender_id"], unique=False)

    op.create_table(
        "question_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("approval_required", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["user_account.id"],
            name=op.f("fk_question_settings_changed_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tender.id"],
            name=op.f("fk_question_settings_tender_id_tender"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_settings")),
        sa.UniqueConstraint("tender_id", name=op.f("uq_question_settings_tender_id")),
    )
    op.create_table(
        "question_approval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("signer_id", sa.Integer(), nullable=True),
        sa.Column("signer_name", sa.String(length=120), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_question_approval_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["question.id"],
            name=op.f("fk_question_approval_question_id_question"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["signer_id"],
            ["user_account.id"],
            name=op.f("fk_question_approval_signer_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_approval")),
        sa.UniqueConstraint(
            "question_id", "municipality_id", name=op.f("uq_question_approval_question_id_municipality_id")
        ),
    )
    with op.batch_alter_table("question_approval", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_question_approval_question_id"), ["question_id"], unique=False)

    op.create_table(
        "question_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint("size >= 0", name=op.f("ck_question_attachment_size_not_negative")),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["question.id"],
            name=op.f("fk_question_attachment_question_id_question"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_attachment")),
        sa.UniqueConstraint("question_id", name=op.f("uq_question_attachment_question_id")),
    )


def downgrade():
    op.drop_table("question_attachment")
    with op.batch_alter_table("question_approval", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_approval_question_id"))

    op.drop_table("question_approval")
    op.drop_table("question_settings")
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_tender_id"))

    op.drop_table("question")
