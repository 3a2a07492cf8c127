"""The inbox: updates kept from their arrival until they are handled

Revision ID: 0007_inbox
Revises: 0002_wechat
"""
from alembic import op
import sqlalchemy as sa

revision = "0007_inbox"
down_revision = "0009_rights"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Bring the schema forward."""
    op.create_table(
        "inbound_update",
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("update_key", sa.String(length=160), nullable=False),
        sa.Column("payload", sa.String(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("channel", "update_key"),
    )
    op.create_index("ix_inbound_update_due", "inbound_update", ["status", "lease_until"], unique=False)


def downgrade() -> None:
    """Take the schema back."""
    op.drop_index("ix_inbound_update_due", table_name="inbound_update")
    op.drop_table("inbound_update")
