"""Text normalisation and pinyin forms used by the search index."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from . import phrases

MAX_QUERY_CHARS = 50

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_HAN}]+|[a-z]+")
_IS_HAN = re.compile(rf"[{_HAN}]")
_NUMBER = re.compile(r"[0-9]+")
_DIGITS = "零一二三四五六七八九"

# Toneless syllables of Mandarin as pypinyin spells them (ü written as v).
_SYLLABLES = frozenset("""
a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai
can cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua
chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de
dei deng di dia dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa fan
fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan
guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui
hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao
ke ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li
lia lian liang liao lie lin ling liu lo long lou lu luan lun luo lv lve ma mai man mang
mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen
neng ni nian niang niao nie nin ning niu nong nu nuan nuo nv nve o ou pa pai pan pang pao
pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong
qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai
san sang sao se sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua
shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te
teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu
xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin
ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang
zhao zhe zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou
zu zuan zui zun zuo lue nue
""".split())
_PREFIXES = frozenset(s[:i] for s in _SYLLABLES for i in range(1, len(s) + 1))
_LONGEST = max(map(len, _SYLLABLES))
# Pinyin keyboards accept "lue"/"nue"; pypinyin writes them "lve"/"nve".
_SPELLING = {"lue": "lve", "nue": "nve"}

# Sounds that many speakers (and their typing) do not tell apart.
_LOOSE_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("l", "n"))
_LOOSE_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"))


def chinese_number(digits: str) -> str:
    """Read digits the way people write them in titles: "24" -> "二十四", "2025" -> "二零二五"."""
    if len(digits) > 2 or len(digits) == 2 and digits[0] == "0":
        return "".join(_DIGITS[int(d)] for d in digits)
    n = int(digits)
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def _runs(text: str) -> list[str]:
    # NFKC folds full-width letters and digits; pinyin keyboards write ü as v;
    # numbers become Chinese so that "24式" and "二十四式" meet.
    text = unicodedata.normalize("NFKC", text).lower().replace("ü", "v")
    text = _NUMBER.sub(lambda m: chinese_number(m.group()), text)
    return _RUN.findall(text)


def normalize(text: str) -> str:
    """Fold width and case, write numbers in Chinese, keep Han and Latin runs space separated."""
    return " ".join(_runs(text))


def compact(text: str) -> str:
    """Normalised text without spaces, the form characters are matched on."""
    return normalize(text).replace(" ", "")


def has_han(text: str) -> bool:
    """True when the text holds at least one Chinese character."""
    return _IS_HAN.search(text) is not None


@lru_cache(maxsize=4096)
def _han_pinyin(run: str) -> tuple[str, ...]:
    return tuple(phrases.reading(run))


def syllables(text: str) -> list[str]:
    """Toneless pinyin of the Chinese characters (numbers read in Chinese); Latin words kept whole."""
    return _syllables_of(_runs(text))


def compact_and_syllables(text: str) -> tuple[str, list[str]]:
    """compact(text) and syllables(text), normalising once."""
    runs = _runs(text)
    return "".join(runs), _syllables_of(runs)


def _syllables_of(runs: list[str]) -> list[str]:
    out: list[str] = []
    for run in runs:
        if _IS_HAN.match(run):
            out.extend(_han_pinyin(run))
        else:
            out.append(run)
    return out


def is_syllable(text: str) -> bool:
    """True for a toneless pinyin syllable such as "shu"."""
    return text in _SYLLABLES


def split_pinyin(word: str, allow_partial: bool = True) -> tuple[list[str], bool] | None:
    """Split typed pinyin such as "shufa" into syllables; None when it is not pinyin.

    The second value is True when the last piece is an unfinished syllable ("shuf").
    """
    n = len(word)
    # best[i]: fewest pieces covering word[:i]; on ties the longer earlier piece wins.
    best: list[tuple[int, int] | None] = [None] * (n + 1)
    best[0] = (0, 0)
    for i in range(n):
        if best[i] is None:
            continue
        for j in range(min(n, i + _LONGEST), i, -1):
            if word[i:j] in _SYLLABLES:
                cand = (best[i][0] + 1, i)
                if best[j] is None or cand[0] <= best[j][0]:
                    best[j] = cand
    if best[n] is not None:
        return _walk_back(word, best, n), False
    if not allow_partial:
        return None
    # An unfinished last syllable, after at least one whole one.
    for i in range(n - 1, 0, -1):
        if best[i] is not None and word[i:] in _PREFIXES:
            return _walk_back(word, best, i) + [word[i:]], True
    return None


def _walk_back(word: str, best: list, end: int) -> list[str]:
    pieces = []
    while end > 0:
        start = best[end][1]
        piece = word[start:end]
        pieces.append(_SPELLING.get(piece, piece))
        end = start
    return pieces[::-1]


def query_syllables(text: str) -> tuple[list[str], bool]:
    """Syllables of a query; typed pinyin is split, other Latin words kept whole.

    The flag is True when the query ends in an unfinished syllable.
    """
    out: list[str] = []
    runs = _runs(text)
    partial = False
    for k, run in enumerate(runs):
        if _IS_HAN.match(run):
            out.extend(_han_pinyin(run))
            continue
        split = split_pinyin(run, allow_partial=(k == len(runs) - 1)) if run.isalpha() else None
        if split is None:
            out.append(run)
        else:
            out.extend(split[0])
            partial = split[1]
    return out, partial


def initials(sylls: list[str]) -> str:
    """First letter of every syllable or word: 书法入门 -> "sfrm"."""
    return "".join(s[0] for s in sylls if s)


@lru_cache(maxsize=2048)
def loose(syllable: str) -> str:
    """Fold sounds commonly mixed up (zh/z, sh/s, l/n, eng/en, ing/in ...)."""
    for hard, soft in _LOOSE_INITIALS:
        if syllable.startswith(hard):
            syllable = soft + syllable[len(hard):]
            break
    for hard, soft in _LOOSE_FINALS:
        if syllable.endswith(hard):
            return syllable[: -len(hard)] + soft
    return syllable


class SyllableCodes:
    """Gives each syllable (or Latin word) one character, so fuzzy matching counts whole syllables."""

    UNKNOWN = "\ufffd"  # for query syllables that occur nowhere in the catalogue

    def __init__(self) -> None:
        self._codes: dict[str, str] = {}

    def add(self, sylls: list[str]) -> str:
        """Encode syllables, giving new ones a code."""
        codes = self._codes
        try:
            return "".join([codes[s] for s in sylls])
        except KeyError:
            return "".join([codes.get(s) or self._new(s) for s in sylls])

    def encode(self, sylls: list[str]) -> str:
        """Encode syllables without learning new ones."""
        return "".join(self._codes.get(s, self.UNKNOWN) for s in sylls)

    def _new(self, syllable: str) -> str:
        n = len(self._codes)
        # Private-use characters: the BMP block first, then a supplementary plane.
        code = chr(0xE000 + n) if n < 6400 else chr(0xF0000 + n - 6400)
        self._codes[syllable] = code
        return code
