import pytest

from bot.search import forms


def test_normalize_folds_width_case_and_punctuation():
    assert forms.normalize("  ＡＢＣ　太极拳！！ 第３期 ") == "abc 太极拳 第三期"


def test_numbers_are_read_in_chinese():
    assert forms.normalize("24式") == forms.normalize("二十四式") == "二十四式"
    assert [forms.chinese_number(d) for d in ("7", "10", "42", "2025")] == ["七", "十", "四十二", "二零二五"]


def test_compact_drops_spaces():
    assert forms.compact("书 法\t入门") == "书法入门"


def test_syllables_use_the_reading_of_the_phrase():
    assert forms.syllables("声乐") == ["sheng", "yue"]
    assert forms.syllables("乐器") == ["yue", "qi"]


def test_syllables_keep_latin_words():
    assert forms.syllables("AI绘画12式") == ["ai", "hui", "hua", "shi", "er", "shi"]


@pytest.mark.parametrize(
    "typed, sylls",
    [
        ("shufa", ["shu", "fa"]),
        ("xiangqi", ["xiang", "qi"]),
        ("zhinengshouji", ["zhi", "neng", "shou", "ji"]),
    ],
)
def test_split_pinyin(typed, sylls):
    assert forms.split_pinyin(typed) == (sylls, False)


def test_split_pinyin_marks_an_unfinished_syllable():
    assert forms.split_pinyin("shuf") == (["shu", "f"], True)
    assert forms.split_pinyin("shuf", allow_partial=False) is None


@pytest.mark.parametrize("typed", ["tjq", "sf", "asdkjhqwe"])
def test_split_pinyin_rejects_non_pinyin(typed):
    assert forms.split_pinyin(typed) is None


def test_query_syllables_mix_characters_and_pinyin():
    assert forms.query_syllables("太极 quan") == (["tai", "ji", "quan"], False)


def test_initials():
    assert forms.initials(forms.syllables("二十四式太极拳")) == "essstjq"


@pytest.mark.parametrize(
    "hard, soft", [("shu", "su"), ("zhi", "zi"), ("sheng", "sen"), ("jing", "jin"), ("lao", "nao")]
)
def test_loose_folds_sounds_people_mix_up(hard, soft):
    assert forms.loose(hard) == soft


def test_syllable_codes_are_one_character_per_syllable():
    codes = forms.SyllableCodes()
    learned = codes.add(["shu", "fa"])
    assert len(learned) == 2
    assert codes.encode(["shu", "fa"]) == learned
    assert codes.encode(["tai"]) == forms.SyllableCodes.UNKNOWN


def test_u_with_umlaut_is_typed_as_v():
    assert forms.query_syllables("lü") == (["lv"], False)
