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


def ledger_version(path: Path) -> int:
    """The ledger's version: the number of its last event (every change is one), 0 when it has none."""
    with opened(path, create=False) as con:
        return int(con.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0])


# The editable fields an event changes: a run's opening, closing or reopening sets the status, its reason and
# the due date; a person's status change the status and its reason; an edit its own field.
_RUN_FIELDS = frozenset({"status", "reason", "due"})
_STATUS_FIELDS = frozenset({"status", "reason"})


def changed_since(path: Path, version: int) -> dict[str, set[str]]:
    """The editable fields of each gap that events after `version` (`ledger_version`) changed."""
    changed: dict[str, set[str]] = {}
    with opened(path, create=False) as con:
        rows = con.execute("SELECT gap_id, kind, field FROM events WHERE id > ?", (version,)).fetchall()
    for row in rows:
        kind = row["kind"]
        if kind in ("opened", "closed", "reopened"):
            fields: frozenset[str] = _RUN_FIELDS
        elif kind == "status":
            fields = _STATUS_FIELDS
        elif kind == "edit" and row["field"]:
            fields = frozenset({row["field"]})
        else:
            continue  # renamed: no editable field
        changed.setdefault(row["gap_id"], set()).update(fields)
    return changed
