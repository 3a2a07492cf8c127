import json
import subprocess
import sys

import pytest

from bot.search import forms, phrases
from tests.conftest import ROOT


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


# pypinyin's own reading of every character it knows, as the shipped file was written from it.
PYPINYIN_READINGS = """
import json, os
os.environ["PYPINYIN_NO_PHRASES"] = "1"
from pypinyin import lazy_pinyin
from pypinyin.pinyin_dict import pinyin_dict
print(json.dumps({chr(code): lazy_pinyin(chr(code))[0] for code in pinyin_dict}, ensure_ascii=False))
"""


def test_every_character_reads_as_pypinyin_reads_it():
    done = subprocess.run([sys.executable, "-c", PYPINYIN_READINGS], capture_output=True, text=True,
                          encoding="utf-8", check=True, timeout=300)
    expected = json.loads(done.stdout)
    assert len(expected) > 40000
    differ = {ch: (phrases.char_reading(ch), syllable) for ch, syllable in expected.items()
              if phrases.char_reading(ch) != syllable}
    assert differ == {}


def test_characters_without_a_reading_read_as_themselves():
    unread = ["\u3402", "\uf900", "\U00020002", "a", "ㄅ"]
    assert [phrases.char_reading(ch) for ch in unread] == unread


def test_search_does_not_load_pypinyin():
    done = subprocess.run([sys.executable, "-c", "import sys, bot.search; print('pypinyin' in sys.modules)"],
                          cwd=str(ROOT), capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.split() == ["False"]
