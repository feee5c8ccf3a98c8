"""What prints: machine codes stay on screen, out of the printed area, so the printed table is wider-typed."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from quanze.config import load_config
from quanze.pipeline import run_reconcile

import fixtures


def test_code_columns_are_out_of_the_print_area(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_reconcile(load_config(fixtures.scenario(tmp_path / "s")), out=out, force=False)
    wb = load_workbook(out / "report.xlsx")
    gaps = wb["缺口"]
    headings = [c.value for c in gaps[2]]
    assert headings[-2:] == ["来源", "类型代码"]
    area = gaps.print_area[0] if isinstance(gaps.print_area, list) else gaps.print_area
    last_printed = area.split(":")[1].split("$")[1]
    assert last_printed == gaps.cell(2, len(headings) - 2).column_letter  # 说明 is the last printed
    issues = wb["数据问题"]
    area = issues.print_area[0] if isinstance(issues.print_area, list) else issues.print_area
    assert area.split(":")[1].split("$")[1] == issues.cell(2, 8).column_letter  # up to 说明, not 问题代码
