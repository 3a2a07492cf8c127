"""`linli import units FILE` and `linli units`: the tree from a file, printed back indented."""
from __future__ import annotations

from bot.cli import main
from tests.store.test_units_import import GOOD, write_csv


def test_import_then_print_the_tree(db_file, tmp_path, capsys):
    assert main(["units"]) == 1
    assert "linli import units" in capsys.readouterr().err
    assert main(["import", "units", str(write_csv(tmp_path / "u.csv", GOOD))]) == 0
    assert '"units_created": 7' in capsys.readouterr().out
    assert main(["units"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("ROOT  区文化馆（总馆）")
    assert lines[1] == "  FG-A  甲街道分馆（分馆）"
    assert lines[2] == "    SP-1  一号社区（服务点）"


def test_a_bad_file_exits_1_and_names_the_rows(db_file, tmp_path, capsys):
    bad = GOOD + [["SP-9", "九号社区", "3", "NOPE", "", ""]]
    assert main(["import", "units", str(write_csv(tmp_path / "bad.csv", bad))]) == 1
    err = capsys.readouterr().err
    assert "导入失败，文件未做任何改动" in err and "第 9 行，parent" in err
