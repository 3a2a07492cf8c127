import pytest

from bot.search.synonyms import load_synonyms, parse_synonyms


def test_packaged_table_maps_everyday_words_to_catalogue_words():
    table = load_synonyms()
    assert len(table) >= 40
    assert table["跳舞"] == ["舞蹈"]
    assert set(table["唱歌"]) == {"声乐", "合唱"}
    assert table["打太极"] == ["太极"]


def test_packaged_table_is_a_fresh_copy():
    load_synonyms()["跳舞"].append("乱写")
    assert load_synonyms()["跳舞"] == ["舞蹈"]


def test_table_from_a_file(tmp_path):
    path = tmp_path / "syn.toml"
    path.write_text('[synonyms]\n"拉伸" = "瑜伽"\n"空" = []\n', encoding="utf-8")
    assert load_synonyms(path) == {"拉伸": ["瑜伽"]}


def test_bad_table_is_refused():
    with pytest.raises(ValueError):
        parse_synonyms({"synonyms": {"跳舞": 3}})
