"""Code families whose reviewed members agree: the one power they all point at is proposed for the rest."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Final

from quanze.match.acts import ACT_GROUPS, named_acts
from quanze.match.candidates import Index, collect
from quanze.match.evidence import ACTIONS
from quanze.match.model import MatchOptions, Method, Status
from quanze.match.scoring import KEY_WORD_NOTE, SHARED_MEMO_LIMIT, Prepared, Scorer

# A reviewed member's score at or above which it speaks for its family (a weaker one says too little).
UNANIMOUS_SUPPORT = 70.0
# At least one member in this many must be linked for a large family to speak.
MIN_LINKED_SHARE = 3
# A family of this many members or fewer speaks through one confidently linked member: a power held on the
# platform under its county's own code is often named by one handling item only (机动车驾驶员培训备案 among
# 教练车备案证办理（配发）, （注销）…), and its siblings are its other handling items.
SMALL_FAMILY = 6


def family_owner(
    pointing: Sequence[Collection[int]], size: int, *, at_least: int = 1, share_from: int | None = 0
) -> int | None:
    """The one power the members of a family of `size` that point at powers all point at; else None.

    `pointing` holds, per member that points, the powers it points at (its links, or a run it holds). Every
    pass that lets a family speak for its members asks this: fewer than `at_least` members pointing, members
    pointing at two powers (a stem two powers share: a person decides), or, in a family larger than
    `share_from` members, fewer than one member in MIN_LINKED_SHARE pointing (one linked item of eight says
    little of the other seven), leave the family silent; `share_from` None asks no share.
    """
    if len(pointing) < at_least:
        return None
    if share_from is not None and size > share_from and len(pointing) * MIN_LINKED_SHARE < size:
        return None
    owners = set().union(*pointing)
    return next(iter(owners)) if len(owners) == 1 else None


def unanimous_owner(links: Sequence[Sequence[tuple[int, float, str]]], size: int) -> int | None:
    """The one power every linked member of a family of `size` points at, when they all agree; else None.

    `links` holds, per member with links, its (power, score, reason) candidates. 个体演员备案 reviewed
    against 个体演员和个体演出经纪人备案, its siblings 个体演员备案证明补证备案 and …注销备案 unlinked: the
    family proposes that power for the siblings too. Members that point at two powers, a doubtful link (a key
    word differs) or a weak one leave the family silent, and so do a few linked members of a large family
    (two of forty items filed under 企业设立、变更、注销登记 say nothing about the other thirty-eight); in a
    small family one confident member is enough (`family_owner` with a share asked above SMALL_FAMILY).
    """
    owner = family_owner(
        [{power for power, _, _ in member} for member in links], size, share_from=SMALL_FAMILY
    )
    if owner is None:
        return None
    for member in links:
        if any(score < UNANIMOUS_SUPPORT or KEY_WORD_NOTE in reason for _, score, reason in member):
            return None
    return owner


# ---------------------------------------------------------------------------------------------- quiet families

# How far below the review threshold a member's best name may score and still vote for its family's power: a
# name this weak says nothing alone, but two or more members of one family naming the same power first do.
QUIET_BELOW = 25.0
# Members that must put the power first before the family speaks for all its members.
QUIET_VOTES = 2
# The shortest run of words (not acts or licence words) a member must share with the power, so that the vote
# rests on a shared subject (采集国家…野生植物), not on words every licence has (…生产经营许可证核发, …经营者备案).
QUIET_SUBJECT = 4
QUIET_NOTE = (
    "同一编码族（{stem}）{votes}个办理项的名称都最接近该事项（均低于复核线），"
    "其中有办理项与该事项同有“{subject}”，该族无其他对应：整族供复核"
)
# Words every handling item and power may hold: acts, licence and closing words. A shared subject is looked
# for between them, never across them.
_GENERIC: Final = tuple(
    sorted(
        {
            *ACTIONS,
            *(w for group in ACT_GROUPS for w in group),
            *(
                "许可证",
                "许可",
                "审批",
                "核准",
                "审核",
                "审查",
                "核发",
                "发放",
                "办理",
                "申请",
                "申报",
                "证书",
            ),
            *(
                "证明",
                "证件",
                "证",
                "生产经营",
                "经营者",
                "经营",
                "生产",
                "事项",
                "手续",
                "的",
                "和",
                "及",
                "与",
            ),
        },
        key=len,
        reverse=True,
    )
)
GENERIC_RUN = re.compile("|".join(re.escape(w) for w in _GENERIC) + r"|[()、,，]")

_QUIET_SCORERS: dict[str, Scorer] = {}

# Words a power closes with when it grants something; the word before them is what it grants (…邮寄许可).
_GRANTING: Final = ("许可证", "许可", "审批", "核准", "审核", "审查", "核发", "备案", "登记", "证书")
_END_BRACKETS = re.compile(r"(?:\([^()]*\))+$")
_JOINS: Final = ("、", "和", "及", "与", "或")
ACT_WORDS: Final = frozenset({*ACTIONS, *(w for group in ACT_GROUPS for w in group)})


def closed(name: str) -> str:
    """A name without the qualifiers in brackets at its end and the granting words that close it (…使用审批、备案
    → …使用; …交存 stays)."""
    rest = _END_BRACKETS.sub("", name)
    while (word := next((w for w in (*_GRANTING, *_JOINS) if rest.endswith(w)), None)) is not None:
        rest = rest[: -len(word)]
    return rest


def granted_act(power: str) -> str | None:
    """The act a power grants on its subject, when it closes with a granting word and the act is not a
    handling act (麻醉药品、精神药品邮寄许可 → 邮寄; …学校设立、变更和终止审批 → None: handling acts), else None.
    """
    rest = closed(power)
    if rest == _END_BRACKETS.sub("", power):
        return None  # no granting word closes it
    act = rest[-2:]
    if len(act) < 2 or any(rest.endswith(w) for w in ACT_WORDS) or GENERIC_RUN.search(act):
        return None
    return act


def shared_subject(item: str, power: str) -> str | None:
    """The longest run of the item's words, QUIET_SUBJECT characters or more, that the power holds too,
    acts and licence words apart (科考采集国家规定野生植物审批 / 采集国家一级保护野生植物审批 → 采集国家); else None.

    Two names sharing only what every licence says (林草种子生产经营许可证变更 / 种畜禽生产经营许可) share none.
    """
    best = ""
    power_runs = [r for r in GENERIC_RUN.split(power) if len(r) >= QUIET_SUBJECT]
    for run in GENERIC_RUN.split(item):
        for size in range(len(run), max(len(best), QUIET_SUBJECT - 1), -1):
            hit = next(
                (
                    run[i : i + size]
                    for i in range(len(run) - size + 1)
                    if any(run[i : i + size] in p for p in power_runs)
                ),
                None,
            )
            if hit is not None:
                best = hit
                break
    return best or None


def _closing_grant(name: str) -> str | None:
    """The granting word a name closes with, brackets apart (…种子的备案 → 备案), else None."""
    rest = _END_BRACKETS.sub("", name)
    return next((w for w in _GRANTING if rest.endswith(w)), None)


def short_subject(names: Sequence[str], power: str, alt: str | None = None) -> str | None:
    """A word of two or three characters (acts and licence words apart) that the power and QUIET_VOTES or more of
    the members hold, when every member closes with the same granting word as the power; else None.

    专门经营不再分装的包装种子的备案, 在有效区域内受具有种子生产经营许可证的种子生产经营者以书面委托生产、代销其种子的
    备案 … (one main-item stem) put 种子生产经营者不需要办理种子生产经营许可证的备案 first, and share with it only
    种子 beyond acts and licence words: too short a subject alone, but two members holding it and every member
    a filing like the power is the family's own subject. A family one member of which closes otherwise (…许可,
    …变更) is not read so; nor are names that share a word with the power only across a licence word.
    """
    closing = _closing_grant(power)
    if closing is None or any(_closing_grant(n) != closing for n in names):
        return None
    theirs = subject_pairs(power) | subject_pairs(alt or "")
    held: dict[str, int] = {}
    for name in names:
        for pair in subject_pairs(name) & theirs:
            held[pair] = held.get(pair, 0) + 1
    best = max(sorted(held), key=lambda p: held[p], default=None)
    return best if best is not None and held[best] >= QUIET_VOTES else None


def _quiet_scorer(options: MatchOptions) -> Scorer:
    """A scorer that keeps candidates down to QUIET_BELOW under the review threshold, one per set of options."""
    key = options.model_dump_json()
    scorer = _QUIET_SCORERS.get(key)
    if scorer is None or scorer.remembered > SHARED_MEMO_LIMIT:
        floor = max(0.0, options.review_threshold - QUIET_BELOW)
        if len(_QUIET_SCORERS) > 8:
            _QUIET_SCORERS.clear()
        scorer = _QUIET_SCORERS[key] = Scorer(options.model_copy(update={"review_threshold": floor}))
    return scorer


def quiet_family_links(
    families: Mapping[str, Sequence[int]],
    items: Mapping[int, Prepared],
    parent_of: Callable[[int], Prepared | None],
    found_by: dict[int, list[tuple[int, float, Method, Status, str]]],
    index: Index,
    options: MatchOptions,
    rejected: Callable[[int], Collection[int]],
) -> None:
    """Propose for review, for a code family no member of which is linked, the power its members' names all
    put first although each scores below the review threshold.

    幼儿园设立审批, 幼儿园变更审批 … filed under one main-item stem and each too unlike its power's long name
    (实施…学前教育…的学校设立、变更和终止审批) to be proposed alone: when two or more members put the same power
    first and no member puts another first, every member of the family is proposed for that power, in review
    (never matched: the names are weak, the agreement is what speaks). A family some member of which is linked
    already has its say through that member (`_family_links`).
    """
    scorer: Scorer | None = None
    for stem, members in sorted(families.items()):
        if any(found_by[si] for si in members):
            continue
        scorer = scorer or _quiet_scorer(options)
        firsts: list[set[int]] = []
        names: list[str] = []
        considered: set[int] = set()
        for si in members:
            cands = collect(items[si], index, scorer, parent=parent_of(si), rejected=rejected(si))
            if cands:
                top = max(c.score for c in cands.values())
                firsts.append({t for t, c in cands.items() if c.score >= top})
                names.append(items[si].full)
                considered.update(cands)
        if len(firsts) < QUIET_VOTES or (
            len(members) > SMALL_FAMILY and len(firsts) * MIN_LINKED_SHARE < len(members)
        ):
            continue  # (a few weak names say nothing of a large family)
        agreed = set.intersection(*firsts)
        if len(agreed) != 1:
            # The members' names disagree: the power the family's own words support best, when it clearly leads.
            split = split_family_owner([items[si].full for si in members], considered, index.targets, firsts)
            if split is not None:
                power, note = split
                note = SPLIT_NOTE.format(stem=stem, votes=len(firsts), detail=note)
                for si in members:
                    if power not in rejected(si):
                        found_by[si] = [(power, options.review_threshold, Method.CODE, Status.REVIEW, note)]
            continue  # otherwise (or a tie in their words) the family is silent
        (power,) = agreed
        target = index.targets[power]
        subject = max(
            (shared_subject(n, p) or "" for n in names for p in (target.core, target.alt_core or "")), key=len
        )
        if not subject:
            subject = short_subject(names, target.core, target.alt_core) or ""
        if not subject:
            continue  # the members share only act and licence words with the power: no subject agrees
        act = granted_act(target.core)
        if act is not None and not any(act in n for n in names):
            continue  # the power grants another act on the subject (…邮寄许可 / …购用许可): not the family's
        note = QUIET_NOTE.format(stem=stem, votes=len(firsts), subject=subject)
        for si in members:
            if power not in rejected(si):
                found_by[si] = [(power, options.review_threshold, Method.CODE, Status.REVIEW, note)]


# ---------------------------------------------------------------------------------------------- split families

# The best-supported power must have at least this many times the support of the next one.
SPLIT_LEAD = 2.0
# Members that must share words with the best-supported power.
SPLIT_MEMBERS = 2
# The two-character runs the members that share words with a power must share with it, on average.
SPLIT_DEPTH = 2.0
SPLIT_NOTE = (
    "同一编码族（{stem}）{votes}个办理项的名称分别最接近不同事项（均低于复核线），该族无其他对应；"
    "{detail}：整族供复核"
)


def subject_pairs(name: str) -> frozenset[str]:
    """The two-character runs of a name's own words, acts and licence words apart (幼儿园设立审批 → 幼儿, 儿园)."""
    return frozenset(run[i : i + 2] for run in GENERIC_RUN.split(name) for i in range(len(run) - 1))


def split_family_owner(
    names: Sequence[str],
    considered: Collection[int],
    targets: Sequence[Prepared],
    firsts: Sequence[Collection[int]],
) -> tuple[int, str] | None:
    """The power a code family's own words support best, when its members' weak names put different powers
    first; with the words that support it. None when no power clearly leads.

    幼儿园设立审批, 义务教育学校变更审批, 中等及以下其他教育机构设立审批 … (one main-item stem) put either
    民办职业培训学校设立、分立、合并、变更及终止审批 or 实施中等及中等以下学历教育…的学校设立、变更和终止审批 first,
    each on acts and licence words. Counted over the family, the words the members share with each power
    (acts and licence words apart: 中等, 以下, 其他, 教育, 学校 against 学校) decide: the power with at least
    SPLIT_LEAD times the next one's support, shared by SPLIT_MEMBERS members or more and put first by
    QUIET_VOTES of them, is proposed for the whole family, in review. Never matched: each name is weak, the family's words
    are what speak. A power the members share a word or so with each (SPLIT_DEPTH) is not weighed; a power
    that grants nothing (对出租汽车经营者和驾驶员的奖励: no granting word closes it) or grants another act, when
    best supported, leaves the family silent.
    """
    own = [subject_pairs(n) for n in names]
    acts = [named_acts(n) for n in names]
    support: dict[int, tuple[int, int, set[str]]] = {}
    other_act: set[int] = set()
    for t in considered:
        target = targets[t]
        granted = granted_act(target.core)
        if closed(target.core) == _END_BRACKETS.sub("", target.core):
            other_act.add(t)  # a power that grants nothing (对…的奖励, …的检查) has no handling items
        elif granted is not None and not any(granted in n for n in names):
            other_act.add(t)  # the power grants another act on the subject (…办学许可证): not the family's
        theirs = subject_pairs(target.core) | subject_pairs(target.alt_core or "")
        shared = [mine & theirs for mine in own]
        # A member whose handling act the power names (设立 of …学校设立、变更和终止审批) counts once more.
        held = named_acts(target.core)
        fits = sum(1 for a in acts if a & held)
        words = set().union(*shared)
        pairs = sum(len(s) for s in shared)
        sharing = sum(1 for s in shared if s)
        if pairs < SPLIT_DEPTH * sharing:
            continue  # a word or so per member (汽车 of 公共汽车客运… and 出租汽车…): too little to speak
        support[t] = (pairs + fits, sharing, words)
    ranked = sorted(support, key=lambda t: (-support[t][0], t))
    if not ranked or ranked[0] in other_act:
        return None  # the family's words point best at a power that grants another act: the family is silent
    best = ranked[0]
    total, members, words = support[best]
    runner_up = next((support[t][0] for t in ranked[1:] if t not in other_act), 0)
    votes = sum(1 for first in firsts if best in first)
    if votes < QUIET_VOTES or members < SPLIT_MEMBERS or total < SPLIT_LEAD * max(runner_up, 1):
        return None
    shown = "、".join(sorted(words)[:6])
    return best, f"{members}个办理项与该事项同有其字词（{shown}），最受支持（{total}对{runner_up}）"
