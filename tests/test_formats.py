"""Formats told from content: the sniffer, the zip-bomb guard, the HTML and SpreadsheetML readers."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from quanze.errors import UnreadableInputError
from quanze.ingest.formats import InputFormat, printable, read_html, read_spreadsheet_ml, sniff

import fixtures


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xef\xbb\xbf  <html><table><tr><td>1</td></tr></table></html>", InputFormat.HTML),
        (b"<TABLE border=1><TR><TD>x</TD></TR></TABLE>", InputFormat.HTML),
        (
            b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
            InputFormat.SPREADSHEET_ML,
        ),
        ("序号,事项名称\n".encode(), InputFormat.CSV),
        ("<事项>,名称\n".encode(), InputFormat.CSV),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le"), InputFormat.XLS),
    ],
)
def test_sniff_by_content(tmp_path: Path, content: bytes, expected: InputFormat) -> None:
    path = tmp_path / "any.name"
    path.write_bytes(content)
    assert sniff(path) is expected


def test_sniff_xlsx_and_strict(tmp_path: Path) -> None:
    good = fixtures.plain(tmp_path / "plain.bin")
    assert sniff(good) is InputFormat.XLSX
    strict = tmp_path / "strict.bin"
    with zipfile.ZipFile(good) as s, zipfile.ZipFile(strict, "w") as d:
        for info in s.infolist():
            d.writestr(
                info,
                s.read(info.filename).replace(
                    b"schemas.openxmlformats.org/spreadsheetml/2006/main",
                    b"purl.oclc.org/ooxml/spreadsheetml/main",
                ),
            )
    assert sniff(strict) is InputFormat.XLSX_STRICT


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<?xml version='1.0'?><svg/>", "XML file that is not a spreadsheet"),
        (b"\x89PNG\r\n\x1a\n", "PNG image"),
        (b"MIME-Version: 1.0\r\n", ".mht"),
    ],
)
def test_sniff_refuses_with_the_kind_named(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "list.xls"
    path.write_bytes(content)
    with pytest.raises(UnreadableInputError, match=message.replace(".", r"\.")):
        sniff(path)


def test_html_colspan_and_rowspan_become_merges(tmp_path: Path) -> None:
    path = tmp_path / "t.html"
    path.write_text(
        "<table><tr><td colspan=2>标题</td></tr><tr><td rowspan=2>A</td><td>1</td></tr><tr><td>2</td></tr></table>",
        encoding="utf-8",
    )
    (sheet,) = read_html(path)
    assert sheet.rows == [["标题"], ["A", "1"], [None, "2"]]
    assert sheet.merges == [(1, 1, 1, 2), (2, 1, 3, 1)]


def test_printable_replaces_undecodable_bytes() -> None:
    assert printable("城\udcb3.xlsx") == "城\ufffd.xlsx"


def test_html_with_absurd_spans_stays_bounded(tmp_path: Path) -> None:
    path = tmp_path / "spans.html"
    path.write_text(
        "<table><tr><td rowspan=99999999 colspan=99999999>x</td><td>事项名称</td></tr></table>",
        encoding="utf-8",
    )
    (sheet,) = read_html(path)
    (r0, c0, r1, c1) = sheet.merges[0]
    assert (r1 - r0 + 1) * (c1 - c0 + 1) <= 100_000


@pytest.mark.parametrize(
    "cell",
    [
        '<Cell ss:MergeAcross="many"><Data ss:Type="String">x</Data></Cell>',
        '<Cell ss:Index="99999999"><Data ss:Type="String">x</Data></Cell>',
    ],
)
def test_spreadsheetml_with_absurd_attributes(tmp_path: Path, cell: str) -> None:
    path = tmp_path / "x.xls"
    path.write_text(
        '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="S"><Table>'
        f"<Row>{cell}</Row></Table></Worksheet></Workbook>",
        encoding="utf-8",
    )
    try:
        sheets = read_spreadsheet_ml(path)
    except UnreadableInputError as exc:
        assert "x.xls" in str(exc) and "fix:" in str(exc)
    else:
        assert sheets[0].rows
