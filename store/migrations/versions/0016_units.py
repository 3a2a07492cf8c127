"""Units: the district as a tree (总馆 → 分馆 → 服务点), and the unit of what each one runs

An existing database is placed under one 总馆 (code ROOT): every community named anywhere
becomes a 服务点 of that name under it, and the rows naming that community point to it.

Revision ID: 0016_units
Revises: 0015_lottery
"""
from alembic import op
import sqlalchemy as sa

revision = "0016_units"
down_revision = "0015_lottery"
branch_labels = None
depends_on = None

# Tables whose rows belong to a unit, and whether unit_id is indexed there.
TABLES = {"community_group": True, "course": True, "invite_code": False, "notice": True,
          "resident": True, "role_grant": True, "service_order": True, "service_team": True,
          "venue": True, "wecom_group_chat": True}
# Where community strings live; each distinct one becomes a 服务点.
COMMUNITY_TABLES = ("venue", "resident", "service_team", "service_order", "community_group",
                    "notice", "role_grant", "invite_code", "wecom_group_chat")
# Rows with no community still belong to the 总馆 here (not residents or grants: "" means
# "not chosen" and "everywhere" for them).
ROOTED = ("venue", "service_team", "service_order", "community_group", "notice",
          "wecom_group_chat")
ROOT_NAME = "总馆"


def upgrade() -> None:
    """Bring the schema forward."""
    op.create_table(
        "unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("contact", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["unit.id"], name="fk_unit_parent_id"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("unit") as batch:
        batch.create_index("ix_unit_name", ["name"], unique=False)
        batch.create_index("ix_unit_parent_id", ["parent_id"], unique=False)
    for table, indexed in TABLES.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
            if table == "service_order":
                batch.add_column(sa.Column("escalated_at", sa.DateTime(), nullable=True))
            if indexed:
                batch.create_index(f"ix_{table}_unit_id", ["unit_id"], unique=False)
            batch.create_foreign_key(f"fk_{table}_unit_id", "unit", ["unit_id"], ["id"])
    _place_under_one_root(op.get_bind())


def _place_under_one_root(conn) -> None:
    """One 总馆, a 服务点 per community in use, and every row pointed at its unit."""
    communities: set[str] = set()
    for table in COMMUNITY_TABLES:
        communities.update(row[0] for row in conn.execute(sa.text(
            f"SELECT DISTINCT community FROM {table} WHERE community <> ''")))
    has_rows = any(conn.execute(sa.text(f"SELECT 1 FROM {table}")).first() for table in ("venue", "course"))
    if not communities and not has_rows:
        return  # a new database: the units come from `linli import units` or the demo
    conn.execute(sa.text("INSERT INTO unit (code, name, level, parent_id, address, contact) "
                         "VALUES ('ROOT', :name, 1, NULL, '', '')"), {"name": ROOT_NAME})
    root = conn.execute(sa.text("SELECT id FROM unit WHERE code = 'ROOT'")).scalar_one()
    for number, name in enumerate(sorted(communities), start=1):
        conn.execute(sa.text("INSERT INTO unit (code, name, level, parent_id, address, contact) "
                             "VALUES (:code, :name, 3, :root, '', '')"),
                     {"code": f"P{number:03d}", "name": name[:60], "root": root})
    point = "(SELECT u.id FROM unit u WHERE u.level = 3 AND u.name = {table}.community)"
    for table in COMMUNITY_TABLES:
        conn.execute(sa.text(f"UPDATE {table} SET unit_id = {point.format(table=table)} "
                             f"WHERE community <> ''"))
    for table in ROOTED:
        conn.execute(sa.text(f"UPDATE {table} SET unit_id = :root WHERE community = ''"), {"root": root})
    conn.execute(sa.text("UPDATE course SET unit_id = (SELECT v.unit_id FROM venue v "
                         "WHERE v.id = course.venue_id) WHERE venue_id IS NOT NULL"))
    conn.execute(sa.text("UPDATE course SET unit_id = :root WHERE unit_id IS NULL"), {"root": root})


def downgrade() -> None:
    """Take the schema back."""
    for table, indexed in reversed(TABLES.items()):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"fk_{table}_unit_id", type_="foreignkey")
            if indexed:
                batch.drop_index(f"ix_{table}_unit_id")
            if table == "service_order":
                batch.drop_column("escalated_at")
            batch.drop_column("unit_id")
    with op.batch_alter_table("unit") as batch:
        batch.drop_index("ix_unit_parent_id")
        batch.drop_index("ix_unit_name")
    op.drop_table("unit")
