"""Powers on units in general (参保单位注销, 单位基本信息变更) proposed for items on one kind of unit.

An item on one kind (企业注销社会保险登记) shares too few characters with a power on units in general for the
bigram lookup to put that power among its candidates; the few powers of a unit that name a general kind of
unit are scored against every item that names one of its kinds. Scoring decides (entity kinds, see
`evidence.entity_cover`); this only makes sure the pair is scored.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from functools import lru_cache

from quanze.match.model import MatchOptions, Status
from quanze.match.scoring import ENTITY_REASON, Prepared, Scorer
from quanze.match.settle import Found

_UNIT = "单位"


@lru_cache(maxsize=65536)
def _heads(core: str, full: str, generals: tuple[str, ...]) -> tuple[str, ...]:
    """What a power's name says before each general kind of unit it names (remembered: units share powers)."""
    return tuple(sorted({name[: name.find(g)] for name in {core, full} for g in generals if g in name}))


def unit_kind_links(
    in_unit: Sequence[int],
    items: Mapping[int, Prepared],
    found_by: dict[int, list[Found]],
    targets: Sequence[Prepared],
    scorer: Scorer,
    parent_of: Callable[[int], Prepared | None],
    rejected: Callable[[int], Collection[int]],
) -> None:
    """Add, for items with no matched link that name a kind of unit, the review links scoring finds to the
    partition's powers on a general kind of unit (updates `found_by` in place)."""
    options: MatchOptions = scorer.options
    kinds = options.entity_vocabulary()
    generals = [g for g in kinds if g.endswith(_UNIT)]
    specifics = tuple(sorted({k for g in generals for k in kinds[g]}, key=len, reverse=True))
    # Each power on a general kind of unit, with what its name says before that kind: an item it covers begins
    # with those words and then names a specific kind (what `entity_cover` needs, tested cheaply first).
    known = tuple(generals)
    heads = [(t, before) for t, tgt in enumerate(targets) if (before := _heads(tgt.core, tgt.full, known))]
    if not heads:
        return
    for si in in_unit:
        item = items[si]
        name = item.full
        if not any(k in name for k in specifics):
            continue
        found = found_by[si]
        if any(f[3] is Status.MATCHED for f in found):
            continue
        have = {f[0] for f in found}
        wanted = [
            t
            for t, before in heads
            if t not in have
            and any(name.startswith(b) and name[len(b) :].startswith(specifics) for b in before)
        ]
        if not wanted:
            continue
        score = scorer.source(item, parent_of(si))
        refused = rejected(si)
        for t in wanted:
            if t in refused:
                continue
            cand = score(targets[t], None)
            if cand is None or not cand.reason.startswith(ENTITY_REASON):
                continue  # only the kind of unit is this pass's to add; other evidence is the lookup's
            # Proposed, never matched: a power on units in general covers many items of each kind.
            level = min(cand.score, options.match_threshold - 1.0)
            found.append((t, level, cand.method, Status.REVIEW, cand.reason))
        found.sort(key=lambda f: (-f[1], f[0]))
