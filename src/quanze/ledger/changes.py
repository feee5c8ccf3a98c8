"""Analysts' changes from a filled-in 整改台账: status, reason, owner, due date — each an event with who and when."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from pydantic import BaseModel

from quanze.errors import UsageError
from quanze.ledger.records import LedgerGap
from quanze.ledger.runs import record_event
from quanze.ledger.store import EDITABLE, opened, stamp, transaction


class GapChange(BaseModel):
    """What an analyst wrote for one gap in 整改台账.xlsx (the editable columns)."""

    gap_id: str
    status: str
    reason: str | None = None
    owner_unit: str | None = None
    owner: str | None = None
    due: str | None = None
    notes: str | None = None
    row: int = 0
    sheet: str = ""

    @classmethod
    def edit(cls, gap: LedgerGap, **updates: str | None) -> GapChange:
        """A gap's current editable values with some of them changed: what one workbook row says."""
        values: dict[str, str | None] = {name: getattr(gap, name) for name in EDITABLE}
        values.update(updates)
        return cls.model_validate({"gap_id": gap.id, **values})


class ApplyCounts(BaseModel):
    rows: int
    changed_gaps: int
    changes: int
    unchanged: int


def known_gap_ids(path: Path) -> set[str]:
    with opened(path, create=False) as con:
        return {r["id"] for r in con.execute("SELECT id FROM gaps")}


def apply_changes(
    path: Path, changes: Sequence[GapChange], *, by: str, at: datetime, source: str
) -> ApplyCounts:
    """Record the analysts' edits in one transaction; a value equal to the ledger's adds nothing."""
    when = stamp(at)
    changed = events = 0
    with opened(path, create=False) as con, transaction(con):
        for change in changes:
            row = con.execute("SELECT * FROM gaps WHERE id = ?", (change.gap_id,)).fetchone()
            if row is None:
                raise UsageError(f"{change.gap_id}: no such gap in {path}")
            updates: dict[str, str | None] = {}
            for name in EDITABLE:
                new = getattr(change, name)
                if (new or None) != (row[name] or None):
                    updates[name] = new or None
            if not updates:
                continue
            status = updates.get("status", row["status"]) or row["status"]
            due = updates.get("due", row["due"])
            for name, new in updates.items():
                if name == "reason" and "status" in updates:
                    continue  # the status change carries it
                record_event(
                    con,
                    row["id"],
                    when,
                    "status" if name == "status" else "edit",
                    status,
                    field=name,
                    old=row[name],
                    new=new,
                    due=due,
                    by=by,
                    reason=(change.reason or None) if name == "status" else None,
                    source=source,
                )
                events += 1
            if "status" in updates:
                updates["reason"] = change.reason or None
            assignments = ", ".join(f"{k} = ?" for k in updates)
            con.execute(f"UPDATE gaps SET {assignments} WHERE id = ?", (*updates.values(), row["id"]))
            changed += 1
    return ApplyCounts(
        rows=len(changes), changed_gaps=changed, changes=events, unchanged=len(changes) - changed
    )


_DATE_FORMS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_due(text: str) -> str:
    """A due date as written in a cell (2026-12-31, 2026/12/31, 2026年12月31日) as YYYY-MM-DD."""
    for form in _DATE_FORMS:
        m = form.match(text.strip())
        if m:
            year, month, day = (int(g) for g in m.groups())
            return date(year, month, day).isoformat()  # ValueError for 2026-02-30
    raise ValueError(text)
