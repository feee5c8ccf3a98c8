"""Formatted Excel workbooks for officials: Chinese headings, frozen header, filters, widths, dropdowns, charts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from quanze.report.files import write_atomic

EXCEL_CELL_LIMIT = 32767
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_TITLE_FONT = Font(bold=True, size=14)
_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass(frozen=True)
class Column:
    """One column of a sheet: the row key, the Chinese heading, a width in characters."""

    key: str
    heading: str
    width: float = 14
    wrap: bool = False


@dataclass(frozen=True)
class Chart:
    """A native bar chart of some columns of the sheet's rows, placed beside the table."""

    title: str
    category_column: str
    value_columns: tuple[str, ...]
    y_title: str = ""
    anchor: str | None = None


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


def _cell(
    ws: Any,
    value: Any,
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
    alignment: Alignment | None = None,
    border: Border | None = None,
) -> Any:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if len(value) > EXCEL_CELL_LIMIT:
            value = value[: EXCEL_CELL_LIMIT - 1] + "…"
    elif isinstance(value, (list, tuple)):
        value = "；".join(str(v) for v in value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        # Text is text: a name such as "=HYPERLINK(…)" must never become a live formula.
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    if border is not None:
        cell.border = border
    return cell


def _write_sheet(wb: Workbook, spec: Sheet) -> None:
    ws = wb.create_sheet(spec.name[:31])
    columns = list(spec.columns)
    last_col = get_column_letter(max(len(columns), 1))
    for i, col in enumerate(columns, start=1):
        dim = ws.column_dimensions[get_column_letter(i)]
        dim.width = col.width
        if col.key in spec.hidden:
            dim.hidden = True
    header_row = 2 if spec.title else 1
    # Write-only sheets emit their view with the first row: freeze before appending anything.
    ws.freeze_panes = f"A{header_row + 1}"
    if spec.title:
        ws.append([_cell(ws, spec.title, font=_TITLE_FONT)])
    ws.append(
        [
            _cell(ws, c.heading, font=_HEADER_FONT, fill=_HEADER_FILL, alignment=_CENTER, border=_BORDER)
            for c in columns
        ]
    )
    count = 0
    for row in spec.rows:
        ws.append(
            [_cell(ws, row.get(c.key), alignment=_WRAP if c.wrap else None, border=_BORDER) for c in columns]
        )
        count += 1
    last_row = header_row + max(count, 1)
    ws.auto_filter.ref = f"A{header_row}:{last_col}{last_row}"
    for key, choices in spec.dropdowns.items():
        idx = next(i for i, c in enumerate(columns, start=1) if c.key == key)
        dv = DataValidation(
            type="list",
            formula1='"' + ",".join(choices) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="请从下拉列表选择",
            error="只能填写：" + "、".join(choices),
        )
        letter = get_column_letter(idx)
        dv.add(f"{letter}{header_row + 1}:{letter}{max(last_row, header_row + 1000)}")
        ws.data_validations.append(dv)
    for line in spec.footer:
        ws.append([_cell(ws, v) for v in line])
    for n, chart_spec in enumerate(spec.charts):
        if count == 0:
            break
        chart = BarChart()
        chart.type = "col"
        chart.title = chart_spec.title
        chart.y_axis.title = chart_spec.y_title
        chart.height = 8
        chart.width = max(12, min(30, int(count * 1.5)))
        keys = [c.key for c in columns]
        cat_idx = keys.index(chart_spec.category_column) + 1
        for key in chart_spec.value_columns:
            idx = keys.index(key) + 1
            ref = Reference(ws, min_col=idx, min_row=header_row, max_row=header_row + count)
            chart.add_data(ref, titles_from_data=True)
        chart.set_categories(
            Reference(ws, min_col=cat_idx, min_row=header_row + 1, max_row=header_row + count)
        )
        ws.add_chart(
            chart, chart_spec.anchor or f"{get_column_letter(len(columns) + 2)}{header_row + n * 18}"
        )


def write_workbook(path: Path, sheets: Sequence[Sheet]) -> None:
    """Write a workbook atomically (streamed: province-scale tables fit in little memory)."""

    def write(tmp: Path) -> None:
        wb = Workbook(write_only=True)
        for spec in sheets:
            _write_sheet(wb, spec)
        wb.save(tmp)

    write_atomic(path, write)
