"""An item nothing links, named just under the review line, that holds a run of words one power alone holds.

A handling item often names its power's thing in words of its own around a run it keeps from the power's name:
拆除、移动城镇排水与污水处理设施方案审核 under 因工程建设需要拆除、改动、迁移供水、排水与污水处理设施审核. The
names score just under the review line, and the item went unlinked. When they score within NEAR_BELOW of it, and
the longest run of the item's own words (acts and licence words apart) that any power of the partition holds is
four characters or more, one power alone holds it, and it opens a run of the item's own words (the item is about
that thing, not about a thing of its own the run ends: 基本医疗保险关系转移接续 against 军地养老保险关系转移接续申请),
that power is proposed, in review (never matched: the run
is evidence of the thing, not of the item; a person confirms). A run two powers hold (社会保障卡 of 社会保障卡申领
and 社会保障卡信息变更) proposes nothing; nor do names far apart (most items sharing a run with one power have no
power at all), a licence item against a penalty, a filing against a licence, an item granting another act on the
thing (…购用许可 / …邮寄许可), an information service against a power that is none, a power of another
department (unless one of them is a 行政审批局 handling others' items), or a power an analyst rejected. Short
forms are read in full (高校毕业生报到 holds 高等学校), and a kind of entity (机关事业单位: who applies, not what
for) is no run of a thing.

A code family speaks where one name does not: two or more members of one family whose runs all point at one power
(and no member linked elsewhere) are proposed for it however far apart the names score (long names such as
除从事剧毒、易制爆…企业经营许可证核发 / …变更审查 under 除剧毒化学品、易制爆化学品外其他危险化学品…经营许可); and in a
small family (SMALL_FAMILY members at most) with nothing else linked, the one member a run proposed speaks for its
unlinked siblings that share a word with the power (建设项目人防工程竣工验收 beside 防空地下室易地建设费核定).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, MutableMapping, Sequence
from functools import lru_cache, partial
from typing import Final

from quanze.match.doubts import closing_kind
from quanze.match.families import GENERIC_RUN, family_owner, granted_act
from quanze.match.model import MatchOptions, Method, Status
from quanze.match.proposable import proposable
from quanze.match.scoring import Prepared, score_pair
from quanze.match.settle import Found
from quanze.match.siblings import follow_family

# The shortest run of words that names a thing of one power (生活垃圾, 就业见习); three characters (毕业生, 保险费)
# are too common a word to say which power.
MIN_RUN: Final = 4

# How far below the review threshold the names may score: a run is what lifts a near miss, not a name alone.
NEAR_BELOW: Final = 20.0

# Members of one code family whose runs must agree before names far apart are proposed.
FAMILY_VOTES: Final = 2
FAMILY_RUN_NOTE: Final = (
    "同一编码族（{stem}）{n}个办理项名称均含仅该事项名称所含的字词（如“{run}”），该族无其他对应：供复核"
)
RUN_NOTE: Final = (
    "名称相似度{score:.0f}，略低于复核线；办理项名称含“{run}”，仅该事项名称含此字词（审批、许可等通用字样除外），"
    "需人工确认"
)


def _names(t: int, targets: Sequence[Prepared]) -> tuple[str, str]:
    return targets[t].core, targets[t].alt_core or ""


def _longest_from(
    run: str, i: int, targets: Sequence[Prepared], postings: Mapping[str, tuple[Sequence[int], float]]
) -> tuple[int, set[int]]:
    """(length, holders): the longest piece of `run` starting at `i` that some power's name holds word for word,
    MIN_RUN characters or more, and the powers that hold it; (0, ∅) when none holds MIN_RUN characters."""
    first, second = postings.get(run[i : i + 2]), postings.get(run[i + 2 : i + 4])
    if first is None or second is None:
        return 0, set()
    rarer = first[0] if len(first[0]) <= len(second[0]) else second[0]
    end = i + MIN_RUN
    holders = {t for t in rarer if any(run[i:end] in n for n in _names(t, targets))}
    while holders and end < len(run):
        longer = {t for t in holders if any(run[i : end + 1] in n for n in _names(t, targets))}
        if not longer:
            break
        holders, end = longer, end + 1
    return (end - i, holders) if holders else (0, set())


@lru_cache(maxsize=16)
def entity_runs(kinds: tuple[tuple[str, tuple[str, ...]], ...]) -> frozenset[str]:
    """Every run of MIN_RUN characters or more within a kind of entity (机关事业单位 → 机关事业, 事业单位 …)."""
    words = {w for general, specific in kinds for w in (general, *specific)}
    return frozenset(
        w[i : i + n] for w in words for n in range(MIN_RUN, len(w) + 1) for i in range(len(w) - n + 1)
    )


def distinct_run(
    names: Sequence[str],
    targets: Sequence[Prepared],
    postings: Mapping[str, tuple[Sequence[int], float]],
    who: Collection[str] = (),
) -> tuple[int, str] | None:
    """(power, run) when the longest run of the names' own words that any power holds is MIN_RUN characters or
    more and one power alone holds it; else None (two powers holding runs of that length say nothing).

    `names` are one item's name and its readings with short forms in full (高校 → 高等学校); a run that is a kind
    of entity or part of one in `who` (机关事业单位: who applies, not what for) is no thing of a power's.
    """
    best = 0  # the longest length held, and its holders with the run each holds
    hits: dict[int, str] = {}
    for run in sorted({r for n in names for r in GENERIC_RUN.split(n) if len(r) >= MIN_RUN}):
        for i in range(len(run) - MIN_RUN + 1):
            if len(run) - i < best:
                break
            size, holders = _longest_from(run, i, targets, postings)
            if size < best or run[i : i + size] in who:
                continue
            if size > best:
                best, hits = size, {}
            for t in holders:
                hits.setdefault(t, run[i : i + size])
    return next(iter(hits.items())) if len(hits) == 1 else None


# How much of its own may an item name before the run that names its thing (城乡 of 城乡生活垃圾…, 电子 …).
OPENING_ROOM: Final = 2


def opens_words(run: str, names: Sequence[str]) -> bool:
    """Whether the run opens a run of one name's own words, after OPENING_ROOM characters at most: the item is
    about the run's thing (就业见习岗位申报, 城乡生活垃圾经营性…许可), not about a thing of its own the run ends
    (基本医疗保险关系转移接续 holds 保险关系转移接续; 农村公路建设项目初步设计审批 holds 项目初步设计)."""
    return any(0 <= own.find(run) <= OPENING_ROOM for name in names for own in GENERIC_RUN.split(name))


def other_grant(item: str, power: str) -> bool:
    """Whether the item and the power each grant an act on their thing that the other does not name (…毒性药品
    购用许可 / …毒性药品邮寄许可): the same thing, another power. An item whose act the power lists (…运输许可
    under …清扫、收集、运输、处理服务审批) grants no other."""
    mine, theirs = granted_act(item), granted_act(power)
    return mine is not None and theirs is not None and mine not in power and theirs not in item


def propose_by_distinct_run(
    in_unit: Sequence[int],
    found_by: MutableMapping[int, list[Found]],
    items: Mapping[int, Prepared],
    targets: Sequence[Prepared],
    options: MatchOptions,
    rejected: Callable[[int], Collection[int]],
    postings: Mapping[str, tuple[Sequence[int], float]],
    families: Mapping[str, Sequence[int]] | None = None,
) -> None:
    """Propose, for each item nothing links, the one power that holds its longest run of own words (see module).

    With `families` (code stem → members), members of one family whose runs all point at one power, two or more
    of them and no member linked to another power, are proposed for it however far apart the names score: the
    family agrees (除从事剧毒、易制爆…企业经营许可证核发, …变更审查, …换证审查 under 除剧毒化学品、易制爆化学品外
    其他危险化学品…经营许可).
    """
    vocab = options.abbreviation_vocabulary()
    loose = options.model_copy(update={"review_threshold": max(0.0, options.review_threshold - NEAR_BELOW)})
    who = entity_runs(tuple(sorted(options.entity_vocabulary().items())))
    proposed: dict[int, str] = {}  # items proposed on their names' run, and the run
    far: dict[int, tuple[int, str]] = {}  # items whose run fits a power but whose names score too far apart
    for si in in_unit:
        if found_by[si]:
            continue
        item = items[si]
        names = [item.full, *(v for v, _ in vocab.variants(item.full))]
        hit = distinct_run(names, targets, postings, who)
        if hit is None or not _fits(item, hit[0], targets, rejected(si)):
            continue
        t, run = hit
        near = score_pair(item, targets[t], loose, code_exact=None, parent=None)
        if near is None or near.score < loose.review_threshold:
            far[si] = hit  # the names are far apart: a run alone says little (most such items have no power)
            continue
        if near.score >= options.review_threshold:
            continue  # the names alone reach the line: the matcher dropped the pair for a reason of its own
        if not opens_words(run, names):
            continue  # the run closes a longer thing of the item's own (…基本医疗保险关系转移接续): not the power's
        note = RUN_NOTE.format(score=near.score, run=run)
        found_by[si] = [(t, options.review_threshold, Method.FUZZY, Status.REVIEW, note)]
        proposed[si] = run
    if not families:
        return
    for stem, members in sorted(families.items()):
        _siblings_follow(stem, members, proposed, found_by, items, targets, options, rejected)
    if not far:
        return
    for stem, members in sorted(families.items()):
        hits = [(si, far[si]) for si in members if si in far]
        if len(hits) < FAMILY_VOTES:
            continue
        # The runs of the members far apart and the links of the rest must all point at one power.
        pointing = [{t} for _, (t, _) in hits] + [
            {f[0] for f in found_by[si]} for si in members if found_by[si]
        ]
        if family_owner(pointing, len(members), share_from=None) is None:
            continue
        for si, (t, run) in hits:
            note = FAMILY_RUN_NOTE.format(stem=stem, n=len(hits), run=run)
            found_by[si] = [(t, options.review_threshold, Method.CODE, Status.REVIEW, note)]


# The largest family one member proposed on its run speaks for (a larger one needs more than one voice).
SMALL_FAMILY: Final = 4
SIBLING_NOTE: Final = (
    "同一编码族（{stem}）的“{name}”名称含仅该事项名称所含的“{run}”，该族无其他对应；该办理项与该事项共有“{word}”，"
    "凭编码族提出，需人工确认"
)


def _siblings_follow(
    stem: str,
    members: Sequence[int],
    proposed: Mapping[int, str],
    found_by: MutableMapping[int, list[Found]],
    items: Mapping[int, Prepared],
    targets: Sequence[Prepared],
    options: MatchOptions,
    rejected: Callable[[int], Collection[int]],
) -> None:
    """In a small family with nothing else linked, the member a run proposed speaks for its unlinked siblings that
    share a word with the power (建设项目人防工程竣工验收 beside 防空地下室易地建设费核定)."""
    if len(members) > SMALL_FAMILY:
        return
    linked = [si for si in members if found_by[si]]
    if len(linked) != 1 or linked[0] not in proposed:
        return
    (lead,) = linked
    t = family_owner([{f[0] for f in found_by[lead]}], len(members), share_from=None)
    if t is None:
        return
    run = proposed[lead]
    follow_family(
        members,
        t,
        found_by,
        items,
        targets,
        options,
        lambda si, power: _fits(items[si], power, targets, rejected(si)),
        partial(SIBLING_NOTE.format, stem=stem, name=items[lead].full, run=run),
    )


def _fits(item: Prepared, t: int, targets: Sequence[Prepared], rejected: Collection[int]) -> bool:
    """Whether nothing rules out proposing power `t` for the item (see the module)."""
    if not proposable(item, t, targets, rejected, inquiry=True, department=True):
        return False
    target = targets[t]
    kinds = (closing_kind(item.full), closing_kind(target.full))
    if None not in kinds and kinds[0] != kinds[1]:
        return False  # a filing against a licence (…危险货物备案 / …危险化学品经营许可): another kind of item
    return not other_grant(item.core, target.core)
