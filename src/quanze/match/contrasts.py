"""Words that set items apart: 旅客 / 货物, 批发 / 零售 … An item naming one never links, by name, to a power naming the other.

A small documented vocabulary; more groups go in quanze.toml (`[match] contrasts = [["甲类", "乙类"]]`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Final

from quanze.match import memo

# Each group lists words of which an item names one: two names that each hold a different word of a group,
# and neither holds the other's, are different items however many other words they share.
DEFAULT_CONTRASTS: Final[tuple[tuple[str, ...], ...]] = (
    ("客运|旅客", "货运|货物"),  # 客运 against 货物 too: 道路客运班线经营许可 is no 道路货物运输经营许可
    ("批发", "零售"),
    ("农作物", "林草"),
    ("内资", "外资", "外商投资"),
    ("一类|第一类", "二类|第二类", "三类|第三类"),
    ("一级", "二级", "三级"),
    ("甲级", "乙级", "丙级"),
    ("生产", "经营", "运输", "购买|购用", "使用", "储存"),
    ("道路|公路", "水路", "铁路", "民航|航空"),
)


# A marked kind of a thing and the thing itself: 道路危险货物运输 is not 道路货物运输 (each its own licence).
# The plain word must be in the other name, so that the marked word really is what tells the two apart.
MARKED: Final[tuple[tuple[str, str], ...]] = (
    ("危险货物", "货物"),
    ("危险货物", "货运"),
    ("危险化学品", "化学品"),
    ("危险废物", "废物"),
)


def marked_apart(a: str, b: str) -> tuple[str, str] | None:
    """(marked, plain) when one name names the marked kind and the other only the plain thing, else None."""
    for marked, plain in MARKED:
        for one, other in ((a, b), (b, a)):
            if marked in one and marked not in other and plain in other:
                return marked, plain
    return None


def contrast(a: str, b: str, groups: Sequence[Sequence[str]] = DEFAULT_CONTRASTS) -> tuple[str, str] | None:
    """The two words of one group that set `a` and `b` apart (道路旅客运输 / 道路货物运输), else None.

    A member written 购买|购用 is one word in two spellings: names holding either hold that member. A marked
    kind against the plain thing (危险货物 / 货物) is a contrast too.
    """
    marked = marked_apart(a, b)
    if marked is not None:
        return marked
    groups = tuple(tuple(g) for g in groups)
    for in_a, in_b in zip(_held(a, groups), _held(b, groups), strict=True):
        if in_a and in_b and not in_a.keys() & in_b.keys():
            # 外商投资 holds no 外资, but 内资 vs 外商投资 is a contrast; a word inside another is not one.
            left, right = next(iter(in_a.values())), next(iter(in_b.values()))
            if left not in right and right not in left:
                return left, right
    return None


@lru_cache(maxsize=memo.NAMES)
def _held(name: str, groups: tuple[tuple[str, ...], ...]) -> tuple[Mapping[str, str], ...]:
    """For each group, the members `name` holds and the spelling it holds them in (worked out once a name).

    A member's spellings are tried in order and the last one held is kept, as the members of each group are.
    """
    held: list[dict[str, str]] = [{} for _ in groups]
    for at, member, word in _spellings(groups):
        if word in name:
            held[at][member] = word
    return tuple(held)


@lru_cache(maxsize=memo.OPTION_SETS)
def _spellings(groups: tuple[tuple[str, ...], ...]) -> tuple[tuple[int, str, str], ...]:
    """Every spelling of every member, with its group's place: (group, member, spelling), in order."""
    return tuple((at, m, w) for at, group in enumerate(groups) for m in group for w in m.split("|"))
