"""Read power lists and service catalogues (.xlsx, .xls, .csv) into records; the only code that opens workbooks."""

from __future__ import annotations

import io
import re
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from pydantic import BaseModel, ConfigDict, ValidationError

from quanze.cellref import column_letter, column_number
from quanze.errors import UnreadableInputError, UsageError
from quanze.ingest.csvfile import CsvNote, open_csv
from quanze.ingest.formats import (
    InputFormat,
    printable,
    read_html,
    read_spreadsheet_ml,
    sniff,
    strict_as_transitional,
)
from quanze.ingest.junk import is_error_value, junk_name, junk_row, seq_from_date
from quanze.ingest.xlsx_fast import UsedRangeTooLarge, read_fast
from quanze.models import (
    Category,
    CategoryNumbering,
    ColumnMap,
    FileReport,
    HiddenMode,
    IssueCode,
    ListKind,
    PowerItem,
    Provenance,
    RowIssue,
    ServiceItem,
    Severity,
    SheetLayout,
)
from quanze.normalize import (
    category_of,
    clean_text,
    code_key,
    department_key,
    has_control_characters,
    header_key,
    is_placeholder,
    name_key,
    parse_count,
)
from quanze.vocab import (
    DEPARTMENT_ALIASES,
    DITTO_MARKS,
    POWER_HEADERS,
    SECOND_OCCURRENCE,
    SERVICE_HEADERS,
)

# openpyxl warns on stderr about parts of a damaged workbook it skips; ingest reports what matters itself.
warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")

HEADER_SCAN_ROWS = 30
EXCEL_CELL_LIMIT = 32767
_FLOAT_EXACT_LIMIT = 2**53
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")

_SECTION = re.compile(
    r"^(?:[一二三四五六七八九十百零〇]+[、.．]|\(?[一二三四五六七八九十]+\)|第[一二三四五六七八九十]+[部分章节类])\s*(.+)$"
)
_FOOTNOTE = re.compile(r"^(?:注|备注|说明|附注|注释)\s*[\d一二三]*\s*[:：]")
_SUB_SEQ = re.compile(r"^\d+\s*[.．\-－_]\s*\d+$")
_DEPT_SUFFIX = re.compile(r"(?:局|委|办|院|会|部|队|所|中心|厅|室|府|馆|站|社|处|分局|大队|支队)$")
_GENERIC_SHEET = re.compile(r"^(?:sheet\d*|工作表\d*|汇总|总表|清单|目录|说明)$", re.IGNORECASE)


class IngestOptions(BaseModel):
    """Named options for the quirks of real files; every one has a default that suits most files."""

    model_config = ConfigDict(frozen=True)

    kind: ListKind = ListKind.AUTO
    header_rows: tuple[int, int] | None = None
    """1-based first and last header row; None finds the header automatically."""
    sheets: tuple[str, ...] | None = None
    """Only these sheets; None reads every sheet."""
    encoding: str | None = None
    """CSV encoding; None tries UTF-8 (with or without BOM) then GB18030 and refuses a file that is neither."""
    fill_down: tuple[str, ...] = ()
    """Fields whose blank cells take the value above (merged cells are always filled)."""
    ditto: bool = True
    """Treat 同上 / 〃 cells as the value of the same column in the row above."""
    sheet_as_department: bool = True
    """Take a sheet named after a department as the department when no column or section names one."""
    hidden: HiddenMode = HiddenMode.SKIP_SHEETS
    """Hidden sheets are skipped and hidden rows read by default; each is reported either way."""
    keep_records: bool = True
    """Keep the records; `validate` turns this off to check files of any size in bounded memory."""
    category_codes: CategoryNumbering = CategoryNumbering.NATIONAL
    """How a category cell that is a number is read (the national numbering 01 许可 … by default)."""
    header_aliases: Mapping[str, tuple[str, ...]] = {}
    category_aliases: Mapping[str, Category] = {}


@dataclass(slots=True)
class _RawSheet:
    name: str
    rows: Iterator[list[Any]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden: bool = False
    hidden_rows: set[int] = field(default_factory=set)
    notes: list[CsvNote] = field(default_factory=list)
    """What the CSV reader found while splitting rows (stray quotes, encodings); filled as rows are read."""


# ---------------------------------------------------------------------------------------------- opening


def sniff_format(path: Path) -> InputFormat:
    """The file's format from its bytes, not its name; raises for what quanze cannot read (formats.sniff)."""
    return sniff(path)


_MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+[0-9]+:[A-Z]+[0-9]+)\"")
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")
_HIDDEN_ROW = re.compile(rb"<(?:\w+:)?row\s[^>]*?\bhidden=\"(?:1|true)\"[^>]*>")
_ROW_NUMBER = re.compile(rb"\br=\"(\d+)\"")


def _xlsx_scan(
    path: Path, sheet_path: str | None, data: bytes | None = None
) -> tuple[list[tuple[int, int, int, int]], bool, set[int]]:
    """Merged ranges of one sheet (read-only mode does not keep them), found by scanning its XML.

    A byte scan expands no entities, so it is safe on hostile files; openpyxl's own parse of the same
    sheet goes through defusedxml and refuses entity declarations.
    """
    if not sheet_path:
        return [], False, set()
    from openpyxl.utils.cell import range_boundaries

    merges: list[tuple[int, int, int, int]] = []
    hidden_rows: set[int] = set()
    formulas = False
    tail = b""
    with (
        zipfile.ZipFile(io.BytesIO(data) if data is not None else path) as zf,
        zf.open(sheet_path.lstrip("/")) as fh,
    ):
        while chunk := fh.read(1 << 20):
            buf = tail + chunk
            formulas = formulas or _FORMULA_TAG.search(buf) is not None
            last = 0
            for m in _MERGE_CELL.finditer(buf):
                c0, r0, c1, r1 = range_boundaries(m.group(1).decode("ascii"))
                merges.append((r0, c0, r1, c1))  # type: ignore[arg-type]
                last = m.end()
            for m in _HIDDEN_ROW.finditer(buf):
                number = _ROW_NUMBER.search(m.group(0))
                if number is not None:
                    hidden_rows.add(int(number.group(1)))
                last = max(last, m.end())
            tail = buf[max(last, len(buf) - 256) :]
    return merges, formulas, hidden_rows


def _xlsx_formulas(path: Path, title: str, data: bytes | None = None) -> dict[tuple[int, int], str]:
    """Formula text by (row, column) for one sheet: only read when the sheet has formulas at all."""
    import openpyxl

    # A file object, not the path: openpyxl refuses a workbook whose name does not end in .xlsx.
    with io.BytesIO(data) if data is not None else path.open("rb") as fh:
        return _formulas_of(openpyxl.load_workbook(fh, read_only=True, data_only=False), title)


def _formulas_of(wb: Any, title: str) -> dict[tuple[int, int], str]:
    try:
        ws = wb[title]
        ws.reset_dimensions()
        found: dict[tuple[int, int], str] = {}
        for row in ws.iter_rows():
            for cell in row:
                if (
                    getattr(cell, "data_type", None) == "f"
                    and cell.row is not None
                    and cell.column is not None
                ):
                    found[(cell.row, cell.column)] = str(cell.value)
        return found
    finally:
        wb.close()


def _xlsx_cell_value(cell: Any) -> Any:
    value = cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        fmt = getattr(cell, "number_format", "") or ""
        if re.fullmatch(r"0{2,}", fmt) and float(value).is_integer():
            return str(int(value)).zfill(len(fmt))
    return value


def _open_xlsx(path: Path, *, strict: bool = False) -> Iterator[_RawSheet]:
    if not strict:
        fast = _read_fast(path)
        if fast is not None:
            yield from fast
            return
    # A Strict Open XML workbook is read through a copy with the transitional namespaces.
    data = strict_as_transitional(path) if strict else None
    with io.BytesIO(data) if data is not None else path.open("rb") as fh:
        yield from _read_xlsx(path, fh, data)


def _read_fast(path: Path) -> list[_RawSheet] | None:
    """The sheets read by calamine when the pre-scan finds the workbook safe and plain, else None."""
    try:
        fast = read_fast(path)
    except UsedRangeTooLarge as exc:
        corner = f"{column_letter(min(exc.columns, 16384))}{exc.rows}"
        raise UnreadableInputError(
            f"{path} › {exc.sheet}: the sheet has cells out to {corner} "
            f"({exc.rows:,} rows x {exc.columns:,} columns), far beyond any list; refused",
            hint="delete the stray cells right of and below the table (Ctrl+End shows the last one) and save again",
        ) from exc
    if fast is None:
        return None
    return [
        _RawSheet(
            name=sheet.name,
            rows=_guarded(sheet.rows, path, sheet.name),
            merges=sheet.scan.merges,
            formulas=sheet.scan.unvalued_formulas,
            hidden=sheet.hidden,
            hidden_rows=sheet.scan.hidden_rows,
        )
        for sheet in fast
    ]


def _read_xlsx(path: Path, fh: IO[bytes], data: bytes | None) -> Iterator[_RawSheet]:
    import openpyxl
    from defusedxml import DefusedXmlException
    from openpyxl.utils.exceptions import InvalidFileException

    opening: tuple[type[BaseException], ...] = (*_DAMAGED, InvalidFileException)
    try:
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
    except ParseError as exc:
        raise UnreadableInputError(
            f"{path}: a part of the workbook is damaged XML ({exc})",
            hint="open it in Excel or WPS and save it again as .xlsx, or export it again",
        ) from exc
    except DefusedXmlException as exc:
        raise UnreadableInputError(
            f"{path}: refused: the workbook declares XML entities ({type(exc).__name__}), as XML bombs do",
            hint="open it in Excel and save it as a new .xlsx, or ask the sender for a clean export",
        ) from exc
    except opening as exc:
        raise UnreadableInputError(
            f"{path}: not a readable .xlsx workbook ({type(exc).__name__}: {exc})",
            hint="the file may be truncated or not a spreadsheet; export it again from Excel",
        ) from exc
    try:
        for ws in wb.worksheets:
            try:
                merges, has_formulas, hidden_rows = _xlsx_scan(
                    path, getattr(ws, "_worksheet_path", None), data
                )
                formulas = _xlsx_formulas(path, ws.title, data) if has_formulas else {}
            except DefusedXmlException as exc:
                raise UnreadableInputError(
                    f"{path} › {ws.title}: refused: the sheet declares XML entities, as XML bombs do",
                    hint="save the workbook again from Excel",
                ) from exc
            except _DAMAGED as exc:
                raise UnreadableInputError(
                    f"{path} › {ws.title}: the sheet is damaged ({type(exc).__name__}: {exc})",
                    hint="the file may be truncated; open it in Excel or WPS and save it again, or export it again",
                ) from exc
            # Many exports carry a wrong <dimension>: read what is there, not what it claims.
            ws.reset_dimensions()
            rows = _guarded(([_xlsx_cell_value(c) for c in row] for row in ws.iter_rows()), path, ws.title)
            yield _RawSheet(
                name=ws.title,
                rows=rows,
                merges=merges,
                formulas=formulas,
                hidden=getattr(ws, "sheet_state", "visible") != "visible",
                hidden_rows=hidden_rows,
            )
    except zipfile.BadZipFile as exc:
        raise UnreadableInputError(
            f"{path}: the workbook is damaged ({exc})", hint="export it again"
        ) from exc
    finally:
        wb.close()


# What a damaged archive or sheet raises while it is inflated and parsed (xlrd raises almost anything).
_DAMAGED: tuple[type[BaseException], ...] = (
    ParseError,
    zipfile.BadZipFile,
    zlib.error,
    struct.error,
    NotImplementedError,
    EOFError,
    KeyError,
    IndexError,
    ValueError,
    OSError,
    AssertionError,
    TypeError,
)


def _guarded(
    rows: Iterator[list[Any]], path: Path, sheet: str, damage: str = "the sheet's XML is damaged"
) -> Iterator[list[Any]]:
    """Rows of a sheet, with the XML and zip errors met while streaming turned into a clear refusal."""

    from defusedxml import DefusedXmlException

    try:
        yield from rows
    except DefusedXmlException as exc:
        raise UnreadableInputError(
            f"{path} › {sheet}: refused: the sheet declares XML entities ({type(exc).__name__}), as XML bombs do",
            hint="open the workbook in Excel and save it as a new .xlsx",
        ) from exc
    except _DAMAGED as exc:
        raise UnreadableInputError(
            f"{path} › {sheet}: {damage} ({type(exc).__name__}: {exc})",
            hint="the file may be truncated; export it again",
        ) from exc


def _open_xls(path: Path) -> Iterator[_RawSheet]:
    import xlrd

    raw = path.read_bytes()
    if _ENCRYPTED_MARK in raw:
        raise UnreadableInputError(
            f"{path}: the workbook is password-protected",
            hint="remove the password in Excel (File › Info › Protect Workbook) and save a copy",
        )
    try:
        # xlrd prints its warnings about damaged files on stdout, where JSON output goes: keep them.
        book = xlrd.open_workbook(
            file_contents=raw, formatting_info=True, on_demand=True, logfile=io.StringIO()
        )
    except Exception as exc:  # xlrd raises bare XLRDError, AssertionError, struct.error …
        if "encrypted" in str(exc).lower():
            raise UnreadableInputError(
                f"{path}: the workbook is password-protected",
                hint="remove the password in Excel (File › Info › Protect Workbook) and save a copy as .xlsx",
            ) from exc
        raise UnreadableInputError(
            f"{path}: not a readable .xls workbook ({type(exc).__name__}: {exc})",
            hint="open it in Excel or WPS and save it as .xlsx",
        ) from exc
    try:
        for index in range(book.nsheets):
            try:
                sh = book.sheet_by_index(index)
            except Exception as exc:  # a damaged sheet record: any of xlrd's many errors
                raise UnreadableInputError(
                    f"{path} › sheet {index + 1}: the sheet is damaged ({type(exc).__name__}: {exc})",
                    hint="open it in Excel or WPS and save it as .xlsx",
                ) from exc
            merges = [(r0 + 1, c0 + 1, r1, c1) for r0, r1, c0, c1 in sh.merged_cells]

            def rows(sh: Any = sh) -> Iterator[list[Any]]:
                for r in range(sh.nrows):
                    out: list[Any] = []
                    for cell in sh.row(r):
                        if cell.ctype == xlrd.XL_CELL_DATE:
                            try:
                                out.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                            except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                                out.append(cell.value)
                        elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                            out.append(None)
                        elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                            out.append(bool(cell.value))
                        elif cell.ctype == xlrd.XL_CELL_ERROR:
                            # Kept as Excel shows it (#N/A, #REF!), so the row reports it.
                            out.append(xlrd.error_text_from_code.get(cell.value, "#N/A"))
                        else:
                            out.append(cell.value)
                    yield out

            hidden_rows = {r + 1 for r, info in getattr(sh, "rowinfo_map", {}).items() if info.hidden}
            yield _RawSheet(
                name=sh.name,
                rows=_guarded(rows(), path, sh.name, "the sheet is damaged"),
                merges=merges,
                hidden=bool(getattr(sh, "visibility", 0)),
                hidden_rows=hidden_rows,
            )
    finally:
        book.release_resources()


def _open_csv(path: Path, declared: str | None) -> tuple[Iterator[_RawSheet], str]:
    text = open_csv(path, declared)
    return iter([_RawSheet(name=path.stem, rows=text.rows, notes=text.notes)]), text.encoding


# ---------------------------------------------------------------------------------------------- headers


def _alias_table(kind: ListKind, extra: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, int]]:
    tables: list[Mapping[str, tuple[str, ...]]] = []
    if kind in (ListKind.POWERS, ListKind.AUTO):
        tables.append(POWER_HEADERS)
    if kind in (ListKind.SERVICES, ListKind.AUTO):
        tables.append(SERVICE_HEADERS)
    table: dict[str, tuple[str, int]] = {}
    for fld, aliases in extra.items():
        for alias in aliases:
            table[header_key(alias)] = (fld, -1)
    for t in tables:
        for fld, aliases in t.items():
            for rank, alias in enumerate(aliases):
                table.setdefault(header_key(alias), (fld, rank))
    return table


def resolve_fields(
    names: Iterable[str], header_aliases: Mapping[str, tuple[str, ...]] = {}
) -> tuple[str, ...]:
    """Field names for --fill-down: a field (department) or a header that names one (实施部门).
    Raises UsageError listing the fields that exist."""
    known = set(POWER_HEADERS) | set(SERVICE_HEADERS) | set(header_aliases)
    table = _alias_table(ListKind.AUTO, header_aliases)
    out: list[str] = []
    for name in names:
        hit = name if name in known else (table.get(header_key(name)) or ("", 0))[0]
        if not hit:
            raise UsageError(
                f"--fill-down {name}: no such field",
                hint="give a field or a header that names one; fields: " + ", ".join(sorted(known)),
            )
        out.append(hit)
    return tuple(dict.fromkeys(out))


# Rank added to a field found only through an upper header part (a group label such as 认领情况 over
# 是否认领 | 承接方式): a column named by its own header takes the field first.
_GROUP_RANK = 1000


def _lookup(label_parts: list[str], table: Mapping[str, tuple[str, int]]) -> tuple[str, int] | None:
    """Field for a header given its stacked parts (top to bottom): whole, then bottom, then top part."""
    keys = ["".join(label_parts), *reversed(label_parts)] if len(label_parts) > 1 else label_parts
    for n, key in enumerate(keys):
        for candidate in (key, re.sub(r"\([^()]*\)", "", key)):
            if candidate in table:
                fld, rank = table[candidate]
                return (fld, rank + _GROUP_RANK) if n >= 2 else (fld, rank)
    return None


def _map_columns(band: list[list[str | None]], table: Mapping[str, tuple[str, int]]) -> list[ColumnMap]:
    width = max((len(r) for r in band), default=0)
    found: list[tuple[int, str, tuple[str, int] | None]] = []
    for col in range(width):
        parts: list[str] = []
        for row in band:
            text = row[col] if col < len(row) else None
            key = header_key(text) if text else ""
            if key and key not in parts:
                parts.append(key)
        label = " / ".join(p for p in parts)
        found.append((col, label, _lookup(parts, table) if parts else None))
    assigned: dict[int, str] = {}
    taken: set[str] = set()
    order = sorted((c for c in found if c[2] is not None), key=lambda c: (c[2][1], c[0]))  # type: ignore[index]
    for col, _label, hit in order:
        assert hit is not None
        fld = hit[0]
        if fld in taken:
            fld = SECOND_OCCURRENCE.get(fld, "")
            if not fld or fld in taken:
                continue
        assigned[col] = fld
        taken.add(fld)
    return [
        ColumnMap(column=column_letter(col + 1), header=label, field=assigned.get(col))
        for col, label, _ in found
        if label or col in assigned
    ]


# Names of the item that say little on their own: a header with only one of these is not a header.
_GENERIC_NAME_HEADERS = frozenset(header_key(h) for h in ("名称", "事项", "项目", "主项", "服务事项"))


def _names_a_field(text: str, table: Mapping[str, tuple[str, int]]) -> bool:
    # Field names are short words, never numbers or codes: most data cells are told apart without a lookup.
    return len(text) <= 30 and not text[0].isdigit() and _lookup([header_key(text)], table) is not None


_MEMO_LIMIT = 4096  # cell texts remembered per sheet: a column's repeated values, not every unique name


def reads_like_header(
    texts: list[str | None], table: Mapping[str, tuple[str, int]], memo: dict[str, bool] | None = None
) -> bool:
    """A row most of whose cells are field names (序号, 事项名称 …): a header, never a record.

    `memo` remembers the answer per cell text: a sheet's columns repeat their values row after row. The
    scan stops as soon as too few cells are left to make the row a header.
    """
    distinct = {t for t in texts if t}
    need = max(2, -(-len(distinct) * 3 // 5))  # at least two, and three fifths of the cells
    spare = len(distinct) - need
    mapped = 0
    for t in distinct:
        hit = memo.get(t) if memo is not None else None
        if hit is None:
            hit = _names_a_field(t, table)
            if memo is not None and len(memo) < _MEMO_LIMIT:
                memo[t] = hit
        if hit:
            mapped += 1
            if mapped >= need:
                return True
        else:
            spare -= 1
            if spare < 0:
                return False
    return False


def _band_fields(columns: list[ColumnMap]) -> set[str]:
    return {c.field for c in columns if c.field}


def _find_header(
    rows: list[list[str | None]], table: Mapping[str, tuple[str, int]]
) -> tuple[int, int, list[ColumnMap]] | None:
    """The header band (0-based first and last row) that best explains the rows below it.

    A band must name the item. Bands are ranked by the fields they map; a tie goes to the band whose next
    row is data rather than more header words, then to the shorter band. The chosen band then takes in a
    row of header words right above or below it when that row adds or keeps its fields: a two-row header
    whose upper cell is itself a field name (权力事项 over 事项编码 | 事项名称) is one header, not a header and
    a record.
    """
    best: tuple[tuple[int, bool, int, int], int, int, list[ColumnMap]] | None = None
    header_like = [reads_like_header(r, table) for r in rows]
    for h in range(len(rows)):
        for top, bottom in ((h, h), (h, h + 1)):
            if bottom >= len(rows):
                continue
            columns = _map_columns(rows[top : bottom + 1], table)
            fields = _band_fields(columns)
            if "name" not in fields and "sub_item" not in fields:
                continue
            if len(fields) < 2 and not _strong_name_header(columns, table):
                continue
            next_is_data = bottom + 1 >= len(rows) or not header_like[bottom + 1]
            rank = (len(fields), next_is_data, -(bottom - top), -top)
            if best is None or rank > best[0]:
                best = (rank, top, bottom, columns)
    if best is None:
        return None
    _, top, bottom, columns = best
    fields = _band_fields(columns)
    # Take in header rows right above and below the band while they keep what it maps.
    while top > 0 and header_like[top - 1]:
        wider = _map_columns(rows[top - 1 : bottom + 1], table)
        if not _band_fields(wider) >= fields:
            break
        top, columns, fields = top - 1, wider, _band_fields(wider)
    while bottom + 1 < len(rows) and header_like[bottom + 1] and bottom - top < 3:
        wider = _map_columns(rows[top : bottom + 2], table)
        if not _band_fields(wider) >= fields:
            break
        bottom, columns, fields = bottom + 1, wider, _band_fields(wider)
    return top, bottom, columns


def _strong_name_header(columns: list[ColumnMap], table: Mapping[str, tuple[str, int]]) -> bool:
    """A header that maps only the item name, with a specific word for it (事项名称, not 名称)."""
    for c in columns:
        if c.field not in ("name", "sub_item"):
            continue
        for part in c.header.split(" / "):
            key = header_key(part)
            hit = table.get(key)
            if hit is not None and hit[0] == c.field and key not in _GENERIC_NAME_HEADERS:
                return True
    return False


# ---------------------------------------------------------------------------------------------- rows


def _cell_text(value: Any) -> tuple[str | None, bool]:
    """Cell as text, and whether a number was too large to keep its digits (codes stored as numbers)."""
    if value is None:
        return None, False
    if isinstance(value, bool):
        return ("是" if value else "否"), False
    if isinstance(value, int):
        return str(value), False
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value)), abs(value) >= _FLOAT_EXACT_LIMIT
        return repr(value), False
    if isinstance(value, datetime):
        return (value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()), False
    if isinstance(value, date):
        return value.isoformat(), False
    return (value if isinstance(value, str) else str(value)), False


@dataclass(slots=True)
class _SheetState:
    """What the rows read so far tell about the next one: section, last item, values for ditto."""

    section_department: str | None = None
    section_category: str | None = None
    previous: dict[str, str | None] = field(default_factory=dict)
    last_main: PowerItem | None = None


def _row_ranges(rows: list[int]) -> str:
    """Row numbers as ranges: 3, 5-7, 12."""
    parts: list[str] = []
    start = prev = rows[0]
    for r in [*rows[1:], -1]:
        if r != prev + 1:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
            start = r
        prev = r
    return ", ".join(parts)


def _looks_like_department(text: str) -> bool:
    key = name_key(text)
    return bool(_DEPT_SUFFIX.search(key)) or any(alias in key for alias in DEPARTMENT_ALIASES)


class _SheetReader:
    """Turns the rows of one sheet into records and issues; one instance per sheet."""

    def __init__(
        self,
        file_label: str,
        raw: _RawSheet,
        options: IngestOptions,
        kind: ListKind,
        duplicates: _Duplicates,
        placeholders: _Placeholders,
    ) -> None:
        self.duplicates = duplicates
        self.placeholders = placeholders
        self.inherited: set[int] = set()
        self.table: dict[str, tuple[str, int]] = {}
        self.title_department: str | None = None
        self.sheet_category: str | None = None
        self._field_names: dict[str, bool] = {}
        self.fields: dict[str, int] = {}
        self._national_codes = options.category_codes is CategoryNumbering.NATIONAL
        self.file = file_label
        self.raw = raw
        self.options = options
        self.kind = kind
        self.layout = SheetLayout(sheet=raw.name, hidden=raw.hidden)
        self.header_rows_refused: str | None = None
        self.issues: list[RowIssue] = []
        self.powers: list[PowerItem] = []
        self.services: list[ServiceItem] = []
        self.state = _SheetState()
        self._merge_origin: dict[tuple[int, int], tuple[int, int]] = {}
        self._merge_values: dict[tuple[int, int], Any] = {}
        for r0, c0, r1, c1 in raw.merges:
            if (r1 - r0 + 1) * (c1 - c0 + 1) > 100_000:
                continue  # a whole-sheet merge holds no values worth spreading
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        self._merge_origin[(r, c)] = (r0, c0)
        self._precision_lost: set[tuple[int, int]] = set()
        self._merge_width = min(max((c1 for _, _, _, c1 in raw.merges), default=0), 256)

    # -- helpers -----------------------------------------------------------------------------------
    def _issue(
        self,
        code: IssueCode,
        severity: Severity,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> None:
        self.issues.append(
            RowIssue(
                code=code,
                severity=severity,
                file=self.file,
                sheet=self.raw.name,
                row=row,
                column=column,
                value=value,
                message=message,
            )
        )

    def _texts(self, rownum: int, values: list[Any]) -> list[str | None]:
        """The row's cells as text; merged cells take their origin's value. Sets `self.inherited` to the
        columns whose value continues a merge that starts on a row above (not a value of this row's own)."""
        if len(values) < self._merge_width:
            # Rows end at their last value; a merged cell further right still belongs to them.
            values = [*values, *([None] * (self._merge_width - len(values)))]
        out: list[str | None] = []
        inherited: set[int] = set()
        for c, value in enumerate(values, start=1):
            if self._merge_origin:
                origin = self._merge_origin.get((rownum, c))
                if origin is not None:
                    value = self._merge_values.get(origin)
                    if origin[0] < rownum:
                        inherited.add(c - 1)
                elif value is not None:
                    self._merge_values[(rownum, c)] = value
            if value is None and self.raw.formulas and (rownum, c) in self.raw.formulas:
                self._issue(
                    IssueCode.FORMULA_WITHOUT_VALUE,
                    Severity.WARNING,
                    "a formula with no saved result (the file was not saved by Excel); "
                    "open it in Excel or WPS and save it again",
                    row=rownum,
                    column=self._col_label(c - 1),
                    value=self.raw.formulas[(rownum, c)][:120],
                )
            text, lost = _cell_text(value)
            if lost:
                self._precision_lost.add((rownum, c))
            if text is not None and len(text) > EXCEL_CELL_LIMIT:
                self._issue(
                    IssueCode.TEXT_TOO_LONG,
                    Severity.WARNING,
                    f"cell holds {len(text)} characters, more than Excel's {EXCEL_CELL_LIMIT}",
                    row=rownum,
                    column=self._col_label(c - 1),
                )
            if text is not None and has_control_characters(text):
                self._issue(
                    IssueCode.CONTROL_CHARACTERS,
                    Severity.WARNING,
                    "control characters removed from the cell",
                    row=rownum,
                    column=self._col_label(c - 1),
                    value=repr(text[:80]),
                )
            out.append(clean_text(text))
        self.inherited = inherited
        return out

    def _col_label(self, index: int) -> str:
        letter = column_letter(index + 1)
        for cm in self.layout.columns:
            if cm.column == letter:
                return f"{letter} {cm.header}".strip()
        return letter

    # -- main loop ---------------------------------------------------------------------------------
    def read(self) -> None:
        head: list[tuple[int, list[str | None], set[int]]] = []
        rows = iter(self.raw.rows)
        for rownum, values in enumerate(rows, start=1):
            head.append((rownum, self._texts(rownum, values), self.inherited))
            if len(head) >= max(HEADER_SCAN_ROWS, (self.options.header_rows or (0, 0))[1]):
                break
        if not any(any(v for v in texts) for _, texts, _ in head):
            self.layout.rows_total = len(head)
            self.layout.skipped_blank = len(head)
            self._issue(IssueCode.EMPTY_SHEET, Severity.INFO, "the sheet holds no data")
            return
        self.table = _alias_table(self.kind, self.options.header_aliases)
        columns: list[ColumnMap]
        if self.options.header_rows is not None:
            top, bottom = (r - 1 for r in self.options.header_rows)
            band = [t for n, t, _ in head if top <= n - 1 <= bottom]
            columns = _map_columns(band, self.table)
            wrong = self._wrong_header_rows(head, columns, self.table)
            if wrong is not None:
                self._header_rows_refused(wrong, head, rows)
                return
        else:
            found = _find_header([t for _, t, _ in head], self.table)
            if found is None:
                self._no_header(head, rows)
                return
            top, bottom, columns = found
        self.layout.header_rows = list(range(top + 1, bottom + 2))
        self.layout.data_start = bottom + 2
        self.layout.columns = columns
        if self.kind is ListKind.AUTO:
            self.kind = _guess_kind(columns)
        self.fields = {c.field: ord_index(c.column) for c in columns if c.field}
        self.layout.title_rows = [n for n, t, _ in head[:top] if any(t)]
        self.title_department = _title_department([t for _, t, _ in head[:top]])
        self.layout.level = _sheet_level(self.raw.name)
        self.sheet_category = _sheet_category(self.raw.name, self.options.category_aliases)
        self.layout.skipped_structural += len(self.layout.title_rows)
        self.layout.skipped_blank += top - len(self.layout.title_rows)
        self.layout.rows_total = bottom + 1
        for rownum, texts, inherited in head[bottom + 1 :]:
            self._row(rownum, texts, inherited)
        start = len(head) + 1
        for rownum, values in enumerate(rows, start=start):
            texts = self._texts(rownum, values)
            self._row(rownum, texts, self.inherited)
        self._report_hidden()

    def _report_hidden(self) -> None:
        rows = self.layout.hidden_rows
        if not rows:
            return
        skip = self.options.hidden is HiddenMode.SKIP
        self._issue(
            IssueCode.HIDDEN_ROWS,
            Severity.INFO,
            f"{len(rows)} hidden row(s) "
            + (
                "not read; read them with --hidden read"
                if skip
                else "read as live rows; --hidden skip leaves them out"
            ),
            row=rows[0],
            value=_row_ranges(rows)[:200],
        )

    def _wrong_header_rows(
        self,
        head: list[tuple[int, list[str | None], set[int]]],
        columns: list[ColumnMap],
        table: Mapping[str, tuple[str, int]],
    ) -> str | None:
        """Why --header-rows cannot be this sheet's header (past its end, or no item-name column), or None."""
        top, bottom = self.options.header_rows or (1, 1)
        option = f"--header-rows {top}" + (f"-{bottom}" if bottom != top else "")
        if len(head) < bottom:
            return f"{option} points past the end of the sheet, which has {len(head)} row(s)"
        if any(c.field in ("name", "sub_item") for c in columns):
            return None
        found = _find_header([t for _, t, _ in head], table)
        seen = " | ".join(c.header for c in columns if c.header)[:80] or "nothing"
        better = f"; the header looks like row {found[0] + 1}" if found else ""
        return f"{option} holds no item-name header (事项名称, 权力名称 …) but {seen}{better}"

    def _header_rows_refused(
        self, message: str, head: list[tuple[int, list[str | None], set[int]]], rest: Iterator[list[Any]]
    ) -> None:
        """The sheet is not read; read_file makes this a usage error when no sheet of the file could be."""
        total = len(head) + sum(1 for _ in rest)
        self.layout.rows_total = total
        self.layout.rejected = total
        self.header_rows_refused = message
        self._issue(
            IssueCode.NO_HEADER,
            Severity.ERROR,
            f"{message}; none of the sheet's rows was read. Fix: give the row that names the columns, "
            "or leave out --header-rows (header_rows in quanze.toml) to find it",
        )

    def _no_header(
        self, head: list[tuple[int, list[str | None], set[int]]], rest: Iterator[list[Any]]
    ) -> None:
        total = len(head) + sum(1 for _ in rest)
        self.layout.rows_total = total
        self.layout.rejected = total
        self._issue(
            IssueCode.NO_HEADER,
            Severity.ERROR,
            f"no header row found in the first {HEADER_SCAN_ROWS} rows: no cell names the item "
            "(事项名称, 权力名称 …); none of the sheet's rows was read",
            value=" | ".join(v for v in (head[0][1] if head else []) if v)[:120] or None,
        )

    def _junk_cells(self, rownum: int, texts: list[str | None], values: dict[str, str | None]) -> bool:
        """Report error cells (#N/A, #REF!) and dates in 序号; True when the name cannot be read at all."""
        names = {self.fields.get("name"), self.fields.get("sub_item")}
        for idx, text in enumerate(texts):
            if idx not in names and is_error_value(text):
                self._issue(
                    IssueCode.ERROR_VALUE,
                    Severity.WARNING,
                    f"the cell holds the Excel error {text}; read as empty. Fix the formula in the source",
                    row=rownum,
                    column=self._col_label(idx),
                    value=text,
                )
                for fld in [f for f, i in self.fields.items() if i == idx]:
                    values[fld] = None
        for fld in ("seq", "sub_seq"):
            seq = seq_from_date(values.get(fld))
            if seq is not None:
                self._issue(
                    IssueCode.DATE_AS_SEQ,
                    Severity.INFO,
                    f'序号 saved by Excel as a date; read as "{seq}". Format the column as text in the source',
                    row=rownum,
                    column=self._col_label(self.fields[fld]),
                    value=values[fld],
                )
                values[fld] = seq
        for fld in ("name", "sub_item"):
            text = values.get(fld)
            why = junk_name(text) if text else None
            if why is not None:
                self.layout.rejected += 1
                self._issue(
                    IssueCode.ERROR_VALUE if is_error_value(text) else IssueCode.JUNK_NAME,
                    Severity.ERROR,
                    f"{why}; the row was not read",
                    row=rownum,
                    column=self._col_label(self.fields[fld]),
                    value=text,
                )
                return True
        return False

    def _get(self, texts: list[str | None], fld: str) -> str | None:
        idx = self.fields.get(fld)
        if idx is None or idx >= len(texts):
            return None
        return texts[idx]

    def _row(self, rownum: int, texts: list[str | None], inherited: set[int]) -> None:
        self.layout.rows_total += 1
        distinct = {t for t in texts if t}
        if not distinct:
            self.layout.skipped_blank += 1
            return
        if rownum in self.raw.hidden_rows:
            self.layout.hidden_rows.append(rownum)
            if self.options.hidden is HiddenMode.SKIP:
                self.layout.skipped_structural += 1
                return
        if inherited and self._continues_record(rownum, texts, inherited):
            return
        first = next(t for t in texts if t)
        if len(distinct) <= 2 and _FOOTNOTE.match(first):
            self.layout.skipped_structural += 1
            self._issue(
                IssueCode.FOOTNOTE_ROW,
                Severity.INFO,
                "footnote row, not an item",
                row=rownum,
                value=first[:120],
            )
            return
        junk = junk_row(texts)
        if junk is not None:
            self.layout.skipped_structural += 1
            self._issue(junk[0], Severity.INFO, junk[1], row=rownum, value=" | ".join(sorted(distinct))[:120])
            return
        if len(distinct) == 1 and self._is_section(rownum, first, texts):
            self.layout.skipped_structural += 1
            return
        if len(distinct) == 1 and sum(1 for t in texts if t) >= 3:
            # One text merged across the table: a title (the list's second batch, a department block).
            self.layout.skipped_structural += 1
            self.state.section_department = _title_department([texts]) or self.state.section_department
            self._issue(
                IssueCode.SECTION_ROW,
                Severity.INFO,
                "a title row across the table, not an item",
                row=rownum,
                value=first[:120],
            )
            return
        if reads_like_header(texts, self.table, self._field_names):
            self.layout.skipped_structural += 1
            self._issue(
                IssueCode.REPEATED_HEADER,
                Severity.INFO,
                "a row of column headings inside the table (a repeated or pasted header), not an item",
                row=rownum,
                value=" | ".join(sorted(distinct))[:120],
            )
            return
        values = {fld: self._get(texts, fld) for fld in self.fields}
        for fld, value in values.items():
            if is_placeholder(value):
                self.placeholders.add(fld, self.raw.name, rownum, value)
                values[fld] = None
        if self._junk_cells(rownum, texts, values):
            return
        if self.options.ditto:
            for fld, value in values.items():
                if value is not None and value.strip() in DITTO_MARKS:
                    source = self.state.previous.get(fld)
                    if source is None:
                        self._issue(
                            IssueCode.DITTO_WITHOUT_SOURCE,
                            Severity.WARNING,
                            f"'{value}' (ditto) but no value above it to repeat",
                            row=rownum,
                            column=self._col_label(self.fields[fld]),
                            value=value,
                        )
                    values[fld] = source
        for fld in self.options.fill_down:
            if values.get(fld) is None and fld in self.fields:
                values[fld] = self.state.previous.get(fld)
        self.state.previous = dict(values)
        for fld in ("code", "parent_power_code"):
            if fld in self.fields and (rownum, self.fields[fld] + 1) in self._precision_lost:
                self._issue(
                    IssueCode.CODE_PRECISION_LOST,
                    Severity.WARNING,
                    "the code is stored as a number too large for Excel to keep every digit; "
                    "format the column as text in the source and export again",
                    row=rownum,
                    column=self._col_label(self.fields[fld]),
                    value=values[fld],
                )
        if values.get("department") is None:
            values["department"] = (
                self.state.section_department
                or self._sheet_department()
                or self.title_department
                or values.get("handling_office")
            )
        if values.get("category") is None:
            values["category"] = self.state.section_category or self.sheet_category
        if "level" in values or self.layout.level:
            values["level"], scope = _split_level(values.get("level") or self.layout.level)
            values["level_scope"] = values.get("level_scope") or scope
        if self.kind is ListKind.SERVICES:
            self._service(rownum, values)
            return
        subs = _packed_sub_items(values.get("sub_item"))
        if len(subs) > 1:
            self._issue(
                IssueCode.PACKED_SUB_ITEMS,
                Severity.INFO,
                f"one 子项 cell lists {len(subs)} sub-items; each is read as its own record",
                row=rownum,
                column=self._col_label(self.fields["sub_item"]),
                value=(values.get("sub_item") or "")[:120],
            )
        for sub in subs or (None,):
            self._power(rownum, {**values, "sub_item": sub})

    # Fields whose own value on a row makes it a record of its own, even when its other cells are merged.
    _IDENTITY_FIELDS = ("name", "sub_item", "category", "department", "level")

    def _continues_record(self, rownum: int, texts: list[str | None], inherited: set[int]) -> bool:
        """A row whose identifying cells all continue merges from above is part of the record above.

        Offices merge every cell of an item over several rows for row height. Values of the row's own in
        other columns (a second line of 责任事项) are added to the record above, never dropped.
        """
        own_identity = any(
            (idx := self.fields.get(fld)) is not None
            and idx < len(texts)
            and texts[idx]
            and idx not in inherited
            and not is_placeholder(texts[idx])
            for fld in self._IDENTITY_FIELDS
        )
        if own_identity:
            return False
        self.layout.merged_continuation += 1
        own: dict[str, str] = {}
        for fld, idx in self.fields.items():
            text = texts[idx] if idx < len(texts) else None
            if text and idx not in inherited and not is_placeholder(text):
                own[fld] = text
        records: list[PowerItem] | list[ServiceItem] = (
            self.services if self.kind is ListKind.SERVICES else self.powers
        )
        if not self.options.keep_records:
            return True  # validate keeps no records to add the values to
        target = records[-1] if records else None
        for fld, value in own.items():
            current = getattr(target, fld, None) if target is not None else None
            if target is not None and fld in type(target).model_fields and fld not in _NOT_CONTINUED:
                if current is None:
                    setattr(target, fld, value)
                    continue
                if isinstance(current, str) and value not in current:
                    setattr(target, fld, f"{current}\n{value}")
                    continue
                if current == value:
                    continue
            self._issue(
                IssueCode.MERGED_VALUE_DROPPED,
                Severity.WARNING,
                "a value below a merged item, on a row that is not an item of its own; check that it "
                "belongs to the item above",
                row=rownum,
                column=self._col_label(self.fields[fld]),
                value=value[:120],
            )
        return True

    def _sheet_department(self) -> str | None:
        name = self.raw.name.strip()
        if (
            self.options.sheet_as_department
            and not _GENERIC_SHEET.match(name)
            and _looks_like_department(name)
        ):
            return name
        return None

    def _is_section(self, rownum: int, text: str, texts: list[str | None]) -> bool:
        m = _SECTION.match(text)
        name_idx = self.fields.get("name")
        only_in_name = (
            name_idx is not None
            and sum(1 for t in texts if t) == 1
            and (name_idx < len(texts) and texts[name_idx] == text)
        )
        if m is None and only_in_name:
            return False
        body = m.group(1) if m else text
        # A number alone (a 序号 on a row whose other cells are empty) is never a category section.
        if category_of(body, dict(self.options.category_aliases), national_codes=False) is not None:
            self.state.section_category = body
        elif m is not None or _looks_like_department(body):
            self.state.section_department = body
        else:
            return False
        self._issue(
            IssueCode.SECTION_ROW,
            Severity.INFO,
            "section row: applies to the rows below it",
            row=rownum,
            value=text[:120],
        )
        return True

    def _common(self, rownum: int, values: dict[str, str | None]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        raw_category = values.get("category")
        if raw_category:
            cat = category_of(
                raw_category, dict(self.options.category_aliases), national_codes=self._national_codes
            )
            if cat is None:
                self._issue(
                    IssueCode.UNKNOWN_CATEGORY,
                    Severity.WARNING,
                    f'"{raw_category}" is not a known category; map it in quanze.toml [aliases.categories]',
                    row=rownum,
                    column=self._col_label(self.fields["category"]) if "category" in self.fields else None,
                    value=raw_category,
                )
            out["category"] = cat
            out["category_raw"] = raw_category
        raw_volume = values.get("volume")
        if raw_volume is not None:
            try:
                out["volume"] = parse_count(raw_volume)
            except ValueError:
                self._issue(
                    IssueCode.BAD_NUMBER,
                    Severity.WARNING,
                    f'"{raw_volume}" is not a whole number of transactions',
                    row=rownum,
                    column=self._col_label(self.fields["volume"]),
                    value=raw_volume,
                )
        return out

    def _reject(self, rownum: int, fld: str, message: str) -> None:
        self.layout.rejected += 1
        col = self.fields.get(fld)
        self._issue(
            IssueCode.MISSING_REQUIRED,
            Severity.ERROR,
            message,
            row=rownum,
            column=self._col_label(col) if col is not None else fld,
        )

    def _provenance(self, rownum: int) -> Provenance:
        return Provenance(file=self.file, sheet=self.raw.name, row=rownum)

    def _power(self, rownum: int, values: dict[str, str | None]) -> None:
        name, sub = values.get("name"), values.get("sub_item")
        seq = values.get("seq")
        role = "single"
        last = self.state.last_main
        if sub:
            role = "sub"
            if not name:
                if last is None:
                    self._issue(
                        IssueCode.ORPHAN_SUB_ITEM,
                        Severity.WARNING,
                        "sub-item with no main item above it; its own name is used",
                        row=rownum,
                        value=sub,
                    )
                name = last.name if last is not None else sub
        elif (seq and _SUB_SEQ.match(seq)) or values.get("sub_seq"):
            if last is not None and name and name != last.name:
                role, sub, name = "sub", name, last.name
            elif last is None and name:
                self._issue(
                    IssueCode.ORPHAN_SUB_ITEM,
                    Severity.WARNING,
                    "sub-item numbering with no main item above it; read as an item",
                    row=rownum,
                    value=name,
                )
        if not name:
            self._reject(rownum, "name", "the item has no name (事项名称); the row was not read")
            return
        data: dict[str, Any] = {k: v for k, v in values.items() if k in _POWER_FIELDS}
        data.update(self._common(rownum, values))
        data.update(name=name, sub_item=sub, role=role, source=self._provenance(rownum))
        try:
            item = PowerItem.model_validate(data)
        except ValidationError as exc:
            self._reject(rownum, "name", f"the row does not make a valid item: {exc.errors()[0]['msg']}")
            return
        if role == "sub" and last is not None and last.name == name and last.role == "single":
            last.role = "main"
        if role != "sub":
            self.state.last_main = item
        self.duplicates.add(item)
        if self.options.keep_records:
            self.powers.append(item)
        self.layout.records += 1

    def _service(self, rownum: int, values: dict[str, str | None]) -> None:
        name = values.get("name") or values.get("sub_item")
        if not name:
            self._reject(rownum, "name", "the service item has no name (事项名称); the row was not read")
            return
        data: dict[str, Any] = {k: v for k, v in values.items() if k in _SERVICE_FIELDS}
        data.update(self._common(rownum, values))
        data.update(name=name, source=self._provenance(rownum))
        try:
            item = ServiceItem.model_validate(data)
        except ValidationError as exc:
            self._reject(rownum, "name", f"the row does not make a valid item: {exc.errors()[0]['msg']}")
            return
        self.duplicates.add(item)
        if self.options.keep_records:
            self.services.append(item)
        self.layout.records += 1


# Fields a continuation row never adds to the record above (numbers, enums, the row's own numbering).
_NOT_CONTINUED = frozenset({"seq", "sub_seq", "volume", "category", "role", "source"})


class _Placeholders:
    """Placeholder cells (无, /, —, 暂无, 未分类 …) read as empty: counted per field, reported once per file."""

    def __init__(self, file_label: str) -> None:
        self.file = file_label
        self.counts: dict[str, int] = {}
        self.first: tuple[str, int, str] | None = None

    def add(self, fld: str, sheet: str, row: int, value: str | None) -> None:
        self.counts[fld] = self.counts.get(fld, 0) + 1
        if self.first is None:
            self.first = (sheet, row, value or "")

    def issues(self) -> list[RowIssue]:
        if self.first is None:
            return []
        sheet, row, value = self.first
        fields = ", ".join(f"{fld} {n}" for fld, n in sorted(self.counts.items()))
        return [
            RowIssue(
                code=IssueCode.PLACEHOLDER_VALUE,
                severity=Severity.INFO,
                file=self.file,
                sheet=sheet,
                row=row,
                value=value,
                message=f"placeholder cells (无, /, —, 暂无, 未分类 …) read as empty: {fields} (first shown)",
            )
        ]


_LEVEL_CHARS = "省市州县区乡镇街道地盟旗自治本村社"
_LEAD_LEVEL = re.compile(
    rf"^([{_LEVEL_CHARS}]{{1,8}}级(?:[/、和及与或][{_LEVEL_CHARS}]{{1,8}}级)*)[\s。．.，,；;:：、]*(.*)$",
    re.S,
)
_ANY_LEVEL = re.compile(r"(?:省|自治区|地州市|地州|州|市|县市区|区县|县区|县|区|乡镇|街道|乡|镇)本?级")
_SHEET_LEVEL = re.compile(rf"^[{_LEVEL_CHARS}（）()]{{1,10}}级(?:事项|清单|权责清单|权力清单|权力)?$")


# The national catalogue's level codes (实施层级 2, 3, 4 = 省, 市, 县), as its exports write them: "2,3".
_LEVEL_CODES = {"1": "国家级", "2": "省级", "3": "市级", "4": "县级", "5": "乡级", "6": "村级"}
_LEVEL_CODE_LIST = re.compile(r"^[1-6](?:\s*[,，、;；/]\s*[1-6])*$")


def _split_level(text: str | None) -> tuple[str | None, str | None]:
    """A 实施层级及权限 cell as (level, scope): 地州市级。负责… gives 地州市级 and 负责…; a cell that only
    describes the scope (负责市本级…) gives the level it names inside, and keeps the text as the scope;
    level codes (2,3) give the levels they stand for (省级、市级)."""
    if not text:
        return None, None
    if _LEVEL_CODE_LIST.match(text.strip()):
        return "、".join(_LEVEL_CODES[c] for c in re.findall(r"[1-6]", text)), None
    m = _LEAD_LEVEL.match(text)
    if m:
        return m.group(1), (m.group(2).strip() or None)
    inner = _ANY_LEVEL.search(text)
    return (inner.group(0) if inner else None), text


_ITEM_COUNT = re.compile(r"[(（]\s*(?:共\s*)?\d+\s*项\s*[)）]$")


def _sheet_category(sheet: str, aliases: Mapping[str, Category]) -> str | None:
    """The category a sheet's name gives its rows: 行政许可（11项） → 行政许可 (one sheet per category)."""
    name = _ITEM_COUNT.sub("", re.sub(r"\s", "", sheet))
    return name if name and category_of(name, dict(aliases), national_codes=False) is not None else None


def _sheet_level(sheet: str) -> str | None:
    """The level a sheet's name gives its rows (地州级, 区县级, 市级 …), when the name is just that."""
    name = re.sub(r"\s", "", sheet)
    return name if _SHEET_LEVEL.match(name) else None


_TITLE_NOISE = re.compile(r"^(?:附件\s*\d*\s*[:：]?)|\d{4}\s*年度?|[（(]\s*\d+\s*[)）]$")
_TITLE_LIST = re.compile(
    r"(?:权责清单|权力清单|责任清单|权力和责任清单|职权目录|权责事项清单|事项清单|清单).*$"
)


def _title_department(rows: list[list[str | None]]) -> str | None:
    """The department a title row names (克拉玛依市消防救援支队权责清单 → 克拉玛依市消防救援支队)."""
    for texts in rows:
        for text in dict.fromkeys(t for t in texts if t):
            if "部门名称" in text:
                body = re.split(r"[:：]", text, maxsplit=1)[-1].strip()
            else:
                body = _TITLE_LIST.sub("", _TITLE_NOISE.sub("", text)).strip()
            body = _TITLE_NOISE.sub("", body).strip()
            if 3 <= len(body) <= 40 and _DEPT_SUFFIX.search(body):
                return body
    return None


_PACKED_ENTRY = re.compile(r"(?:(?:^|(?<=[\s；;，,。]))(\d{1,2})[.、．)）]|[(（](\d{1,2})[)）])\s*(?!\d)")
_LEADING_NUMBER = re.compile(r"^(?:\d{1,2}[.、．)）]|[(（]\d{1,2}[)）])\s*(?!\d)")


def _packed_sub_items(text: str | None) -> list[str]:
    """The sub-items a 子项 cell lists (1.新设采矿权审批 2.采矿权延续登记 …), numbered 1, 2, 3 in order;
    a cell with one entry gives a list of one (its number dropped), an empty cell none."""
    if not text:
        return []
    marks = list(_PACKED_ENTRY.finditer(text))
    numbers = [int(m.group(1) or m.group(2)) for m in marks]
    if len(marks) >= 2 and numbers == list(range(numbers[0], numbers[0] + len(numbers))):
        parts = [
            text[m.end() : (marks[i + 1].start() if i + 1 < len(marks) else len(text))]
            for i, m in enumerate(marks)
        ]
        cleaned = [p.strip().rstrip("；;，,。").strip() for p in parts]
        if all(cleaned):
            return cleaned
    return [_LEADING_NUMBER.sub("", text).strip() or text]


_POWER_FIELDS = frozenset(PowerItem.model_fields) - {"category", "volume", "source"}
_SERVICE_FIELDS = frozenset(ServiceItem.model_fields) - {"category", "volume", "source"}


def ord_index(letter: str) -> int:
    return column_number(letter) - 1


def _guess_kind(columns: list[ColumnMap]) -> ListKind:
    fields = {c.field for c in columns}
    if fields & {"parent_power_name", "handling_type"}:
        return ListKind.SERVICES
    for c in columns:
        # 服务事项 alone heads the item column of some power-list exports; 服务事项名称 and 办理项 are the catalogue's.
        if c.field == "name" and ("办理项" in c.header or "服务事项名称" in c.header):
            return ListKind.SERVICES
    return ListKind.POWERS


# ---------------------------------------------------------------------------------------------- files


def _open_text_tables(path: Path, fmt: InputFormat) -> Iterator[_RawSheet]:
    sheets = read_html(path) if fmt is InputFormat.HTML else read_spreadsheet_ml(path)
    for s in sheets:
        yield _RawSheet(
            name=s.name, rows=iter(s.rows), merges=s.merges, hidden=s.hidden, hidden_rows=s.hidden_rows
        )


def _sheets(path: Path, fmt: str, options: IngestOptions) -> tuple[Iterator[_RawSheet], str | None]:
    if fmt in (InputFormat.XLSX, InputFormat.XLSX_STRICT):
        return _open_xlsx(path, strict=fmt is InputFormat.XLSX_STRICT), None
    if fmt == InputFormat.XLS:
        return _open_xls(path), None
    if fmt in (InputFormat.HTML, InputFormat.SPREADSHEET_ML):
        return _open_text_tables(path, InputFormat(fmt)), None
    return _open_csv(path, options.encoding)


def read_file(path: Path, options: IngestOptions | None = None, *, label: str | None = None) -> FileReport:
    """Read one list file into records and issues. Raises UnreadableInputError when it is no table at all."""
    options = options or IngestOptions()
    file_label = printable(label or path.name)
    fmt = sniff_format(path)
    sheets, encoding = _sheets(path, fmt, options)
    report = FileReport(file=file_label, kind=options.kind, encoding=encoding)
    kinds: set[ListKind] = set()
    refused: list[str] = []
    duplicates = _Duplicates(file_label)
    placeholders = _Placeholders(file_label)
    for raw in sheets:
        if options.sheets is not None and raw.name not in options.sheets:
            continue
        if raw.hidden and options.hidden is not HiddenMode.READ and options.sheets is None:
            report.sheets.append(SheetLayout(sheet=raw.name, hidden=True))
            report.issues.append(
                RowIssue(
                    code=IssueCode.HIDDEN_SHEET,
                    severity=Severity.INFO,
                    file=file_label,
                    sheet=raw.name,
                    message='a hidden sheet: not read. Read it with --hidden read (or [read] hidden = "read"), '
                    "or name it with --sheet",
                )
            )
            continue
        reader = _SheetReader(file_label, raw, options, options.kind, duplicates, placeholders)
        reader.read()
        if reader.header_rows_refused is not None:
            refused.append(f"{file_label} › {raw.name}: {reader.header_rows_refused}")
        report.sheets.append(reader.layout)
        report.issues.extend(reader.issues)
        report.issues.extend(
            RowIssue(
                code=n.code,
                severity=n.severity,
                file=file_label,
                sheet=raw.name,
                row=n.row,
                value=n.value,
                message=n.message,
            )
            for n in raw.notes
        )
        report.powers.extend(reader.powers)
        report.services.extend(reader.services)
        if reader.layout.records:
            kinds.add(reader.kind)
    if options.kind is ListKind.AUTO:
        report.kind = ListKind.SERVICES if kinds == {ListKind.SERVICES} else ListKind.POWERS
        if kinds == {ListKind.SERVICES, ListKind.POWERS}:
            # One file, two kinds of sheet: keep both, but say so.
            report.kind = ListKind.POWERS
    if not report.sheets and options.sheets:
        raise UnreadableInputError(
            f"{file_label}: none of the sheets {', '.join(options.sheets)} is in the file",
            hint="check the sheet names with `quanze inspect`",
        )
    if refused and not report.records:
        # --header-rows that fit none of the file's sheets: a usage mistake, not a finding about the file.
        raise UsageError(
            refused[0] + (f" (and {len(refused) - 1} more sheet(s))" if len(refused) > 1 else ""),
            hint="leave out --header-rows to find the header, or see the rows with `quanze inspect`",
        )
    report.issues.extend(duplicates.issues)
    report.issues.extend(placeholders.issues())
    empty = _no_records_issue(report)
    if empty is not None:
        report.issues.append(empty)
    return report


def _no_records_issue(report: FileReport) -> RowIssue | None:
    """A file that gave no record and no error saying why must not pass as an empty list."""
    if report.records or any(i.severity is Severity.ERROR for i in report.issues):
        return None
    hidden = [s.sheet for s in report.sheets if s.hidden and not s.columns]
    if hidden:
        message = (
            f"no record read: the rows are on hidden sheets ({', '.join(hidden)[:120]}); "
            "read them with --hidden read if they are live"
        )
    else:
        message = "no record read: the file holds a header but no item below it; export the list again"
    return RowIssue(code=IssueCode.NO_RECORDS, severity=Severity.WARNING, file=report.file, message=message)


class _Duplicates:
    """Duplicate codes (one code, different items) and duplicate items (the same item twice), found as
    records stream past. Only a 64-bit digest and a row number are kept per record (about 100 bytes), so
    a million rows need no million records in memory."""

    def __init__(self, file_label: str) -> None:
        self.file = file_label
        self.items: dict[int, tuple[str, int]] = {}
        self.codes: dict[int, tuple[str, str, int]] = {}
        self.issues: list[RowIssue] = []

    def add(self, item: PowerItem | ServiceItem) -> None:
        if isinstance(item, PowerItem) and item.role == "main":
            return
        # One file may hold several units' lists (a 行政区划 column): the same item at two units is no duplicate.
        unit = item.unit if isinstance(item, ServiceItem) else (item.unit, item.receiving_unit)
        title = name_key(item.title)
        key = code_key(item.code)
        dept = department_key(item.department)
        ident = hash((title, key, dept, unit))
        first = self.items.get(ident)
        if first is not None:
            self.issues.append(
                _dup_issue(
                    self.file,
                    item,
                    IssueCode.DUPLICATE_ITEM,
                    f"the same item as row {first[1]} of {first[0]}",
                    item.title,
                )
            )
            return
        self.items[ident] = (item.source.sheet, item.source.row)
        if key is None:
            return
        code_ident = hash((key, dept, unit))
        other = self.codes.get(code_ident)
        # Sub-items carry their main item's code: the code names the main item.
        owner = item.name if isinstance(item, PowerItem) and item.role == "sub" else item.title
        if other is None:
            self.codes[code_ident] = (owner, item.source.sheet, item.source.row)
        elif name_key(other[0]) != name_key(owner):
            self.issues.append(
                _dup_issue(
                    self.file,
                    item,
                    IssueCode.DUPLICATE_CODE,
                    f'code also used by "{other[0]}" (row {other[2]} of {other[1]})',
                    item.code,
                )
            )


def _dup_issue(
    file_label: str, item: PowerItem | ServiceItem, code: IssueCode, message: str, value: str | None
) -> RowIssue:
    return RowIssue(
        code=code,
        severity=Severity.WARNING,
        file=file_label,
        sheet=item.source.sheet,
        row=item.source.row,
        column="code" if code is IssueCode.DUPLICATE_CODE else None,
        value=value,
        message=message,
    )


def _file_issue(path: Path, code: IssueCode, severity: Severity, message: str) -> FileReport:
    """A report for a file that gave no records at all, holding the one issue that says why."""
    issue = RowIssue(code=code, severity=severity, file=printable(path.name), message=printable(message))
    return FileReport(file=printable(path.name), kind=ListKind.AUTO, issues=[issue])


def read_files(
    paths: Iterable[Path],
    options: IngestOptions | None = None,
    *,
    on_file: Callable[[Path], None] | None = None,
) -> list[FileReport]:
    """Read many files; a file that cannot be read becomes a report with one unreadable-file issue."""
    reports: list[FileReport] = []
    seen: dict[Path, str] = {}
    for path in paths:
        if on_file is not None:
            on_file(path)
        try:
            resolved = path.resolve()
        except (RuntimeError, OSError):
            message = f"{path}: cannot open (a symbolic link that points back to itself); check the path"
            reports.append(_file_issue(path, IssueCode.UNREADABLE_FILE, Severity.ERROR, message))
            continue
        if resolved in seen:
            message = f"the same file was given twice (as {seen[resolved]}); read once"
            reports.append(_file_issue(path, IssueCode.DUPLICATE_INPUT, Severity.WARNING, message))
            continue
        seen[resolved] = str(path)
        try:
            reports.append(read_file(path, options))
        except UnreadableInputError as exc:
            reports.append(_file_issue(path, IssueCode.UNREADABLE_FILE, Severity.ERROR, str(exc)))
    return reports
