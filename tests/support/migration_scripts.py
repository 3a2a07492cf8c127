"""Migration scripts written by tests, as Alembic's template writes them."""
from __future__ import annotations

from pathlib import Path

SCRIPT = '''"""{message}"""
from typing import Sequence, Union

revision: str = {revision!r}
down_revision: Union[str, Sequence[str], None] = {down!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
'''


def write_script(versions: Path, name: str, revision: str, down, message: str = "a later change") -> Path:
    """Write an empty migration script revising down (an id, a tuple of ids, or None)."""
    path = versions / f"{name}.py"
    path.write_text(SCRIPT.format(message=message, revision=revision, down=down), encoding="utf-8")
    return path
