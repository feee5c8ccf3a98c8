"""Write a diff: diff.csv, diff.json and a formatted diff.xlsx."""

from __future__ import annotations

from pathlib import Path

from quanze.diff import DIFF_COLUMNS, Change, DiffResult
from quanze.report.files import write_csv, write_json
from quanze.report.xlsx import Chart, Column, Sheet, write_workbook

CHANGE_ZH = {
    Change.ADDED: "新增",
    Change.REMOVED: "取消",
    Change.RENAMED: "名称变化",
    Change.CHANGED: "要素变化",
    Change.UNCHANGED: "无变化",
}
DIFF_SHEET_COLUMNS = (
    Column("change_zh", "变化", 10),
    Column("code", "编码", 18),
    Column("old_name", "原名称", 36, wrap=True),
    Column("new_name", "新名称", 36, wrap=True),
    Column("fields", "变化要素", 18),
    Column("detail", "说明", 50, wrap=True),
    Column("score", "配对得分", 10),
    Column("old_source", "原清单位置", 28),
    Column("new_source", "新清单位置", 28),
)


def write_diff(out: Path, result: DiffResult, *, title: str, csv_encoding: str = "utf-8-sig") -> list[Path]:
    paths = [out / "diff.csv", out / "diff.json", out / "diff.xlsx"]
    write_csv(paths[0], DIFF_COLUMNS, (r.model_dump(mode="json") for r in result.rows), encoding=csv_encoding)
    write_json(paths[1], result.model_dump(mode="json"))
    rows = [{**r.model_dump(), "change_zh": CHANGE_ZH[r.change]} for r in result.rows]
    counts = [{"change": CHANGE_ZH[Change(k)], "count": v} for k, v in result.counts.items()]
    write_workbook(
        paths[2],
        [
            Sheet(
                "变化汇总",
                (Column("change", "变化", 14), Column("count", "事项数", 10)),
                counts,
                title=title,
                charts=(Chart("清单变化", "change", ("count",), "事项数"),),
            ),
            Sheet("变化明细", DIFF_SHEET_COLUMNS, [r for r in rows if r["change"] is not Change.UNCHANGED]),
            Sheet("全部事项", DIFF_SHEET_COLUMNS, rows),
        ],
    )
    return paths
