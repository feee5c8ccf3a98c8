"""How real lists are shaped around their items: subtotal rows, status columns, catalogue trees, sub-item and
continuation rows, pasted blocks and sheets that restate the items."""

from __future__ import annotations

from pathlib import Path

from quanze.ingest import read_file
from quanze.models import IssueCode

import fixtures


def test_subtotal_rows_are_totals_not_items(tmp_path: Path) -> None:
    report = read_file(fixtures.subtotal_rows(tmp_path / "subtotal-rows.xlsx"))
    assert [p.name for p in report.powers] == ["燃气经营许可证核发", "食品经营许可", "取水许可"]
    totals = [i.row for i in report.issues if i.code is IssueCode.TOTAL_ROW]
    assert totals == [3, 5, 7, 8]


def test_a_list_of_only_subtotals_yields_no_records(tmp_path: Path) -> None:
    report = read_file(fixtures.only_subtotals(tmp_path / "only-subtotals.xlsx"))
    assert report.powers == []
    codes = {i.code for i in report.issues}
    assert IssueCode.NO_RECORDS in codes
    assert [i.row for i in report.issues if i.code is IssueCode.TOTAL_ROW] == [2, 4, 5, 6]


def test_invisible_characters_vanish_and_codes_get_no_inner_space(tmp_path: Path) -> None:
    report = read_file(fixtures.invisible_characters(tmp_path / "invisible-characters.xlsx"))
    got = [(p.name, p.code, p.department) for p in report.powers]
    assert got == [
        ("食品经营许可", "330195427000", "县市场监管局"),
        ("建筑工程施工许可证 核发", "330167794000", "县住建局"),
        ("取水许可", "330264315000", "县水利局"),
        ("采矿许可", "330112667000", "县自然资源局"),
    ]
    junk = [(i.row, i.severity) for i in report.issues if i.code is IssueCode.JUNK_NAME]
    assert junk == [(5, "error")]
    assert not [i for i in report.issues if i.code is IssueCode.MISSING_REQUIRED]
