"""Send limits shared by every worker: the send_pace buckets

Revision ID: 0008_send_limits
Revises: 0002_wechat
"""
from alembic import op
import sqlalchemy as sa

revision = "0008_send_limits"
down_revision = "0007_inbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Bring the schema forward."""
    op.create_table(
        "send_pace",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("next_free", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    """Take the schema back."""
    op.drop_table("send_pace")
