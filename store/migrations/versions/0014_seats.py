"""Companion seats and seat offers: a party size per place, per-course settings, offer rows

Revision ID: 0014_seats
Revises: 0010_attendance
"""
from alembic import op
import sqlalchemy as sa

revision = "0014_seats"
down_revision = "0013_shifts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Bring the schema forward."""
    with op.batch_alter_table("course") as batch:
        batch.add_column(sa.Column("companions_max", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("seat_offer", sa.String(length=8), nullable=False, server_default="auto"))
    with op.batch_alter_table("enrolment") as batch:
        batch.add_column(sa.Column("party", sa.Integer(), nullable=False, server_default="1"))
    op.create_table(
        "seat_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["course_id"], ["course.id"]),
        sa.ForeignKeyConstraint(["enrolment_id"], ["enrolment.id"]),
        sa.ForeignKeyConstraint(["resident_id"], ["resident.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_seat_offer_course_id", "seat_offer", ["course_id"])
    op.create_index("ix_seat_offer_status_expires", "seat_offer", ["status", "expires_at"])
    op.create_index("uq_seat_offer_open", "seat_offer", ["enrolment_id"], unique=True,
                    sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))


def downgrade() -> None:
    """Take the schema back."""
    op.drop_index("uq_seat_offer_open", table_name="seat_offer")
    op.drop_index("ix_seat_offer_status_expires", table_name="seat_offer")
    op.drop_index("ix_seat_offer_course_id", table_name="seat_offer")
    op.drop_table("seat_offer")
    with op.batch_alter_table("enrolment") as batch:
        batch.drop_column("party")
    with op.batch_alter_table("course") as batch:
        batch.drop_column("seat_offer")
        batch.drop_column("companions_max")
