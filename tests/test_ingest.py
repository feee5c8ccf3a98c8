"""Ingestion: each quirk has a tiny fixture workbook and a test asserting the exact records or issues."""

from __future__ import annotations

from pathlib import Path

import pytest

from quanze.errors import UnreadableInputError
from quanze.ingest import IngestOptions, read_file, read_files
from quanze.models import Category, FileReport, IssueCode, ListKind, Severity

import fixtures


def rows(report: FileReport, *fields: str) -> list[tuple[object, ...]]:
    items = report.services if report.kind is ListKind.SERVICES else report.powers
    return [tuple(getattr(i, f) for f in fields) for i in items]


def codes(report: FileReport) -> list[tuple[str, int | None]]:
    return [(i.code.value, i.row) for i in report.issues]


def test_plain(tmp_path: Path) -> None:
    report = read_file(fixtures.plain(tmp_path / "plain.xlsx"))
    assert report.kind is ListKind.POWERS
    assert rows(report, "name", "category", "code", "department") == [
        ("燃气经营许可证核发", Category.LICENSING, "511A0001", "市住建局"),
        ("食品生产许可", Category.LICENSING, "511A0002", "市市场监管局"),
    ]
    assert report.powers[1].source.model_dump() == {"file": "plain.xlsx", "sheet": "Sheet1", "row": 3}
    assert report.issues == []


def test_title_rows_are_skipped_and_header_found(tmp_path: Path) -> None:
    report = read_file(fixtures.title_rows(tmp_path / "title-rows.xlsx"))
    layout = report.sheets[0]
    assert layout.header_rows == [4]
    assert layout.title_rows == [1, 2]
    assert layout.data_start == 5
    assert rows(report, "name", "seq") == [("燃气经营许可证核发", "1")]


def test_merged_two_row_header(tmp_path: Path) -> None:
    report = read_file(fixtures.merged_header(tmp_path / "merged-header.xlsx"))
    fields = {c.header.split(" / ")[-1]: c.field for c in report.sheets[0].columns}
    assert report.sheets[0].header_rows == [1, 2]
    assert fields["权力类型"] == "category"
    assert fields["权力名称"] == "name"
    assert rows(report, "name", "category", "department", "remarks") == [
        ("燃气经营许可证核发", Category.LICENSING, "市住建局", None),
        ("对无证经营燃气的处罚", Category.PENALTY, "市住建局", "委托"),
    ]


def test_header_rows_option_overrides_detection(tmp_path: Path) -> None:
    path = fixtures.title_rows(tmp_path / "title-rows.xlsx")
    report = read_file(path, IngestOptions(header_rows=(4, 4)))
    assert report.sheets[0].header_rows == [4]
    assert len(report.powers) == 1


def test_merged_department_and_type_cells(tmp_path: Path) -> None:
    report = read_file(fixtures.merged_department(tmp_path / "merged-department.xlsx"))
    assert rows(report, "name", "department", "category") == [
        ("燃气经营许可证核发", "市住建局", Category.LICENSING),
        ("建筑工程施工许可", "市住建局", Category.LICENSING),
        ("对违法建设的处罚", "市住建局", Category.PENALTY),
        ("低保对象认定", "市民政局", Category.CONFIRMATION),
    ]


def test_department_section_rows(tmp_path: Path) -> None:
    report = read_file(fixtures.section_rows(tmp_path / "section-rows.xlsx"))
    assert rows(report, "name", "department") == [
        ("企业投资项目核准", "区发展和改革委员会"),
        ("社会团体成立登记", "区民政局"),
    ]
    assert codes(report) == [("section-row", 2), ("section-row", 4)]
    assert all(i.severity is Severity.INFO for i in report.issues)


def test_sub_item_rows_numbered_1_1(tmp_path: Path) -> None:
    report = read_file(fixtures.sub_items(tmp_path / "sub-items.xlsx"))
    assert rows(report, "name", "sub_item", "role") == [
        ("燃气经营许可", None, "main"),
        ("燃气经营许可", "燃气经营许可证核发", "sub"),
        ("燃气经营许可", "燃气经营许可证变更", "sub"),
        ("建筑工程施工许可", None, "single"),
    ]


def test_two_seq_columns_under_group_header(tmp_path: Path) -> None:
    report = read_file(fixtures.two_seq_columns(tmp_path / "two-seq-columns.xlsx"))
    assert rows(report, "name", "sub_item", "role", "category") == [
        ("种子生产经营许可", "种子生产经营许可（主要农作物）", "sub", Category.LICENSING),
        ("种子生产经营许可", "种子生产经营许可（非主要农作物）", "sub", Category.LICENSING),
        ("兽药经营许可", None, "single", Category.LICENSING),
    ]


def test_ditto_cells_repeat_the_value_above(tmp_path: Path) -> None:
    report = read_file(fixtures.ditto_cells(tmp_path / "ditto-cells.xlsx"))
    assert rows(report, "category", "department") == [(Category.LICENSING, "市住建局")] * 3
    assert report.issues == []


def test_ditto_cells_can_be_turned_off(tmp_path: Path) -> None:
    report = read_file(fixtures.ditto_cells(tmp_path / "ditto-cells.xlsx"), IngestOptions(ditto=False))
    assert [p.department for p in report.powers] == ["市住建局", "同上", "〃"]


def test_ditto_on_first_row_is_reported(tmp_path: Path) -> None:
    report = read_file(fixtures.ditto_first_row(tmp_path / "ditto-first-row.xlsx"))
    (issue,) = report.issues
    assert (issue.code, issue.row, issue.column, issue.value) == (
        IssueCode.DITTO_WITHOUT_SOURCE,
        2,
        "C 事项类型",
        "同上",
    )
    assert report.powers[0].category is None


def test_footnote_rows_are_reported_not_read(tmp_path: Path) -> None:
    report = read_file(fixtures.footnote_rows(tmp_path / "footnote-rows.xlsx"))
    assert len(report.powers) == 1
    assert codes(report) == [("footnote-row", 3)]


def test_line_breaks_and_full_width_spaces(tmp_path: Path) -> None:
    report = read_file(fixtures.line_breaks(tmp_path / "line-breaks.xlsx"))
    assert rows(report, "name", "department", "category") == [
        ("燃气经营许可证核发", "市住建局", Category.LICENSING),
        ("对未取得燃气经营许可证从事经营活动的处罚", "市住建局", Category.PENALTY),
    ]


def test_codes_stored_as_numbers_keep_leading_zeros(tmp_path: Path) -> None:
    report = read_file(fixtures.codes_as_numbers(tmp_path / "codes-as-numbers.xlsx"))
    assert rows(report, "code", "volume") == [
        ("12345", 12),
        ("000042", 3),
        (None, 12),  # digits lost: none made up
        ("000123", None),
    ]
    assert codes(report) == [("code-precision-lost", 4), ("bad-number", 5)]
    assert report.issues[0].value == "1.23456789012346E+17"  # the number as Excel shows it


def test_category_variants_mapped_and_unknown_reported(tmp_path: Path) -> None:
    report = read_file(fixtures.unknown_category(tmp_path / "unknown-category.xlsx"))
    assert rows(report, "category", "category_raw") == [
        (Category.LICENSING, "许可类"),
        (Category.OTHER, "其他职权"),
        (None, "XK-01"),
    ]
    (issue,) = report.issues
    assert (issue.code, issue.row, issue.value) == (IssueCode.UNKNOWN_CATEGORY, 4, "XK-01")


def test_category_aliases_from_config(tmp_path: Path) -> None:
    options = IngestOptions(category_aliases={"XK-01": Category.LICENSING})
    report = read_file(fixtures.unknown_category(tmp_path / "unknown-category.xlsx"), options)
    assert report.powers[2].category is Category.LICENSING
    assert report.issues == []


def test_header_aliases_from_config(tmp_path: Path) -> None:
    path = fixtures.xlsx(
        tmp_path / "odd-headers.xlsx",
        {"Sheet1": [["No.", "权力事项全称", "主办科室"], [1, "燃气经营许可证核发", "城建科"]]},
    )
    plain = read_file(path)
    assert plain.powers == []
    assert plain.issues[0].code is IssueCode.NO_HEADER
    options = IngestOptions(header_aliases={"name": ("权力事项全称",), "department": ("主办科室",)})
    report = read_file(path, options)
    assert rows(report, "name", "department") == [("燃气经营许可证核发", "城建科")]


def test_missing_name_rejects_the_row_with_location(tmp_path: Path) -> None:
    report = read_file(fixtures.missing_name(tmp_path / "missing-name.xlsx"))
    assert len(report.powers) == 1
    (issue,) = report.issues
    assert (issue.code, issue.severity, issue.sheet, issue.row, issue.column) == (
        IssueCode.MISSING_REQUIRED,
        Severity.ERROR,
        "Sheet1",
        3,
        "B 事项名称",
    )
    assert report.sheets[0].rejected == 1


def test_one_sheet_per_department(tmp_path: Path) -> None:
    report = read_file(fixtures.sheet_per_department(tmp_path / "sheet-per-department.xlsx"))
    assert rows(report, "name", "department") == [
        ("燃气经营许可证核发", "市住建局"),
        ("社会团体成立登记", "市民政局"),
    ]


def test_duplicate_codes_and_items(tmp_path: Path) -> None:
    report = read_file(fixtures.duplicate_codes(tmp_path / "duplicate-codes.xlsx"))
    assert len(report.powers) == 3
    assert codes(report) == [("duplicate-code", 3), ("duplicate-item", 4)]


def test_service_catalogue_detected_by_headers(tmp_path: Path) -> None:
    report = read_file(fixtures.service_catalogue(tmp_path / "service-catalogue.xlsx"))
    assert report.kind is ListKind.SERVICES
    assert rows(report, "name", "code", "parent_power_name", "department", "volume") == [
        ("燃气经营许可证新办", "511A0001001", "燃气经营许可证核发", "县住建局", 5),
        ("燃气经营许可证变更", "511A0001002", "燃气经营许可证核发", "县住建局", 0),
    ]


@pytest.mark.parametrize(
    ("builder", "encoding"), [(fixtures.gbk_csv, "gb18030"), (fixtures.utf8_bom_csv, "utf-8-sig")]
)
def test_csv_encodings_detected(tmp_path: Path, builder: object, encoding: str) -> None:
    path = builder(tmp_path / "list.csv")  # type: ignore[operator]
    report = read_file(path)
    assert report.encoding == encoding
    assert rows(report, "name", "code", "department") == [
        ("燃气经营许可证核发", "00511A", "市住建局"),
        ("食品生产许可（县级）", "00512A", "市市场监督管理局"),
    ]
    assert report.sheets[0].title_rows == [1]


def test_gbk_file_read_as_utf8_is_refused(tmp_path: Path) -> None:
    path = fixtures.gbk_csv(tmp_path / "gbk.csv")
    with pytest.raises(UnreadableInputError, match="not valid utf-8"):
        read_file(path, IngestOptions(encoding="utf-8"))


def test_legacy_xls_with_merges(tmp_path: Path) -> None:
    report = read_file(fixtures.legacy_xls(tmp_path / "legacy.xls"))
    assert report.sheets[0].header_rows == [2]
    assert rows(report, "name", "code", "department") == [
        ("燃气经营许可证核发", "51100001", "县住建局"),
        ("建筑工程施工许可", "A2", "县住建局"),
    ]


def test_every_row_is_a_record_or_accounted_for(tmp_path: Path) -> None:
    path = fixtures.xlsx(
        tmp_path / "mixed.xlsx",
        {
            "Sheet1": [
                ["标题"],
                fixtures.HEADER,
                ["一、市住建局"],
                [1, "燃气经营许可证核发", "行政许可", "A", None],
                [],
                [2, None, "行政许可", "B", None],
                ["注：共2项"],
            ]
        },
    )
    report = read_file(path)
    layout = report.sheets[0]
    assert layout.rows_total == 7
    assert (layout.records, layout.rejected, layout.skipped_structural, layout.skipped_blank) == (1, 1, 3, 1)
    assert (
        layout.records
        + layout.rejected
        + layout.skipped_structural
        + layout.skipped_blank
        + len(layout.header_rows)
        == layout.rows_total
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"PK\x03\x04garbage", "not a readable .xlsx"),
        (b"\x00\x01\x02binary", "binary data"),
    ],
)
def test_unreadable_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(UnreadableInputError, match=message):
        read_file(path)


def test_read_files_keeps_going_past_an_unreadable_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"")
    good = fixtures.plain(tmp_path / "plain.xlsx")
    reports = read_files([bad, good, good])
    assert [r.issues[0].code if r.issues else None for r in reports] == [
        IssueCode.UNREADABLE_FILE,
        None,
        IssueCode.DUPLICATE_INPUT,
    ]
    assert len(reports[1].powers) == 2


def test_same_item_twice_with_different_data(tmp_path: Path) -> None:
    path = fixtures.xlsx(
        tmp_path / "same-item-twice.xlsx",
        {
            "Sheet1": [
                fixtures.HEADER,
                [1, "燃气经营许可证核发", "行政许可", "A1", "市住建局"],
                [2, "燃气经营许可证核发", "行政确认", "A1", "市住建局"],
            ]
        },
    )
    report = read_file(path)
    assert len(report.powers) == 2  # both kept: the analyst decides which is right
    assert codes(report) == [("duplicate-item", 3)]
    assert "row 2" in report.issues[0].message


def test_fill_down_option(tmp_path: Path) -> None:
    """Blank department cells (not merged) repeat the value above only when asked."""
    path = fixtures.xlsx(
        tmp_path / "blank-department.xlsx",
        {
            "Sheet1": [
                ["序号", "事项名称", "实施部门"],
                [1, "燃气经营许可证核发", "市住建局"],
                [2, "建筑工程施工许可", None],
            ]
        },
    )
    assert [p.department for p in read_file(path).powers] == ["市住建局", None]
    filled = read_file(path, IngestOptions(fill_down=("department",)))
    assert [p.department for p in filled.powers] == ["市住建局", "市住建局"]


def test_a_catalogue_told_by_its_columns_reads_its_main_item_column_as_the_parent(tmp_path: Path) -> None:
    # Read without --kind: 主项名称 names the item in a power list but the parent power in a catalogue.
    report = read_file(fixtures.catalogue_main_item_column(tmp_path / "catalogue-main-item-column.xlsx"))
    assert report.kind is ListKind.SERVICES
    fields = {c.header: c.field for c in report.sheets[0].columns}
    assert fields["主项名称"] == "parent_power_name" and fields["业务办理项名称"] == "name"
    assert [(s.name, s.parent_power_name, s.code) for s in report.services] == [
        ("道路货物运输经营许可（新办）", "道路货物运输经营许可", "110400001001"),
        ("道路货物运输经营许可（变更）", "道路货物运输经营许可", "110400001002"),
    ]


@pytest.mark.parametrize("kind", [ListKind.AUTO, ListKind.SERVICES])
def test_the_item_beside_a_handling_item_is_its_parent_with_its_code(tmp_path: Path, kind: ListKind) -> None:
    # 事项名称 beside 业务办理项名称 names the power the handling item belongs to, not a second item column;
    # 业务办理项编码 is the item's code and 事项编码 the parent's (read as the item's, the handling items of
    # one power shared one code and raised duplicate-code).
    path = fixtures.catalogue_item_beside_handling_item(tmp_path / "catalogue-item-beside-handling-item.xlsx")
    report = read_file(path, IngestOptions(kind=kind))
    assert report.kind is ListKind.SERVICES
    fields = {c.header: c.field for c in report.sheets[0].columns}
    assert (fields["事项名称"], fields["事项编码"]) == ("parent_power_name", "parent_power_code")
    assert (fields["业务办理项名称"], fields["业务办理项编码"]) == ("name", "code")
    assert rows(report, "name", "code", "parent_power_name", "parent_power_code") == [
        ("民办培训机构筹设审批", "33070010100001", "民办培训机构设立审批", "330700101000"),
        ("民办培训机构正式设立审批", "33070010100002", "民办培训机构设立审批", "330700101000"),
        ("初级中学教师资格认定", "33070010200001", "中小学教师资格认定", "330700102000"),
        # An item with no handling item of its own is named by its item column, as it was before.
        ("校车使用许可", None, "校车使用许可", "330700103000"),
    ]
    assert [i for i in report.issues if i.severity is not Severity.INFO] == []


def test_a_sub_item_code_column_gives_each_sub_item_its_own_code(tmp_path: Path) -> None:
    # Read with the main code, the two sub-items shared one code and matching lost what tells them apart.
    report = read_file(fixtures.main_and_sub_code_columns(tmp_path / "main-and-sub-code-columns.xlsx"))
    assert {c.header: c.field for c in report.sheets[0].columns}["子项编码"] == "sub_code"
    assert rows(report, "name", "sub_item", "code") == [
        ("民办非企业单位登记", "民办非企业单位成立登记", "330800201001"),
        ("民办非企业单位登记", "民办非企业单位注销登记", "330800201002"),
        ("慈善信托备案", None, "330800202000"),
    ]
    assert [i for i in report.issues if i.severity is not Severity.INFO] == []


def test_codes_that_start_with_the_credit_code_are_no_duplicates(tmp_path: Path) -> None:
    # Cut to their first 12 characters as if a basic code came first, one organ's codes were one code.
    path = fixtures.credit_code_first_impl_codes(tmp_path / "credit-code-first-impl-codes.xlsx")
    report = read_file(path, IngestOptions(kind=ListKind.SERVICES))
    assert [s.code for s in report.services] == [
        "11441823MB2D0391184446014359620",
        "11441823MB2D0391184445217159946",
        "11441823MB2D0391184441335199405",
    ]
    assert [i for i in report.issues if i.severity is not Severity.INFO] == []


def test_other_provinces_header_words_name_their_fields(tmp_path: Path) -> None:
    # 行政权力事项名称 found no header at all (no-header, nothing read); 职权分类 and 权力事项类型 lost every
    # category, and 权力事项编码 (read as a catalogue's parent code) every code of a power list.
    report = read_file(fixtures.provincial_header_words(tmp_path / "provincial-header-words.xlsx"))
    assert report.kind is ListKind.POWERS
    assert rows(report, "name", "category", "code", "department") == [
        ("企业投资项目核准", Category.LICENSING, "370100001000", "县发展和改革局"),
        ("对价格违法行为的处罚", Category.PENALTY, "370100002000", "县发展和改革局"),
        ("法律援助申请受理", Category.PAYMENT, "110100001000", "县司法局"),
        ("临时用地审批", Category.LICENSING, "330100001000", "县自然资源局"),
    ]
    assert [i for i in report.issues if i.severity is not Severity.INFO] == []


def test_the_title_names_the_organ_before_the_lists_words(tmp_path: Path) -> None:
    report = read_file(fixtures.title_list_words_after_organ(tmp_path / "title-list-words-after-organ.xlsx"))
    assert rows(report, "name", "department") == [
        ("游泳场所开放许可", "某县体育局"),
        ("临时用地审批", "某县自然资源局"),
        ("档案出境审批初审", "某县档案馆"),
    ]


def test_an_id_column_beside_seq_makes_no_sub_items(tmp_path: Path) -> None:
    # 编号 was read as a second 序号 (the 子项's): every item became a sub-item of the first, and the band of the
    # header and the first item won the header for the ID read as an English second line (TJ-001).
    report = read_file(fixtures.id_column_beside_seq(tmp_path / "id-column-beside-seq.xlsx"))
    assert report.sheets[0].header_rows == [2]
    assert rows(report, "name", "sub_item", "role") == [
        ("统计调查项目审批", None, "single"),
        ("对拒报统计资料的处罚", None, "single"),
        ("统计执法检查", None, "single"),
    ]
    assert [i for i in report.issues if i.severity is not Severity.INFO] == []


@pytest.mark.parametrize("keep", [True, False], ids=["records", "counts-only"])
def test_a_qualifier_paragraph_row_joins_the_name_above(tmp_path: Path, keep: bool) -> None:
    # Read as its own record, the qualifier made an item named （家畜） with the code of the item above
    # (duplicate-code), and the item lost what tells it from its twin.
    path = fixtures.word_table_name_paragraph_rows(tmp_path / "word-table-name-paragraph-rows.xlsx")
    report = read_file(path, IngestOptions(keep_records=keep))
    assert report.records == 3
    assert [i for i in report.issues if i.severity is not Severity.INFO] == []
    assert [(i.code, i.row) for i in report.issues] == [(IssueCode.CONTINUATION_ROW, 3)]
    if keep:
        assert rows(report, "name", "code", "role") == [
            ("种畜禽生产经营许可（家畜）", "A1", "single"),
            ("种畜禽生产经营许可（家禽）", "A2", "single"),
            ("对违法经营种畜禽的处罚", "A3", "single"),
        ]


def test_part_section_rows_give_their_category(tmp_path: Path) -> None:
    # 第一部分 was read as 第一部 + 分　行政许可: a title row, its category lost.
    report = read_file(
        fixtures.part_sections_give_categories(tmp_path / "part-sections-give-categories.xlsx")
    )
    assert rows(report, "name", "category") == [
        ("建设工程规划许可", Category.LICENSING),
        ("白蚁防治单位资质核准", Category.LICENSING),
        ("对未移交建设项目档案的处罚", Category.PENALTY),
    ]


def test_department_item_numbers_make_no_sub_items(tmp_path: Path) -> None:
    # 1-2 was read as a 子项 of the item numbered 1-1 above it, and 1-1 warned of as an orphan sub-item.
    report = read_file(fixtures.department_item_numbers(tmp_path / "department-item-numbers.xlsx"))
    assert rows(report, "name", "sub_item", "role", "department") == [
        ("生产安全事故应急预案备案", None, "single", "某县应急管理局"),
        ("安全生产状况监督检查", None, "single", "某县应急管理局"),
        ("雷电防护装置设计审核", None, "single", "某县气象局"),
    ]
    assert [i for i in report.issues if i.severity is not Severity.INFO] == []


def test_header_words_with_footnote_marks_name_their_fields(tmp_path: Path) -> None:
    report = read_file(fixtures.header_footnote_marks(tmp_path / "header-footnote-marks.xlsx"))
    assert rows(report, "name", "category", "code") == [
        ("养老机构设立备案", Category.OTHER, "F1"),
        ("对养老机构的监督检查", Category.INSPECTION, "F2"),
    ]


def test_a_name_merged_over_the_sub_item_column_is_no_sub_item(tmp_path: Path) -> None:
    report = read_file(fixtures.name_merged_over_sub_item_column(tmp_path / "name-merged-over-sub-item.xlsx"))
    assert rows(report, "name", "sub_item", "role", "department") == [
        ("燃气经营许可", None, "single", "县住建局"),
        ("建筑工程施工许可", "新办", "sub", "县住建局"),
        ("建筑工程施工许可", "变更", "sub", "县住建局"),
        ("对违法建设的处罚", None, "single", "县住建局"),
    ]
    assert [i for i in report.issues if i.severity is not Severity.INFO] == []


def test_numbered_lines_in_the_name_column_are_sub_items_of_the_row_above(tmp_path: Path) -> None:
    report = read_file(fixtures.sub_item_lines_in_name_column(tmp_path / "sub-item-lines.xlsx"))
    assert rows(report, "name", "sub_item", "role", "category", "department", "code") == [
        ("燃气经营许可", None, "main", Category.LICENSING, "县住建局", None),
        ("燃气经营许可", "燃气经营许可证核发", "sub", Category.LICENSING, "县住建局", "C01"),
        ("燃气经营许可", "燃气经营许可证变更", "sub", Category.LICENSING, "县住建局", "C02"),
        ("对违法建设的处罚", None, "single", Category.PENALTY, "县城管局", "C03"),
    ]
    assert report.issues == []


def test_a_name_cell_with_sub_item_lines_gives_one_record_per_sub_item(tmp_path: Path) -> None:
    report = read_file(fixtures.name_cell_with_sub_item_lines(tmp_path / "name-cell-sub-item-lines.xlsx"))
    assert rows(report, "name", "sub_item", "role", "category") == [
        ("建设工程消防审查", "建设工程消防设计审查", "sub", Category.LICENSING),
        ("建设工程消防审查", "建设工程消防验收", "sub", Category.LICENSING),
        # entries after a lead-in (有下列行为之一的：) are the cases of one item, not sub-items
        ("对有下列行为之一的处罚： 1.未取得许可 2.超范围经营", None, "single", Category.PENALTY),
    ]
    assert codes(report) == [("packed-sub-items", 2)]


def test_header_cells_with_an_english_second_line_are_found(tmp_path: Path) -> None:
    report = read_file(fixtures.english_line_in_header_cells(tmp_path / "english-line-in-header.xlsx"))
    assert report.sheets[0].header_rows == [2]
    assert rows(report, "name", "category", "department") == [
        ("燃气经营许可", Category.LICENSING, "县住建局"),
        ("对违法建设的处罚", Category.PENALTY, "县住建局"),
    ]
    assert report.issues == []


def test_an_english_header_row_under_the_chinese_one_is_part_of_the_header(tmp_path: Path) -> None:
    report = read_file(fixtures.english_header_row(tmp_path / "english-header-row.xlsx"))
    assert report.sheets[0].header_rows == [1, 2]
    assert rows(report, "name", "sub_item", "category") == [
        ("燃气经营许可", None, Category.LICENSING),
        ("对违法建设的处罚", None, Category.PENALTY),
    ]
    assert report.issues == []


def test_page_lines_and_column_numbers_are_structure_not_items(tmp_path: Path) -> None:
    report = read_file(
        fixtures.page_lines_and_column_numbers(tmp_path / "page-lines-and-column-numbers.xlsx")
    )
    assert [p.name for p in report.powers] == ["燃气经营许可证核发", "食品生产许可", "食品经营许可"]
    codes = [i.code for i in report.issues]
    assert codes.count(IssueCode.SECTION_ROW) == 4 and IssueCode.REPEATED_HEADER in codes
    assert not {IssueCode.MISSING_REQUIRED, IssueCode.JUNK_NAME} & set(codes)


def test_a_name_pasted_down_the_whole_column_is_a_warning(tmp_path: Path) -> None:
    report = read_file(fixtures.one_name_pasted_down(tmp_path / "one-name-pasted-down.xlsx"))
    assert len(report.powers) == 6  # kept as read, and said
    assert [i.code for i in report.issues] == [IssueCode.ONE_NAME_THROUGHOUT]
    # Four rows are too few to tell; one power's sub-item rows share its name but not their sub-items.
    few = read_file(fixtures.one_name_pasted_down(tmp_path / "four.xlsx", rows=4))
    assert IssueCode.ONE_NAME_THROUGHOUT not in [i.code for i in few.issues]
    sub_items = [[i, "食品经营许可", f"子项{i}", "行政许可", "县市场监管局"] for i in range(1, 7)]
    header = ["序号", "事项名称", "子项名称", "事项类型", "实施主体"]
    path = fixtures.xlsx(tmp_path / "sub-items.xlsx", {"Sheet1": [header, *sub_items]})
    assert IssueCode.ONE_NAME_THROUGHOUT not in [i.code for i in read_file(path).issues]
