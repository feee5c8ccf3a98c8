"""Reading the ledger: the gaps (open or all) and one gap's history."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from quanze.errors import UsageError
from quanze.ledger.records import GapHistory, LedgerEvent, LedgerGap
from quanze.ledger.store import ACTIVE, CLOSED, now_utc, opened
from quanze.results import GapType


def gap_of_row(row: sqlite3.Row, today: date) -> LedgerGap:
    return LedgerGap(
        id=row["id"],
        gap_type=GapType(row["gap_type"]),
        unit=row["unit"],
        item_code=row["item_code"],
        item_name=row["item_name"],
        department=row["department"],
        detail=row["detail"],
        source=row["source"],
        status=row["status"],
        reason=row["reason"],
        owner_unit=row["owner_unit"],
        owner=row["owner"],
        due=row["due"],
        notes=row["notes"],
        first_seen=row["first_seen"],
        since=row["since"],
        last_seen=row["last_seen"],
        overdue=row["status"] in ACTIVE and row["due"] is not None and row["due"] < today.isoformat(),
    )


def load_gaps(path: Path, *, include_closed: bool = False, today: date | None = None) -> list[LedgerGap]:
    """The gaps on the ledger (by default only those not yet 已销号), ordered by unit, type and item."""
    with opened(path, create=False) as con:
        rows = con.execute("SELECT * FROM gaps ORDER BY unit_key, gap_type, item_name, id").fetchall()
    day = today or now_utc().date()
    return [gap_of_row(r, day) for r in rows if include_closed or r["status"] != CLOSED]


def history(path: Path, gap: str, *, today: date | None = None) -> GapHistory:
    """A gap with every change it went through, oldest first."""
    with opened(path, create=False) as con:
        row = con.execute(
            "SELECT * FROM gaps WHERE id = ? OR identity = ?", (gap.strip(), gap.strip())
        ).fetchone()
        if row is None:
            raise UsageError(
                f"{gap}: no such gap in {path}",
                hint="copy the 编号 (G-…) from 整改台账.xlsx or the weekly report",
            )
        events = con.execute("SELECT * FROM events WHERE gap_id = ? ORDER BY id", (row["id"],)).fetchall()
    return GapHistory(
        gap=gap_of_row(row, today or now_utc().date()),
        events=[
            LedgerEvent(
                at=e["at"],
                kind=e["kind"],
                status=e["status"],
                field=e["field"],
                old=e["old"],
                new=e["new"],
                by=e["by"],
                reason=e["reason"],
                source=e["source"],
                run_id=e["run_id"],
            )
            for e in events
        ],
    )
