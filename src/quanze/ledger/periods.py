"""The weekly and monthly reports: what was opened and closed in each period, and units ranked."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from quanze.errors import UsageError
from quanze.gap_types import DEVOLVER
from quanze.handover import department_label
from quanze.ledger.reading import gap_of_row
from quanze.ledger.records import LedgerGap
from quanze.ledger.store import (
    ACTIVE,
    CLOSED,
    CROSS_UNITS,
    WONT_FIX,
    names_several_units,
    now_utc,
    opened,
    stamp,
)
from quanze.normalize import department_key, name_key


class Period(StrEnum):
    WEEK = "week"
    MONTH = "month"


PERIOD_ZH = {Period.WEEK: "周报", Period.MONTH: "月通报"}
NO_UNIT = "（未注明单位）"
NO_DEPARTMENT = "（未注明部门）"


class PeriodTotal(BaseModel):
    """The whole ledger in one week or month."""

    period: str
    start: str
    end: str
    runs: int
    opened: int
    closed: int
    set_aside: int = Field(
        default=0, description="gaps set 不予整改 in the period: open before, neither open nor closed after"
    )
    open: int = Field(description="gaps 待整改 or 整改中 at the end of the period")
    overdue: int = Field(description="open gaps past their due date at the end of the period")


class PeriodRow(BaseModel):
    """One unit (or department) in one week or month."""

    period: str
    unit: str
    department: str | None = None
    opened: int
    closed: int
    open: int
    overdue: int
    set_aside: int = Field(default=0, description="gaps set 不予整改 in the period")
    acceptance_rate: float | None = None
    usage_rate: float | None = None
    accepted: int | None = Field(default=None, description="承接率's numerator: devolved items accepted")
    devolved: int | None = Field(default=None, description="承接率's denominator: items devolved to the unit")
    used: int | None = Field(default=None, description="使用率's numerator: service items with a transaction")
    service_items: int | None = Field(
        default=None, description="使用率's denominator: the unit's service items"
    )


class RankRow(BaseModel):
    rank: int = Field(description="1 for the most lagging receiving unit; 0 for rows kept out of the ranking")
    unit: str
    open: int
    overdue: int
    opened: int
    closed: int
    acceptance_rate: float | None = None
    usage_rate: float | None = None
    accepted: int | None = None
    devolved: int | None = None
    used: int | None = None
    service_items: int | None = None
    note: str | None = Field(default=None, description="why a row is kept out of the ranking")


def _measure(row: sqlite3.Row | None, field: str) -> Any:
    """One figure of a unit's rate (rate, items, done) as the period's last run recorded it; None without one."""
    return None if row is None else row[field]


UPPER_LEVEL_NOTE = "上级（下放单位），不参与承接单位排名"
CROSS_UNITS_NOTE = "涉及多个单位的缺口，不参与排名"


class LedgerReport(BaseModel):
    """The 周报 / 月通报: per period, unit and department the gaps opened, closed, open and overdue."""

    period: Period
    since: str
    until: str
    periods: list[PeriodTotal]
    units: list[PeriodRow]
    departments: list[PeriodRow]
    ranking: list[RankRow] = Field(description="receiving units of the last period, the most lagging first")
    not_ranked: list[RankRow] = Field(
        default_factory=list,
        description="upper levels (the units that devolved) and gaps shared by several units, kept apart",
    )
    overdue_items: list[LedgerGap]


def _period_start(day: date, period: Period) -> date:
    return day - timedelta(days=day.weekday()) if period is Period.WEEK else day.replace(day=1)


def _next_start(start: date, period: Period) -> date:
    if period is Period.WEEK:
        return start + timedelta(days=7)
    return date(start.year + (start.month == 12), start.month % 12 + 1, 1)


def _period_label(start: date, period: Period) -> str:
    if period is Period.WEEK:
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{start.year}-{start.month:02d}"


@dataclass
class _Timeline:
    unit: str
    department: str
    states: list[tuple[str, str, str | None]] = field(default_factory=list)  # (at, status, due)
    opened: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)  # when it was set 不予整改

    def state_before(self, moment: str) -> tuple[str, str | None] | None:
        last = None
        for at, status, due in self.states:
            if at >= moment:
                break
            last = (status, due)
        return last


def _scope_keys(scope: str | None) -> frozenset[str] | None:
    """A run's `scope` (the units of a partition run as JSON, NULL for all) as name keys, None for all units."""
    return None if scope is None else frozenset(name_key(u) for u in json.loads(scope))


def _covers(keys: frozenset[str] | None, unit: str) -> bool:
    """Whether a run of the ledger (its scope's keys, None for all units) was for `unit`."""
    return keys is None or name_key(unit) in keys


def period_report(
    path: Path, period: Period, *, since: date | None = None, now: datetime | None = None
) -> LedgerReport:
    """Replay the ledger's history period by period: what opened, closed, stayed open and went overdue."""
    moment = now or now_utc()
    with opened(path, create=False) as con:
        scoped = [
            (r["at"], _scope_keys(r["scope"])) for r in con.execute("SELECT at, scope FROM runs ORDER BY at")
        ]
        runs = [at for at, _ in scoped]
        if not runs:
            raise UsageError(
                f"{path}: the ledger holds no run yet", hint="record one: `quanze check --ledger`"
            )
        gaps = {r["id"]: r for r in con.execute("SELECT * FROM gaps")}
        events = con.execute(
            "SELECT gap_id, at, kind, field, new, status, due FROM events ORDER BY at, id"
        ).fetchall()
        rates = con.execute(
            "SELECT r.at, u.unit, u.measure, u.items, u.done, u.rate FROM unit_rates u"
            " JOIN runs r ON r.id = u.run_id ORDER BY r.at"
        ).fetchall()
    lines: dict[str, _Timeline] = {}
    for gid, row in gaps.items():
        unit = CROSS_UNITS if names_several_units(row["unit"]) else row["unit"] or NO_UNIT
        # One department under several spellings (市监局, 市场监督管理局) is one line of the report.
        # 卫生健康系统 and 卫生健康局 at one unit are one department too, named as the checklists and 使用率 do.
        dkey = department_key(row["department"])
        lines[gid] = _Timeline(unit, department_label(dkey) if dkey else NO_DEPARTMENT)
    upper = {r["unit"] for r in gaps.values() if r["gap_type"] in DEVOLVER and r["unit"]}
    for e in events:
        line = lines[e["gap_id"]]
        line.states.append((e["at"], e["status"], e["due"]))
        if e["kind"] in ("opened", "reopened"):
            line.opened.append(e["at"])
        if e["status"] == CLOSED and (
            e["kind"] == "closed" or (e["kind"] == "status" and e["field"] == "status")
        ):
            line.closed.append(e["at"])
        if e["kind"] == "status" and e["field"] == "status" and e["status"] == WONT_FIX:
            line.set_aside.append(e["at"])
    first = since or datetime.fromisoformat(runs[0]).date()
    start = _period_start(first, period)
    last = _period_start(moment.astimezone(UTC).date(), period)
    if start > last:
        raise UsageError(f"--since {first.isoformat()} is after today", hint="give a day in the past")
    totals: list[PeriodTotal] = []
    unit_rows: list[PeriodRow] = []
    dept_rows: list[PeriodRow] = []
    # Moments are kept to the second: a run in this very second belongs to the report.
    now_stamp = stamp(moment + timedelta(seconds=1))
    while start <= last:
        end = _next_start(start, period)
        label = _period_label(start, period)
        lo = stamp(datetime(start.year, start.month, start.day, tzinfo=UTC))
        hi = min(stamp(datetime(end.year, end.month, end.day, tzinfo=UTC)), now_stamp)
        as_of = datetime.fromisoformat(hi).date().isoformat()
        by_unit: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
        by_dept: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
        for line in lines.values():
            counts = [
                sum(lo <= at < hi for at in line.opened),
                sum(lo <= at < hi for at in line.closed),
                0,
                0,
                sum(lo <= at < hi for at in line.set_aside),
            ]
            state = line.state_before(hi)
            if state is not None and state[0] in ACTIVE:
                counts[2] = 1
                counts[3] = int(state[1] is not None and state[1] < as_of)
            if state is None and not any(counts):
                continue
            for target in (by_unit[line.unit], by_dept[(line.unit, line.department)]):
                for i, n in enumerate(counts):
                    target[i] += n
        unit_rate: dict[tuple[str, str], sqlite3.Row] = {}
        for r in rates:
            if lo <= r["at"] < hi:
                unit_rate[(r["unit"], r["measure"])] = r  # the period's last run wins
        for key, r in list(unit_rate.items()):
            # A later run of the period for this unit that measured no rate (its list was not given) makes
            # the earlier rate stale: shown as not measured, never as the unit's current rate.
            if any(r["at"] < at < hi and _covers(scope, key[0]) for at, scope in scoped):
                del unit_rate[key]
        for unit in sorted(set(by_unit) | {u for u, _ in unit_rate}):
            o, c, n, d, w = by_unit.get(unit, [0, 0, 0, 0, 0])
            accept, use = unit_rate.get((unit, "acceptance")), unit_rate.get((unit, "usage"))
            unit_rows.append(
                PeriodRow(
                    period=label,
                    unit=unit,
                    opened=o,
                    closed=c,
                    open=n,
                    overdue=d,
                    set_aside=w,
                    acceptance_rate=_measure(accept, "rate"),
                    usage_rate=_measure(use, "rate"),
                    accepted=_measure(accept, "done"),
                    devolved=_measure(accept, "items"),
                    used=_measure(use, "done"),
                    service_items=_measure(use, "items"),
                )
            )
        for (unit, dept), (o, c, n, d, w) in sorted(by_dept.items()):
            dept_rows.append(
                PeriodRow(
                    period=label,
                    unit=unit,
                    department=dept,
                    opened=o,
                    closed=c,
                    open=n,
                    overdue=d,
                    set_aside=w,
                )
            )
        totals.append(
            PeriodTotal(
                period=label,
                start=start.isoformat(),
                end=(end - timedelta(days=1)).isoformat(),
                runs=sum(lo <= at < hi for at in runs),
                opened=sum(v[0] for v in by_unit.values()),
                closed=sum(v[1] for v in by_unit.values()),
                set_aside=sum(v[4] for v in by_unit.values()),
                open=sum(v[2] for v in by_unit.values()),
                overdue=sum(v[3] for v in by_unit.values()),
            )
        )
        start = end
    latest = [r for r in unit_rows if totals and r.period == totals[-1].period]
    ranked = sorted(latest, key=lambda r: (-r.open, -r.overdue, r.closed, r.unit))

    def apart(unit: str) -> str | None:
        return CROSS_UNITS_NOTE if unit == CROSS_UNITS else UPPER_LEVEL_NOTE if unit in upper else None

    def rank_row(rank: int, r: PeriodRow) -> RankRow:
        return RankRow(
            rank=rank,
            unit=r.unit,
            open=r.open,
            overdue=r.overdue,
            opened=r.opened,
            closed=r.closed,
            acceptance_rate=r.acceptance_rate,
            usage_rate=r.usage_rate,
            accepted=r.accepted,
            devolved=r.devolved,
            used=r.used,
            service_items=r.service_items,
            note=apart(r.unit),
        )

    receiving = [r for r in ranked if apart(r.unit) is None]
    today = moment.astimezone(UTC).date()
    overdue_items = [g for g in (gap_of_row(r, today) for r in gaps.values()) if g.overdue]
    overdue_items.sort(key=lambda g: (g.due or "", g.unit or "", g.item_name))
    return LedgerReport(
        period=period,
        since=first.isoformat(),
        until=today.isoformat(),
        periods=totals,
        units=unit_rows,
        departments=dept_rows,
        ranking=[rank_row(i, r) for i, r in enumerate(receiving, start=1)],
        not_ranked=[rank_row(0, r) for r in ranked if apart(r.unit) is not None],
        overdue_items=overdue_items,
    )
