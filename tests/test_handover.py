"""Handover checklists: built from the hand-built scenario as a signable document, filled in, read back."""

from __future__ import annotations

import itertools
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from quanze.cli import app
from quanze.handover import (
    HandoverRow,
    canonical_departments,
    canonical_handing,
    ledger,
    receiving_department,
    sections,
)
from quanze.report.checklist import (
    LINE_HEIGHT,
    ROW_PADDING,
    checklist_fields,
    chinese_numeral,
    lines_needed,
    page_capacity,
    row_height,
    write_checklist,
)
from quanze.report.handover import write_checklists

import fixtures

runner = CliRunner()
HEADER_ROW = 3


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = fixtures.scenario(tmp_path / "s")
    monkeypatch.chdir(config.parent)
    result = runner.invoke(app, ["handover", "build", "--out", "ho", "--deadline", "2026-12-31"])
    assert result.exit_code == 0, result.output
    return config.parent / "ho"


def _items(ws: Worksheet) -> dict[str, dict[str, object]]:
    """Item rows (those with a number in 序号) keyed by 事项名称, each a heading → value map plus _row."""
    header = [c.value for c in ws[HEADER_ROW]]
    out: dict[str, dict[str, object]] = {}
    for row in ws.iter_rows(min_row=HEADER_ROW + 1):
        values = dict(zip(header, (c.value for c in row), strict=False))
        if isinstance(values.get("序号"), int):
            out[str(values["事项名称"])] = {**values, "_row": row[0].row}
    return out


def test_checklist_per_unit(built: Path) -> None:
    assert sorted(p.name for p in built.iterdir()) == [
        "交接汇总.xlsx",
        "交接清单_东城县.xlsx",
        "交接清单_西河县.xlsx",
    ]
    wb = load_workbook(built / "交接清单_东城县.xlsx")
    assert wb.sheetnames == ["东城县", "未认领事项"]
    ws = wb["东城县"]
    header = [c.value for c in ws[HEADER_ROW]]
    # Columns that repeat the page header are hidden, kept for `handover progress`.
    assert header[:10] == [
        "序号",
        "清单序号",
        "事项编码",
        "事项名称",
        "下放方式",
        "应录入的服务事项",
        "交接状态",
        "交接日期",
        "交接期限",
        "备注",
    ]
    assert header[10:] == ["承接单位", "移交部门", "承接部门"]
    hidden = {i for d in ws.column_dimensions.values() if d.hidden for i in range(d.min, d.max + 1)}
    assert hidden == {11, 12, 13}
    items = _items(ws)
    # Refused and unlisted items are not on the pages to sign.
    assert set(items) == {"燃气经营许可证核发", "食品经营许可"}
    gas = items["燃气经营许可证核发"]
    assert (
        gas["应录入的服务事项"] == "燃气经营许可证新办\n燃气经营许可证（变更）"
        and gas["交接状态"] == "未交接"
    )
    assert gas["交接期限"] == datetime(2026, 12, 31)
    others = _items(wb["未认领事项"])
    assert {k: v["认领情况"] for k, v in others.items()} == {
        "食品生产许可": "不认领",
        "户外广告设置许可": "未列入承接清单",
    }
    summary = load_workbook(built / "交接汇总.xlsx")
    assert [c.value for c in summary["汇总"][3]] == ["东城县", 4, 2, 2, 0, 2]
    assert [c.value for c in summary["汇总"][5]] == ["合计", 7, 5, 5, 0, 5]
    assert len(summary["汇总"]._charts) == 1


def test_build_tells_the_count_to_sign_as_the_checklist_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The terminal said "4 items" where the checklist's 合计 line says 应交接 2: it now leads with the same 2."""
    config = fixtures.scenario(tmp_path / "s")
    monkeypatch.chdir(config.parent)
    result = runner.invoke(app, ["handover", "build", "--out", "ho"])
    assert result.exit_code == 0, result.output
    assert "东城县: 应交接 2 项；下放事项 4 项，其中不认领或未列入承接清单 2 项" in result.output
    data = json.loads(runner.invoke(app, ["handover", "build", "--out", "ho2", "--format", "json"]).stdout)
    assert data["units"]["东城县"] == 4 and data["to_sign"]["东城县"] == 2


def test_checklist_is_a_document_to_sign(built: Path) -> None:
    ws = load_workbook(built / "交接清单_东城县.xlsx")["东城县"]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    sections = [t for t in texts if "、移交单位：" in t]
    assert len(sections) == 2  # one per handing department, each with its own signature and seal block
    assert sum(t.startswith("移交单位（盖章）：") for t in texts) == 2
    assert sum(t.startswith("接收单位（盖章）：") for t in texts) == 2
    # Two per section and one in the closing block (the unit and the supervising editing office).
    assert texts.count("经办人（签字）：") == 5 and texts.count("负责人（签字）：") == 5
    assert texts.count("监交单位（编办）（盖章）：") == 1 and "承接单位（盖章）：东城县" in texts
    assert texts.index("交接总确认") > max(i for i, t in enumerate(texts) if t.startswith("移交单位（盖章）"))
    assert any(t.startswith("合计：应交接事项 2 项，涉及 2 个移交部门") for t in texts)
    # Each section after the first starts a page; A4 landscape, one page wide, the column header repeated.
    assert len(ws.row_breaks.brk) == 1
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$3:$3"
    assert "东城县承接事项交接清单" in ws.oddHeader.left.text
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"


def test_checklist_protected_except_the_cells_the_unit_fills(built: Path) -> None:
    ws = load_workbook(built / "交接清单_东城县.xlsx")["东城县"]
    assert ws.protection.sheet
    gas = _items(ws)["燃气经营许可证核发"]
    row = int(str(gas["_row"]))
    header = [c.value for c in ws[HEADER_ROW]]
    locked = {h: ws.cell(row, header.index(h) + 1).protection.locked for h in header}
    assert [h for h, is_locked in locked.items() if not is_locked] == ["交接状态", "交接日期", "备注"]
    rules = ws.data_validations.dataValidation
    lists = [dv for dv in rules if dv.type == "list"]
    dates = [dv for dv in rules if dv.type == "date"]
    assert len(lists) == len(dates) == 2  # one of each per section
    assert all(dv.formula1 == '"已交接,未交接"' for dv in lists)
    # Between 2000-01-01 and 2100-12-31 (Excel serial days), an error on anything else.
    assert all((dv.formula1, dv.formula2, dv.showErrorMessage) == ("36526", "73415", True) for dv in dates)
    assert any(f"H{row}" in str(dv.sqref) for dv in dates) and any(f"G{row}" in str(dv.sqref) for dv in lists)


def test_wrapped_cells_get_the_row_height_they_need(built: Path) -> None:
    ws = load_workbook(built / "交接清单_东城县.xlsx")["东城县"]
    gas = _items(ws)["燃气经营许可证核发"]
    height = ws.row_dimensions[int(str(gas["_row"]))].height
    assert height is not None and height >= 2 * 15  # two service items on two lines
    assert lines_needed("一" * 40, 32) == 3 and lines_needed("a\nb", 10) == 2


def test_receiving_departments_are_spelled_one_way() -> None:
    names = [
        "东城县市场监督管理局",
        "县市场监管局",
        "东城县市场监管局",
        "东城县市场监督管理局",
        "东城县应急管理局",
    ]
    spelling = canonical_departments("东城县", names)
    assert {spelling[n] for n in names[:4]} == {"东城县市场监督管理局"}
    assert spelling["东城县应急管理局"] == "东城县应急管理局"


def _fill(path: Path, sheet: str, item: str, **values: object) -> None:
    wb = load_workbook(path)
    ws = wb[sheet]
    header = [c.value for c in ws[HEADER_ROW]]
    row = int(str(_items(ws)[item]["_row"]))
    for heading, value in values.items():
        ws.cell(row, header.index(heading) + 1).value = value
    wb.save(path)


def test_filled_checklists_round_trip_into_a_ledger(built: Path) -> None:
    path = built / "交接清单_东城县.xlsx"
    _fill(path, "东城县", "燃气经营许可证核发", 交接状态="已交接", 交接日期=datetime(2026, 11, 20))
    result = runner.invoke(
        app,
        [
            "handover",
            "progress",
            str(path),
            str(built / "交接清单_西河县.xlsx"),
            "--format",
            "json",
            "--out",
            "ledger",
            "--as-of",
            "2027-01-05",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(r["unit"], r["items"], r["done"], r["overdue"]) for r in data["by_unit"]] == [
        ("东城县", 2, 1, 1),
        ("西河县", 3, 0, 3),
    ]
    ledger_csv = (built.parent / "ledger" / "ledger.csv").read_bytes()
    assert ledger_csv.startswith(b"\xef\xbb\xbfunit,department,items,done,pending,overdue")
    before = runner.invoke(
        app, ["handover", "progress", str(path), "--format", "json", "--as-of", "2026-12-01"]
    )
    assert [r["overdue"] for r in json.loads(before.stdout)["by_unit"]] == [0]


def test_filled_in_checklists_are_never_replaced_even_with_force(built: Path) -> None:
    """A unit has begun to fill in its checklist: `handover build --force` (or any run into that folder)
    refuses, naming the file, and leaves it as it was; unfilled checklists are replaced as before."""
    assert runner.invoke(app, ["handover", "build", "--out", "ho", "--force"]).exit_code == 0
    path = built / "交接清单_东城县.xlsx"
    _fill(path, "东城县", "燃气经营许可证核发", 交接状态="已交接")
    before = path.read_bytes()
    for args in (["handover", "build", "--out", "ho", "--force"], ["reconcile", "--out", "ho", "--force"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 5, result.output
        assert "交接清单_东城县.xlsx（1 行）" in " ".join(result.output.split())
        assert "Traceback" not in result.output
        assert path.read_bytes() == before


def test_overdue_needs_a_deadline_and_bad_dates_are_issues() -> None:
    rows = [
        {"承接单位": "甲县", "交接状态": "未交接", "交接期限": "2026-01-01", "事项名称": "a"},
        {"承接单位": "甲县", "交接状态": "未交接", "交接期限": None, "事项名称": "b"},
        {
            "承接单位": "甲县",
            "交接状态": "已交接",
            "交接期限": "2026-01-01",
            "交接日期": "下周",
            "事项名称": "c",
        },
    ]
    result = ledger(rows, as_of=date(2026, 6, 1))
    assert result.by_unit[0].overdue == 1
    assert [(i.code.value, i.column, i.value) for i in result.issues] == [("bad-date", "交接日期", "下周")]


def test_bad_status_is_reported(built: Path) -> None:
    path = built / "交接清单_西河县.xlsx"
    _fill(path, "西河县", "食品生产许可", 交接状态="差不多")
    result = runner.invoke(app, ["handover", "progress", str(path)])
    assert result.exit_code == 1 and "差不多" in result.output


def test_single_workbook_keeps_sheets_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = fixtures.scenario(tmp_path / "s")
    monkeypatch.chdir(config.parent)
    result = runner.invoke(app, ["handover", "build", "--out", "one", "--single"])
    assert result.exit_code == 0, result.output
    wb = load_workbook(config.parent / "one" / "交接清单.xlsx")
    assert wb.sheetnames == ["汇总", "按部门", "东城县", "东城县_未认领", "西河县", "西河县_未认领"]
    assert "交接期限" not in [c.value for c in wb["东城县"][HEADER_ROW]]
    progress = runner.invoke(app, ["handover", "progress", "one/交接清单.xlsx", "-f", "json"])
    assert [(r["unit"], r["items"]) for r in json.loads(progress.stdout)["by_unit"]] == [
        ("东城县", 2),
        ("西河县", 3),
    ]


def test_numbers_run_one_to_n_without_holes(built: Path) -> None:
    # 东城县's list refuses and leaves out items that come before 食品经营许可 in the city's list.
    ws = load_workbook(built / "交接清单_东城县.xlsx")["东城县"]
    items = sorted(_items(ws).values(), key=lambda v: int(str(v["_row"])))
    assert [v["序号"] for v in items] == list(range(1, len(items) + 1))
    assert {str(v["事项名称"]): v["清单序号"] for v in items}["食品经营许可"] == "3"
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert any(t.startswith(f"合计：应交接事项 {len(items)} 项") for t in texts)


def test_section_numbers_stay_chinese_past_ten() -> None:
    got = [chinese_numeral(n) for n in (1, 10, 11, 19, 20, 23, 99, 100, 105, 110, 123)]
    assert got == [
        "一",
        "十",
        "十一",
        "十九",
        "二十",
        "二十三",
        "九十九",
        "一百",
        "一百零五",
        "一百一十",
        "一百二十三",
    ]


def test_receiving_departments_take_the_units_canonical_names() -> None:
    names = [
        "县民族宗教委",
        "县经信局",
        "东城县卫生健康系统",
        "X县环保部门",
        "东城县卫健局",
        "东城县生态环境分局",
    ]
    spelling = canonical_departments("东城县", names)
    assert [spelling[n] for n in names] == [
        "东城县民族宗教事务局",
        "东城县经济和信息化局",
        "东城县卫生健康局",
        "东城县生态环境局",
        "东城县卫生健康局",
        "东城县生态环境局",
    ]
    # A township government keeps its own name, spelled once with its county; it is no county department.
    townships = canonical_departments("东城县", ["县上司乡人民政府", "东城县上司乡人民政府"])
    assert set(townships.values()) == {"东城县上司乡人民政府"}
    assert receiving_department("东城县", "安平市上司乡人民政府", None) is None
    assert receiving_department("东城县", "安平市卫健局", None) == "东城县卫生健康局"


def test_one_handing_department_spelled_two_ways_is_one_section() -> None:
    names = ["安平市卫健局", "安平市卫生健康系统", "安平市环保部门", "安平市生态环境局", "安平市卫健局"]
    spelling = canonical_handing(names)
    assert spelling["安平市卫生健康系统"] == "安平市卫健局"
    assert spelling["安平市环保部门"] == "安平市生态环境局"
    rows = [_row(n, spelling[h], "东城县卫生健康局") for n, h in enumerate(names, 1)]
    assert [(h, len(items)) for h, _, items in sections(rows)] == [
        ("安平市卫健局", 3),
        ("安平市生态环境局", 2),
    ]


def _row(n: int, handing: str, receiving: str, *, name: str | None = None, services: int = 1) -> HandoverRow:
    title = name or f"第{n}项行政许可事项的审批"
    return HandoverRow(
        unit="东城县",
        no=n,
        list_no=str(n),
        handing_department=handing,
        receiving_department=receiving,
        item_code=f"369A{n:010d}",
        item_name=title,
        mode="直接下放",
        acceptance="已认领",
        service_items=[f"{title}（{w}）" for w in ("新办", "变更", "延续", "注销")[:services]],
    )


def _pages(ws: Worksheet) -> list[list[int]]:
    """Rows of each printed page, split at the sheet's manual page breaks."""
    breaks = sorted(b.id for b in ws.row_breaks.brk)
    last = ws.max_row
    edges = [0, *breaks, last]
    return [list(range(a + 1, b + 1)) for a, b in itertools.pairwise(edges) if b > a]


def test_long_sections_break_by_hand_and_keep_signature_blocks_whole(tmp_path: Path) -> None:
    rows: list[HandoverRow] = []
    for d in range(12):
        count = 45 if d in (0, 11) else 3 + d
        rows += [
            _row(len(rows) + 1, f"安平市第{d + 1}局", f"东城县第{d + 1}局", services=1 + k % 4)
            for k in range(count)
        ]
    path = tmp_path / "long.xlsx"
    write_checklist(path, "东城县", rows)
    ws = load_workbook(path)["东城县"]
    fields = checklist_fields(deadline=False)
    capacity = page_capacity(fields)
    texts = {c.row: str(c.value) for c in ws["A"] if c.value is not None}
    pages = _pages(ws)
    assert len(pages) > 12  # the two long sections run onto several pages
    for k, page in enumerate(pages):
        heights = sum(ws.row_dimensions[r].height or 15 for r in page if r > HEADER_ROW)
        # Every page fits at the fit-to-width scale: no automatic break can fall inside it.
        assert heights <= capacity + 1, (k, heights)
        if k and texts[page[0]] != "交接总确认":
            # A page that is not the first names its section (移交部门 → 接收部门) in its first row.
            assert "、移交单位：" in texts[page[0]] and "接收单位：东城县第" in texts[page[0]]
        stamps = [r for r in page if texts.get(r, "").startswith("移交单位（盖章）")]
        closing = [r for r in page if texts.get(r, "").startswith("承接单位（盖章）")]
        dates = [r for r in page if texts.get(r, "").startswith("日期：")]
        assert len(stamps) + len(closing) == len(dates)  # a signature block never runs onto the next page
        for r in stamps:
            # The block is not alone on its page: the section's last item is above it.
            assert isinstance(ws.cell(r - 3, 1).value, int)
    titles = [t for t in texts.values() if "、移交单位：" in t and "（共" in t]
    assert [t.split("、")[0] for t in titles][9:] == ["十", "十一", "十二"]
    assert sum("（续）" in t for t in texts.values()) >= 4
    # The continuation lines are no items: progress reads back every item once.
    progress = runner.invoke(app, ["handover", "progress", str(path), "-f", "json"])
    assert progress.exit_code == 0, progress.output
    assert [r["items"] for r in json.loads(progress.stdout)["by_unit"]] == [len(rows)]


def test_summary_by_department_agrees_with_the_checklists(built: Path) -> None:
    ws = load_workbook(built / "交接汇总.xlsx")["按部门"]
    assert "各承接单位按移交部门的事项数" in str(ws["A1"].value)
    assert [c.value for c in ws[HEADER_ROW]] == [
        "承接单位",
        "移交部门",
        "应交接（交接清单）",
        "不认领或未列入承接清单",
        "下放事项合计",
    ]
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页" and ws.oddFooter.center.font == "宋体"
    assert ws.print_title_rows == "$3:$3"
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=HEADER_ROW + 1)]
    for unit in ("东城县", "西河县"):
        checklist = load_workbook(built / f"交接清单_{unit}.xlsx")
        texts = [str(c.value) for row in checklist[unit].iter_rows() for c in row if c.value is not None]
        # Each department's 应交接 is the item count of its section in the unit's checklist.
        sections = {
            t.split("移交单位：")[1].split("　")[0]: int(t.split("（共 ")[1].split(" 项")[0])
            for t in texts
            if "、移交单位：" in t and "（共" in t
        }
        depts = [r for r in rows if r[0] == unit and not str(r[1]).startswith("小计")]
        assert {r[1]: r[2] for r in depts if r[2]} == sections
        subtotal = next(r for r in rows if r[0] == unit and str(r[1]).startswith("小计"))
        assert subtotal[2:] == [sum(r[2] for r in depts), sum(r[3] for r in depts), sum(r[4] for r in depts)]
        assert subtotal[2] == sum(sections.values())
        unclaimed = [
            r
            for r in checklist["未认领事项"].iter_rows(min_row=HEADER_ROW + 1)
            if isinstance(r[0].value, int)
        ]
        assert subtotal[3] == len(unclaimed)
    total = rows[-1]
    assert total[0] == "合计" and total[2:] == [5, 2, 7]


def test_row_heights_fit_the_wrapped_lines_and_no_more() -> None:
    fields = checklist_fields(deadline=False)
    one = {"item_name": "就业登记", "service_items": "就业登记", "item_code": "512B006680000"}
    assert row_height(one, fields) == LINE_HEIGHT + ROW_PADDING  # one line: no empty space below
    # The reviewer's clipped row: two service items of 40 characters take three lines each in 30 columns.
    name = "企业实行不定时工作制和综合计算工时工作制审批意见和制度方案异地备案（县级）"
    six = {"item_name": name, "service_items": f"{name}（变更）\n{name}（新办）"}
    assert lines_needed(f"{name}（变更）", 30) == 3
    assert row_height(six, fields) == 6 * LINE_HEIGHT + ROW_PADDING
    assert LINE_HEIGHT >= 16  # CJK fonts need about 1.45 times the type size


@pytest.mark.parametrize("word", ["暂不承接", "不认领", "暂不认领", "不予认领"])
def test_every_refusal_word_keeps_the_item_off_the_pages_to_sign(
    word: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """暂不承接 refuses an item in the handover checklist as it does in the acceptance check (issue 13)."""
    from quanze.analysis import analyse
    from quanze.config import load_config
    from quanze.handover import REFUSED, checklists

    config = fixtures.scenario(tmp_path / "s")
    fixtures.acceptance(
        config.parent / "东城县.xlsx",
        [
            [1, "燃气经营许可证核发", "511A0001000000", "认领"],
            [2, "食品生产许可", "511A0002000000", word],
            [3, "食品经营许可（县级）", None, "认领"],
        ],
    )
    a = analyse(load_config(config))
    assert a.acceptance is not None
    rows = checklists(a.loaded.devolved, a.loaded.services, a.result, a.acceptance, ["东城县"])["东城县"]
    food = next(r for r in rows if r.item_name == "食品生产许可")
    assert food.acceptance == REFUSED and not food.to_sign
    progress = {p.unit: p for p in a.acceptance.progress()}
    assert progress["东城县"].refused == 1


# Unit names an office may well write: a slash, a name past Excel's 31 characters, two names that clean alike.
AWKWARD_UNITS = (
    "东城县/高新区",
    "东城县_高新区",
    "西河县经济技术开发区管理委员会行政审批局（西河县经济技术开发区）",
    "西河县经济技术开发区管理委员会行政审批局（西河县经济技术开发区社会事务局）",
)


def _awkward_lists() -> dict[str, list[HandoverRow]]:
    return {
        u: [_row(1, "市市场监管局", "县市场监管局").model_copy(update={"unit": u})] for u in AWKWARD_UNITS
    }


def test_awkward_unit_names_get_their_own_sheets_in_one_workbook(tmp_path: Path) -> None:
    (path,) = write_checklists(tmp_path, _awkward_lists(), single=True, title="交接清单")
    names = load_workbook(path).sheetnames[2:]
    assert len(names) == 2 * len(AWKWARD_UNITS) == len({n.casefold() for n in names})
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)
    assert names[:4] == ["东城县_高新区", "东城县_高新区_未认领", "东城县_高新区_2", "东城县_高新区_2_未认领"]


def test_awkward_unit_names_get_their_own_files(tmp_path: Path) -> None:
    paths = write_checklists(tmp_path, _awkward_lists(), single=False, title="交接清单")
    assert len({p.name for p in paths}) == len(AWKWARD_UNITS) + 1
    assert paths[0].name == "交接清单_东城县_高新区.xlsx" and paths[1].name == "交接清单_东城县_高新区_2.xlsx"
    for path, unit in zip(paths, AWKWARD_UNITS, strict=False):
        heading = load_workbook(path).worksheets[0].iter_rows(max_row=3, values_only=True)
        assert any(unit in str(v) for row in heading for v in row if v), path.name


def test_control_characters_pasted_into_a_name_do_not_reach_the_checklist(tmp_path: Path) -> None:
    row = _row(1, "市市场监管局", "县市场监管局", name="食品经营许可\x0b（县级）\x01")
    (path, _) = write_checklists(tmp_path, {"东城县": [row]}, single=False, title="交接清单")
    cells = [v for r in load_workbook(path).worksheets[0].iter_rows(values_only=True) for v in r if v]
    assert "食品经营许可（县级）" in cells
    assert not any("_x00" in str(v) for v in cells)


def test_a_sheet_name_cut_at_an_apostrophe_stays_legal(tmp_path: Path) -> None:
    unit = "甲" * 30 + "'乙乙"
    (path,) = write_checklists(
        tmp_path, {unit: [_row(1, "市市场监管局", "县市场监管局")]}, single=True, title="t"
    )
    assert all(not n.endswith("'") for n in load_workbook(path).sheetnames)


def test_handing_departments_are_named_in_full_on_the_seal_line() -> None:
    from quanze.handover import handing_name

    assert handing_name("安平市", "安平市人社局") == "安平市人力资源和社会保障局"
    assert handing_name("安平市", "卫健局") == "安平市卫生健康局"
    assert handing_name("安平市", "市市场监管局") == "安平市市场监督管理局"
    assert handing_name("安平市", "市场监管局") == "安平市市场监督管理局"
    # Written in full already, or unknown to the project: the words as written, the unit in front.
    assert handing_name("安平市", "安平市自然资源和规划局") == "安平市自然资源和规划局"
    assert handing_name("安平市", "综合执法局") == "安平市综合执法局"
    assert handing_name("安平市", "政务服务办") == "安平市政务服务办"
    # No unit known, or a township government: exactly as written.
    assert handing_name(None, "卫健局") == "卫健局"
    assert handing_name("安平市", "安平市上司乡人民政府") == "安平市上司乡人民政府"


def test_a_township_receiving_organ_is_left_for_the_unit_to_fill() -> None:
    from quanze.handover import UNNAMED_RECEIVING
    from quanze.models import PowerItem, Provenance

    def taken(department: str) -> PowerItem:
        return PowerItem(
            name="某项审批", department=department, source=Provenance(file="a", sheet="s", row=1)
        )

    assert UNNAMED_RECEIVING == "（由承接单位填写）"
    # Named without the unit (often copied from the handing side): quanze would have to invent 东城县上司乡….
    assert receiving_department("东城县", "安平市上司乡人民政府", taken("上司乡人民政府")) is None
    assert receiving_department("东城县", "安平市上司乡人民政府", taken("县上司乡人民政府")) is None
    # Written by the unit in full: kept as written.
    assert receiving_department("东城县", None, taken("东城县上司乡人民政府")) == "东城县上司乡人民政府"


def test_seal_lines_of_a_built_checklist_name_both_organs_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = fixtures.scenario(tmp_path / "s")
    text = config.read_text("utf-8")
    config.write_text(text.replace('level = "city"\n', 'level = "city"\nunit = "安平市"\n', 1), "utf-8")
    monkeypatch.chdir(config.parent)
    result = runner.invoke(app, ["handover", "build", "--out", "ho"])
    assert result.exit_code == 0, result.output
    ws = load_workbook(config.parent / "ho" / "交接清单_东城县.xlsx").worksheets[0]
    texts = [c for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    handing = {t.split("：", 1)[1] for t in texts if t.startswith("移交单位（盖章）：")}
    assert handing == {"安平市住房和城乡建设局", "安平市市场监督管理局"}, handing
    assert not any("市住建局" in t for t in texts if t.startswith("移交单位"))


def test_an_item_without_service_items_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from quanze.handover import TO_ADD, service_note
    from quanze.match.evidence import DEFAULT_SERVICE_CATEGORIES
    from quanze.models import Category, PowerItem, Provenance

    def item(name: str, category: Category | None) -> PowerItem:
        return PowerItem(name=name, category=category, source=Provenance(file="a", sheet="s", row=1))

    assert service_note(item("供水单位卫生许可", Category.LICENSING), DEFAULT_SERVICE_CATEGORIES) == TO_ADD
    penalty = item("对出卖医疗机构执业许可证的处罚", Category.PENALTY)
    assert service_note(penalty, DEFAULT_SERVICE_CATEGORIES) == "无需录入（行政处罚）"
    assert service_note(penalty, [*DEFAULT_SERVICE_CATEGORIES, Category.PENALTY]) == TO_ADD
    # Built and read back: 东城县's catalogue without its food-business entry leaves that licence bare.
    config = fixtures.scenario(tmp_path / "s")
    rows = [r for r in fixtures.CATALOGUE_ROWS if r[4] != "食品经营许可延续"]
    fixtures.xlsx(config.parent / "catalogue.xlsx", {"Sheet1": [fixtures.CATALOGUE_HEADER, *rows]})
    monkeypatch.chdir(config.parent)
    result = runner.invoke(app, ["handover", "build", "--out", "ho"])
    assert result.exit_code == 0, result.output
    items = _items(load_workbook(config.parent / "ho" / "交接清单_东城县.xlsx")["东城县"])
    assert items["食品经营许可"]["应录入的服务事项"] == TO_ADD
    assert "燃气经营许可证新办" in str(items["燃气经营许可证核发"]["应录入的服务事项"])


def test_progress_ledger_states_its_day_and_totals(built: Path) -> None:
    result = runner.invoke(
        app,
        [
            "handover",
            "progress",
            str(built / "交接清单_东城县.xlsx"),
            str(built / "交接清单_西河县.xlsx"),
            "--out",
            "ledger",
            "--as-of",
            "2027-01-05",
        ],
    )
    assert result.exit_code == 0, result.output
    wb = load_workbook(built.parent / "ledger" / "ledger.xlsx")
    by_unit, by_department = wb["按单位"], wb["按部门"]
    assert "统计截至 2027-01-05" in by_unit["A1"].value and "统计截至 2027-01-05" in by_department["A1"].value
    assert "移交部门" not in [c.value for c in by_unit[2]]  # always empty on the per-unit sheet
    rows = [r for r in by_unit.iter_rows(min_row=3, values_only=True) if r[0]]
    assert rows[-1][:5] == ("合计", 5, 0, 5, 5)
    rows = [r for r in by_department.iter_rows(min_row=3, values_only=True) if r[0]]
    assert rows[-1][0] == "合计" and rows[-1][2:6] == (5, 0, 5, 5)


def test_a_partly_handed_over_status_stays_counted_and_rates_keep_their_decimals(built: Path) -> None:
    """交接状态 '部分交接' (not a choice): the item stays 应交接 and 未交接, under its own issue code, exit 1;
    ledger.csv gives 1 of 3 as 0.3333 (not 0.3), the 合计 row's 交接率 is a number like the rows above."""
    path = built / "交接清单_西河县.xlsx"
    _fill(path, "西河县", "燃气经营许可证核发", 交接状态="已交接", 交接日期=datetime(2026, 11, 20))
    _fill(path, "西河县", "食品生产许可", 交接状态="部分交接")
    args = ["handover", "progress", str(path), "--out", "ledger", "--as-of", "2027-01-05", "--format", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert [(r["unit"], r["items"], r["done"], r["pending"]) for r in data["by_unit"]] == [
        ("西河县", 3, 1, 2)
    ]
    assert [(i["code"], i["value"]) for i in data["issues"]] == [("bad-handover-status", "部分交接")]
    lines = (built.parent / "ledger" / "ledger.csv").read_text("utf-8-sig").splitlines()
    assert lines[1] == "西河县,,3,1,2,2,0.3333"
    by_unit = load_workbook(built.parent / "ledger" / "ledger.xlsx")["按单位"]
    rows = [r for r in by_unit.iter_rows(min_row=3, values_only=True) if r[0]]
    assert rows[-1][0] == "合计" and rows[-1][5] == rows[-2][5] == 0.3333
    # The terminal shows the rate to a tenth of a percent (12 of 245 is 4.9 %, not 5 %).
    shown = runner.invoke(app, ["handover", "progress", str(path), "--as-of", "2027-01-05"])
    assert "33.3%" in shown.output
