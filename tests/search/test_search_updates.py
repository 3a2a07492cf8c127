from bot.search import SearchEntry, SearchIndex

BASE = [
    SearchEntry("category", "1", "书法", "文化"),
    SearchEntry("category", "2", "太极", "体育"),
    SearchEntry("course", "C001", "零基础书法入门", "书法 文化 张秀兰 公益"),
    SearchEntry("course", "C002", "二十四式太极拳", "太极 体育 李明"),
]


def keys(hits):
    return [h.key for h in hits]


def test_an_upserted_course_is_found_by_title_pinyin_and_teacher():
    index = SearchIndex(BASE)
    index.upsert(SearchEntry("course", "C100", "重阳节老年合唱", "合唱 艺术 陈红梅"))
    assert "C100" in keys(index.search("重阳节合唱"))
    assert "C100" in keys(index.search("chongyang"))
    assert "C100" in keys(index.search("陈红梅"))
    assert len(index) == 5


def test_an_edited_title_is_found_by_the_new_title_not_the_old():
    index = SearchIndex(BASE)
    index.upsert(SearchEntry("course", "C001", "硬笔楷书提高班", "书法 文化 张秀兰 公益"))
    assert "C001" in keys(index.search("楷书"))
    assert "C001" not in keys(index.search("零基础"))
    assert len(index) == 4


def test_a_removed_course_is_not_found():
    index = SearchIndex(BASE)
    assert index.remove("course", "C002")
    assert "C002" not in keys(index.search("太极拳"))
    assert "C002" not in keys(index.search("李明"))
    assert not index.remove("course", "C002")
    assert len(index) == 3


def test_a_removed_place_is_given_to_the_next_course():
    index = SearchIndex(BASE)
    index.remove("course", "C002")
    index.upsert(SearchEntry("course", "C200", "陈式太极剑", "太极 体育 王建国"))
    assert keys(index.search("太极剑"))[:1] == ["C200"]
    assert "C002" not in keys(index.search("二十四式"))


def test_an_unchanged_upsert_changes_nothing():
    index = SearchIndex(BASE)
    before = index.search("shufa")
    index.upsert(BASE[2])
    assert index.search("shufa") == before and len(index) == 4


def test_updates_give_the_same_answers_as_a_fresh_build():
    changed = BASE[:3] + [SearchEntry("course", "C300", "太极扇入门", "太极 体育 周静")]
    index = SearchIndex(BASE)
    index.remove("course", "C002")
    index.upsert(changed[-1])
    fresh = SearchIndex(changed)
    for query in ("太极", "taiji", "tjs", "书法", "周静", "入门"):
        assert keys(index.search(query)) == keys(fresh.search(query)), query


def test_a_new_short_title_wins_a_tie_over_longer_ones():
    many = [SearchEntry("course", f"L{n:03d}", f"书法提高班第{n + 1}期", "书法") for n in range(200)]
    index = SearchIndex(many)
    index.upsert(SearchEntry("course", "NEW", "书法", "书法"))
    assert keys(index.search("书法", limit=3))[0] == "NEW"
