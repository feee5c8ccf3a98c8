"""Handover checklists (交接清单) per receiving unit, and progress ledgers (台账) read back from them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, Field

from quanze.addressing import DEFAULT
from quanze.gaps import AcceptanceCheck, expected_at, is_refused
from quanze.match import MatchResult, Status
from quanze.models import IssueCode, PowerItem, RowIssue, ServiceItem, Severity
from quanze.normalize import department_key

DEFAULT_MATERIALS = "法律法规依据、办事指南、申请表单及示范文本、审查要点、在办件及历史档案"
DONE, NOT_DONE = "已交接", "未交接"
STATUS_CHOICES = (DONE, NOT_DONE)


class HandoverRow(BaseModel):
    """One devolved item to hand over to one unit."""

    unit: str
    no: int
    handing_department: str | None
    receiving_department: str | None
    item_code: str | None
    item_name: str
    mode: str | None
    acceptance: str
    service_items: list[str] = Field(default_factory=list)
    materials: str = DEFAULT_MATERIALS
    status: str = NOT_DONE
    date: str | None = None
    note: str | None = None


class LedgerRow(BaseModel):
    """Handover progress of one unit (and optionally one handing department)."""

    unit: str
    department: str | None = None
    items: int
    done: int
    pending: int
    rate: float


class Ledger(BaseModel):
    by_unit: list[LedgerRow]
    by_department: list[LedgerRow]
    issues: list[RowIssue] = Field(default_factory=list)


def checklists(
    devolved: Sequence[PowerItem],
    services: Sequence[ServiceItem],
    result: MatchResult,
    acceptance: AcceptanceCheck | None,
    units: Sequence[str],
) -> dict[str, list[HandoverRow]]:
    """For each unit, the devolved items it should receive, with the service items to enter for each."""
    entered: dict[tuple[int, str], list[str]] = defaultdict(list)
    for lk in result.links:
        if lk.status is Status.MATCHED:
            s = services[lk.service]
            entered[(lk.power, s.unit or "")].append(s.name)
    out: dict[str, list[HandoverRow]] = {}
    for unit in units:
        accepted_items: dict[int, PowerItem] = {}
        if acceptance is not None and unit in acceptance.pairings:
            expected_idx, pairing = acceptance.pairings[unit]
            for pair in pairing.pairs:
                accepted_items[expected_idx[pair.left]] = acceptance.lists[unit][pair.right]
        rows = []
        addressing = acceptance.addressing if acceptance is not None else DEFAULT
        for n, pi in enumerate(expected_at(devolved, unit, addressing), start=1):
            p = devolved[pi]
            taken = accepted_items.get(pi)
            if acceptance is None or unit not in acceptance.pairings:
                state = "—"
            elif taken is None:
                state = "未列入承接清单"
            else:
                state = "不认领" if is_refused(taken) else "已认领"
            receiving = (
                taken.department
                if taken is not None and taken.department
                else (f"{unit}{department_key(p.department)}" if p.department else None)
            )
            rows.append(
                HandoverRow(
                    unit=unit,
                    no=n,
                    handing_department=p.department,
                    receiving_department=receiving,
                    item_code=p.code,
                    item_name=p.title,
                    mode=p.devolution_mode,
                    acceptance=state,
                    service_items=sorted(set(entered.get((pi, unit), []))),
                )
            )
        out[unit] = rows
    return out


def ledger(rows: Sequence[Mapping[str, str | None]]) -> Ledger:
    """Progress per unit and per handing department from filled-in checklist rows."""
    issues: list[RowIssue] = []
    units: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    depts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        unit = row.get("承接单位") or row.get("_sheet") or ""
        status = (row.get("交接状态") or NOT_DONE).strip()
        if status not in STATUS_CHOICES:
            issues.append(
                RowIssue(
                    code=IssueCode.BAD_DECISION,
                    severity=Severity.ERROR,
                    file=row.get("_file") or "",
                    sheet=row.get("_sheet"),
                    row=int(row.get("_row") or 0),
                    column="交接状态",
                    value=status,
                    message=f"write {DONE} or {NOT_DONE} (choose from the dropdown)",
                )
            )
            continue
        done = status == DONE
        dept = row.get("移交部门") or "（未注明）"
        for counter in (units[unit], depts[(unit, dept)]):
            counter[0] += 1
            counter[1] += done

    def make(unit: str, dept: str | None, items: int, done: int) -> LedgerRow:
        return LedgerRow(
            unit=unit,
            department=dept,
            items=items,
            done=done,
            pending=items - done,
            rate=round(done / items, 4) if items else 0.0,
        )

    return Ledger(
        by_unit=[make(u, None, n, d) for u, (n, d) in sorted(units.items())],
        by_department=[make(u, dept, n, d) for (u, dept), (n, d) in sorted(depts.items())],
        issues=issues,
    )
