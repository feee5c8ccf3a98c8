"""Recording a reconcile or check run: each gap opened, seen again, closed or renamed, with its event."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from quanze import __version__
from quanze.check import LOUD_WARNINGS
from quanze.gap_types import CROSS_UNIT
from quanze.ledger.identity import find_renames, gap_id, identities
from quanze.ledger.records import RunOutcome
from quanze.ledger.store import ACTIVE, CLOSED, OPEN, now_utc, opened, stamp, transaction
from quanze.match import MatchOptions
from quanze.normalize import code_key, department_key, name_key
from quanze.results import GapRow, InputFile, ReconcileResult

if TYPE_CHECKING:
    from quanze.config import QuanzeConfig


def record_event(
    con: sqlite3.Connection,
    gid: str,
    at: str,
    kind: str,
    status: str,
    *,
    run_id: int | None = None,
    field: str | None = None,
    old: str | None = None,
    new: str | None = None,
    due: str | None = None,
    by: str | None = None,
    reason: str | None = None,
    source: str | None = None,
) -> None:
    con.execute(
        "INSERT INTO events (gap_id, at, run_id, kind, field, old, new, status, due, by, reason, source) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (gid, at, run_id, kind, field, old, new, status, due, by, reason, source),
    )


def _unit_rates(result: ReconcileResult) -> list[tuple[str, str, int, int, float]]:
    rows = [
        (a.unit, "acceptance", a.devolved, a.accepted, a.rate)
        for a in result.acceptance
        if a.not_measured is None  # no list for the unit: no rate to record
    ]
    usage: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for u in result.usage:
        if u.unit:
            usage[u.unit][0] += u.items
            usage[u.unit][1] += u.used
    rows += [(unit, "usage", n, used, round(used / n, 4) if n else 0.0) for unit, (n, used) in usage.items()]
    return rows


@dataclass
class _Counts:
    opened: int = 0
    reopened: int = 0
    closed: int = 0
    renamed: int = 0
    held: int = 0  # gaps of units lacking their list that this run did not open or reopen


def _write_gap(
    con: sqlite3.Connection,
    identity: str,
    gap: GapRow,
    row: sqlite3.Row | None,
    *,
    run_id: int,
    at: str,
    due: str,
    counts: _Counts,
) -> None:
    """Record one gap seen by a run: open it, reopen it, or note it was seen again (and renamed)."""
    if row is None:
        gid = gap_id(identity)
        n = 1
        # A renamed gap keeps the id of its first name: a new gap under that name needs another one.
        while con.execute("SELECT 1 FROM gaps WHERE id = ?", (gid,)).fetchone() is not None:
            n += 1
            gid = gap_id(f"{identity}#{n}")
        con.execute(
            "INSERT INTO gaps (id, identity, gap_type, unit, unit_key, item_code, item_name, department, detail, "
            "source, status, owner_unit, due, first_seen, since, last_seen, last_run) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                gid,
                identity,
                gap.gap_type.value,
                gap.unit,
                name_key(gap.unit) if gap.unit else "",
                gap.item_code,
                gap.item_name,
                gap.department,
                gap.detail,
                gap.source,
                OPEN,
                gap.unit,
                due,
                at,
                at,
                at,
                run_id,
            ),
        )
        record_event(con, gid, at, "opened", OPEN, run_id=run_id, due=due, reason=gap.detail)
        counts.opened += 1
        return
    gid = row["id"]
    if row["identity"] != identity or row["item_name"] != gap.item_name:
        counts.renamed += 1
    changed = []
    if code_key(row["item_code"]) != code_key(gap.item_code):
        # The item's code was corrected (or given): the same gap, its owner, reason and due date kept.
        changed.append(("item_code", row["item_code"], gap.item_code))
    if row["item_name"] != gap.item_name or (
        row["identity"] != identity and code_key(row["item_code"]) == code_key(gap.item_code)
    ):
        changed.append(("item_name", row["item_name"], gap.item_name))
    for name, old, new in changed:
        record_event(
            con,
            gid,
            at,
            "renamed",
            row["status"],
            run_id=run_id,
            field=name,
            old=old,
            new=new,
            due=row["due"],
        )
    status, since, new_due, reason = row["status"], row["since"], row["due"], row["reason"]
    if status == CLOSED:
        # Back on the list: a new due date, and the reason it was closed no longer stands (history keeps it).
        status, since, new_due, reason = OPEN, at, due, None
        record_event(con, gid, at, "reopened", OPEN, run_id=run_id, due=due, reason=gap.detail)
        counts.reopened += 1
    con.execute(
        "UPDATE gaps SET identity = ?, item_code = ?, item_name = ?, department = ?, detail = ?, source = ?, "
        "status = ?, reason = ?, since = ?, due = ?, last_seen = ?, last_run = ? WHERE id = ?",
        (
            identity,
            gap.item_code,
            gap.item_name,
            gap.department or row["department"],
            gap.detail,
            gap.source,
            status,
            reason,
            since,
            new_due,
            at,
            run_id,
            gid,
        ),
    )


def record_run(
    path: Path,
    result: ReconcileResult,
    *,
    at: datetime | None = None,
    command: str = "reconcile",
    project: str = "quanze",
    units: Sequence[str] | None = None,
    due_days: int = 30,
    match: MatchOptions | None = None,
    on_gap: Callable[[str], None] | None = None,
) -> RunOutcome:
    """Record a run and its gaps in one transaction: new gaps open, vanished ones close, returning ones reopen.

    With `units` (a partition of the work), only those units' gaps can be closed by this run, and none of
    the gaps found by comparing units with each other (name-mismatch, the cascade's gaps).
    """
    when = stamp(at or now_utc())
    due = (datetime.fromisoformat(when).date() + timedelta(days=due_days)).isoformat()
    fresh = identities(result.gaps)
    scope = {name_key(u) for u in units} if units is not None else None
    counts = _Counts()
    with opened(path, create=True) as con, transaction(con):
        summary = result.summary
        cur = con.execute(
            "INSERT INTO runs (at, command, project, quanze_version, scope, counts) VALUES (?, ?, ?, ?, ?, ?)",
            (
                when,
                command,
                project,
                __version__,
                json.dumps(sorted(units), ensure_ascii=False) if units is not None else None,
                json.dumps(
                    {"gaps": summary.gaps, "match": summary.match.model_dump(mode="json")}, ensure_ascii=False
                ),
            ),
        )
        run_id = int(cur.lastrowid or 0)
        before = con.execute(
            "SELECT role, unit, path FROM run_inputs WHERE run_id = (SELECT max(run_id) FROM run_inputs)"
        ).fetchall()
        now_read = {_input_label(i.role, i.unit, i.path) for i in summary.inputs}
        missing = sorted({_input_label(*r) for r in before} - now_read)
        con.executemany(
            "INSERT INTO run_inputs (run_id, path, role, unit, records, sha256) VALUES (?, ?, ?, ?, ?, ?)",
            [(run_id, i.path, i.role, i.unit, i.records, i.sha256) for i in summary.inputs],
        )
        con.executemany(
            "INSERT INTO unit_rates (run_id, unit, measure, items, done, rate) VALUES (?, ?, ?, ?, ?, ?)",
            [(run_id, *r) for r in _unit_rates(result)],
        )
        known = {r["identity"]: r for r in con.execute("SELECT * FROM gaps")}
        in_scope = [
            r
            for r in known.values()
            if scope is None or (r["unit_key"] in scope and r["gap_type"] not in CROSS_UNIT)
        ]
        vanished = [r for r in in_scope if r["identity"] not in fresh and r["status"] != CLOSED]
        renamed = find_renames(
            {k: g for k, g in fresh.items() if k not in known}, vanished, match or MatchOptions()
        )
        moved = {r["id"] for r in renamed.values()}
        # A unit whose own list (acceptance, own, chain) an earlier run read and this one did not: its gaps
        # come and go because its list is missing, not because anything changed there, so none opens,
        # reopens or closes.
        lacking = _units_lacking_a_list(con, run_id, summary.inputs)
        for identity, gap in fresh.items():
            row = known.get(identity) or renamed.get(identity)
            if gap.unit and name_key(gap.unit) in lacking and (row is None or row["status"] == CLOSED):
                counts.held += 1
                continue
            if row is None:
                # A gap keyed with its department while another department had the same one (or the other
                # way round) is still that gap when the other department's gap comes or goes.
                other = known.get(_other_department_form(identity, gap))
                if other is not None and other["identity"] not in fresh and other["id"] not in moved:
                    row = other
                    moved.add(other["id"])
            _write_gap(
                con,
                identity,
                gap,
                row,
                run_id=run_id,
                at=when,
                due=due,
                counts=counts,
            )
            if on_gap is not None:
                on_gap(identity)
        # Inputs that make the run's numbers untrustworthy (a blank acceptance column, another unit's list)
        # close nothing: a wrong input is not a fix.
        held = sorted({i.code.value for i in result.issues if i.code in LOUD_WARNINGS})
        closing = [] if held else vanished  # a run with loud input warnings closes nothing
        for row in closing:
            if row["id"] in moved or row["unit_key"] in lacking:
                continue
            con.execute("UPDATE gaps SET status = ? WHERE id = ?", (CLOSED, row["id"]))
            record_event(
                con,
                row["id"],
                when,
                "closed",
                CLOSED,
                run_id=run_id,
                old=row["status"],
                due=row["due"],
                reason="本次对账未再发现该缺口",
            )
            counts.closed += 1
        still_open, overdue = _open_and_overdue(con, datetime.fromisoformat(when).date())
        con.execute(
            "UPDATE runs SET opened = ?, reopened = ?, closed = ?, renamed = ?, open_after = ? WHERE id = ?",
            (counts.opened, counts.reopened, counts.closed, counts.renamed, still_open, run_id),
        )
    return RunOutcome(
        ledger=str(path),
        run_id=run_id,
        at=when,
        gaps_seen=len(fresh),
        opened=counts.opened,
        reopened=counts.reopened,
        closed=counts.closed,
        renamed=counts.renamed,
        open=still_open,
        overdue=overdue,
        inputs_missing=missing,
        closures_held=held,
        units_held=sorted(lacking.values()),
        openings_held=counts.held,
    )


_UNIT_ROLES = ("acceptance", "own", "chain")


def _units_lacking_a_list(
    con: sqlite3.Connection, run_id: int, inputs: Sequence[InputFile]
) -> dict[str, str]:
    """Units (key → name) whose own list some earlier run read and this run did not read."""
    now = {name_key(i.unit) for i in inputs if i.unit and i.role in _UNIT_ROLES}
    marks = ", ".join("?" for _ in _UNIT_ROLES)
    earlier = con.execute(
        f"SELECT DISTINCT unit FROM run_inputs WHERE run_id < ? AND unit IS NOT NULL AND role IN ({marks})",
        (run_id, *_UNIT_ROLES),
    ).fetchall()
    return {name_key(u): u for (u,) in earlier if name_key(u) not in now}


def _other_department_form(identity: str, gap: GapRow) -> str:
    """The identity with the department added to its unit part, or taken out of it."""
    kind, unit, item = identity.split("|", 2)
    if "@" in unit:
        return f"{kind}|{unit.split('@', 1)[0]}|{item}"
    return f"{kind}|{unit}@{department_key(gap.department) or ''}|{item}"


def _input_label(role: str, unit: str | None, path: str) -> str:
    return f"{role} {unit + ' ' if unit else ''}{Path(path).name}"


def _open_and_overdue(con: sqlite3.Connection, today: date) -> tuple[int, int]:
    placeholders = ", ".join("?" for _ in ACTIVE)
    still_open, overdue = con.execute(
        f"SELECT count(*), coalesce(sum(due IS NOT NULL AND due < ?), 0) FROM gaps WHERE status IN ({placeholders})",
        (today.isoformat(), *ACTIVE),
    ).fetchone()
    return int(still_open), int(overdue)


@dataclass
class LedgerRun:
    """A request to record a reconcile or check run in the ledger; holds the outcome once recorded."""

    path: Path
    command: str
    project: str = "quanze"
    due_days: int = 30
    at: datetime | None = None
    match: MatchOptions = field(default_factory=MatchOptions)
    outcome: RunOutcome | None = None

    @classmethod
    def asked(cls, config: QuanzeConfig, command: str) -> LedgerRun | None:
        """The recording a run's config asks for ([ledger] record, which --ledger/--no-ledger set); else None."""
        if not config.ledger.record:
            return None
        return cls(
            path=config.ledger.path,
            command=command,
            project=config.project.name,
            due_days=config.ledger.due_days,
            match=config.match,
        )

    def record(self, result: ReconcileResult, *, units: Sequence[str] | None = None) -> RunOutcome:
        self.outcome = record_run(
            self.path,
            result,
            at=self.at,
            command=self.command,
            project=self.project,
            units=units,
            due_days=self.due_days,
            match=self.match,
        )
        return self.outcome

    def metrics(self) -> dict[str, int]:
        """Counts a [check] limit may name that only the ledger knows."""
        return {"overdue": self.outcome.overdue} if self.outcome is not None else {}
