"""Members of a code family named unlike their power: the one power their linked siblings point at is proposed.

Handling items of one power share the main-item stem of their codes, but not always its words: 城乡居民养老保险
丧葬补助金申领 sits beside …待遇申领 and …待遇暂停、恢复 under 城乡居民基本养老保险待遇给付, and only the last two
resemble it. When every linked member of a family points at one power and nothing else, even in review and with a
key word differing (so the stronger family rules stay silent), the family's unlinked members are proposed for that
power: in review, never matched, since their own names say little for it; but they must share a word with it
(two characters running: 气象 of 气象证明出具 and 历史气象资料查询服务), for a stem may gather a department's
unrelated items (开具无欠税证明 beside 个人所得税递延纳税报告). Two powers among the siblings' links
(a stem two powers share), a few linked members of a large family, a penalty-like power for a licence-like item,
or a power an analyst rejected for the item: nothing is proposed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, MutableMapping, Sequence
from functools import partial
from typing import Final

from quanze.match.acts import common_head
from quanze.match.evidence import shared_word
from quanze.match.families import family_owner
from quanze.match.model import MatchOptions, Method, Status
from quanze.match.proposable import departments_apart, proposable
from quanze.match.scoring import KEY_WORD_NOTE, Prepared
from quanze.match.settle import Found
from quanze.vocab import CONCENTRATING_DEPARTMENTS

SIBLINGS_NOTE: Final = (
    "同一编码族（{stem}）中已有{n}个办理项只指向该事项（含待复核）；该办理项名称与之仅共有“{word}”，"
    "凭编码族提出，需人工确认"
)


def propose_for_unlinked(
    families: Mapping[str, Sequence[int]],
    found_by: MutableMapping[int, list[Found]],
    items: Mapping[int, Prepared],
    targets: Sequence[Prepared],
    options: MatchOptions,
    rejected: Callable[[int], Collection[int]] = lambda si: (),
) -> None:
    """Propose, for each family's unlinked members, the one power its linked members point at (see the module)."""
    for stem, members in sorted(families.items()):
        linked = [si for si in members if found_by[si]]
        if len(linked) == len(members):
            continue
        owner = family_owner([{f[0] for f in found_by[si]} for si in linked], len(members))
        if owner is None:
            continue
        # The family's code is the evidence: an information service in it or another department's power is the
        # catalogue's own word (see `proposable`).
        follow_family(
            members,
            owner,
            found_by,
            items,
            targets,
            options,
            lambda si, t: proposable(items[si], t, targets, rejected(si), inquiry=False, department=False),
            partial(SIBLINGS_NOTE.format, stem=stem, n=len(linked)),
        )


def follow_family(
    members: Sequence[int],
    owner: int,
    found_by: MutableMapping[int, list[Found]],
    items: Mapping[int, Prepared],
    targets: Sequence[Prepared],
    options: MatchOptions,
    fits: Callable[[int, int], bool],
    note: Callable[..., str],
) -> None:
    """Propose the power a family speaks for (`owner`) for each of its unlinked members that `fits` allows and
    that shares a word with it beyond generic ones (a stem may gather unrelated items): in review, by code, with
    `note(word=…)` as the reason. The passes that let a family speak for its unlinked members differ
    in who speaks (`family_owner` with their share rule) and what rules a power out, not in this."""
    target = targets[owner]
    for si in members:
        if found_by[si] or not fits(si, owner):
            continue
        word = shared_word(items[si].core, target.full, beyond_generic=True)
        if word is None:
            continue  # nothing in common but the stem: a stem may gather unrelated items
        found_by[si] = [(owner, options.review_threshold, Method.CODE, Status.REVIEW, note(word=word))]


# An item with no code beside a family it begins like: the head it shares with the family's members (城乡居民医保,
# 防空地下室) must be a subject, not a word (城乡居民), and two members must share it.
MIN_HEAD: Final = 5
HEAD_NOTE: Final = (
    "该办理项无编码，名称与同一编码族（{stem}）{n}个办理项同以“{head}”开头，该编码族的已关联办理项只指向该事项；"
    "凭名称开头提出，需人工确认"
)


def propose_for_uncoded(
    in_unit: Sequence[int],
    families: Mapping[str, Sequence[int]],
    found_by: MutableMapping[int, list[Found]],
    items: Mapping[int, Prepared],
    targets: Sequence[Prepared],
    options: MatchOptions,
    rejected: Callable[[int], Collection[int]] = lambda si: (),
) -> None:
    """Propose, for an unlinked item with no code, the power of the one family whose members it begins like.

    A catalogue leaves some handling items without 实施编码: 城乡居民医保门诊慢特病待遇认定 beside coded
    城乡居民医保生育医疗费用报销, 城乡居民医保跨年度费用结算 … all under 城乡居民基本医疗保险待遇支付. Without a code
    the item has no family, and its name is too unlike the power for names alone. When two or more members of one
    family begin with the same subject as the item (five characters or more, in the item's department or where
    one is the 行政审批局: `proposable.departments_apart`), that
    family's linked members all point at one power (and enough of them are linked), and no linked item of the
    unit beginning with that subject points at another power, the power is proposed: in review, never matched. An
    information service (…查询) is not proposed for a power that is not one.
    """
    # Only an item with no code at all (so in no family): a code of its own that no sibling shares says it is of
    # another main item.
    loose = [si for si in in_unit if not found_by[si] and not items[si].code]
    wanted = {name[:MIN_HEAD] for si in loose if len(name := items[si].full) > MIN_HEAD}
    if not wanted:
        return
    # Members and linked items by the first characters of their names, only those some loose item begins with.
    by_start: dict[str, dict[str, list[int]]] = {}
    for stem, members in families.items():
        for m in members:
            start = items[m].full[:MIN_HEAD]
            if start in wanted:
                by_start.setdefault(start, {}).setdefault(stem, []).append(m)
    if not by_start:
        return
    linked_by_start: dict[str, list[tuple[str, set[int]]]] = {}
    for si in in_unit:
        if found_by[si] and (start := (name := items[si].full)[:MIN_HEAD]) in by_start:
            linked_by_start.setdefault(start, []).append((name, {f[0] for f in found_by[si]}))
    owners_of: dict[str, int | None] = {}
    for si in loose:
        item = items[si]
        near = by_start.get(item.full[:MIN_HEAD]) if len(item.full) > MIN_HEAD else None
        if not near:
            continue
        best: tuple[int, str, int, int] | None = None  # (head, stem, members sharing it, owner)
        for stem, members in sorted(near.items()):
            if stem not in owners_of:
                members_of = families[stem]
                pointing = [{f[0] for f in found_by[m]} for m in members_of if found_by[m]]
                owners_of[stem] = family_owner(pointing, len(members_of), at_least=2)
            owner = owners_of[stem]
            if owner is None:
                continue
            heads = sorted(
                (
                    common_head(item.full, items[m].full)
                    for m in members
                    if not departments_apart(item.dept, items[m].dept)
                ),
                reverse=True,
            )
            if len(heads) < 2:
                continue
            head = heads[1]  # the subject two members share with the item
            n = sum(1 for h in heads if h >= head)
            if best is None or head > best[0]:
                best = (head, stem, n, owner)
            elif head == best[0] and owner != best[3]:
                best = (head, best[1], best[2], -1)  # two families' powers begin alike: nothing to say which
        if best is None or best[3] < 0:
            continue
        head, stem, n, owner = best
        subject = item.full[:head]
        beside = linked_by_start.get(subject[:MIN_HEAD], [])
        if any(name.startswith(subject) and owners != {owner} for name, owners in beside):
            continue  # an item of that subject points elsewhere: the subject is not the family's alone
        if not proposable(item, owner, targets, rejected(si), inquiry=True, department=False):
            continue
        note = HEAD_NOTE.format(stem=stem, n=n, head=subject)
        found_by[si] = [(owner, options.review_threshold, Method.CODE, Status.REVIEW, note)]


def drop_strays(
    in_unit: Sequence[int],
    found_by: MutableMapping[int, list[Found]],
    items: Mapping[int, Prepared],
    targets: Sequence[Prepared],
    options: MatchOptions,
) -> None:
    """Drop a bare name proposal to another department's power from an item its code family places at home.

    城乡居民养老保险参保信息登记 is held in review by its code family for 城乡居民基本养老保险参保登记及待遇给付 (its own
    department's power); its name also barely reaches a township's 城乡居民基本医疗保险参保信息变更 (65.4, a key word
    differing, another department). When an item has a link its code made (or a matched one) to a power of its
    own department, a review link by wording alone to a power of another department that is within the margin of
    the review line and carries a key-word doubt is dropped: it is no candidate a person needs to read. A stronger
    name link, one without a doubt, or one where no department is known, is kept.
    """
    line = options.review_threshold + options.margin
    for si in in_unit:
        found = found_by[si]
        if len(found) < 2:
            continue
        dept = items[si].dept
        if not dept or dept in CONCENTRATING_DEPARTMENTS:
            continue
        home = any(
            (f[2] is Method.CODE or f[3] is Status.MATCHED) and targets[f[0]].dept == dept for f in found
        )
        if not home:
            continue
        kept = [
            f
            for f in found
            if not (
                f[3] is Status.REVIEW
                and f[2] not in (Method.CODE, Method.DECISION)
                and f[1] < line
                and KEY_WORD_NOTE in f[4]
                and (other := targets[f[0]].dept) is not None
                and other != dept
                and other not in CONCENTRATING_DEPARTMENTS
            )
        ]
        if len(kept) < len(found):
            found_by[si] = kept
