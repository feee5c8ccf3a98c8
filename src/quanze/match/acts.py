"""Handling acts that contradict: an item that names one act (新办) is not a handling item of another (变更).

A power's 子项 often names its act (公共场所卫生许可（变更）, （延续）, （注销）); a handling item that names
only another act (…新办审批) is not one of its items. Words of one group name the same act (延续 / 延期 /
换证). A name that names several acts (…变更延续, 补发、换发) contradicts none of them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

# Each group: words that name one act. 核发 issues a licence: against 注销 it is another act.
ACT_GROUPS: Final[tuple[tuple[str, ...], ...]] = (
    ("新办", "新增", "设立", "新设", "首次申请", "初次申请", "新申请", "核发"),
    ("变更", "更名"),
    ("延续", "延期", "续期", "换证", "换发"),
    ("注销", "歇业", "终止"),
    ("补办", "补发", "补领", "补证"),
    ("改建", "扩建", "改扩建"),
)
ISSUE: Final = 0  # the group of acts that issue: a power naming one covers the other handling acts
ISSUING: Final = frozenset(ACT_GROUPS[ISSUE])
# The words that join the parts of a list in a name (设立、变更; 注销或者变更; 修改与重置).
JOINS: Final = ("、", ",", "，", "和", "及", "或", "与")
_GROUP_OF: Final = {word: n for n, group in enumerate(ACT_GROUPS) for word in group}
_WORDS: Final = tuple(sorted(_GROUP_OF, key=len, reverse=True))


@lru_cache(maxsize=262144)
def named_acts(name: str) -> frozenset[int]:
    """The groups of acts a name names after its first two characters (the subject comes first)."""
    return frozenset(_GROUP_OF[w] for w in _WORDS if name.find(w, 2) > 0)


def common_head(a: str, b: str) -> int:
    """How many characters two names share at their start."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def only_words(rest: str, words: tuple[str, ...]) -> bool:
    """Whether `rest` is made of `words` only, read left to right (`words` longest first); "" is."""
    while rest:
        word = next((w for w in words if rest.startswith(w)), None)
        if word is None:
            return False
        rest = rest[len(word) :]
    return True


def acts_contradict(item: str, power: str) -> bool:
    """Whether both names name acts and none in common (…新办审批 / …变更); a name naming none never does."""
    a, b = named_acts(item), named_acts(power)
    return bool(a and b and not a & b)


@lru_cache(maxsize=262144)
def subject_before_act(name: str) -> str:
    """A name up to the first act it names: 互联网上网服务营业场所经营单位设立审批 → …经营单位."""
    cuts = [at for w in _WORDS if (at := name.find(w, 2)) > 0]
    return name[: min(cuts)] if cuts else name


_CLOSING = re.compile(r"(?:审批|许可|登记|备案|核准|审核|申请|手续|办理|\([^()]*\)|（[^（）]*）)+$")


@lru_cache(maxsize=262144)
def object_after_act(name: str) -> str:
    """What a name names after its first act, without the closing act words: 注销抵押登记 → 抵押."""
    cuts = [(at, w) for w in _WORDS if (at := name.find(w, 2)) > 0]
    if not cuts:
        return ""
    at, word = min(cuts, key=lambda c: (c[0], -len(c[1])))
    return _CLOSING.sub("", name[at + len(word) :])


def other_act_and_thing(item: str, power: str) -> bool:
    """Whether an item names another act than the power, on another thing than the power's whole subject.

    拖拉机/联合收割机注销抵押登记 against 拖拉机/联合收割机驾驶证核发: another act (注销 / 核发) on a thing
    of its own (抵押); 放射诊疗许可证遗失补办 against 动物诊疗许可证核发: the power's subject is not in the
    item. A power that lists its acts (公证员执业、变更许可), and an item naming a power's whole subject with
    another act under a power that issues (…经营单位变更地址 under …经营单位设立审批; 宗教活动场所扩建审批
    under 筹备设立宗教活动场所审批) are left to the other evidence.
    """
    if not acts_contradict(item, power):
        return False
    subject = subject_before_act(power)
    if subject.endswith(JOINS):
        return False
    if subject in item:
        # The power's whole subject with an act of its own: a handling item of a power that issues (设立, 核发),
        # another handling act than a power that is itself one (娱乐场所补证审批 is not …变更…审批).
        return named_acts(power) != {ISSUE}
    own = object_after_act(item)
    return len(subject) >= 4 or bool(own and own not in power)
