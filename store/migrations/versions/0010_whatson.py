"""我的社区 on the resident, and watches of categories and full courses

Revision ID: 0010_whatson
Revises: 0002_wechat
"""
from alembic import op
import sqlalchemy as sa

revision = "0010_whatson"
down_revision = "0008_send_limits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Bring the schema forward."""
    with op.batch_alter_table("resident") as batch:
        batch.add_column(sa.Column("community", sa.String(length=60), nullable=False, server_default=""))
    op.create_table(
        "watch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("fired_at", sa.DateTime(), nullable=True),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["resident_id"], ["resident.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("resident_id", "kind", "target_id"),
    )
    op.create_index(op.f("ix_watch_resident_id"), "watch", ["resident_id"], unique=False)
    op.create_index(op.f("ix_watch_target_id"), "watch", ["target_id"], unique=False)


def downgrade() -> None:
    """Take the schema back."""
    op.drop_index(op.f("ix_watch_target_id"), table_name="watch")
    op.drop_index(op.f("ix_watch_resident_id"), table_name="watch")
    op.drop_table("watch")
    with op.batch_alter_table("resident") as batch:
        batch.drop_column("community")
