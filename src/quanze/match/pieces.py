"""Evidence from names read piece by piece: a main item that names another item, a name found in pieces.

Kept apart from the scoring in quanze.match so that the rules can be read and tested on their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from quanze.match import memo

# Below this similarity a main item (主项名称) that differs from a power in a key word is another item.
PARENT_CLASH_FLOOR = 80.0


def parent_only_clash(parent: str | None, compared: str, similarity: float) -> bool:
    """Whether the only evidence is the service item's main item, and that main item is another item.

    A handling item filed under 企业设立、变更、注销登记 says nothing about 股权出质设立、变更、注销、撤销登记:
    the two main items share their acts, not their subject. When the best comparison was the main item's
    name against the power, the names differ in a key word and the similarity is modest, the link is dropped.
    """
    return parent is not None and compared == parent and similarity < PARENT_CLASH_FLOOR


# ---------------------------------------------------------------------------------------------- pieces

# How a reason says that a name was found piece by piece.
PIECES_NOTE = "各部分均见于对方"
# Coverage at or above which a name found piece by piece in another proposes a link (for review).
PIECES_COVERAGE = 0.9
# Words every item name uses: a piece made of them alone says nothing about which item it is.
_GENERIC = frozenset(
    {
        "审批",
        "许可",
        "备案",
        "登记",
        "申请",
        "申报",
        "核准",
        "核发",
        "审核",
        "办理",
        "变更",
        "注销",
        "延续",
        "设立",
        "证",
        "许可证",
        "的",
        "对",
    }
)
_MIN_PIECE = 2
# A name shorter than this (once its closing act words are gone) is too short to be found piece by piece.
_MIN_SHORT = 5
# Characters of a name's own words (not 审批, 备案 …) that must be found.
_MIN_CONTENT = 4


_TRAILING_BRACKETS = re.compile(r"(?:[(（][^()（）]*[)）])+$")
_CLOSING = tuple(sorted(_GENERIC, key=len, reverse=True))


@lru_cache(maxsize=memo.PAIRS)
def _bare(name: str) -> str:
    """A name without the qualifiers in brackets at its end and the act words that close it (许可证核发 …)."""
    name = _TRAILING_BRACKETS.sub("", name) or name
    while True:
        word = next((w for w in _CLOSING if name.endswith(w) and len(name) - len(w) >= 4), None)
        if word is None:
            return name
        name = name[: -len(word)]


_ACTS = ("登记", "审批", "许可", "备案", "核准", "审核", "认定", "核发")


def closes_with_act(name: str) -> bool:
    """Whether a name ends with the act it is (…变更登记, …设立审批), not with a handling word (…变更)."""
    return name.endswith(_ACTS)


@lru_cache(maxsize=memo.PAIRS)
def pieces(short: str, long_: str) -> tuple[str, ...]:
    """The pieces (two characters or more) of `short` found in `long_`, longest first from the left."""
    # Every prefix of a piece found in `long_` is found too, so the longest piece at i is found by growing it
    # one character at a time: the cost follows the pieces' length, not the rest of the name's.
    out: list[str] = []
    i, n = 0, len(short)
    while i < n:
        size = _MIN_PIECE
        if i + size > n or short[i : i + size] not in long_:
            i += 1
            continue
        while i + size < n and short[i : i + size + 1] in long_:
            size += 1
        out.append(short[i : i + size])
        i += size
    return tuple(out)


def coverage(short: str, long_: str) -> float:
    """The share of `short` made of pieces found in `long_`."""
    return sum(map(len, pieces(short, long_))) / len(short) if short else 0.0


def pieces_score(share: float) -> float:
    """The review score of a name found in pieces covering `share` of it: 70 at the least coverage, 75 whole."""
    return 70.0 + 50.0 * (share - PIECES_COVERAGE)


# The most a name found in pieces can score (the scorer's bound before it seeks pieces).
PIECES_MOST: Final = pieces_score(1.0)


@dataclass(frozen=True, slots=True)
class Letters:
    """A name's characters and its bare form's (see `_bare`), for the cheap bound: worked out once a name.

    `least` is how many of its distinct characters another name must share for pieces to possibly cover
    it (more than any name has when it is too short), `bare_least` the same for its bare form.
    """

    text: str
    chars: frozenset[str]
    bare: str
    bare_chars: frozenset[str]
    least: int
    bare_least: int


@lru_cache(maxsize=memo.PAIRS)
def letters(name: str) -> Letters:
    bare = _bare(name)
    chars, bare_chars = frozenset(name), frozenset(bare)
    return Letters(name, chars, bare, bare_chars, _least(name, chars), _least(bare, bare_chars))


def _least(short: str, chars: frozenset[str]) -> int:
    """The fewest of `chars` a longer name must hold for `_could_cover` to pass (its first test, in turn)."""
    n = len(short)
    if n < _MIN_SHORT:
        return n + 1  # never: too short to be found in pieces
    return next(
        shared for shared in range(len(chars) + 1) if (n - (len(chars) - shared)) / n >= PIECES_COVERAGE
    )


def could_find_pieces(item: str, power: str, *, bare: bool = True) -> bool:
    """False when `piece_evidence` surely finds nothing: a cheap bound tried before the pieces are sought.

    A character of the shorter name covered by a piece is a character the other name holds: when more than
    a tenth of a name's characters are missing from the other, no try of `piece_evidence` reaches its coverage.
    """
    return could_find_letters(letters(item), letters(power), bare=bare)


def could_find_letters(item: Letters, power: Letters, *, bare: bool = True) -> bool:
    """`could_find_pieces` on names whose letters are worked out (the scorer keeps them per name)."""
    # Each test below misses every character of its short name that the other lacks: all four fail at once
    # when the names share fewer characters than each test needs (a bare form shares no more than its name).
    shared = len(item.chars & power.chars)
    if (
        shared < item.least
        and shared < power.least
        and not (bare and (shared >= item.bare_least or shared >= power.bare_least))
    ):
        return False
    if _could_cover(power.text, power.chars, item.chars) or _could_cover(item.text, item.chars, power.chars):
        return True
    return bare and (
        _could_cover(power.bare, power.bare_chars, item.chars)
        or _could_cover(item.bare, item.bare_chars, power.chars)
    )


def _could_cover(short: str, chars: frozenset[str], long_chars: frozenset[str]) -> bool:
    """Whether enough of `short`'s characters (`chars`) are found in a name of `long_chars` for pieces to cover it."""
    n = len(short)
    if n < _MIN_SHORT:
        return False
    missing = chars - long_chars
    if not missing:
        return True
    if (n - len(missing)) / n < PIECES_COVERAGE:
        return False  # each missing character is missing once at least
    absent = sum(short.count(ch) for ch in missing)
    return (n - absent) / n >= PIECES_COVERAGE


def piece_evidence(item: str, power: str, *, bare: bool = True) -> tuple[float, str] | None:
    """A review score and reason when one name is found, piece by piece, in the other.

    企业职工基本养老保险正常退休申请 holds 职工退休申请 in two pieces (职工, 退休申请); 个体演员备案 is
    found in 个体演员和个体演出经纪人备案. Pieces must carry more than the words every item uses (审批,
    备案 …), and names of four characters or fewer are too short to say anything this way. A name is also
    tried without its closing act words and end qualifiers (食用菌菌种生产经营许可证核发（栽培种）), then with
    a longer subject required.
    """
    best: tuple[float, str, str] | None = None
    tries = [(power, item, _MIN_CONTENT), (item, power, _MIN_CONTENT)]
    if bare:
        tries += [(_bare(a), b, _MIN_SHORT) for a, b, _ in tries if _bare(a) != a]
    for short, long_, least in tries:
        if len(short) < _MIN_SHORT:
            continue
        found = pieces(short, long_)
        share = coverage(short, long_)
        content = sum(len(p) for p in found if p not in _GENERIC)
        if share >= PIECES_COVERAGE and content >= least and (best is None or share > best[0]):
            best = (share, short, "、".join(found))
    if best is None:
        return None
    share, short, shown = best
    whose = "该事项名称" if short in (power, _bare(power)) else "办理项名称"
    return pieces_score(share), f"{whose}{PIECES_NOTE}（{shown}）"
