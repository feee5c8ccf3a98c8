"""The handover checklist as a document both sides sign: a section per handing department, signature blocks.

Each section (移交部门 → 接收部门) starts on a new page and ends with its own signature and seal block;
pages are broken here, so a block never runs onto the next page and a page a section runs onto names it
again; the page header names the unit and the footer counts pages (第 N 页 共 M 页). Refused and unlisted items
are on a sheet of their own. The sheet is protected except the cells the unit fills in (交接状态, 交接日期,
备注); hidden columns keep the unit and departments for `quanze handover progress`.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_range, xl_rowcol_to_cell

from quanze.errors import OutputError
from quanze.handover import DEFAULT_MATERIALS, NO_LIST, STATUS_CHOICES, HandoverRow, sections
from quanze.report.files import write_atomic
from quanze.report.xlsx import EXCEL_ROW_LIMIT, cell_text, unique_sheet_name
from quanze.sheets import CHECKLIST, checklist_columns

FONT = "宋体"
# Points per line of 11 pt CJK text: 宋体 needs 14.25, the CJK fonts LibreOffice falls back on about 16.
LINE_HEIGHT = 16.0
ROW_PADDING = 4.0
CJK_GLYPH_PX = 11 * 96 / 72
HALF_GLYPH_PX = CJK_GLYPH_PX * 0.55  # a little wider than 宋体's half: a fallback font's Latin glyphs
CELL_PADDING_PX = 8.0
# A4 landscape less the margins set below: 297 × 210 mm, left/right 0.4 in, top 0.75 in, bottom 0.6 in.
PRINTABLE_WIDTH_PX = (297 / 25.4 - 0.8) * 96
PRINTABLE_HEIGHT_PT = (210 / 25.4 - 0.75 - 0.6) * 72
PAGE_SAFETY = 0.95
HEADER_HEIGHT = 22.0
SECTION_HEIGHT = 24.0
SIGN_HEIGHT = 36.0
SPACER_HEIGHT = 15.0
DATE_FORMAT = "yyyy-mm-dd"
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
CN_DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class Field:
    key: str
    heading: str
    width: float
    wrap: bool = False
    fill: bool = False  # filled in by the unit: left unlocked
    hidden: bool = False


def checklist_fields(*, deadline: bool) -> tuple[Field, ...]:
    """The columns of the pages to sign (quanze.sheets.CHECKLIST, which the read-back uses too)."""
    return tuple(
        Field(c.key, c.heading, c.width, wrap=c.wrap, fill=c.fill_in, hidden=c.hidden)
        for c in checklist_columns(deadline=deadline)
    )


def _listed(key: str, width: float) -> Field:
    """A checklist column as the 未认领事项 sheet shows it: wrapped, at its own width."""
    return Field(key, CHECKLIST.heading(key), width, wrap=key != "no")


OTHER_FIELDS = (
    _listed("no", 5),
    _listed("list_no", 9),
    _listed("handing_department", 22),
    _listed("item_code", 20),
    _listed("item_name", 36),
    _listed("mode", 9),
    Field("acceptance", "认领情况", 14, wrap=True),
    Field("explanation", "处理意见", 36, wrap=True),
)
OVERSIGHT_TITLE = "交接总确认"
OVERSIGHT_SEAL = "监交单位（编办）（盖章）："
EXPLANATIONS = {
    "不认领": "承接清单标注不认领：由移交部门与承接单位协商，报编办确认是否收回或调整",
    "未列入承接清单": "未列入承接清单：请承接单位核实后补列入清单或说明理由",
}


def column_px(width: float) -> float:
    """Pixels of a column `width` characters wide (Excel's unit: the "0" of Calibri 11, 7 px, plus padding)."""
    return width * 7 + 5


def lines_needed(text: str, width: float) -> int:
    """Lines a wrapped cell of `width` characters needs for `text` in 11 pt 宋体.

    Wraps as Excel does, glyph by glyph: a CJK glyph is 11 pt wide (14.7 px), a half-width one half that.
    """
    usable = column_px(width) - CELL_PADDING_PX
    lines = 0
    for part in text.split("\n"):
        lines += 1
        used = 0.0
        for c in part:
            glyph = CJK_GLYPH_PX if unicodedata.east_asian_width(c) in "WF" else HALF_GLYPH_PX
            if used + glyph > usable and used > 0:
                lines += 1
                used = 0.0
            used += glyph
    return max(lines, 1)


def row_height(values: Mapping[str, str], fields: Sequence[Field]) -> float:
    """Height in points that shows every wrapped cell of a row whole, without empty lines below."""
    lines = max(
        (lines_needed(values.get(f.key, ""), f.width) for f in fields if f.wrap and not f.hidden), default=1
    )
    return max(lines, 1) * LINE_HEIGHT + ROW_PADDING


def page_capacity(fields: Sequence[Field]) -> float:
    """Points of rows one printed page holds below the repeated header, at the fit-to-width scale.

    Pages are broken by hand at this height so that no page break falls where Excel or LibreOffice would
    choose: a signature block is then never split. The scale is Excel's (columns in Calibri units); a
    renderer with wider columns shrinks the page more and so holds more, never less.
    """
    width = sum(column_px(f.width) for f in fields if not f.hidden)
    scale = min(1.0, PRINTABLE_WIDTH_PX / width)
    return PRINTABLE_HEIGHT_PT / scale * PAGE_SAFETY - HEADER_HEIGHT


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return cell_text("\n".join(str(v) for v in value))
    return cell_text(str(value))


def chinese_numeral(n: int) -> str:
    """A section number in Chinese numerals: 一 … 十, 十一, 二十三, 一百零五."""
    if n <= 0:
        return str(n)
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n - 10] if n > 10 else "")
    if n < 100:
        tens, ones = divmod(n, 10)
        return CN_DIGITS[tens] + "十" + (CN_DIGITS[ones] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        if rest == 0:
            tail = ""
        elif rest < 10:
            tail = "零" + CN_DIGITS[rest]
        elif rest < 20:
            tail = "一" + chinese_numeral(rest)
        else:
            tail = chinese_numeral(rest)
        return CN_DIGITS[hundreds] + "百" + tail
    return str(n)


def section_title(n: int, handing: str, receiving: str, count: int) -> str:
    return f"{chinese_numeral(n)}、移交单位：{handing}　　接收单位：{receiving}　　（共 {count} 项）"


def continued_title(n: int, handing: str, receiving: str) -> str:
    """The section named again at the top of a page it runs onto."""
    return f"{chinese_numeral(n)}、移交单位：{handing}　　接收单位：{receiving}　　（续）"


class Formats:
    def __init__(self, wb: Any) -> None:
        base = {"font_name": FONT, "font_size": 11, "valign": "top", "border": 1}
        self.title = wb.add_format({"font_name": FONT, "bold": True, "font_size": 16, "align": "center"})
        self.info = wb.add_format({"font_name": FONT, "font_size": 11, "text_wrap": True, "valign": "top"})
        self.header = wb.add_format(
            {
                **base,
                "bold": True,
                "bg_color": "#D9E1F2",
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
            }
        )
        self.section = wb.add_format(
            {
                **base,
                "bold": True,
                "font_size": 12,
                "bg_color": "#F2F2F2",
                "valign": "vcenter",
                "text_wrap": True,
            }
        )
        self.cell = wb.add_format({**base, "text_wrap": True})
        self.number = wb.add_format({**base, "align": "center"})
        self.fill = wb.add_format({**base, "text_wrap": True, "locked": False, "bg_color": "#FFF9E5"})
        self.fill_date = wb.add_format(
            {**base, "locked": False, "num_format": DATE_FORMAT, "bg_color": "#FFF9E5"}
        )
        self.date = wb.add_format({**base, "num_format": DATE_FORMAT})
        self.total = wb.add_format({**base, "bold": True, "bg_color": "#F2F2F2", "text_wrap": True})
        self.total_number = wb.add_format({**base, "bold": True, "bg_color": "#F2F2F2", "align": "center"})
        self.sign = wb.add_format(
            {"font_name": FONT, "font_size": 12, "valign": "vcenter", "text_wrap": True, "top": 0}
        )
        self.sign_head = wb.add_format(
            {"font_name": FONT, "font_size": 12, "bold": True, "valign": "vcenter", "top": 1}
        )


def page_setup(ws: Any, header: str, *, repeat: int) -> None:
    """A4 landscape, one page wide, the header row repeated; the unit in the page header, 第 N 页 共 M 页."""
    ws.set_paper(9)
    ws.set_landscape()
    ws.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.6)
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.repeat_rows(repeat)
    # A fixed date in Chinese order: Excel's &D prints in the viewer's locale (11/28/2026 on many machines).
    made = dt.date.today().isoformat()
    ws.set_header(f'&L&"{FONT}"&10{_escape_amp(header)}&R&"{FONT}"&10制表日期：{made}', {"margin": 0.3})
    ws.set_footer(f'&C&"{FONT}"&10第 &P 页 共 &N 页', {"margin": 0.3})


def _escape_amp(text: str) -> str:
    return text.replace("&", "&&")


def _write_checklist(wb: Any, f: Formats, name: str, unit: str, rows: Sequence[HandoverRow]) -> None:
    deadline = next((r.deadline for r in rows if r.deadline is not None), None)
    fields = checklist_fields(deadline=deadline is not None)
    visible = [x for x in fields if not x.hidden]
    last = len(visible) - 1
    ws = wb.add_worksheet(name)
    for i, x in enumerate(fields):
        ws.set_column(i, i, x.width, None, {"hidden": x.hidden})
    title = f"{unit}承接事项交接清单"
    page_setup(ws, title, repeat=2)
    parts = sections(rows)
    signed = sum(len(items) for _, _, items in parts)
    others = len(rows) - signed
    ws.merge_range(0, 0, 0, last, title, f.title)
    ws.set_row(0, 28)
    info = (
        f"合计：应交接事项 {signed} 项，涉及 {len(parts)} 个移交部门"
        + (f"；另有不认领或未列入承接清单的事项 {others} 项，见“未认领事项”工作表" if others else "")
        + (f"；交接期限：{deadline.isoformat()}" if deadline else "")
        + "。请在黄色单元格填写"
        + "、".join(c.heading for c in CHECKLIST.columns if c.fill_in)
        + "。"
    )
    ws.merge_range(1, 0, 1, last, info, f.info)
    info_height = LINE_HEIGHT * lines_needed(info, sum(x.width for x in visible)) + 4
    ws.set_row(1, info_height)
    keys = [x.key for x in fields]
    for i, x in enumerate(fields):
        ws.write_string(2, i, x.heading, f.header)
    ws.set_row(2, HEADER_HEIGHT)
    ws.freeze_panes(3, 0)
    status_col, date_col = keys.index("status"), keys.index("date")
    width = sum(x.width for x in visible)
    capacity = page_capacity(fields)
    half = (last + 1) // 2 - 1
    breaks: list[int] = []
    r = 2
    used = 28 + info_height  # the title and the line under it share the first page with the table

    page_first = 0  # the first row of the current page

    def new_page() -> None:
        nonlocal used, page_first
        breaks.append(r + 1)
        used, page_first = 0.0, r + 1

    def put_title(text: str) -> None:
        nonlocal r, used
        r += 1
        ws.merge_range(r, 0, r, last, text, f.section)
        ws.set_row(r, SECTION_HEIGHT)
        used += SECTION_HEIGHT

    for n, (handing, receiving, items) in enumerate(parts, start=1):
        materials = f"移交资料（每项）：{DEFAULT_MATERIALS}。本部分共 {len(items)} 项。"
        materials_height = LINE_HEIGHT * lines_needed(materials, width) + 6
        block = materials_height + SPACER_HEIGHT + 4 * SIGN_HEIGHT
        if n > 1:
            new_page()
        put_title(section_title(n, handing, receiving, len(items)))
        item_rows: list[int] = []
        for k, item in enumerate(items):
            values = {key: _text(v) for key, v in item.model_dump().items()}
            if not item.service_items and item.service_note:
                values["service_items"] = item.service_note  # an empty cell would leave the reader guessing
            height = row_height(values, fields)
            # The last item goes with the signature block: a block is never alone on its page.
            need = height + (block if k == len(items) - 1 else 0.0)
            if used + need > capacity and item_rows and item_rows[-1] >= page_first:
                new_page()
                put_title(continued_title(n, handing, receiving))
            r += 1
            used += height
            item_rows.append(r)
            ws.set_row(r, height)
            for i, x in enumerate(fields):
                if x.key == "no":
                    ws.write_number(r, i, item.no, f.number)
                elif x.key == "date":
                    ws.write_blank(r, i, None, f.fill_date)
                elif x.key == "deadline" and item.deadline is not None:
                    ws.write_datetime(r, i, dt.datetime.combine(item.deadline, dt.time()), f.date)
                else:
                    ws.write_string(r, i, values.get(x.key, ""), f.fill if x.fill else f.cell)
        _validate(ws, item_rows, status_col, date_col)
        r += 1
        ws.merge_range(r, 0, r, last, materials, f.info)
        ws.set_row(r, materials_height)
        r += 1  # a spacer row of the default height
        for left, right in (
            (f"移交单位（盖章）：{handing}", f"接收单位（盖章）：{receiving}"),
            ("经办人（签字）：", "经办人（签字）："),
            ("负责人（签字）：", "负责人（签字）："),
            ("日期：　　　　年　　月　　日", "日期：　　　　年　　月　　日"),
        ):
            r += 1
            fmt = f.sign_head if left.startswith("移交") else f.sign
            ws.merge_range(r, 0, r, half, left, fmt)
            ws.merge_range(r, half + 1, r, last, right, fmt)
            ws.set_row(r, SIGN_HEIGHT)
        used += block
    if parts:
        # The whole checklist is confirmed once more by the unit and by the editing office that supervises
        # the handover (监交): each section's block binds two departments, not the units.
        closing = (
            f"以上共 {len(parts)} 个部分、应交接事项 {signed} 项，经移交、接收双方逐项核对，"
            "由机构编制部门监交。"
        )
        closing_height = LINE_HEIGHT * lines_needed(closing, width) + 6
        if used + SECTION_HEIGHT + closing_height + SPACER_HEIGHT + 4 * SIGN_HEIGHT > capacity:
            new_page()
        put_title(OVERSIGHT_TITLE)
        r += 1
        ws.merge_range(r, 0, r, last, closing, f.info)
        ws.set_row(r, closing_height)
        r += 1  # a spacer row of the default height
        for left, right in (
            (f"承接单位（盖章）：{unit}", OVERSIGHT_SEAL),
            ("负责人（签字）：", "经办人（签字）："),
            ("日期：　　　　年　　月　　日", "日期：　　　　年　　月　　日"),
        ):
            r += 1
            fmt = f.sign_head if right == OVERSIGHT_SEAL else f.sign
            ws.merge_range(r, 0, r, half, left, fmt)
            ws.merge_range(r, half + 1, r, last, right, fmt)
            ws.set_row(r, SIGN_HEIGHT)
    if not parts:
        r += 1
        ws.merge_range(r, 0, r, last, "本单位没有应交接的事项。", f.info)
    ws.set_h_pagebreaks(breaks)
    ws.print_area(0, 0, r, last)
    ws.protect("", {"format_rows": True, "select_locked_cells": True, "select_unlocked_cells": True})


def _validate(ws: Any, rows: Sequence[int], status_col: int, date_col: int) -> None:
    """Dropdown of 交接状态 and a date check on 交接日期 over a section's item rows (not its title rows)."""
    if not rows:
        return

    def ranges(col: int) -> str:
        runs: list[tuple[int, int]] = []
        for row in rows:
            if runs and runs[-1][1] == row - 1:
                runs[-1] = (runs[-1][0], row)
            else:
                runs.append((row, row))
        return " ".join(xl_range(a, col, b, col) if a != b else xl_rowcol_to_cell(a, col) for a, b in runs)

    ws.data_validation(
        rows[0],
        status_col,
        rows[-1],
        status_col,
        {
            "validate": "list",
            "source": list(STATUS_CHOICES),
            "error_title": "请从下拉列表选择",
            "error_message": "只能填写：" + "、".join(STATUS_CHOICES),
            "multi_range": ranges(status_col),
        },
    )
    ws.data_validation(
        rows[0],
        date_col,
        rows[-1],
        date_col,
        {
            "validate": "date",
            "criteria": "between",
            "minimum": dt.datetime.combine(EARLIEST, dt.time()),
            "maximum": dt.datetime.combine(LATEST, dt.time()),
            "input_title": CHECKLIST.heading("date"),
            "input_message": "填写日期，如 2026-12-31",
            "error_title": "日期格式不对",
            "error_message": "请填写日期，如 2026-12-31",
            "multi_range": ranges(date_col),
        },
    )


def _write_others(wb: Any, f: Formats, name: str, unit: str, rows: Sequence[HandoverRow]) -> None:
    others = [r for r in rows if not r.to_sign]
    ws = wb.add_worksheet(name)
    last = len(OTHER_FIELDS) - 1
    for i, x in enumerate(OTHER_FIELDS):
        ws.set_column(i, i, x.width)
    title = f"{unit}不认领及未列入承接清单的事项"
    page_setup(ws, title, repeat=2)
    ws.merge_range(0, 0, 0, last, title, f.title)
    ws.set_row(0, 28)
    refused = sum(r.acceptance == "不认领" for r in others)
    info = f"共 {len(others)} 项：不认领 {refused} 项，未列入承接清单 {len(others) - refused} 项。这些事项不在交接签字范围内。"
    ws.merge_range(1, 0, 1, last, info, f.info)
    for i, x in enumerate(OTHER_FIELDS):
        ws.write_string(2, i, x.heading, f.header)
    ws.freeze_panes(3, 0)
    for n, item in enumerate(others, start=1):
        values = {k: _text(v) for k, v in item.model_dump().items()}
        values["explanation"] = EXPLANATIONS.get(item.acceptance, "")
        r = 2 + n
        ws.set_row(r, row_height(values, OTHER_FIELDS))
        ws.write_number(r, 0, n, f.number)
        for i, x in enumerate(OTHER_FIELDS[1:], start=1):
            ws.write_string(r, i, values.get(x.key, ""), f.cell)
    if not others:
        ws.merge_range(3, 0, 3, last, "无。", f.info)
    ws.protect("", {"format_rows": True, "autofilter": True})


def sheet_names(unit: str, *, single: bool, taken: set[str]) -> tuple[str, str]:
    """The sheet of items to sign and the sheet of the other items: legal names, unique among `taken`."""
    main = unique_sheet_name(unit, taken)
    return main, unique_sheet_name(f"{main[:27]}_未认领" if single else "未认领事项", taken)


# A checklist is one signed sheet (a row per item, a heading per department, the signature block below),
# so it cannot continue on another sheet: one that would not fit is refused, never cut short.
ROW_LIMIT = EXCEL_ROW_LIMIT


def add_checklist(wb: Any, unit: str, rows: Sequence[HandoverRow], *, single: bool) -> None:
    """Add a unit's checklist sheets to an open XlsxWriter workbook."""
    if 2 * len(rows) + 64 > ROW_LIMIT:
        raise OutputError(
            f"{unit}: {len(rows):,} items are more than one checklist sheet can hold ({ROW_LIMIT:,} rows)",
            hint="hand the items over in smaller batches (one devolution list at a time)",
        )
    f = Formats(wb)
    main, other = sheet_names(unit, single=single, taken=set(wb.sheetnames))
    _write_checklist(wb, f, main, unit, rows)
    if any(not r.to_sign for r in rows) or any(r.acceptance != NO_LIST for r in rows):
        _write_others(wb, f, other, unit, rows)


def write_checklist(path: Path, unit: str, rows: Sequence[HandoverRow]) -> None:
    """One unit's checklist workbook, written atomically."""

    def write(tmp: Path) -> None:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False})
        add_checklist(wb, unit, rows, single=False)
        wb.close()

    write_atomic(path, write)
