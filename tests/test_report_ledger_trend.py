"""The 周报's arithmetic and its department lines: 不予整改 in the trend, one line per department (ledger)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from openpyxl import load_workbook

from quanze import ledger
from quanze.ledger import WONT_FIX, GapChange, Period
from quanze.report.ledger import write_period_report
from quanze.results import GapRow, GapType
from test_ledger import gap, result, week


def test_a_gap_set_wont_fix_in_the_first_week_is_in_the_trend_so_it_adds_up(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite"
    gaps = [gap(GapType.NOT_ACCEPTED, "东城县", name) for name in ("甲", "乙", "丙")]
    ledger.record_run(db, result(*gaps), at=week(1))
    (wont,) = [g.id for g in ledger.load_gaps(db) if g.item_name == "乙"]
    ledger.apply_changes(
        db,
        [GapChange(gap_id=wont, status=WONT_FIX, reason="县级自设事项，按规定保留")],
        by="张三",
        at=week(1) + timedelta(days=2),
        source="整改台账.xlsx",
    )
    ledger.record_run(db, result(gaps[0], gaps[1]), at=week(2))
    report = ledger.period_report(db, Period.WEEK, now=week(2) + timedelta(days=1))
    first, second = report.periods
    assert (first.opened, first.closed, first.set_aside, first.open) == (3, 0, 1, 2)
    assert first.opened - first.closed - first.set_aside == first.open
    assert (second.opened, second.closed, second.set_aside, second.open) == (0, 1, 0, 1)
    (east,) = [r for r in report.units if r.period == first.period]
    assert east.set_aside == 1
    out = tmp_path / "rep"
    out.mkdir()
    xlsx, _, html = write_period_report(out, report, title="安平市")
    trend = [list(r) for r in load_workbook(xlsx)["趋势"].iter_rows(values_only=True)]
    header = next(r for r in trend if r[0] == "期间")
    row = dict(zip(header, next(r for r in trend if r[0] == first.period), strict=False))
    assert (row["新增"], row["销号"], row["不予整改"], row["未销号"]) == (3, 0, 1, 2)
    assert "<th>不予整改</th>" in html.read_text("utf-8")


def health(name: str, department: str) -> GapRow:
    return GapRow(
        gap_type=GapType.NOT_ACCEPTED,
        unit="东城县",
        item_code=None,
        item_name=name,
        detail="d",
        department=department,
    )


def test_a_health_sector_and_its_bureau_are_one_department_line(tmp_path: Path) -> None:
    """The quirk: 安平市卫生健康系统 / 东城县卫生健康委员会 / 县卫生健康系统 spell one department at 东城县."""
    db = tmp_path / "l.sqlite"
    spellings = ("安平市卫生健康系统", "东城县卫生健康委员会", "县卫生健康系统", "安平市卫健局")
    ledger.record_run(db, result(*(health(f"事项{n}", d) for n, d in enumerate(spellings))), at=week(1))
    report = ledger.period_report(db, Period.WEEK, now=week(1) + timedelta(days=1))
    assert [(r.unit, r.department, r.open) for r in report.departments] == [("东城县", "卫生健康局", 4)]
