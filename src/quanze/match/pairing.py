"""List-to-list pairing: the items of two power lists paired one to one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from quanze.match.candidates import Index, collect
from quanze.match.model import MatchOptions, Method, Status
from quanze.match.scoring import Candidate, prepare, prepare_power, shared_scorer
from quanze.models import PowerItem


@dataclass(frozen=True, slots=True)
class Pair:
    """Two items of two lists taken to be the same item (one-to-one)."""

    left: int
    right: int
    score: float
    method: Method
    status: Status
    reason: str


@dataclass(slots=True)
class Pairing:
    pairs: list[Pair] = field(default_factory=list)
    left_only: list[int] = field(default_factory=list)
    right_only: list[int] = field(default_factory=list)


def match_lists(
    left: Sequence[PowerItem], right: Sequence[PowerItem], *, options: MatchOptions | None = None
) -> Pairing:
    """Pair the items of two power lists one to one: two versions, or a devolution and an acceptance list.

    Each right item is scored against the left items as a service item is against powers (code, exact
    core name, fuzzy); then the best-scoring pairs are taken greedily so that no item is used twice.
    """
    options = options or MatchOptions()
    prepared = [prepare_power(p) for p in left]
    index = Index(prepared)
    scorer = shared_scorer(options)
    scored: list[tuple[float, int, int, Candidate]] = []
    for ri, r in enumerate(right):
        src = prepare(r.title, None, r.code, r.department, r.category)
        cands = collect(src, index, scorer, handling_forms=False)
        for c in cands.values():
            scored.append((c.score, ri, c.target, c))
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    used_left: set[int] = set()
    used_right: set[int] = set()
    result = Pairing()
    for score, ri, li, cand in scored:
        if ri in used_right or li in used_left:
            continue
        used_left.add(li)
        used_right.add(ri)
        status = Status.MATCHED if score >= options.match_threshold else Status.REVIEW
        result.pairs.append(Pair(li, ri, score, cand.method, status, cand.reason))
    result.pairs.sort(key=lambda p: (p.left, p.right))
    result.left_only = [i for i in range(len(left)) if i not in used_left]
    result.right_only = [i for i in range(len(right)) if i not in used_right]
    return result
