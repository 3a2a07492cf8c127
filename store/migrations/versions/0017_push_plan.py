"""How far the course pushes are planned: reminders and polls become outbox rows when they fall due

A database brought forward already holds a row for every reminder and poll its places are owed,
written when each place was taken: the plan starts at the moment of the upgrade. Sessions are indexed
by their end too, which is when a poll falls due.

Revision ID: 0017_push_plan
Revises: 0016_proxy
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

revision = "0017_push_plan"
down_revision = "0016_proxy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Bring the schema forward."""
    table = op.create_table(
        "push_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("planned_until", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    op.bulk_insert(table, [{"id": 1, "planned_until": now}])
    op.create_index("ix_class_session_ends_at", "class_session", ["ends_at"])


def downgrade() -> None:
    """Take the schema back one step."""
    op.drop_index("ix_class_session_ends_at", table_name="class_session")
    op.drop_table("push_plan")
