"""A fast .xlsx reader (python-calamine) behind a cheap, safe pre-scan of the workbook's zip.

calamine reads a sheet about 15x faster than openpyxl's streaming parser, but it builds a dense cell range in
Rust: a tiny file with cells at A1 and XFD1048576 makes it allocate terabytes and abort the whole process
(an uncatchable failure). So nothing reaches calamine before a byte scan of the zip has shown that the
workbook is safe and plain: no DTD or entity declarations (XML bombs), declared sizes that fit, a used range
that fits in memory and no zero-padding number formats (which calamine does not apply). The same scan finds
what calamine does not report: merged ranges, error cells and formulas saved without a result. Anything else returns None, and the caller reads the workbook with openpyxl
as before. Part of ingest: the only code that opens workbooks.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, compress, count
from operator import itemgetter
from pathlib import Path
from typing import Any

from quanze.cellref import MAX_COLUMN, column_letter

# Above this many cells (rows x columns of the used range) a sheet is read by the streaming parser.
DENSE_CELL_LIMIT = 40_000_000
# Above this many, no parser can read the sheet in reasonable time or memory: it is refused.
REFUSED_CELL_LIMIT = 400_000_000


class UsedRangeTooLarge(Exception):
    """A sheet whose cells reach so far (stray cells far outside the table) that it cannot be read."""

    def __init__(self, sheet: str, rows: int, columns: int) -> None:
        super().__init__(sheet, rows, columns)
        self.sheet, self.rows, self.columns = sheet, rows, columns


# Declared uncompressed size of the whole workbook above which it is not handed to calamine.
DECLARED_SIZE_LIMIT = 2 << 30

_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"(\d+)\"")
HIDDEN_ROW = re.compile(rb"<(?:\w+:)?row\s[^>]*?\bhidden=\"(?:1|true)\"[^>]*>")
ROW_NUMBER = re.compile(rb"\br=\"(\d+)\"")
# Any r attribute: a cell's (r="XFD1048576") or a row's (r="5"), in capitals or not, with either quote
# and spaces around "=" (calamine reads them all, and would abort on each). Other attributes ending in r
# (header="0.3", operator="between") and text that looks like one only ever raise the bound. Leading zeros
# are left out so that the longest number is the largest.
_REFERENCE = re.compile(rb"""r\s*=\s*["']\s*([A-Za-z]+(?=\d)|)0*(\d*)""")
MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+[0-9]+:[A-Z]+[0-9]+)\"")
FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ERROR_CELL = re.compile(
    rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Z]+)(\d+)\"[^>]*?\bt=\"e\"[^>]*>(?:(?!</(?:\w+:)?c>).){0,400}?"
    rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>",
    re.S,
)
_ZERO_PAD_FORMAT = re.compile(rb"formatCode=\"0{2,}\"")
_TAIL = 4096
_FIRST, _SECOND = itemgetter(0), itemgetter(1)


@dataclass(slots=True)
class SheetScan:
    """What a byte scan of one sheet's XML found."""

    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    formulas: bool = False
    max_row: int = 0
    """The last row the sheet's row elements number (rows past the last value are still rows)."""
    max_column: int = 0
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    unvalued_formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    """Formula text by (row, column) for formula cells saved without a result."""
    hidden_rows: set[int] = field(default_factory=set)
    reach_row: int = 0
    """The largest row any reference in the sheet names (a cell's own r="A9" too): with max_column, the
    bound on the range calamine would allocate."""
    unreferenced: bool = False
    """A cell without an r attribute: calamine places it by counting, past any bound the scan can give."""


def column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _last_row(data: bytes) -> int | None:
    """The number of the last row element in `data` (what the last match of _ROW gives), found from the end."""
    end = len(data)
    while (pos := data.rfind(b"row", 0, end)) >= 0:
        start = data.rfind(b"<", 0, pos)
        m = _ROW.match(data, start) if start >= 0 else None
        if m is not None:
            return int(m.group(1))
        end = pos
    return None


def scan_sheet(zf: zipfile.ZipFile, member: str) -> SheetScan:
    """Merged ranges, formulas, the used range and error cells of one sheet, from its bytes.

    A byte scan expands no entities, so it is safe on hostile files. Each test that most sheets fail (no
    formula, no merge, no hidden row, no error cell) is one substring search; every reference (r="…")
    is found in one pass, however its attribute is written.
    """
    scan = SheetScan()
    tail = b""
    reach_column = 0
    with zf.open(member) as fh:
        while chunk := fh.read(1 << 20):
            data = tail + chunk
            if (_holds(data, b"<f", 1) or _holds(data, b":f", 1)) and FORMULA_TAG.search(data) is not None:
                scan.formulas = True
                _unvalued_formulas(data, scan.unvalued_formulas)
            last = 0
            if _holds(data, b"mergeCell", 3):
                for m in MERGE_CELL.finditer(data):
                    first, _, second = m.group(1).partition(b":")
                    r0, c0 = _ref(first)
                    r1, c1 = _ref(second)
                    scan.merges.append((r0, c0, r1, c1))
                    last = m.end()
            row = _last_row(data)
            if row is not None:
                scan.max_row = max(scan.max_row, row)
            if not scan.unreferenced:
                # Cells written <c …> (no namespace prefix) are told by a pattern with a literal start, three
                # times faster; the general one runs only where a prefixed element (:c) may be a cell.
                unreferenced = _UNREFERENCED_CELL if _holds(data, b":c", 0) else _UNREFERENCED_PLAIN_CELL
                scan.unreferenced = unreferenced.search(data) is not None
            # A sheet written in order has its largest references at its end: those of the chunk's last
            # elements are taken as the bound, and one search shows that no reference in the chunk passes it.
            # Only when one does is every reference of the chunk read (a million references a large sheet).
            # A reference holds no "<", so the references after one are the same whether read from there or
            # from the start.
            tail_from = data.find(b"<", max(len(data) - _PROBE, 0))
            row, column = _reach(data[tail_from:] if tail_from >= 0 else b"")
            row, column = max(row, scan.reach_row), max(column, reach_column)
            if column > MAX_COLUMN or _beyond(row, column).search(data) is not None:
                row, column = _reach(data)
            scan.reach_row, reach_column = max(scan.reach_row, row), max(reach_column, column)
            if _holds(data, b"hidden=", 0):
                for h in HIDDEN_ROW.finditer(data):
                    number = ROW_NUMBER.search(h.group(0))
                    if number:
                        scan.hidden_rows.add(int(number.group(1)))
            if b't="e"' in data:
                for e in _ERROR_CELL.finditer(data):
                    scan.errors[(int(e.group(2)), column_number(e.group(1)))] = e.group(3).decode(
                        "utf-8", "replace"
                    )
            tail = data[max(last, len(data) - _TAIL) :]
    scan.merges = sorted(set(scan.merges))
    scan.max_column = reach_column
    scan.reach_row = max(scan.reach_row, scan.max_row)
    return scan


_PROBE = 1 << 14
"""The end of a chunk whose references are taken as its bound (far more than a row of cells)."""

_SIGHTINGS = 64
"""Sightings of a rare byte _holds checks in place before it leaves the question to a substring search."""


def _holds(data: bytes, needle: bytes, rare: int) -> bool:
    """`needle in data`, answered by a search for the needle's byte at `rare`, one most sheets hold few of
    (the f of a formula, the g of mergeCell): that search runs at memory speed (memchr), a substring search
    several times slower. Each sighting is checked in place; past _SIGHTINGS of them (a sheet of English
    text), the substring search answers."""
    byte = needle[rare : rare + 1]
    pos = data.find(byte, rare)
    for _ in range(_SIGHTINGS):
        if pos < 0:
            return False
        if data.startswith(needle, pos - rare):
            return True
        pos = data.find(byte, pos + 1)
    return pos >= 0 and data.find(needle, pos - rare) >= 0


def _reach(data: bytes) -> tuple[int, int]:
    """The largest row number and the largest column that any reference in `data` names."""
    refs = _REFERENCE.findall(data)
    if not refs:
        return 0, 0
    # Each step runs in C (no Python loop per reference).
    columns = set(map(_FIRST, refs))
    digits = list(map(_SECOND, refs))
    longest = max(map(len, digits))
    row = 0
    if longest:
        # Digits without leading zeros: of the longest, the largest as text is the largest number.
        row = int(max(compress(digits, map(longest.__eq__, map(len, digits)))))
    return row, max((column_number(c) for c in columns if c), default=0)


@lru_cache(maxsize=64)
def _beyond(row: int, column: int) -> re.Pattern[bytes]:
    """A reference (as _REFERENCE reads one) naming a row above `row` or a column right of `column`."""
    return re.compile(
        rb"""r\s*=\s*["']\s*(?:(?:"""
        + _letters_above(column).encode()
        + rb""")(?=\d)|[A-Za-z]*0*(?:"""
        + _number_above(row).encode()
        + rb""")(?!\d))"""
    )


def _number_above(number: int) -> str:
    """A pattern for the numbers (no leading zero) above `number`: more digits, or as many and larger."""
    digits = str(number)
    k = len(digits)
    options = [rf"[1-9]\d{{{k},}}"]
    for i, d in enumerate(digits):
        if d != "9":
            options.append(rf"{digits[:i]}[{int(d) + 1}-9]\d{{{k - i - 1}}}")
    return "|".join(options)


def _letters_above(column: int) -> str:
    """A pattern for the column letters (either case) right of `column`: more letters, or as many and later."""
    if column < 1:
        return "[A-Za-z]+"
    letters = column_letter(column)
    k = len(letters)
    options = [rf"[A-Za-z]{{{k + 1},}}"]
    for i, ch in enumerate(letters):
        if ch != "Z":
            later = chr(ord(ch) + 1)
            prefix = "".join(f"[{c}{c.lower()}]" for c in letters[:i])
            options.append(rf"{prefix}[{later}-Z{later.lower()}-z][A-Za-z]{{{k - i - 1}}}")
    return "|".join(options)


# A cell element with no r attribute (<c/>, <c t="s">): r is optional, and calamine then counts cells.
_UNREFERENCED_CELL = re.compile(rb"<(?:\w+:)?c(?=[\s/>])(?![^>]*?\sr\s*=)[^>]*>")
_UNREFERENCED_PLAIN_CELL = re.compile(rb"<c(?=[\s/>])(?![^>]*?\sr\s*=)[^>]*>")
_CELL_HEAD = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Z]+)(\d+)\"")
_FORMULA_TEXT = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]+</(?:\w+:)?v>")


def _unvalued_formulas(data: bytes, found: dict[tuple[int, int], str]) -> None:
    """Formula cells with no saved result (a generated file not saved by Excel), by their cell."""
    from html import unescape

    for f in _FORMULA_TEXT.finditer(data):
        start = max(data.rfind(b"<c ", 0, f.start()), data.rfind(b":c ", 0, f.start()) - 1)
        end = data.find(b"c>", f.end())
        if start < 0 or end < 0:
            continue  # cut by the chunk's edge: the next chunk sees it whole
        cell = data[start:end]
        head = _CELL_HEAD.match(cell)
        if head is None or _VALUE.search(cell):
            continue
        text = unescape((f.group(1) or b"").decode("utf-8", "replace"))
        found[(int(head.group(2)), column_number(head.group(1)))] = "=" + text if text else "(shared formula)"


def _ref(text: bytes) -> tuple[int, int]:
    m = re.match(rb"([A-Z]+)(\d+)", text)
    assert m is not None
    return int(m.group(2)), column_number(m.group(1))


@dataclass(slots=True)
class FastSheet:
    """One sheet read by calamine: its name, rows (None for empty cells) and what the scan found."""

    name: str
    hidden: bool
    scan: SheetScan
    rows: Iterator[list[Any]]


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str] | None:
    """Sheet name → its XML part, from workbook.xml and its relationships (parsed with defusedxml)."""
    from defusedxml import ElementTree

    try:
        workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # any oddity: let openpyxl read it and say what is wrong
        return None
    targets = {r.get("Id"): r.get("Target") or "" for r in rels if r.tag.endswith("Relationship")}
    parts: dict[str, str] = {}
    for el in workbook.iter():
        if not el.tag.endswith("}sheet"):
            continue
        rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
        target = targets.get(rid, "")
        if not target:
            return None
        part = (
            target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        )
        parts[el.get("name") or ""] = part
    return parts


def read_fast(path: Path) -> list[FastSheet] | None:
    """The workbook's sheets read by calamine, or None when the pre-scan says to use the safe parser.

    Raises UsedRangeTooLarge for a sheet no parser could read in reasonable time.
    """
    try:
        import python_calamine
    except ImportError:  # an optional speed-up: without it the streaming parser reads every workbook
        return None
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if sum(i.file_size for i in infos) > DECLARED_SIZE_LIMIT:
                return None
            names = {i.filename for i in infos}
            for member in ("xl/workbook.xml", "xl/sharedStrings.xml", "xl/styles.xml"):
                if member in names:
                    with zf.open(member) as fh:
                        head = fh.read(1 << 16)
                    if _DTD.search(head):
                        return None  # openpyxl (through defusedxml) refuses it with the right message
                    if member == "xl/styles.xml" and _ZERO_PAD_FORMAT.search(zf.read(member)):
                        return None  # codes kept by a 000 format: openpyxl applies it
            parts = _sheet_parts(zf)
            if parts is None or any(p not in names for p in parts.values()):
                return None
            scans: dict[str, SheetScan] = {}
            for name, part in parts.items():
                with zf.open(part) as fh:
                    if _DTD.search(fh.read(1 << 16)):
                        return None
                scan = scan_sheet(zf, part)
                cells = scan.reach_row * max(scan.max_column, 1)
                if cells > REFUSED_CELL_LIMIT:
                    raise UsedRangeTooLarge(name, scan.reach_row, scan.max_column)
                if cells > DENSE_CELL_LIMIT or scan.unreferenced:
                    return None  # the streaming parser reads it (a row of 16,384 <c/> would abort calamine)
                scans[name] = scan
    except UsedRangeTooLarge:
        raise
    except Exception:  # damaged zip or XML (zlib, bad headers …): the safe parser says what is wrong
        return None
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception:  # calamine's own errors: the safe parser gives the user a precise message
        return None
    sheets: list[FastSheet] = []
    for meta in book.sheets_metadata:
        found = scans.get(meta.name)
        if found is None:
            continue  # a chart sheet or dialog sheet holds no rows
        try:
            sheet = book.get_sheet_by_name(meta.name)  # parses the sheet: damaged XML fails here
        except Exception:  # the safe parser names the damage precisely
            return None
        hidden = str(meta.visible).rsplit(".", 1)[-1].lower() != "visible"
        sheets.append(FastSheet(meta.name, hidden, found, _rows(sheet, found)))
    return sheets


def _rows(sheet: Any, scan: SheetScan) -> Iterator[list[Any]]:
    """The sheet's rows, numbered from 1, as the sheet reader takes them."""
    try:
        rows = sheet.iter_rows()
    except Exception as exc:  # calamine's errors carry no common base we can name
        return _failing(ValueError(f"calamine: {exc}"))
    if (sheet.height and sheet.start[1]) or scan.errors or scan.merges or scan.unvalued_formulas:
        return _rows_mended(rows, sheet, scan)
    # Rows as calamine gives them, then the blank rows below its last value: each row in C (no Python frame
    # per row). zip numbers the rows from 0 and takes one number more before it finds no row: the next number
    # is one past the rows calamine gave.
    counted = count()
    return chain(map(_SECOND, zip(counted, rows, strict=False)), _blank_rows(counted, scan.max_row))


def _failing(exc: Exception) -> Iterator[list[Any]]:
    raise exc
    yield []  # a generator: the error comes when the rows are read, as calamine's own would


def _blank_rows(counted: Iterator[int], last: int) -> Iterator[list[Any]]:
    """Blank rows from the one after those calamine gave (as `counted` counts them) to the last row."""
    for _ in range(next(counted) - 1, last):
        yield []


def _rows_mended(rows: Iterator[list[Any]], sheet: Any, scan: SheetScan) -> Iterator[list[Any]]:
    pad = [None] * sheet.start[1] if sheet.height else []
    # calamine reads error cells (#N/A, #REF!) as empty; the scan found them, so they are put back.
    errors: dict[int, list[tuple[int, str]]] = {}
    for (er, ec), text in scan.errors.items():
        errors.setdefault(er, []).append((ec, text))
    # Without merges and unsaved formulas, the sheet reader reads "" as it reads None (an empty cell), so the
    # rows go as calamine gives them; otherwise empty cells are None, as those checks expect.
    plain = not scan.merges and not scan.unvalued_formulas
    r = 0
    for r, values in enumerate(rows, start=1):
        row = values if plain else [None if v == "" else v for v in values]
        if pad:
            row[:0] = pad
        if errors:
            for ec, text in errors.get(r, ()):
                row.extend([None] * (ec - len(row)))
                row[ec - 1] = text
        yield row
    # calamine ends at the last value; rows below it (merged continuations, blank rows) are still rows.
    for _ in range(r, scan.max_row):
        yield []
