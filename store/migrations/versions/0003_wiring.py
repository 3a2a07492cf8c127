"""A course's teacher account, and each resident's reminder switch per course

Revision ID: 0002_wiring
Revises: 0001
Create Date: 2026-12-03 08:35:12.524057
"""
from alembic import op
import sqlalchemy as sa

revision = '0002_wiring'
down_revision = "0002_chatstate"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Bring the schema forward."""
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('teacher_resident_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_course_teacher_resident', 'resident', ['teacher_resident_id'], ['id'])

    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        # Places taken before this switch existed keep their reminders.
        batch_op.add_column(sa.Column('reminders_on', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))


def downgrade() -> None:
    """Take the schema back."""
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_column('reminders_on')

    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_constraint('fk_course_teacher_resident', type_='foreignkey')
        batch_op.drop_column('teacher_resident_id')
