"""A power named for a kind of thing (X类…, X方面…) proposes the unlinked items of that kind.

Some powers name their subject by a qualifier of kind: 林权类不动产登记（含林地经营权） is the 不动产登记 of the
林权 kind, and its handling items never repeat the power's name — they are the kind's own acts: 林权首次登记,
林权转移登记（买卖、赠与）, 林权异议登记, 林地经营权流转首次登记 (the kind a bracket 含… adds), 林权类不动产权证书
换发. Such a power's name shares too little with each item for names alone, and when the power has no catalogue
code nothing else links them.

An item with no link yet is proposed for such a power, in review and never matched, when:
- its name begins with the power's kind (X, two characters or more, written before 类 or 方面; or a kind the
  power's bracket includes, 含X), and
- it ends with the kind of item the power ends with (登记, 备案, 注册, 许可, 审批, 认定, 核准 …; …登记（权利人
  名称、坐落） with its bracket aside), or is a certificate of the kind with a handling act (…证书换发, …证补发);
- exactly one power of the unit takes it that way, in the item's department when both name one (a 行政审批局
  item is any department's: `proposable.departments_apart`, as scoring reads it), and not a penalty-like power
  for a licence-like item nor a power an analyst rejected for the item.

An item of the kind that ends with another word (林权登记资料查询: an inquiry) is not proposed. Once part of a
family is proposed this way, `siblings.propose_for_unlinked` may propose the rest of the family.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, MutableMapping, Sequence
from typing import Final

from quanze.match.model import MatchOptions, Method, Status
from quanze.match.proposable import proposable
from quanze.match.scoring import Prepared
from quanze.match.settle import CERTIFICATE_WORDS, HANDLING_ACTS, Found

# What names a power's subject as a kind of thing: 林权类不动产登记, 教育方面行政确认 (more in quanze.toml:
# [match] kind_marks = ["…"]).
KIND_MARKS: Final = ("类", "方面")
# The kinds of item a power of a kind may end with; an item of the kind ends with the same one.
ITEM_KINDS: Final = ("登记", "备案", "注册", "许可", "审批", "认定", "核准", "确认", "审核", "鉴定")
# A kind is two to eight characters: shorter says nothing, longer is a subject, not a kind.
MIN_KIND: Final = 2
MAX_KIND: Final = 8
_BRACKETS: Final = re.compile(r"\([^()]*\)")
_INCLUDED: Final = re.compile(r"\(含([^()、,，]{2,8})\)")

QUALIFIER_NOTE: Final = "该事项以“{kind}类”限定其对象，办理项名称以“{kind}”开头、以“{word}”结尾，需人工确认"


def _kinds(power: Prepared, marks: Sequence[str] = KIND_MARKS) -> tuple[tuple[str, ...], str] | None:
    """The kinds a power is named for and the kind of item it ends with, or None for a power of no kind."""
    name = power.core
    plain = _BRACKETS.sub("", name)
    ending = next((w for w in ITEM_KINDS if plain.endswith(w)), None)
    if ending is None:
        return None
    kinds: list[str] = []
    for mark in marks:
        at = plain.find(mark)
        if MIN_KIND <= at <= MAX_KIND and len(plain) - at - len(mark) > len(ending):
            kinds.append(plain[:at])
            break
    if not kinds:
        return None
    kinds.extend(m.group(1) for m in _INCLUDED.finditer(name))
    return tuple(kinds), ending


def _of_kind(item: Prepared, kinds: Sequence[str], ending: str) -> str | None:
    """The kind an item is an item of, when it begins with one and ends as the power does (see the module)."""
    name = _BRACKETS.sub("", item.full)
    # The longest kind the name begins with: 草原承包经营权流转登记 is of 含草原承包经营权, not only of 草原.
    kind = max((k for k in kinds if name.startswith(k) and len(name) > len(k) + 1), key=len, default=None)
    if kind is None:
        return None
    if name.endswith(ending):
        return kind
    for word in CERTIFICATE_WORDS:
        at = name.rfind(word)
        if at > len(kind) and name[at + len(word) :] in HANDLING_ACTS:
            return kind
    return None


def propose_by_kind(
    in_unit: Sequence[int],
    found_by: MutableMapping[int, list[Found]],
    items: Mapping[int, Prepared],
    targets: Sequence[Prepared],
    options: MatchOptions,
    rejected: Callable[[int], Collection[int]] = lambda si: (),
) -> None:
    """Propose, for each unlinked item, the one power named for the kind the item is of (see the module)."""
    marks = (*KIND_MARKS, *options.kind_marks)
    powers: dict[int, tuple[tuple[str, ...], str]] = {}
    for t, target in enumerate(targets):
        if target.enforcement:
            continue  # a penalty of a kind (对…类…的处罚) has no handling items
        kinds = _kinds(target, marks)
        if kinds is not None:
            powers[t] = kinds
    if not powers:
        return
    for si in in_unit:
        if found_by[si]:
            continue
        item = items[si]
        takers: list[tuple[int, str]] = []
        for t, (named, ending) in powers.items():
            # (An analyst's rejection is asked below: a power rejected for the item still takes it.)
            if not proposable(item, t, targets, inquiry=True, department=True):
                continue
            kind = _of_kind(item, named, ending)
            if kind is not None:
                takers.append((t, kind))
        if len(takers) != 1:
            continue  # none, or two powers of the kind: nothing to say which
        ((t, kind),) = takers
        if t in rejected(si):
            continue
        word = powers[t][1] if _BRACKETS.sub("", item.full).endswith(powers[t][1]) else "证照办理动作"
        note = QUALIFIER_NOTE.format(kind=powers[t][0][0], word=word)
        if kind != powers[t][0][0]:
            note += f"（“{kind}”为该事项所含）"
        found_by[si] = [(t, options.review_threshold, Method.FUZZY, Status.REVIEW, note)]
