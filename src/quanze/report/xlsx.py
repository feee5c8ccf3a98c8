"""Formatted Excel workbooks for officials: Chinese headings, frozen header, filters, widths, dropdowns, charts.

Written with XlsxWriter in constant-memory mode: every string goes through write_string, so text that
looks like a formula (=, +, -, @) stays text, and province-scale tables stream quickly in little memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from quanze.report.files import write_atomic

EXCEL_CELL_LIMIT = 32767
_ILLEGAL = str.maketrans({c: None for c in [*range(0, 9), 11, 12, *range(14, 32)]})


@dataclass(frozen=True)
class Column:
    """One column of a sheet: the row key, the Chinese heading, a width in characters."""

    key: str
    heading: str
    width: float = 14
    wrap: bool = False
    percent: bool = False


@dataclass(frozen=True)
class Chart:
    """A native chart (bars by default, or lines) of some columns of the sheet's rows, placed beside the table."""

    title: str
    category_column: str
    value_columns: tuple[str, ...]
    y_title: str = ""
    anchor: str | None = None
    percent: bool = False
    kind: str = "column"  # an XlsxWriter chart type: column, line (trends over periods) …


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


def _write_dashboard(wb: Any, spec: Dashboard, formats: dict[str, Any]) -> None:
    ws = wb.add_worksheet(spec.name[:31])
    widths: dict[int, float] = {}
    for section in spec.sections:
        for i, col in enumerate(section.columns):
            widths[i] = max(widths.get(i, 0), col.width)
    for i, width in widths.items():
        ws.set_column(i, i, width)
    ws.write_string(0, 0, _text(spec.title), formats["title"])
    sheet = spec.name[:31].replace("'", "''")
    r = 2
    for section in spec.sections:
        ws.write_string(r, 0, _text(section.title), formats["section"])
        header = r + 1
        keys = [c.key for c in section.columns]
        for i, col in enumerate(section.columns):
            ws.write_string(header, i, col.heading, formats["header"])
        for n, row in enumerate(section.rows, start=1):
            for i, key in enumerate(keys):
                _write(ws, header + n, i, row.get(key), _column_format(section.columns[i], formats))
        count = len(section.rows)
        if section.chart is not None and count:
            chart = wb.add_chart({"type": section.chart.kind})
            cat = keys.index(section.chart.category_column)
            for key in section.chart.value_columns:
                idx = keys.index(key)
                chart.add_series(
                    {
                        "name": [sheet, header, idx],
                        "categories": [sheet, header + 1, cat, header + count, cat],
                        "values": [sheet, header + 1, idx, header + count, idx],
                    }
                )
            _style_chart(chart, section.chart)
            chart.set_size({"width": max(480, min(1400, count * 40)), "height": 300})
            ws.insert_chart(header, len(keys) + 1, chart)
        # Leave room for the chart (about 15 rows) before the next section.
        r = header + max(count, 15 if section.chart is not None and count else 0) + 3


def _style_chart(chart: Any, spec: Chart) -> None:
    chart.set_title({"name": spec.title})
    axis: dict[str, Any] = {"name": spec.y_title}
    if spec.percent:
        axis.update(min=0, max=1, num_format="0%")
    chart.set_y_axis(axis)
    if len(spec.value_columns) == 1:
        chart.set_legend({"none": True})


def _column_format(col: Column, formats: dict[str, Any]) -> Any:
    return formats["percent"] if col.percent else formats["wrap"] if col.wrap else formats["cell"]


def _text(value: str) -> str:
    value = value.translate(_ILLEGAL)
    return value if len(value) <= EXCEL_CELL_LIMIT else value[: EXCEL_CELL_LIMIT - 1] + "…"


def _write(ws: Any, row: int, col: int, value: Any, fmt: Any) -> None:
    if value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, str):
        ws.write_string(row, col, _text(value), fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, (list, tuple)):
        ws.write_string(row, col, _text("；".join(str(v) for v in value)), fmt)
    else:
        ws.write_string(row, col, _text(str(value)), fmt)


def _write_sheet(wb: Any, spec: Sheet, formats: dict[str, Any]) -> None:
    ws = wb.add_worksheet(spec.name[:31])
    columns = list(spec.columns)
    header_row = 1 if spec.title else 0
    for i, col in enumerate(columns):
        ws.set_column(i, i, col.width, None, {"hidden": col.key in spec.hidden})
    ws.freeze_panes(header_row + 1, 0)
    # Printed by officials: A4 landscape, one page wide, the header row on every page.
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    if spec.title:
        ws.write_string(0, 0, _text(spec.title), formats["title"])
    for i, col in enumerate(columns):
        ws.write_string(header_row, i, col.heading, formats["header"])
    cell_formats = [_column_format(c, formats) for c in columns]
    keys = [c.key for c in columns]
    r = header_row
    for row in spec.rows:
        r += 1
        for i, key in enumerate(keys):
            _write(ws, r, i, row.get(key), cell_formats[i])
    count = r - header_row
    ws.autofilter(header_row, 0, max(r, header_row + 1), max(len(columns) - 1, 0))
    for key, choices in spec.dropdowns.items():
        idx = keys.index(key)
        ws.data_validation(
            header_row + 1,
            idx,
            max(r, header_row + 1000),
            idx,
            {
                "validate": "list",
                "source": list(choices),
                "error_title": "请从下拉列表选择",
                "error_message": "只能填写：" + "、".join(choices),
            },
        )
    for line in spec.footer:
        r += 1
        for i, value in enumerate(line):
            _write(ws, r, i, value, None)
    sheet = spec.name[:31].replace("'", "''")
    for n, chart_spec in enumerate(spec.charts):
        if count == 0:
            break
        chart = wb.add_chart({"type": chart_spec.kind})
        cat = keys.index(chart_spec.category_column)
        for key in chart_spec.value_columns:
            idx = keys.index(key)
            chart.add_series(
                {
                    "name": [sheet, header_row, idx],
                    "categories": [sheet, header_row + 1, cat, header_row + count, cat],
                    "values": [sheet, header_row + 1, idx, header_row + count, idx],
                }
            )
        _style_chart(chart, chart_spec)
        chart.set_size({"width": max(480, min(1400, count * 40)), "height": 320})
        anchor = chart_spec.anchor or f"{xl_col_to_name(len(columns) + 1)}{header_row + 1 + n * 18}"
        ws.insert_chart(anchor, chart)


def write_workbook(path: Path, sheets: Sequence[Sheet | Dashboard]) -> None:
    """Write a workbook atomically, streaming rows (constant memory)."""

    def write(tmp: Path) -> None:
        wb = xlsxwriter.Workbook(
            str(tmp),
            {
                "constant_memory": True,
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
        }
        formats["section"] = wb.add_format({"bold": True, "font_size": 12, "font_color": "#1F4E78"})
        for spec in sheets:
            if isinstance(spec, Dashboard):
                _write_dashboard(wb, spec, formats)
            else:
                _write_sheet(wb, spec, formats)
        wb.close()

    write_atomic(path, write)
