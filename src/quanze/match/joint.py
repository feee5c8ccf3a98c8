"""One power listed by two departments of a unit (联合实施, or 职责交叉): its handling items serve both rows.

The catalogue files a handling item under one department, and the department adjustment makes it prefer the
row of the list with that department; the partner row, the same power in another department's list, would be
left with no service item and reported as 权限悬空. Each link an item has to one such row is given to the
others with the same status (in review when an analyst confirmed the first row: the decision was about that
row), unless an analyst rejected that row for the item.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, MutableMapping, Sequence

from quanze.match.model import Method, Status
from quanze.match.scoring import Prepared
from quanze.match.settle import Found

PARTNER_NOTE = "同一事项另列于{dept}（联合实施或职责交叉），办理项同属各行；该行依据：{reason}"
DECIDED_NOTE = "同一事项另列于{dept}（联合实施或职责交叉），分析人员已确认该办理项对应那一行，本行待复核"


def _identity(t: Prepared) -> tuple[str, str | None, str | None, frozenset[str]]:
    return t.core, t.alt_core, t.handling, t.qualifiers


def partner_rows(targets: Sequence[Prepared]) -> dict[int, list[int]]:
    """Each power's partner rows: the same name (main item, sub-item, act and qualifiers) in another department,
    under the same code or with no code on one side."""
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
                o for o in rows if targets[o].dept != targets[t].dept and _same_code(targets[t], targets[o])
            ]
            if mine:
                partners[t] = mine
    return partners


def _same_code(a: Prepared, b: Prepared) -> bool:
    """Two rows with codes of their own that differ are two powers that share a name, not one power."""
    return a.code is None or b.code is None or a.code == b.code


def link_partner_rows(
    in_unit: Sequence[int],
    found_by: MutableMapping[int, list[Found]],
    targets: Sequence[Prepared],
    rejected: Callable[[int], Collection[int]] = lambda si: (),
) -> None:
    """Give an item's link to a power to that power's partner rows too (see the module); `found_by` in place."""
    partners = partner_rows(targets)
    if not partners:
        return
    for si in in_unit:
        found = found_by[si]
        held = {f[0]: f for f in found}
        added: dict[int, Found] = {}
        for t, score, method, status, reason in found:
            for o in partners.get(t, ()):
                if o in held or o in rejected(si):
                    continue
                dept = targets[t].dept
                if method is Method.DECISION:  # the analyst decided that row, not this one: a person confirms
                    link = (o, score, Method.EXACT, Status.REVIEW, DECIDED_NOTE.format(dept=dept))
                else:
                    link = (o, score, method, status, PARTNER_NOTE.format(dept=dept, reason=reason))
                if o not in added or added[o][1] < score:
                    added[o] = link
        if added:
            found_by[si] = [*found, *sorted(added.values(), key=lambda f: f[0])]
