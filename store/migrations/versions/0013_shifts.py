"""Volunteer shifts: shifts with a head count and check-in code, sign-ups with check-in and check-out

Revision ID: 0013_shifts
Revises: 0010_attendance
"""
from alembic import op
import sqlalchemy as sa

revision = "0013_shifts"
down_revision = "0010_whatson"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Bring the schema forward."""
    op.create_table(
        "shift",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=40), nullable=False),
        sa.Column("place", sa.String(length=40), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("taken >= 0 AND taken <= capacity", name="ck_shift_taken"),
        sa.ForeignKeyConstraint(["created_by"], ["resident.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index("ix_shift_starts_at", "shift", ["starts_at"])
    op.create_table(
        "shift_signup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shift_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(), nullable=True),
        sa.Column("checked_out_at", sa.DateTime(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["shift_id"], ["shift.id"]),
        sa.ForeignKeyConstraint(["resident_id"], ["resident.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("shift_id", "resident_id", name="uq_shift_signup"),
    )
    op.create_index("ix_shift_signup_shift_id", "shift_signup", ["shift_id"])
    op.create_index("ix_shift_signup_resident_id", "shift_signup", ["resident_id"])


def downgrade() -> None:
    """Take the schema back."""
    op.drop_index("ix_shift_signup_resident_id", table_name="shift_signup")
    op.drop_index("ix_shift_signup_shift_id", table_name="shift_signup")
    op.drop_table("shift_signup")
    op.drop_index("ix_shift_starts_at", table_name="shift")
    op.drop_table("shift")
