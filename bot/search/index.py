"""Fuzzy search over courses and categories by characters, pinyin, initials and synonyms."""
from __future__ import annotations

import gc
from dataclasses import dataclass, replace
from typing import Iterable

from rapidfuzz import fuzz, process

from . import forms
from .grams import GramIndex, bitset, grams
from .synonyms import load_synonyms

MIN_SCORE = 72.0
CANDIDATES = 120  # entries scored with rapidfuzz per query, on top of all categories
MAX_READINGS = 6
MAX_INITIALS = 12

# What a match on each field is worth next to an exact match on the title's characters.
W_CHARS, W_PINYIN, W_LOOSE, W_INITIALS = 1.0, 0.95, 0.9, 0.9
W_EXTRA_CHARS, W_EXTRA_PINYIN = 0.85, 0.8
W_SYNONYM, W_SYNONYM_PART = 0.95, 0.9
W_UNFINISHED = 0.95  # "shuf": the unfinished last syllable is dropped
W_ANY_ORDER = 0.9  # every typed character is in the title, but in another order
MIN_ANY_ORDER = 4  # fewer characters than this in any order prove little
INSIDE_BASE = 0.85  # share of the score a title inside a longer query keeps at the least
EXTRA = "x"  # prefix of candidate keys that come from `extra`


@dataclass(frozen=True, slots=True)
class SearchEntry:
    kind: str  # "course" or "category"
    key: str
    title: str
    extra: str = ""  # other searchable words, space separated


@dataclass(frozen=True, slots=True)
class SearchHit:
    kind: str
    key: str
    title: str
    score: float  # 0..100, higher is better


@dataclass(frozen=True)
class _Reading:
    """The query as typed, or a catalogue word the synonym table offers for it."""

    chars: str
    py: str  # one code per syllable, see forms.SyllableCodes
    loose: str  # the same after folding sounds people mix up
    loose_sylls: tuple[str, ...]
    ini: str  # the query itself when it may be typed initials
    weight: float
    typed: bool


class SearchIndex:
    """Courses and categories, searchable by what residents actually type.

    Built once from every entry; afterwards `upsert(entry)` adds or replaces one entry and
    `remove(kind, key)` takes one out, each touching only that entry's keys.
    """

    def __init__(self, entries: Iterable[SearchEntry], synonyms: dict[str, list[str]] | None = None):
        items = list(entries)
        self._codes = forms.SyllableCodes()
        self._slots: dict[tuple[str, str], int] = {}  # (kind, key) → id
        self._free: list[int] = []  # ids of removed entries, given out again
        self._entries: list[SearchEntry | None] = []
        self._chars: list[str] = []
        self._py: list[str] = []  # one code per syllable, see forms.SyllableCodes
        self._loose: list[str] = []
        self._ini: list[str] = []
        self._words: list[tuple[int, ...]] = []  # vocabulary ids of the words of `extra`
        self._rank: list[int] = []  # sorting rank on equal scores: categories, then shorter titles
        self._categories: dict[int, None] = {}
        self._vocab: dict[str, int] = {}  # distinct words of `extra`, matched once per query
        self._vocab_by_key: dict[str, list[int]] = {}
        self._vocab_chars: list[str] = []
        self._vocab_py: list[str] = []
        self._word_keys: list[tuple[str, ...]] = []  # candidate keys of each word, EXTRA-prefixed
        self._tokens: dict[str, tuple[int, ...]] = {}  # a space-separated piece of `extra` → its words
        # The build makes many containers that all live on: the cycle collector would walk them
        # again and again for nothing, a fifth of the build's time.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._build(items)
        finally:
            if collecting:
                gc.enable()
        table = load_synonyms() if synonyms is None else synonyms
        self._synonyms = []
        for word, targets in table.items():
            self._codes.add(forms.query_syllables(word)[0])  # so a word's pinyin can be told apart
            key = self._reading(word)
            offered = tuple(
                self._reading(t, W_SYNONYM, typed=False) for t in targets if forms.compact(t)
            )
            if key.chars and offered:
                self._synonyms.append((key.chars, key.py, offered))

    def _build(self, items: list[SearchEntry]) -> None:
        titles: dict[str, tuple] = {}
        # Every title's keys live until the postings are made: as one shared string per key (not
        # a dict of fresh strings per title) they take a tenth of the memory, and the heap the
        # build leaves behind shrinks with them.
        shared: dict[str, str] = {}

        def title_forms(title: str) -> tuple:
            *title_forms, keys = self._title_forms(title)
            return (*title_forms, tuple([shared.setdefault(key, key) for key in keys]))

        forms_of = [titles.get(e.title) or titles.setdefault(e.title, title_forms(e.title)) for e in items]
        # Ids follow title length, so when candidates are cut the shorter titles stay.
        order = sorted(range(len(items)), key=lambda k: (len(forms_of[k][0]), k))
        holding: dict[str, list[int]] = {}  # title → ids of the entries with it
        holders: list[list[int]] = []  # entries holding each word of the vocabulary
        for k in order:
            entry = items[k]
            if (entry.kind, entry.key) in self._slots:
                continue  # the first of two entries with one key stays
            i = len(self._entries)
            self._store(i, entry, forms_of[k])
            holding.setdefault(entry.title, []).append(i)
            for word in self._words[i]:
                if word == len(holders):
                    holders.append([])
                holders[word].append(i)
        postings: dict[str, list[int]] = {}
        groups: dict[int, list[int]] = {}
        for title, ids in holding.items():
            chars, _, _, _, keys = titles[title]
            for key in keys:
                postings.setdefault(key, []).extend(ids)
            groups.setdefault(len(chars), []).extend(ids)
        self._grams = GramIndex(postings, len(self._entries), groups)
        # A word's keys hold every entry holding the word: one bitset per word, not per entry.
        bits = self._grams.bits
        for word, ids in enumerate(holders):
            held = bitset(ids)
            for key in self._word_keys[word]:
                bits[key] = bits.get(key, 0) | held

    def __len__(self) -> int:
        return len(self._slots)

    def __contains__(self, kind_key: tuple[str, str]) -> bool:
        return kind_key in self._slots

    def upsert(self, entry: SearchEntry) -> None:
        """Add an entry, or replace the one of the same kind and key (a course published or edited)."""
        slot = self._slots.get((entry.kind, entry.key))
        if slot is not None:
            if self._entries[slot] == entry:
                return
            self.remove(entry.kind, entry.key)
        i = self._free.pop() if self._free else len(self._entries)
        chars, keys = self._store(i, entry, self._title_forms(entry.title))
        keys = set(keys).union(*(self._word_keys[word] for word in self._words[i]))
        self._grams.add(i, keys, len(chars))

    def remove(self, kind: str, key: str) -> bool:
        """Take an entry out (a course withdrawn); False when it was not there."""
        i = self._slots.pop((kind, key), None)
        if i is None:
            return False
        entry = self._entries[i]
        chars, _, _, _, keys = self._title_forms(entry.title)
        keys = set(keys).union(*(self._word_keys[word] for word in self._words[i]))
        self._grams.discard(i, keys, len(chars))
        self._categories.pop(i, None)
        self._entries[i] = None
        self._chars[i] = self._py[i] = self._loose[i] = self._ini[i] = ""
        self._words[i] = ()
        self._free.append(i)
        return True

    def _title_forms(self, title: str) -> tuple[str, str, str, str, dict[str, int]]:
        """Characters, pinyin codes, loose codes, initials and candidate keys of a title."""
        chars, sylls = forms.compact_and_syllables(title)
        loose = [forms.loose(s) for s in sylls]
        ini = forms.initials(sylls)
        return chars, self._codes.add(sylls), self._codes.add(loose), ini, grams(chars, loose, ini)

    def _store(self, i: int, entry: SearchEntry, title_forms: tuple) -> tuple[str, dict[str, int]]:
        """Keep an entry's forms at id i; its characters and title keys are returned."""
        chars, py, loose, ini, keys = title_forms
        words = self._learn(entry.extra)
        rank = (entry.kind != "category") << 48 | len(chars) << 32 | i
        if i == len(self._entries):
            for column in (self._entries, self._chars, self._py, self._loose, self._ini, self._words, self._rank):
                column.append(None)
        self._entries[i], self._chars[i], self._py[i], self._loose[i] = entry, chars, py, loose
        self._ini[i], self._words[i], self._rank[i] = ini, words, rank
        self._slots[(entry.kind, entry.key)] = i
        if entry.kind == "category":
            self._categories[i] = None
        return chars, keys

    def _learn(self, extra: str) -> tuple[int, ...]:
        """Vocabulary ids of the words of `extra`, learning new words."""
        ids: dict[int, None] = {}
        for token in extra.split():
            known = self._tokens.get(token)
            if known is None:
                known = self._tokens[token] = tuple(self._word_id(w) for w in forms.normalize(token).split())
            ids.update(dict.fromkeys(known))
        return tuple(ids)

    def _word_id(self, word: str) -> int:
        """The vocabulary id of a word of `extra`, learning it when new."""
        n = self._vocab.get(word)
        if n is None:
            n = self._vocab[word] = len(self._vocab)
            sylls = forms.syllables(word)
            word_grams = grams(word, [forms.loose(s) for s in sylls])
            for key in word_grams:
                self._vocab_by_key.setdefault(key, []).append(n)
            self._word_keys.append(tuple(EXTRA + key for key in word_grams))
            self._vocab_chars.append(word)
            self._vocab_py.append(self._codes.add(sylls))
        return n

    def search(self, query: str, limit: int = 8) -> list[SearchHit]:
        """Best matches first; [] when nothing sensible matches."""
        if not isinstance(query, str) or limit <= 0 or not self._slots:
            return []
        # Cut before normalising so a huge paste costs nothing, and again after.
        text = forms.normalize(query[: 4 * forms.MAX_QUERY_CHARS])[: forms.MAX_QUERY_CHARS]
        if not text:
            return []
        readings = self._readings(text)
        ids = self._candidates(readings)
        best = [0.0] * len(ids)
        choices: dict[str, list[str]] = {}  # field strings of the candidates, built on first use
        for r in readings:
            w = r.weight
            if forms.has_han(r.chars) or not r.py:
                self._match(r.chars, "_chars", ids, w * W_CHARS, best, choices)
            if r.typed:  # synonym targets are catalogue words: their characters suffice
                self._match(r.py, "_py", ids, w * W_PINYIN, best, choices)
                self._match(r.loose, "_loose", ids, w * W_LOOSE, best, choices)
                self._match(r.ini, "_ini", ids, w * W_INITIALS, best, choices, exact=True)
        self._match_any_order(readings[0].chars, ids, best)
        self._match_extra(readings, ids, best)

        found = [(-s, self._rank[ids[k]], ids[k]) for k, s in enumerate(best) if s >= MIN_SCORE]
        found.sort()
        hits = []
        for score, _, i in found[:limit]:
            e = self._entries[i]
            if e is None:  # taken out by another thread during this search
                continue
            hits.append(SearchHit(e.kind, e.key, e.title, min(round(-score, 1), 100.0)))
        return hits

    def _reading(self, text: str, weight: float = 1.0, typed: bool = True) -> _Reading:
        chars = forms.compact(text)
        sylls, unfinished = forms.query_syllables(text)
        if unfinished and len(sylls) > 1:
            sylls, weight = sylls[:-1], weight * W_UNFINISHED
        if not any(forms.is_syllable(s) for s in sylls):
            sylls = []
        loose = [forms.loose(s) for s in sylls]
        latin = chars.isascii() and chars.isalpha()
        return _Reading(
            chars=chars,
            py=self._codes.encode(sylls),
            loose=self._codes.encode(loose),
            loose_sylls=tuple(loose),
            ini=chars if latin and 2 <= len(chars) <= MAX_INITIALS else "",
            weight=weight,
            typed=typed,
        )

    def _readings(self, text: str) -> list[_Reading]:
        typed = self._reading(text)
        offers: dict[str, _Reading] = {}
        for chars, py, offered in self._synonyms:
            if chars in typed.chars or (py and py in typed.py):
                whole = chars == typed.chars or bool(py) and py == typed.py
                for r in offered:
                    if not whole:  # the word is only part of the query, which may say more
                        r = replace(r, weight=W_SYNONYM_PART)
                    held = offers.get(r.chars)
                    if r.chars != typed.chars and (held is None or r.weight > held.weight):
                        offers[r.chars] = r
        ranked = sorted(offers.values(), key=lambda r: -r.weight)
        return [typed] + ranked[: MAX_READINGS - 1]

    def _candidates(self, readings: list[_Reading]) -> list[int]:
        """Entries sharing most keys with what was typed, then with the synonyms, then categories."""
        chosen: dict[int, None] = {}
        for group, limit in ((readings[:1], CANDIDATES), (readings[1:], CANDIDATES // 2)):
            weighted: dict[str, int] = {}
            for r in group:
                for key, w in grams(r.chars, list(r.loose_sylls), r.ini).items():
                    # A key found in the title counts double one found in `extra`.
                    weighted[key] = max(weighted.get(key, 0), 2 * w)
                    weighted[EXTRA + key] = max(weighted.get(EXTRA + key, 0), w)
            chosen.update(dict.fromkeys(self._grams.top(weighted, limit)))
        chosen.update(dict.fromkeys(self._categories))
        return list(chosen)

    def _match(self, needle: str, field: str, ids: list[int], weight: float, best: list[float],
               choices: dict[str, list[str]], exact: bool = False) -> None:
        """Raise best[k] to the weighted partial-match score of needle on one title form."""
        if not needle:
            return
        # Score = weight * (0.9 * partial + 0.1 * length closeness), so this raw score is needed.
        cutoff = 100 if exact else (MIN_SCORE / weight - 10) / 0.9
        if cutoff > 100:
            return
        if field not in choices:
            texts = getattr(self, field)
            choices[field] = [texts[i] for i in ids]
        n = len(needle)
        found = process.extract(needle, choices[field], scorer=fuzz.partial_ratio,
                                limit=None, score_cutoff=cutoff)
        for _, raw, k in found:
            size = len(choices[field][k])
            if size < n:
                # The title sits inside the query: fine for "我想学书法", but the rest of
                # the query went unmatched, and typed initials must all match.
                if exact:
                    continue
                raw *= INSIDE_BASE + (1 - INSIDE_BASE) * size / n
            score = weight * (0.9 * raw + 20.0 * min(n, size) / (n + size))
            if score > best[k]:
                best[k] = score

    def _match_any_order(self, chars: str, ids: list[int], best: list[float]) -> None:
        """Lift titles holding every typed character: "32式太极剑" for "太极剑（32式）"."""
        wanted = set(chars)
        if len(wanted) < MIN_ANY_ORDER or not forms.has_han(chars):
            return
        n = len(chars)
        for k, i in enumerate(ids):
            title = self._chars[i]
            if best[k] < W_ANY_ORDER * 100 and all(ch in title for ch in wanted):
                size = len(title)
                best[k] = max(best[k], W_ANY_ORDER * (90 + 20.0 * min(n, size) / (n + size)))

    def _match_extra(self, readings: list[_Reading], ids: list[int], best: list[float]) -> None:
        """Score words of `extra` (category, teacher, place, tags) once, then lift their entries."""
        scores: dict[int, float] = {}
        for r in readings:
            # Only words sharing a character or a syllable with the reading can score enough.
            near = set()
            for key in grams(r.chars, list(r.loose_sylls)):
                near.update(self._vocab_by_key.get(key, ()))
            if not near:
                continue
            words = sorted(near)
            passes = [(r.chars, self._vocab_chars, W_EXTRA_CHARS)]
            if r.typed and r.py:
                passes.append((r.py, self._vocab_py, W_EXTRA_PINYIN))
            for needle, vocab, weight in passes:
                w = weight * r.weight
                found = process.extract(needle, [vocab[t] for t in words], scorer=fuzz.partial_ratio,
                                        limit=None, score_cutoff=MIN_SCORE / w)
                for _, raw, pos in found:
                    t = words[pos]
                    size, n = len(vocab[t]), len(needle)
                    if size < n:
                        if size < 2:
                            continue  # a one-character word inside a query says little
                        raw *= INSIDE_BASE + (1 - INSIDE_BASE) * size / n
                    scores[t] = max(scores.get(t, 0.0), raw * w)
        if not scores:
            return
        for k, i in enumerate(ids):
            for t in self._words[i]:
                score = scores.get(t)
                if score is not None and score > best[k]:
                    best[k] = score
