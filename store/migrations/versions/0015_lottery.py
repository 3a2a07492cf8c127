"""Lottery courses: a sign-up mode and an application deadline per course

Revision ID: 0015_lottery
Revises: 0014_seats
"""
from alembic import op
import sqlalchemy as sa

revision = "0015_lottery"
down_revision = "0014_seats"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Bring the schema forward."""
    with op.batch_alter_table("course") as batch:
        batch.add_column(sa.Column("signup_mode", sa.String(length=10), nullable=False,
                                   server_default="first_come"))
        batch.add_column(sa.Column("apply_until", sa.DateTime(), nullable=True))


def downgrade() -> None:
    """Take the schema back."""
    with op.batch_alter_table("course") as batch:
        batch.drop_column("apply_until")
        batch.drop_column("signup_mode")
