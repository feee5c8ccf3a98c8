"""Ingest of the quirks real published lists have: each fixture holds one, each test asserts the records."""

from __future__ import annotations

from pathlib import Path

from quanze.ingest import IngestOptions, read_file
from quanze.models import Category, CategoryNumbering, FileReport, IssueCode, ListKind

import real_quirks


def rows(report: FileReport, *fields: str) -> list[tuple[object, ...]]:
    items = report.services if report.kind is ListKind.SERVICES else report.powers
    return [tuple(getattr(i, f) for f in fields) for i in items]


def issue_codes(report: FileReport) -> list[str]:
    return [i.code.value for i in report.issues]


def test_vertically_merged_items_are_one_record_each(tmp_path: Path) -> None:
    report = read_file(real_quirks.merged_item_rows(tmp_path / "merged-item-rows.xlsx"))
    assert rows(report, "source", "name", "sub_item", "role") == [
        (report.powers[0].source, "雷电防护装置检测资质认定", None, "single"),
        (report.powers[1].source, "升放气球活动许可", "升放气球单位资质认定", "sub"),
        (report.powers[2].source, "升放气球活动许可", "升放气球活动审批", "sub"),
        (report.powers[3].source, "对违法施放气球的处罚", None, "single"),
    ]
    assert [p.source.row for p in report.powers] == [4, 7, 9, 11]
    layout = report.sheets[0]
    assert layout.merged_continuation == 5
    assert layout.records == 4
    # No continuation row is a duplicate of its item.
    assert "duplicate-item" not in issue_codes(report)
    # A value of its own on a continuation row belongs to the item above; nothing is dropped.
    assert report.powers[3].duty == "立案\n调查取证"


def test_merged_items_in_legacy_xls(tmp_path: Path) -> None:
    report = read_file(real_quirks.merged_item_rows_xls(tmp_path / "merged-item-rows.xls"))
    assert rows(report, "name", "department", "handling_office") == [
        ("人工影响天气作业审批", "某县气象局", "业务股"),
        ("对气象设施的检查", "某县气象局", "业务股"),
    ]
    assert report.sheets[0].merged_continuation == 3


def test_organ_is_the_department_and_office_kept_apart(tmp_path: Path) -> None:
    report = read_file(real_quirks.organ_and_office(tmp_path / "organ-and-office.xlsx"))
    assert rows(report, "name", "department", "handling_office", "level") == [
        ("对河道违法采砂的处罚", "某县水利局", "水政监察大队", "县级"),
        ("取水许可审批", "某县水利局", "农村水利股", "县级"),
    ]


def test_level_and_scope_under_one_merged_header(tmp_path: Path) -> None:
    report = read_file(real_quirks.merged_item_rows(tmp_path / "merged-item-rows.xlsx"))
    fields = {c.column: c.field for c in report.sheets[0].columns}
    assert (fields["G"], fields["H"]) == ("level", "level_scope")
    assert rows(report, "level", "level_scope")[0] == ("市级", "负责本级")
    assert report.powers[3].level == "县市区级"


def test_title_names_the_department_when_no_organ_column(tmp_path: Path) -> None:
    report = read_file(real_quirks.office_only_with_title(tmp_path / "office-only-with-title.xlsx"))
    assert rows(report, "department", "handling_office") == [("某县林业局", "资源股")]


def test_level_sheets(tmp_path: Path) -> None:
    report = read_file(real_quirks.level_sheets(tmp_path / "level-sheets.xlsx"))
    assert rows(report, "name", "level") == [("地方标准制定", "市级"), ("个体工商户登记", "县级")]
    assert [s.level for s in report.sheets] == ["市级", "县级"]


def test_platform_export_with_item_headed_xiangmu(tmp_path: Path) -> None:
    report = read_file(real_quirks.platform_export_xiangmu(tmp_path / "platform-export-xiangmu.xlsx"))
    assert report.kind is ListKind.POWERS
    assert rows(report, "name", "category", "code", "unit", "department", "handling_office") == [
        (
            "公众聚集场所投入使用营业前消防安全检查",
            Category.LICENSING,
            "6502XK016",
            "某市",
            "某市消防救援支队",
            "防火科",
        ),
        (
            "对消防设施未保持完好有效的处罚",
            Category.PENALTY,
            "6502CF512",
            "某市",
            "某市消防救援支队",
            "各大队",
        ),
    ]


def test_field_name_over_fields_is_one_header(tmp_path: Path) -> None:
    report = read_file(real_quirks.field_name_over_fields(tmp_path / "field-name-over-fields.xlsx"))
    layout = report.sheets[0]
    assert layout.header_rows == [2, 3]
    assert layout.title_rows == [1]
    assert rows(report, "code", "name", "category") == [
        ("001", "社会团体成立登记", Category.LICENSING),
        ("002", "对社会团体的年度检查", Category.INSPECTION),
    ]


def test_placeholders_are_empty_and_reported_once(tmp_path: Path) -> None:
    report = read_file(real_quirks.placeholders(tmp_path / "placeholders.xlsx"))
    assert rows(report, "name", "sub_item", "code", "category", "role") == [
        ("殡葬设施建设审批", None, None, Category.LICENSING, "single"),
        ("对擅自兴建殡葬设施的处罚", None, None, Category.PENALTY, "single"),
        ("养老机构备案", None, None, None, "single"),
    ]
    assert issue_codes(report) == ["placeholder-value"]
    (issue,) = report.issues
    assert issue.severity.value == "info"
    assert (issue.sheet, issue.row) == ("Sheet1", 2)


def test_packed_sub_items_become_one_record_each(tmp_path: Path) -> None:
    report = read_file(real_quirks.packed_sub_items(tmp_path / "packed-sub-items.xlsx"))
    assert rows(report, "name", "sub_item") == [
        ("探矿权登记", "探矿权新立登记"),
        ("探矿权登记", "探矿权延续登记"),
        ("探矿权登记", "探矿权注销登记"),
        ("土地登记", "土地首次登记"),
        ("土地登记", "土地变更登记"),
        # 1.5级 is a number in the name, not a list of one.
        ("地质灾害危险性评估", "1.5级以上评估报告审查"),
        ("建设用地审批", "农用地转用审批"),
        ("建设用地审批", "土地征收审批"),
        ("建设用地审批", "供地审批"),
    ]
    assert issue_codes(report).count(IssueCode.PACKED_SUB_ITEMS.value) == 3


def test_repeated_header_is_never_a_record(tmp_path: Path) -> None:
    report = read_file(real_quirks.repeated_header(tmp_path / "repeated-header.xlsx"))
    assert rows(report, "name") == [("兽药经营许可证核发",), ("渔业捕捞许可",)]
    assert [(i.code.value, i.row) for i in report.issues] == [("repeated-header", 3)]


def test_category_sheets(tmp_path: Path) -> None:
    report = read_file(real_quirks.category_sheets(tmp_path / "category-sheets.xlsx"))
    assert rows(report, "name", "category") == [
        ("护林员证核发", Category.LICENSING),
        ("林草种子生产经营许可", Category.LICENSING),
        ("对滥伐林木的处罚", Category.PENALTY),
    ]


def test_national_category_and_level_codes(tmp_path: Path) -> None:
    path = real_quirks.national_category_codes(tmp_path / "national-category-codes.csv")
    report = read_file(path)
    assert rows(report, "category", "level") == [
        (Category.LICENSING, "省级、市级"),
        (Category.PENALTY, "县级"),
        (Category.PUBLIC_SERVICE, "市级"),
    ]
    off = read_file(path, IngestOptions(category_codes=CategoryNumbering.NONE))
    assert [p.category for p in off.powers] == [None, None, None]
    assert issue_codes(off).count("unknown-category") == 3


def test_service_headed_power_list_with_misspelt_organ(tmp_path: Path) -> None:
    report = read_file(real_quirks.service_headed_power_list(tmp_path / "service-headed-power-list.csv"))
    assert report.kind is ListKind.POWERS
    assert rows(report, "name", "department", "handling_office") == [
        ("对擅自拆除消防设施的处罚", "某市公安局", "消防支队"),
        ("药品零售企业经营许可", "某市市场监督管理局", "行政审批处"),
    ]


def test_the_same_item_at_two_units_of_one_file_is_no_duplicate(tmp_path: Path) -> None:
    report = read_file(real_quirks.units_in_one_file(tmp_path / "units-in-one-file.xlsx"))
    assert rows(report, "unit", "name") == [
        ("东城县", "取水许可审批"),
        ("西河县", "取水许可审批"),
        ("西河县", "取水许可审批"),
    ]
    assert [(i.code.value, i.row) for i in report.issues] == [("duplicate-item", 4)]


def test_an_item_restated_for_each_level_is_no_duplicate(tmp_path: Path) -> None:
    report = read_file(real_quirks.item_restated_per_level(tmp_path / "item-restated-per-level.xlsx"))
    assert rows(report, "level") == [("市级",), ("县级",), ("县级",)]
    assert [(i.code.value, i.row) for i in report.issues] == [("duplicate-item", 4)]


def test_a_field_under_a_group_label_takes_the_field_before_the_label(tmp_path: Path) -> None:
    """认领情况 over 是否认领 | 承接方式: the column headed 是否认领 is the acceptance, not the one that only
    shares the group label."""
    from fixtures import xlsx

    path = xlsx(
        tmp_path / "group-label-over-fields.xlsx",
        {
            "Sheet1": [
                ["序号", "事项名称", "认领情况", None],
                [None, None, "是否认领", "承接方式"],
                [1, "取水许可审批", "不认领", "直接承接"],
            ]
        },
        merges={"Sheet1": ["A1:A2", "B1:B2", "C1:D1"]},
    )
    report = read_file(path)
    assert rows(report, "acceptance", "devolution_mode") == [("不认领", "直接承接")]


def test_a_merge_over_header_and_data_invents_no_records(tmp_path: Path) -> None:
    """One cell merged over the whole table (A1:Z1000): its text is no item, on any row."""
    from fixtures import xlsx

    path = xlsx(
        tmp_path / "merge-over-everything.xlsx", {"Sheet1": [["事项名称"]]}, merges={"Sheet1": ["A1:Z1000"]}
    )
    report = read_file(path)
    assert report.powers == []
    assert report.sheets[0].merged_continuation == 999
    assert "no-records" in issue_codes(report)


def test_a_one_column_list_with_a_specific_header_is_read(tmp_path: Path) -> None:
    from fixtures import xlsx

    path = xlsx(tmp_path / "one-column.xlsx", {"Sheet1": [["事项名称"], ["取水许可审批"], ["河道采砂许可"]]})
    assert rows(read_file(path), "name") == [("取水许可审批",), ("河道采砂许可",)]
    # A generic heading alone (名称) is not enough to call a row the header.
    generic = xlsx(tmp_path / "one-generic-column.xlsx", {"Sheet1": [["名称"], ["取水许可审批"]]})
    assert "no-header" in issue_codes(read_file(generic))


def test_counted_sections_give_their_category_and_signatures_are_no_items(tmp_path: Path) -> None:
    report = read_file(real_quirks.counted_sections_and_signatures(tmp_path / "counted-sections.xlsx"))
    assert rows(report, "name", "category") == [
        ("危险化学品经营许可", Category.LICENSING),
        ("烟花爆竹经营（零售）许可", Category.LICENSING),
        ("对未经许可经营危险化学品的处罚", Category.PENALTY),
    ]
    codes = issue_codes(report)
    assert codes.count(IssueCode.SECTION_ROW.value) == 2 and codes.count(IssueCode.TOTAL_ROW.value) == 1
    assert codes.count(IssueCode.SIGNATURE_ROW.value) == 3


def test_codes_typed_with_a_text_apostrophe_or_saved_as_rounded_numbers(tmp_path: Path) -> None:
    path = tmp_path / "codes-typed-in-csv.csv"
    path.write_text(
        "序号,事项名称,权力编码,实施主体\n"
        "1,社会团体成立登记,'330109001000,某县民政局\n"
        "2,特困人员认定,5.11E+13,某县民政局\n",
        encoding="gbk",
    )
    report = read_file(path)
    assert rows(report, "name", "code") == [("社会团体成立登记", "330109001000"), ("特困人员认定", None)]
    [lost] = [i for i in report.issues if i.code is IssueCode.CODE_PRECISION_LOST]
    assert (lost.row, lost.value) == (3, "5.11E+13")


def test_rows_of_a_fill_in_example_are_no_items(tmp_path: Path) -> None:
    report = read_file(real_quirks.example_table_on_notes_sheet(tmp_path / "example-table.xlsx"))
    assert rows(report, "name") == [("法律职业资格认定",)]
    assert [(i.sheet, i.row) for i in report.issues if i.code is IssueCode.EXAMPLE_ROW] == [
        ("填报说明及示例", 5),
        ("填报说明及示例", 6),
    ]


def test_the_powers_code_in_a_catalogue_is_read_under_its_usual_headers(tmp_path: Path) -> None:
    headers = ["对应权力事项编码", "所属权力事项编码", "关联权力事项编码", "对应权力编码"]
    sheets = {
        f"S{i}": [
            ["事项名称", "事项编码", "基本目录名称", h],
            ["护士执业注册（首次）", "11A1", "护士执业注册", "330101"],
        ]
        for i, h in enumerate(headers)
    }
    path = real_quirks.xlsx(tmp_path / "power-code-in-catalogue.xlsx", sheets)
    report = read_file(path, IngestOptions(kind=ListKind.SERVICES))
    assert [s.parent_power_code for s in report.services] == ["330101"] * len(headers)
