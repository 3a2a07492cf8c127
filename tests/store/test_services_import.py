"""Importing the services residents can order: a bad file is rejected whole, every problem by row and column."""
from __future__ import annotations

import pytest
from sqlmodel import select

from store.models.orders import ServiceItem
from store.services_import import ServicesImportError, import_services
from store.tabular import FileRejected


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bad_file_is_rejected_whole_with_every_problem(db, tmp_path):
    path = write(tmp_path / "bad.csv", "code,name,kind,description,lead_days\n"
                                       "S-DY,送电影,电影,,七天\n送 戏,送戏,,,\nS-DY,重复,电影,,\n")
    with pytest.raises(FileRejected) as caught:
        import_services(db, path)
    assert isinstance(caught.value, ServicesImportError)
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (2, "lead_days"), (3, "code"), (3, "kind"), (4, "code")]
    text = caught.value.format_problems()
    assert "第 4 行，code：编号 S-DY 与第 2 行重复" in text
    assert "第 3 行，kind：类别不能为空" in text
    with db.session() as s:
        assert s.exec(select(ServiceItem)).all() == []


def test_header_problems_name_their_column(sqlite_db, tmp_path):
    path = write(tmp_path / "short.csv", "编号,名称,颜色\nS-1,送电影,红\n")
    with pytest.raises(ServicesImportError) as caught:
        import_services(sqlite_db, path)
    header = {p.column for p in caught.value.problems if p.row == 1}
    assert header == {"颜色", "kind", "description"}


@pytest.mark.parametrize("name, text, message", [
    ("empty.csv", "", "文件：文件是空的"),
    ("header.csv", "code,name,kind,description\n", "第 1 行：表头下面没有服务数据"),
    ("services.txt", "x", "文件：只支持 CSV 或 XLSX 文件"),
])
def test_unusable_files_say_why(sqlite_db, tmp_path, name, text, message):
    with pytest.raises(ServicesImportError) as caught:
        import_services(sqlite_db, write(tmp_path / name, text))
    assert caught.value.format_problems() == message
