"""Write handover checklists (one workbook per unit, or one with a sheet per unit) and progress ledgers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from quanze.handover import ACCEPTED, UNNAMED_HANDING, HandoverRow, Ledger
from quanze.report.checklist import (
    LINE_HEIGHT,
    Field,
    Formats,
    add_checklist,
    lines_needed,
    page_setup,
    row_height,
    write_checklist,
)
from quanze.report.files import file_names, write_csv
from quanze.report.xlsx import Chart, Column, Custom, Sheet, write_workbook
from quanze.sheets import DONE

LEDGER_COLUMNS = ("unit", "department", "items", "done", "pending", "overdue", "rate")


def _summary(lists: Mapping[str, Sequence[HandoverRow]], title: str) -> list[Sheet]:
    units: list[dict[str, Any]] = [
        {
            "unit": u,
            "items": len(rows),
            "to_sign": sum(r.to_sign for r in rows),
            "accepted": sum(r.acceptance == ACCEPTED for r in rows),
            "done": sum(r.status == DONE for r in rows),
            "pending": sum(r.status != DONE for r in rows if r.to_sign),
        }
        for u, rows in lists.items()
    ]
    totals = {
        "unit": "合计",
        **{k: sum(int(row[k]) for row in units) for k in ("items", "to_sign", "accepted", "done", "pending")},
    }
    return [
        Sheet(
            "汇总",
            (
                Column("unit", "承接单位", 18),
                Column("items", "下放事项", 10),
                Column("to_sign", "应交接", 10),
                Column("accepted", "已认领", 10),
                Column("done", "已交接", 10),
                Column("pending", "未交接", 10),
            ),
            [*units, totals],
            title=title,
            charts=(Chart("各单位交接进度", "unit", ("done", "pending"), "事项数", stacked=True),),
            chart_rows=len(units),
        )
    ]


BY_DEPARTMENT = (
    Field("unit", "承接单位", 18, wrap=True),
    Field("department", "移交部门", 28, wrap=True),
    Field("to_sign", "应交接（交接清单）", 14),
    Field("others", "不认领或未列入承接清单", 16),
    Field("items", "下放事项合计", 12),
)


def department_counts(
    lists: Mapping[str, Sequence[HandoverRow]],
) -> list[tuple[str, list[tuple[str, int, int]]]]:
    """Per unit, per handing department (in checklist order): items to sign and the other items.

    The items to sign are the ones the unit's checklist lists under that department, so the counts here
    and the section totals of the checklists agree.
    """
    out = []
    for unit, rows in lists.items():
        counts: dict[str, list[int]] = {}
        for r in rows:
            c = counts.setdefault(r.handing_department or UNNAMED_HANDING, [0, 0])
            c[0 if r.to_sign else 1] += 1
        out.append((unit, [(d, a, b) for d, (a, b) in counts.items()]))
    return out


def _write_by_department(wb: Any, lists: Mapping[str, Sequence[HandoverRow]], title: str) -> None:
    f = Formats(wb)
    ws = wb.add_worksheet("按部门")
    last = len(BY_DEPARTMENT) - 1
    for i, x in enumerate(BY_DEPARTMENT):
        ws.set_column(i, i, x.width)
    heading = f"{title}：各承接单位按移交部门的事项数"
    page_setup(ws, heading, repeat=2)
    ws.merge_range(0, 0, 0, last, heading, f.title)
    ws.set_row(0, 28)
    info = (
        "应交接：列入交接清单、由双方签字的事项，与各单位交接清单中该部门一节的项数相同；"
        "不认领或未列入承接清单：见各单位“未认领事项”工作表；二者之和为下放事项。"
    )
    ws.merge_range(1, 0, 1, last, info, f.info)
    ws.set_row(1, LINE_HEIGHT * lines_needed(info, sum(x.width for x in BY_DEPARTMENT)) + 4)
    for i, x in enumerate(BY_DEPARTMENT):
        ws.write_string(2, i, x.heading, f.header)
    ws.set_row(2, 36)
    ws.freeze_panes(3, 0)
    r = 2
    grand = [0, 0]
    for unit, depts in department_counts(lists):
        for dept, to_sign, others in depts:
            r += 1
            values = {"unit": unit, "department": dept}
            ws.set_row(r, row_height(values, BY_DEPARTMENT))
            ws.write_string(r, 0, unit, f.cell)
            ws.write_string(r, 1, dept, f.cell)
            for i, n in enumerate((to_sign, others, to_sign + others), start=2):
                ws.write_number(r, i, n, f.number)
        subtotal = [sum(d[1] for d in depts), sum(d[2] for d in depts)]
        grand = [grand[0] + subtotal[0], grand[1] + subtotal[1]]
        r += 1
        ws.write_string(r, 0, unit, f.total)
        ws.write_string(r, 1, f"小计（{len(depts)} 个移交部门）", f.total)
        for i, n in enumerate((*subtotal, sum(subtotal)), start=2):
            ws.write_number(r, i, n, f.total_number)
    r += 1
    ws.write_string(r, 0, "合计", f.total)
    ws.write_string(r, 1, f"{len(lists)} 个承接单位", f.total)
    for i, n in enumerate((*grand, sum(grand)), start=2):
        ws.write_number(r, i, n, f.total_number)
    ws.print_area(0, 0, r, last)


def write_checklists(
    out: Path, lists: Mapping[str, Sequence[HandoverRow]], *, single: bool, title: str
) -> list[Path]:
    """Per unit a workbook `交接清单_<unit>.xlsx` plus `交接汇总.xlsx`; or one `交接清单.xlsx` when single."""
    if single:
        path = out / "交接清单.xlsx"
        checklists = [
            Custom(partial(add_checklist, unit=u, rows=rows, single=True)) for u, rows in lists.items()
        ]
        by_department = Custom(partial(_write_by_department, lists=lists, title=title))
        write_workbook(path, [*_summary(lists, title), by_department, *checklists], constant_memory=False)
        return [path]
    paths = []
    names = file_names(lists)
    for unit, rows in lists.items():
        path = out / f"交接清单_{names[unit]}.xlsx"
        write_checklist(path, unit, rows)
        paths.append(path)
    summary = out / "交接汇总.xlsx"
    by_department = Custom(partial(_write_by_department, lists=lists, title=title))
    write_workbook(summary, [*_summary(lists, title), by_department], constant_memory=False)
    return [*paths, summary]


def write_ledger(
    out: Path, ledger: Ledger, *, csv_encoding: str = "utf-8-sig", as_of: dt.date | None = None
) -> list[Path]:
    """ledger.csv and ledger.xlsx: progress per unit and per unit and handing department, with totals.

    `as_of` is the day 逾期 was judged on (`--as-of`, default today): the workbook states it, since the
    overdue counts depend on it.
    """
    paths = [out / "ledger.csv", out / "ledger.xlsx"]
    rows = [r.model_dump() for r in [*ledger.by_unit, *ledger.by_department]]
    # The share with its four decimals (CSV writes other floats, scores, with one): 12/244 is 0.0492, not 0.0.
    csv_rows = [{**row, "rate": f"{row['rate']:.4f}"} for row in rows]
    write_csv(paths[0], LEDGER_COLUMNS, csv_rows, encoding=csv_encoding)
    counts = (
        Column("items", "应交接", 10),
        Column("done", "已交接", 10),
        Column("pending", "未交接", 10),
        Column("overdue", "逾期未交接", 12),
        Column("rate", "交接率", 10, percent=True),
    )
    day = (as_of or dt.date.today()).isoformat()
    items = sum(r.items for r in ledger.by_unit)
    done = sum(r.done for r in ledger.by_unit)
    total = [
        "合计",
        items,
        done,
        sum(r.pending for r in ledger.by_unit),
        sum(r.overdue for r in ledger.by_unit),
        round(done / items, 4) if items else "—",
    ]
    write_workbook(
        paths[1],
        [
            Sheet(
                "按单位",
                (Column("unit", "承接单位", 18), *counts),
                [r.model_dump() for r in ledger.by_unit],
                title=f"交接进度台账（按单位）：统计截至 {day}，逾期 = 未交接且已过交接期限",
                charts=(Chart("各单位交接进度", "unit", ("done", "pending"), "事项数"),),
                footer=[total],
                chart_rows=len(ledger.by_unit),
            ),
            Sheet(
                "按部门",
                (Column("unit", "承接单位", 18), Column("department", "移交部门", 22), *counts),
                [r.model_dump() for r in ledger.by_department],
                title=f"交接进度台账（按移交部门）：统计截至 {day}，逾期 = 未交接且已过交接期限",
                footer=[[total[0], "", *total[1:]]],
            ),
        ],
    )
    return paths
