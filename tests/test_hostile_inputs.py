"""Hostile input files, one generated file per case: each asserts the exit code of `validate`, that the message
names the file (and sheet, row, column where there is one) and a fix, and that every data row is a record or
an issue."""

from __future__ import annotations

import json
import os
import re
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from typer.testing import CliRunner

from quanze.cli import app
from quanze.ingest import IngestOptions, read_file
from quanze.models import FileReport, HiddenMode, IssueCode

import fixtures

runner = CliRunner()

ROWS = [
    ["序号", "事项名称", "事项类型"],
    [1, "燃气经营许可证核发", "行政许可"],
    [2, "食品生产许可", "行政许可"],
    [3, "食品经营许可", "行政许可"],
]


def validate(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, ["validate", *map(str, args)])
    assert "Traceback" not in result.output and "internal error" not in result.output
    return result.exit_code, result.output


def validate_json(*args: str | Path) -> tuple[int, dict[str, object]]:
    result = runner.invoke(app, ["validate", "--format", "json", "--records", *map(str, args)])
    assert "internal error" not in result.output
    return result.exit_code, json.loads(result.stdout)


def refused(path: Path, *words: str) -> str:
    code, output = validate(path)
    assert code == 3, output
    flat = " ".join(output.split())
    assert path.name in flat and "fix:" in flat, output
    for word in words:
        assert word in flat, output
    return flat


def accounted(report: FileReport) -> None:
    """Every row of every sheet is a record, a header, or a counted skip or rejection with its issue."""
    for layout in report.sheets:
        skipped = layout.records + layout.rejected + layout.skipped_structural + layout.skipped_blank
        assert skipped + len(layout.header_rows) == layout.rows_total, layout


def names(report: FileReport) -> list[str]:
    return [p.title for p in report.powers]


def codes(report: FileReport) -> list[IssueCode]:
    return [i.code for i in report.issues]


GOOD_NAMES = ["燃气经营许可证核发", "食品生产许可", "食品经营许可"]


# ---------------------------------------------------------------------------------------------- formats


@pytest.mark.parametrize("name", ["list-saved-as.xls", "list-saved-as.et", "list-without-extension"])
def test_xlsx_under_another_name_is_read(tmp_path: Path, name: str) -> None:
    path = fixtures.xlsx(tmp_path / "list.xlsx", {"Sheet1": ROWS})
    renamed = path.rename(tmp_path / name)
    report = read_file(renamed)
    assert names(report) == GOOD_NAMES
    assert validate(renamed)[0] == 0


def _rewrite(src: Path, dst: Path, change: dict[str, bytes | None]) -> Path:
    with zipfile.ZipFile(src) as s, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as d:
        for info in s.infolist():
            data = s.read(info.filename)
            if info.filename in change:
                replacement = change[info.filename]
                if replacement is None:
                    continue
                data = replacement
            d.writestr(info.filename, data)
        for name, data in change.items():
            if name not in s.namelist() and data is not None:
                d.writestr(name, data)
    return dst


def test_strict_open_xml_workbook_is_read(tmp_path: Path) -> None:
    good = fixtures.xlsx(tmp_path / "good.xlsx", {"Sheet1": ROWS})
    strict = tmp_path / "strict.xlsx"
    with zipfile.ZipFile(good) as s, zipfile.ZipFile(strict, "w") as d:
        for info in s.infolist():
            data = s.read(info.filename)
            data = data.replace(
                b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                b"http://purl.oclc.org/ooxml/spreadsheetml/main",
            ).replace(
                b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                b"http://purl.oclc.org/ooxml/officeDocument/relationships",
            )
            d.writestr(info, data)
    report = read_file(strict)
    assert names(report) == GOOD_NAMES
    accounted(report)
    assert validate(strict)[0] == 0


def test_ods_is_refused_with_save_as(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    refused(path, "OpenDocument", ".xlsx")


def test_xlsb_is_refused_with_save_as(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    refused(path, "binary workbook (.xlsb)", "save it as")


def test_word_document_named_xls_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "WordDocument".encode("utf-16-le"))
    refused(path, "Word document")


def test_pdf_named_xls_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.xls"
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 4)
    refused(path, "PDF")


def test_html_table_saved_as_xls_is_read_with_its_merges(tmp_path: Path) -> None:
    path = tmp_path / "platform-export.xls"
    path.write_text(
        "<html><head><meta charset='gbk'></head><body><table>"
        "<tr><th>序号</th><th>事项名称</th><th>事项类型</th><th>实施主体</th></tr>"
        "<tr><td>1</td><td>燃气经营许可证核发</td><td>行政许可</td><td rowspan='2'>市住建局</td></tr>"
        "<tr><td>2</td><td>食品生产<br>许可</td><td>行政许可</td></tr>"
        "<tr><td>3</td><td>食品经营许可</td><td>行政许可</td><td>市市场监管局</td></tr>"
        "</table></body></html>",
        encoding="gbk",
    )
    report = read_file(path)
    assert names(report) == GOOD_NAMES
    assert [p.department for p in report.powers] == ["市住建局", "市住建局", "市市场监管局"]
    accounted(report)
    assert validate(path)[0] == 0


def test_html_without_a_table_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.xls"
    path.write_text("<html><body><p>系统维护中</p></body></html>", encoding="utf-8")
    refused(path, "no table")


def test_spreadsheetml_2003_is_read(tmp_path: Path) -> None:
    path = tmp_path / "list.xls"
    cells = "".join(
        "<Row>"
        + "".join(
            f'<Cell><Data ss:Type="{"Number" if isinstance(v, int) else "String"}">{v}</Data></Cell>'
            for v in row
        )
        + "</Row>"
        for row in ROWS
    )
    path.write_text(
        '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        f'<Worksheet ss:Name="市住建局"><Table>{cells}</Table></Worksheet></Workbook>',
        encoding="utf-8",
    )
    report = read_file(path)
    assert names(report) == GOOD_NAMES and report.sheets[0].sheet == "市住建局"
    assert validate(path)[0] == 0


def test_spreadsheetml_with_entities_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xls"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet/>&a;</Workbook>',
        encoding="utf-8",
    )
    refused(path, "entities")


def test_zip_bomb_by_ratio_is_refused_before_inflating(tmp_path: Path) -> None:
    good = fixtures.xlsx(tmp_path / "good.xlsx", {"Sheet1": ROWS})
    with zipfile.ZipFile(good) as s:
        sheet = s.read("xl/worksheets/sheet1.xml").decode()
    cut = sheet.index("</sheetData>")
    bomb = sheet[:cut] + "<!--" + "A" * (80 << 20) + "-->" + sheet[cut:]
    path = _rewrite(good, tmp_path / "bomb.xlsx", {"xl/worksheets/sheet1.xml": bomb.encode()})
    refused(path, "zip bombs")


def test_damaged_shared_strings_fail_alone_in_a_batch(tmp_path: Path) -> None:
    src = tmp_path / "sst.xlsx"
    wb = xlsxwriter.Workbook(str(src))
    ws = wb.add_worksheet()
    for r, row in enumerate(ROWS):
        ws.write_row(r, 0, row)
    wb.close()
    with zipfile.ZipFile(src) as s:
        sst = s.read("xl/sharedStrings.xml")
    bad = _rewrite(src, tmp_path / "damaged-strings.xlsx", {"xl/sharedStrings.xml": sst[: len(sst) // 2]})
    good = fixtures.xlsx(tmp_path / "good.xlsx", {"Sheet1": ROWS})
    code, data = validate_json(bad, good)
    assert code == 3
    files = {f["file"]: f for f in data["files"]}  # type: ignore[index, union-attr, attr-defined]
    (issue,) = files["damaged-strings.xlsx"]["issues"]
    assert issue["code"] == "unreadable-file" and "fix:" in issue["message"]
    assert len(files["good.xlsx"]["powers"]) == 3


def test_symlink_loop_fails_alone_in_a_batch(tmp_path: Path) -> None:
    os.symlink("b.xlsx", tmp_path / "a.xlsx")
    os.symlink("a.xlsx", tmp_path / "b.xlsx")
    good = fixtures.xlsx(tmp_path / "good.xlsx", {"Sheet1": ROWS})
    code, output = validate(tmp_path / "a.xlsx", good)
    assert code == 3 and "a.xlsx" in output and "points back to itself" in output
    assert "good.xlsx" in output and "3 records" in output
    code, output = runner.invoke(app, ["inspect", str(tmp_path / "a.xlsx"), str(good)]).exit_code, ""
    assert code == 3


def test_zero_byte_xls_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.xls"
    path.write_bytes(b"")
    refused(path, "empty")


def test_truncated_xls_is_refused(tmp_path: Path) -> None:
    good = fixtures.xls(tmp_path / "good.xls", ROWS)
    path = tmp_path / "truncated.xls"
    path.write_bytes(good.read_bytes()[:700])
    refused(path)


def test_encrypted_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "locked.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le")
    )
    refused(path, "password-protected")


# ---------------------------------------------------------------------------------------------- CSV


def _csv_text(rows: list[list[object]]) -> str:
    return "".join(",".join(str(c) for c in row) + "\n" for row in rows)


def test_unbalanced_quote_names_the_line_and_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "stray-quote.csv"
    text = _csv_text(ROWS).replace("1,燃气", '1,"燃气', 1) + "4,药品零售许可,行政许可\n"
    path.write_text(text, encoding="utf-8")
    report = read_file(path)
    assert names(report) == [*GOOD_NAMES, "药品零售许可"]
    (issue,) = report.issues
    assert issue.code is IssueCode.UNBALANCED_QUOTE and "line 2" in issue.message and issue.row == 2
    accounted(report)
    assert validate(path)[0] == 1


def test_line_breaks_inside_quoted_cells_are_not_a_stray_quote(tmp_path: Path) -> None:
    path = tmp_path / "line-breaks.csv"
    path.write_text(
        '序号,事项名称,设定依据\n1,燃气经营许可证核发,"《条例》第十五条,\n第十六条"\n', encoding="utf-8"
    )
    report = read_file(path)
    assert report.issues == [] and report.powers[0].basis is not None


def test_mixed_gbk_and_utf8_lines_are_each_decoded(tmp_path: Path) -> None:
    path = tmp_path / "mixed-encoding.csv"
    lines = _csv_text(ROWS).splitlines(keepends=True)
    path.write_bytes(lines[0].encode() + lines[1].encode("gbk") + lines[2].encode() + lines[3].encode("gbk"))
    report = read_file(path)
    assert names(report) == GOOD_NAMES
    assert codes(report) == [IssueCode.MIXED_ENCODING] and "1, 3" in report.issues[0].message
    code, output = validate(path)
    assert code == 1 and "UTF-8" in output


def test_utf16_unicode_text_is_read_by_its_bom_and_when_declared(tmp_path: Path) -> None:
    path = tmp_path / "unicode-text.txt"
    path.write_bytes("".join("\t".join(map(str, r)) + "\r\n" for r in ROWS).encode("utf-16"))
    assert names(read_file(path)) == GOOD_NAMES
    assert validate(path, "--encoding", "utf-16")[0] == 0
    bare = tmp_path / "unicode-text-no-bom.txt"
    bare.write_bytes("".join("\t".join(map(str, r)) + "\r\n" for r in ROWS).encode("utf-16-le"))
    assert names(read_file(bare)) == GOOD_NAMES


def test_undecodable_text_is_guessed_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "western.csv"
    path.write_bytes(
        "Nom,Remarque\nPermis de café,déjà vu à Zürich\nLicence générale,très bien\n".encode("cp1252")
    )
    report = read_file(path)
    guessed = [i for i in report.issues if i.code is IssueCode.GUESSED_ENCODING]
    assert guessed and guessed[0].value and guessed[0].value in (report.encoding or "")
    assert "--encoding" in guessed[0].message
    assert validate(path)[0] == 1


def test_wrong_declared_encoding_names_the_line(tmp_path: Path) -> None:
    path = fixtures.csv_file(tmp_path / "gbk.csv", ROWS, "gbk")
    flat = " ".join(validate(path, "--encoding", "utf-8")[1].split())
    assert "line 1 is not valid utf-8" in flat and "fix:" in flat


def test_overlong_csv_cell_is_a_row_issue(tmp_path: Path) -> None:
    path = tmp_path / "long-cell.csv"
    path.write_text("事项名称,设定依据\n燃气经营许可证核发," + "依" * 200_000 + "\n", encoding="utf-8")
    report = read_file(path)
    (issue,) = report.issues
    assert (issue.code, issue.row, issue.column) == (IssueCode.TEXT_TOO_LONG, 2, "B")
    assert validate(path)[0] == 1


def test_nul_byte_names_row_and_column_and_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(_csv_text(ROWS).replace("食品生产", "食品\x00生产").encode())
    report = read_file(path)
    assert names(report) == GOOD_NAMES
    (issue,) = report.issues
    assert (issue.code, issue.row, issue.column) == (IssueCode.CONTROL_CHARACTERS, 3, "B")


def test_binary_file_named_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(bytes(range(256)) * 8)
    refused(path, "binary")


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n\r\n"])
def test_empty_or_bom_only_csv_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    refused(path, "export the list again")


@pytest.mark.parametrize("ending", ["\r\n", "\r", "\n"])
def test_line_endings_crlf_cr_lf(tmp_path: Path, ending: str) -> None:
    path = tmp_path / "endings.csv"
    path.write_bytes(_csv_text(ROWS).replace("\n", ending).encode("gbk"))
    report = read_file(path)
    assert names(report) == GOOD_NAMES and report.issues == []
    accounted(report)


def test_tab_separated_csv_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "tabs.csv"
    path.write_text("\ufeff" + "".join("\t".join(map(str, r)) + "\n" for r in ROWS), encoding="utf-8")
    assert names(read_file(path)) == GOOD_NAMES


# ---------------------------------------------------------------------------------------------- junk rows


def test_totals_blank_markers_and_error_cells_never_become_items(tmp_path: Path) -> None:
    path = fixtures.xlsx(
        tmp_path / "junk-rows.xlsx",
        {
            "Sheet1": [
                *ROWS,
                [4, "#N/A", "行政许可"],
                [5, "药品零售许可", "#REF!"],
                [None, "合计：共6项", None],
                ["合计", None, 6],
                ["本表共计5项", None, None],
                [None, "以下空白", None],
            ]
        },
    )
    report = read_file(path)
    assert names(report) == [*GOOD_NAMES, "药品零售许可"]
    assert report.powers[-1].category is None
    found = {(i.code, i.row, i.column) for i in report.issues}
    assert found == {
        (IssueCode.ERROR_VALUE, 5, "B 事项名称"),
        (IssueCode.ERROR_VALUE, 6, "C 事项类型"),
        (IssueCode.TOTAL_ROW, 7, None),
        (IssueCode.TOTAL_ROW, 8, None),
        (IssueCode.TOTAL_ROW, 9, None),
        (IssueCode.BLANK_MARKER_ROW, 10, None),
        # 合计：共6项 over five item rows (four read, one refused); 本表共计5项 holds
        (IssueCode.STATED_COUNT_DIFFERS, 7, None),
    }
    accounted(report)
    code, output = validate(path)
    assert code == 1 and "row 5 › B 事项名称" in output and "Fix the formula" in " ".join(output.split())


def test_error_cells_in_legacy_xls_are_reported_not_blank(tmp_path: Path) -> None:
    import xlwt

    path = tmp_path / "vlookup-errors.xls"
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    for r, row in enumerate(ROWS):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    sheet.write(4, 0, 4)
    sheet.write(4, 1, xlwt.Formula("NA()"))
    book.save(str(path))
    report = read_file(path)
    assert names(report) == GOOD_NAMES
    assert [(i.code, i.row) for i in report.issues] in (
        [(IssueCode.ERROR_VALUE, 5)],
        [(IssueCode.MISSING_REQUIRED, 5)],
    )
    accounted(report)


def test_invisible_date_boolean_and_number_names_are_rejected(tmp_path: Path) -> None:
    import datetime

    path = fixtures.xlsx(
        tmp_path / "junk-names.xlsx",
        {
            "Sheet1": [
                *ROWS,
                [4, "\u200b\u200b", "行政许可"],
                [5, "\xa0", "行政许可"],
                [6, "\u200c\u2060\u3164", "行政许可"],
                [7, datetime.datetime(2023, 1, 5), "行政许可"],
                [8, True, "行政许可"],
                [9, 12345, "行政许可"],
            ]
        },
    )
    report = read_file(path)
    assert names(report) == GOOD_NAMES
    rejected = {i.row: i.code for i in report.issues}
    # Names of zero-width and non-breaking spaces are junk names, as the README says (not a blank name).
    assert rejected == {
        5: IssueCode.JUNK_NAME,
        6: IssueCode.JUNK_NAME,
        7: IssueCode.JUNK_NAME,
        8: IssueCode.JUNK_NAME,
        9: IssueCode.JUNK_NAME,
        10: IssueCode.JUNK_NAME,
    }
    assert report.sheets[0].rejected == 6
    accounted(report)
    assert validate(path)[0] == 1


@pytest.mark.parametrize(
    "damaged",
    [
        ["\ufffd\ufffd\ufffd\ufffd\ufffd", "\ufffd\ufffd\ufffd"],  # a GBK export read as UTF-8 and saved
        ["锟斤拷锟斤拷锟斤拷", "锟斤拷锟斤拷"],
        ["《中华人民共和国水法》第四十八条", "《取水许可和水资源费征收管理条例》第二十条"],
        ["取水许可证核发（工...", "建筑工程施工许可证…"],  # a portal table copied
    ],
    ids=["replacement-characters", "kunjinkao", "citation-in-name-column", "cut-off-names"],
)
def test_damaged_names_are_rejected_not_read(tmp_path: Path, damaged: list[str]) -> None:
    """A name column of damaged names used to be read as items and matched to nothing: confident gaps, exit 0."""
    path = fixtures.xlsx(
        tmp_path / "damaged-names.xlsx",
        {"Sheet1": [*ROWS, *([4 + i, name, "行政许可"] for i, name in enumerate(damaged))]},
    )
    report = read_file(path)
    assert names(report) == GOOD_NAMES
    assert [(i.row, i.code) for i in report.issues] == [(5, IssueCode.JUNK_NAME), (6, IssueCode.JUNK_NAME)]
    accounted(report)
    assert validate(path)[0] == 1


def _hidden_workbook(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    live = wb.add_worksheet("现行")
    for r, row in enumerate([*ROWS, [4, "已取消的事项", "行政许可"]]):
        live.write_row(r, 0, row)
    live.set_row(4, None, None, {"hidden": True})
    old = wb.add_worksheet("去年")
    for r, row in enumerate([ROWS[0], [1, "旧事项", "行政许可"]]):
        old.write_row(r, 0, row)
    old.hide()
    wb.close()
    return path


def test_by_default_hidden_sheets_are_skipped_hidden_rows_read_both_reported(tmp_path: Path) -> None:
    path = _hidden_workbook(tmp_path / "hidden.xlsx")
    report = read_file(path)
    assert names(report) == [*GOOD_NAMES, "已取消的事项"]
    found = {(i.code, i.sheet, i.row) for i in report.issues}
    assert found == {(IssueCode.HIDDEN_ROWS, "现行", 5), (IssueCode.HIDDEN_SHEET, "去年", None)}
    accounted(report)
    assert validate(path)[0] == 0
    result = runner.invoke(app, ["inspect", str(path)])
    flat = " ".join(result.output.split())
    assert result.exit_code == 0 and "hidden-sheet 去年" in flat and "hidden-rows 现行 › 5" in flat
    assert "--hidden read" in flat and "--hidden skip" in flat


def test_hidden_skip_leaves_hidden_rows_out_and_counts_them(tmp_path: Path) -> None:
    path = _hidden_workbook(tmp_path / "hidden.xlsx")
    report = read_file(path, IngestOptions(hidden=HiddenMode.SKIP))
    assert names(report) == GOOD_NAMES
    assert report.sheets[0].hidden_rows == [5] and report.sheets[0].skipped_structural == 1
    accounted(report)
    code, data = validate_json(path, "--hidden", "skip")
    assert code == 0 and len(data["files"][0]["powers"]) == 3  # type: ignore[index]


def test_hidden_read_reads_them_and_the_config_decides_too(tmp_path: Path) -> None:
    path = _hidden_workbook(tmp_path / "hidden.xlsx")
    code, data = validate_json(path, "--hidden", "read")
    assert code == 0
    (report,) = data["files"]  # type: ignore[misc]
    assert [p["name"] for p in report["powers"]] == [*GOOD_NAMES, "已取消的事项", "旧事项"]
    config = tmp_path / "quanze.toml"
    config.write_text('[read]\nhidden = "read"\n', encoding="utf-8")
    code, data = validate_json(path, "--config", config)
    assert code == 0 and len(data["files"][0]["powers"]) == 5  # type: ignore[index]


def test_hidden_rows_of_legacy_xls(tmp_path: Path) -> None:
    import xlwt

    path = tmp_path / "hidden-row.xls"
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    for r, row in enumerate([*ROWS, [4, "已取消的事项", "行政许可"]]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    sheet.row(4).hidden = True
    book.save(str(path))
    report = read_file(path, IngestOptions(hidden=HiddenMode.SKIP))
    assert names(report) == GOOD_NAMES
    assert [(i.code, i.row) for i in report.issues] == [(IssueCode.HIDDEN_ROWS, 5)]
    skipped = read_file(path, IngestOptions(hidden=HiddenMode.SKIP))
    assert names(skipped) == GOOD_NAMES


# ---------------------------------------------------------------------------------------------- options


def test_header_rows_past_the_sheet_is_a_usage_error(tmp_path: Path) -> None:
    path = fixtures.xlsx(tmp_path / "short.xlsx", {"市住建局": ROWS})
    code, output = validate(path, "--header-rows", "40")
    flat = " ".join(output.split())
    assert code == 2 and "short.xlsx › 市住建局" in flat and "has 4 row(s)" in flat and "fix:" in flat


def test_header_rows_on_a_data_row_is_a_usage_error_naming_the_header(tmp_path: Path) -> None:
    path = fixtures.xlsx(tmp_path / "list.xlsx", {"Sheet1": ROWS})
    code, output = validate(path, "--header-rows", "3")
    flat = " ".join(output.split())
    assert code == 2 and "the header looks like row 1" in flat


def test_header_rows_beyond_the_scan_window_is_honoured(tmp_path: Path) -> None:
    path = fixtures.xlsx(tmp_path / "late-header.xlsx", {"Sheet1": [["说明"]] * 35 + ROWS})
    report = read_file(path, IngestOptions(header_rows=(36, 36)))
    assert names(report) == GOOD_NAMES


def test_sub_item_number_saved_as_a_date_is_read_back(tmp_path: Path) -> None:
    import datetime

    path = tmp_path / "seq-as-date.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["序号", "事项名称"])
    ws.write_row(1, 0, [1, "燃气经营许可证核发"])
    date = wb.add_format({"num_format": "m月d日"})
    ws.write_datetime(2, 0, datetime.datetime(2026, 1, 1), date)
    ws.write(2, 1, "燃气经营许可证新办")
    ws.write_datetime(3, 0, datetime.datetime(2026, 1, 2), date)
    ws.write(3, 1, "燃气经营许可证变更")
    wb.close()
    report = read_file(path)
    assert [(p.role, p.name, p.sub_item, p.seq) for p in report.powers] == [
        ("main", "燃气经营许可证核发", None, "1"),
        ("sub", "燃气经营许可证核发", "燃气经营许可证新办", "1-1"),
        ("sub", "燃气经营许可证核发", "燃气经营许可证变更", "1-2"),
    ]
    assert [(i.code, i.row, i.column) for i in report.issues] == [
        (IssueCode.DATE_AS_SEQ, 3, "A 序号"),
        (IssueCode.DATE_AS_SEQ, 4, "A 序号"),
    ]


def test_fill_down_with_a_header_name_or_an_unknown_field(tmp_path: Path) -> None:
    path = fixtures.xlsx(
        tmp_path / "blank-department.xlsx",
        {
            "Sheet1": [
                ["序号", "事项名称", "实施部门"],
                [1, "燃气经营许可证核发", "市住建局"],
                [2, "食品生产许可", None],
            ]
        },
    )
    code, data = validate_json(path, "--fill-down", "实施部门")
    assert code == 0
    assert [p["department"] for p in data["files"][0]["powers"]] == ["市住建局", "市住建局"]  # type: ignore[index]
    code, output = validate(path, "--fill-down", "部门名")
    flat = " ".join(output.split())
    assert code == 2 and "--fill-down 部门名: no such field" in flat and "department" in flat


def test_unknown_fill_down_in_the_config_is_a_config_error(tmp_path: Path) -> None:
    path = fixtures.xlsx(tmp_path / "list.xlsx", {"Sheet1": ROWS})
    config = tmp_path / "quanze.toml"
    config.write_text('[read]\nfill_down = ["部门名"]\n', encoding="utf-8")
    code, output = validate(path, "--config", config)
    assert code == 4 and "fill_down" in output


# ---------------------------------------------------------------------------------------------- more cases


def test_header_only_csv_is_a_warning_not_a_clean_empty_list(tmp_path: Path) -> None:
    path = tmp_path / "header-only.csv"
    path.write_text("序号,事项名称,事项类型\n", encoding="utf-8")
    report = read_file(path)
    assert codes(report) == [IssueCode.NO_RECORDS]
    code, output = validate(path)
    assert code == 1 and "no record read" in output and "header-only.csv" in output


def test_every_sheet_hidden_is_a_warning_naming_the_option(tmp_path: Path) -> None:
    path = tmp_path / "all-hidden.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("说明")
    data = wb.add_worksheet("清单")
    for r, row in enumerate(ROWS):
        data.write_row(r, 0, row)
    data.hide()
    wb.close()
    report = read_file(path)
    (empty,) = [i for i in report.issues if i.code is IssueCode.NO_RECORDS]
    assert "清单" in empty.message and "--hidden read" in empty.message
    assert validate(path)[0] == 1
    assert names(read_file(path, IngestOptions(hidden=HiddenMode.READ))) == GOOD_NAMES


def test_a_folder_given_as_a_file_fails_alone(tmp_path: Path) -> None:
    folder = tmp_path / "lists.xlsx"
    folder.mkdir()
    good = fixtures.xlsx(tmp_path / "good.xlsx", {"Sheet1": ROWS})
    code, output = validate(folder, good)
    flat = " ".join(output.split())
    assert code == 3 and "lists.xlsx: cannot open (Is a directory)" in flat and "3 records" in flat


def test_huge_dimension_claim_reads_what_is_there(tmp_path: Path) -> None:
    good = fixtures.xlsx(tmp_path / "good.xlsx", {"Sheet1": ROWS})
    with zipfile.ZipFile(good) as s:
        sheet = s.read("xl/worksheets/sheet1.xml")
    claimed = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD1048576"', sheet)
    assert claimed != sheet
    path = _rewrite(good, tmp_path / "huge-dimension.xlsx", {"xl/worksheets/sheet1.xml": claimed})
    report = read_file(path)
    assert names(report) == GOOD_NAMES and report.sheets[0].rows_total == 4


def test_whole_sheet_merge_does_not_explode(tmp_path: Path) -> None:
    # Written into the XML: openpyxl and XlsxWriter would make every covered cell to write it.
    good = fixtures.xlsx(tmp_path / "good.xlsx", {"Sheet1": ROWS})
    with zipfile.ZipFile(good) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    merged = sheet.replace(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A6:XFD1048576"/></mergeCells>'
    )
    assert merged != sheet
    path = _rewrite(good, tmp_path / "merged-everything.xlsx", {"xl/worksheets/sheet1.xml": merged})
    report = read_file(path)
    assert names(report) == GOOD_NAMES
    accounted(report)


def test_formula_without_cached_value_in_the_name_column(tmp_path: Path) -> None:
    path = fixtures.xlsx(
        tmp_path / "uncached-names.xlsx", {"Sheet1": [*ROWS, [4, "=VLOOKUP(A5,总表!A:B,2,0)", "行政许可"]]}
    )
    report = read_file(path)
    assert names(report) == GOOD_NAMES
    assert {(i.code, i.row) for i in report.issues} == {
        (IssueCode.FORMULA_WITHOUT_VALUE, 5),
        (IssueCode.MISSING_REQUIRED, 5),
    }
    code, output = validate(path)
    assert code == 1 and "save it again" in " ".join(output.split())


@pytest.mark.parametrize("sheet", ["市住建局 (2)", "'引号'", "括号&<>", "城管🚧", "一" * 31])
def test_odd_sheet_names_are_read_and_named(tmp_path: Path, sheet: str) -> None:
    path = fixtures.xlsx(tmp_path / "odd-sheet.xlsx", {sheet: [*ROWS, [4, "#N/A", "行政许可"]]})
    report = read_file(path)
    assert names(report) == GOOD_NAMES and report.issues[0].sheet == sheet
    code, output = validate(path)
    assert code == 1 and "#N/A" in output


def test_one_column_sheet_with_header_rows(tmp_path: Path) -> None:
    path = fixtures.xlsx(tmp_path / "one-column.xlsx", {"Sheet1": [["事项名称"], *[[n] for n in GOOD_NAMES]]})
    assert names(read_file(path, IngestOptions(header_rows=(1, 1)))) == GOOD_NAMES
    assert validate(path, "--header-rows", "1")[0] == 0


def test_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    good = fixtures.xlsx(tmp_path / "good.xlsx", {"Sheet1": ROWS})
    odd = Path(os.fsdecode(bytes(tmp_path) + b"/\xb3\xc7\xca\xd0.xlsx"))  # 城市 in GBK bytes
    good.rename(odd)
    code, data = validate_json(odd)
    assert code == 0 and len(data["files"][0]["powers"]) == 3  # type: ignore[index]


def test_sheet_xml_cut_mid_stream_fails_alone_naming_the_sheet(tmp_path: Path) -> None:
    rows = [*ROWS, *[[i, f"事项{i}", "行政许可"] for i in range(4, 400)]]
    good = fixtures.xlsx(tmp_path / "good.xlsx", {"市住建局": rows})
    with zipfile.ZipFile(good) as s:
        sheet = s.read("xl/worksheets/sheet1.xml")
    cut = _rewrite(good, tmp_path / "cut.xlsx", {"xl/worksheets/sheet1.xml": sheet[: len(sheet) // 2]})
    other = fixtures.xlsx(tmp_path / "other.xlsx", {"Sheet1": ROWS})
    code, output = validate(cut, other)
    flat = " ".join(output.split())
    assert code == 3 and "cut.xlsx › 市住建局" in flat and "fix:" in flat and "3 records" in flat


def test_semicolon_separated_gbk(tmp_path: Path) -> None:
    path = tmp_path / "semicolons.csv"
    path.write_bytes("".join(";".join(map(str, r)) + "\r\n" for r in ROWS).encode("gbk"))
    report = read_file(path)
    assert names(report) == GOOD_NAMES and report.encoding == "gb18030"


def test_workbook_with_only_a_chart_sheet(tmp_path: Path) -> None:
    path = tmp_path / "chart-only.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    data = wb.add_worksheet("数据")
    data.write_column(0, 0, [1, 2, 3])
    data.hide()
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"values": "=数据!$A$1:$A$3"})
    sheet = wb.add_chartsheet("图")
    sheet.set_chart(chart)
    sheet.activate()
    wb.close()
    code, output = validate(path)
    assert code == 1 and "no record read" in output


def test_header_rows_that_fit_one_sheet_leave_a_short_notes_sheet_as_an_issue(tmp_path: Path) -> None:
    path = fixtures.xlsx(
        tmp_path / "with-notes.xlsx", {"说明": [["填表说明"]], "清单": [["某市权责清单"], *ROWS]}
    )
    report = read_file(path, IngestOptions(header_rows=(2, 2)))
    assert names(report) == GOOD_NAMES
    (issue,) = report.issues
    assert (issue.code, issue.sheet) == (IssueCode.NO_HEADER, "说明") and "past the end" in issue.message
    accounted(report)


def test_nul_byte_in_a_small_csv(tmp_path: Path) -> None:
    path = tmp_path / "small-nul.csv"
    path.write_bytes("序号,事项名称\n1,燃气经营许可证核发\n2,食品\x00生产许可\n".encode())
    report = read_file(path)
    assert names(report) == ["燃气经营许可证核发", "食品生产许可"]
    assert [(i.code, i.row) for i in report.issues] == [(IssueCode.CONTROL_CHARACTERS, 3)]


# ---------------------------------------------------------------------------------------------- damaged bytes


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("sources")
    merged = tmp_path_factory.mktemp("x") / "merged.xlsx"
    wb = xlsxwriter.Workbook(str(merged))
    ws = wb.add_worksheet("市住建局")
    for r, row in enumerate(ROWS):
        ws.write_row(r, 0, row)
    ws.merge_range(1, 3, 3, 3, "市住建局")
    wb.close()
    return {
        "xlsx": fixtures.xlsx(folder / "a.xlsx", {"Sheet1": ROWS}).read_bytes(),
        "merged": merged.read_bytes(),
        "xls": fixtures.xls(folder / "a.xls", ROWS, merges=[(1, 3, 3, 3)]).read_bytes(),
    }


def _damage(data: bytes, seed: int) -> bytes:
    import io
    import random

    rnd = random.Random(seed)
    if data.startswith(b"PK") and seed % 2:
        # Damage one member of the archive after inflating it, so the XML parsers meet the damage.
        src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
        target = rnd.choice(src.namelist())
        with zipfile.ZipFile(out, "w") as dst:
            for name in src.namelist():
                member = bytearray(src.read(name))
                if name == target and member:
                    cut = rnd.randrange(len(member))
                    member = member[:cut] if seed % 4 == 1 else member[:cut] + b'<"&\x00' + member[cut:]
                dst.writestr(name, bytes(member))
        return out.getvalue()
    damaged = bytearray(data)
    for _ in range(rnd.randrange(1, 20)):
        damaged[rnd.randrange(len(damaged))] = rnd.randrange(256)
    return bytes(damaged)


@pytest.mark.parametrize("seed", range(90))
def test_damaged_bytes_are_read_or_refused_never_a_crash(
    tmp_path: Path, workbooks: dict[str, bytes], seed: int
) -> None:
    from quanze.errors import UnreadableInputError

    kind = ["xlsx", "merged", "xls"][seed % 3]
    path = tmp_path / f"damaged-{seed}.{['xlsx', 'xls', 'csv'][seed % 3]}"
    path.write_bytes(_damage(workbooks[kind], seed))
    try:
        report = read_file(path)
    except UnreadableInputError as exc:
        assert path.name in str(exc) and "fix:" in str(exc)
    else:
        accounted(report)


# ---------------------------------------------------------------------------------------------- config files


def test_config_with_a_bom_is_read(tmp_path: Path) -> None:
    path = fixtures.xlsx(tmp_path / "hidden-list.xlsx", {"Sheet1": ROWS})
    config = tmp_path / "quanze.toml"
    config.write_bytes(b"\xef\xbb\xbf" + b'[read]\nhidden = "read"\n')
    assert validate(path, "--config", config)[0] == 0


def test_config_saved_as_gbk_names_the_cause(tmp_path: Path) -> None:
    path = fixtures.xlsx(tmp_path / "list.xlsx", {"Sheet1": ROWS})
    config = tmp_path / "quanze.toml"
    config.write_bytes("[read]\n# 读取选项\nditto = true\n".encode("gbk"))
    code, output = validate(path, "--config", config)
    flat = " ".join(output.split())
    assert code == 4 and "line 2" in flat and "GBK" in flat and "UTF-8" in flat and "fix:" in flat


def test_legacy_xls_named_et_by_wps_is_read(tmp_path: Path) -> None:
    path = fixtures.xls(tmp_path / "wps-list.et", ROWS)
    assert names(read_file(path)) == GOOD_NAMES
    assert validate(path)[0] == 0


def test_hidden_rows_of_an_html_export(tmp_path: Path) -> None:
    path = tmp_path / "export.xls"
    body = "".join(f"<tr><td>{r[0]}</td><td>{r[1]}</td><td>{r[2]}</td></tr>" for r in ROWS)
    path.write_text(
        f"<table>{body}<tr style='display: none'><td>4</td><td>已删除事项</td><td>行政许可</td></tr></table>",
        encoding="utf-8",
    )
    report = read_file(path)
    assert names(report) == [*GOOD_NAMES, "已删除事项"]
    assert [(i.code, i.row) for i in report.issues] == [(IssueCode.HIDDEN_ROWS, 5)]


def test_a_hidden_sheet_named_with_sheet_is_read(tmp_path: Path) -> None:
    path = _hidden_workbook(tmp_path / "hidden.xlsx")
    report = read_file(path, IngestOptions(sheets=("去年",)))
    assert names(report) == ["旧事项"]


def test_a_mark_alone_in_a_cell_above_the_header_is_read_past(tmp_path: Path) -> None:
    """A required-field mark alone in a cell (★, *) is no header word once stripped: the header search read
    past the end of its empty key and stopped quanze with a traceback (found by the hypothesis test)."""
    path = fixtures.xlsx(
        tmp_path / "mark-alone-above-header.xlsx",
        {"Sheet1": [["★", "*"], ["序号", "事项名称"], [1, "取水许可"]]},
    )
    assert [p.name for p in read_file(path).powers] == ["取水许可"]
