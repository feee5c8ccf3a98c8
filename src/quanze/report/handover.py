"""Write handover checklists (one workbook per unit, or one with a sheet per unit) and progress ledgers."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from quanze.handover import STATUS_CHOICES, HandoverRow, Ledger
from quanze.report.files import write_csv
from quanze.report.xlsx import Chart, Column, Sheet, write_workbook

CHECKLIST_COLUMNS = (
    Column("no", "序号", 6),
    Column("unit", "承接单位", 14),
    Column("handing_department", "移交部门", 18),
    Column("receiving_department", "承接部门", 18),
    Column("item_code", "事项编码", 18),
    Column("item_name", "事项名称", 36, wrap=True),
    Column("mode", "下放方式", 10),
    Column("acceptance", "认领情况", 12),
    Column("service_items", "应录入的服务事项", 40, wrap=True),
    Column("materials", "移交资料", 36, wrap=True),
    Column("status", "交接状态", 10),
    Column("date", "交接日期", 12),
    Column("note", "备注", 16),
)
SIGNATURES = (
    (),
    ("移交单位（盖章）：", None, None, "经办人签字：", None, "日期："),
    ("承接单位（盖章）：", None, None, "经办人签字：", None, "日期："),
)
LEDGER_COLUMNS = ("unit", "department", "items", "done", "pending", "rate")


def _safe_name(unit: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", unit).strip("_") or "unit"


def _summary(lists: Mapping[str, Sequence[HandoverRow]], title: str) -> list[Sheet]:
    units = [
        {
            "unit": u,
            "items": len(rows),
            "accepted": sum(r.acceptance == "已认领" for r in rows),
            "done": sum(r.status == "已交接" for r in rows),
            "pending": sum(r.status != "已交接" for r in rows),
        }
        for u, rows in lists.items()
    ]
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
                Column("items", "应交接", 10),
                Column("accepted", "已认领", 10),
                Column("done", "已交接", 10),
                Column("pending", "未交接", 10),
            ),
            units,
            title=title,
            charts=(Chart("各单位交接进度", "unit", ("done", "pending"), "事项数"),),
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


def _checklist(unit: str, rows: Sequence[HandoverRow]) -> Sheet:
    cells: list[dict[str, Any]] = [r.model_dump() for r in rows]
    return Sheet(
        unit[:31],
        CHECKLIST_COLUMNS,
        cells,
        title=f"{unit}承接事项交接清单",
        dropdowns={"status": STATUS_CHOICES},
        footer=SIGNATURES,
    )


def write_checklists(
    out: Path, lists: Mapping[str, Sequence[HandoverRow]], *, single: bool, title: str
) -> list[Path]:
    """Per unit a workbook `交接清单_<unit>.xlsx` plus `交接汇总.xlsx`; or one `交接清单.xlsx` when single."""
    if single:
        path = out / "交接清单.xlsx"
        write_workbook(path, [*_summary(lists, title), *(_checklist(u, rows) for u, rows in lists.items())])
        return [path]
    paths = []
    for unit, rows in lists.items():
        path = out / f"交接清单_{_safe_name(unit)}.xlsx"
        write_workbook(path, [_checklist(unit, rows)])
        paths.append(path)
    summary = out / "交接汇总.xlsx"
    write_workbook(summary, _summary(lists, title))
    return [*paths, summary]


def write_ledger(out: Path, ledger: Ledger) -> list[Path]:
    paths = [out / "ledger.csv", out / "ledger.xlsx"]
    rows = [r.model_dump() for r in [*ledger.by_unit, *ledger.by_department]]
    write_csv(paths[0], LEDGER_COLUMNS, rows)
    columns = (
        Column("unit", "承接单位", 18),
        Column("department", "移交部门", 22),
        Column("items", "应交接", 10),
        Column("done", "已交接", 10),
        Column("pending", "未交接", 10),
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
