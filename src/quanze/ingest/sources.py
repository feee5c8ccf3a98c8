"""Opening a file: its format sniffed from the content (quanze.ingest.formats), then the opener for it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from quanze.ingest.csvfile import open_csv
from quanze.ingest.formats import InputFormat, read_html, read_spreadsheet_ml, sniff
from quanze.ingest.options import IngestOptions
from quanze.ingest.raw import RawSheet
from quanze.ingest.xls import open_xls
from quanze.ingest.xlsx import open_xlsx


def sniff_format(path: Path) -> InputFormat:
    """The file's format from its bytes, not its name; raises for what quanze cannot read (formats.sniff)."""
    return sniff(path)


def open_csv_sheet(path: Path, declared: str | None) -> tuple[Iterator[RawSheet], str]:
    text = open_csv(path, declared)
    return iter([RawSheet(name=path.stem, rows=text.rows, notes=text.notes)]), text.encoding


def open_text_tables(path: Path, fmt: InputFormat) -> Iterator[RawSheet]:
    sheets = read_html(path) if fmt is InputFormat.HTML else read_spreadsheet_ml(path)
    for s in sheets:
        yield RawSheet(
            name=s.name, rows=iter(s.rows), merges=s.merges, hidden=s.hidden, hidden_rows=s.hidden_rows
        )


def open_sheets(path: Path, fmt: str, options: IngestOptions) -> tuple[Iterator[RawSheet], str | None]:
    if fmt in (InputFormat.XLSX, InputFormat.XLSX_STRICT):
        return open_xlsx(path, strict=fmt is InputFormat.XLSX_STRICT), None
    if fmt == InputFormat.XLS:
        return open_xls(path), None
    if fmt in (InputFormat.HTML, InputFormat.SPREADSHEET_ML):
        return open_text_tables(path, InputFormat(fmt)), None
    return open_csv_sheet(path, options.encoding)
