"""WeChat users: the last inbound message of each account (48-hour window), 微信客服 cursors

Revision ID: 0002_wechat
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002_wechat"
down_revision = "0002_safety"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Bring the schema forward."""
    op.create_table(
        "wechat_window",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("last_inbound_at", sa.DateTime(), nullable=False),
        sa.Column("sent_since_inbound", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["channel_account.id"]),
        sa.PrimaryKeyConstraint("account_id"),
    )
    op.create_table(
        "wecom_kf_cursor",
        sa.Column("open_kfid", sa.String(length=64), nullable=False),
        sa.Column("cursor", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("open_kfid"),
    )


def downgrade() -> None:
    """Take the schema back."""
    op.drop_table("wecom_kf_cursor")
    op.drop_table("wechat_window")
