"""The ledger from the command line: record runs, export 整改台账.xlsx, apply it back, report, history."""

from __future__ import annotations

import json
import re
import sqlite3
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from quanze import ledger
from quanze.cli import app
from quanze.ledger import Period
from quanze.report.ledger import GroupBy, write_ledger_workbook
from quanze.results import GapRow, GapType, ReconcileResult

import fixtures

runner = CliRunner()


@pytest.fixture
def recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The hand-built scenario with one run recorded in quanze-ledger.sqlite beside its config."""
    config = fixtures.scenario(tmp_path / "work")
    monkeypatch.chdir(config.parent)
    result = runner.invoke(app, ["reconcile", "--ledger", "--out", "run1"])
    assert result.exit_code == 0, result.output
    assert "8 gap(s) opened" in result.stderr
    return config.parent


def _rows(path: Path, sheet: str) -> tuple[list[str], list[list[object]]]:
    ws = load_workbook(path)[sheet]
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    return [str(v) for v in values[1]], values[2:]


def _edit(path: Path, sheet: str, item: str, **cells: object) -> None:
    wb = load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[2]]
    for row in ws.iter_rows(min_row=3):
        if row[header.index("事项名称")].value == item:
            for heading, value in cells.items():
                row[header.index(heading)].value = value
    wb.save(path)


def test_reconcile_without_ledger_records_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = fixtures.scenario(tmp_path / "work")
    monkeypatch.chdir(config.parent)
    assert runner.invoke(app, ["reconcile", "--out", "run1"]).exit_code == 0
    assert not (config.parent / "quanze-ledger.sqlite").exists()
    result = runner.invoke(app, ["ledger", "export"])
    assert result.exit_code == 2 and "no ledger there yet" in result.output


def test_the_config_can_turn_recording_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = fixtures.scenario(tmp_path / "work")
    config.write_text(
        config.read_text("utf-8") + '\n[ledger]\nrecord = true\npath = "db/台账.sqlite"\n', "utf-8"
    )
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["reconcile", "--config", str(config), "--out", "run1"]).exit_code == 0
    assert len(ledger.load_gaps(config.parent / "db" / "台账.sqlite")) == 8


def test_export_writes_a_sheet_per_unit_with_the_status_dropdown(recorded: Path) -> None:
    result = runner.invoke(app, ["ledger", "export"])
    assert result.exit_code == 0, result.output
    path = recorded / "整改台账.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames == ["汇总", "东城县", "西河县"]
    header, rows = _rows(path, "东城县")
    assert header[:9] == [
        "编号",
        "缺口类型",
        "单位",
        "部门",
        "事项编码",
        "事项名称",
        "说明",
        "发现时间",
        "状态",
    ]
    assert {r[header.index("事项名称")] for r in rows} == {
        "食品生产许可",
        "户外广告设置许可",
        "建筑垃圾处置核准",
        "城市道路占用挖掘许可",
        "燃气经营许可证（变更）",
        "食品经营许可",
    }
    assert {r[header.index("状态")] for r in rows} == {"待整改"}
    assert {r[header.index("责任单位")] for r in rows} == {"东城县"}
    due = {r[header.index("整改时限")] for r in rows}
    assert len(due) == 1 and str(next(iter(due))).count("-") == 2
    validations = wb["东城县"].data_validations.dataValidation
    assert any(v.formula1 == '"待整改,整改中,已销号,不予整改"' for v in validations)
    summary = {r[0]: r[1:] for r in list(wb["汇总"].iter_rows(values_only=True))[2:]}
    assert summary["东城县"] == (6, 0, 0, 0, 0)
    # Refused without --force, replaced with it; by department on request.
    assert runner.invoke(app, ["ledger", "export"]).exit_code == 5
    assert runner.invoke(app, ["ledger", "export", "--force", "--by", "department"]).exit_code == 0
    departments = {
        g.department or "（未注明部门）" for g in ledger.load_gaps(recorded / "quanze-ledger.sqlite")
    }
    by_department = load_workbook(path)
    assert set(by_department.sheetnames) == {"汇总", *departments} and len(departments) > 2
    assert by_department["汇总"]["A2"].value == "部门"


def test_apply_round_trip(recorded: Path) -> None:
    assert runner.invoke(app, ["ledger", "export", "--out", "t.xlsx"]).exit_code == 0
    path = recorded / "t.xlsx"
    _edit(path, "东城县", "户外广告设置许可", 状态="整改中", 责任人="李四", 整改时限="2026/12/31")
    _edit(path, "东城县", "建筑垃圾处置核准", 状态="不予整改", **{"原因/整改说明": "县级自设事项"})
    first = runner.invoke(app, ["ledger", "apply", "t.xlsx", "--by", "张三", "--format", "json"])
    assert first.exit_code == 0, first.output
    counts = json.loads(first.stdout)["counts"]
    assert (counts["changed_gaps"], counts["changes"]) == (2, 4)
    again = runner.invoke(app, ["ledger", "apply", "t.xlsx", "--by", "张三"])
    assert again.exit_code == 0 and "0 gap(s) changed" in again.stderr
    gaps = {g.item_name: g for g in ledger.load_gaps(recorded / "quanze-ledger.sqlite") if g.unit == "东城县"}
    ads = gaps["户外广告设置许可"]
    assert (ads.status, ads.owner, ads.due) == ("整改中", "李四", "2026-12-31")
    assert gaps["建筑垃圾处置核准"].reason == "县级自设事项"
    history = runner.invoke(app, ["ledger", "history", ads.id, "--format", "json"])
    assert history.exit_code == 0
    events = json.loads(history.stdout)["events"]
    assert [(e["kind"], e["field"], e["by"], e["source"]) for e in events] == [
        ("opened", None, None, None),
        ("status", "status", "张三", "t.xlsx"),
        ("edit", "owner", "张三", "t.xlsx"),
        ("edit", "due", "张三", "t.xlsx"),
    ]
    text = runner.invoke(app, ["ledger", "history", ads.id])
    assert text.exit_code == 0 and "整改中" in text.stdout and "张三" in text.stdout
    assert runner.invoke(app, ["ledger", "history", "G-0000000000"]).exit_code == 2


def test_apply_with_bad_cells_names_each_row_and_records_nothing(recorded: Path) -> None:
    assert runner.invoke(app, ["ledger", "export", "--out", "t.xlsx"]).exit_code == 0
    path = recorded / "t.xlsx"
    _edit(path, "东城县", "户外广告设置许可", 状态="处理中")
    _edit(path, "东城县", "食品生产许可", 整改时限="下周")
    _edit(path, "东城县", "建筑垃圾处置核准", 状态="已销号")
    _edit(path, "西河县", "食品经营许可", 编号="G-edited")
    _edit(path, "东城县", "城市道路占用挖掘许可", 责任人="王五")  # a good row: not recorded either
    before = (
        sqlite3.connect(recorded / "quanze-ledger.sqlite").execute("SELECT count(*) FROM events").fetchone()
    )
    result = runner.invoke(app, ["ledger", "apply", "t.xlsx", "--format", "json"])
    assert result.exit_code == 1
    issues = {(i["code"], i["sheet"], i["column"]) for i in json.loads(result.stdout)["issues"]}
    assert issues == {
        ("bad-status", "东城县", "状态"),
        ("bad-date", "东城县", "整改时限"),
        ("missing-reason", "东城县", "原因/整改说明"),
        ("unknown-gap", "西河县", "编号"),
    }
    rows = {i["row"] for i in json.loads(result.stdout)["issues"]}
    assert all(r >= 3 for r in rows)
    after = (
        sqlite3.connect(recorded / "quanze-ledger.sqlite").execute("SELECT count(*) FROM events").fetchone()
    )
    assert before == after
    text = runner.invoke(app, ["ledger", "apply", "t.xlsx"])
    assert "nothing was recorded" in text.stderr and "row " in text.stderr


def test_an_old_workbook_never_undoes_what_happened_since(recorded: Path) -> None:
    assert runner.invoke(app, ["ledger", "export", "--out", "old.xlsx"]).exit_code == 0
    # After the export, 东城县 accepts 食品生产许可: the next run closes that gap.
    fixtures.acceptance(
        recorded / "东城县.xlsx",
        [
            [1, "燃气经营许可证核发", "511A0001000000", "认领"],
            [2, "食品生产许可", "511A0002000000", "认领"],
            [3, "食品经营许可（县级）", None, "认领"],
            [4, "建筑垃圾处置核准", None, "认领"],
        ],
    )
    run = runner.invoke(app, ["reconcile", "--ledger", "--out", "run2"])
    assert run.exit_code == 0 and "1 closed" in run.stderr
    # The old workbook still says 待整改 for it; only the cell the analyst changed is applied.
    _edit(recorded / "old.xlsx", "东城县", "户外广告设置许可", 责任人="李四")
    result = runner.invoke(app, ["ledger", "apply", "old.xlsx", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["counts"]["changes"] == 1
    gaps = {g.item_name: g for g in ledger.load_gaps(recorded / "quanze-ledger.sqlite", include_closed=True)}
    assert gaps["食品生产许可"].status == "已销号" and gaps["户外广告设置许可"].owner == "李四"
    hidden = load_workbook(recorded / "old.xlsx")["东城县"]
    hidden_columns = {
        n for d in hidden.column_dimensions.values() if d.hidden for n in range(d.min or 0, (d.max or 0) + 1)
    }
    # 单位 and 事项编码 are hidden on paper too (the sheet is the unit), besides the exported copies.
    assert hidden_columns == {3, 5, *range(16, 23)}
    assert [c.value for c in hidden[2]][15:] == [
        "导出时状态",
        "导出时原因/整改说明",
        "导出时责任单位",
        "导出时责任人",
        "导出时整改时限",
        "导出时备注",
        "导出时台账版本",
    ]


def test_an_old_workbook_applied_again_does_not_close_a_gap_a_later_run_reopened(recorded: Path) -> None:
    assert runner.invoke(app, ["ledger", "export", "--out", "old.xlsx"]).exit_code == 0
    _edit(recorded / "old.xlsx", "东城县", "户外广告设置许可", 状态="已销号", **{"原因/整改说明": "已录入"})
    first = runner.invoke(app, ["ledger", "apply", "old.xlsx", "--by", "张三"])
    assert first.exit_code == 0 and "1 gap(s) changed" in first.stderr
    again = runner.invoke(app, ["ledger", "apply", "old.xlsx", "--by", "张三"])
    assert again.exit_code == 0 and "0 gap(s) changed" in again.stderr
    assert "superseded-edit" not in again.output  # the same workbook again: nothing to say
    # The next run still finds the gap: it is reopened. The old workbook must not close it again.
    run = runner.invoke(app, ["reconcile", "--ledger", "--out", "run2"])
    assert run.exit_code == 0 and "1 reopened" in run.stderr
    late = runner.invoke(app, ["ledger", "apply", "old.xlsx", "--by", "张三", "--format", "json"])
    assert late.exit_code == 0
    body = json.loads(late.stdout)
    assert body["counts"]["changes"] == 0
    assert {(i["code"], i["column"]) for i in body["superseded"]} == {
        ("superseded-edit", "状态"),
        ("superseded-edit", "原因/整改说明"),
    }
    gaps = {g.item_name: g for g in ledger.load_gaps(recorded / "quanze-ledger.sqlite") if g.unit == "东城县"}
    assert gaps["户外广告设置许可"].status == "待整改"
    # A fresh export can close it again.
    assert runner.invoke(app, ["ledger", "export", "--out", "new.xlsx"]).exit_code == 0
    _edit(recorded / "new.xlsx", "东城县", "户外广告设置许可", 状态="已销号", **{"原因/整改说明": "已录入"})
    assert "1 gap(s) changed" in runner.invoke(app, ["ledger", "apply", "new.xlsx"]).stderr


def test_apply_refuses_a_workbook_that_is_not_a_ledger(recorded: Path) -> None:
    other = fixtures.xlsx(recorded / "other.xlsx", {"Sheet1": [["序号", "事项名称"], [1, "x"]]})
    result = runner.invoke(app, ["ledger", "apply", str(other)])
    assert result.exit_code == 3 and "编号" in result.output


def test_report_of_one_week_shows_bars_not_lines_of_one_dot(recorded: Path) -> None:
    result = runner.invoke(app, ["ledger", "report", "--period", "week", "--out", "rep"])
    assert result.exit_code == 0, result.output
    assert "东城县" in result.stdout
    book = recorded / "rep" / "周报.xlsx"
    wb = load_workbook(book)
    assert (
        wb.sheetnames[:2] == ["排名", "趋势"] and "承接率" in wb.sheetnames and "各部门明细" in wb.sheetnames
    )
    ranking = list(wb["排名"].iter_rows(values_only=True))
    assert ranking[1][:4] == ("排名", "单位", "未销号", "逾期")
    assert ranking[2][:3] == (1, "东城县", 6)
    with zipfile.ZipFile(book) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    # A single week: a line would be one dot, so every chart is a bar chart and the units go down the side.
    assert charts and not any("<c:lineChart>" in c for c in charts)
    assert [r[:2] for r in wb["各单位未销号"].iter_rows(min_row=2, max_row=2, values_only=True)] == [
        ("单位", "未销号缺口")
    ]
    page = (recorded / "rep" / "周报.html").read_text("utf-8")
    assert "<script" not in page and "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert page.count("<svg") >= 3 and "<polyline" not in page and "暂无趋势" in page and "东城县" in page
    assert "无逾期事项" in page
    data = json.loads((recorded / "rep" / "周报.json").read_text("utf-8"))
    assert data["periods"][0]["opened"] == 8
    # --format json prints the library's result.
    js = runner.invoke(app, ["ledger", "report", "--period", "month", "--out", "rep2", "--format", "json"])
    assert js.exit_code == 0
    lib = ledger.period_report(recorded / "quanze-ledger.sqlite", Period.MONTH)
    printed = json.loads(js.stdout)
    assert printed["periods"] == lib.model_dump(mode="json")["periods"]
    assert (recorded / "rep2" / "月通报.xlsx").exists()
    assert runner.invoke(app, ["ledger", "report", "--since", "tuesday", "--out", "rep3"]).exit_code == 2


def test_check_can_fail_on_overdue_gaps(recorded: Path) -> None:
    config = recorded / "quanze.toml"
    config.write_text(config.read_text("utf-8").replace("[check]\n", "[check]\noverdue = 0\n"), "utf-8")
    without = runner.invoke(app, ["check", "--out", "c1"])
    assert without.exit_code == 4 and "overdue" in without.output and "--ledger" in without.output
    db = recorded / "quanze-ledger.sqlite"
    with sqlite3.connect(db) as con:  # every gap was due long ago
        con.execute("UPDATE gaps SET due = '2000-01-01'")
    result = runner.invoke(app, ["check", "--ledger", "--out", "c2", "--format", "json"])
    assert result.exit_code == 1
    [overdue] = [t for t in json.loads(result.stdout)["thresholds"] if t["name"] == "overdue"]
    assert (overdue["count"], overdue["passed"]) == (8, False)


def test_a_file_that_is_not_a_ledger_is_a_config_error(recorded: Path) -> None:
    (recorded / "x.sqlite").write_text("not a database " * 200, "utf-8")
    result = runner.invoke(app, ["ledger", "export", "--db", "x.sqlite"])
    assert result.exit_code == 4 and "not a quanze ledger" in result.output


def test_a_report_since_a_future_day_is_a_usage_error(recorded: Path) -> None:
    result = runner.invoke(app, ["ledger", "report", "--since", "2999-01-01", "--out", "rep"])
    assert result.exit_code == 2 and "after today" in result.output


def test_a_run_without_an_input_of_the_last_run_warns(recorded: Path) -> None:
    result = runner.invoke(
        app, ["reconcile", "--ledger", "--out", "run2", "-p", "city.xlsx", "-s", "catalogue.xlsx"]
    )
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())
    assert "earlier runs read a list of 东城县、西河县 and this one did not" in said and "0 closed" in said
    assert "东城县.xlsx" in said and "西河县.xlsx" in said  # the files not read, as README › Ledger says


def test_a_run_for_one_unit_closes_nothing_it_cannot_see(recorded: Path) -> None:
    # 东城县 fixes its list, but the run is for 西河县 alone: 东城县's gaps wait for a run that reads it, and
    # 西河县's name-mismatch (a comparison with 东城县) cannot be judged by 西河县 alone.
    fixtures.acceptance(recorded / "东城县.xlsx", [[1, "燃气经营许可证核发", "511A0001000000", "认领"]])
    result = runner.invoke(app, ["reconcile", "--ledger", "--out", "run2", "--unit", "西河县"])
    assert result.exit_code == 0, result.output
    assert "0 closed" in result.stderr
    gaps = ledger.load_gaps(recorded / "quanze-ledger.sqlite", include_closed=True)
    assert {g.status for g in gaps} == {"待整改"}
    # 西河县 drops 食品生产许可: a gap of its own, opened by its own run, closed by its next one.
    fixtures.acceptance(
        recorded / "西河县.xlsx",
        [[1, "燃气经营许可证核发", None, "认领"], [3, "食品经营许可证核发", None, "认领"]],
    )
    assert (
        "1 gap(s) opened"
        in runner.invoke(app, ["reconcile", "--ledger", "--out", "run3", "--unit", "西河县"]).stderr
    )
    fixtures.acceptance(
        recorded / "西河县.xlsx",
        [
            [1, "燃气经营许可证核发", None, "认领"],
            [2, "食品生产许可", None, "认领"],
            [3, "食品经营许可证核发", None, "认领"],
        ],
    )
    assert (
        "1 closed"
        in runner.invoke(app, ["reconcile", "--ledger", "--out", "run4", "--unit", "西河县"]).stderr
    )


def test_the_ledger_workbook_writes_real_dates_and_reads_them_back(recorded: Path) -> None:
    assert runner.invoke(app, ["ledger", "export", "--out", "t.xlsx"]).exit_code == 0
    ws = load_workbook(recorded / "t.xlsx")["东城县"]
    header = [c.value for c in ws[2]]
    title = str(ws["A1"].value)
    # The title explains the due date; it gives no date of its own that reads like a deadline.
    assert "整改时限" in title and not re.search(r"\d{4}-\d{2}-\d{2}", title)
    for heading in ("整改时限", "发现时间"):
        cell = ws.cell(row=3, column=header.index(heading) + 1)
        assert isinstance(cell.value, datetime) and cell.number_format == "yyyy-mm-dd"
    db = recorded / "quanze-ledger.sqlite"
    due = ws.cell(row=3, column=header.index("整改时限") + 1).value
    gap = {g.id: g for g in ledger.load_gaps(db)}[ws.cell(row=3, column=1).value]
    assert gap.due == due.date().isoformat()
    # Applied untouched, the dates change nothing; a date typed as a date is read back as that day.
    result = runner.invoke(app, ["ledger", "apply", "t.xlsx", "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["counts"]["changes"] == 0
    ws.cell(row=3, column=header.index("整改时限") + 1).value = datetime(2027, 1, 15)
    ws.parent.save(recorded / "t.xlsx")
    result = runner.invoke(app, ["ledger", "apply", "t.xlsx", "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["counts"]["changes"] == 1
    assert {g.id: g for g in ledger.load_gaps(db)}[gap.id].due == "2027-01-15"


def _gap(unit: str, name: str, detail: str = "d", **more: object) -> ledger.LedgerGap:
    return ledger.LedgerGap.model_validate(
        {
            "id": f"G-{abs(hash((unit, name))) % 10**10:010d}",
            "gap_type": GapType.NOT_ACCEPTED,
            "unit": unit,
            "item_code": None,
            "item_name": name,
            "department": "市住建局",
            "detail": detail,
            "source": None,
            "status": "待整改",
            "first_seen": "2026-11-02T09:00:00+00:00",
            "since": "2026-11-02T09:00:00+00:00",
            "last_seen": "2026-11-02T09:00:00+00:00",
            "due": "2026-12-02",
            **more,
        }
    )


def test_the_ledger_workbook_for_paper(tmp_path: Path) -> None:
    long = (
        "承接清单中名称为“城镇污水排入排水管网许可（县级）”，与下放清单名称不一致，请统一名称后重新报送" * 2
    )
    gaps = [
        _gap("东城县", "城镇污水排入排水管网许可", long),
        _gap("东城县", "燃气经营许可"),
        _gap("南山县、白云县", "软件产品增值税即征即退进项分摊方式资料报送"),
    ]
    path = write_ledger_workbook(tmp_path / "t.xlsx", gaps, by=GroupBy.UNIT, title="安平市")
    wb = load_workbook(path)
    # A gap that names several units is on a sheet of its own, not a unit's.
    assert wb.sheetnames == ["汇总", "东城县", ledger.CROSS_UNITS]
    summary = list(wb["汇总"].iter_rows(values_only=True))
    assert summary[-1][:2] == ("合计", 3) and summary[-1][-1] == 0
    ws = wb["东城县"]
    header = [c.value for c in ws[2]]
    detail = header.index("说明") + 1
    [long_row] = [r for r in range(3, 5) if ws.cell(row=r, column=detail).value == long]
    short_row = 7 - long_row
    # The long note wraps onto lines the row is high enough for; a one-line row keeps the default height.
    assert ws.cell(row=long_row, column=detail).alignment.wrap_text
    assert (ws.row_dimensions[long_row].height or 0) >= 4 * 15
    assert ws.row_dimensions[short_row].height is None
    # On paper: the sheet names the unit, so 单位 is hidden (and the code); the 跨单位 sheet shows its units.
    hidden = {k for k, d in ws.column_dimensions.items() if d.hidden}
    assert {"C", "E"} <= hidden and "F" not in hidden
    assert "C" not in {k for k, d in wb[ledger.CROSS_UNITS].column_dimensions.items() if d.hidden}


def test_the_report_lists_upper_levels_apart_from_the_ranking(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite"

    def row(kind: GapType, unit: str) -> GapRow:
        return GapRow(gap_type=kind, unit=unit, item_code=None, item_name="个体演员备案", detail="d")

    run = ReconcileResult.model_validate(
        {
            "summary": {"quanze_version": "t", "inputs": [], "match": _NO_MATCHES},
            "matches": [],
            "gaps": [row(GapType.NOT_ACCEPTED, "东城县"), row(GapType.DROPPED_IN_CHAIN, "安平市")],
        }
    )
    ledger.record_run(db, run)
    result = runner.invoke(app, ["ledger", "report", "--db", str(db), "--out", str(tmp_path / "rep")])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if "东城县" in line or "安平市" in line]
    assert "1" in lines[0].split("东城县")[0] and "—" in lines[1] and "不参与" in lines[1]
    ranking = list(load_workbook(tmp_path / "rep" / "周报.xlsx")["排名"].iter_rows(values_only=True))
    assert [r[:2] for r in ranking[2:]] == [(1, "东城县"), ("不参与排名：", None), ("—", "安平市")]


_NO_MATCHES = {
    "powers": 0,
    "service_items": 0,
    "units": [],
    "links_matched": 0,
    "links_review": 0,
    "power_units_matched": 0,
    "power_units_review": 0,
    "power_units_unmatched": 0,
    "orphan_service_items": 0,
    "ambiguous": 0,
    "decisions_applied": 0,
    "review_share": 0.0,
}


def test_a_run_whose_inputs_fail_check_closes_no_gap(recorded: Path) -> None:
    """东城县's acceptance list comes back as the blank template: its refusals would vanish from the gaps, but
    a wrong input is not a fix (blank-acceptance-column fails check, and the ledger closes nothing)."""
    fixtures.acceptance(
        recorded / "东城县.xlsx",
        [
            [1, "燃气经营许可证核发", "511A0001000000", None],
            [2, "食品生产许可", "511A0002000000", None],
            [3, "食品经营许可（县级）", None, None],
            [4, "建筑垃圾处置核准", None, None],
        ],
    )
    run = runner.invoke(app, ["check", "--ledger", "--out", "run2"])
    assert run.exit_code == 1 and "blank-acceptance-column" in run.output
    assert "closed no gap" in run.stderr and "0 closed" in run.stderr
    gaps = {g.item_name: g for g in ledger.load_gaps(recorded / "quanze-ledger.sqlite") if g.unit == "东城县"}
    assert gaps["食品生产许可"].status == "待整改"
