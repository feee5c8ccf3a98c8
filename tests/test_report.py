"""Reports people read: report.xlsx checked by reading its cells back."""

from __future__ import annotations

import codecs
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from typer.testing import CliRunner

from quanze.cli import app
from quanze.config import load_config
from quanze.errors import OutputError
from quanze.models import Level
from quanze.pipeline import run_reconcile
from quanze.report.files import csv_safe, write_csv

import fixtures


def test_report_workbook_layout(tmp_path: Path) -> None:
    config = load_config(fixtures.scenario(tmp_path / "s"))
    run_reconcile(config, out=tmp_path / "out", force=False)
    wb = load_workbook(tmp_path / "out" / "report.xlsx")
    assert wb.sheetnames == ["概览", "承接进度", "使用率", "已匹配", "待复核", "未匹配", "缺口", "数据问题"]
    overview = wb["概览"]
    assert overview["A1"].value == "测试"
    assert overview["A2"].value.startswith("文件修改日期：") and "生成日期：" in overview["A2"].value
    # The same headline figures as report.html, under the data date.
    assert (
        overview["A3"].value
        == "承接率 71.4%（5/7）　未承接 2　权限悬空 0　待复核 0　零办件 1（服务事项 1/7）"
    )
    assert overview["A4"].value.startswith("名词说明：")
    assert [overview["A9"].value, overview["A10"].value, overview["B10"].value] == [
        "总体情况",
        "项目",
        "数量",
    ]
    cells = [[c.value for c in row] for row in overview.iter_rows()]
    facts = {row[0]: row[1] for row in cells if row and isinstance(row[1], int)}
    assert facts["服务事项"] == 7 and facts["缺口：已下放未承接"] == 2
    sections = [row[0] for row in cells if row and row[0] in ("总体情况", "各单位承接率", "各部门使用率")]
    assert sections == ["总体情况", "各单位承接率", "各部门使用率"]
    unit_rows = {row[0]: row[1:5] for row in cells if row and row[0] in ("东城县", "西河县")}
    assert unit_rows == {"东城县": [4, 2, 2, 0.5], "西河县": [3, 3, 0, 1]}
    assert len(overview._charts) == 2
    progress = wb["承接进度"]
    assert progress["A1"].value.startswith("各单位承接进度") and progress["A2"].value.startswith("应承接 = ")
    assert [c.value for c in progress[3]] == [
        "承接单位",
        "应承接",
        "已承接",
        "不认领",
        "未列入",
        "清单外",
        "承接率",
    ]
    assert [c.value for c in progress[4]] == ["东城县", 4, 2, 1, 1, 1, 0.5]
    assert len(progress._charts) == 1 and len(wb["使用率"]._charts) == 1
    matched = wb["已匹配"]
    assert matched["A1"].value.startswith("已匹配：")
    assert matched.freeze_panes == "A3"
    assert matched.auto_filter.ref.startswith("A2:L")
    assert matched["C2"].value == "承办机构"
    assert abs(matched.column_dimensions["E"].width - 28) < 1
    headings = [c.value for c in matched[2]]
    assert headings[:5] == ["行政区划", "实施部门", "承办机构", "权力事项编码", "权力事项名称"]
    statuses = {matched.cell(r, headings.index("状态") + 1).value for r in range(3, matched.max_row + 1)}
    assert statuses == {"已匹配"}
    gaps = wb["缺口"]
    assert {gaps.cell(r, 13).value for r in range(3, gaps.max_row + 1)} >= {
        "not-accepted",
        "orphan-service-item",
    }


def test_report_workbook_prints_and_charts_read_right(tmp_path: Path) -> None:
    config = load_config(fixtures.scenario(tmp_path / "s"))
    run_reconcile(config, out=tmp_path / "out", force=False)
    wb = load_workbook(tmp_path / "out" / "report.xlsx")
    for ws in wb.worksheets:  # every sheet prints A4 landscape, one page wide, with page numbers
        assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0, ws.title
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页", ws.title
        assert ws.oddHeader.left.text, ws.title
    assert wb["缺口"].print_title_rows == "$2:$2"
    overview = wb["概览"]
    cells = {c.value: c.row for row in overview.iter_rows() for c in row if isinstance(c.value, str)}
    # Input files and their dates are on the first sheet.
    assert cells["输入文件"] > cells["各部门使用率"] and "city.xlsx" in cells and "服务事项目录" in cells
    # Units sorted from the lowest acceptance rate, so the lagging unit is first in table and chart.
    units = [overview.cell(r, 1).value for r in range(cells["各单位承接率"] + 2, cells["各单位承接率"] + 4)]
    rates = [overview.cell(r, 5).value for r in range(cells["各单位承接率"] + 2, cells["各单位承接率"] + 4)]
    assert rates == sorted(rates) and units == ["东城县", "西河县"]
    charts = overview._charts
    assert len(charts) == 2
    for chart, section in zip(charts, ("各单位承接率", "各部门使用率"), strict=True):
        table_end = cells[section] + 1 + 2
        anchor = chart.anchor._from
        assert anchor.col == 0 and anchor.row + 1 > table_end  # below its table, not beside it
        assert chart.tagname == "barChart" and chart.barDir == "bar"  # horizontal bars
        assert chart.x_axis.scaling.orientation == "maxMin"  # the category axis runs down: first row on top
        assert all(s.dLbls is not None and s.dLbls.showVal for s in chart.series)
    first = cells["各单位承接率"] + 2
    # The acceptance chart shows the items not accepted (column D) of the table's unit rows.
    assert charts[0].series[0].val.numRef.f == f"概览!$D${first}:$D${first + 1}"
    progress = wb["承接进度"]._charts[0]
    assert progress.grouping == "percentStacked" and len(progress.series) == 3


def test_csv_neutralises_formula_like_text(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    write_csv(path, ["a", "b"], [{"a": "=1+1", "b": "-2"}, {"a": "@x", "b": "\t=y"}, {"a": "正常", "b": 3}])
    assert path.read_text("utf-8-sig").splitlines() == ["a,b", "'=1+1,'-2", "'@x,'\t=y", "正常,3"]
    assert csv_safe(5) == 5


def test_csv_cells_of_every_kind_and_rows_missing_keys(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    rows = [
        {"a": None, "b": 99.25, "c": ["甲", "=乙"]},
        {"a": "+1"},  # keys left out are empty cells, as None is
        {"c": 7, "a": "x", "b": True, "extra": "not a column"},
    ]
    write_csv(path, ["a", "b", "c"], rows)
    assert path.read_text("utf-8-sig").splitlines() == ["a,b,c", ",99.2,甲;=乙", "'+1,,", "x,True,7"]
    write_csv(path, ["a"], rows)
    assert path.read_text("utf-8-sig").splitlines() == ["a", '""', "'+1", "x"]  # csv quotes a lone empty cell


def test_csv_is_utf8_with_a_bom_so_excel_sniffs_it(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    write_csv(path, ["单位"], [{"单位": "东城县"}])
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8) and data[3:].decode("utf-8") == "单位\n东城县\n"


def test_csv_in_gbk_for_old_systems_and_a_loud_error_for_what_gbk_lacks(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    write_csv(path, ["单位"], [{"单位": "东城县"}], encoding="gbk")
    assert path.read_bytes() == "单位\n东城县\n".encode("gbk")
    with pytest.raises(OutputError, match="line 3 holds '𠀋'"):
        write_csv(path, ["单位"], [{"单位": "东城县"}, {"单位": "𠀋村"}], encoding="gbk")
    assert path.read_bytes() == "单位\n东城县\n".encode("gbk")  # the earlier file is left as it was
    write_csv(path, ["单位"], [{"单位": "𠀋村"}], encoding="gb18030")
    assert path.read_bytes().decode("gb18030") == "单位\n𠀋村\n"


def test_cli_csv_encoding_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = fixtures.scenario(tmp_path / "s")
    monkeypatch.chdir(config.parent)
    result = CliRunner().invoke(app, ["gaps", "--out", "g", "--csv-encoding", "gbk"])
    assert result.exit_code == 0, result.output
    text = (config.parent / "g" / "gaps.csv").read_bytes().decode("gbk")
    assert text.startswith("gap_type,") and "东城县" in text


class _Page(HTMLParser):
    """Tags, attributes and the text of headline figures and gap groups, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headline: dict[str, str] = {}
        self.headings: list[str] = []
        self._key: str | None = None
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("data-key"):
            self._key = a["data-key"]
        if self._key and a.get("class") == "value":
            self._in = "value"
        if tag == "h2":
            self._in = "h2"

    def handle_data(self, data: str) -> None:
        if self._in == "value" and self._key:
            self.headline[self._key] = data
            self._key = self._in = None
        elif self._in == "h2":
            self.headings.append(data)
            self._in = None


def test_html_report_is_self_contained(tmp_path: Path) -> None:
    config = load_config(fixtures.scenario(tmp_path / "s"))
    result = run_reconcile(config, out=tmp_path / "out", force=False)
    text = (tmp_path / "out" / "report.html").read_text("utf-8")
    page = _Page()
    page.feed(text)
    assert page.headings == ["概览", "缺口", "承接进度", "使用率", "待复核", "未匹配"]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text("utf-8"))
    assert page.headline["not-accepted"] == str(summary["gaps"]["not-accepted"])
    assert page.headline["no-service-item"] == str(summary["gaps"]["no-service-item"])
    assert page.headline["unused"] == str(summary["gaps"]["unused"])
    assert page.headline["review"] == str(summary["match"]["links_review"])
    accepted = sum(a.accepted for a in result.acceptance)
    devolved = sum(a.devolved for a in result.acceptance)
    assert page.headline["acceptance-rate"] == f"{accepted / devolved:.1%}"
    # Each gap row says whether it stands or waits on review, and names the service entry where there is one.
    assert '<th class="s">状态</th>' in text and '<td class="s">确定</td>' in text
    assert "城市道路占用挖掘许可" in text  # the orphan service item is listed
    # One file: no scripts, no stylesheets or images fetched, no link off the page.
    tags = {t for t, _ in page.tags}
    assert "script" not in tags and "link" not in tags and "img" not in tags and "iframe" not in tags
    assert all(not (a.get("href") or "#").strip().startswith(("http", "//")) for _, a in page.tags)
    assert all("src" not in a for _, a in page.tags)
    assert "http" not in text and "url(" not in text
    # Gaps grouped by type and unit in closed sections; the table of contents links to each section.
    groups = [a["data-gap"] for t, a in page.tags if t == "details" and a.get("data-gap")]
    assert groups == [g for g, n in summary["gaps"].items() if n]
    assert [a["href"] for t, a in page.tags if t == "a"][:3] == ["#overview", "#gaps", "#acceptance"]
    assert "城市道路占用挖掘许可" in text  # the orphan service item is listed
    assert "@media print" in text


def test_html_escapes_what_the_inputs_hold(tmp_path: Path) -> None:
    from quanze.report.html import render

    config = load_config(fixtures.scenario(tmp_path / "s"))
    result = run_reconcile(config, out=tmp_path / "out", force=False)
    result.gaps[0].item_name = '<script>alert("x")</script>'
    page = render(result, title="<b>标题</b>")
    assert "<script>" not in page and "&lt;script&gt;" in page and "&lt;b&gt;标题" in page


def test_html_level_chain_is_a_unit_by_level_matrix(tmp_path: Path) -> None:
    from quanze.report.html import chain_matrix
    from quanze.results import CascadeRow, How

    config = load_config(fixtures.scenario(tmp_path / "s"))
    result = run_reconcile(config, out=tmp_path / "out", force=False)
    result.cascade_levels = [Level.CITY, Level.COUNTY]
    result.cascade = [
        CascadeRow(
            chain=0,
            level=Level.CITY,
            unit="安平市",
            code=None,
            name="甲",
            how=How.DEVOLVED,
            mode=None,
            source="s",
        ),
        CascadeRow(
            chain=0,
            level=Level.COUNTY,
            unit="东城县",
            code=None,
            name="甲",
            how=How.CLAIMED,
            mode=None,
            source="s",
        ),
        CascadeRow(
            chain=0,
            level=Level.COUNTY,
            unit="西河县",
            code=None,
            name="甲乙",
            how=How.CLAIMED,
            mode=None,
            source="s",
        ),
        CascadeRow(
            chain=1,
            level=Level.COUNTY,
            unit="西河县",
            code=None,
            name="丙",
            how=How.RETAINED,
            mode=None,
            source="s",
        ),
    ]
    levels, rows = chain_matrix(result)
    assert levels == [("市级", ["安平市"]), ("县级", ["东城县", "西河县"])]
    assert [(r["name"], r["cells"]) for r in rows] == [
        ("甲", ["下放", "认领", "认领*"]),
        ("丙", ["", "", "保留"]),
    ]


def test_interrupted_write_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    from quanze.report.files import write_atomic, write_text

    target = tmp_path / "quanze-decisions.jsonl"
    write_text(target, '{"old": true}\n')

    def crash(tmp: Path) -> None:
        tmp.write_text('{"half', encoding="utf-8")
        raise KeyboardInterrupt

    import pytest

    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, crash)
    assert target.read_text("utf-8") == '{"old": true}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["quanze-decisions.jsonl"]


def test_run_beside_reports_a_failing_background_writer(tmp_path: Path) -> None:
    import pytest

    from quanze.errors import OutputError
    from quanze.report.files import run_beside

    def ok() -> None:
        (tmp_path / "a.txt").write_text("a", "utf-8")

    def boom() -> None:
        raise OSError("disk full")

    run_beside(ok, lambda: (tmp_path / "b.txt").write_text("b", "utf-8"), parallel=True)
    assert (tmp_path / "a.txt").exists() and (tmp_path / "b.txt").exists()
    with pytest.raises(OutputError, match="disk full"):
        run_beside(boom, lambda: None, parallel=True)


NAMES = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), st.sampled_from("ABCxyz（）()、 -=+@")
    ),
    min_size=1,
    max_size=20,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(NAMES, min_size=1, max_size=15))
def test_a_workbook_written_and_read_back_keeps_its_rows(tmp_path: Path, names: list[str]) -> None:
    from quanze.ingest import read_file
    from quanze.ingest.junk import junk_name, junk_row
    from quanze.normalize import clean_text, is_placeholder
    from quanze.report.xlsx import Column, Sheet, write_workbook
    from quanze.vocab import DITTO_MARKS

    assume(not any((clean_text(n) or "").strip() in DITTO_MARKS for n in names))  # 同上 means "as above"
    assume(not any(is_placeholder(clean_text(n)) for n in names))  # "-" means "none"
    assume(not any(junk_row([clean_text(n)]) for n in names))  # 合计 alone is a total row, never an item
    assume(not any(junk_name(clean_text(n) or "") for n in names))  # 否 in a name cell is a shifted column
    path = tmp_path / "roundtrip.xlsx"
    rows = [{"no": i, "name": n, "code": f"00{i}"} for i, n in enumerate(names, 1)]
    columns = (Column("no", "序号"), Column("name", "事项名称"), Column("code", "事项编码"))
    write_workbook(path, [Sheet("Sheet1", columns, rows)])
    report = read_file(path)
    # Every row comes back, with its text (tidied as ingest tidies) and its code with leading zeros.
    assert [(p.name, p.code) for p in report.powers] == [
        (clean_text(n), f"00{i}") for i, n in enumerate(names, 1) if clean_text(n)
    ]
    assert report.sheets[0].records + report.sheets[0].rejected == len(names)


def test_acceptance_sheet_lists_the_lowest_rate_first(tmp_path: Path) -> None:
    from quanze.report.reconcile import write_reconcile

    result = run_reconcile(load_config(fixtures.scenario(tmp_path / "s")), out=tmp_path / "o", force=False)
    rows = [
        a.model_copy(update={"rate": 1.0 - a.rate, "accepted": a.devolved - a.accepted})
        for a in result.acceptance
    ]
    out = tmp_path / "out"
    out.mkdir()
    write_reconcile(out, result.model_copy(update={"acceptance": rows}), title="测试")
    sheet = load_workbook(out / "report.xlsx")["承接进度"]
    rates = [r[6] for r in sheet.iter_rows(min_row=4, values_only=True) if r[0]]
    assert rates == sorted(rates) and len(rates) == 2


def test_unmatched_sheet_has_no_columns_empty_in_every_row(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_reconcile(load_config(fixtures.scenario(tmp_path / "s")), out=out, force=False)
    ws = load_workbook(out / "report.xlsx")["未匹配"]
    headings = [c.value for c in ws[2]]
    assert headings == ["行政区划", "实施部门", "承办机构", "权力事项编码", "权力事项名称", "理由"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert rows and all(any(r[i] for r in rows) for i in (0, 4, 5))


def test_gap_cells_hold_what_the_rows_dump() -> None:
    """The 缺口 sheet's cells are taken from a gap row's fields directly: the same as its model_dump()."""
    from quanze.report.reconcile import _gap_cells
    from quanze.results import GapRow, GapStatus, GapType

    row = GapRow(
        gap_type=GapType.UNUSED,
        unit="东城县",
        item_code="0100",
        item_name="某某许可",
        detail="统计期内办件量为0",
        status=GapStatus.PENDING_REVIEW,
        power_code="P1",
    )
    (cells,) = list(_gap_cells([row]))
    dumped = row.model_dump()
    assert {k: v for k, v in cells.items() if k not in ("gap_type", "gap_type_zh", "status")} == {
        k: v for k, v in dumped.items() if k not in ("gap_type", "status")
    }
    assert cells["gap_type"] == "unused" and cells["status"] != GapStatus.PENDING_REVIEW
