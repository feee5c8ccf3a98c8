"""Rows streamed by RowStream make the same worksheets as XlsxWriter's own calls, read back and part by part."""

from __future__ import annotations

import math
import zipfile
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from quanze.errors import OutputError
from quanze.report import xlsx
from quanze.report.xlsx import EXCEL_ROW_LIMIT, Chart, Column, Sheet, cell_text, write_workbook
from quanze.report.xlsxrows import RowStream

COLUMNS = (
    Column("no", "序号", 6),
    Column("name", "事项名称", 12, wrap=True),
    Column("score", "得分", 8, decimal=True),
    Column("rate", "比例", 8, percent=True),
    Column("day", "日期", 12, date=True),
    Column("decision", "决定", 8, fill_in=True),
    Column("key", "键", 8),
)


class Kind(StrEnum):
    A = "甲"


HOSTILE_TEXTS = (
    "",
    " 前导空格",
    "尾随空格 ",
    "\t制表",
    "换行\n",
    "两行\n第二行很长很长很长很长很长很长很长很长很长很长",
    "回车\r换行",
    "控制\x01\x02\x1f字符",
    "_x0041_ 像转义",
    "_x005F_x0000_",
    "a & b < c > d \" e ' f",
    "=SUM(A1:A9)",
    "+86 10",
    "-1",
    "@人员",
    "\ufffe\uffff",
    "\u3000全角空格\u3000",
    "\x1c文件分隔",
    "𠀀" * 17_000,  # above U+FFFF: more UTF-16 units than characters, cut by XlsxWriter
    "长" * 40_000,
    "x" * 32_767,
)
HOSTILE_VALUES: tuple[Any, ...] = (
    None,
    0,
    -7,
    12345678901234567890,
    0.1,
    85.25,
    1e-300,
    -0.0,
    ["甲", "乙"],
    ("丙", 3),
    [],
)


def _sheets(rows: list[dict[str, Any]], **extra: Any) -> list[Sheet]:
    return [
        Sheet(
            "表",
            COLUMNS,
            rows,
            title="标题",
            notes=("说明",),
            dropdowns={"decision": ("确认", "否决")},
            **extra,
        ),
        Sheet("第二表", COLUMNS[:2], [{"no": 1, "name": "尾"}], footer=[("合计", 1)]),
    ]


def _write_both(
    tmp_path: Path, sheets: list[Sheet], monkeypatch: pytest.MonkeyPatch, **kw: Any
) -> tuple[Path, Path]:
    fast, slow = tmp_path / "fast.xlsx", tmp_path / "slow.xlsx"
    write_workbook(fast, sheets, **kw)
    with monkeypatch.context() as m:
        m.setattr(RowStream, "usable", staticmethod(lambda ws: False))
        write_workbook(slow, sheets, **kw)
    return fast, slow


def _same_parts(a: Path, b: Path) -> None:
    """Every part of the two files alike (the creation time in core.xml aside)."""
    za, zb = zipfile.ZipFile(a), zipfile.ZipFile(b)
    assert za.namelist() == zb.namelist()
    for part in za.namelist():
        if part != "docProps/core.xml":
            assert za.read(part) == zb.read(part), part


def _cells(path: Path) -> dict[str, list[list[Any]]]:
    wb = load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


def _hostile_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for n, text in enumerate(HOSTILE_TEXTS):
        rows.append({"no": n, "name": text, "key": text, "score": 50.5, "rate": 0.25})
    for value in HOSTILE_VALUES:
        rows.append({"no": value, "name": value, "score": value, "rate": value, "key": value})
    rows.append({"no": 1, "name": Kind.A, "key": True})  # handed back to XlsxWriter: a str subclass, a bool
    rows.append({"no": 2, "day": date(2026, 11, 29), "name": "日期行"})  # handed back: a date
    rows.append({"no": 3})  # only blanks, with their formats
    rows.append({"no": 4, "name": "在日期行之后"})
    return rows


def test_hostile_values_make_the_same_workbook_as_xlsxwriters_own_calls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, slow = _write_both(tmp_path, _sheets(_hostile_rows()), monkeypatch)
    _same_parts(fast, slow)
    cells = _cells(fast)["表"]
    header = cells.index(["序号", "事项名称", "得分", "比例", "日期", "决定", "键"])
    by_no = {row[0]: row for row in cells[header + 1 : header + 1 + len(HOSTILE_TEXTS)]}
    assert by_no[10][1] == "a & b < c > d \" e ' f"
    assert by_no[11][1] == "=SUM(A1:A9)"  # formula-like text stays text
    assert by_no[7][1] == "控制字符"  # control characters left out, as cell_text does
    assert by_no[4][1] == "换行\n" and by_no[2][1] == "尾随空格 "
    assert load_workbook(fast)["表"]["B5"].alignment.wrap_text


def test_heights_dimensions_filters_and_dropdowns_match_on_continuation_sheets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [{"no": i, "name": "很长的事项名称" * (i % 4), "score": i / 3} for i in range(40)]
    fast, slow = _write_both(tmp_path, _sheets(rows), monkeypatch, row_limit=12)
    _same_parts(fast, slow)
    wb = load_workbook(fast)
    assert wb.sheetnames[:2] == ["表", "表 (2)"]
    for name in wb.sheetnames[:-1]:
        ws = wb[name]
        assert ws.freeze_panes == "A4" and ws.auto_filter.ref and ws.data_validations.dataValidation
    tall = [r for r, d in wb["表"].row_dimensions.items() if d.height and r > 3]
    assert tall  # wrapped long names got a height


def test_charts_below_and_beside_a_streamed_table_sit_where_xlsxwriter_puts_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [{"no": i, "name": "单位" * (1 + i % 9), "score": float(i)} for i in range(30)]
    charts = (Chart("得分", "name", ("score",)), Chart("得分", "name", ("score",), anchor="E3"))
    sheet = Sheet("图", COLUMNS[:3], rows, charts=charts)  # the second beside the tall rows it spans
    fast, slow = _write_both(tmp_path, [sheet], monkeypatch)
    _same_parts(fast, slow)


def test_text_shaped_like_rich_text_stays_text(tmp_path: Path) -> None:
    """XlsxWriter writes "<r>…</r>" raw as rich-text XML; a streamed row writes it as the text it is."""
    path = tmp_path / "rich.xlsx"
    write_workbook(path, [Sheet("表", COLUMNS[:2], [{"no": 1, "name": "<r>a & b</r>"}])])
    assert _cells(path)["表"][1] == [1, "<r>a & b</r>"]


def test_a_number_that_is_not_finite_fails_as_xlsxwriter_fails(tmp_path: Path) -> None:
    for value in (math.nan, math.inf):
        with pytest.raises(TypeError, match="NAN/INF"):
            write_workbook(tmp_path / "nan.xlsx", [Sheet("表", COLUMNS[:3], [{"no": 1, "score": value}])])


def test_a_row_past_the_sheet_is_handed_back_and_refused(tmp_path: Path) -> None:
    wb = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), {"constant_memory": True})
    ws = wb.add_worksheet("表")
    stream = RowStream(ws, [None], cell_text)
    assert stream.write(EXCEL_ROW_LIMIT - 1, ["最后一行"], None)
    assert not stream.write(EXCEL_ROW_LIMIT, ["放不下"], None)
    with pytest.raises(OutputError, match="outside what a worksheet can hold"):
        xlsx._write(ws, EXCEL_ROW_LIMIT, 0, "放不下", None)
    stream.finish()
    wb.close()


def test_without_constant_memory_xlsxwriters_calls_write_the_rows(tmp_path: Path) -> None:
    path = tmp_path / "custom.xlsx"
    write_workbook(path, _sheets(_hostile_rows()[:12]), constant_memory=False)
    wb = xlsxwriter.Workbook(str(tmp_path / "probe.xlsx"))
    assert not RowStream.usable(wb.add_worksheet())
    wb.close()
    assert _cells(path)["表"][3][0] == 0


CELL_TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
CELL = st.one_of(
    st.none(),
    CELL_TEXT,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(CELL_TEXT, max_size=3),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.fixed_dictionaries({"no": CELL, "name": CELL, "score": CELL, "key": CELL}), max_size=25))
def test_any_rows_make_the_same_workbook_as_xlsxwriters_own_calls(
    tmp_path_factory: pytest.TempPathFactory, rows: list[dict[str, Any]]
) -> None:
    def rich_shaped(v: Any) -> bool:
        text = (
            cell_text("；".join(map(str, v)) if isinstance(v, list) else v)
            if isinstance(v, (str, list))
            else ""
        )
        return text.startswith("<r>") and text.endswith("</r>")

    rows = [r for r in rows if not any(rich_shaped(v) for v in r.values())]
    tmp = tmp_path_factory.mktemp("any")
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, slow = _write_both(tmp, _sheets(rows), monkeypatch, row_limit=15)
    _same_parts(fast, slow)
