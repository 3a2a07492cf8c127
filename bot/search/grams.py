"""Bitset postings of short keys (characters, syllables, initials) used to pick candidates."""
from __future__ import annotations


def grams(chars: str, loose_sylls: list[str], ini: str = "") -> dict[str, int]:
    """Keys of a text with their weight; a pair of syllables says more than one."""
    out = {"c:" + ch: 1 for ch in chars if "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"}
    out.update(("s:" + s, 1) for s in loose_sylls)
    out.update((f"b:{a} {b}", 2) for a, b in zip(loose_sylls, loose_sylls[1:]))
    out.update(("i:" + ini[k : k + 2], 1) for k in range(len(ini) - 1))
    return out


class GramIndex:
    """Maps each key to the bitset of entry ids holding it; ranks ids by weighted key count."""

    def __init__(self, postings: dict[str, list[int]], size: int):
        self.size = size
        self.mask = (1 << size) - 1
        self.bits: dict[str, int] = {}
        nbytes = (size + 7) // 8
        for key, ids in postings.items():
            buf = bytearray(nbytes)
            for i in ids:
                buf[i >> 3] |= 1 << (i & 7)
            self.bits[key] = int.from_bytes(buf, "little")

    def top(self, weighted: dict[str, int], limit: int) -> list[int]:
        """In id order, the `limit` ids with the highest total weight of matching keys; low ids win ties."""
        found = [(self.bits[k], w) for k, w in weighted.items() if k in self.bits]
        if not found or limit <= 0:
            return []
        total = sum(w for _, w in found)
        planes = [0] * total.bit_length()
        # A counter per id, kept as bit planes: planes[j] holds bit j of every id's count.
        for bits, w in found:
            for level in range(w.bit_length()):
                if w >> level & 1:
                    _add(planes, bits, level)
        everyone = _at_least(planes, 1, self.mask)
        if everyone.bit_count() <= limit:
            return lowest_bits(everyone, limit)
        # Binary search for the highest count that still reaches `limit` ids.
        lo, hi = 1, total
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if _at_least(planes, mid, self.mask).bit_count() >= limit:
                lo = mid
            else:
                hi = mid - 1
        above = _at_least(planes, lo + 1, self.mask)
        size = above.bit_count()
        tied = _at_least(planes, lo, self.mask) & ~above
        return sorted(lowest_bits(above, size) + lowest_bits(tied, limit - size))


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
    digits = bin(x)[:1:-1]  # least significant bit first
    out: list[int] = []
    at = digits.find("1")
    while at >= 0 and len(out) < limit:
        out.append(at)
        at = digits.find("1", at + 1)
    return out
