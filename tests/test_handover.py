"""Handover checklists: built from the hand-built scenario, filled in, and read back as a ledger."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from quanze.cli import app

import fixtures

runner = CliRunner()


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = fixtures.scenario(tmp_path / "s")
    monkeypatch.chdir(config.parent)
    result = runner.invoke(app, ["handover", "build", "--out", "ho"])
    assert result.exit_code == 0, result.output
    return config.parent / "ho"


def _rows(path: Path) -> tuple[list[str], list[list[object]]]:
    ws = load_workbook(path).active
    header = [c.value for c in ws[2]]
    return header, [[c.value for c in row] for row in ws.iter_rows(min_row=3)]


def test_checklist_per_unit(built: Path) -> None:
    assert sorted(p.name for p in built.iterdir()) == [
        "交接汇总.xlsx",
        "交接清单_东城县.xlsx",
        "交接清单_西河县.xlsx",
    ]
    header, rows = _rows(built / "交接清单_东城县.xlsx")
    assert header[:8] == [
        "序号",
        "承接单位",
        "移交部门",
        "承接部门",
        "事项编码",
        "事项名称",
        "下放方式",
        "认领情况",
    ]
    items = {r[5]: r for r in rows if isinstance(r[0], int)}
    assert set(items) == {"燃气经营许可证核发", "食品生产许可", "食品经营许可", "户外广告设置许可"}
    gas = items["燃气经营许可证核发"]
    assert (
        gas[7] == "已认领" and gas[8] == "燃气经营许可证新办；燃气经营许可证（变更）" and gas[10] == "未交接"
    )
    assert items["食品生产许可"][7] == "不认领" and items["户外广告设置许可"][7] == "未列入承接清单"
    assert any(r[0] == "移交单位（盖章）：" for r in rows)  # signature block
    ws = load_workbook(built / "交接清单_东城县.xlsx").active
    assert ws.data_validations.dataValidation[0].formula1 == '"已交接,未交接"'
    summary = load_workbook(built / "交接汇总.xlsx")
    assert [c.value for c in summary["汇总"][3]] == ["东城县", 4, 2, 0, 4]
    assert len(summary["汇总"]._charts) == 1


def test_filled_checklists_round_trip_into_a_ledger(built: Path) -> None:
    path = built / "交接清单_东城县.xlsx"
    wb = load_workbook(path)
    ws = wb.active
    ws["K3"] = "已交接"
    ws["K4"] = "已交接"
    wb.save(path)
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
        ],
    )
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(result.stdout)
    assert [(r["unit"], r["items"], r["done"]) for r in data["by_unit"]] == [
        ("东城县", 4, 2),
        ("西河县", 3, 0),
    ]
    assert (
        (built.parent / "ledger" / "ledger.csv").read_text("utf-8").startswith("unit,department,items,done")
    )


def test_bad_status_is_reported(built: Path) -> None:
    path = built / "交接清单_西河县.xlsx"
    wb = load_workbook(path)
    wb.active["K3"] = "差不多"
    wb.save(path)
    result = runner.invoke(app, ["handover", "progress", str(path)])
    assert result.exit_code == 1 and "差不多" in result.output
