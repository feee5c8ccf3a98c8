"""Review links whose names show a doubt a person should weigh last: another act on the power's object, or no
subject in common at all. Such links are kept (recall into review is what analysts need) but ranked at the
bottom of the review band, with the doubt named in the reason."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from functools import lru_cache
from typing import Final

from quanze.match.evidence import ACTIONS
from quanze.match.families import _END_BRACKETS, ACT_WORDS, GENERIC_RUN, closed, granted_act
from quanze.match.model import MatchOptions, Method, Status
from quanze.match.pieces import PIECES_NOTE
from quanze.match.scoring import Prepared
from quanze.match.settle import Found, carried, is_tied

# The shortest object a power and an item must share for "another act on it" to be read.
MIN_OBJECT = 4
ANOTHER_ACT_NOTE = "办理项与该事项同为“{object}”，但该事项是其“{act}”，办理项未提及：可能是同一对象的另一事项"
NO_SUBJECT_NOTE = "两者除审批、许可、经营等通用字样外没有共同的字词：可能是不同的事物"
_OPENING: Final = ("对", "在")


def another_act(item: str, power: str) -> tuple[str, str] | None:
    """(object, act) when the power grants one act on an object the item names, and the item names another.

    Both names are the object, one two-character act and closing words at most (审批, 备案 …).

    住宅专项维修资金交存 against 住宅专项维修资金使用审批、备案: the power is the fund's 使用, the item its 交存.
    工程竣工结算备案 against 工程竣工验收备案 the same. An item naming the power's act (…使用变更) is not such a case.
    """
    act = granted_act(power)
    if act is None:
        return None
    at = power.rfind(act)
    obj = power[:at]
    for opening in _OPENING:
        obj = obj.removeprefix(opening)
    if len(obj) < MIN_OBJECT or obj not in item or act in item:
        return None
    other = closed(item[item.find(obj) + len(obj) :])
    # The item's own act is one two-character word that is not a handling act (变更 is one of the power's items).
    if len(other) != 2 or other in ACT_WORDS or GENERIC_RUN.search(other):
        return None
    return obj, act


def _bigrams(runs: Sequence[str]) -> set[str]:
    return {run[i : i + 2] for run in runs for i in range(len(run) - 1)}


def no_common_subject(item: str, power: str) -> bool:
    """Whether two names share no two characters outside act, licence and closing words (蚕种经营许可 / 农药经营许可)."""
    a = _bigrams(GENERIC_RUN.split(item))
    b = _bigrams(GENERIC_RUN.split(power))
    return bool(a and b) and not a & b


def doubt(item: Prepared, power: Prepared) -> str | None:
    """The doubt a review link between these names carries, as a note, else None."""
    return _doubt(item.full, power.core, power.alt_core)


@lru_cache(maxsize=65536)
def _doubt(item: str, core: str, alt_core: str | None) -> str | None:
    # Remembered by name: a province's units meet the same pairs of names again and again.
    names = (core, *((alt_core,) if alt_core else ()))
    for name in names:
        found = another_act(item, name)
        if found is not None:
            return ANOTHER_ACT_NOTE.format(object=found[0], act=found[1])
    if all(no_common_subject(item, name) for name in names):
        return NO_SUBJECT_NOTE
    kinds = (closing_kind(item), *(closing_kind(name) for name in names))
    if None not in kinds and len(set(kinds)) == len(kinds):
        return KIND_NOTE.format(item=kinds[0], power=kinds[1])
    return None


# What is settled when a name closes with 处理: a dispute or a complaint (水事纠纷处理, …投诉的处理). A name closing
# with 处理 after anything else names a thing or a service (城镇污水处理, 医疗废物处理), not a settling.
_SETTLED: Final = ("纠纷", "争议", "投诉", "申诉")
# What a name closes with, by kind of power: a filing is not a licence (定制客运备案 / 客运站经营许可), nor is the
# settling of a dispute or complaint one (…结算纠纷调解 / 工程竣工结算备案; …投诉的处理 / …招标投标活动的备案).
_CLOSING_KINDS: Final = (
    ("备案", ("备案",)),
    ("许可", ("许可证", "许可", "审批", "核准", "核发")),
    ("调解裁决", ("调解", "裁决", "仲裁", *(f"{what}{of}处理" for what in _SETTLED for of in ("", "的")))),
)
# Handling acts a name may close with after its kind (…许可变更), longest first; 备案 and 登记 are kinds themselves.
_HANDLING_FIRST: Final = tuple(sorted(ACT_WORDS - {"备案", "登记", "注册"}, key=len, reverse=True))
KIND_NOTE = "办理项为{item}，该事项为{power}：可能是另一类事项"


def closing_kind(name: str) -> str | None:
    """备案, 许可 or 调解裁决 by what a name closes with (brackets and handling acts apart), else None."""
    rest = _END_BRACKETS.sub("", name)
    for act in _HANDLING_FIRST:
        if rest.endswith(act) and len(rest) > len(act) + 2:
            rest = rest[: -len(act)]
            break
    for kind, words in _CLOSING_KINDS:
        if rest.endswith(words):
            return kind
    return None


# How scoring begins the reason of a link it found by the names' wording: their similarity, pieces of one found in
# the other, or the power's subject with a handling act. Links by a code family, an entity kind or a kind of
# business share few words by design and are left alone.
BY_WORDING = ("名称相似度", "主体相同（")


def _tied(f: Found) -> bool:
    """A review link to one of several sub-items an item ties (catalogue matching marks it)."""
    return f[3] is Status.REVIEW and is_tied(f)


def _by_wording(f: Found) -> bool:
    return (
        f[3] is Status.REVIEW
        and f[2] is Method.FUZZY
        and (f[4].startswith(BY_WORDING) or PIECES_NOTE in f[4].split("；")[0])
    )


# What catalogue matching says in the reason of a link to one of several sub-items an item ties (see
# catalogue._match_one; the link is flagged `settle.Tied`, and the reason only tells a person).
TIE_MARK = "与另一事项难以区分"
TIE_ACT_NOTE = "办理项所办（{item}）非该子项所办（{power}）：各子项与之同样不合，需人工确认"
# Acts a sub-item of a licence names (设立, 分立, 合并 …); the closing words of a kind are not among them.
_TIE_ACTS: Final = tuple(sorted(set(ACTIONS) - {"登记", "备案", "注册"}, key=len, reverse=True))


@lru_cache(maxsize=65536)
def named_handling(name: str) -> frozenset[str]:
    """The handling acts a name names after its subject's first two characters (…学校分立审批 → 分立)."""
    return frozenset(w for w in _TIE_ACTS if name.find(w, 2) >= 0)


def tie_doubt(item: Prepared, power: Prepared) -> str | None:
    """The doubt of a tie between sub-items, when the item names acts and the sub-item others only: 民办职业培训学校
    办学许可证延续审批 tied between the …分立审批 and …合并审批 sub-items fits neither."""
    mine, theirs = named_handling(item.full), named_handling(power.core)
    if not mine or not theirs or mine & theirs:
        return None
    return TIE_ACT_NOTE.format(item="、".join(sorted(mine)), power="、".join(sorted(theirs)))


def drop_no_subject(
    in_unit: Sequence[int],
    items: Mapping[int, Prepared],
    found_by: MutableMapping[int, list[Found]],
    targets: Sequence[Prepared],
) -> None:
    """Drop review links found by the names' wording alone whose names share nothing but act, licence and closing
    words (港口经营许可 / 经营潜水许可): not a candidate a person needs, and never a witness for a code family."""
    for si in in_unit:
        found = found_by[si]
        if any(_by_wording(f) for f in found):
            found_by[si] = [
                f
                for f in found
                if not (_by_wording(f) and no_common_subject_at_all(items[si], targets[f[0]]))
            ]


def no_common_subject_at_all(item: Prepared, power: Prepared) -> bool:
    """Whether an item shares no subject with a power's name, nor with its main item's (see no_common_subject)."""
    return _no_subject(item.full, power.core, power.alt_core)


@lru_cache(maxsize=65536)
def _no_subject(item: str, core: str, alt_core: str | None) -> bool:
    return all(no_common_subject(item, name) for name in (core, *((alt_core,) if alt_core else ())))


def rank_doubtful(
    in_unit: Sequence[int],
    items: Mapping[int, Prepared],
    found_by: MutableMapping[int, list[Found]],
    targets: Sequence[Prepared],
    options: MatchOptions,
) -> None:
    """Put review links found by name similarity alone that carry a doubt (see `doubt`), and review links to
    sub-items an item ties that name other acts than it (see `tie_doubt`), at the bottom of the review band;
    matched links, decisions and links by codes or the names' structure are left as they are."""
    for si in in_unit:
        found = found_by[si]
        if not any(_by_wording(f) or _tied(f) for f in found):
            continue
        out: list[Found] = []
        for f in found:
            if _tied(f):
                note = tie_doubt(items[si], targets[f[0]])
            elif _by_wording(f):
                note = doubt(items[si], targets[f[0]])
            else:
                note = None
            if note is not None:
                f = carried(f, (f[0], options.review_threshold, f[2], f[3], f"{f[4]}；{note}"))
            out.append(f)
        found_by[si] = out
