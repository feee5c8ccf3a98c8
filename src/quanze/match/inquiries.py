"""Information services are not handling items: 护士执业注册信息查询 is not an item of 护士执业注册许可.

A catalogue also lists what a department tells or shows the public about a power: queries (…信息查询), advice
(…登记咨询) and guides (…网上申请指引). They name the power's subject, so names alone propose them for the power,
but they are no act of it; the platform counts them as public services of their own. An item whose name ends in
such a word is not proposed on its name for a power that is not itself such a service (历史气象资料查询服务 is one).
A link its code makes (就业创业证查询、核验 in 失业登记's code family) or a matched link is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Final

from quanze.match.model import Method, Status
from quanze.match.scoring import Prepared
from quanze.match.settle import Found

# Closing words of an information service (a query, advice, a guide) and the words a power that is one uses.
INQUIRY_ENDS: Final = ("查询", "咨询", "指引", "办事指南")
_INQUIRY_POWER: Final = re.compile("查询|咨询|指引|指南|服务|信息")
_END_BRACKETS: Final = re.compile(r"(?:\([^()]*\)|（[^（）]*）)+$")


def is_inquiry(name: str) -> bool:
    """Whether a name ends in a query, advice or guide word, its end qualifiers aside (…信息查询（县级））."""
    return _END_BRACKETS.sub("", name).endswith(INQUIRY_ENDS)


def inquiry_for_another(item: str, power: str) -> bool:
    """Whether an item is an information service and the power is not one (names alone never propose it)."""
    return is_inquiry(item) and _INQUIRY_POWER.search(power) is None


def drop_inquiries(
    in_unit: Sequence[int],
    found_by: MutableMapping[int, list[Found]],
    items: Mapping[int, Prepared],
    targets: Sequence[Prepared],
) -> None:
    """Drop the review links names alone gave an information service to powers that are not one (see the module)."""
    for si in in_unit:
        found = found_by[si]
        if not found or not is_inquiry(items[si].full):
            continue
        kept = [
            f
            for f in found
            if f[3] is Status.MATCHED
            or f[2] in (Method.CODE, Method.DECISION)
            or not inquiry_for_another(items[si].full, targets[f[0]].full)
        ]
        if len(kept) < len(found):
            found_by[si] = kept
