"""A gap whose item's code is corrected upstairs stays the same gap: owner, reason and due date kept (ledger)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from quanze import ledger
from quanze.ledger import CLOSED, IN_PROGRESS, GapChange
from quanze.results import GapRow, GapType, ReconcileResult

import fixtures

MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def gap(name: str, code: str | None, unit: str = "南山县") -> GapRow:
    return GapRow(
        gap_type=GapType.NO_SERVICE_ITEM,
        unit=unit,
        item_code=code,
        item_name=name,
        detail="d",
        department="市人社局",
    )


def result(*gaps: GapRow) -> ReconcileResult:
    return fixtures.gaps_only(*gaps)


def test_a_code_corrected_upstairs_keeps_the_gap(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite"
    ledger.record_run(
        db, result(gap("创业补贴申请", "512B0066700000"), gap("其他事项", "512B0000100000")), at=MONDAY
    )
    (gid,) = [g.id for g in ledger.load_gaps(db) if g.item_name == "创业补贴申请"]
    ledger.apply_changes(
        db,
        [GapChange(gap_id=gid, status=IN_PROGRESS, owner="王五", due="2026-12-20", reason="正在协调")],
        by="张三",
        at=MONDAY + timedelta(days=1),
        source="整改台账.xlsx",
    )
    # The city corrects the code (…00000 → …00100): nothing about the gap at 南山县 changed.
    out = ledger.record_run(
        db,
        result(gap("创业补贴申请", "512B0066700100"), gap("其他事项", "512B0000100000")),
        at=MONDAY + timedelta(weeks=1),
    )
    assert (out.opened, out.closed, out.reopened, out.renamed) == (0, 0, 0, 1)
    (kept,) = [g for g in ledger.load_gaps(db, include_closed=True) if g.item_name == "创业补贴申请"]
    assert (kept.id, kept.item_code, kept.status, kept.owner, kept.due) == (
        gid,
        "512B0066700100",
        IN_PROGRESS,
        "王五",
        "2026-12-20",
    )
    events = ledger.history(db, gid).events
    assert [(e.field, e.old, e.new) for e in events if e.kind == "renamed"] == [
        ("item_code", "512B0066700000", "512B0066700100")
    ]


def test_a_new_code_with_another_name_is_another_gap(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite"
    ledger.record_run(db, result(gap("创业补贴申请", "512B0066700000")), at=MONDAY)
    out = ledger.record_run(db, result(gap("就业补贴申请", "512B0066700100")), at=MONDAY + timedelta(weeks=1))
    assert (out.opened, out.closed) == (1, 1)
    assert {g.item_name: g.status for g in ledger.load_gaps(db, include_closed=True)} == {
        "创业补贴申请": CLOSED,
        "就业补贴申请": "待整改",
    }


def test_two_vanished_gaps_of_one_name_pair_with_none(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite"
    ledger.record_run(
        db, result(gap("创业补贴申请", "512B0066700000"), gap("创业补贴申请", "512B0066800000")), at=MONDAY
    )
    out = ledger.record_run(db, result(gap("创业补贴申请", "512B0066700100")), at=MONDAY + timedelta(weeks=1))
    assert (out.opened, out.closed, out.renamed) == (1, 2, 0)
