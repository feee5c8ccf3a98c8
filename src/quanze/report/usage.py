"""Usage rates (使用率) as the reports show them: one department one row, named as the checklists name it."""

from __future__ import annotations

from collections.abc import Sequence

from quanze.handover import department_label
from quanze.results import UsageRow


def merged_usage(rows: Sequence[UsageRow]) -> list[UsageRow]:
    """Usage rows with a department spelled two ways at one unit merged, named as the checklists name it
    (卫生健康系统 and 卫生健康局 are one 卫生健康局): one file never splits what another merges."""
    totals: dict[tuple[str | None, str], list[int]] = {}
    for u in rows:
        t = totals.setdefault((u.unit, department_label(u.department)), [0, 0])
        t[0] += u.items
        t[1] += u.used
    return [
        UsageRow(unit=unit, department=d, items=n, used=used, rate=round(used / n, 4) if n else 0.0)
        for (unit, d), (n, used) in sorted(totals.items(), key=lambda kv: (kv[0][0] or "", kv[0][1]))
    ]
