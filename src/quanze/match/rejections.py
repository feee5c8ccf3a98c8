"""A rejection takes a candidate away; it never makes the others more certain.

An analyst's 否决 says "not this power" and nothing about the item's other candidates. Matching without the
rejected power may still settle a rival it used to hold back (a main item's code, a tie or a family that no
longer has a stronger name beside it: 职业培训补贴申领 flagged 可能是相近的另一事项 becomes `matched` once 创业补贴申请
is rejected). So an item with rejections keeps a link `matched` only when matching the unit as if nothing had
been rejected matches it too; any other link of the item stays in review, at the score it had there.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, MutableMapping, Sequence

from quanze.match.model import Decision, DecisionBook, MatchOptions, Method, Status
from quanze.match.settle import Found, carried

REJECTED_RIVAL_NOTE = "另一候选已被否决，但否决不能证明该对应关系：需人工确认"


def confirmations_only(decisions: DecisionBook) -> DecisionBook:
    """The decisions with every rejection left out (the book matching would read had nobody rejected)."""
    out: dict[str, dict[str, Decision]] = {}
    for skey, book in decisions.items():
        kept: dict[str, Decision] = {pk: d for pk, d in book.items() if d is not Decision.REJECT}
        if kept:
            out[skey] = kept
    return out


def promoted_by_rejection(
    in_unit: Sequence[int],
    found_by: Mapping[int, Sequence[Found]],
    rejected: Callable[[int], Collection[int]],
) -> list[int]:
    """Items with a rejected power and a `matched` link no analyst confirmed: the ones to check."""
    return [
        si
        for si in in_unit
        if any(f[3] is Status.MATCHED and f[2] is not Method.DECISION for f in found_by[si]) and rejected(si)
    ]


def hold_back(
    items: Sequence[int],
    links_of: MutableMapping[int, list[Found]],
    unrejected: Mapping[int, Sequence[Found]],
    options: MatchOptions,
) -> None:
    """Put back in review each `matched` link of `items` that matching without the rejections left unmatched.

    Not a pass of catalogue matching (UNIT_PASSES): it weighs the unit's links after every pass against a second
    matching of the unit, so it takes them as `links_of`."""
    below = options.match_threshold - options.margin
    for si in items:
        before = {f[0]: f for f in unrejected.get(si, ())}
        out: list[Found] = []
        for f in links_of[si]:
            was = before.get(f[0])
            if (
                f[3] is Status.MATCHED
                and f[2] is not Method.DECISION
                and (was is None or was[3] is not Status.MATCHED)
            ):
                score = was[1] if was is not None else min(f[1], below)
                reason = (was[4] if was is not None else f[4]) + "；" + REJECTED_RIVAL_NOTE
                f = carried(f, (f[0], score, f[2], Status.REVIEW, reason))
            out.append(f)
        links_of[si] = out
