"""Bitset postings of short keys (characters, syllables, initials) used to pick candidates."""
from __future__ import annotations

import re
from typing import Iterable

_NONZERO = re.compile(rb"[^\x00]")


def grams(chars: str, loose_sylls: list[str], ini: str = "") -> dict[str, int]:
    """Keys of a text with their weight; a pair of syllables says more than one."""
    out = {"c:" + ch: 1 for ch in chars if "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"}
    for s in loose_sylls:
        out["s:" + s] = 1
    for k in range(1, len(loose_sylls)):
        out["b:" + loose_sylls[k - 1] + " " + loose_sylls[k]] = 2
    for k in range(len(ini) - 1):
        out["i:" + ini[k : k + 2]] = 1
    return out


class GramIndex:
    """Maps each key to the bitset of entry ids holding it; ranks ids by weighted key count.

    Ids can be added and taken out one at a time. On equal weight the ids of the lowest tie group
    win (the search index groups by title length), then the lowest ids.
    """

    def __init__(self, postings: dict[str, list[int]] | None = None, size: int = 0,
                 groups: dict[int, list[int]] | None = None):
        self.bits: dict[str, int] = {key: bitset(ids) for key, ids in (postings or {}).items()}
        self.live = (1 << size) - 1
        self.groups: dict[int, int] = {g: bitset(ids) for g, ids in (groups or {}).items()}

    def add(self, i: int, keys: Iterable[str], group: int = 0) -> None:
        """Give id i the keys, in a tie group."""
        bit = 1 << i
        for key in keys:
            self.bits[key] = self.bits.get(key, 0) | bit
        self.groups[group] = self.groups.get(group, 0) | bit
        self.live |= bit

    def discard(self, i: int, keys: Iterable[str], group: int = 0) -> None:
        """Take id i out of the keys it was given."""
        bit = 1 << i
        for key in keys:
            left = self.bits.get(key, 0) & ~bit
            if left:
                self.bits[key] = left
            else:
                self.bits.pop(key, None)
        left = self.groups.get(group, 0) & ~bit
        if left:
            self.groups[group] = left
        else:
            self.groups.pop(group, None)
        self.live &= ~bit

    def top(self, weighted: dict[str, int], limit: int) -> list[int]:
        """In id order, the `limit` ids with the highest total weight of matching keys."""
        bits = self.bits
        found = [(b, w) for b, w in ((bits.get(k, 0), w) for k, w in weighted.items()) if b]
        if not found or limit <= 0:
            return []
        total = sum(w for _, w in found)
        planes = [0] * total.bit_length()
        # A counter per id, kept as bit planes: planes[j] holds bit j of every id's count.
        for bits, w in found:
            for level in range(w.bit_length()):
                if w >> level & 1:
                    _add(planes, bits, level)
        everyone = _at_least(planes, 1, self.live)
        if everyone.bit_count() <= limit:
            return lowest_bits(everyone, limit)
        # Binary search for the highest count that still reaches `limit` ids, up to the highest
        # count any id has (found plane by plane, without counting bits).
        lo, hi, holders = 1, 0, everyone
        for j in range(len(planes) - 1, -1, -1):
            if holders & planes[j]:
                holders &= planes[j]
                hi |= 1 << j
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if _at_least(planes, mid, self.live).bit_count() >= limit:
                lo = mid
            else:
                hi = mid - 1
        above = _at_least(planes, lo + 1, self.live)
        size = above.bit_count()
        tied = _at_least(planes, lo, self.live) & ~above
        return sorted(lowest_bits(above, size) + self._first(tied, limit - size))

    def _first(self, bits: int, limit: int) -> list[int]:
        """The first `limit` ids of a bitset: by tie group, then by id."""
        if len(self.groups) < 2:
            return lowest_bits(bits, limit)
        out: list[int] = []
        for group in sorted(self.groups):
            part = bits & self.groups[group]
            if part:
                out += lowest_bits(part, limit - len(out))
                if len(out) >= limit:
                    break
        return out


def bitset(ids: Iterable[int]) -> int:
    """The int whose set bits are the ids."""
    ids = list(ids)
    if not ids:
        return 0
    buf = bytearray((max(ids) >> 3) + 1)
    for i in ids:
        buf[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(buf, "little")


def _at_least(planes: list[int], count: int, mask: int) -> int:
    """Bitset of the ids whose counter is at least `count`."""
    if count >> len(planes):
        return 0  # more than any counter can hold
    above, same = 0, mask
    for j in range(len(planes) - 1, -1, -1):
        if count >> j & 1:
            same &= planes[j]
        else:
            above |= same & planes[j]
            same &= ~planes[j]
    return above | same


def _add(planes: list[int], bits: int, level: int) -> None:
    """Add 2**level to the counter of every id in bits (ripple carry across the planes)."""
    carry = bits
    while carry and level < len(planes):
        planes[level], carry = planes[level] ^ carry, planes[level] & carry
        level += 1


def lowest_bits(x: int, limit: int) -> list[int]:
    """Positions of the lowest `limit` set bits of x."""
    out: list[int] = []
    if x <= 0 or limit <= 0:
        return out
    data = x.to_bytes((x.bit_length() + 7) // 8, "little")
    for found in _NONZERO.finditer(data):  # skips the empty bytes in C
        at = found.start()
        byte, base = data[at], at * 8
        while byte:
            low = byte & -byte
            out.append(base + low.bit_length() - 1)
            if len(out) == limit:
                return out
            byte ^= low
    return out
