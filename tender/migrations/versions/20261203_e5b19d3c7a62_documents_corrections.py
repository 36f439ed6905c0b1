"""corrections of the tender documents: a correction's kind, its documents versions and the approvals

Revision ID: e5b19d3c7a62
Revises: c7e2a91f4d30
Create Date: 2026-12-03 20:45:00

A correction may change the tender documents instead of the specification: it then has no specification
version to start from (``base_version_id`` becomes nullable; every existing row is a specification
correction, kept as such by the server default of ``kind``), and names the published set and the correcting
documents version. The municipalities' approvals of a correcting version are bound to its content hash.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e5b19d3c7a62"
down_revision = "c7e2a91f4d30"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("spec_correction", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), nullable=False, server_default="specification")
        )
        batch_op.alter_column("base_version_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("documents_base_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("documents_version_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_spec_correction_documents_base_id_document_set_version"),
            "document_set_version",
            ["documents_base_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_spec_correction_documents_version_id_document_set_version"),
            "document_set_version",
            ["documents_version_id"],
            ["id"],
            ondelete="SET NULL",
        )

    op.create_table(
        "documents_correction_approval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("correction_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("signer_id", sa.Integer(), nullable=True),
        sa.Column("signer_name", sa.String(length=120), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["correction_id"],
            ["spec_correction.id"],
            name=op.f("fk_documents_correction_approval_correction_id_spec_correction"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_documents_correction_approval_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["signer_id"],
            ["user_account.id"],
            name=op.f("fk_documents_correction_approval_signer_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["document_set_version.id"],
            name=op.f("fk_documents_correction_approval_version_id_document_set_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents_correction_approval")),
        sa.UniqueConstraint(
            "version_id",
            "municipality_id",
            name=op.f("uq_documents_correction_approval_version_id_municipality_id"),
        ),
    )
    with op.batch_alter_table("documents_correction_approval", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_documents_correction_approval_correction_id"), ["correction_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("documents_correction_approval", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_correction_approval_correction_id"))
    op.drop_table("documents_correction_approval")
    # a documents correction has no specification version: it cannot be kept under the old schema
    op.execute("DELETE FROM spec_correction WHERE kind = 'documents'")
    with op.batch_alter_table("spec_correction", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_spec_correction_documents_version_id_document_set_version"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_spec_correction_documents_base_id_document_set_version"), type_="foreignkey"
        )
        batch_op.drop_column("documents_version_id")
        batch_op.drop_column("documents_base_id")
        batch_op.alter_column("base_version_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("kind")
