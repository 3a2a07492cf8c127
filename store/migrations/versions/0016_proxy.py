"""Acting for a resident (代办): a person's own sealed phone with a keyed digest of its last 4
digits, who acted for whom on places, leaves and bookings, and family links with their codes

Revision ID: 0016_proxy
Revises: 0015_lottery
"""
from alembic import op
import sqlalchemy as sa

revision = "0016_proxy"
down_revision = "0016_units"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Bring the schema forward."""
    with op.batch_alter_table("resident") as batch:
        batch.add_column(sa.Column("phone", sa.String(length=120), nullable=False, server_default=""))
        batch.add_column(sa.Column("phone_tail", sa.String(length=64), nullable=False, server_default=""))
        batch.add_column(sa.Column("registered_by", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_resident_registered_by", "resident", ["registered_by"], ["id"])
        batch.create_index("ix_resident_phone_tail", ["phone_tail"])
    for table in ("enrolment", "session_leave", "booking"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("proxy_by", sa.Integer(), nullable=True))
            batch.create_foreign_key(f"fk_{table}_proxy_by", "resident", ["proxy_by"], ["id"])
    op.create_table(
        "family_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("elder_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("used_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["elder_id"], ["resident.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["resident.id"]),
        sa.ForeignKeyConstraint(["used_by"], ["resident.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_family_code_code", "family_code", ["code"])
    op.create_index("ix_family_code_elder_id", "family_code", ["elder_id"])
    op.create_table(
        "family_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("elder_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["elder_id"], ["resident.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["resident.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_family_link_elder_id", "family_link", ["elder_id"])
    op.create_index("ix_family_link_member_id", "family_link", ["member_id"])
    op.create_index("uq_family_link_live", "family_link", ["elder_id", "member_id"], unique=True,
                    sqlite_where=sa.text("removed_at IS NULL"), postgresql_where=sa.text("removed_at IS NULL"))


def downgrade() -> None:
    """Take the schema back."""
    op.drop_index("uq_family_link_live", table_name="family_link")
    op.drop_index("ix_family_link_member_id", table_name="family_link")
    op.drop_index("ix_family_link_elder_id", table_name="family_link")
    op.drop_table("family_link")
    op.drop_index("ix_family_code_elder_id", table_name="family_code")
    op.drop_index("ix_family_code_code", table_name="family_code")
    op.drop_table("family_code")
    for table in ("booking", "session_leave", "enrolment"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"fk_{table}_proxy_by", type_="foreignkey")
            batch.drop_column("proxy_by")
    with op.batch_alter_table("resident") as batch:
        batch.drop_index("ix_resident_phone_tail")
        batch.drop_constraint("fk_resident_registered_by", type_="foreignkey")
        batch.drop_column("registered_by")
        batch.drop_column("phone_tail")
        batch.drop_column("phone")
