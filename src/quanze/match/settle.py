"""Settling what a code family and a main-item code already decide, after names and families have spoken.

Four rules, each about evidence stronger than a name alone; none adds a link, they only settle or drop the
links names and families proposed:

- **A main item's code.** A handling item whose basic code is under the power's own code (330123105002 under
  医疗机构执业登记 330123105000), or equal to it, is that power's item: the link is matched when no other
  power holds it as strongly by name, whatever words the two names differ in (医疗机构执业审批（注销）),
  unless the names name another act on another thing (公章刻制业注销备案登记 under …许可证核发: review).
- **A family that agrees.** When two or more handling items of one code family are matched to one power and
  no member's own name points only elsewhere, the other members are that power's items too: a member the
  family proposed, or whose own name also found the power, is matched (采矿权转让变更登记 and 采矿权人名称
  变更登记 matched → 扩大矿区范围变更登记 matched); the weaker powers its name also proposed are dropped.
- **A subject and a handling act.** An item whose only link is a review to one power, whose name is the
  power's subject (five characters or more) followed by a handling act (…机构变更, …执业证补办, …许可证》补证
  审批), is matched when two or more items already matched to that power begin with the same subject.
- **A family two powers share.** When members' own names point confidently at two powers (巡游出租汽车… /
  网络预约出租汽车… under one stem), the family only proposed; a member whose own name found its power keeps
  it, and the other power the family added for it is dropped.

No family settles a member whose name is only the power's subject with an act the power does not name, when
the power names other acts on that subject (`shares_only_subject`: 社会保障卡注销 against 社会保障卡密码修改与
重置); such a link stays in review.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Final

from quanze.match.acts import (
    ACT_GROUPS,
    ISSUE,
    ISSUING,
    JOINS,
    common_head,
    named_acts,
    only_words,
    other_act_and_thing,
)
from quanze.match.evidence import (
    ACTIONS,
    MIN_SUBJECT,
    certificates,
    family_stem,
    names_other_certificate,
    shared_word,
)
from quanze.match.families import MIN_LINKED_SHARE, SMALL_FAMILY
from quanze.match.model import MatchOptions, Method, Status
from quanze.match.scoring import KEY_WORD_NOTE, Prepared
from quanze.models import ServiceItem

# (power, score, method, status, reason): a link as catalogue matching keeps it.
Found = tuple[int, float, Method, Status, str]


class Tied(tuple[int, float, Method, Status, str]):
    """A link to one of several sub-items an item ties by their main item's name (catalogue matching marks it
    so, `doubts.rank_doubtful` weighs it): the flag is the link's type, so that a link keeps comparing equal to
    the plain (power, score, method, status, reason) it is, and `carried` keeps it on the links made from it."""

    __slots__ = ()


def is_tied(f: Found) -> bool:
    """Whether a link is to one of several sub-items its item ties (see `Tied`)."""
    return isinstance(f, Tied)


def carried(old: Found, new: Found) -> Found:
    """`new`, a link made from `old` (its reason extended, its score lowered, its partner row), with old's tie."""
    return Tied(new) if isinstance(old, Tied) else new


# Matched members a family needs before it settles its other members (one may be a stray name).
MIN_AGREEING = 2
# An own link at least this strong (and without a key-word doubt) is a member's own word on its power; a
# family's sibling is matched to the family's power when its own name scores this much.
CONFIDENT = 80.0

# An own link at least this strong (every piece of the item's name found in the power, or better) and without a
# key-word doubt speaks for a family none of which is matched.
SURE = 78.0

AGREE_NOTE = "同一编码族{n}个办理项均以该事项为首选，其中{sure}个名称依据充分"
SHARED_NOTE = "同一编码族对应多个事项，该办理项名称与该事项同以“{head}”开头"
CODE_NOTE = "办理项编码在该事项编码之下（同一主项）"
FAMILY_NOTE = "同一编码族已有{n}个办理项匹配到该事项，且无办理项只指向其他事项"


def settle(
    services: Sequence[ServiceItem],
    items: Mapping[int, Prepared],
    in_unit: Sequence[int],
    families: Mapping[str, list[int]],
    own: Mapping[int, list[Found]],
    found_by: MutableMapping[int, list[Found]],
    targets: Sequence[Prepared],
    options: MatchOptions,
    rejected: Callable[[int], Collection[int]] = lambda si: (),
) -> None:
    """Settle links by main-item codes and agreeing families (see the module); `found_by` is updated in place.

    `items` are the items as matching prepared them (their kind following the power they name); `own` holds
    each item's links as its own code and name found them, before families proposed any;
    `rejected` gives the powers analysts rejected for an item (never proposed again).
    """
    context = _Context(services, items, targets, options, rejected, _Certificates(targets))
    for si in in_unit:
        settled = _by_code(services[si], items[si], found_by[si], targets, options, context, si)
        if settled is not None:
            found_by[si] = settled
    for _, members in sorted(families.items()):
        _settle_family(members, own, found_by, context)
    _by_subject(context, in_unit, found_by)


def _decided(found: Sequence[Found]) -> bool:
    return any(f[2] is Method.DECISION or f[3] is Status.MATCHED for f in found)


class _Certificates:
    """Which powers of a unit name each certificate (see `evidence.certificates`), indexed on first use."""

    def __init__(self, targets: Sequence[Prepared]) -> None:
        self._targets = targets
        self._holders: dict[str, set[int]] | None = None

    def another_holds(self, item: str, owner: int) -> bool:
        """Whether the item names a certificate its owner does not name and another power of the unit does.

        网约车驾驶员证补发 under the code of 网络预约出租汽车运输证核发, with 网络预约出租汽车驾驶员证核发 in the list:
        the item's own name points at the other power whatever its code says. A certificate no other power names
        (残疾证 for 残疾人证) is left to the code.
        """
        return bool(self.holders(item, owner))

    def holders(self, item: str, owner: int) -> set[int]:
        """The other powers that name the certificate an item names and its owner does not (see `another_holds`)."""
        other = names_other_certificate(item, self._targets[owner].full)
        if other is None:
            return set()
        if self._holders is None:
            self._holders = {}
            for t, target in enumerate(self._targets):
                for key in certificates(target.full):
                    self._holders.setdefault(key, set()).add(t)
        return self._holders.get(other, set()) - {owner}


CERTIFICATE_NOTE = "办理项名称所称证件（{word}）为该事项所发，编码却在另一事项之下，需人工确认"


def _with_holder(si: int, owner: int, found: list[Found], context: _Context) -> list[Found]:
    """The item's links with the one other power that issues the certificate it names added for review."""
    item = context.services[si].name
    holders = context.certificates.holders(item, owner)
    if len(holders) != 1 or any(f[0] in holders for f in found):
        return found
    (holder,) = holders
    if holder in context.rejected(si):
        return found
    note = CERTIFICATE_NOTE.format(word=_certificate_named(item, owner, context.targets))
    return [*found, (holder, context.options.review_threshold, Method.FUZZY, Status.REVIEW, note)]


def _certificate_named(item: str, owner: int, targets: Sequence[Prepared]) -> str:
    """The certificate as the item writes it (驾驶员证 of 网约车驾驶员证补发), for the reason."""
    key = names_other_certificate(item, targets[owner].full) or ""
    at = item.find(key)
    end = item.find("证", at)
    return item[max(0, at - 1) : end + 1] if at >= 0 and end >= 0 else key


def _by_code(
    s: ServiceItem,
    item: Prepared,
    found: list[Found],
    targets: Sequence[Prepared],
    options: MatchOptions,
    context: _Context,
    si: int,
) -> list[Found] | None:
    """The item's links with its main item's power matched, when its code names that power; else None."""
    if not found or _decided(found) or not any(targets[f[0]].code for f in found):
        return None
    stem = family_stem(s.code)
    if stem is None:
        return None
    under = [f for f in found if targets[f[0]].code_stem == stem or targets[f[0]].code == stem + "000"]
    if len({f[0] for f in under}) != 1 or any(item.kind_clash(targets[f[0]]) for f in under):
        return None  # (a licence-like item under a penalty's code: the code proposes, a person decides)
    best = max(under, key=lambda f: f[1])
    if other_act_and_thing(s.name, targets[best[0]].full):
        return None  # the names say another act on another thing: the code proposes, a person decides
    if context.certificates.another_holds(s.name, best[0]):
        # The item names another power's certificate (驾驶员证 under …运输证核发): the code proposes, a person
        # decides; the one power that issues that certificate is proposed beside it.
        return _with_holder(si, best[0], found, context)
    if any(f[1] > best[1] for f in found if f[0] != best[0]):
        return None  # another power holds the item more strongly by name: a person decides
    score = max(best[1], options.match_threshold)
    return [(best[0], score, best[2], Status.MATCHED, f"{best[4]}；{CODE_NOTE}")]


def _own_top(found: Sequence[Found]) -> Found | None:
    return max(found, key=lambda f: (f[1], -f[0])) if found else None


@dataclass(frozen=True, slots=True)
class _Context:
    services: Sequence[ServiceItem]
    items: Mapping[int, Prepared]
    targets: Sequence[Prepared]
    options: MatchOptions
    rejected: Callable[[int], Collection[int]]
    certificates: _Certificates


def _settle_family(
    members: Sequence[int],
    own: Mapping[int, list[Found]],
    found_by: MutableMapping[int, list[Found]],
    context: _Context,
) -> None:
    options = context.options
    # A parent spread from a sibling's 基本目录名称 is the family speaking, not the member's own word.
    spread_too, own = own, {si: words for si in members if (words := own_words(own.get(si, ())))}
    confident = {
        top[0]
        for si in members
        if (top := _own_top(own.get(si, ()))) is not None
        and _top(own[si]) == top[0]
        and (top[3] is Status.MATCHED or (top[1] >= CONFIDENT and KEY_WORD_NOTE not in top[4]))
    }
    if len(confident) > 1:
        _shared(members, own, found_by, confident, context)
        return
    matched = [
        f[0] for si in members for f in found_by[si] if f[3] is Status.MATCHED and f[2] is not Method.DECISION
    ]
    owners = set(matched)
    if not owners:
        _agreeing(members, own, found_by, context)
        return
    if len(owners) != 1:
        return
    (owner,) = owners
    by_own_name = any(f[0] == owner and f[3] is Status.MATCHED for si in members for f in own.get(si, ()))
    if len(matched) < MIN_AGREEING or not by_own_name:
        return
    if len(members) > SMALL_FAMILY and len(matched) * MIN_LINKED_SHARE < len(members):
        return  # two of forty items say little of the other thirty-eight
    if any(_elsewhere(si, spread_too.get(si, ()), own.get(si, ()), owner, context) for si in members):
        return  # a member's own name points only at another power: the family does not speak for it
    note = FAMILY_NOTE.format(n=len(matched))
    for si in members:
        found = found_by[si]
        if _decided(found):
            continue
        mine = [f for f in found if f[0] == owner]
        if not mine or _kind_clash(si, owner, context):
            continue
        if shares_only_subject(context.items[si], context.targets[owner]):
            continue  # its name is only the power's subject: the power is about another thing on it
        if (
            not spread_too.get(si)
            and shared_word(context.items[si].core, context.targets[owner].full) is None
        ):
            continue  # nothing but the stem in common: a stem may gather a department's unrelated items
        if context.certificates.another_holds(context.services[si].name, owner):
            # The item names another power's certificate: the family proposes only, and that power too.
            found_by[si] = _with_holder(si, owner, found, context)
            continue
        top = _own_top(own.get(si, ()))
        if top is not None and top[0] != owner and top[1] > max(f[1] for f in mine) + options.margin:
            continue  # its own name prefers another power clearly: left for a person
        link = max(mine, key=lambda f: f[1])
        score = max(link[1], options.match_threshold)
        found_by[si] = [(owner, score, link[2], Status.MATCHED, f"{link[4]}；{note}")]


# The mark `catalogue` puts on a link that only a parent spread from the item's code family made.
SPREAD_MARK: Final = "该名称来自同一编码族其他办理项所填的基本目录名称"


def own_words(found: Sequence[Found]) -> list[Found]:
    """A member's links its own name (or the parent it names itself) found, without those a parent spread from
    its code family made.

    The stem of 道路运输车辆年度审验（营运客车） may also hold the items of 道路运输车辆技术等级评定结果备案（营运客车）:
    an item named …技术等级评定结果备案（营运客车）（首次备案） that borrows 年度审验 from a sibling's parent cell
    points, by its own name, only at the other power (issue 17: a shared stem only proposes).
    """
    return [f for f in found if SPREAD_MARK not in f[4]]


def _elsewhere(
    si: int, found: Sequence[Found], words: Sequence[Found], owner: int, context: _Context
) -> bool:
    """Whether a member's own name points only at powers other than the family's owner.

    Its links with a parent spread from the family aside (`own_words`): when the spread parent was all that tied
    it to the owner, its own name points elsewhere only when it begins with another linked power's whole name
    (…技术等级评定结果备案（营运客车）（首次备案）: that power's name with a 情形); a name that only resembles
    another power (拖拉机/联合收割机转入 and …驾驶证转入) leaves the family to speak.
    """
    if found and all(f[0] != owner for f in found):
        return True
    if len(words) == len(found) or not words or any(f[0] == owner for f in words):
        return False
    name = context.items[si].full
    return any(
        len(core := context.targets[f[0]].core) >= MIN_SUBJECT and name.startswith(core) for f in words
    )


def _kind_clash(si: int, t: int, context: _Context) -> bool:
    """A licence-like item and a penalty-like power (or the other way round): never settled, whatever the family."""
    return context.items[si].kind_clash(context.targets[t])


def _named(item: Prepared) -> tuple[str, str | None, str | None]:
    """What tells two items apart by name: two rows of one name are one item as a witness."""
    return item.core, item.handling, item.alt_core


def _top(found: Sequence[Found]) -> int | None:
    """The one power a member holds strictly most strongly, else None (none, or a tie)."""
    ranked = sorted(found, key=lambda f: -f[1])
    if not ranked or (len(ranked) > 1 and ranked[1][1] >= ranked[0][1] and ranked[1][0] != ranked[0][0]):
        return None
    return ranked[0][0]


def _agreeing(
    members: Sequence[int],
    own: Mapping[int, list[Found]],
    found_by: MutableMapping[int, list[Found]],
    context: _Context,
) -> None:
    """A family none of whose members is matched, but whose linked members all put one power first.

    The weaker powers its members' names also proposed are dropped (拖拉机/联合收割机转入, …登记事项更正
    and …注销抵押登记 all put 拖拉机/联合收割机登记 first: the 驾驶证 licence they also resemble goes). When
    every member is linked, the family has three members or more and two of them are confidently that power's
    by their own names, the family is matched to it.
    """
    linked = [si for si in members if found_by[si]]
    tops = {_top(found_by[si]) for si in linked}
    if len(linked) < MIN_AGREEING or len(tops) != 1 or None in tops:
        return
    (owner,) = tops
    assert owner is not None
    for si in linked:
        found_by[si] = [f for f in found_by[si] if f[0] == owner]
    sure = [
        si
        for si in linked
        if any(f[0] == owner and f[1] >= SURE and KEY_WORD_NOTE not in f[4] for f in own.get(si, ()))
    ]
    # Witnesses and members are counted by name: a catalogue row exported twice (a paged export repeats the
    # row at a page boundary) is one item, not a second witness.
    named = len({_named(context.items[si]) for si in members})
    sure_named = len({_named(context.items[si]) for si in sure})
    if len(linked) < len(members) or named <= MIN_AGREEING or sure_named < MIN_AGREEING:
        return
    options = context.options
    note = AGREE_NOTE.format(n=named, sure=sure_named)
    for si in linked:
        if _decided(found_by[si]) or _kind_clash(si, owner, context):
            continue
        if shares_only_subject(context.items[si], context.targets[owner]):
            continue  # its name is only the power's subject: the power is about another thing on it
        link = max(found_by[si], key=lambda f: f[1])
        found_by[si] = [
            (owner, max(link[1], options.match_threshold), link[2], Status.MATCHED, f"{link[4]}；{note}")
        ]


def _shared(
    members: Sequence[int],
    own: Mapping[int, list[Found]],
    found_by: MutableMapping[int, list[Found]],
    owners: set[int],
    context: _Context,
) -> None:
    """In a family two powers share, keep each member to its own name's powers and to the family's.

    The family's other power is not added against a member's own name (巡游… keeps 巡游出租汽车…许可, not the
    网络预约… licence its siblings matched), and a power outside the family that a member's name resembles less
    than one of the family's powers is dropped. A member no name links is proposed for the family's power whose
    name begins as its own does (巡游出租汽车业户信息变更 → 巡游出租汽车…许可), when one does so best.
    """
    for si in members:
        if _decided(found_by[si]):
            continue
        top = _own_top(own.get(si, ()))
        if top is None:
            _by_head(si, found_by, owners, context)
            continue
        mine = {f[0] for f in own[si]}
        kept = [f for f in found_by[si] if f[0] in mine or f[1] >= top[1]]
        best_owner = max((f[1] for f in kept if f[0] in owners), default=None)
        if best_owner is not None:
            kept = [f for f in kept if f[0] in owners or f[1] >= best_owner]
        if kept:
            found_by[si] = kept


def _by_head(
    si: int, found_by: MutableMapping[int, list[Found]], owners: set[int], context: _Context
) -> None:
    """Propose, for a member of a shared family no name links, the owner whose name begins as its own does."""
    name = context.items[si].full
    heads = {
        o: max(
            common_head(name, context.targets[o].core), common_head(name, context.targets[o].alt_core or "")
        )
        for o in owners
    }
    longest = max(heads.values())
    best = [o for o, n in heads.items() if n == longest]
    if longest < MIN_SUBJECT or len(best) != 1 or best[0] in context.rejected(si):
        return
    (owner,) = best
    note = SHARED_NOTE.format(head=name[:longest])
    found_by[si] = [(owner, context.options.review_threshold, Method.CODE, Status.REVIEW, note)]


# Handling acts an item may add after its power's subject, and the certificate words that may come first.
# 备案, 登记 and 注册 name a kind of item, not an act on one: …临时地点备案 is not a handling act of …临时地点审批.
_KINDS: Final = frozenset({"备案", "登记", "注册"})
HANDLING_ACTS: Final = tuple(
    sorted(
        {*ACTIONS, *(w for group in ACT_GROUPS for w in group), "转入", "转出", "遗失补办", "补证"} - _KINDS,
        key=len,
    )
)[::-1]
CERTIFICATE_WORDS: Final = ("许可证", "证书", "证件", "证照", "证")
SUBJECT_NOTE = "名称为该事项主体（{subject}）加办理动作（{act}），已有{n}个同一主体的办理项匹配到该事项"


def _act_after(tail: str) -> str | None:
    """The handling act a name's tail begins with, after a certificate word and 遗失 at most, else None."""
    for word in CERTIFICATE_WORDS:
        if tail.startswith(word):
            tail = tail[len(word) :]
            break
    tail = tail.removeprefix("遗失")
    return next((act for act in HANDLING_ACTS if tail.startswith(act)), None)


def _by_subject(
    context: _Context, in_unit: Sequence[int], found_by: MutableMapping[int, list[Found]]
) -> None:
    """Match an item that is its one reviewed power's subject plus a handling act, as matched siblings are."""
    items, targets, options = context.items, context.targets, context.options
    # Items whose one link is a review, to a power that is not itself one handling act (it takes no other act).
    reviewed = [
        si
        for si in in_unit
        if len(found := found_by[si]) == 1
        and found[0][3] is Status.REVIEW
        and targets[found[0][0]].handling is None
    ]
    wanted = {found_by[si][0][0] for si in reviewed}
    if not wanted:
        return
    matched: dict[int, list[str]] = {}
    for si in in_unit:
        for f in found_by[si]:
            if f[3] is Status.MATCHED and f[0] in wanted:
                matched.setdefault(f[0], []).append(items[si].full)
    for si in reviewed:
        t = found_by[si][0][0]
        if len(matched.get(t, ())) < MIN_AGREEING:
            continue
        name, target = items[si].full, targets[t]
        if _kind_clash(si, t, context):
            continue  # a licence-like item never settles under a penalty-like power, nor the other way round
        head, power_name = max((common_head(name, n), n) for n in (target.core, target.alt_core or ""))
        act = _act_after(name[head:]) if head >= MIN_SUBJECT else None
        if act is None or not only_words(power_name[head:], _POWER_WORDS):
            continue  # the power names more than acts after the subject (…经营者改动市政燃气设施审批)
        named = [a for a in HANDLING_ACTS if a in power_name[head:]]
        if named and act not in named:
            continue  # the power lists its acts and this is not one (…设立、变更审批 does not take …注销备案)
        siblings = sum(1 for m in matched[t] if common_head(name, m) >= head)
        if siblings < MIN_AGREEING:
            continue
        link = found_by[si][0]
        note = SUBJECT_NOTE.format(subject=name[:head], act=act, n=siblings)
        score = max(link[1], options.match_threshold)
        found_by[si] = [(t, score, link[2], Status.MATCHED, f"{link[4]}；{note}")]


_CLOSING: Final = ("许可证", "审批", "许可", "核准", "审核", "核发", "发放", "办理", "审查", "证书", "证")
_POWER_WORDS: Final = tuple(sorted({*HANDLING_ACTS, *_KINDS, *_CLOSING, *JOINS}, key=len, reverse=True))
_ITEM_WORDS: Final = tuple(sorted({*_POWER_WORDS, "修改", "重置", "挂失", "换领"}, key=len, reverse=True))


# Acts a power may name on its subject besides the handling acts; the acts that issue (设立, 核发) cover the
# other handling acts, so they are not among the acts a power names to set itself apart.
_VERBS: Final = ("修改", "重置", "绑定", "解绑", "挂失", "换领")
_OPENINGS: Final = (*JOINS, "(", "（")


def shares_only_subject(item: Prepared, power: Prepared) -> bool:
    """Whether an item is only a power's subject with an act, and the power names other acts on that subject.

    社会保障卡注销 and 社会保障卡补领、换领、换发 against 社会保障卡密码修改与重置: the item's whole name is the
    power's subject (社会保障卡) with an act; the power names other acts (修改, 重置) on a thing of it. A name
    found whole inside the power scores high, but it says only that both are about the card: such a link is
    proposed, never settled by a family. 残疾人证注销 under 残疾人证核发与管理 and 计量标准变更 under
    计量标准器具核准 (the powers only issue and manage) are not such cases, nor is 绑定 of …绑定与解绑.
    """
    names = [n for n in (power.core, power.alt_core) if n]
    for name in names:
        head = common_head(item.core, name)
        rest = name[head:]
        if (
            head < 2
            or not rest
            or rest.startswith(_OPENINGS)
            or not only_words(item.core[head:], _ITEM_WORDS)
        ):
            return (
                False  # (a power going on with 与 or a bracket lists what it includes: 户口登记（包括注销…）)
            )
        acts = [w for w in (*HANDLING_ACTS, *_VERBS) if w in rest and w not in ISSUING]
        if not acts or any(w in item.full for w in acts) or named_acts(item.full) & named_acts(name):
            return False  # the item names one of the power's acts (终止 is 注销)
        if "注册" in rest and ISSUE in named_acts(item.full):
            return False  # 设立登记 is the 注册 of 注册、变更、注销登记
    return bool(names)
