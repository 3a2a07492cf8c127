"""`linli --help` lists every command group, and every subcommand answers `--help`."""
from __future__ import annotations

import argparse
import pkgutil
import subprocess
import sys

import pytest

import bot.cli
from bot.cli import COMMAND_GROUPS, build_parser, main


def subcommands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every subcommand path of a parser, e.g. ("import", "venues"), parents before children."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found.append((*path, name))
                found.extend(subcommands(child, (*path, name)))
    return found


TOP_LEVEL = [path[0] for path in subcommands(build_parser()) if len(path) == 1]


def test_every_module_of_the_package_is_a_listed_command_group():
    modules = {info.name for info in pkgutil.iter_modules(bot.cli.__path__)} - {"__main__"}
    assert modules == {module.__name__.rsplit(".", 1)[1] for module in COMMAND_GROUPS}


def test_help_lists_every_command_group(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert len(TOP_LEVEL) >= len(COMMAND_GROUPS)
    for name in TOP_LEVEL:
        assert f"\n    {name} " in out


@pytest.mark.parametrize("path", subcommands(build_parser()), ids=" ".join)
def test_each_subcommand_has_help(path, capsys):
    with pytest.raises(SystemExit) as done:
        main([*path, "--help"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: linli {' '.join(path)}")


def test_python_dash_m_is_the_same_command():
    done = subprocess.run([sys.executable, "-m", "bot.cli", "--help"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0
    for name in TOP_LEVEL:
        assert name in done.stdout
