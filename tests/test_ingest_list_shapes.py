"""How real lists are shaped around their items: subtotal rows, status columns, catalogue trees, sub-item and
continuation rows, pasted blocks and sheets that restate the items."""

from __future__ import annotations

from pathlib import Path

import pytest

from quanze.ingest import IngestOptions, read_file
from quanze.ingest.rowtext import RowTexts
from quanze.models import Category, IssueCode, ListKind

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


def test_cancelled_and_suspended_rows_are_reported_not_read(tmp_path: Path) -> None:
    report = read_file(fixtures.status_column(tmp_path / "status-column.xlsx"))
    assert [p.name for p in report.powers] == ["农药经营许可证核发", "拖拉机登记"]
    inactive = [(i.row, i.value) for i in report.issues if i.code is IssueCode.INACTIVE_ITEM]
    assert inactive == [
        (4, "种子质量纠纷田间现场鉴定"),
        (5, "渔业捕捞许可证核发"),
        (6, "动物防疫条件合格证核发"),
    ]
    assert report.sheets[0].columns[5].field == "status"


def test_a_catalogue_publish_status_column_leaves_out_items_taken_offline(tmp_path: Path) -> None:
    path = fixtures.catalogue_publish_status_words(tmp_path / "catalogue-publish-status-words.xlsx")
    report = read_file(path, IngestOptions(kind=ListKind.SERVICES))
    assert report.sheets[0].columns[5].field == "status"
    assert [s.name for s in report.services] == ["残疾人证核发"]
    inactive = [i.row for i in report.issues if i.code is IssueCode.INACTIVE_ITEM]
    assert inactive == [3, 4, 5]


@pytest.mark.parametrize("keep", [True, False], ids=["records", "counts-only"])
def test_a_catalogue_tree_with_a_level_column_reads_its_handling_items(tmp_path: Path, keep: bool) -> None:
    path = fixtures.catalogue_tree_level_column(tmp_path / "catalogue-tree-level-column.xlsx")
    report = read_file(path, IngestOptions(kind=ListKind.SERVICES, keep_records=keep))
    assert report.records == 4
    if not keep:
        return
    got = [(s.name, s.code, s.parent_power_name, s.category, s.department, s.unit) for s in report.services]
    assert got == [
        ("燃气经营许可证新办", "S101", "燃气经营许可证核发", Category.LICENSING, "县住建局", "东城县"),
        ("燃气经营许可证变更", "S102", "燃气经营许可证核发", Category.LICENSING, "县住建局", "东城县"),
        ("最低生活保障对象认定", "S201", "最低生活保障对象认定", Category.CONFIRMATION, "县民政局", "东城县"),
        ("印章刻制备案", "S300", None, Category.OTHER, "县公安局", "东城县"),  # a 事项 with no 办理项
    ]
    parents = [i.row for i in report.issues if i.code is IssueCode.SECTION_ROW]
    assert parents == [3, 6]
    assert not [i for i in report.issues if i.code is IssueCode.DUPLICATE_ITEM]


@pytest.mark.parametrize("keep", [True, False], ids=["records", "counts-only"])
def test_a_catalogue_tree_below_the_header_scan_reads_alike_column_wise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keep: bool
) -> None:
    path = fixtures.catalogue_tree_dotted_seq(tmp_path / "catalogue-tree-dotted-seq.xlsx", flat=40)
    options = IngestOptions(kind=ListKind.SERVICES, keep_records=keep)
    report = read_file(path, options)
    assert report.records == 43
    if keep:
        assert [s.parent_power_name for s in report.services[40:]] == [
            "公共场所卫生许可",
            "公共场所卫生许可",
            "道路货物运输经营许可",
        ]
    assert not [i for i in report.issues if i.code is IssueCode.DUPLICATE_CODE]
    monkeypatch.setattr(RowTexts, "plain", property(lambda _self: False))
    assert read_file(path, options).model_dump() == report.model_dump()


def test_a_level_column_of_a_catalogue_tree_tells_a_catalogue(tmp_path: Path) -> None:
    report = read_file(fixtures.catalogue_tree_level_column(tmp_path / "catalogue-tree-level-column.xlsx"))
    assert report.kind is ListKind.SERVICES
    assert [s.code for s in report.services] == ["S101", "S102", "S201", "S300"]


def test_a_catalogue_tree_numbered_1_1_1_leaves_out_its_situations(tmp_path: Path) -> None:
    path = fixtures.catalogue_tree_dotted_seq(tmp_path / "catalogue-tree-dotted-seq.xlsx")
    report = read_file(path, IngestOptions(kind=ListKind.SERVICES))
    got = [(s.name, s.parent_power_name, s.department) for s in report.services]
    assert got == [
        ("公共场所卫生许可证新办", "公共场所卫生许可", "县卫生健康局"),
        ("公共场所卫生许可证注销", "公共场所卫生许可", "县卫生健康局"),
        ("道路货物运输经营许可（新办）", "道路货物运输经营许可", "县交通运输局"),
    ]
    assert all(s.category is Category.LICENSING for s in report.services)
    situations = [(i.row, i.value) for i in report.issues if i.code is IssueCode.SITUATION_ROW]
    assert situations == [(4, "新开办公共场所"), (5, "原址重新开业"), (9, "企业申请")]


def test_sub_item_rows_take_their_main_items_type_and_organ(tmp_path: Path) -> None:
    path = fixtures.sub_item_rows_blank_type_and_organ(tmp_path / "sub-item-rows-blank-type-and-organ.xlsx")
    report = read_file(path)
    subs = [(p.name, p.sub_item, p.category, p.department) for p in report.powers if p.role == "sub"]
    assert subs == [
        ("对违反食品安全法行为的处罚", "对用非食品原料生产食品的处罚", Category.PENALTY, "县市场监管局"),
        ("对违反食品安全法行为的处罚", "对经营超过保质期的食品的处罚", Category.PENALTY, "县市场监管局"),
        ("兽药经营许可证核发", "兽药经营许可证核发（新办）", Category.LICENSING, "县农业农村局"),
    ]
    assert [i.value for i in report.issues if i.code is IssueCode.DATE_AS_SEQ] == ["2026-05-01"]


@pytest.mark.parametrize("keep", [True, False], ids=["records", "counts-only"])
def test_unmerged_continuation_lines_join_the_item_above(tmp_path: Path, keep: bool) -> None:
    path = fixtures.continuation_lines_unmerged(tmp_path / "continuation-lines-unmerged.xlsx")
    report = read_file(path, IngestOptions(keep_records=keep))
    assert report.records == 2
    assert not [i for i in report.issues if i.severity != "info"]
    assert [i.row for i in report.issues if i.code is IssueCode.CONTINUATION_ROW] == [3, 6]
    if keep:
        first, second = report.powers
        assert first.duty == "1.受理责任\n2.审查责任\n3.决定责任"
        assert first.accountability == "1.不予受理的\n2.违法准予许可的"
        assert second.duty == "1.受理责任\n2.审查责任"


def test_duty_sheets_beside_the_list_are_not_read_as_items_again(tmp_path: Path) -> None:
    report = read_file(fixtures.duty_sheets_beside_the_list(tmp_path / "duty-sheets-beside-the-list.xlsx"))
    assert [(p.name, p.source.sheet) for p in report.powers] == [
        ("营业性演出审批", "权力清单"),
        ("旅行社设立许可", "权力清单"),
    ]
    restated = [i.sheet for i in report.issues if i.code is IssueCode.RESTATED_SHEET]
    assert restated == ["责任清单", "追责情形"]
    assert not [i for i in report.issues if i.code is IssueCode.DUPLICATE_ITEM]


def test_a_duty_sheet_named_with_sheet_is_read(tmp_path: Path) -> None:
    path = fixtures.duty_sheets_beside_the_list(tmp_path / "duty-sheets-beside-the-list.xlsx")
    report = read_file(path, IngestOptions(sheets=("权力清单", "责任清单")))
    assert [p.source.sheet for p in report.powers] == ["权力清单", "权力清单", "责任清单", "责任清单"]


def test_a_pasted_block_is_read_by_its_own_header(tmp_path: Path) -> None:
    path = fixtures.pasted_block_other_column_order(tmp_path / "pasted-block-other-column-order.xlsx")
    report = read_file(path)
    got = [(p.name, p.category, p.department, p.code, p.remarks) for p in report.powers]
    assert got == [
        ("城镇污水排入排水管网许可", Category.LICENSING, "县住建局", "F1", None),
        ("对擅自占用城市道路的处罚", Category.PENALTY, "县住建局", "F2", None),
        ("养老机构备案", Category.OTHER, "县民政局", None, None),
        ("社会团体变更登记", Category.LICENSING, "县民政局", None, "原第5项"),
    ]
    header = [i for i in report.issues if i.code is IssueCode.REPEATED_HEADER]
    assert len(header) == 1 and "C 实施主体 → department" in header[0].message
    assert not [i for i in report.issues if i.code is IssueCode.UNKNOWN_CATEGORY]


def test_a_pasted_block_below_the_header_scan_reads_alike_column_wise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = fixtures.pasted_block_other_column_order(tmp_path / "pasted-block.xlsx", more=40)
    report = read_file(path)
    assert report.records == 84
    assert {p.department for p in report.powers[42:44]} == {"县民政局"}
    assert {p.category for p in report.powers[44:]} == {Category.CONFIRMATION}
    assert {p.code for p in report.powers[44:]} == {None}
    assert report.powers[-1].remarks == "新增39"
    monkeypatch.setattr(RowTexts, "plain", property(lambda _self: False))
    assert read_file(path).model_dump() == report.model_dump()


def test_two_tables_side_by_side_are_read_each_by_its_header(tmp_path: Path) -> None:
    report = read_file(fixtures.two_tables_side_by_side(tmp_path / "two-tables-side-by-side.xlsx"))
    got = [(p.source.row, p.name, p.sub_item, p.department, p.code) for p in report.powers]
    assert got == [
        (4, "乡村建设规划许可证核发", None, "县自然资源局", "G1"),
        (5, "对非法占用土地的处罚", None, "县自然资源局", "G2"),
        (6, "土地权属争议调处", None, "县自然资源局", "G3"),
        (4, "林木采伐许可证核发", None, "县林业局", "H1"),
        (5, "对滥伐林木的处罚", None, "县林业局", "H2"),
    ]
    assert [i.code for i in report.issues if i.code is IssueCode.SIDE_BY_SIDE_TABLES] == [
        IssueCode.SIDE_BY_SIDE_TABLES
    ]
    assert [[c.column for c in s.columns if c.field] for s in report.sheets] == [
        ["A", "B", "C", "D", "E"],
        ["G", "H", "I", "J", "K"],
    ]


def test_a_main_and_sub_item_pair_of_columns_is_one_table(tmp_path: Path) -> None:
    report = read_file(fixtures.two_seq_columns(tmp_path / "two-seq-columns.xlsx"))
    assert len(report.sheets) == 1
    assert not [i for i in report.issues if i.code is IssueCode.SIDE_BY_SIDE_TABLES]
