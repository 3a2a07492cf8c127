"""dialog state per chat, with named states that lapse

Revision ID: 0002_chatstate
Revises: 0001

Dialog state was one row per channel account; now it is one row per account and chat, so choices
shown in a group and in the private chat stay apart. Every existing row was written in, or for, the
private chat (group turns shared it), so it moves to the private chat's key. Rows also record the
named state of a multi-step flow and when it lapses; existing rows are in none, so a step someone
was halfway through at the upgrade counts as lapsed.
"""
from alembic import op
import sqlalchemy as sa

revision = "0002_chatstate"
down_revision = "0001"
branch_labels = None
depends_on = None

PRIVATE_CHAT = "private"  # store.models.dialog.PRIVATE_CHAT, copied: a migration keeps its own values
PKEY = "dialog_state_pkey"  # PostgreSQL's name for 0001's unnamed key


def _table(new_columns: bool) -> sa.Table:
    """The table as it stands, its key named, so SQLite's rebuild (batch mode) can drop the key too."""
    columns = [sa.Column("account_id", sa.Integer(), sa.ForeignKey("channel_account.id"), nullable=False),
               sa.Column("expect", sa.String(length=40), nullable=False),
               sa.Column("data", sa.String(), nullable=False),
               sa.Column("updated_at", sa.DateTime(), nullable=False)]
    key = ["account_id"]
    if new_columns:
        columns += [sa.Column("chat", sa.String(length=128), nullable=False),
                    sa.Column("state", sa.String(length=40), nullable=False),
                    sa.Column("expires_at", sa.DateTime(), nullable=True)]
        key.append("chat")
    return sa.Table("dialog_state", sa.MetaData(), *columns, sa.PrimaryKeyConstraint(*key, name=PKEY))


def upgrade() -> None:
    """Bring the schema forward."""
    with op.batch_alter_table("dialog_state", copy_from=_table(False)) as batch:
        batch.add_column(sa.Column("chat", sa.String(length=128), nullable=False,
                                   server_default=PRIVATE_CHAT))
        batch.add_column(sa.Column("state", sa.String(length=40), nullable=False, server_default=""))
        batch.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))
        batch.drop_constraint(PKEY, type_="primary")
        batch.create_primary_key(PKEY, ["account_id", "chat"])
    # The defaults only filled the existing rows; new rows get their values from the application.
    with op.batch_alter_table("dialog_state", copy_from=_table(True)) as batch:
        batch.alter_column("chat", existing_type=sa.String(length=128), server_default=None)
        batch.alter_column("state", existing_type=sa.String(length=40), server_default=None)


def downgrade() -> None:
    """Take the schema back: only the private chat's state survives."""
    op.execute(sa.text("DELETE FROM dialog_state WHERE chat != :private").bindparams(private=PRIVATE_CHAT))
    with op.batch_alter_table("dialog_state", copy_from=_table(True)) as batch:
        batch.drop_constraint(PKEY, type_="primary")
        batch.create_primary_key(PKEY, ["account_id"])
        batch.drop_column("expires_at")
        batch.drop_column("state")
        batch.drop_column("chat")
