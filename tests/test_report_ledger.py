"""The 周报 as officials read it: 首期建账, ranks that tie, one period label, an empty 逾期事项 that says so."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from openpyxl import load_workbook

from quanze import ledger
from quanze.ledger import Period
from quanze.report.ledger import FIRST_BUILD, NO_OVERDUE, html_table, period_label, write_period_report
from quanze.results import GapType
from test_ledger import gap, result, week


def _report(tmp_path: Path, *runs: list[tuple[str, str]]) -> tuple[ledger.LedgerReport, Path, Path]:
    """A ledger recorded once a week with the (unit, item) gaps of each run; the 周报 written."""
    db = tmp_path / "l.sqlite"
    for n, gaps in enumerate(runs, start=1):
        ledger.record_run(db, result(*(gap(GapType.NOT_ACCEPTED, u, i) for u, i in gaps)), at=week(n))
    report = ledger.period_report(db, Period.WEEK, now=week(len(runs)) + timedelta(days=1))
    out = tmp_path / "rep"
    out.mkdir()
    xlsx, _, html = write_period_report(out, report, title="安平市")
    return report, xlsx, html


def test_first_week_of_a_ledger_is_labelled_first_build_and_ties_are_ranked_level(tmp_path: Path) -> None:
    first = [("东城县", "甲"), ("东城县", "乙"), ("西河县", "甲"), ("西河县", "乙"), ("南山县", "甲")]
    _, xlsx, html = _report(tmp_path, first)
    ws = load_workbook(xlsx)["排名"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[1]
    assert FIRST_BUILD in header and "本期新增" not in header
    assert FIRST_BUILD in str(rows[0][0])
    ranked = {r[1]: r[0] for r in rows[2:5]}
    # 东城县 and 西河县 both have two open gaps: level, both first, and the next unit third.
    assert ranked == {"东城县": "1（并列）", "西河县": "1（并列）", "南山县": 3}
    page = html.read_text("utf-8")
    assert f"<th>{FIRST_BUILD}</th>" in page and "<th>本期新增</th>" not in page
    assert "<td>1（并列）</td>" in page


def test_a_later_week_says_new_and_the_trend_names_the_first_build(tmp_path: Path) -> None:
    first = [("东城县", "甲"), ("西河县", "甲")]
    report, xlsx, _ = _report(tmp_path, first, [*first, ("东城县", "乙")])
    wb = load_workbook(xlsx)
    assert "本期新增" in [c.value for c in wb["排名"][2]]
    assert f"{report.periods[0].period} 为{FIRST_BUILD}" in str(wb["趋势"]["A1"].value)
    assert [r[0] for r in wb["排名"].iter_rows(min_row=3, max_row=4, values_only=True)] == [1, 2]


def test_one_period_label_in_workbook_and_page_and_an_empty_overdue_sheet_says_so(tmp_path: Path) -> None:
    report, xlsx, html = _report(tmp_path, [("东城县", "甲")])
    label = period_label(report)
    last = report.periods[-1]
    assert label == f"{last.period}，{last.start} 至 {last.end}"
    wb = load_workbook(xlsx)
    assert label in str(wb["排名"]["A1"].value)
    page = html.read_text("utf-8")
    assert f"<h1>安平市周报（{label}）</h1>" in page
    assert report.overdue_items == []
    texts = [c for r in wb["逾期事项"].iter_rows(values_only=True) for c in r if c]
    assert NO_OVERDUE in texts
    assert NO_OVERDUE in page


def test_rates_in_the_page_keep_one_decimal() -> None:
    table = html_table(["单位", "承接率"], [("东城县", 0.9234), ("西河县", 0.9251)])
    assert [row[1].text for row in table.rows] == ["92.3%", "92.5%"]


def test_units_read_counties_zones_towns_upper_levels_then_shared(tmp_path: Path) -> None:
    from quanze.ledger import CROSS_UNITS, load_gaps
    from quanze.report.ledger import GroupBy, unit_order, write_ledger_workbook

    names = ["城北镇", "北湖县", "某省", "安平经济技术开发区", CROSS_UNITS, "安平市", "东城县", "城南镇"]
    assert sorted(names, key=unit_order({"安平市"})) == [
        "东城县",
        "北湖县",
        "安平经济技术开发区",
        "城北镇",
        "城南镇",
        "安平市",
        "某省",
        CROSS_UNITS,
    ]
    db = tmp_path / "l.sqlite"
    rows = [
        gap(GapType.NOT_ACCEPTED, "城北镇", "甲"),
        gap(GapType.NOT_ACCEPTED, "东城县", "甲"),
        gap(GapType.DROPPED_IN_CHAIN, "安平市", "乙"),
        gap(GapType.NOT_ACCEPTED, "安平经济技术开发区", "甲"),
        gap(GapType.UNIT_SPECIFIC, "南山县、白云县", "丙"),
    ]
    ledger.record_run(db, result(*rows), at=week(1))
    path = write_ledger_workbook(tmp_path / "台账.xlsx", load_gaps(db), by=GroupBy.UNIT, title="安平市")
    wb = load_workbook(path)
    assert wb.sheetnames == ["汇总", "东城县", "安平经济技术开发区", "城北镇", "安平市", CROSS_UNITS]
    summary = [r[0] for r in wb["汇总"].iter_rows(min_row=3, values_only=True) if r[0]]
    assert summary[:5] == ["东城县", "安平经济技术开发区", "城北镇", "安平市", CROSS_UNITS]
