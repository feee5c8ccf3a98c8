"""Write handover checklists (one workbook per unit, or one with a sheet per unit) and progress ledgers."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from quanze.handover import ACCEPTED, DONE, HandoverRow, Ledger
from quanze.report.checklist import add_checklist, write_checklist
from quanze.report.files import write_csv
from quanze.report.xlsx import Chart, Column, Custom, Sheet, write_workbook

LEDGER_COLUMNS = ("unit", "department", "items", "done", "pending", "overdue", "rate")


def _safe_name(unit: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", unit).strip("_") or "unit"


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
    depts: dict[tuple[str, str], int] = {}
    for u, rows in lists.items():
        for r in rows:
            key = (u, r.handing_department or "（未注明）")
            depts[key] = depts.get(key, 0) + 1
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
        ),
        Sheet(
            "按部门",
            (
                Column("unit", "承接单位", 18),
                Column("department", "移交部门", 22),
                Column("items", "事项数", 10),
            ),
            [{"unit": u, "department": d, "items": n} for (u, d), n in sorted(depts.items())],
        ),
    ]


def write_checklists(
    out: Path, lists: Mapping[str, Sequence[HandoverRow]], *, single: bool, title: str
) -> list[Path]:
    """Per unit a workbook `交接清单_<unit>.xlsx` plus `交接汇总.xlsx`; or one `交接清单.xlsx` when single."""
    if single:
        path = out / "交接清单.xlsx"
        checklists = [
            Custom(partial(add_checklist, unit=u, rows=rows, single=True)) for u, rows in lists.items()
        ]
        write_workbook(path, [*_summary(lists, title), *checklists], constant_memory=False)
        return [path]
    paths = []
    for unit, rows in lists.items():
        path = out / f"交接清单_{_safe_name(unit)}.xlsx"
        write_checklist(path, unit, rows)
        paths.append(path)
    summary = out / "交接汇总.xlsx"
    write_workbook(summary, _summary(lists, title))
    return [*paths, summary]


def write_ledger(out: Path, ledger: Ledger, *, csv_encoding: str = "utf-8-sig") -> list[Path]:
    paths = [out / "ledger.csv", out / "ledger.xlsx"]
    rows = [r.model_dump() for r in [*ledger.by_unit, *ledger.by_department]]
    write_csv(paths[0], LEDGER_COLUMNS, rows, encoding=csv_encoding)
    columns = (
        Column("unit", "承接单位", 18),
        Column("department", "移交部门", 22),
        Column("items", "应交接", 10),
        Column("done", "已交接", 10),
        Column("pending", "未交接", 10),
        Column("overdue", "逾期未交接", 12),
        Column("rate", "交接率", 10, percent=True),
    )
    write_workbook(
        paths[1],
        [
            Sheet(
                "按单位",
                columns,
                [r.model_dump() for r in ledger.by_unit],
                title="交接进度台账",
                charts=(Chart("各单位交接进度", "unit", ("done", "pending"), "事项数"),),
            ),
            Sheet("按部门", columns, [r.model_dump() for r in ledger.by_department]),
        ],
    )
    return paths
