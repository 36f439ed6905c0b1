"""prequalification: the setup, the requests to take part, their opening and assessment, the selection

Revision ID: 5c0f3e8b1a27
Revises: a41c7e2d9b05
Create Date: 2026-12-03 15:38:47.472327

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c0f3e8b1a27"
down_revision = "a41c7e2d9b05"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "exclusion_ground",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("mandatory", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("espd_criterion", sa.String(length=200), nullable=True),
        sa.CheckConstraint("length(text) > 0", name=op.f("ck_exclusion_ground_text_given")),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tender.id"],
            name=op.f("fk_exclusion_ground_tender_id_tender"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exclusion_ground")),
    )
    with op.batch_alter_table("exclusion_ground", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exclusion_ground_tender_id"), ["tender_id"], unique=False)

    op.create_table(
        "participation_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "submitted", name="participation_request_status", create_constraint=True),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("receipt_sha256", sa.String(length=64), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("contact_phone", sa.String(length=50), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("espd_source", sa.String(length=10), nullable=False),
        sa.Column("espd_filename", sa.String(length=255), nullable=False),
        sa.Column("espd_sha256", sa.String(length=64), nullable=False),
        sa.Column("espd_xml", sa.LargeBinary(), nullable=True),
        sa.Column("espd_json", sa.Text(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "invited",
                "not_selected",
                "rejected",
                name="participation_request_outcome",
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(status = 'submitted') = (submitted_at IS NOT NULL)",
            name=op.f("ck_participation_request_submitted_has_time"),
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR status = 'submitted'",
            name=op.f("ck_participation_request_outcome_only_when_submitted"),
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tender.id"],
            name=op.f("fk_participation_request_tender_id_tender"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vendor_id"], ["vendor.id"], name=op.f("fk_participation_request_vendor_id_vendor")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participation_request")),
        sa.UniqueConstraint(
            "tender_id", "vendor_id", name=op.f("uq_participation_request_tender_id_vendor_id")
        ),
    )
    with op.batch_alter_table("participation_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_participation_request_tender_id"), ["tender_id"], unique=False)

    op.create_table(
        "prequalification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("minimum_candidates", sa.Integer(), nullable=False),
        sa.Column("maximum_candidates", sa.Integer(), nullable=True),
        sa.Column("signers_approve_selection", sa.Boolean(), nullable=False),
        sa.Column("sample_demanded", sa.Boolean(), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("frozen_by_id", sa.Integer(), nullable=True),
        sa.Column("frozen_sha256", sa.String(length=64), nullable=True),
        sa.Column("frozen_json", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "(frozen_at IS NULL) = (frozen_sha256 IS NULL)", name=op.f("ck_prequalification_frozen_has_hash")
        ),
        sa.CheckConstraint(
            "maximum_candidates IS NULL OR maximum_candidates >= minimum_candidates",
            name=op.f("ck_prequalification_maximum_not_below"),
        ),
        sa.CheckConstraint("minimum_candidates >= 1", name=op.f("ck_prequalification_minimum_positive")),
        sa.ForeignKeyConstraint(
            ["frozen_by_id"],
            ["user_account.id"],
            name=op.f("fk_prequalification_frozen_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tender.id"],
            name=op.f("fk_prequalification_tender_id_tender"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prequalification")),
        sa.UniqueConstraint("tender_id", name=op.f("uq_prequalification_tender_id")),
    )
    op.create_table(
        "qualification_requirement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "registration",
                "tax",
                "economic",
                "technical",
                name="qualification_category",
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("documentation", sa.Text(), nullable=False),
        sa.Column("espd_criterion", sa.String(length=200), nullable=True),
        sa.CheckConstraint("length(text) > 0", name=op.f("ck_qualification_requirement_text_given")),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tender.id"],
            name=op.f("fk_qualification_requirement_tender_id_tender"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qualification_requirement")),
    )
    with op.batch_alter_table("qualification_requirement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_qualification_requirement_tender_id"), ["tender_id"], unique=False
        )

    op.create_table(
        "request_opening",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("opened_by_name", sa.String(length=120), nullable=False),
        sa.Column("persons_required", sa.Integer(), nullable=False),
        sa.Column("record_json", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "persons_required IN (1, 2)", name=op.f("ck_request_opening_persons_required_one_or_two")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"],
            ["user_account.id"],
            name=op.f("fk_request_opening_opened_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"], ["tender.id"], name=op.f("fk_request_opening_tender_id_tender"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_opening")),
        sa.UniqueConstraint("tender_id", name=op.f("uq_request_opening_tender_id")),
    )
    op.create_table(
        "request_opening_confirmation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(length=120), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tender.id"],
            name=op.f("fk_request_opening_confirmation_tender_id_tender"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_request_opening_confirmation_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_opening_confirmation")),
        sa.UniqueConstraint(
            "tender_id", "user_id", name=op.f("uq_request_opening_confirmation_tender_id_user_id")
        ),
    )
    with op.batch_alter_table("request_opening_confirmation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_request_opening_confirmation_tender_id"), ["tender_id"], unique=False
        )

    op.create_table(
        "selection_criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("weight", sa.Numeric(precision=7, scale=4), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("descriptors", sa.Text(), nullable=False),
        sa.CheckConstraint("length(name) > 0", name=op.f("ck_selection_criterion_name_given")),
        sa.CheckConstraint("weight >= 0", name=op.f("ck_selection_criterion_weight_not_negative")),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tender.id"],
            name=op.f("fk_selection_criterion_tender_id_tender"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selection_criterion")),
    )
    with op.batch_alter_table("selection_criterion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_selection_criterion_tender_id"), ["tender_id"], unique=False)

    op.create_table(
        "selection_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("record_json", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("final_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["user_account.id"],
            name=op.f("fk_selection_proposal_proposed_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tender.id"],
            name=op.f("fk_selection_proposal_tender_id_tender"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selection_proposal")),
        sa.UniqueConstraint("tender_id", "number", name=op.f("uq_selection_proposal_tender_id_number")),
    )
    with op.batch_alter_table("selection_proposal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_selection_proposal_tender_id"), ["tender_id"], unique=False)

    op.create_table(
        "selection_tie_break",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("order_json", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(reason) > 0", name=op.f("ck_selection_tie_break_reason_given")),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_selection_tie_break_decided_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tender.id"],
            name=op.f("fk_selection_tie_break_tender_id_tender"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selection_tie_break")),
        sa.UniqueConstraint("tender_id", name=op.f("uq_selection_tie_break_tender_id")),
    )
    op.create_table(
        "clarification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("requirement_id", sa.Integer(), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("asked_by_id", sa.Integer(), nullable=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("length(question) > 0", name=op.f("ck_clarification_question_given")),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["user_account.id"],
            name=op.f("fk_clarification_answered_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["asked_by_id"],
            ["user_account.id"],
            name=op.f("fk_clarification_asked_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["participation_request.id"],
            name=op.f("fk_clarification_request_id_participation_request"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requirement_id"],
            ["qualification_requirement.id"],
            name=op.f("fk_clarification_requirement_id_qualification_requirement"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clarification")),
    )
    with op.batch_alter_table("clarification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clarification_request_id"), ["request_id"], unique=False)

    op.create_table(
        "exclusion_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("ground_id", sa.Integer(), nullable=False),
        sa.Column("applies", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("assessed_by_id", sa.Integer(), nullable=True),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(reason) > 0", name=op.f("ck_exclusion_assessment_reason_given")),
        sa.ForeignKeyConstraint(
            ["assessed_by_id"],
            ["user_account.id"],
            name=op.f("fk_exclusion_assessment_assessed_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ground_id"],
            ["exclusion_ground.id"],
            name=op.f("fk_exclusion_assessment_ground_id_exclusion_ground"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["participation_request.id"],
            name=op.f("fk_exclusion_assessment_request_id_participation_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exclusion_assessment")),
        sa.UniqueConstraint(
            "request_id", "ground_id", name=op.f("uq_exclusion_assessment_request_id_ground_id")
        ),
    )
    with op.batch_alter_table("exclusion_assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exclusion_assessment_ground_id"), ["ground_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_exclusion_assessment_request_id"), ["request_id"], unique=False)

    op.create_table(
        "qualification_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("requirement_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("met", "not_met", "clarify", name="qualification_status", create_constraint=True),
            nullable=False,
        ),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("assessed_by_id", sa.Integer(), nullable=True),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "length(justification) > 0", name=op.f("ck_qualification_assessment_justification_given")
        ),
        sa.ForeignKeyConstraint(
            ["assessed_by_id"],
            ["user_account.id"],
            name=op.f("fk_qualification_assessment_assessed_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["participation_request.id"],
            name=op.f("fk_qualification_assessment_request_id_participation_request"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requirement_id"],
            ["qualification_requirement.id"],
            name=op.f("fk_qualification_assessment_requirement_id_qualification_requirement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qualification_assessment")),
        sa.UniqueConstraint(
            "request_id", "requirement_id", name=op.f("uq_qualification_assessment_request_id_requirement_id")
        ),
    )
    with op.batch_alter_table("qualification_assessment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_qualification_assessment_request_id"), ["request_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_qualification_assessment_requirement_id"), ["requirement_id"], unique=False
        )

    op.create_table(
        "request_reference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("customer", sa.String(length=200), nullable=False),
        sa.Column("system", sa.String(length=200), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=False),
        sa.Column("period", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.CheckConstraint("length(customer) > 0", name=op.f("ck_request_reference_customer_given")),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["participation_request.id"],
            name=op.f("fk_request_reference_request_id_participation_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_reference")),
    )
    with op.batch_alter_table("request_reference", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_request_reference_request_id"), ["request_id"], unique=False)

    op.create_table(
        "selection_approval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("signer_id", sa.Integer(), nullable=True),
        sa.Column("signer_name", sa.String(length=120), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_selection_approval_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["selection_proposal.id"],
            name=op.f("fk_selection_approval_proposal_id_selection_proposal"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["signer_id"],
            ["user_account.id"],
            name=op.f("fk_selection_approval_signer_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selection_approval")),
        sa.UniqueConstraint(
            "proposal_id", "municipality_id", name=op.f("uq_selection_approval_proposal_id_municipality_id")
        ),
    )
    with op.batch_alter_table("selection_approval", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_selection_approval_proposal_id"), ["proposal_id"], unique=False)

    op.create_table(
        "selection_consensus_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Numeric(precision=5, scale=1), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "length(justification) > 0", name=op.f("ck_selection_consensus_score_justification_given")
        ),
        sa.CheckConstraint("score >= 0", name=op.f("ck_selection_consensus_score_score_not_negative")),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["selection_criterion.id"],
            name=op.f("fk_selection_consensus_score_criterion_id_selection_criterion"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["participation_request.id"],
            name=op.f("fk_selection_consensus_score_request_id_participation_request"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"],
            ["user_account.id"],
            name=op.f("fk_selection_consensus_score_set_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selection_consensus_score")),
        sa.UniqueConstraint(
            "request_id", "criterion_id", name=op.f("uq_selection_consensus_score_request_id_criterion_id")
        ),
    )
    with op.batch_alter_table("selection_consensus_score", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_selection_consensus_score_criterion_id"), ["criterion_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_selection_consensus_score_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "selection_individual_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("evaluator_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Numeric(precision=5, scale=1), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "length(justification) > 0", name=op.f("ck_selection_individual_score_justification_given")
        ),
        sa.CheckConstraint("score >= 0", name=op.f("ck_selection_individual_score_score_not_negative")),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["selection_criterion.id"],
            name=op.f("fk_selection_individual_score_criterion_id_selection_criterion"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["evaluator_id"],
            ["user_account.id"],
            name=op.f("fk_selection_individual_score_evaluator_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["participation_request.id"],
            name=op.f("fk_selection_individual_score_request_id_participation_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selection_individual_score")),
        sa.UniqueConstraint(
            "request_id",
            "criterion_id",
            "evaluator_id",
            name=op.f("uq_selection_individual_score_request_id_criterion_id_evaluator_id"),
        ),
    )
    with op.batch_alter_table("selection_individual_score", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_selection_individual_score_criterion_id"), ["criterion_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_selection_individual_score_evaluator_id"), ["evaluator_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_selection_individual_score_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "request_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("requirement_id", sa.Integer(), nullable=True),
        sa.Column("clarification_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("size >= 0", name=op.f("ck_request_document_size_not_negative")),
        sa.ForeignKeyConstraint(
            ["clarification_id"],
            ["clarification.id"],
            name=op.f("fk_request_document_clarification_id_clarification"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["participation_request.id"],
            name=op.f("fk_request_document_request_id_participation_request"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requirement_id"],
            ["qualification_requirement.id"],
            name=op.f("fk_request_document_requirement_id_qualification_requirement"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_document")),
    )
    with op.batch_alter_table("request_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_request_document_request_id"), ["request_id"], unique=False)

    with op.batch_alter_table("noark_sample", schema=None) as batch_op:
        batch_op.add_column(sa.Column("request_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_noark_sample_request_id"), ["request_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_noark_sample_request_id_participation_request"),
            "participation_request",
            ["request_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade():
    with op.batch_alter_table("noark_sample", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_noark_sample_request_id_participation_request"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_noark_sample_request_id"))
        batch_op.drop_column("request_id")

    with op.batch_alter_table("request_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_document_request_id"))

    op.drop_table("request_document")
    with op.batch_alter_table("selection_individual_score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_selection_individual_score_request_id"))
        batch_op.drop_index(batch_op.f("ix_selection_individual_score_evaluator_id"))
        batch_op.drop_index(batch_op.f("ix_selection_individual_score_criterion_id"))

    op.drop_table("selection_individual_score")
    with op.batch_alter_table("selection_consensus_score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_selection_consensus_score_request_id"))
        batch_op.drop_index(batch_op.f("ix_selection_consensus_score_criterion_id"))

    op.drop_table("selection_consensus_score")
    with op.batch_alter_table("selection_approval", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_selection_approval_proposal_id"))

    op.drop_table("selection_approval")
    with op.batch_alter_table("request_reference", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_reference_request_id"))

    op.drop_table("request_reference")
    with op.batch_alter_table("qualification_assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_qualification_assessment_requirement_id"))
        batch_op.drop_index(batch_op.f("ix_qualification_assessment_request_id"))

    op.drop_table("qualification_assessment")
    with op.batch_alter_table("exclusion_assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exclusion_assessment_request_id"))
        batch_op.drop_index(batch_op.f("ix_exclusion_assessment_ground_id"))

    op.drop_table("exclusion_assessment")
    with op.batch_alter_table("clarification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clarification_request_id"))

    op.drop_table("clarification")
    op.drop_table("selection_tie_break")
    with op.batch_alter_table("selection_proposal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_selection_proposal_tender_id"))

    op.drop_table("selection_proposal")
    with op.batch_alter_table("selection_criterion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_selection_criterion_tender_id"))

    op.drop_table("selection_criterion")
    with op.batch_alter_table("request_opening_confirmation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_opening_confirmation_tender_id"))

    op.drop_table("request_opening_confirmation")
    op.drop_table("request_opening")
    with op.batch_alter_table("qualification_requirement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_qualification_requirement_tender_id"))

    op.drop_table("qualification_requirement")
    op.drop_table("prequalification")
    with op.batch_alter_table("participation_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participation_request_tender_id"))

    op.drop_table("participation_request")
    with op.batch_alter_table("exclusion_ground", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exclusion_ground_tender_id"))

    op.drop_table("exclusion_ground")
    if op.get_bind().dialect.name == "postgresql":
        for name in (
            "participation_request_status",
            "participation_request_outcome",
            "qualification_category",
            "qualification_status",
        ):
            op.execute(f"DROP TYPE IF EXISTS {name}")
