"""Diff of two list versions: every change type on a hand-built pair of lists."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from quanze.cli import app
from quanze.diff import Change, diff_lists
from quanze.ingest import read_file

import fixtures

HEADER = ["序号", "事项名称", "事项类型", "事项编码", "实施主体", "设定依据"]
OLD = [
    [1, "燃气经营许可证核发", "行政许可", "A001", "市住建局", "《城镇燃气管理条例》第15条"],
    [2, "食品生产许可", "行政许可", "A002", "市市场监管局", "《食品安全法》第35条"],
    [3, "建设工程设计方案审定", "其他行政权力", "A003", "市自然资源局", "《城乡规划法》"],
    [4, "对违法建设的处罚", "行政处罚", "A004", "市住建局", "《城乡规划法》第64条"],
    [5, "户外广告设置许可", "行政许可", None, "市城管局", "《广告法》"],
]
NEW = [
    [1, "燃气经营许可证核发", "行政许可", "A001", "市住建局", "《城镇燃气管理条例》第15条"],
    [2, "食品生产许可", "行政许可", "A002", "市市场监督管理局", "《食品安全法》第35条"],
    [3, "对违法建设行为的处罚", "行政处罚", "A004", "市住建局", "《城乡规划法》第64条"],
    [4, "户外广告设施设置审批", "行政许可", None, "市城管局", "《广告法》"],
    [5, "城市建筑垃圾处置核准", "行政许可", "A005", "市城管局", "《城市建筑垃圾管理规定》"],
    [6, "社会团体成立登记", "行政许可", None, "市民政局", "《社会团体登记管理条例》"],
]


def _lists(tmp_path: Path) -> tuple[Path, Path]:
    old = fixtures.xlsx(tmp_path / "old.xlsx", {"Sheet1": [HEADER, *OLD]})
    new = fixtures.xlsx(tmp_path / "new.xlsx", {"Sheet1": [HEADER, *[list(r) for r in NEW]]})
    return old, new


def test_every_change_type(tmp_path: Path) -> None:
    old, new = _lists(tmp_path)
    wb = load_workbook(new)
    wb.active["C3"] = "行政确认"  # 食品生产许可 changes its category; its department changes only in wording
    wb.save(new)
    result = diff_lists(read_file(old).powers, read_file(new).powers)
    got = {(r.change, r.old_name, r.new_name, tuple(r.fields)) for r in result.rows}
    assert got == {
        (Change.UNCHANGED, "燃气经营许可证核发", "燃气经营许可证核发", ()),
        (Change.CHANGED, "食品生产许可", "食品生产许可", ("category",)),
        (Change.RENAMED, "对违法建设的处罚", "对违法建设行为的处罚", ("name",)),
        (Change.RENAMED, "户外广告设置许可", "户外广告设施设置审批", ("name",)),
        (Change.REMOVED, "建设工程设计方案审定", None, ()),
        (Change.ADDED, None, "城市建筑垃圾处置核准", ()),
        (Change.ADDED, None, "社会团体成立登记", ()),
    }
    assert result.counts == {"added": 2, "removed": 1, "renamed": 2, "changed": 1, "unchanged": 1}
    changed = next(r for r in result.rows if r.change is Change.CHANGED)
    assert changed.detail == "类型：行政许可 → 行政确认"


def test_diff_command_writes_csv_and_workbook(tmp_path: Path) -> None:
    old, new = _lists(tmp_path)
    out = tmp_path / "d"
    result = CliRunner().invoke(app, ["diff", str(old), str(new), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "added 2, removed 1, renamed 2" in result.output
    header = (out / "diff.csv").read_text("utf-8-sig").splitlines()[0]
    assert header.startswith("change,code,old_name,new_name,fields,detail")
    wb = load_workbook(out / "diff.xlsx")
    assert wb.sheetnames == ["变化汇总", "变化明细", "全部事项"]
    detail = wb["变化明细"]
    assert [c.value for c in detail[1]][:4] == ["变化", "编码", "原名称", "新名称"]
    assert detail.freeze_panes == "A2"
    assert {detail.cell(r, 1).value for r in range(2, detail.max_row + 1)} == {"新增", "取消", "名称变化"}
    assert len(wb["变化汇总"]._charts) == 1


def test_a_department_that_gains_an_implementing_body_has_changed(tmp_path: Path) -> None:
    old, new = _lists(tmp_path)
    wb = load_workbook(new)
    wb.active["E2"] = "市住房和城乡建设局（市行政审批局）"  # 燃气经营许可证核发 now implemented by 审批局
    wb.save(new)
    result = diff_lists(read_file(old).powers, read_file(new).powers)
    gas = next(r for r in result.rows if r.old_name == "燃气经营许可证核发")
    assert (gas.change, gas.fields) == (Change.CHANGED, ["department"])
    assert gas.detail == "实施部门：市住建局 → 市住房和城乡建设局（市行政审批局）"
    # The same department in other words is still unchanged (市市场监管局 → 市市场监督管理局).
    food = next(r for r in result.rows if r.old_name == "食品生产许可")
    assert food.change is Change.UNCHANGED


def acceptance_list_versions(tmp_path: Path) -> tuple[Path, Path]:
    """Two versions of a unit's acceptance list: one answer turned (不认领 → 认领), one answer said in other
    words (认领 → 同意承接), one supervising department left blank."""
    header = ["序号", "事项名称", "事项编码", "监管部门", "认领情况"]
    old = [
        [1, "燃气经营许可证核发", "A001", "县住建局", "认领"],
        [2, "《预防接种证》办理", "A002", "县卫健局", "不认领"],
        [3, "食品生产许可", "A003", "县市场监管局", "认领"],
    ]
    new = [
        [1, "燃气经营许可证核发", "A001", "县住建局", "同意承接"],
        [2, "《预防接种证》办理", "A002", "县卫健局", "认领"],
        [3, "食品生产许可", "A003", None, "认领"],
    ]
    return (
        fixtures.xlsx(tmp_path / "v1.xlsx", {"Sheet1": [header, *old]}),
        fixtures.xlsx(tmp_path / "v3.xlsx", {"Sheet1": [header, *new]}),
    )


def test_an_acceptance_answer_that_turns_is_a_change(tmp_path: Path) -> None:
    old, new = acceptance_list_versions(tmp_path)
    result = diff_lists(read_file(old).powers, read_file(new).powers)
    got = {r.old_name: (r.change, tuple(r.fields), r.detail) for r in result.rows}
    assert got["《预防接种证》办理"] == (Change.CHANGED, ("acceptance",), "认领情况：不认领 → 认领")
    assert got["燃气经营许可证核发"][0] is Change.UNCHANGED  # the same answer in other words
    assert got["食品生产许可"][:2] == (Change.CHANGED, ("supervision_department",))
