import sys

import pytest

from bot.search import forms, phrases


@pytest.mark.parametrize("text, sylls", [
    ("重阳节", ["chong", "yang", "jie"]),
    ("长者食堂", ["zhang", "zhe", "shi", "tang"]),
    ("乐器班", ["yue", "qi", "ban"]),
    ("长青花园", ["chang", "qing", "hua", "yuan"]),
    ("音乐欣赏", ["yin", "yue", "xin", "shang"]),
    ("快乐舞蹈", ["kuai", "le", "wu", "dao"]),
    ("银行卡", ["yin", "hang", "ka"]),
    ("行书", ["xing", "shu"]),
])
def test_heteronyms_in_catalogue_words_read_as_the_word_says(text, sylls):
    assert forms.syllables(text) == sylls


def test_the_table_holds_phrases_read_otherwise_and_words_only_to_be_cut_whole():
    table = phrases.load_table()
    assert 1000 < len(table) < 20000
    assert table["重阳"] == ("chong", "yang")
    assert table["快乐"] == ()  # read kuai le, as its characters say, but cut whole
    assert "太极" not in table
    for phrase, sylls in table.items():
        assert len(sylls) in (0, len(phrase))


def test_the_phrase_dictionary_of_pypinyin_is_not_loaded():
    assert "pypinyin.phrases_dict" not in sys.modules or "pytest" in sys.modules["pypinyin.phrases_dict"].__name__
    from pypinyin.constants import PHRASES_DICT
    assert len(PHRASES_DICT) < 100
