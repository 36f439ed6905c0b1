"""tender documents: the versioned set vendors download (konkurransegrunnlaget), and every download

Revision ID: 3b7d5e9a1c42
Revises: 8d41b2c7e6f3
Create Date: 2026-12-03 20:05:00

A set is kept in numbered versions; a frozen version keeps the SHA-256 of its documents' list, a published
one is what vendors receive. Each download names the user, the vendor, the document and its version.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3b7d5e9a1c42"
down_revision = "8d41b2c7e6f3"
branch_labels = None
depends_on = None

_KIND = sa.Enum(
    "invitation",
    "specification",
    "answer_form",
    "contract",
    "appendix",
    "price_schedule",
    "qualification",
    "award_criteria",
    name="tender_document_kind",
    create_constraint=True,
)


def upgrade():
    op.create_table(
        "document_set_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("agreement", sa.String(length=10), nullable=False),
        sa.Column("is_correction", sa.Boolean(), nullable=False),
        sa.Column("correction_reason", sa.Text(), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_sha256", sa.String(length=64), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("number >= 1", name=op.f("ck_document_set_version_number_positive")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_document_set_version_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["user_account.id"],
            name=op.f("fk_document_set_version_published_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tender.id"],
            name=op.f("fk_document_set_version_tender_id_tender"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_set_version")),
        sa.UniqueConstraint("tender_id", "number", name=op.f("uq_document_set_version_tender_id_number")),
    )
    with op.batch_alter_table("document_set_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_set_version_tender_id"), ["tender_id"], unique=False)

    op.create_table(
        "tender_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", _KIND, nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("generated", sa.Boolean(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_set_version.id"],
            name=op.f("fk_tender_document_version_id_document_set_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tender_document")),
    )
    with op.batch_alter_table("tender_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tender_document_version_id"), ["version_id"], unique=False)

    op.create_table(
        "document_download",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["tender_document.id"],
            name=op.f("fk_document_download_document_id_tender_document"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tender.id"],
            name=op.f("fk_document_download_tender_id_tender"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_document_download_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["vendor_id"], ["vendor.id"], name=op.f("fk_document_download_vendor_id_vendor")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_set_version.id"],
            name=op.f("fk_document_download_version_id_document_set_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_download")),
    )
    with op.batch_alter_table("document_download", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_download_tender_id"), ["tender_id"], unique=False)


def downgrade():
    with op.batch_alter_table("document_download", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_download_tender_id"))
    op.drop_table("document_download")
    with op.batch_alter_table("tender_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tender_document_version_id"))
    op.drop_table("tender_document")
    with op.batch_alter_table("document_set_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_set_version_tender_id"))
    op.drop_table("document_set_version")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TYPE IF EXISTS tender_document_kind")
