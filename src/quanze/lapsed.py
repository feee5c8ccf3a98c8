"""Decisions that lapsed: recorded on a link whose power or service item has since changed code or name.

A decision is keyed on the items' codes and names, so a recode or a rename upstream leaves it matching
nothing: it is kept, not applied, and the link is asked again. The analyst is told which decisions lapsed,
and a review row asked again for a near link (same unit, the power and the item each the same by code or
by name) carries the earlier decision in its 备注, so nobody decides blind what was decided before.
"""

from __future__ import annotations

from collections.abc import Sequence

from quanze.decisions import DecisionRecord
from quanze.match import DecisionBook, Status, power_key, service_key
from quanze.models import DECISION_ZH, Decision, PowerItem, ServiceItem
from quanze.results import MatchRow

EARLIER_NOTE = "此前对相近事项的决定（编码或名称已变，未再应用）：{decision} {power} ↔ {service}{who}"


def lapsed(
    records: Sequence[DecisionRecord], power_keys: set[str], service_keys: set[str]
) -> list[DecisionRecord]:
    """The decisions in force (the latest on each link) whose power or service item is not in this run."""
    latest: dict[tuple[str, str], DecisionRecord] = {}
    for r in records:
        latest[(r.service_key, r.power_key)] = r
    return [r for r in latest.values() if r.power_key not in power_keys or r.service_key not in service_keys]


def rejections_applied(
    book: DecisionBook, powers: Sequence[PowerItem], services: Sequence[ServiceItem]
) -> int:
    """The 否决 in force whose power and service item are both in this run: applied (never proposed again)."""
    rejects = [
        (sk, pk) for sk, by_power in book.items() for pk, d in by_power.items() if d is Decision.REJECT
    ]
    if not rejects:
        return 0
    pkeys, skeys = {power_key(p) for p in powers}, {service_key(s) for s in services}
    return sum(1 for sk, pk in rejects if sk in skeys and pk in pkeys)


def _near(a: str, b: str) -> bool:
    """Two keys (code|name parts) of one item: equal by a non-empty code, or by name."""
    *_, code_a, name_a = a.split("|")
    *_, code_b, name_b = b.split("|")
    return bool(code_a and code_a == code_b) or name_a == name_b


def _unit(service_key: str) -> str:
    return service_key.split("|", 1)[0]


def note_earlier_decisions(rows: Sequence[MatchRow], records: Sequence[DecisionRecord]) -> int:
    """Give each review row the lapsed decisions on a near link in its note; returns how many rows got one."""
    if not records:
        return 0
    by_unit: dict[str, list[DecisionRecord]] = {}
    for r in records:
        by_unit.setdefault(_unit(r.service_key), []).append(r)
    noted = 0
    for row in rows:
        if row.status is not Status.REVIEW or not row.power_key or not row.service_key:
            continue
        earlier = [
            r
            for r in by_unit.get(_unit(row.service_key), ())
            if _near(r.power_key, row.power_key) and _near(r.service_key, row.service_key)
        ]
        if earlier:
            row.note = "；".join(_said(r) for r in earlier)
            noted += 1
    return noted


def _said(r: DecisionRecord) -> str:
    code = r.power_key.split("|", 1)[0]
    power = (r.power_name or r.power_key.split("|", 1)[1]) + (f"（{code}）" if code else "")
    when = (r.at or "")[:10]
    who = "，".join(x for x in (r.by, when) if x)
    return EARLIER_NOTE.format(
        decision=DECISION_ZH[r.decision],
        power=power,
        service=r.service_name or r.service_key.rsplit("|", 1)[-1],
        who=f"（{who}）" if who else "",
    )
