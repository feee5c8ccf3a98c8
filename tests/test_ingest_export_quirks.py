"""Ingestion of export quirks: footer lines, required-field marks in headers, codes in number forms, fill-in
hint rows, Excel table total rows, 子项 placeholders. Each has a tiny fixture and a test of the exact result."""

from __future__ import annotations

from pathlib import Path

import pytest

from quanze.errors import UnreadableInputError
from quanze.ingest import read_file
from quanze.ingest.values import code_digits, odd_code
from quanze.models import Category, FileReport, IssueCode, ListKind, Severity

import fixtures


def rows(report: FileReport, *fields: str) -> list[tuple[object, ...]]:
    items = report.services if report.kind is ListKind.SERVICES else report.powers
    return [tuple(getattr(i, f) for f in fields) for i in items]


def codes(report: FileReport) -> list[tuple[str, int | None]]:
    return [(i.code.value, i.row) for i in report.issues]


def test_footer_lines_after_the_total_are_structure(tmp_path: Path) -> None:
    report = read_file(fixtures.footer_lines_after_total(tmp_path / "footer-lines-after-total.csv"))
    assert rows(report, "name", "sub_item") == [("燃气经营许可证核发", None), ("食品生产许可", None)]
    assert codes(report) == [("total-row", 4), ("signature-row", 5), ("signature-row", 6)]


def test_required_field_marks_in_the_header_are_not_part_of_its_words(tmp_path: Path) -> None:
    report = read_file(fixtures.required_marks_in_header(tmp_path / "required-marks-in-header.xlsx"))
    assert rows(report, "name", "category", "code", "department") == [
        ("燃气经营许可证核发", Category.LICENSING, "511A0001", "市住建局"),
        ("对无证经营燃气的处罚", Category.PENALTY, "511A0002", "市住建局"),
    ]
    assert report.issues == []


def test_codes_in_a_numbers_form_are_read_as_the_code(tmp_path: Path) -> None:
    report = read_file(fixtures.codes_in_number_forms(tmp_path / "codes-in-number-forms.xlsx"))
    assert rows(report, "code") == [
        ("330109001000",),
        ("330109001001",),
        ("330109001002",),
        ("XK-003",),
        ("3301,0900",),  # not a number's grouping: left as written
    ]
    assert report.issues == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("330109001000.0", "330109001000"),
        ("330109001000.00", "330109001000"),
        ("１０２４４５３０６８３１", "102445306831"),
        ("102,445,306,831", "102445306831"),
        ("102,445,306,831.0", "102445306831"),
        ("11330100MB1234567X", "11330100MB1234567X"),
        ("1.5", "1.5"),
        ("2,3", "2,3"),
    ],
)
def test_code_digits(text: str, code: str) -> None:
    assert code_digits(text) == code
    assert odd_code(text) is (text != code)


def test_a_utf8_export_with_a_gbk_one_after_it_is_decoded_line_by_line(tmp_path: Path) -> None:
    report = read_file(fixtures.utf8_then_gbk_csv(tmp_path / "utf8-then-gbk.csv"))
    assert rows(report, "name", "department") == [
        ("粮食收购资格认定", "县发展和改革局"),
        ("特困人员救助供养审批", "县民政局"),
    ]
    (mixed,) = [i for i in report.issues if i.code is IssueCode.MIXED_ENCODING]
    assert "GBK line(s): 3, 4" in mixed.message


def test_a_utf8_file_with_a_line_in_neither_encoding_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "utf8-then-garbage.csv"
    path.write_bytes("序号,事项名称\n1,粮食收购资格认定\n".encode() + b"2,\x80\x80\xff\n")
    with pytest.raises(UnreadableInputError):
        read_file(path)


def test_an_excel_tables_total_row_is_a_total(tmp_path: Path) -> None:
    report = read_file(fixtures.excel_table_total_row(tmp_path / "excel-table-total-row.xlsx"))
    assert rows(report, "name") == [("燃气经营许可证核发",), ("食品生产许可",)]
    assert codes(report) == [("total-row", 4)]


def test_a_fill_in_hint_row_under_the_header_is_no_item(tmp_path: Path) -> None:
    report = read_file(fixtures.fill_in_hint_row(tmp_path / "fill-in-hint-row.xlsx"))
    assert rows(report, "name", "category") == [
        ("燃气经营许可证核发", Category.LICENSING),
        ("统计数据填报审核", Category.LICENSING),
    ]
    assert codes(report) == [("example-row", 2)]


def test_sub_item_placeholder_variants_are_empty(tmp_path: Path) -> None:
    report = read_file(
        fixtures.sub_item_placeholder_variants(tmp_path / "sub-item-placeholder-variants.xlsx")
    )
    assert rows(report, "name", "sub_item", "role") == [
        ("燃气经营许可证核发", None, "single"),
        ("食品生产许可", None, "single"),
        ("药品零售许可", None, "single"),
    ]
    assert [i.code for i in report.issues] == [IssueCode.PLACEHOLDER_VALUE]


def test_a_file_whose_every_row_is_inactive_says_so(tmp_path: Path) -> None:
    report = read_file(fixtures.every_item_stopped(tmp_path / "every-item-stopped.xlsx"))
    assert report.records == 0
    (empty,) = [i for i in report.issues if i.code is IssueCode.NO_RECORDS]
    assert "every item row (2) is marked cancelled or suspended" in empty.message
    assert "事项状态" in empty.message and "export the list again" not in empty.message


def test_a_handful_of_names_repeated_down_the_list_is_a_warning(tmp_path: Path) -> None:
    report = read_file(fixtures.five_names_cycled(tmp_path / "five-names-cycled.xlsx"))
    assert report.records == 40  # kept as read
    (issue,) = report.issues
    assert (issue.code, issue.severity) == (IssueCode.FEW_NAMES_REPEATED, Severity.WARNING)
    assert "40 of 40 rows repeat 5 names" in issue.message


def test_names_repeated_for_different_organs_or_in_a_short_list_are_no_warning(tmp_path: Path) -> None:
    for path in (
        fixtures.five_names_cycled(tmp_path / "five-organs.xlsx", organs=5),  # the same items for five organs
        fixtures.five_names_cycled(tmp_path / "short.xlsx", rows=15),
    ):
        assert read_file(path).issues == []


def test_counts_the_list_states_agree_with_what_was_read(tmp_path: Path) -> None:
    report = read_file(fixtures.stated_counts(tmp_path / "stated-counts.xlsx"))
    assert report.records == 3
    assert not [i for i in report.issues if i.code is IssueCode.STATED_COUNT_DIFFERS]


def test_a_stated_count_that_differs_from_what_was_read_is_a_warning(tmp_path: Path) -> None:
    report = read_file(fixtures.stated_counts(tmp_path / "stated-counts-row-lost.xlsx", lost=True))
    differs = [i for i in report.issues if i.code is IssueCode.STATED_COUNT_DIFFERS]
    assert [(i.row, i.value, i.severity) for i in differs] == [
        (None, "3", Severity.WARNING),  # the sheet name
        (6, "3", Severity.WARNING),  # the closing total
        (2, "2", Severity.WARNING),  # the first heading; the second (共1项) holds
    ]
    assert "the sheet name 行政许可（3项） states 3 items, but 2 records" in differs[0].message
    assert "the heading 一、县住建局（共2项） states 2 items, but 1 records" in differs[2].message


def test_validate_reports_a_stated_count_that_differs_without_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """validate is the step before reconcile: the warning that points at a lost row needs no --records."""
    from typer.testing import CliRunner

    from quanze.cli import app

    monkeypatch.chdir(tmp_path)
    fixtures.stated_counts(tmp_path / "stated-counts-row-lost.xlsx", lost=True)
    result = CliRunner().invoke(app, ["validate", "stated-counts-row-lost.xlsx"])
    assert result.exit_code == 1 and "stated-count-differs" in result.output
    plain = CliRunner().invoke(app, ["validate", "stated-counts-row-lost.xlsx", "--format", "json"])
    import json

    assert "powers" not in json.loads(plain.stdout)["files"][0]  # records stay out without --records


def test_validate_streams_the_records_of_a_large_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Holding a million records for the stated-count check cost 2.8 GB where streaming took 0.6 GB: past
    pipeline.STATED_COUNT_BYTES of input, validate streams them unless --records asks for them."""
    from quanze import pipeline

    path = fixtures.stated_counts(tmp_path / "stated-counts-row-lost.xlsx", lost=True)
    assert pipeline.validate_keeps_records([path], asked=False)
    monkeypatch.setattr(pipeline, "STATED_COUNT_BYTES", path.stat().st_size - 1)
    assert not pipeline.validate_keeps_records([path], asked=False)
    assert pipeline.validate_keeps_records([path], asked=True)
