"""No sheet loses a row: tables longer than a worksheet continue on sheets 名称 (2) …, read back cell by cell."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from quanze.cli import app
from quanze.errors import OutputError
from quanze.ingest import read_review_sheet
from quanze.report import checklist
from quanze.report.reconcile import REVIEW_COLUMNS
from quanze.report.xlsx import EXCEL_ROW_LIMIT, Column, Sheet, _write, part_name, write_workbook

import fixtures

COLUMNS = (Column("no", "序号", 6), Column("name", "事项名称", 30))


def _rows(n: int) -> list[dict[str, object]]:
    return [{"no": i, "name": f"事项{i}"} for i in range(1, n + 1)]


def test_long_table_continues_on_numbered_sheets_with_the_header_repeated(tmp_path: Path) -> None:
    path = tmp_path / "long.xlsx"
    sheet = Sheet("已匹配", COLUMNS, iter(_rows(25)), title="标题", footer=[("合计", 25)])
    write_workbook(path, [sheet], row_limit=10)
    wb = load_workbook(path)
    # 10 rows a sheet: the title, the header, then 7 data rows (one row kept for the footer line).
    assert wb.sheetnames == ["已匹配", "已匹配 (2)", "已匹配 (3)", "已匹配 (4)"]
    seen: list[int] = []
    for ws in wb.worksheets:
        cells = [[c.value for c in row] for row in ws.iter_rows()]
        assert cells[0][0] == "标题" and cells[1] == ["序号", "事项名称"]
        assert ws.freeze_panes == "A3" and ws.auto_filter.ref is not None
        assert ws.max_row <= 10
        seen += [row[0] for row in cells[2:] if isinstance(row[0], int)]
    assert seen == list(range(1, 26))
    last = [[c.value for c in row] for row in wb["已匹配 (4)"].iter_rows()]
    assert last[-1] == ["合计", 25]


def test_a_table_that_fits_stays_on_one_sheet(tmp_path: Path) -> None:
    path = tmp_path / "fits.xlsx"
    write_workbook(path, [Sheet("缺口", COLUMNS, _rows(9))], row_limit=10)
    wb = load_workbook(path)
    assert wb.sheetnames == ["缺口"]
    assert [c.value for c in wb["缺口"]["A"]][1:] == list(range(1, 10))


def test_continuation_names_stay_within_31_characters() -> None:
    name = "很长的工作表名称" * 5
    assert part_name(name, 1) == name[:31]
    assert part_name(name, 12).endswith(" (12)") and len(part_name(name, 12)) == 31


def test_review_workbook_read_across_its_continuation_sheets(tmp_path: Path) -> None:
    """Decisions on the second part of a long 待复核 table are read, not silently dropped."""
    path = tmp_path / "review.xlsx"
    rows = [
        {"no": i, "power_name": f"权力{i}", "decision": "确认", "power_key": f"p{i}", "service_key": f"s{i}"}
        for i in range(1, 16)
    ]
    review = Sheet(
        "待复核",
        REVIEW_COLUMNS,
        rows,
        title="请在“决定”列选择",
        dropdowns={"decision": ("确认", "否决")},
        hidden=frozenset({"power_key", "service_key"}),
    )
    write_workbook(path, [review, Sheet("说明", COLUMNS, _rows(3))], row_limit=8)
    assert load_workbook(path).sheetnames == ["待复核", "待复核 (2)", "待复核 (3)", "说明"]
    read = read_review_sheet(path)
    assert [r["power_key"] for r in read] == [f"p{i}" for i in range(1, 16)]
    assert {r["_sheet"] for r in read} == {"待复核", "待复核 (2)", "待复核 (3)"}
    assert load_workbook(path)["待复核 (2)"].data_validations.dataValidation  # the dropdown on every part


def test_a_cell_outside_the_sheet_is_an_error_not_a_silent_drop(tmp_path: Path) -> None:
    wb = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), {"constant_memory": True})
    ws = wb.add_worksheet("表")
    _write(ws, EXCEL_ROW_LIMIT - 1, 0, "最后一行", None)
    with pytest.raises(OutputError, match="outside what a worksheet can hold"):
        _write(ws, EXCEL_ROW_LIMIT, 0, "放不下", None)
    wb.close()


def test_past_excels_real_row_limit_no_row_is_lost(tmp_path: Path) -> None:
    """1,048,577 data rows: a real worksheet holds 1,048,575 of them under its header, the rest continue."""
    total = EXCEL_ROW_LIMIT + 1
    path = tmp_path / "million.xlsx"
    write_workbook(path, [Sheet("数据问题", (Column("no", "序号", 10),), ({"no": i} for i in range(total)))])
    wb = CalamineWorkbook.from_path(str(path))
    assert wb.sheet_names == ["数据问题", "数据问题 (2)"]
    first = wb.get_sheet_by_name("数据问题").to_python()
    assert len(first) == EXCEL_ROW_LIMIT and first[0] == ["序号"] and first[-1] == [EXCEL_ROW_LIMIT - 2]
    second = wb.get_sheet_by_name("数据问题 (2)").to_python()
    assert second == [["序号"], [EXCEL_ROW_LIMIT - 1], [EXCEL_ROW_LIMIT]]


def test_a_checklist_too_long_for_one_sheet_is_refused_not_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A signed checklist cannot continue on another sheet: the command stops with a message (exit 5)."""
    monkeypatch.chdir(fixtures.scenario(tmp_path / "s").parent)
    monkeypatch.setattr(checklist, "ROW_LIMIT", 65)
    result = CliRunner().invoke(app, ["handover", "build", "--out", "ho"])
    assert result.exit_code == 5, result.output
    assert "more than one checklist sheet can hold" in result.stderr
    assert not Path("ho").exists() or not list(Path("ho").glob("*.xlsx"))  # nothing half-written
