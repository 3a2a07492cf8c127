import random

import pytest

from bot.search import SearchEntry, SearchHit, SearchIndex

CATEGORIES = {
    "1": ("书法", "文化"),
    "2": ("太极", "体育"),
    "3": ("舞蹈", "艺术"),
    "4": ("声乐", "艺术"),
    "5": ("合唱", "艺术"),
    "6": ("瑜伽", "体育"),
    "7": ("乒乓球", "体育"),
    "8": ("智能手机", "文化"),
    "9": ("摄影", "文化"),
    "10": ("美术", "艺术"),
    "11": ("国画", "艺术"),
    "12": ("器乐", "艺术"),
    "13": ("古筝", "艺术"),
}
COURSES = [
    ("C001", "零基础书法入门", "1", "张秀兰 公益"),
    ("C002", "硬笔楷书提高班", "1", "王建国"),
    ("C003", "二十四式太极拳", "2", "李明"),
    ("C004", "杨式太极拳提高班", "2", "李明"),
    ("C005", "老年广场舞基础班", "3", "赵海燕"),
    ("C006", "民族舞进阶班", "3", "赵海燕"),
    ("C007", "美声发声训练", "4", "陈红梅"),
    ("C008", "社区混声合唱团", "5", "陈红梅"),
    ("C009", "椅子瑜伽（老年友好）", "6", "周静"),
    ("C010", "哈他瑜伽入门", "6", "周静"),
    ("C011", "乒乓球正手攻球", "7", "吴志强"),
    ("C012", "老年智能手机入门（微信视频通话）", "8", "徐晓东"),
    ("C013", "手机摄影入门", "9", "孙玉珍"),
    ("C014", "少儿素描基础", "10", "胡春生"),
    ("C015", "花鸟画写意", "11", "胡春生"),
    ("C016", "二胡入门", "12", "郭国庆"),
    ("C017", "古筝演奏入门", "13", "林丽华"),
]


@pytest.fixture(scope="module")
def index():
    entries = [SearchEntry("category", key, name, section) for key, (name, section) in CATEGORIES.items()]
    for code, title, cat, more in COURSES:
        name, section = CATEGORIES[cat]
        entries.append(SearchEntry("course", code, title, f"{name} {section} {more}"))
    return SearchIndex(entries)


def titles(hits, n=3):
    return [h.title for h in hits[:n]]


def test_exact_category_name_puts_category_first(index):
    hits = index.search("书法")
    assert (hits[0].kind, hits[0].key, hits[0].title) == ("category", "1", "书法")
    assert "零基础书法入门" in titles(hits)


def test_partial_word_finds_longer_titles(index):
    found = titles(index.search("太极"), 5)
    assert found[0] == "太极"
    assert "二十四式太极拳" in found and "杨式太极拳提高班" in found


def test_single_character_finds_yoga(index):
    found = titles(index.search("瑜"))
    assert set(found) <= {"瑜伽", "哈他瑜伽入门", "椅子瑜伽（老年友好）"} and "瑜伽" in found


@pytest.mark.parametrize("query", ["shufa", "shu fa", "SHUFA", "ｓｈｕｆａ"])
def test_full_pinyin_finds_calligraphy(index, query):
    assert index.search(query)[0].title == "书法"


def test_initials_find_taiji(index):
    assert index.search("tj")[0].title == "太极"
    assert "二十四式太极拳" in titles(index.search("tjq"))


def test_initials_find_calligraphy(index):
    assert index.search("sf")[0].title == "书法"


def test_homophone_typo_finds_calligraphy(index):
    hits = index.search("书发")
    assert hits[0].title == "书法"
    assert "零基础书法入门" in titles(hits)


@pytest.mark.parametrize(
    "typo, meant",
    [("太急", "太极"), ("舞到", "舞蹈"), ("声月", "声乐"), ("瑜加", "瑜伽"), ("国化", "国画"), ("瑜珈", "瑜伽")],
)
def test_homophone_typos_find_the_meant_word(index, typo, meant):
    assert index.search(typo)[0].title == meant


def test_homophone_typo_inside_a_longer_title(index):
    assert "二十四式太极拳" in titles(index.search("二十四式太急拳"))


def test_sounds_people_mix_up_still_match(index):
    assert index.search("sufa")[0].title == "书法"  # s for sh
    assert index.search("古镇")[0].title == "古筝"  # zhen for zheng


def test_synonym_dance(index):
    assert index.search("跳舞")[0].title == "舞蹈"


def test_synonym_singing_offers_both_vocal_and_choir(index):
    assert {"声乐", "合唱"} <= set(titles(index.search("唱歌")))


def test_synonym_inside_a_sentence(index):
    assert index.search("我想学跳舞")[0].title == "舞蹈"


def test_synonym_typed_as_pinyin_or_homophone(index):
    assert index.search("tiaowu")[0].title == "舞蹈"
    assert index.search("跳五")[0].title == "舞蹈"


def test_synonym_with_a_verb_in_front(index):
    assert index.search("打太极")[0].title == "太极"
    assert "乒乓球" in titles(index.search("打乒乓"))


def test_custom_synonym_table_replaces_the_packaged_one(index):
    entries = [SearchEntry("category", "6", "瑜伽"), SearchEntry("category", "3", "舞蹈")]
    custom = SearchIndex(entries, synonyms={"拉伸": ["瑜伽"]})
    assert titles(custom.search("拉伸")) == ["瑜伽"]
    assert custom.search("跳舞") == []


def test_words_in_extra_are_searchable(index):
    found = titles(index.search("周静"))
    assert set(found) == {"哈他瑜伽入门", "椅子瑜伽（老年友好）"}


def test_course_found_through_its_category_name(index):
    assert "硬笔楷书提高班" in titles(index.search("书法"), 8)


def test_mixed_characters_and_pinyin(index):
    assert "二十四式太极拳" in titles(index.search("太极quan"))


def test_digits_meet_chinese_numbers(index):
    assert index.search("24式")[0].title == "二十四式太极拳"


@pytest.mark.parametrize(
    "query", ["asdkjhqwe", "？？？", "qwerty", "zzzz", "123456", "今天天气怎么样", "xkcdxkcd", "😀😀"]
)
def test_garbage_finds_nothing(index, query):
    assert index.search(query) == []


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "！！，。", "..."])
def test_empty_query_finds_nothing(index, query):
    assert index.search(query) == []


@pytest.mark.parametrize("query", ["书法" * 5000, "a" * 100_000, "我想学" * 40 + "书法", "shufa " * 300])
def test_long_query_does_not_raise(index, query):
    hits = index.search(query)
    assert isinstance(hits, list) and len(hits) <= 8


@pytest.mark.parametrize("query", ["\x00", "\ud800", "𠀀𠀁", "ß", "ǖ", "Ⅻ", "①②", "太极\u200b拳"])
def test_odd_characters_do_not_raise(index, query):
    assert isinstance(index.search(query), list)


def test_random_text_gives_short_sorted_lists(index):
    rng = random.Random(7)
    pools = ["书法太极舞蹈声乐瑜伽的了我想学", "abcdefghijklmnopqrstuvwxyz ", "０１２３！？，。　\t\n😀𠀀"]
    for _ in range(300):
        text = "".join(rng.choice(rng.choice(pools)) for _ in range(rng.randint(0, 60)))
        hits = index.search(text, limit=5)
        assert len(hits) <= 5
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_limit_is_respected(index):
    assert len(index.search("太极", limit=1)) == 1
    assert index.search("太极", limit=0) == []


def test_hits_are_sorted_and_scored_0_to_100(index):
    hits = index.search("老年")
    assert hits and all(isinstance(h, SearchHit) for h in hits)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 100 for s in scores)


def test_exact_match_scores_100(index):
    assert index.search("书法")[0].score == 100.0


def test_len_counts_all_entries(index):
    assert len(index) == len(CATEGORIES) + len(COURSES)


def test_empty_index_finds_nothing():
    empty = SearchIndex([])
    assert len(empty) == 0
    assert empty.search("书法") == []
