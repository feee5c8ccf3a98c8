"""Opening .xlsx workbooks: calamine when the pre-scan finds the workbook plain, else openpyxl (merges,
hidden rows and formulas found by a byte scan); Strict Open XML through a transitional copy."""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from quanze.cellref import column_letter
from quanze.errors import UnreadableInputError
from quanze.ingest.formats import strict_as_transitional
from quanze.ingest.raw import DAMAGED, RawSheet, guarded
from quanze.ingest.xlsx_fast import UsedRangeTooLarge, read_fast, scan_sheet

# openpyxl warns on stderr about parts of a damaged workbook it skips; ingest reports what matters itself.
warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")


def _xlsx_scan(
    path: Path, sheet_path: str | None, data: bytes | None = None
) -> tuple[list[tuple[int, int, int, int]], bool, set[int]]:
    """Merged ranges (read-only mode does not keep them), whether there are formulas, and hidden rows of one
    sheet, found by the fast reader's byte scan of its XML (scan_sheet).

    A byte scan expands no entities, so it is safe on hostile files; openpyxl's own parse of the same
    sheet goes through defusedxml and refuses entity declarations.
    """
    if not sheet_path:
        return [], False, set()
    with zipfile.ZipFile(io.BytesIO(data) if data is not None else path) as zf:
        scan = scan_sheet(zf, sheet_path.lstrip("/"))
    return scan.merges, scan.formulas, scan.hidden_rows


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


def open_xlsx(path: Path, *, strict: bool = False) -> Iterator[RawSheet]:
    if not strict:
        fast = _read_fast(path)
        if fast is not None:
            yield from fast
            return
    # A Strict Open XML workbook is read through a copy with the transitional namespaces.
    data = strict_as_transitional(path) if strict else None
    with io.BytesIO(data) if data is not None else path.open("rb") as fh:
        yield from _read_xlsx(path, fh, data)


def _read_fast(path: Path) -> list[RawSheet] | None:
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
        RawSheet(
            name=sheet.name,
            rows=guarded(sheet.rows, path, sheet.name),
            merges=sheet.scan.merges,
            formulas=sheet.scan.unvalued_formulas,
            hidden=sheet.hidden,
            hidden_rows=sheet.scan.hidden_rows,
        )
        for sheet in fast
    ]


def _read_xlsx(path: Path, fh: IO[bytes], data: bytes | None) -> Iterator[RawSheet]:
    import openpyxl
    from defusedxml import DefusedXmlException
    from openpyxl.utils.exceptions import InvalidFileException

    opening: tuple[type[BaseException], ...] = (*DAMAGED, InvalidFileException)
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
            except DAMAGED as exc:
                raise UnreadableInputError(
                    f"{path} › {ws.title}: the sheet is damaged ({type(exc).__name__}: {exc})",
                    hint="the file may be truncated; open it in Excel or WPS and save it again, or export it again",
                ) from exc
            # Many exports carry a wrong <dimension>: read what is there, not what it claims.
            ws.reset_dimensions()
            rows = guarded(([_xlsx_cell_value(c) for c in row] for row in ws.iter_rows()), path, ws.title)
            yield RawSheet(
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
