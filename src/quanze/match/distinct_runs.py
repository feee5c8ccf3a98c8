"""An item nothing links, named just under the review line, that holds a run of words one power alone holds.

A handling item often names its power's thing in words of its own around a run it keeps from the power's name:
拆除、移动城镇排水与污水处理设施方案审核 under 因工程建设需要拆除、改动、迁移供水、排水与污水处理设施审核. The
names score just under the review line, and the item went unlinked. When they score within NEAR_BELOW of it, and
the longest run of the item's own words (acts and licence words apart) that any power of the partition holds is
four characters or more and one power alone holds it, that power is proposed, in review (never matched: the run
is evidence of the thing, not of the item; a person confirms). A run two powers hold (社会保障卡 of 社会保障卡申领
and 社会保障卡信息变更) proposes nothing; nor do names far apart (most items sharing a run with one power have no
power at all), a licence item against a penalty, a filing against a licence, an item granting another act on the
thing (…购用许可 / …邮寄许可), an information service against a power that is none, a power of another
department (unless one of them is a 行政审批局 handling others' items), or a power an analyst rejected. Short
forms are read in full (高校毕业生报到 holds 高等学校), and a kind of entity (机关事业单位: who applies, not what
for) is no run of a thing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, MutableMapping, Sequence
from functools import lru_cache
from typing import Final

from quanze.match.doubts import closing_kind
from quanze.match.families import GENERIC_RUN, granted_act
from quanze.match.inquiries import inquiry_for_another
from quanze.match.model import MatchOptions, Method, Status
from quanze.match.scoring import Prepared, score_pair
from quanze.match.settle import Found
from quanze.vocab import CONCENTRATING_DEPARTMENTS

# The shortest run of words that names a thing of one power (生活垃圾, 就业见习); three characters (毕业生, 保险费)
# are too common a word to say which power.
MIN_RUN: Final = 4

# How far below the review threshold the names may score: a run is what lifts a near miss, not a name alone.
NEAR_BELOW: Final = 15.0

RUN_NOTE: Final = (
    "名称相似度{score:.0f}，略低于复核线；办理项名称含“{run}”，仅该事项名称含此字词（审批、许可等通用字样除外），"
    "需人工确认"
)


def _holders(
    run: str, targets: Sequence[Prepared], postings: Mapping[str, tuple[Sequence[int], float]]
) -> set[int]:
    """The powers whose name (or main item's name) holds `run` word for word."""
    grams = [run[i : i + 2] for i in range(len(run) - 1)]
    if not all(g in postings for g in grams):
        return set()
    rarest = min(grams, key=lambda g: len(postings[g][0]))
    return {t for t in postings[rarest][0] if run in targets[t].core or run in (targets[t].alt_core or "")}


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

    `names` are one item's name and its readings with short forms in full (高校 → 高等学校); a run that is only
    a kind of entity or part of one in `who` (机关事业单位: who applies, not what for) is no thing of a power's.
    """
    runs = sorted(
        {r for n in names for r in GENERIC_RUN.split(n) if len(r) >= MIN_RUN}, key=len, reverse=True
    )
    for size in range(len(runs[0]) if runs else 0, MIN_RUN - 1, -1):
        hits: dict[int, str] = {}
        for run in runs:
            if len(run) < size:
                break
            for i in range(len(run) - size + 1):
                part = run[i : i + size]
                if part in who:
                    continue
                for t in _holders(part, targets, postings):
                    hits.setdefault(t, part)
        if hits:
            return next(iter(hits.items())) if len(hits) == 1 else None
    return None


def _apart(mine: str | None, theirs: str | None) -> bool:
    """Whether an item and a power are of two known departments, neither one that handles others' items."""
    return bool(mine and theirs and mine != theirs) and not {mine, theirs} & CONCENTRATING_DEPARTMENTS


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
) -> None:
    """Propose, for each item nothing links, the one power that holds its longest run of own words (see module)."""
    vocab = options.abbreviation_vocabulary()
    loose = options.model_copy(update={"review_threshold": max(0.0, options.review_threshold - NEAR_BELOW)})
    who = entity_runs(tuple(sorted(options.entity_vocabulary().items())))
    for si in in_unit:
        if found_by[si]:
            continue
        item = items[si]
        hit = distinct_run([item.full, *(v for v, _ in vocab.variants(item.full))], targets, postings, who)
        if hit is None:
            continue
        t, run = hit
        target = targets[t]
        if t in rejected(si) or item.kind_clash(target) or inquiry_for_another(item.full, target.full):
            continue
        kinds = (closing_kind(item.full), closing_kind(target.full))
        if None not in kinds and kinds[0] != kinds[1]:
            continue  # a filing against a licence (…危险货物备案 / …危险化学品经营许可): another kind of item
        if other_grant(item.core, target.core) or _apart(item.dept, target.dept):
            continue
        near = score_pair(item, target, loose, code_exact=None, parent=None)
        if near is None or near.score < loose.review_threshold:
            continue  # the names are far apart: a shared run alone says little (most such items have no power)
        note = RUN_NOTE.format(score=near.score, run=run)
        found_by[si] = [(t, options.review_threshold, Method.FUZZY, Status.REVIEW, note)]
