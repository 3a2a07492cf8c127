"""WeCom customer groups: synced groups, 群发 tasks and their groups, 联系我 codes, external contacts

Revision ID: 0006_customer_groups
Revises: 0002_wechat
"""
from alembic import op
import sqlalchemy as sa

revision = "0006_customer_groups"
down_revision = "0002_wechat"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Bring the schema forward."""
    op.create_table(
        "customer_group",
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("synced_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("chat_id"),
    )
    op.create_index("ix_customer_group_owner", "customer_group", ["owner"])
    op.create_table(
        "customer_group_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("outbox_key", sa.String(length=160), nullable=False),
        sa.Column("msgid", sa.String(length=100), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("checked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("outbox_key"),
    )
    op.create_index("ix_customer_group_task_notice_id", "customer_group_task", ["notice_id"])
    op.create_table(
        "customer_group_send",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["task_id"], ["customer_group_task.id"]),
        sa.ForeignKeyConstraint(["group_id"], ["community_group.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_id", "chat_id"),
    )
    op.create_index("ix_customer_group_send_task_id", "customer_group_send", ["task_id"])
    op.create_table(
        "contact_way",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("community", sa.String(length=60), nullable=False),
        sa.Column("user", sa.String(length=64), nullable=False),
        sa.Column("config_id", sa.String(length=100), nullable=False),
        sa.Column("qr_code", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("state"),
    )
    op.create_table(
        "external_contact",
        sa.Column("external_userid", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("community", sa.String(length=60), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["channel_account.id"]),
        sa.PrimaryKeyConstraint("external_userid"),
    )
    op.create_index("ix_external_contact_community", "external_contact", ["community"])


def downgrade() -> None:
    """Take the schema back."""
    op.drop_index("ix_external_contact_community", table_name="external_contact")
    op.drop_table("external_contact")
    op.drop_table("contact_way")
    op.drop_index("ix_customer_group_send_task_id", table_name="customer_group_send")
    op.drop_table("customer_group_send")
    op.drop_index("ix_customer_group_task_notice_id", table_name="customer_group_task")
    op.drop_table("customer_group_task")
    op.drop_index("ix_customer_group_owner", table_name="customer_group")
    op.drop_table("customer_group")
