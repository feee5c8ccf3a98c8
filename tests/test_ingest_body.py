"""The column-wise body of a sheet gives exactly what the row-by-row path gives: the same records, issues and
layout, with special rows of every kind between plain ones, and it leaves most plain rows to its own loop."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from quanze.ingest import IngestOptions, body, read_file
from quanze.ingest.rowtext import RowTexts
from quanze.ingest.structure import StructuralRows
from quanze.models import IssueCode, ListKind

POWER_HEADER = [
    "序号",
    "事项名称",
    "子项名称",
    "事项类型",
    "事项编码",
    "实施主体",
    "行使层级",
    "备注",
    "办件量",
    "状态",
]
SERVICE_HEADER = [
    "序号",
    "行政区划",
    "实施主体",
    "基本目录名称",
    "业务办理项名称",
    "业务办理项编码",
    "办件量",
    "事项类型",
    "状态",
]

# Rows the body must hand to the row-by-row path (each a test some cell of it may need), by what they hold.
SPECIAL_ROWS: list[list[Any]] = [
    ["合计", None, "共12项"],
    ["汇总", 5, None, None, None, None],
    ["本目录共255项"],
    ["小计", "3项", None, None, None, "县水利局"],
    [None, "县水利局小计", None, None, None, None, None, "2项"],
    [19, "取水\u200b许可", None, "行政许可", "C\u200b11", "县水利局"],
    [20, "\u200b\xa0", None, "行政许可", "C12", "县水利局"],
    [21, "取水许可", None, "行政许可", "330 109", "县水利局\u3000"],
    [22, "取水许可撤回", None, "行政许可", "C13", "县水利局", None, None, "暂停实施", "取消"],
    [28, "取水许可核销", None, "行政许可", "C18", "县水利局", None, None, None, "已下线"],
    ["填表人：张三", "审核人：李四"],
    ["数据来源：某县政务服务平台"],
    ["制表单位：某县政务服务中心", None, "制表时间：2024年5月6日"],
    ["以下空白"],
    ["注：本表共737项"],
    ["一、县发展和改革委员会"],
    ["（二）行政处罚（共4项）"],
    ["第二批下放事项", "第二批下放事项", "第二批下放事项"],
    ["示例", "XX许可审批", None, "行政许可"],
    ["填写阿拉伯数字", "填写规范的事项全称", None, "从下拉列表中选择", "文本格式"],
    [18, "对XX行为的处罚", None, "行政处罚", "C10", "县水利局"],
    [None],
    ["#N/A", "#N/A"],
    [7, "#REF!", None, "行政许可", "C1", "县水利局"],
    [8, "123", None, "行政许可", "C2", "县水利局"],
    [9, "是", None, "行政许可", "C3", "县水利局"],
    [10, "取水许可审批（无）", None, "许可类", "C4", "县水利局"],
    [11, "取水许可延续", None, "行政许可", "'330109001000", "县水利局", None, None, "abc"],
    [12, "取水许可变更", None, "行政许可", "5.11E+13", "同上"],
    [datetime(2021, 1, 3), "取水许可注销", None, "/", "C5", "—"],
    ["3.1", "取水许可补办", None, "行政许可", "C6", "县水利局"],
    ["3.1.1", "遗失补办", None, None, None, None],
    [None, None, None, None, None, None, None, "备注的第二行"],
    ["3.2", "取水许可换证", None, "行政许可", "C6", "县水利局"],
    ["5-1", "取水许可年审", None, "行政许可", "C19", "县水利局"],
    ["第二部分　行政处罚（共1项）"],
    [13, "取水许可审批", "1.新设采矿权审批 2.采矿权延续登记", "行政许可", "C7", "县水利局"],
    [14, "取水许可审批", "变更", "行政许可", "C7", "县水利局"],
    [15, "食品生产许可", None, True, "C8", "县市场监管局", "县级。负责本级", "a\tb"],
    [16, "种子生产经营许可", None, "行政确认", "C9", "县农业农村局", "2,3", "x" * 33000],
    [None, "\u3000\u3000（1）取水许可新办", None, None, "C14"],
    [None, "2、取水许可延续", None, None, "C15"],
    [23, "取水许可审批\n1.取水许可新办\n2.取水许可变更", None, "行政许可", "C16", "县水利局"],
    [27, "取水许可审批", "不涉及", "行政许可", "C17", "县水利局"],
    [24, "取水许可审查", None, "行政许可", "３３０１０９００１０１７", "县水利局"],
    [25, "取水许可核验", None, "行政许可", "330,109,001,018", "县水利局"],
    [26, "取水许可核查", None, "行政许可", "330109001019.0", "县水利局"],
    [28, "锟斤拷锟斤拷锟斤拷", None, "行政许可", "C18", "县水利局"],
    [29, "《中华人民共和国水法》第四十八条", None, "行政许可", "C19", "县水利局"],
    [30, "取水许可证核发（工...", None, "行政许可", "C20", "县水利局"],
    [17, "燃气经营许可", None, "01", 3.3e17, "县住建局"],
]


def _plain_row(i: int, kind: ListKind) -> list[Any]:
    name = [
        "取水许可审批",
        "会计师事务所设立审批",
        "公共场所卫生许可",
        "印章刻制备案",
        "无人驾驶航空器飞行审批",
    ][i % 5]
    dept = ["县水利局", "县市场监管局", None][i % 3]
    if kind is ListKind.SERVICES:
        return [
            i,
            ["东城县", "西河县"][i % 2],
            dept,
            name,
            f"{name}{i % 40}",
            f"11369000212113059X-{i % 50}",
            i % 9,
        ]
    level = ["县级", "县级。负责本级", None][i % 3]
    return [
        i,
        f"{name}{i % 60}",
        None,
        ["行政许可", "行政检查"][i % 2],
        f"369B{i % 70}",
        dept,
        level,
        None,
        i % 4,
    ]


def _mixed(path: Path, kind: ListKind, *, specials: list[list[Any]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "县水利局"
    ws.append(["某县权责清单"])
    ws.append(POWER_HEADER if kind is ListKind.POWERS else SERVICE_HEADER)
    for i in range(1, 320):
        if i % 9 == 0:
            ws.append(specials[(i // 9) % len(specials)])
        elif i % 97 == 0:
            ws.append(POWER_HEADER if kind is ListKind.POWERS else SERVICE_HEADER)
        else:
            ws.append(_plain_row(i, kind))
        if i % 61 == 0:
            ws.row_dimensions[ws.max_row].hidden = True
    wb.save(path)
    return path


def _report(path: Path, options: IngestOptions) -> dict[str, Any]:
    return read_file(path, options).model_dump(mode="json")


@pytest.mark.parametrize("kind", [ListKind.POWERS, ListKind.SERVICES])
@pytest.mark.parametrize(
    "options",
    [
        IngestOptions(),
        IngestOptions(fill_down=("department", "category"), ditto=False),
        IngestOptions(hidden="skip", sheet_as_department=False, keep_records=False),
    ],
    ids=["defaults", "fill-down", "skip-hidden"],
)
@pytest.mark.parametrize("last", [False, True], ids=["digits-kept", "digits-lost"])
def test_the_column_wise_body_reads_as_the_row_by_row_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: ListKind, options: IngestOptions, last: bool
) -> None:
    # A code whose digits a float lost makes every later row go row by row: with and without one.
    specials = SPECIAL_ROWS if last else SPECIAL_ROWS[:-1]
    path = _mixed(tmp_path / "mixed.xlsx", kind, specials=specials)
    options = options.model_copy(update={"kind": kind})
    body = _report(path, options)
    monkeypatch.setattr(RowTexts, "plain", property(lambda _self: False))
    assert body == _report(path, options)
    codes = {i["code"] for i in body["issues"]}
    assert {
        IssueCode.TOTAL_ROW,
        IssueCode.EXAMPLE_ROW,
        IssueCode.REPEATED_HEADER,
        IssueCode.ERROR_VALUE,
    } <= codes


@pytest.mark.parametrize("kind", [ListKind.POWERS, ListKind.SERVICES])
@pytest.mark.parametrize("last", [False, True], ids=["digits-kept", "digits-lost"])
def test_the_column_wise_body_reads_across_its_chunks_as_the_row_by_row_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: ListKind, last: bool
) -> None:
    # Chunks of 7 rows: special rows, remapped blocks and hidden rows fall across chunk boundaries.
    path = _mixed(tmp_path / "mixed.xlsx", kind, specials=SPECIAL_ROWS if last else SPECIAL_ROWS[:-1])
    options = IngestOptions(kind=kind)
    monkeypatch.setattr(body, "CHUNK", 7)
    chunks: list[int] = []
    read = body.SheetBody.read

    def counted(self: body.SheetBody, rows: Any, start: int) -> int:
        chunks.append(start)
        return read(self, rows, start)

    monkeypatch.setattr(body.SheetBody, "read", counted)
    by_columns = _report(path, options)
    assert chunks, "the column-wise body was not used"
    monkeypatch.setattr(RowTexts, "plain", property(lambda _self: False))
    assert by_columns == _report(path, options)


def test_plain_rows_skip_the_row_by_row_tests(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _mixed(tmp_path / "mixed.xlsx", ListKind.POWERS, specials=SPECIAL_ROWS[:-1])
    tested: list[int] = []
    skip = StructuralRows.skip

    def counted(self: StructuralRows, rownum: int, *args: Any) -> bool:
        tested.append(rownum)
        return skip(self, rownum, *args)

    monkeypatch.setattr(StructuralRows, "skip", counted)
    report = read_file(path)
    assert report.records > 250
    # The header scan reads the first 30 rows one by one; below them only special rows (and the rows after a
    # ditto or fill-down that needs the row above) go that way.
    assert len([r for r in tested if r > 30]) < 80


def test_a_columns_marks_are_those_of_every_test_on_its_mask() -> None:
    """Each column's texts are marked only by the tests its mask names (a code needs no junk-name or date
    test): on the mask's bits, the marks are those that making every test gives."""
    from quanze.ingest.header import alias_table

    table = alias_table(ListKind.POWERS, {})
    longest = max(map(len, table))
    every = (1 << 12) - 1
    texts = [t for row in SPECIAL_ROWS for t in row if isinstance(t, str)] + [
        "369D0100000001-369001000000-000-11369000212113059X-1-00",
        "2021-01-03",
        "1.1",
        "1-2",
        "3.1.1",
        "〃",
        "同上",
        "取消",
        "事项",
        "办理项",
        "无",
        "/",
        "XX局",
        "例：",
        "事项名称",
        "ab",
        "#",
        "12",
        "  ",
        "实施主体（盖章）",
    ]
    full = body._Marks(table, longest, every)
    masks = {every} | {1 << b | body._ROW for b in range(12)}
    for kind in (ListKind.POWERS, ListKind.SERVICES):
        for fld in ("seq", "sub_seq", "name", "sub_item", "code", "status", "tree_level", "department"):
            masks.add(body._ROW | body._PLACEHOLDER | body._DITTO | body._FIELD_MASKS.get(fld, 0))
            extra = body._POWER_MASKS if kind is ListKind.POWERS else body._SERVICE_MASKS
            masks.add(body._ROW | body._FIELD_MASKS.get(fld, 0) | extra.get(fld, 0))
    for mask in masks:
        marks = body._Marks(table, longest, mask)
        for text in texts:
            if text.strip():
                text = text.strip()
                assert marks[text] & mask == full[text] & mask, (text, mask)
    assert any(full[t.strip()] & ~body._PRESENT & ~body._ROW for t in texts if t.strip())
