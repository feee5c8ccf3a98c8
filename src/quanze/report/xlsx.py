"""Formatted Excel workbooks for officials: Chinese headings, frozen header, filters, widths, dropdowns, charts.

Written with XlsxWriter in constant-memory mode: every string goes through write_string, so text that
looks like a formula (=, +, -, @) stays text, and province-scale tables stream quickly in little memory.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from quanze.errors import OutputError
from quanze.report.files import write_atomic
from quanze.report.xlsxrows import RowStream
from quanze.sheets import SheetColumn

EXCEL_CELL_LIMIT = 32767
EXCEL_ROW_LIMIT = 1_048_576  # rows of one worksheet; XlsxWriter silently drops writes past it
IN_MEMORY_ROWS = 5_000
"""Up to this many table rows, a workbook's XML parts are zipped from memory, not from a temporary file
each (two dozen files made, written, read back and deleted: most of a small workbook's closing time).
Kept low: a part held in memory is its whole XML text (tens of MB at 20,000 rows), at scale near the
run's peak memory."""
_ILLEGAL = str.maketrans({c: None for c in [*range(0, 9), 11, 12, *range(14, 32)]})
_ILLEGAL_FOUND = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Column:
    """One column of a sheet: the row key, the Chinese heading, a width in characters."""

    key: str
    heading: str
    width: float = 14
    wrap: bool = False
    percent: bool = False
    date: bool = False  # a datetime.date value written as a real date (yyyy-mm-dd)
    decimal: bool = False  # a score: one decimal
    fill_in: bool = False  # shaded: the cell a person fills in


def spec_columns(columns: Sequence[SheetColumn]) -> tuple[Column, ...]:
    """The columns of a table quanze reads back (quanze.sheets), as this writer lays them out."""
    return tuple(
        Column(c.key, c.heading, c.width, wrap=c.wrap, decimal=c.decimal, fill_in=c.fill_in, date=c.date)
        for c in columns
    )


@dataclass(frozen=True)
class Chart:
    """A native horizontal bar chart of some columns of the sheet's rows, placed below the table.

    Bars carry data labels and the first row is drawn on top; several value columns with `stacked`
    make 100 %-stacked bars, so a unit whose share lags stands out whatever its size.
    """

    title: str
    category_column: str
    value_columns: tuple[str, ...]
    y_title: str = ""
    anchor: str | None = None
    percent: bool = False
    kind: str = "bar"  # "bar": horizontal bars below the table; "line": trends over periods
    stacked: bool = False


@dataclass
class Sheet:
    """A sheet: optional title line above the table, columns, rows, dropdowns and charts."""

    name: str
    columns: Sequence[Column]
    rows: Iterable[dict[str, Any]]
    title: str | None = None
    dropdowns: dict[str, Sequence[str]] = field(default_factory=dict)
    hidden: frozenset[str] = frozenset()
    charts: Sequence[Chart] = ()
    footer: Sequence[Sequence[Any]] = ()
    chart_rows: int | None = None  # rows the charts show (a totals row below them is left out)
    notes: Sequence[str] = ()  # lines between the title and the table (what the numbers count)
    freeze_columns: int = 0  # columns that stay in view when scrolling right (the item's name)
    print_columns: int | None = None  # the columns printed (the first ones); machine codes on screen only


@dataclass
class Section:
    """One titled table of a dashboard sheet, with an optional chart of its rows beside it."""

    title: str
    columns: Sequence[Column]
    rows: Sequence[dict[str, Any]]
    chart: Chart | None = None


@dataclass
class Dashboard:
    """A sheet of several small tables one below the other (概览), each with its chart."""

    name: str
    title: str
    sections: Sequence[Section]
    notes: Sequence[str] = ()  # lines under the title (data date, input files)


@dataclass
class Custom:
    """A sheet (or sheets) laid out by its own writer, given the open XlsxWriter workbook."""

    add: Callable[[Any], None]


# Series fills that stay apart when printed in black and white: a dark solid, a hatch, a light solid, a grid
# (the theme's default colours print as one grey). Each series has a thin dark border.
SERIES_FILLS: tuple[dict[str, Any], ...] = (
    {"fill": {"color": "#1F4E78"}},
    {"pattern": {"pattern": "wide_upward_diagonal", "fg_color": "#C00000", "bg_color": "#FFFFFF"}},
    {"fill": {"color": "#BFBFBF"}},
    {"pattern": {"pattern": "small_grid", "fg_color": "#548235", "bg_color": "#FFFFFF"}},
    {"pattern": {"pattern": "dark_vertical", "fg_color": "#7F6000", "bg_color": "#FFFFFF"}},
    {"fill": {"color": "#FFFFFF"}},
)
SERIES_BORDER = {"color": "#404040", "width": 0.75}
# Lines told apart without colour: solid, dashed, dotted … with distinct markers.
LINE_DASHES = ("solid", "dash", "round_dot", "long_dash", "dash_dot", "long_dash_dot_dot")
LINE_MARKERS = ("circle", "square", "diamond", "triangle", "x", "star")
LINE_COLOURS = ("#1F4E78", "#C00000", "#548235", "#7F6000", "#7030A0", "#404040")


def series_fill(n: int) -> dict[str, Any]:
    """The fill of the n-th bar series: explicit, distinct in greyscale (see SERIES_FILLS)."""
    return {**SERIES_FILLS[n % len(SERIES_FILLS)], "border": SERIES_BORDER}


def line_style(n: int) -> dict[str, Any]:
    """The line and marker of the n-th line series: dash pattern and marker set it apart in greyscale."""
    colour = LINE_COLOURS[n % len(LINE_COLOURS)]
    return {
        "line": {"color": colour, "width": 2, "dash_type": LINE_DASHES[n % len(LINE_DASHES)]},
        "marker": {
            "type": LINE_MARKERS[n % len(LINE_MARKERS)],
            "size": 6,
            "border": {"color": colour},
            "fill": {"color": colour if n % 2 == 0 else "#FFFFFF"},
        },
    }


CHART_WIDTH = 760
PAGE_ROWS = 34  # rows of default height on an A4 landscape page at 100 %


def chart_height(count: int) -> int:
    """Pixels for `count` bars: room for every category label (viewers drop labels that would overlap)."""
    per_bar = 30 if count <= 15 else 20
    return min(max(240, 110 + per_bar * count), 700)


def _rows_covered(height_px: int) -> int:
    return math.ceil(height_px / 20) + 1


def _page_setup(ws: Any, header: str, *, repeat: int | None) -> None:
    """Printed by officials: A4 landscape, one page wide, headers repeated, 第 N 页 共 M 页 in the footer."""
    ws.set_paper(9)
    ws.set_landscape()
    ws.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.6)
    ws.fit_to_pages(1, 0)
    if repeat is not None:
        ws.repeat_rows(repeat)
    # The sheet's name on the right, unless the header on the left already is that name.
    # In 宋体 like the handover checklists, so every printed page of quanze carries one footer style.
    right = "" if header == ws.get_name() else '&R&"宋体"&10&A'
    ws.set_header('&L&"宋体"&10' + header.replace("&", "&&") + right, {"margin": 0.3})
    ws.set_footer('&C&"宋体"&10第 &P 页 共 &N 页', {"margin": 0.3})


def _line_chart(wb: Any, spec: Chart, sheet: str, header: int, count: int, keys: Sequence[str]) -> Any:
    """A line chart of `count` table rows (periods) below the header row `header`: one line per column."""
    chart = wb.add_chart({"type": "line"})
    cat = keys.index(spec.category_column)
    for n, key in enumerate(spec.value_columns):
        idx = keys.index(key)
        chart.add_series(
            {
                "name": [sheet, header, idx],
                "categories": [sheet, header + 1, cat, header + count, cat],
                "values": [sheet, header + 1, idx, header + count, idx],
                **line_style(n),
            }
        )
    chart.set_title({"name": spec.title, "name_font": {"size": 12}})
    axis: dict[str, Any] = {"name": spec.y_title, "major_gridlines": {"visible": True}}
    if spec.percent:
        axis.update(min=0, max=1, num_format="0%")
    chart.set_y_axis(axis)
    chart.set_legend({"none": True} if len(spec.value_columns) == 1 else {"position": "bottom"})
    chart.set_size({"width": CHART_WIDTH, "height": chart_height(count)})
    return chart


def _bar_chart(wb: Any, spec: Chart, sheet: str, header: int, count: int, keys: Sequence[str]) -> Any:
    """A horizontal bar chart of `count` table rows below the header row `header` (a line chart for kind line)."""
    if spec.kind == "line":
        return _line_chart(wb, spec, sheet, header, count, keys)
    stacked = spec.stacked and len(spec.value_columns) > 1
    chart = wb.add_chart({"type": "bar", **({"subtype": "percent_stacked"} if stacked else {})})
    cat = keys.index(spec.category_column)
    for n, key in enumerate(spec.value_columns):
        idx = keys.index(key)
        labels: dict[str, Any] = {"value": True}
        if spec.percent:
            labels["num_format"] = "0.0%"
        else:
            labels["num_format"] = "0;-0;;@"  # a zero has no bar; its label would only clutter
        if stacked:
            labels["position"] = "center"
            if n % len(SERIES_FILLS) == 0:
                labels["font"] = {"color": "#FFFFFF", "bold": True}  # on the dark solid segment
        chart.add_series(
            {
                "name": [sheet, header, idx],
                "categories": [sheet, header + 1, cat, header + count, cat],
                "values": [sheet, header + 1, idx, header + count, idx],
                "data_labels": labels,
                **series_fill(n),
                "gap": 60,
                **({"overlap": 100} if stacked else {}),
            }
        )
    chart.set_title({"name": spec.title, "name_font": {"size": 12}})
    axis: dict[str, Any] = {"name": "占比" if stacked else spec.y_title, "major_gridlines": {"visible": True}}
    if spec.percent:
        axis.update(min=0, max=1, num_format="0%")
    chart.set_x_axis(axis)
    # Bar charts draw the first category at the bottom; reverse so the table order reads top-down.
    # The value axis then crosses at the last category, so it stays at the bottom.
    size = 9 if count <= 15 else 8
    chart.set_y_axis({"reverse": True, "crossing": "max", "interval_unit": 1, "num_font": {"size": size}})
    chart.set_legend({"none": True} if len(spec.value_columns) == 1 else {"position": "bottom"})
    chart.set_size({"width": CHART_WIDTH, "height": chart_height(count)})
    return chart


def _write_dashboard(wb: Any, spec: Dashboard, formats: dict[str, Any]) -> None:
    ws = wb.add_worksheet(spec.name[:31])
    widths: dict[int, float] = {}
    for section in spec.sections:
        for i, col in enumerate(section.columns):
            widths[i] = max(widths.get(i, 0), col.width)
    for i, width in widths.items():
        ws.set_column(i, i, width)
    _page_setup(ws, spec.title, repeat=None)
    ws.write_string(0, 0, cell_text(spec.title), formats["title"])
    sheet = spec.name[:31].replace("'", "''")
    r = 1
    for note in spec.notes:
        ws.write_string(r, 0, cell_text(note), formats["note"])
        r += 1
    r += 1
    breaks: list[int] = []
    for n, section in enumerate(spec.sections):
        if n > 1 or (n == 1 and r > PAGE_ROWS // 2):
            breaks.append(r)  # each section but a short first one starts a page
        ws.write_string(r, 0, cell_text(section.title), formats["section"])
        header = r + 1
        keys = [c.key for c in section.columns]
        for i, col in enumerate(section.columns):
            ws.write_string(header, i, col.heading, formats["header"])
        for n, row in enumerate(section.rows, start=1):
            for i, key in enumerate(keys):
                _write(ws, header + n, i, row.get(key), _column_format(section.columns[i], formats))
        count = len(section.rows)
        r = header + count + 2
        if section.chart is not None and count:
            covered = _rows_covered(chart_height(count))
            if count + covered + 4 > PAGE_ROWS:
                breaks.append(r)  # a chart that would not fit under its table goes on the next page
                r += 1
            chart = _bar_chart(wb, section.chart, sheet, header, count, keys)
            ws.insert_chart(r, 0, chart, {"object_position": 3})
            r += covered + 1
    ws.set_h_pagebreaks(breaks)


def _column_format(col: Column, formats: dict[str, Any]) -> Any:
    if col.date:
        return formats["date"]
    if col.fill_in:
        return formats["input"]
    if col.decimal:
        return formats["score"]
    return formats["percent"] if col.percent else formats["wrap"] if col.wrap else formats["cell"]


# Points per line of 11-point text: CJK fonts viewers fall back on (LibreOffice's) need about 16, not 15.
LINE_HEIGHT = 16.0
WRAP_FILL = 0.9  # share of a long line's width that wrapped text fills (word breaks, glyph widths)
MAX_ROW_HEIGHT = 409.0  # Excel's limit


_NARROW_RUN = re.compile("[\x00-\u2e7f]+")


def _display_width(text: str) -> int:
    """Width in Excel character units: a CJK or full-width character (above U+2E7F) takes two."""
    if text.isascii():
        return len(text)
    # What is left once the narrow runs are gone is the wide characters, counted once more: kept in C.
    return len(text) + len(_NARROW_RUN.sub("", text))


def row_height(
    row: Mapping[str, Any], columns: Sequence[Column], hidden: frozenset[str] = frozenset()
) -> float | None:
    """The height that shows every line of the row's wrapped cells (None: one line is enough).

    Viewers do not grow rows for wrapped text in a file written without heights, so a long cell printed
    cut off after its first line; the row's height is set from the longest wrapped cell (hidden columns
    aside).
    """
    return _height(row, _wrapped(columns, hidden))


def _wrapped(columns: Sequence[Column], hidden: frozenset[str]) -> list[tuple[str, int]]:
    """The keys of the wrapped, shown columns with the display width a line of each holds."""
    # A short text fills its width nearly whole; a long one loses a little at each line's end.
    return [
        (col.key, max(int(max(col.width * WRAP_FILL, col.width - 2)), 1))
        for col in columns
        if col.wrap and col.key not in hidden
    ]


def _height(row: Mapping[str, Any], wrapped: Sequence[tuple[str, int]]) -> float | None:
    lines = 1
    for key, per_line in wrapped:
        value = row.get(key)
        if value is None:
            continue
        if value.__class__ is not str:
            value = "；".join(str(v) for v in value) if isinstance(value, (list, tuple)) else str(value)
        most = 2 * len(value)  # display width if every character were wide
        if most <= per_line * lines and "\n" not in value:
            continue  # no more lines than the row has already, even if every character is wide: not measured
        if "\n" in value:
            here = sum(max(math.ceil(_display_width(part) / per_line), 1) for part in value.split("\n"))
        else:
            here = math.ceil(_display_width(value) / per_line)
        if here > lines:
            lines = here
    return None if lines == 1 else lines_height(lines)


def lines_height(lines: int) -> float:
    """The height of a row of `lines` wrapped lines, with one spare line: the estimate of where a viewer
    wraps is close, not exact, and a row one line short printed its last line cut off."""
    return min((lines + 1) * LINE_HEIGHT, MAX_ROW_HEIGHT)


def cell_text(value: str) -> str:
    """Text a cell can hold: characters XML 1.0 forbids dropped, cut with … at Excel's 32,767 characters."""
    if _ILLEGAL_FOUND.search(value) is not None:  # a search is ten times cheaper than the translate
        value = value.translate(_ILLEGAL)
    return value if len(value) <= EXCEL_CELL_LIMIT else value[: EXCEL_CELL_LIMIT - 1] + "…"


def _write(ws: Any, row: int, col: int, value: Any, fmt: Any) -> None:
    if value is None:
        done = ws.write_blank(row, col, None, fmt)
    elif isinstance(value, str):
        done = ws.write_string(row, col, cell_text(value), fmt)
    elif isinstance(value, bool):
        done = ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float)):
        done = ws.write_number(row, col, value, fmt)
    elif isinstance(value, date):
        done = ws.write_datetime(row, col, datetime(value.year, value.month, value.day), fmt)
    elif isinstance(value, (list, tuple)):
        done = ws.write_string(row, col, cell_text("；".join(str(v) for v in value)), fmt)
    else:
        done = ws.write_string(row, col, cell_text(str(value)), fmt)
    if done == -1:
        # XlsxWriter returns -1 and writes nothing for a cell outside the sheet: never lose it quietly.
        raise OutputError(
            f"sheet {ws.get_name()}: row {row + 1}, column {col + 1} is outside what a worksheet can hold",
            hint="report this as a bug in quanze: its sheets split before the row limit",
        )


def unique_sheet_name(name: str, taken: set[str], *, limit: int = 31) -> str:
    """A legal sheet name for `name`, unique (as Excel compares: ignoring case) among `taken`, which it joins.

    Excel refuses []:*?/\\ in a sheet name, a leading or trailing apostrophe and more than 31 characters, and
    two names that differ only in case; a unit or department name may hold any of these.
    """
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:limit].strip().strip("'").strip() or "sheet"
    seen = {t.casefold() for t in taken}
    out, n = base, 2
    while out.casefold() in seen:
        suffix = f"_{n}"
        out, n = base[: limit - len(suffix)] + suffix, n + 1
    taken.add(out)
    return out


def _picker(keys: Sequence[str]) -> Callable[[Mapping[str, Any]], Sequence[Any]]:
    """A row's values in column order, None where a key is missing."""
    return lambda row: [row.get(k) for k in keys]


def part_name(name: str, part: int) -> str:
    """The name of a continuation sheet: 已匹配, 已匹配 (2), 已匹配 (3) … within Excel's 31 characters."""
    if part == 1:
        return name[:31]
    suffix = f" ({part})"
    return name[: 31 - len(suffix)] + suffix


def _start_part(
    wb: Any, spec: Sheet, formats: dict[str, Any], part: int, columns: Sequence[Column], header_row: int
) -> Any:
    ws = wb.add_worksheet(part_name(spec.name, part))
    for i, col in enumerate(columns):
        ws.set_column(i, i, col.width, None, {"hidden": col.key in spec.hidden})
    ws.freeze_panes(header_row + 1, spec.freeze_columns)
    _page_setup(ws, spec.title or spec.name, repeat=header_row)
    if spec.title:
        ws.write_string(0, 0, cell_text(spec.title), formats["title"])
    for n, note in enumerate(spec.notes, start=1 if spec.title else 0):
        ws.write_string(n, 0, cell_text(note), formats["note"])
    heading_height = row_height({c.key: c.heading for c in columns}, [replace(c, wrap=True) for c in columns])
    if heading_height is not None:
        ws.set_row(header_row, heading_height)
    for i, col in enumerate(columns):
        ws.write_string(header_row, i, col.heading, formats["header"])
    return ws


def _finish_part(ws: Any, spec: Sheet, keys: Sequence[str], header_row: int, last: int) -> None:
    ws.autofilter(header_row, 0, max(last, header_row + 1), max(len(keys) - 1, 0))
    if spec.print_columns is not None:
        # Narrower on paper, so the type is larger; the rows below a table (its footer) print too.
        ws.print_area(0, 0, max(last, header_row + 1) + len(spec.footer), spec.print_columns - 1)
    for key, choices in spec.dropdowns.items():
        idx = keys.index(key)
        ws.data_validation(
            header_row + 1,
            idx,
            max(last, header_row + 1000),
            idx,
            {
                "validate": "list",
                "source": list(choices),
                "error_title": "请从下拉列表选择",
                "error_message": "只能填写：" + "、".join(choices),
            },
        )


def _write_sheet(wb: Any, spec: Sheet, formats: dict[str, Any], *, row_limit: int = EXCEL_ROW_LIMIT) -> int:
    """One table; rows past `row_limit` go on continuation sheets (名称 (2) …) with the header repeated.

    Returns the number of table rows written."""
    columns = list(spec.columns)
    header_row = (1 if spec.title else 0) + len(spec.notes)
    # The footer lines and the charts stay under the last part; leave them room on it.
    room = row_limit - header_row - 1 - len(spec.footer) - (2 + 36 * len(spec.charts) if spec.charts else 0)
    if room < 1:
        raise OutputError(f"sheet {spec.name}: a row limit of {row_limit} leaves no room for its rows")
    part = 1
    ws = _start_part(wb, spec, formats, part, columns, header_row)
    cell_formats = [_column_format(c, formats) for c in columns]
    keys = [c.key for c in columns]
    wrapped = _wrapped(columns, spec.hidden)
    pick = _picker(keys)
    stream = RowStream(ws, cell_formats, cell_text) if RowStream.usable(ws) else None
    r = header_row
    count = 0
    for row in spec.rows:
        if r - header_row == room:
            if stream is not None:
                stream.finish()
            _finish_part(ws, spec, keys, header_row, r)
            part += 1
            ws = _start_part(wb, spec, formats, part, columns, header_row)
            stream = RowStream(ws, cell_formats, cell_text) if stream is not None else None
            r = header_row
        r += 1
        count += 1
        height = _height(row, wrapped)
        values = pick(row)
        if stream is not None and stream.write(r, values, height):
            continue
        if height is not None:
            ws.set_row(r, height)
        for i, value in enumerate(values):
            _write(ws, r, i, value, cell_formats[i])
    if stream is not None:
        stream.finish()
    _finish_part(ws, spec, keys, header_row, r)
    for line in spec.footer:
        r += 1
        for i, value in enumerate(line):
            # A number under a column keeps the column's format (a 合计 row's 交接率 is a percentage too).
            number = isinstance(value, (int, float)) and not isinstance(value, bool) and i < len(cell_formats)
            _write(ws, r, i, value, cell_formats[i] if number else None)
    if part > 1:
        return count  # charts of a table that filled several sheets would show one part only; tables that big have none
    sheet = spec.name[:31].replace("'", "''")
    shown = count if spec.chart_rows is None else min(count, spec.chart_rows)
    below = r + 2
    breaks: list[int] = []
    for chart_spec in spec.charts:
        if shown == 0:
            break
        covered = _rows_covered(chart_height(shown))
        if chart_spec.anchor is None and below + covered > PAGE_ROWS:
            # A chart that would run over a page break starts its own page, so no page cuts it in two
            # (a row below the break: a viewer draws a chart's top edge on the row above it).
            breaks.append(below)
            below += 1
        chart = _bar_chart(wb, chart_spec, sheet, header_row, shown, keys)
        ws.insert_chart(chart_spec.anchor or f"A{below + 1}", chart, {"object_position": 3})
        below += covered + 1
    if breaks:
        ws.set_h_pagebreaks(breaks)
    return count


def write_workbook(
    path: Path,
    sheets: Sequence[Sheet | Dashboard | Custom],
    *,
    constant_memory: bool = True,
    row_limit: int = EXCEL_ROW_LIMIT,
) -> None:
    """Write a workbook atomically, streaming rows (constant memory) unless a custom layout needs it off.

    A table longer than a worksheet holds continues on sheets named 名称 (2), 名称 (3) …; no row is lost.
    `row_limit` is the rows a worksheet holds (tests lower it).
    """

    def write(tmp: Path) -> None:
        wb = xlsxwriter.Workbook(
            str(tmp),
            {
                "constant_memory": constant_memory,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        border = {"border": 1, "border_color": "#BFBFBF"}
        formats = {
            "title": wb.add_format({"bold": True, "font_size": 14}),
            "header": wb.add_format(
                {
                    "bold": True,
                    "font_color": "#FFFFFF",
                    "bg_color": "#1F4E78",
                    "align": "center",
                    "valign": "vcenter",
                    "text_wrap": True,
                    **border,
                }
            ),
            "cell": wb.add_format({"valign": "top", **border}),
            "wrap": wb.add_format({"valign": "top", "text_wrap": True, **border}),
            "percent": wb.add_format({"valign": "top", "num_format": "0.0%", **border}),
            "date": wb.add_format({"valign": "top", "num_format": "yyyy-mm-dd", **border}),
            "score": wb.add_format({"valign": "top", "num_format": "0.0", **border}),
            "input": wb.add_format({"valign": "top", "bg_color": "#FFF2CC", **border}),
        }
        formats["section"] = wb.add_format({"bold": True, "font_size": 12, "font_color": "#1F4E78"})
        formats["note"] = wb.add_format({"font_color": "#404040"})
        rows = 0
        for spec in sheets:
            if isinstance(spec, Custom):
                spec.add(wb)
                rows += IN_MEMORY_ROWS + 1  # a layout of its own, of unknown size: zipped from files
            elif isinstance(spec, Dashboard):
                _write_dashboard(wb, spec, formats)
            else:
                rows += _write_sheet(wb, spec, formats, row_limit=row_limit)
        # Read by XlsxWriter only when it zips the parts (close); a worksheet's rows still stream to its file.
        wb.in_memory = rows <= IN_MEMORY_ROWS
        wb.close()

    write_atomic(path, write)
