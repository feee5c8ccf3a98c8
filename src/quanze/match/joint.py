"""One power listed by two departments of a unit (联合实施, or 职责交叉): its handling items serve both rows.

The catalogue files a handling item under one department, and the department adjustment makes it prefer the
row of the list with that department; the partner row, the same power in another department's list, would be
left with no service item and reported as 权限悬空. Each link an item has to one such row is given to the
others with the same status (in review when an analyst confirmed the first row: the decision was about that
row), unless an analyst rejected that row for the item.

Two rows of one name under codes of their own are two powers, unless a row's 备注 names the other row's
department as the one it implements the power with (与梧川市档案局联合实施, 会同县财政局实施): each department
numbers its rows in its own list, so a joint power often carries two codes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Collection, MutableMapping, Sequence
from typing import Final

from quanze.match.model import Method, Status
from quanze.match.scoring import Prepared
from quanze.match.settle import Found, carried
from quanze.normalize import department_key

PARTNER_NOTE = "同一事项另列于{dept}（联合实施或职责交叉），办理项同属各行；该行依据：{reason}"
DECIDED_NOTE = "同一事项另列于{dept}（联合实施或职责交叉），分析人员已确认该办理项对应那一行，本行待复核"


def _identity(t: Prepared) -> tuple[str, str | None, str | None, frozenset[str]]:
    return t.core, t.alt_core, t.handling, t.qualifiers


def partner_rows(targets: Sequence[Prepared], remarks: Sequence[str | None] = ()) -> dict[int, list[int]]:
    """Each power's partner rows: the same name (main item, sub-item, act and qualifiers) in another department,
    under the same code, with no code on one side, or named as a joint implementer in either row's `remarks`
    (备注, one per target when given)."""
    if len({t.core for t in targets}) == len(targets):
        return {}  # no name listed twice: the common case, found without grouping
    by_name: dict[tuple[str, str | None, str | None, frozenset[str]], list[int]] = defaultdict(list)
    for t, target in enumerate(targets):
        if target.dept:
            by_name[_identity(target)].append(t)
    partners: dict[int, list[int]] = {}
    for rows in by_name.values():
        if len({targets[t].dept for t in rows}) < 2:
            continue
        for t in rows:
            mine = [
                o
                for o in rows
                if targets[o].dept != targets[t].dept
                and (_same_code(targets[t], targets[o]) or _joint_by_remarks(t, o, targets, remarks))
            ]
            if mine:
                partners[t] = mine
    return partners


def _same_code(a: Prepared, b: Prepared) -> bool:
    """Two rows with codes of their own that differ are two powers that share a name, not one power."""
    return a.code is None or b.code is None or a.code == b.code


# A remark that says the power is implemented with another department, and the words around that department.
_JOINT_WORDS: Final = re.compile(r"联合|会同|共同|协同")
_REMARK_PARTS: Final = re.compile(r"[，,。；;、/]")
_BEFORE_DEPT: Final = re.compile(r"^(?:由|与|同|和|会同|牵头)+")
_AFTER_DEPT: Final = re.compile(
    r"(?:等部门|等单位|等)?(?:联合|共同|协同|会同|配合)?(?:实施|办理|行使|负责|承担).*$"
)


def joint_departments(remark: str | None) -> frozenset[str]:
    """The departments a 备注 names as implementing a power jointly (与…联合实施, 会同…实施), as department keys."""
    if not remark or not _JOINT_WORDS.search(remark):
        return frozenset()
    found = set()
    for part in _REMARK_PARTS.split(remark):
        name = _AFTER_DEPT.sub("", _BEFORE_DEPT.sub("", part.strip()))
        key = department_key(name) if len(name) >= 2 else None
        if key:
            found.add(key)
    return frozenset(found)


def _joint_by_remarks(t: int, o: int, targets: Sequence[Prepared], remarks: Sequence[str | None]) -> bool:
    """Whether either row's 备注 names the other row's department as its joint implementer."""
    if not remarks:
        return False
    a, b = targets[t], targets[o]
    return (b.dept is not None and b.dept in joint_departments(remarks[t])) or (
        a.dept is not None and a.dept in joint_departments(remarks[o])
    )


def link_partner_rows(
    in_unit: Sequence[int],
    found_by: MutableMapping[int, list[Found]],
    targets: Sequence[Prepared],
    rejected: Callable[[int], Collection[int]] = lambda si: (),
    remarks: Sequence[str | None] = (),
) -> None:
    """Give an item's link to a power to that power's partner rows too (see the module); `found_by` in place.

    `remarks` holds each target's 备注 (or nothing): a remark naming the partner's department joins two rows
    that carry codes of their own.
    """
    partners = partner_rows(targets, remarks)
    if not partners:
        return
    for si in in_unit:
        found = found_by[si]
        if not any(f[0] in partners for f in found):
            continue
        held = {f[0]: f for f in found}
        refused = rejected(si)  # (worked out once an item, not once a partner)
        added: dict[int, Found] = {}
        for f in found:
            t, score, method, status, reason = f
            for o in partners.get(t, ()):
                if o in held or o in refused:
                    continue
                dept = targets[t].dept
                if method is Method.DECISION:  # the analyst decided that row, not this one: a person confirms
                    link = (o, score, Method.EXACT, Status.REVIEW, DECIDED_NOTE.format(dept=dept))
                else:  # (a tie between sub-items is the partner row's too)
                    link = carried(
                        f, (o, score, method, status, PARTNER_NOTE.format(dept=dept, reason=reason))
                    )
                if o not in added or added[o][1] < score:
                    added[o] = link
        if added:
            found_by[si] = [*found, *sorted(added.values(), key=lambda f: f[0])]
