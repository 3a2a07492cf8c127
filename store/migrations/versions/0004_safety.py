"""web chat sessions are issued by the server

Revision ID: 0002_safety
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002_safety"
down_revision = "0002_wiring"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Bring the schema forward."""
    op.create_table(
        "web_session",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("rotate", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index(op.f("ix_web_session_issued_at"), "web_session", ["issued_at"], unique=False)
    # A web account's external_id is already the hash of the browser's token: residents who use
    # the web chat today keep their sessions (and their sign-ups) across the upgrade.
    op.execute("INSERT INTO web_session (token_hash, issued_at, rotate) "
               "SELECT external_id, created_at, false FROM channel_account "
               "WHERE channel = 'web' AND length(external_id) = 64")


def downgrade() -> None:
    """Take the schema back."""
    op.drop_index(op.f("ix_web_session_issued_at"), table_name="web_session")
    op.drop_table("web_session")
