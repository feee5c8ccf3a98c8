"""Input formats told from a file's content, never its name, and the readers ingest uses for the rarer ones.

Part of ingest: each format has one opener in quanze.ingest.sources.FORMATS. Here are the sniffer, the
guards that refuse hostile archives, and the readers of HTML tables and SpreadsheetML 2003 (the two "xls"
files that are text).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from quanze.errors import UnreadableInputError

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_SAVE_AS = "open it in Excel or WPS and save it as an Excel workbook (.xlsx)"

# Zip archives: a real workbook inflates by 5 to 30 times; a zip bomb by hundreds or thousands.
MAX_INFLATED_BYTES = 2 << 30
MAX_RATIO = 200
_RATIO_FLOOR = 64 << 20  # small members may compress well (a sheet of blanks); only large ones count

_STRICT_NAMESPACES = (
    (
        b"http://purl.oclc.org/ooxml/spreadsheetml/main",
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    ),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    ),
    (b"http://purl.oclc.org/ooxml/drawingml/main", b"http://schemas.openxmlformats.org/drawingml/2006/main"),
    (
        b"http://purl.oclc.org/ooxml/officeDocument/extendedProperties",
        b"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    ),
)
_STRICT_MARK = b"purl.oclc.org/ooxml"

_REFUSED_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"{\\rtf", "an RTF document"),
    (b"MIME-Version:", "a single-file web page (.mht)"),
)
_OLE_OTHER = (
    ("WordDocument", "a Word document"),
    ("PowerPoint Document", "a PowerPoint presentation"),
)


class InputFormat(StrEnum):
    """What a file holds, told from its bytes."""

    XLSX = "xlsx"
    XLSX_STRICT = "xlsx-strict"
    XLS = "xls"
    CSV = "csv"
    HTML = "html"
    SPREADSHEET_ML = "spreadsheetml"


def printable(name: str) -> str:
    """A file name as text that can be printed and written as JSON: bytes that were not UTF-8 in the
    name (kept by the OS as surrogates) become U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _refuse(path: Path, what: str, hint: str = _SAVE_AS) -> UnreadableInputError:
    return UnreadableInputError(f"{path}: {what}; quanze reads .xlsx, .xls and .csv", hint=hint)


def sniff(path: Path) -> InputFormat:
    """The format of a file from its content; raises UnreadableInputError naming the file and the fix."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        reason = "a symbolic link that points back to itself" if exc.errno == 40 else exc.strerror
        raise UnreadableInputError(f"{path}: cannot open ({reason})", hint="check the path") from exc
    if not head:
        raise UnreadableInputError(f"{path}: the file is empty (0 bytes)", hint="export the list again")
    if head.startswith(_ZIP_MAGIC):
        return _sniff_zip(path)
    if head.startswith(_OLE_MAGIC):
        return _sniff_ole(path)
    for magic, what in _REFUSED_MAGIC:
        if head.startswith(magic):
            raise _refuse(
                path, f"this is {what}, not a table", "give the .xlsx, .xls or .csv export of the list"
            )
    text = _head_text(head).lstrip("\ufeff \t\r\n").lower()
    if text.startswith("<?xml") or text.startswith("<"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in text:
            return InputFormat.SPREADSHEET_ML
        if re.search(r"<(?:html|table|body|!doctype html)\b", text):
            return InputFormat.HTML
        if text.startswith("<?xml"):
            raise _refuse(path, "an XML file that is not a spreadsheet")
    return InputFormat.CSV


def _head_text(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    return head.decode("utf-8", errors="ignore")


def _sniff_zip(path: Path) -> InputFormat:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            guard_zip(path, zf)
            if "mimetype" in names:
                mime = zf.read("mimetype")[:100].decode("ascii", errors="ignore")
                if "opendocument.spreadsheet" in mime:
                    raise _refuse(path, "an OpenDocument spreadsheet (.ods)")
                raise _refuse(path, f"an OpenDocument file ({mime}), not a spreadsheet")
            if "xl/workbook.bin" in names:
                raise _refuse(path, "an Excel binary workbook (.xlsb)")
            if "word/document.xml" in names:
                raise _refuse(path, "a Word document (.docx), not a table", "give the list as .xlsx")
            workbook = next((n for n in names if n.lower() == "xl/workbook.xml"), None)
            if workbook is None:
                # Let the xlsx opener say what is missing: an archive with no workbook part.
                return InputFormat.XLSX
            with zf.open(workbook) as fh:
                start = fh.read(4096)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, OSError) as exc:
        raise UnreadableInputError(
            f"{path}: not a readable .xlsx workbook: the archive is damaged ({exc})",
            hint="the file may be truncated; export it again from Excel",
        ) from exc
    return InputFormat.XLSX_STRICT if _STRICT_MARK in start else InputFormat.XLSX


def guard_zip(path: Path, zf: zipfile.ZipFile) -> None:
    """Refuse an archive that would inflate beyond reason (a zip bomb), before anything is inflated."""
    total = 0
    for info in zf.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FLOOR and ratio > MAX_RATIO:
            raise UnreadableInputError(
                f"{path}: refused: {info.filename} would inflate {ratio:.0f} times, to "
                f"{info.file_size >> 20} MB, as zip bombs do",
                hint="open the workbook in Excel and save it again, or ask the sender for a clean export",
            )
    if total > MAX_INFLATED_BYTES:
        raise UnreadableInputError(
            f"{path}: refused: the workbook would inflate to {total >> 20} MB",
            hint="split the list into smaller workbooks",
        )


def _sniff_ole(path: Path) -> InputFormat:
    # The directory of a compound file names its streams in UTF-16; a look at the bytes is enough to tell
    # an encrypted workbook or a Word file from an .xls (WPS .et files are .xls inside).
    with path.open("rb") as fh:
        raw = fh.read(8 << 20)
    if "EncryptionInfo".encode("utf-16-le") in raw or "EncryptedPackage".encode("utf-16-le") in raw:
        raise UnreadableInputError(
            f"{path}: the workbook is password-protected",
            hint="remove the password in Excel (File › Info › Protect Workbook) and save a copy as .xlsx",
        )
    has_book = any(n.encode("utf-16-le") in raw for n in ("Workbook", "Book"))
    for stream, what in _OLE_OTHER:
        if stream.encode("utf-16-le") in raw and not has_book:
            raise _refuse(path, f"this is {what}, not a table", "give the list as .xlsx")
    return InputFormat.XLS


def strict_as_transitional(path: Path) -> bytes:
    """A Strict Open XML workbook rewritten in memory with the transitional namespaces openpyxl reads."""
    try:
        return _transitional(path)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, OSError) as exc:
        raise UnreadableInputError(
            f"{path}: not a readable .xlsx workbook: the archive is damaged ({exc})",
            hint="the file may be truncated; export it again from Excel",
        ) from exc


def _transitional(path: Path) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        guard_zip(path, src)
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.endswith((".xml", ".rels")):
                for strict, transitional in _STRICT_NAMESPACES:
                    data = data.replace(strict, transitional)
            dst.writestr(info, data)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------- text formats


@dataclass(slots=True)
class TextSheet:
    """One table read from an HTML or SpreadsheetML file: rows, 1-based merged ranges, hidden rows."""

    name: str
    rows: list[list[Any]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden: bool = False
    hidden_rows: set[int] = field(default_factory=set)


def decode_markup(path: Path, raw: bytes) -> str:
    """Text of an HTML or XML file: by BOM, then declared charset, then UTF-8, then GB18030."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    declared = re.search(rb"""(?:charset|encoding)\s*=\s*["']?([A-Za-z0-9_\-]+)""", raw[:4096])
    candidates = [declared.group(1).decode("ascii")] if declared else []
    for encoding in [*candidates, "utf-8", "gb18030"]:
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise UnreadableInputError(f"{path}: the text is neither UTF-8 nor GB18030", hint=_SAVE_AS)


class _TableParser(HTMLParser):
    """Cells of every <table>, with colspan and rowspan kept as merged ranges."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[TextSheet] = []
        self._depth = 0
        self._row: dict[int, Any] | None = None
        self._cell: list[str] | None = None
        self._span = (1, 1)
        self._col = 0
        self._taken: set[tuple[int, int]] = set()
        self._hidden_row = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "table":
            self._depth += 1
            if self._depth == 1:
                self.tables.append(TextSheet(name=f"table {len(self.tables) + 1}"))
                self._taken = set()
        elif self._depth != 1:
            if tag == "br" and self._cell is not None:
                self._cell.append("\n")
        elif tag == "tr":
            self._end_row()
            self._row, self._col = {}, 0
            self._hidden_row = "display:none" in a.get("style", "").replace(" ", "")
        elif tag in ("td", "th"):
            if self._row is None:
                self._row, self._col = {}, 0
            self._end_cell()
            self._cell = []
            self._span = (_span(a.get("rowspan")), _span(a.get("colspan")))
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            if self._depth == 1:
                self._end_row()
            self._depth = max(0, self._depth - 1)
        elif self._depth == 1 and tag in ("td", "th"):
            self._end_cell()
        elif self._depth == 1 and tag == "tr":
            self._end_row()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def _end_cell(self) -> None:
        if self._cell is None or self._row is None or not self.tables:
            return
        table = self.tables[-1]
        r = len(table.rows) + 1
        c = self._col + 1
        while (r, c) in self._taken:
            c += 1
        text = re.sub(r"[ \t\r\n]+", " ", "".join(self._cell).replace("\n", "\x00")).replace("\x00", "\n")
        self._row[c] = text.strip() or None
        rows, cols = self._span
        rows = max(1, min(rows, _MAX_SPAN_CELLS // cols))  # a hostile rowspan × colspan stays bounded
        if rows > 1 or cols > 1:
            table.merges.append((r, c, r + rows - 1, c + cols - 1))
            for rr in range(r, r + rows):
                for cc in range(c, c + cols):
                    self._taken.add((rr, cc))
        self._col = c + cols - 1
        self._cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self._row is None or not self.tables:
            return
        table = self.tables[-1]
        width = max(self._row, default=0)
        table.rows.append([self._row.get(c) for c in range(1, width + 1)])
        if self._hidden_row:
            table.hidden_rows.add(len(table.rows))
        self._row = None


_MAX_SPAN_CELLS = 100_000
_MAX_COLUMNS = 16_384  # Excel's limits
_MAX_ROWS = 1_048_576


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), _MAX_COLUMNS))
    except ValueError:
        return 1


def read_html(path: Path) -> list[TextSheet]:
    """Tables of an HTML file (what many platforms export as .xls); one sheet per top-level table."""
    parser = _TableParser()
    parser.feed(decode_markup(path, path.read_bytes()))
    parser.close()
    tables = [t for t in parser.tables if t.rows]
    if not tables:
        raise UnreadableInputError(f"{path}: a web page (HTML) with no table in it", hint=_SAVE_AS)
    if len(tables) == 1:
        tables[0].name = path.stem
    return tables


_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"


def read_spreadsheet_ml(path: Path) -> list[TextSheet]:
    """Worksheets of an Excel 2003 XML workbook (SpreadsheetML), parsed without expanding entities."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(path.read_bytes())
    except DefusedXmlException as exc:
        raise UnreadableInputError(
            f"{path}: refused: the file declares XML entities, as XML bombs do", hint=_SAVE_AS
        ) from exc
    except ParseError as exc:
        raise UnreadableInputError(f"{path}: the XML is damaged ({exc})", hint=_SAVE_AS) from exc
    try:
        return _ss_sheets(root)
    except ValueError as exc:
        raise UnreadableInputError(f"{path}: the Excel 2003 XML is damaged ({exc})", hint=_SAVE_AS) from exc


def _ss_sheets(root: Any) -> list[TextSheet]:
    sheets: list[TextSheet] = []
    for ws in root.iter(f"{_SS}Worksheet"):
        sheet = TextSheet(name=ws.get(f"{_SS}Name") or f"Sheet{len(sheets) + 1}")
        options = ws.find("{urn:schemas-microsoft-com:office:excel}WorksheetOptions")
        if options is not None:
            visible = options.find("{urn:schemas-microsoft-com:office:excel}Visible")
            sheet.hidden = visible is not None and (visible.text or "").strip() in (
                "SheetHidden",
                "SheetVeryHidden",
            )
        table = ws.find(f"{_SS}Table")
        r = 0
        for row in table.iter(f"{_SS}Row") if table is not None else ():
            r = _ss_index(row, r + 1)
            while len(sheet.rows) < r - 1:
                sheet.rows.append([])
            if row.get(f"{_SS}Hidden") == "1":
                sheet.hidden_rows.add(r)
            cells: dict[int, Any] = {}
            c = 0
            for cell in row.iter(f"{_SS}Cell"):
                c = _ss_index(cell, c + 1)
                if c > _MAX_COLUMNS:
                    raise ValueError(f"ss:Index {c} is beyond Excel's {_MAX_COLUMNS} columns")
                data = cell.find(f"{_SS}Data")
                cells[c] = _ss_value(data) if data is not None else None
                across = _ss_int(cell.get(f"{_SS}MergeAcross"), _MAX_COLUMNS)
                down = _ss_int(cell.get(f"{_SS}MergeDown"), _MAX_ROWS)
                if across or down:
                    sheet.merges.append((r, c, r + down, c + across))
                c += across
            sheet.rows.append([cells.get(i) for i in range(1, max(cells, default=0) + 1)])
        sheets.append(sheet)
    if not sheets:
        raise ValueError("no worksheet in it")
    return sheets


def _ss_index(element: Any, default: int) -> int:
    value = element.get(f"{_SS}Index")
    try:
        index = max(default, int(value)) if value else default
    except ValueError:
        return default
    if index > _MAX_ROWS:
        raise ValueError(f"ss:Index {index} is beyond any sheet")
    return index


def _ss_int(value: str | None, limit: int) -> int:
    try:
        return max(0, min(int(value or 0), limit))
    except ValueError:
        return 0


def _ss_value(data: Any) -> Any:
    text = "".join(data.itertext())
    kind = data.get(f"{_SS}Type")
    if kind == "Number":
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if kind == "Boolean":
        return text.strip() == "1"
    if kind == "DateTime":
        try:
            return datetime.fromisoformat(text.strip())
        except ValueError:
            return text
    return text
