"""Table rows streamed straight into an XlsxWriter worksheet's row file, as XlsxWriter itself would write them.

XlsxWriter spends about 5 µs on each cell (argument checks, a cell tuple, attribute lists, escaping by
regular expression), which made the province's report.xlsx most of the reports stage. In constant-memory
mode a worksheet writes each finished row as XML to a temporary file; RowStream writes the rows of a
table to that file itself, with the same XML, one string per row. The worksheet stays XlsxWriter's: its
dimensions and row sizes are kept up to date, and a row holding a value this stream does not write
(a date, a boolean, a number that is not finite) is handed back to be written through XlsxWriter's own
calls. tests/test_report_xlsxrows.py checks that the sheets are the same as XlsxWriter's own, XML and all.

One deliberate difference: XlsxWriter writes a text that starts with "<r>" and ends with "</r>" as raw
rich-text XML (a corrupt or altered cell); here it is escaped like any other text, so it stays text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.xmlwriter import XMLwriter

# Characters after which a text needs XlsxWriter's full treatment: control characters (written _xHHHH_),
# a literal "_x" escape, the two non-characters, and the XML specials. Other text is written as it is.
_NEEDS_ESCAPING = re.compile("[\x00-\x08\x0b-\x1f_\ufffe\uffff&<>]")
_STRING_MAX = 32767  # UTF-16 units; XlsxWriter truncates longer text
_SHORT = _STRING_MAX // 2  # a text this long or shorter is never cut (by quanze's _text or XlsxWriter)
_FLUSH_ROWS = 2000  # rows joined into one write to the row file


def _utf16_len(text: str) -> int:
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def _utf16_truncate(text: str, limit: int) -> str:
    units = 0
    for i, c in enumerate(text):
        units += 2 if ord(c) > 0xFFFF else 1
        if units > limit:
            return text[:i]
    return text


def _escaped(text: str) -> str:
    """Cell text as XlsxWriter writes it inline: control characters as _xHHHH_, then & < > escaped."""
    text = XMLwriter._escape_control_characters(text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def inline_string(ref: str, style: str, text: str) -> str:
    """One text cell, `style` being ' s="N"' or ''."""
    if len(text) > _STRING_MAX // 2 and _utf16_len(text) > _STRING_MAX:
        text = _utf16_truncate(text, _STRING_MAX)
    if _NEEDS_ESCAPING.search(text) is not None:
        text = _escaped(text)
    if text and (text[0].isspace() or text[-1].isspace()):
        return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    return f'<c r="{ref}"{style} t="inlineStr"><is><t>{text}</t></is></c>'


# The worksheet's attributes this stream reads or keeps up to date (XlsxWriter 3.x).
_USED = (
    "fh",
    "previous_row",
    "table",
    "row_sizes",
    "col_info",
    "_write_single_row",
    "dim_rowmin",
    "dim_rowmax",
    "dim_colmin",
    "dim_colmax",
    "xls_rowmax",
    "xls_colmax",
    "excel_version",
    "default_row_height",
    "original_row_height",
)


class RowStream:
    """Writes whole rows of one worksheet (constant-memory mode) straight to its row file.

    `formats` are the cells' formats by column; `text` turns a value into the cell's text exactly as
    the caller's own writer does (illegal characters removed, the cell limit kept); it must leave a text
    shorter than half the cell limit, without control characters, as it is (such text skips it).
    """

    def __init__(self, ws: Any, formats: Sequence[Any], text: Callable[[str], str]) -> None:
        self.ws = ws
        self.text = text
        self.formats = list(formats)
        # XlsxWriter numbers a format when a cell of it is first written, so the styles are looked up
        # the same way: after the rows XlsxWriter holds, column by column as cells appear.
        self.styles: list[str] = [""] * len(formats)
        self.unresolved = set(range(len(formats)))
        self.letters = [xl_col_to_name(col) for col in range(len(formats))]
        self.buffer: list[str] = []
        self.pending = True  # the worksheet may hold a row written through XlsxWriter, not yet flushed
        self.first = -1
        self.last = -1
        self.min_col: int | None = None
        self.max_col = -1

    @staticmethod
    def usable(ws: Any) -> bool:
        """Whether the worksheet streams its rows (constant-memory mode) through the attributes used here."""
        return (
            bool(getattr(ws, "constant_memory", False))
            and all(hasattr(ws, name) for name in _USED)
            and hasattr(XMLwriter, "_escape_control_characters")
        )

    def write(self, row: int, values: Sequence[Any], height: float | None) -> bool:
        """Write one row (0-based, past every row written before); False when a value needs XlsxWriter.

        On False nothing of the row is written: the caller writes it through XlsxWriter's calls, and
        the next row written here flushes it first.
        """
        ws = self.ws
        if row >= ws.xls_rowmax or len(values) > ws.xls_colmax:
            return self._hand_back(row)  # XlsxWriter's calls refuse it, and the caller says so
        if self.pending:
            self._flush_worksheet(row)
        if self.unresolved:
            self._resolve(values)
        cells = []
        first = last = -1
        number = str(row + 1)
        text = self.text
        formats = self.formats
        styles = self.styles
        letters = self.letters
        plain = _NEEDS_ESCAPING.search
        for col, value in enumerate(values):
            cls = value.__class__
            if cls is str:
                if len(value) <= _SHORT and plain(value) is None:  # most cells: nothing to clean or escape
                    if value and (value[0].isspace() or value[-1].isspace()):
                        cell = f'<c r="{letters[col]}{number}"{styles[col]} t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'
                    else:
                        cell = f'<c r="{letters[col]}{number}"{styles[col]} t="inlineStr"><is><t>{value}</t></is></c>'
                else:
                    cell = inline_string(letters[col] + number, styles[col], text(value))
            elif value is None:
                if formats[col] is None:
                    continue  # XlsxWriter writes no blank cell without a format
                cell = f'<c r="{letters[col]}{number}"{styles[col]}/>'
            elif cls is float or cls is int:
                if value - value != 0:  # NaN or infinite: XlsxWriter's own call says what is wrong
                    return self._hand_back(row)
                cell = f'<c r="{letters[col]}{number}"{styles[col]}><v>{value:.16G}</v></c>'
            elif cls is list or cls is tuple:
                joined = "；".join(str(v) for v in value)
                cell = inline_string(letters[col] + number, styles[col], text(joined))
            else:  # booleans, dates, subclasses of str or int: as XlsxWriter's calls write them
                return self._hand_back(row)
            cells.append(cell)
            if first < 0:
                first = col
            last = col
        if not cells and height is None:
            return True  # XlsxWriter writes no row without cells or a height
        if cells:
            self.buffer.append(_row_start(ws, row, height) + "".join(cells) + "</row>")
            self.min_col = first if self.min_col is None else min(self.min_col, first)
            self.max_col = max(self.max_col, last)
        else:
            self.buffer.append(_row_start(ws, row, height, empty=True))
        if self.first < 0:
            self.first = row
        self.last = row
        if len(self.buffer) >= _FLUSH_ROWS:
            self._flush()
        return True

    def _resolve(self, values: Sequence[Any]) -> None:
        for col, value in enumerate(values):
            if col in self.unresolved and (value is not None or self.formats[col] is not None):
                self.styles[col] = _style(self.ws, col, self.formats[col])
                self.unresolved.discard(col)

    def finish(self) -> None:
        """Write what is buffered and leave the worksheet as if XlsxWriter had written the rows."""
        self._flush()

    def _hand_back(self, row: int) -> bool:
        self._flush()
        if self.pending:
            self._flush_worksheet(row)
        self.ws.previous_row = row
        self.pending = True
        return False

    def _flush_worksheet(self, row: int) -> None:
        """Let XlsxWriter write the row it holds (a heading, a handed-back row) before row `row`."""
        self._flush()
        self.ws._write_single_row(row)
        self.pending = False

    def _flush(self) -> None:
        ws = self.ws
        if self.buffer:
            ws.fh.write("".join(self.buffer))
            self.buffer.clear()
        if self.last < 0:
            return
        # What XlsxWriter's per-cell checks would have recorded for these rows.
        ws.previous_row = max(ws.previous_row, self.last)
        if ws.dim_rowmin is None or self.first < ws.dim_rowmin:
            ws.dim_rowmin = self.first
        if ws.dim_rowmax is None or self.last > ws.dim_rowmax:
            ws.dim_rowmax = self.last
        if self.min_col is not None:
            if ws.dim_colmin is None or self.min_col < ws.dim_colmin:
                ws.dim_colmin = self.min_col
            if ws.dim_colmax is None or self.max_col > ws.dim_colmax:
                ws.dim_colmax = self.max_col


def _style(ws: Any, col: int, fmt: Any) -> str:
    """The cell's style attribute as XlsxWriter writes it (the cell's format, else its column's)."""
    if fmt is not None:
        return f' s="{fmt._get_xf_index()}"'
    info = ws.col_info.get(col)
    if info is not None and info.column_format is not None:
        return f' s="{info.column_format._get_xf_index()}"'
    return ""


def _row_start(ws: Any, row: int, height: float | None, *, empty: bool = False) -> str:
    """The <row> tag XlsxWriter writes for a row given this height in points (set_row's rounding)."""
    end = "/>" if empty else ">"
    dy = ' x14ac:dyDescent="0.25"' if ws.excel_version == 2010 else ""
    if height is None:
        pixels = ws.default_row_height
    else:
        pixels = int(height * 4.0 / 3.0 + 0.5)
        ws.row_sizes[row] = [pixels, False]
    if pixels != ws.original_row_height or pixels != ws.default_row_height:
        return f'<row r="{row + 1}" ht="{pixels * 0.75:.16g}" customHeight="1"{dy}{end}'
    return f'<row r="{row + 1}"{dy}{end}'
