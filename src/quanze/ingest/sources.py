"""Opening a file: its format sniffed from the content (quanze.ingest.formats), then the opener for it.

The registry below holds one opener per input format. Adding a format is one `InputFormat` member, its
recognition in `formats.sniff`, one opener and one entry in `FORMATS` (and a row in README › Input files,
which a test checks).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from quanze.ingest.csvfile import open_csv
from quanze.ingest.formats import InputFormat, TextSheet, read_html, read_spreadsheet_ml
from quanze.ingest.options import IngestOptions
from quanze.ingest.raw import RawSheet
from quanze.ingest.xls import open_xls
from quanze.ingest.xlsx import open_xlsx

Opened = tuple[Iterator[RawSheet], str | None]
"""The sheets of a file as they stream, and the text encoding it was decoded with (text formats only)."""


def _xlsx(path: Path, _options: IngestOptions) -> Opened:
    return open_xlsx(path), None


def _xlsx_strict(path: Path, _options: IngestOptions) -> Opened:
    return open_xlsx(path, strict=True), None


def _xls(path: Path, _options: IngestOptions) -> Opened:
    return open_xls(path), None


def _csv(path: Path, options: IngestOptions) -> Opened:
    text = open_csv(path, options.encoding)
    return iter([RawSheet(name=path.stem, rows=text.rows, notes=text.notes)]), text.encoding


def _text_tables(read: Callable[[Path], list[TextSheet]]) -> Callable[[Path, IngestOptions], Opened]:
    """The opener of a format that is text holding tables (HTML, SpreadsheetML): read when iterated."""

    def sheets(path: Path) -> Iterator[RawSheet]:
        for s in read(path):
            yield RawSheet(
                name=s.name, rows=iter(s.rows), merges=s.merges, hidden=s.hidden, hidden_rows=s.hidden_rows
            )

    return lambda path, _options: (sheets(path), None)


@dataclass(frozen=True)
class Format:
    """One input format: what README › Input files calls it, how its content is told, and its opener."""

    key: InputFormat
    title: str
    told_by: str
    open: Callable[[Path, IngestOptions], Opened]


FORMATS: dict[InputFormat, Format] = {
    f.key: f
    for f in (
        Format(
            InputFormat.XLSX,
            "Excel workbook (.xlsx; also one saved under an .xls or .et name)",
            "a zip archive that is no OpenDocument, .xlsb or Word file",
            _xlsx,
        ),
        Format(
            InputFormat.XLSX_STRICT,
            "Strict Open XML workbook (.xlsx saved as Strict)",
            "the same, with the purl.oclc.org/ooxml namespaces in xl/workbook.xml",
            _xlsx_strict,
        ),
        Format(
            InputFormat.XLS,
            "Excel 97-2003 workbook (.xls; WPS .et; also one saved under an .xlsx name)",
            "an OLE compound file that is not encrypted, nor a Word or PowerPoint file",
            _xls,
        ),
        Format(
            InputFormat.CSV,
            "CSV or tab-separated text (UTF-8, UTF-16, GB18030/GBK)",
            "any other text",
            _csv,
        ),
        Format(
            InputFormat.HTML,
            "HTML table that a platform exports as .xls",
            "text starting with `<` that holds an `<html>`, `<body>` or `<table>` tag",
            _text_tables(read_html),
        ),
        Format(
            InputFormat.SPREADSHEET_ML,
            "Excel 2003 XML (SpreadsheetML)",
            "XML in the urn:schemas-microsoft-com:office:spreadsheet namespace",
            _text_tables(read_spreadsheet_ml),
        ),
    )
}


def open_sheets(path: Path, fmt: InputFormat, options: IngestOptions) -> Opened:
    """The sheets of a file of a sniffed format, through that format's opener."""
    return FORMATS[fmt].open(path, options)
