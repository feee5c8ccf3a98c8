"""Items on one kind of a power's subject: 经营攀岩许可 and 经营游泳许可 under 经营高危险性体育项目许可.

A power on a class of things names the class with a class noun (…体育项目, …活动, …场所, …设施); its handling
items on the platform often name one member of the class in its place and keep the rest of the name (经营 … 许可).
The names then share only their opening and closing words and never score. An item that is the power's name with
the class (a qualified class noun: 高危险性体育项目) replaced by a short name of its own (攀岩), the opening of two
characters or more and the closing granting words the same, is proposed for the power, in review: the kind is
read from the name's shape, not known, and a person confirms. An item may name several kinds at once (筹备设立寺院、宫观、清真寺、教堂审批 under
筹备设立宗教活动场所审批), each short. An item the shape fits under two powers, or whose own words name an act or
a licence word (…筹设, …经营), is not proposed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, MutableMapping, Sequence
from functools import lru_cache
from typing import Final

from quanze.match.acts import common_head
from quanze.match.families import _END_BRACKETS, GENERIC_RUN
from quanze.match.model import MatchOptions, Method, Status
from quanze.match.proposable import proposable
from quanze.match.scoring import Prepared
from quanze.match.settle import Found

# Nouns that close the name of a class of things in power names, in general administrative usage: 高危险性体育项目,
# 营业性演出活动, 娱乐场所, 市政设施, 危险物品, 食品相关产品, 建设工程, 金融业务. More in quanze.toml
# ([match] class_nouns).
DEFAULT_CLASS_NOUNS: Final = ("项目", "活动", "场所", "设施", "物品", "产品", "工程", "业务")
# The shortest opening a power and an item must share before the class and the kind (经营 of 经营…许可).
MIN_OPENING: Final = 2
# The longest name of a kind: a member of a class is named briefly (攀岩, 游泳, 滑雪).
MAX_KIND: Final = 6
# The fewest characters the class must hold before its noun: a qualified class (高危险性体育项目), not a bare 项目.
MIN_QUALIFIER: Final = 2

# What joins kinds named together: 寺院、宫观、清真寺、教堂.
_KIND_JOINS: Final = re.compile("[、,，]")

CLASS_NOTE: Final = "名称为该事项的“{opening}…{closing}”，所办为其中“{cls}”的一种（{kind}），需人工确认"

# A power's classes: (closing words, the name up to and with the class noun, where the class noun starts).
_Class = tuple[str, str, int]


@lru_cache(maxsize=65536)
def power_classes(core: str, nouns: tuple[str, ...]) -> tuple[_Class, ...]:
    """Each place a power's name names a class: a class noun followed by granting or licence words only
    (经营高危险性体育项目许可 → (许可, 经营高危险性体育项目, 9)); remembered by name, units share powers."""
    plain = _END_BRACKETS.sub("", core)
    out: list[_Class] = []
    for noun in nouns:
        at = plain.find(noun)
        while at >= 0:
            end = at + len(noun)
            closing = plain[end:]
            if closing and not GENERIC_RUN.sub("", closing):
                out.append((closing, plain[:end], at))
            at = plain.find(noun, at + 1)
    return tuple(out)


def kind_of_class(item: str, power_class: _Class) -> tuple[str, str, str, str] | None:
    """(opening, class, kind, closing) when the item names one kind of the power's class in its place, else None."""
    closing, head_and_class, noun_at = power_class
    plain = _END_BRACKETS.sub("", item)
    if not plain.endswith(closing):
        return None
    rest = plain[: -len(closing)]
    opening = common_head(rest, head_and_class)
    if opening < MIN_OPENING or opening > noun_at - MIN_QUALIFIER:
        return None
    cls, kind = head_and_class[opening:], rest[opening:]
    # Several kinds may be named together (筹备设立寺院、宫观、清真寺、教堂审批 under 筹备设立宗教活动场所审批).
    if not all(1 <= len(k) <= MAX_KIND and not GENERIC_RUN.search(k) for k in _KIND_JOINS.split(kind)):
        return None  # no kind, a long one, or one naming an act or licence word (…筹设, …经营)
    if GENERIC_RUN.search(cls):
        return None  # a class joined from parts or naming acts (…展览及其他活动) is no one class of things
    return head_and_class[:opening], cls, kind, closing


def propose_kinds_of_class(
    in_unit: Sequence[int],
    found_by: MutableMapping[int, list[Found]],
    items: Mapping[int, Prepared],
    targets: Sequence[Prepared],
    options: MatchOptions,
    rejected: Callable[[int], Collection[int]] = lambda si: (),
) -> None:
    """Propose, for each item with no matched link, the one power on a class whose name the item repeats with a
    kind of that class in its place (see the module); in review, never matched."""
    nouns = (*DEFAULT_CLASS_NOUNS, *options.class_nouns)
    classes = [(t, c) for t, target in enumerate(targets) for c in power_classes(target.core, nouns)]
    if not classes:
        return
    closings = tuple({c[0] for _, c in classes})
    for si in in_unit:
        found = found_by[si]
        if any(f[3] is Status.MATCHED for f in found):
            continue
        item = items[si]
        name = _END_BRACKETS.sub("", item.core)
        if not name.endswith(closings):
            continue  # (most items: no class closes like them)
        fits: dict[int, tuple[str, str, str, str]] = {}
        for t, power_class in classes:
            read = kind_of_class(name, power_class)
            # (An analyst's rejection is asked below: a power rejected for the item still takes the shape.)
            if read is not None and proposable(item, t, targets, inquiry=True, department=False):
                fits.setdefault(t, read)
        if len(fits) != 1:
            continue  # none, or the shape fits two powers: the name does not say which
        ((t, (opening, cls, kind, closing)),) = fits.items()
        if t in rejected(si) or any(f[0] == t for f in found):
            continue
        note = CLASS_NOTE.format(opening=opening, closing=closing, cls=cls, kind=kind)
        found_by[si] = [*found, (t, options.review_threshold, Method.FUZZY, Status.REVIEW, note)]
