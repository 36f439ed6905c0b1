"""the award: recommendation, sign-offs, cost split, notices of award and the contract; option municipalities
and the standstill setting

Revision ID: f3a8c61d2b94
Revises: e5b19d3c7a62
Create Date: 2026-12-03 23:26:49.403583

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f3a8c61d2b94"
down_revision = "e5b19d3c7a62"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "award_cost_split",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column(
            "key",
            sa.Enum(
                "population",
                "equal",
                "fixed_plus_population",
                "custom",
                name="cost_split_key",
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("fixed_percent", sa.Numeric(precision=9, scale=6), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by_name", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tender.id"],
            name=op.f("fk_award_cost_split_tender_id_tender"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_cost_split")),
        sa.UniqueConstraint("tender_id", name=op.f("uq_award_cost_split_tender_id")),
    )
    op.create_table(
        "award_cost_split_share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cost_split_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("percent", sa.Numeric(precision=9, scale=6), nullable=False),
        sa.ForeignKeyConstraint(
            ["cost_split_id"],
            ["award_cost_split.id"],
            name=op.f("fk_award_cost_split_share_cost_split_id_award_cost_split"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_award_cost_split_share_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_cost_split_share")),
        sa.UniqueConstraint("cost_split_id", "municipality_id", name="one_share_each"),
    )
    with op.batch_alter_table("award_cost_split_share", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_award_cost_split_share_cost_split_id"), ["cost_split_id"], unique=False
        )

    op.create_table(
        "award_recommendation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("round_no", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("draft", "frozen", "withdrawn", name="recommendation_state", create_constraint=True),
            nullable=False,
        ),
        sa.Column("winner_bid_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_name", sa.String(length=120), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("frozen_by_name", sa.String(length=120), nullable=False),
        sa.Column("content_json", sa.Text(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "state <> 'frozen' OR length(content_sha256) = 64",
            name=op.f("ck_award_recommendation_frozen_has_hash"),
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tender.id"],
            name=op.f("fk_award_recommendation_tender_id_tender"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["winner_bid_id"],
            ["bid.id"],
            name=op.f("fk_award_recommendation_winner_bid_id_bid"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_recommendation")),
        sa.UniqueConstraint("tender_id", "number", name="one_number_per_tender"),
    )
    with op.batch_alter_table("award_recommendation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_award_recommendation_tender_id"), ["tender_id"], unique=False)

    op.create_table(
        "award_notice_issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by_name", sa.String(length=120), nullable=False),
        sa.Column("standstill_days", sa.Integer(), nullable=False),
        sa.Column("standstill_ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["award_recommendation.id"],
            name=op.f("fk_award_notice_issue_recommendation_id_award_recommendation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"],
            ["tender.id"],
            name=op.f("fk_award_notice_issue_tender_id_tender"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_notice_issue")),
        sa.UniqueConstraint("tender_id", name=op.f("uq_award_notice_issue_tender_id")),
    )
    op.create_table(
        "award_recommendation_text",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bid_id"], ["bid.id"], name=op.f("fk_award_recommendation_text_bid_id_bid"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["award_criterion.id"],
            name=op.f("fk_award_recommendation_text_criterion_id_award_criterion"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["award_recommendation.id"],
            name=op.f("fk_award_recommendation_text_recommendation_id_award_recommendation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_recommendation_text")),
        sa.UniqueConstraint("recommendation_id", "criterion_id", "bid_id", name="one_text_each"),
    )
    with op.batch_alter_table("award_recommendation_text", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_award_recommendation_text_recommendation_id"), ["recommendation_id"], unique=False
        )

    op.create_table(
        "award_sign_off",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column(
            "decision",
            sa.Enum("approved", "rejected", name="award_sign_off_decision", create_constraint=True),
            nullable=False,
        ),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column(
            "body",
            sa.Enum(
                "kommunestyre",
                "formannskap",
                "kommunedirektor",
                name="award_decision_body",
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("decision_date", sa.Date(), nullable=False),
        sa.Column("case_number", sa.String(length=60), nullable=False),
        sa.Column("signer_id", sa.Integer(), nullable=True),
        sa.Column("signer_name", sa.String(length=120), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lapsed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("length(content_sha256) = 64", name=op.f("ck_award_sign_off_names_a_snapshot")),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_award_sign_off_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["award_recommendation.id"],
            name=op.f("fk_award_sign_off_recommendation_id_award_recommendation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["signer_id"],
            ["user_account.id"],
            name=op.f("fk_award_sign_off_signer_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_sign_off")),
        sa.UniqueConstraint(
            "recommendation_id", "municipality_id", "content_sha256", name="once_per_snapshot"
        ),
    )
    with op.batch_alter_table("award_sign_off", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_award_sign_off_recommendation_id"), ["recommendation_id"], unique=False
        )

    op.create_table(
        "award_contract",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_name", sa.String(length=120), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["award_notice_issue.id"],
            name=op.f("fk_award_contract_issue_id_award_notice_issue"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tender_id"], ["tender.id"], name=op.f("fk_award_contract_tender_id_tender"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["vendor_id"], ["vendor.id"], name=op.f("fk_award_contract_vendor_id_vendor")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_contract")),
        sa.UniqueConstraint("tender_id", name=op.f("uq_award_contract_tender_id")),
    )
    op.create_table(
        "award_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("chosen", sa.Boolean(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("mailed_to", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bid_id"], ["bid.id"], name=op.f("fk_award_notice_bid_id_bid"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["award_notice_issue.id"],
            name=op.f("fk_award_notice_issue_id_award_notice_issue"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["vendor_id"], ["vendor.id"], name=op.f("fk_award_notice_vendor_id_vendor")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_notice")),
        sa.UniqueConstraint("issue_id", "vendor_id", name="one_notice_per_vendor"),
    )
    with op.batch_alter_table("award_notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_award_notice_issue_id"), ["issue_id"], unique=False)

    with op.batch_alter_table("tender", schema=None) as batch_op:
        batch_op.add_column(sa.Column("standstill_days", sa.Integer(), server_default="10", nullable=False))

    with op.batch_alter_table("tender_municipality", schema=None) as batch_op:
        batch_op.add_column(sa.Column("option", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("tender_municipality", schema=None) as batch_op:
        batch_op.drop_column("option")

    with op.batch_alter_table("tender", schema=None) as batch_op:
        batch_op.drop_column("standstill_days")

    with op.batch_alter_table("award_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_award_notice_issue_id"))

    op.drop_table("award_notice")
    op.drop_table("award_contract")
    with op.batch_alter_table("award_sign_off", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_award_sign_off_recommendation_id"))

    op.drop_table("award_sign_off")
    with op.batch_alter_table("award_recommendation_text", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_award_recommendation_text_recommendation_id"))

    op.drop_table("award_recommendation_text")
    op.drop_table("award_notice_issue")
    with op.batch_alter_table("award_recommendation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_award_recommendation_tender_id"))

    op.drop_table("award_recommendation")
    with op.batch_alter_table("award_cost_split_share", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_award_cost_split_share_cost_split_id"))

    op.drop_table("award_cost_split_share")
    op.drop_table("award_cost_split")
    if op.get_bind().dialect.name == "postgresql":
        for name in (
            "award_decision_body",
            "award_sign_off_decision",
            "recommendation_state",
            "cost_split_key",
        ):
            op.execute(f"DROP TYPE IF EXISTS {name}")
