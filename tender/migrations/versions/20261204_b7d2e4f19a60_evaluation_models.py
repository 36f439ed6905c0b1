"""every evaluation model a Nordic buyer announces: the scale's step (replacing the half-points flag), the
consensus rule, quality thresholds, the price-adjusting methods' parameters, the price schedule's evaluation
method (basket, average, life-cycle cost with a discount rate, the rule for gaps) and basket quantities;
scores keep four decimals

The downgrade loses what the older schema cannot say: a step other than whole or half points becomes whole
points, and scores with more than one decimal are rounded to one.

Revision ID: b7d2e4f19a60
Revises: f3a8c61d2b94
Create Date: 2026-12-04 16:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7d2e4f19a60"
down_revision = "f3a8c61d2b94"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("evaluation_model", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("scale_step", sa.Numeric(precision=8, scale=4), nullable=False, server_default="1")
        )
        batch_op.add_column(
            sa.Column("consensus_rule", sa.String(length=10), nullable=False, server_default="agreed")
        )
        batch_op.add_column(sa.Column("min_quality", sa.Numeric(precision=9, scale=4), nullable=True))
        batch_op.add_column(sa.Column("surcharge_percent", sa.Numeric(precision=8, scale=4), nullable=True))
        batch_op.add_column(sa.Column("deduction_percent", sa.Numeric(precision=8, scale=4), nullable=True))
        batch_op.add_column(
            sa.Column("price_evaluation", sa.String(length=20), nullable=False, server_default="life_cycle")
        )
        batch_op.add_column(
            sa.Column("discount_rate_percent", sa.Numeric(precision=6, scale=3), nullable=True)
        )
        batch_op.add_column(
            sa.Column("price_gaps", sa.String(length=10), nullable=False, server_default="reject")
        )
    op.execute("UPDATE evaluation_model SET scale_step = 0.5 WHERE allow_half_points")
    with op.batch_alter_table("evaluation_model", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_evaluation_model_scale_step_not_negative"), "scale_step >= 0"
        )
        batch_op.drop_column("allow_half_points")
    with op.batch_alter_table("award_criterion", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_score", sa.Numeric(precision=8, scale=4), nullable=True))
    with op.batch_alter_table("price_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quantity", sa.Numeric(precision=16, scale=4), nullable=True))
    for table in ("individual_score", "consensus_score"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "score",
                existing_type=sa.Numeric(precision=5, scale=1),
                type_=sa.Numeric(precision=8, scale=4),
                existing_nullable=False,
            )


def downgrade():
    for table in ("individual_score", "consensus_score"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "score",
                existing_type=sa.Numeric(precision=8, scale=4),
                type_=sa.Numeric(precision=5, scale=1),
                existing_nullable=False,
            )
    with op.batch_alter_table("price_item", schema=None) as batch_op:
        batch_op.drop_column("quantity")
    with op.batch_alter_table("award_criterion", schema=None) as batch_op:
        batch_op.drop_column("min_score")
    with op.batch_alter_table("evaluation_model", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("allow_half_points", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute("UPDATE evaluation_model SET allow_half_points = (scale_step = 0.5)")
    with op.batch_alter_table("evaluation_model", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_evaluation_model_scale_step_not_negative"), type_="check")
        for column in (
            "price_gaps",
            "discount_rate_percent",
            "price_evaluation",
            "deduction_percent",
            "surcharge_percent",
            "min_quality",
            "consensus_rule",
            "scale_step",
        ):
            batch_op.drop_column(column)
