"""The resident's data rights: a deleted person's mark, and room for sealed contact phones

Revision ID: 0009_rights
Revises: 0002_wechat

Existing phones stay as they were here: a migration may run without the phone key. The
housekeeping round (or `linli privacy encrypt-phones`) seals them once the key is configured.
"""
from alembic import op
import sqlalchemy as sa

revision = "0009_rights"
down_revision = "0010_attendance"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Bring the schema forward."""
    with op.batch_alter_table("resident") as batch:
        batch.add_column(sa.Column("erased_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("service_order") as batch:
        batch.alter_column("contact_phone", existing_type=sa.String(length=20), type_=sa.String(length=120),
                           existing_nullable=False)


def downgrade() -> None:
    """Take the schema back."""
    with op.batch_alter_table("service_order") as batch:
        batch.alter_column("contact_phone", existing_type=sa.String(length=120), type_=sa.String(length=20),
                           existing_nullable=False)
    with op.batch_alter_table("resident") as batch:
        batch.drop_column("erased_at")
