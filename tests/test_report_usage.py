"""使用率 as the reports show it: a department spelled two ways is one row; no chart of bars nobody can read."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from quanze.config import load_config
from quanze.pipeline import run_reconcile
from quanze.report.reconcile import USAGE_CHART_ROWS, write_reconcile
from quanze.report.usage import merged_usage
from quanze.results import ReconcileResult, UsageRow

import fixtures


def test_a_sector_and_its_bureau_are_one_department() -> None:
    rows = [
        UsageRow(unit="东城县", department="卫生健康局", items=28, used=20, rate=0.7143),
        UsageRow(unit="东城县", department="卫生健康系统", items=25, used=5, rate=0.2),
        UsageRow(unit="西河县", department="卫生健康系统", items=4, used=4, rate=1.0),
        UsageRow(unit="东城县", department="某某中心", items=2, used=1, rate=0.5),
    ]
    merged = {(u.unit, u.department): (u.items, u.used, u.rate) for u in merged_usage(rows)}
    assert merged == {
        ("东城县", "卫生健康局"): (53, 25, round(25 / 53, 4)),
        ("西河县", "卫生健康局"): (4, 4, 1.0),
        ("东城县", "某某中心"): (2, 1, 0.5),  # unknown to the project: kept as written
    }


def _with_usage(tmp_path: Path, rows: list[UsageRow]) -> ReconcileResult:
    result = run_reconcile(load_config(fixtures.scenario(tmp_path / "s")), out=tmp_path / "o", force=False)
    return result.model_copy(update={"usage": rows})


def test_usage_sheet_and_overview_merge_the_spellings(tmp_path: Path) -> None:
    result = _with_usage(
        tmp_path,
        [
            UsageRow(unit="东城县", department="卫生健康局", items=28, used=20, rate=0.7143),
            UsageRow(unit="东城县", department="卫生健康系统", items=25, used=5, rate=0.2),
        ],
    )
    out = tmp_path / "out"
    out.mkdir()
    write_reconcile(out, result, title="测试")
    wb = load_workbook(out / "report.xlsx")
    departments = [r[1] for r in wb["使用率"].iter_rows(min_row=3, values_only=True) if r[0]]
    assert departments == ["卫生健康局"]
    overview = [c for r in wb["概览"].iter_rows(values_only=True) for c in r if isinstance(c, str)]
    assert "卫生健康系统" not in overview and "卫生健康局" in overview
    assert "卫生健康系统" not in (out / "report.html").read_text("utf-8")


def test_no_chart_of_more_bars_than_a_page_can_show(tmp_path: Path) -> None:
    many = [
        UsageRow(unit=f"{n}县", department="民政局", items=10, used=n % 10, rate=(n % 10) / 10)
        for n in range(USAGE_CHART_ROWS + 5)
    ]
    out = tmp_path / "out"
    out.mkdir()
    write_reconcile(out, _with_usage(tmp_path, many), title="测试")
    ws = load_workbook(out / "report.xlsx")["使用率"]
    assert ws._charts == []
    assert "不作图" in str(ws["A2"].value)
