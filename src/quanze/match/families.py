"""Code families whose reviewed members agree: the one power they all point at is proposed for the rest."""

from __future__ import annotations

from collections.abc import Sequence

from quanze.match.scoring import KEY_WORD_NOTE

# A reviewed member's score at or above which it speaks for its family (a weaker one says too little).
UNANIMOUS_SUPPORT = 70.0
# At least one member in this many must be linked for a large family to speak.
MIN_LINKED_SHARE = 3
# A family of this many members or fewer speaks through one confidently linked member: a power held on the
# platform under its county's own code is often named by one handling item only (机动车驾驶员培训备案 among
# 教练车备案证办理（配发）, （注销）…), and its siblings are its other handling items.
SMALL_FAMILY = 6


def unanimous_owner(links: Sequence[Sequence[tuple[int, float, str]]], size: int) -> int | None:
    """The one power every linked member of a family of `size` points at, when they all agree; else None.

    `links` holds, per member with links, its (power, score, reason) candidates. 个体演员备案 reviewed
    against 个体演员和个体演出经纪人备案, its siblings 个体演员备案证明补证备案 and …注销备案 unlinked: the
    family proposes that power for the siblings too. Members that point at two powers, a doubtful link (a key
    word differs) or a weak one leave the family silent, and so do a few linked members of a large family
    (two of forty items filed under 企业设立、变更、注销登记 say nothing about the other thirty-eight); in a
    small family one confident member is enough.
    """
    owners = {power for member in links for power, _, _ in member}
    if len(owners) != 1 or not links or (size > SMALL_FAMILY and len(links) * MIN_LINKED_SHARE < size):
        return None
    for member in links:
        if any(score < UNANIMOUS_SUPPORT or KEY_WORD_NOTE in reason for _, score, reason in member):
            return None
    return owners.pop()
