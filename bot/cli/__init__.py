"""The `linli` command: every subcommand comes from one of the command-group modules listed here."""
from __future__ import annotations

import argparse
import logging
import sys

from bot.cli import (
    attendance,
    backup,
    db,
    feedback,
    group,
    imports,
    lottery,
    outbox,
    privacy,
    qr,
    ratings,
    report,
    service,
    staff,
    units,
    vote,
    webhook,
    wechat,
    wecom,
)
from bot.observability.logs import setup_logging
from bot.privacy import PhoneKeyMissing
from bot.schema import SchemaNotReady

# In the order `linli --help` lists them; each module's add_commands registers its subcommands.
COMMAND_GROUPS = (service, imports, units, outbox, ratings, feedback, qr, staff, group, vote, lottery, report,
                  attendance, webhook, wechat, wecom, db, backup, privacy)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="linli", description="邻里：文体服务聊天前台")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in COMMAND_GROUPS:
        module.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script: 2 when the database's schema is not ready."""
    args = build_parser().parse_args(argv)
    if args.command == "chat":  # the terminal is the conversation: only warnings, plainly
        setup_logging(logging.WARNING, human=True)
    else:
        setup_logging(logging.INFO)
    try:
        return args.func(args)
    except (SchemaNotReady, PhoneKeyMissing) as refused:
        print(refused, file=sys.stderr)
        return 2
