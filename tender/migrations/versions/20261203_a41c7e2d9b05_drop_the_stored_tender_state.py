"""drop the stored tender state: the stage is derived from the data (tender.core.lifecycle)

Revision ID: a41c7e2d9b05
Revises: 7fa866d01c27
Create Date: 2026-12-03 12:40:00

``tender.state`` was written by freezing and publishing only, seven of its ten values were never set, and no
page read it: a stored state cannot follow a deadline passing. The lifecycle stage shown on every page is
derived from the specification versions, approvals, deadlines, bids and scores. Downgrading brings the column
back with the value the old code would have written (draft, specification_review or published).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a41c7e2d9b05"
down_revision = "7fa866d01c27"
branch_labels = None
depends_on = None

_STATES = (
    "draft",
    "specification_review",
    "published",
    "prequalification",
    "bidding",
    "evaluation",
    "award_signoff",
    "standstill",
    "contract_signed",
    "cancelled",
)


def upgrade():
    with op.batch_alter_table("tender", schema=None) as batch_op:
        # the CHECK of the enum (SQLite) names the column: it goes first, or the copied table refers to it
        if op.get_bind().dialect.name == "sqlite":
            batch_op.drop_constraint(op.f("ck_tender_tender_state"), type_="check")
        batch_op.drop_column("state")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TYPE IF EXISTS tender_state")


def downgrade():
    state = sa.Enum(*_STATES, name="tender_state", create_constraint=True)
    if op.get_bind().dialect.name == "postgresql":
        state.create(op.get_bind(), checkfirst=True)
    with op.batch_alter_table("tender", schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", state, nullable=False, server_default="draft"))
    op.execute(
        "UPDATE tender SET state = 'specification_review' WHERE EXISTS (SELECT 1 FROM specification s "
        "JOIN spec_version v ON v.specification_id = s.id WHERE s.tender_id = tender.id)"
    )
    op.execute(
        "UPDATE tender SET state = 'published' WHERE EXISTS (SELECT 1 FROM specification s "
        "WHERE s.tender_id = tender.id AND s.published_version_id IS NOT NULL)"
    )
    with op.batch_alter_table("tender", schema=None) as batch_op:
        batch_op.alter_column("state", server_default=None)
