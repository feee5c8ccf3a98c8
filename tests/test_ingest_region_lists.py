"""Lists of other regions and kinds: 赋权清单 organ columns, 公共服务事项清单, other scripts in the header, duty
stage groups."""

from __future__ import annotations

from pathlib import Path

import pytest

from quanze.ingest import read_file
from quanze.models import Category, FileReport, IssueCode, ListKind, Severity

import fixtures


def rows(report: FileReport, *fields: str) -> list[tuple[object, ...]]:
    return [tuple(getattr(p, f) for f in fields) for p in report.powers]


def test_original_department_is_the_organ_when_it_is_the_only_organ_column(tmp_path: Path) -> None:
    report = read_file(fixtures.original_department_only_organ(tmp_path / "original-department.xlsx"))
    assert rows(report, "name", "department", "receiving_unit") == [
        ("临时占用林地初审", "某县林业局", "北岭镇"),
        ("对乱倒建筑垃圾的处罚", "某县城市管理局", "北岭镇"),
    ]
    assert report.issues == []


def test_original_department_gives_way_to_the_organ_beside_it(tmp_path: Path) -> None:
    report = read_file(fixtures.original_department_beside_organ(tmp_path / "original-beside.xlsx"))
    assert {p.department for p in report.powers} == {"北岭镇综合行政执法队"}


def test_public_service_list_item_column_is_read_as_a_list(tmp_path: Path) -> None:
    report = read_file(fixtures.public_service_item_column(tmp_path / "public-service.xlsx"))
    assert report.kind is ListKind.POWERS
    assert rows(report, "name", "department") == [
        ("婚姻登记档案查询", "某县民政局"),
        ("殡葬服务信息咨询", "某县民政局"),
    ]
    assert report.issues == []


def test_header_cells_with_a_mongolian_second_line_are_found(tmp_path: Path) -> None:
    report = read_file(fixtures.other_script_line_in_header_cells(tmp_path / "mongolian-line.xlsx"))
    assert report.sheets[0].header_rows == [2]
    assert rows(report, "name", "category", "department") == [
        ("草原征占用初审", Category.LICENSING, "某旗林业和草原局"),
        ("对非法开垦草原的处罚", Category.PENALTY, "某旗林业和草原局"),
    ]
    assert report.issues == []


def test_a_uyghur_header_row_under_the_chinese_one_is_part_of_the_header(tmp_path: Path) -> None:
    report = read_file(fixtures.other_script_header_row(tmp_path / "uyghur-row.xlsx"))
    assert report.sheets[0].header_rows == [1, 2]
    assert [p.name for p in report.powers] == ["草原征占用初审", "对非法开垦草原的处罚"]
    assert report.issues == []


def test_duty_stage_leaves_under_a_group_header_are_header(tmp_path: Path) -> None:
    report = read_file(fixtures.duty_stage_group_header(tmp_path / "duty-stages.xlsx"))
    assert report.sheets[0].header_rows == [1, 2]
    assert rows(report, "name", "category", "department") == [
        ("取水许可", Category.LICENSING, "某县水利局"),
        ("对河道采砂的处罚", Category.PENALTY, "某县水利局"),
    ]
    assert report.issues == []


def test_a_list_of_cancelled_items_reads_no_item_in_force(tmp_path: Path) -> None:
    report = read_file(fixtures.cancelled_items_decision_column(tmp_path / "cancelled-items.xlsx"))
    assert report.records == 0
    codes = [i.code for i in report.issues]
    assert codes.count(IssueCode.INACTIVE_ITEM) == 2 and IssueCode.NO_RECORDS in codes
    (empty,) = [i for i in report.issues if i.code is IssueCode.NO_RECORDS]
    assert empty.severity is Severity.WARNING and "处理决定" in empty.message


def test_an_adjustment_column_drops_the_cancelled_items_only(tmp_path: Path) -> None:
    report = read_file(fixtures.adjustment_column_cancelled(tmp_path / "adjustment-column.xlsx"))
    assert [p.name for p in report.powers] == ["台球室设立审批", "游泳场所开放许可"]
    assert [(i.code, i.row) for i in report.issues] == [(IssueCode.INACTIVE_ITEM, 2)]


@pytest.mark.parametrize(
    "names",
    [
        ["某县民政局", "某县民政局", "某县民政局", "某县民政局"],
        ["行政许可", "行政处罚", "行政强制", "行政确认"],
        ["XK-0101-001", "CF-0101-002", "QR003", "JC-0101-04"],
    ],
    ids=["organs", "category-words", "letter-codes"],
)
def test_a_name_column_holding_no_item_names_is_a_warning(tmp_path: Path, names: list[str]) -> None:
    report = read_file(fixtures.name_column_one_off(tmp_path / "name-column-one-off.xlsx", names))
    assert report.records == 4  # kept as read
    (issue,) = [i for i in report.issues if i.code is IssueCode.NAMES_NOT_ITEMS]
    assert issue.severity is Severity.WARNING and "4 of 4 rows" in issue.message


def test_a_few_such_names_among_items_are_no_warning(tmp_path: Path) -> None:
    names = ["XK-0101-001", "婚姻登记", "收养登记", "殡葬设施审批", "慈善组织认定"]
    report = read_file(fixtures.name_column_one_off(tmp_path / "some-codes.xlsx", names))
    assert all(i.code is not IssueCode.NAMES_NOT_ITEMS for i in report.issues)


def test_one_sheet_copied_to_other_departments_is_a_warning(tmp_path: Path) -> None:
    report = read_file(fixtures.template_copied_to_department_sheets(tmp_path / "copied-sheets.xlsx"))
    assert report.records == 9  # kept as read
    (issue,) = [i for i in report.issues if i.code is IssueCode.COPIED_SHEETS]
    assert issue.severity is Severity.WARNING
    assert "3 sheets (某县民政局、某县教育局、某县卫生健康局) hold the same 3 items" in issue.message
    edited = fixtures.template_copied_to_department_sheets(tmp_path / "edited-sheets.xlsx", edited=True)
    assert all(i.code is not IssueCode.COPIED_SHEETS for i in read_file(edited).issues)
