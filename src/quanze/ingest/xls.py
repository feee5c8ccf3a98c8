"""Opening .xls workbooks (BIFF, WPS .et) through xlrd; encrypted workbooks refused."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from quanze.errors import UnreadableInputError
from quanze.ingest.raw import RawSheet, guarded

_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")


def open_xls(path: Path) -> Iterator[RawSheet]:
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
            yield RawSheet(
                name=sh.name,
                rows=guarded(rows(), path, sh.name, "the sheet is damaged"),
                merges=merges,
                hidden=bool(getattr(sh, "visibility", 0)),
                hidden_rows=hidden_rows,
            )
    finally:
        book.release_resources()
