"""Handover checklists: built from the hand-built scenario as a signable document, filled in, read back."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from quanze.cli import app
from quanze.handover import canonical_departments, ledger
from quanze.report.checklist import lines_needed

import fixtures

runner = CliRunner()
HEADER_ROW = 3


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = fixtures.scenario(tmp_path / "s")
    monkeypatch.chdir(config.parent)
    result = runner.invoke(app, ["handover", "build", "--out", "ho", "--deadline", "2026-12-31"])
    assert result.exit_code == 0, result.output
    return config.parent / "ho"


def _items(ws: Worksheet) -> dict[str, dict[str, object]]:
    """Item rows (those with a number in 序号) keyed by 事项名称, each a heading → value map plus _row."""
    header = [c.value for c in ws[HEADER_ROW]]
    out: dict[str, dict[str, object]] = {}
    for row in ws.iter_rows(min_row=HEADER_ROW + 1):
        values = dict(zip(header, (c.value for c in row), strict=False))
        if isinstance(values.get("序号"), int):
            out[str(values["事项名称"])] = {**values, "_row": row[0].row}
    return out


def test_checklist_per_unit(built: Path) -> None:
    assert sorted(p.name for p in built.iterdir()) == [
        "交接汇总.xlsx",
        "交接清单_东城县.xlsx",
        "交接清单_西河县.xlsx",
    ]
    wb = load_workbook(built / "交接清单_东城县.xlsx")
    assert wb.sheetnames == ["东城县", "未认领事项"]
    ws = wb["东城县"]
    header = [c.value for c in ws[HEADER_ROW]]
    # Columns that repeat the page header are hidden, kept for `handover progress`.
    assert header[:9] == [
        "序号",
        "事项编码",
        "事项名称",
        "下放方式",
        "应录入的服务事项",
        "交接状态",
        "交接日期",
        "交接期限",
        "备注",
    ]
    assert header[9:] == ["承接单位", "移交部门", "承接部门"]
    hidden = {i for d in ws.column_dimensions.values() if d.hidden for i in range(d.min, d.max + 1)}
    assert hidden == {10, 11, 12}
    items = _items(ws)
    # Refused and unlisted items are not on the pages to sign.
    assert set(items) == {"燃气经营许可证核发", "食品经营许可"}
    gas = items["燃气经营许可证核发"]
    assert (
        gas["应录入的服务事项"] == "燃气经营许可证新办\n燃气经营许可证（变更）"
        and gas["交接状态"] == "未交接"
    )
    assert gas["交接期限"] == datetime(2026, 12, 31)
    others = _items(wb["未认领事项"])
    assert {k: v["认领情况"] for k, v in others.items()} == {
        "食品生产许可": "不认领",
        "户外广告设置许可": "未列入承接清单",
    }
    summary = load_workbook(built / "交接汇总.xlsx")
    assert [c.value for c in summary["汇总"][3]] == ["东城县", 4, 2, 2, 0, 2]
    assert [c.value for c in summary["汇总"][5]] == ["合计", 7, 5, 5, 0, 5]
    assert len(summary["汇总"]._charts) == 1


def test_checklist_is_a_document_to_sign(built: Path) -> None:
    ws = load_workbook(built / "交接清单_东城县.xlsx")["东城县"]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    sections = [t for t in texts if "、移交单位：" in t]
    assert len(sections) == 2  # one per handing department, each with its own signature and seal block
    assert sum(t.startswith("移交单位（盖章）：") for t in texts) == 2
    assert sum(t.startswith("接收单位（盖章）：") for t in texts) == 2
    assert texts.count("经办人（签字）：") == 4 and texts.count("负责人（签字）：") == 4
    assert any(t.startswith("合计：应交接事项 2 项，涉及 2 个移交部门") for t in texts)
    # Each section after the first starts a page; A4 landscape, one page wide, the column header repeated.
    assert len(ws.row_breaks.brk) == 1
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$3:$3"
    assert "东城县承接事项交接清单" in ws.oddHeader.left.text
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"


def test_checklist_protected_except_the_cells_the_unit_fills(built: Path) -> None:
    ws = load_workbook(built / "交接清单_东城县.xlsx")["东城县"]
    assert ws.protection.sheet
    gas = _items(ws)["燃气经营许可证核发"]
    row = int(str(gas["_row"]))
    header = [c.value for c in ws[HEADER_ROW]]
    locked = {h: ws.cell(row, header.index(h) + 1).protection.locked for h in header}
    assert [h for h, is_locked in locked.items() if not is_locked] == ["交接状态", "交接日期", "备注"]
    rules = ws.data_validations.dataValidation
    lists = [dv for dv in rules if dv.type == "list"]
    dates = [dv for dv in rules if dv.type == "date"]
    assert len(lists) == len(dates) == 2  # one of each per section
    assert all(dv.formula1 == '"已交接,未交接"' for dv in lists)
    # Between 2000-01-01 and 2100-12-31 (Excel serial days), an error on anything else.
    assert all((dv.formula1, dv.formula2, dv.showErrorMessage) == ("36526", "73415", True) for dv in dates)
    assert any(f"G{row}" in str(dv.sqref) for dv in dates) and any(f"F{row}" in str(dv.sqref) for dv in lists)


def test_wrapped_cells_get_the_row_height_they_need(built: Path) -> None:
    ws = load_workbook(built / "交接清单_东城县.xlsx")["东城县"]
    gas = _items(ws)["燃气经营许可证核发"]
    height = ws.row_dimensions[int(str(gas["_row"]))].height
    assert height is not None and height >= 2 * 15  # two service items on two lines
    assert lines_needed("一" * 40, 32) == 3 and lines_needed("a\nb", 10) == 2


def test_receiving_departments_are_spelled_one_way() -> None:
    names = [
        "东城县市场监督管理局",
        "县市场监管局",
        "东城县市场监管局",
        "东城县市场监督管理局",
        "东城县应急管理局",
    ]
    spelling = canonical_departments("东城县", names)
    assert {spelling[n] for n in names[:4]} == {"东城县市场监督管理局"}
    assert spelling["东城县应急管理局"] == "东城县应急管理局"


def _fill(path: Path, sheet: str, item: str, **values: object) -> None:
    wb = load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[HEADER_ROW]]
    row = int(str(_items(ws)[item]["_row"]))
    for heading, value in values.items():
        ws.cell(row, header.index(heading) + 1).value = value
    wb.save(path)


def test_filled_checklists_round_trip_into_a_ledger(built: Path) -> None:
    path = built / "交接清单_东城县.xlsx"
    _fill(path, "东城县", "燃气经营许可证核发", 交接状态="已交接", 交接日期=datetime(2026, 11, 20))
    result = runner.invoke(
        app,
        [
            "handover",
            "progress",
            str(path),
            str(built / "交接清单_西河县.xlsx"),
            "--format",
            "json",
            "--out",
            "ledger",
            "--as-of",
            "2027-01-05",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(r["unit"], r["items"], r["done"], r["overdue"]) for r in data["by_unit"]] == [
        ("东城县", 2, 1, 1),
        ("西河县", 3, 0, 3),
    ]
    ledger_csv = (built.parent / "ledger" / "ledger.csv").read_bytes()
    assert ledger_csv.startswith(b"\xef\xbb\xbfunit,department,items,done,pending,overdue")
    before = runner.invoke(
        app, ["handover", "progress", str(path), "--format", "json", "--as-of", "2026-12-01"]
    )
    assert [r["overdue"] for r in json.loads(before.stdout)["by_unit"]] == [0]


def test_overdue_needs_a_deadline_and_bad_dates_are_issues() -> None:
    rows = [
        {"承接单位": "甲县", "交接状态": "未交接", "交接期限": "2026-01-01", "事项名称": "a"},
        {"承接单位": "甲县", "交接状态": "未交接", "交接期限": None, "事项名称": "b"},
        {
            "承接单位": "甲县",
            "交接状态": "已交接",
            "交接期限": "2026-01-01",
            "交接日期": "下周",
            "事项名称": "c",
        },
    ]
    result = ledger(rows, as_of=date(2026, 6, 1))
    assert result.by_unit[0].overdue == 1
    assert [(i.code.value, i.column, i.value) for i in result.issues] == [("bad-date", "交接日期", "下周")]


def test_bad_status_is_reported(built: Path) -> None:
    path = built / "交接清单_西河县.xlsx"
    _fill(path, "西河县", "食品生产许可", 交接状态="差不多")
    result = runner.invoke(app, ["handover", "progress", str(path)])
    assert result.exit_code == 1 and "差不多" in result.output


def test_single_workbook_keeps_sheets_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = fixtures.scenario(tmp_path / "s")
    monkeypatch.chdir(config.parent)
    result = runner.invoke(app, ["handover", "build", "--out", "one", "--single"])
    assert result.exit_code == 0, result.output
    wb = load_workbook(config.parent / "one" / "交接清单.xlsx")
    assert wb.sheetnames == ["汇总", "按部门", "东城县", "东城县_未认领", "西河县", "西河县_未认领"]
    assert "交接期限" not in [c.value for c in wb["东城县"][HEADER_ROW]]
    progress = runner.invoke(app, ["handover", "progress", "one/交接清单.xlsx", "-f", "json"])
    assert [(r["unit"], r["items"]) for r in json.loads(progress.stdout)["by_unit"]] == [
        ("东城县", 2),
        ("西河县", 3),
    ]
