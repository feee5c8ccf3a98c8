"""A week run without a unit's own list neither opens nor closes that unit's gaps (ledger/runs)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from quanze import ledger
from quanze.ledger import CLOSED, OPEN
from quanze.results import GapRow, GapType, InputFile, ReconcileResult

import fixtures

MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

CITY = InputFile(path="city.xlsx", role="devolution", unit="安平市", records=3, sha256="a")
EAST = InputFile(path="东城县.xlsx", role="acceptance", unit="东城县", records=3, sha256="b")
WEST = InputFile(path="西河县.csv", role="acceptance", unit="西河县", records=3, sha256="c")


def gap(unit: str, name: str, kind: GapType = GapType.NO_SERVICE_ITEM) -> GapRow:
    return GapRow(gap_type=kind, unit=unit, item_code=None, item_name=name, detail="d", department="市人社局")


def result(inputs: list[InputFile], *gaps: GapRow) -> ReconcileResult:
    return fixtures.gaps_only(*gaps, inputs=inputs)


def statuses(db: Path) -> dict[str, str]:
    return {f"{g.unit}|{g.item_name}": g.status for g in ledger.load_gaps(db, include_closed=True)}


def test_a_week_without_a_units_list_opens_no_gap_of_that_unit(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite"
    full = [CITY, EAST, WEST]
    ledger.record_run(
        db, result(full, gap("西河县", "甲"), gap("西河县", "乙"), gap("东城县", "丙")), at=MONDAY
    )
    ledger.record_run(
        db, result(full, gap("西河县", "甲"), gap("东城县", "丙")), at=MONDAY + timedelta(days=1)
    )
    assert statuses(db)["西河县|乙"] == CLOSED
    # 西河县's list is missing: its refused items read as accepted, so gaps appear that exist only because
    # the list is missing (丁), and a closed one comes back (乙). Neither opens; 东城县's new gap does.
    week2 = result(
        [CITY, EAST],
        gap("西河县", "丁"),
        gap("西河县", "乙"),
        gap("东城县", "丙"),
        gap("东城县", "戊"),
    )
    out = ledger.record_run(db, week2, at=MONDAY + timedelta(weeks=1))
    assert (out.opened, out.reopened, out.closed, out.openings_held) == (1, 0, 0, 2)
    assert out.units_held == ["西河县"]
    got = statuses(db)
    assert "西河县|丁" not in got and got["西河县|乙"] == CLOSED and got["西河县|甲"] == OPEN
    assert got["东城县|戊"] == OPEN
    # The list is back: nothing of that week is closed as the unit's progress.
    back = ledger.record_run(
        db,
        result(full, gap("西河县", "甲"), gap("东城县", "丙"), gap("东城县", "戊")),
        at=MONDAY + timedelta(weeks=2),
    )
    assert (back.opened, back.reopened, back.closed, back.openings_held) == (0, 0, 0, 0)
