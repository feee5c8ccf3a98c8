"""Powers on units in general (参保单位注销, 单位基本信息变更) proposed for items on one kind of unit.

An item on one kind (企业注销社会保险登记) shares too few characters with a power on units in general for the
bigram lookup to put that power among its candidates; the few powers of a unit that name a general kind of
unit are scored against every item that names one of its kinds. Scoring decides (entity kinds, see
`evidence.entity_cover`); this only makes sure the pair is scored.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

from quanze.match.model import MatchOptions, Method, Status
from quanze.match.scoring import ENTITY_REASON, Prepared, Scorer

_Found = tuple[int, float, Method, Status, str]
_UNIT = "单位"


def unit_kind_links(
    in_unit: Sequence[int],
    items: Mapping[int, Prepared],
    found_by: dict[int, list[_Found]],
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
    general_powers = [
        t for t, tgt in enumerate(targets) if any(g in tgt.core or g in tgt.full for g in generals)
    ]
    if not general_powers:
        return
    specifics = tuple({k for g in generals for k in kinds[g]})
    for si in in_unit:
        item = items[si]
        if not any(k in item.full for k in specifics):
            continue
        found = found_by[si]
        if any(f[3] is Status.MATCHED for f in found):
            continue
        have = {f[0] for f in found}
        score = scorer.source(item, parent_of(si))
        refused = rejected(si)
        for t in general_powers:
            if t in have or t in refused:
                continue
            cand = score(targets[t], None)
            if cand is None or not cand.reason.startswith(ENTITY_REASON):
                continue  # only the kind of unit is this pass's to add; other evidence is the lookup's
            # Proposed, never matched: a power on units in general covers many items of each kind.
            level = min(cand.score, options.match_threshold - 1.0)
            found.append((t, level, cand.method, Status.REVIEW, cand.reason))
        found.sort(key=lambda f: (-f[1], f[0]))
