"""Attendance: session rolls with check-in codes, who was present, and enrolment history times

Revision ID: 0010_attendance
Revises: 0002_wechat
"""
from alembic import op
import sqlalchemy as sa

revision = "0010_attendance"
down_revision = "0006_customer_groups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Bring the schema forward."""
    with op.batch_alter_table("enrolment") as batch:
        batch.add_column(sa.Column("confirmed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("cancelled_at", sa.DateTime(), nullable=True))
    # Rows from before kept no history: a seat is taken to date from the sign-up, a
    # cancellation from the row's last change.
    op.execute("UPDATE enrolment SET confirmed_at = created_at WHERE status IN ('confirmed', 'cancelled')")
    op.execute("UPDATE enrolment SET cancelled_at = updated_at WHERE status = 'cancelled'")
    op.create_table(
        "session_roll",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=True),
        sa.Column("taken_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["class_session.id"]),
        sa.ForeignKeyConstraint(["taken_by"], ["resident.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("marked_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["class_session.id"]),
        sa.ForeignKeyConstraint(["resident_id"], ["resident.id"]),
        sa.ForeignKeyConstraint(["marked_by"], ["resident.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("uq_attendance", "attendance", ["session_id", "resident_id"], unique=True)
    op.create_index("ix_attendance_session_id", "attendance", ["session_id"])
    op.create_index("ix_attendance_resident_id", "attendance", ["resident_id"])


def downgrade() -> None:
    """Take the schema back."""
    op.drop_index("ix_attendance_resident_id", table_name="attendance")
    op.drop_index("ix_attendance_session_id", table_name="attendance")
    op.drop_index("uq_attendance", table_name="attendance")
    op.drop_table("attendance")
    op.drop_table("session_roll")
    with op.batch_alter_table("enrolment") as batch:
        batch.drop_column("cancelled_at")
        batch.drop_column("confirmed_at")
