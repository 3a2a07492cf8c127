from bot.search.grams import GramIndex, grams, lowest_bits


def test_grams_weigh_syllable_pairs_double():
    keys = grams("书法", ["su", "fa"], "sf")
    assert keys == {"c:书": 1, "c:法": 1, "s:su": 1, "s:fa": 1, "b:su fa": 2, "i:sf": 1}


def test_top_keeps_the_ids_with_most_weight():
    index = GramIndex({"a": [0, 1, 2, 3], "b": [2, 3, 5], "c": [3, 7]}, size=8)
    assert index.top({"a": 1, "b": 1, "c": 1}, 10) == [0, 1, 2, 3, 5, 7]
    assert index.top({"a": 1, "b": 1, "c": 1}, 1) == [3]
    assert index.top({"a": 1, "c": 4}, 2) == [3, 7]
    assert index.top({"a": 1, "b": 3}, 3) == [2, 3, 5]


def test_top_prefers_low_ids_on_ties():
    index = GramIndex({"a": [1, 4, 6, 9]}, size=10)
    assert index.top({"a": 1}, 2) == [1, 4]


def test_top_with_unknown_keys_is_empty():
    assert GramIndex({"a": [1]}, size=4).top({"zz": 1}, 5) == []


def test_lowest_bits():
    assert lowest_bits(0b1011_0100, 3) == [2, 4, 5]
    assert lowest_bits(0, 3) == []
