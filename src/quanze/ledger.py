"""The 整改台账: every gap tracked from run to run in one SQLite file, each change kept with who, when and why."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from quanze import __version__
from quanze.errors import ConfigError, OutputError, UsageError
from quanze.gap_types import CROSS_UNIT, DEVOLVER
from quanze.match import MatchOptions, similarity, twin_clash
from quanze.normalize import code_key, department_key, name_key, split_name
from quanze.results import GapRow, GapType, ReconcileResult

if TYPE_CHECKING:
    from quanze.config import QuanzeConfig

OPEN, IN_PROGRESS, CLOSED, WONT_FIX = "待整改", "整改中", "已销号", "不予整改"
STATUSES = (OPEN, IN_PROGRESS, CLOSED, WONT_FIX)
ACTIVE = (OPEN, IN_PROGRESS)  # still to be fixed: counted as open, and overdue past the due date
NEEDS_REASON = (CLOSED, WONT_FIX)  # taking a gap off the list by hand must say why
EDITABLE = ("status", "reason", "owner_unit", "owner", "due", "notes")

# CROSS_UNIT (gaps found by comparing units or levels) and DEVOLVER (gaps whose unit is the level that
# devolved the item) come from the gap-type registry.
CROSS_UNITS = "跨单位"  # a gap that names several units: no one unit's sheet or rank
_UNIT_SEPARATORS = re.compile(r"[、，,；;/]")


def names_several_units(unit: str | None) -> bool:
    """Whether a gap's unit names several units (南山县、白云县): a gap they share, not a unit of its own."""
    return bool(unit) and len([u for u in _UNIT_SEPARATORS.split(unit or "") if u.strip()]) > 1


APPLICATION_ID = 0x515A4C47  # "QZLG": marks the file as a quanze ledger
BUSY_TIMEOUT_S = 120.0

_V1 = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    command TEXT NOT NULL,
    project TEXT NOT NULL,
    quanze_version TEXT NOT NULL,
    scope TEXT,
    counts TEXT NOT NULL,
    opened INTEGER NOT NULL DEFAULT 0,
    reopened INTEGER NOT NULL DEFAULT 0,
    closed INTEGER NOT NULL DEFAULT 0,
    renamed INTEGER NOT NULL DEFAULT 0,
    open_after INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE run_inputs (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    path TEXT NOT NULL,
    role TEXT NOT NULL,
    unit TEXT,
    records INTEGER NOT NULL,
    sha256 TEXT NOT NULL
);
CREATE TABLE gaps (
    id TEXT PRIMARY KEY,
    identity TEXT NOT NULL UNIQUE,
    gap_type TEXT NOT NULL,
    unit TEXT,
    unit_key TEXT NOT NULL,
    item_code TEXT,
    item_name TEXT NOT NULL,
    department TEXT,
    detail TEXT,
    source TEXT,
    status TEXT NOT NULL CHECK (status IN ('待整改', '整改中', '已销号', '不予整改')),
    reason TEXT,
    owner_unit TEXT,
    owner TEXT,
    due TEXT,
    notes TEXT,
    first_seen TEXT NOT NULL,
    since TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    last_run INTEGER NOT NULL REFERENCES runs(id)
);
CREATE INDEX gaps_unit ON gaps(unit_key, gap_type);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    gap_id TEXT NOT NULL REFERENCES gaps(id),
    at TEXT NOT NULL,
    run_id INTEGER REFERENCES runs(id),
    kind TEXT NOT NULL,
    field TEXT,
    old TEXT,
    new TEXT,
    status TEXT NOT NULL,
    due TEXT,
    by TEXT,
    reason TEXT,
    source TEXT
);
CREATE INDEX events_gap ON events(gap_id, id);
CREATE INDEX events_at ON events(at);
CREATE TABLE unit_rates (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    unit TEXT NOT NULL,
    measure TEXT NOT NULL,
    items INTEGER NOT NULL,
    done INTEGER NOT NULL,
    rate REAL NOT NULL,
    PRIMARY KEY (run_id, unit, measure)
);
"""

Migration = str | Callable[[sqlite3.Connection], None]


def _upgrade_overlap_identities(con: sqlite3.Connection) -> None:
    """Overlaps recorded before their identity held the department get it, keeping their id and history.

    Otherwise the first run after the upgrade would close them (已销号) as if fixed and open them anew.
    """
    rows = con.execute(
        "SELECT id, identity, department FROM gaps WHERE gap_type = ?", (GapType.OVERLAP.value,)
    ).fetchall()
    taken = {r[1] for r in rows}
    for gap_id, old, department in rows:
        kind, unit, item = old.split("|", 2)
        if "@" in unit:
            continue
        identity = f"{kind}|{unit}@{department_key(department) or ''}|{item}"
        if identity not in taken:
            con.execute("UPDATE gaps SET identity = ? WHERE id = ?", (identity, gap_id))
            taken.add(identity)


# One entry per schema version: the steps (SQL, or a function for what SQL cannot say) that bring version i
# to version i + 1, in one transaction. Append, never edit.
MIGRATIONS: tuple[tuple[Migration, ...], ...] = (
    tuple(s.strip() for s in _V1.split(";") if s.strip()),
    (_upgrade_overlap_identities,),  # 2: an overlap's identity holds its department
)
SCHEMA_VERSION = len(MIGRATIONS)


# ---------------------------------------------------------------------------------------------- models


class LedgerGap(BaseModel):
    """One tracked gap as the ledger holds it now."""

    id: str
    gap_type: GapType
    unit: str | None
    item_code: str | None
    item_name: str
    department: str | None
    detail: str | None
    source: str | None
    status: str
    reason: str | None = None
    owner_unit: str | None = None
    owner: str | None = None
    due: str | None = None
    notes: str | None = None
    first_seen: str
    since: str = Field(description="when it was last opened or reopened")
    last_seen: str
    overdue: bool = False


class LedgerEvent(BaseModel):
    """One change of a gap: opened, closed, reopened, renamed by a run; status, owner, due, notes by hand."""

    at: str
    kind: str
    status: str
    field: str | None = None
    old: str | None = None
    new: str | None = None
    by: str | None = None
    reason: str | None = None
    source: str | None = None
    run_id: int | None = None


class GapHistory(BaseModel):
    gap: LedgerGap
    events: list[LedgerEvent]


class RunOutcome(BaseModel):
    """What recording one run did to the ledger."""

    ledger: str
    run_id: int
    at: str
    gaps_seen: int
    opened: int
    reopened: int
    closed: int
    renamed: int
    open: int = Field(description="gaps 待整改 or 整改中 after the run")
    overdue: int = Field(description="open gaps past their due date (整改时限) at the run")
    inputs_missing: list[str] = Field(
        default_factory=list,
        description="inputs of the previous run that this run did not read: its closures may not be fixes",
    )


# ---------------------------------------------------------------------------------------------- store


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def stamp(at: datetime) -> str:
    """A moment as the ledger writes it: ISO 8601 in UTC, to the second (sorts as text)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).replace(microsecond=0).isoformat()


def _locked(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _ledger_error(path: Path, exc: sqlite3.Error) -> Exception:
    if isinstance(exc, sqlite3.OperationalError) and _locked(exc):
        return OutputError(
            f"{path}: the ledger stayed locked by another quanze run for {BUSY_TIMEOUT_S:.0f} s",
            hint="wait for the other run to finish, then run again",
        )
    if isinstance(exc, sqlite3.DatabaseError) and "not a database" in str(exc):
        return ConfigError(
            f"{path}: not a quanze ledger (not an SQLite database)",
            hint="point --db or [ledger] path at the ledger file, or choose a new file name",
        )
    if isinstance(exc, sqlite3.OperationalError) and any(
        word in str(exc) for word in ("readonly", "unable to open", "disk is full", "disk I/O")
    ):
        return OutputError(
            f"{path}: cannot write the ledger ({exc})", hint="check the folder and permissions"
        )
    return ConfigError(f"{path}: the ledger cannot be used ({exc})", hint="restore it from a backup copy")


def _migrate(con: sqlite3.Connection, path: Path) -> None:
    version = int(con.execute("PRAGMA user_version").fetchone()[0])
    app_id = int(con.execute("PRAGMA application_id").fetchone()[0])
    if version == SCHEMA_VERSION and app_id == APPLICATION_ID:
        return  # current: no write lock needed, so reading never waits for a run that is recording
    con.execute("BEGIN IMMEDIATE")
    try:
        version = int(con.execute("PRAGMA user_version").fetchone()[0])
        app_id = int(con.execute("PRAGMA application_id").fetchone()[0])
        tables = con.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        if (version or tables) and app_id != APPLICATION_ID:
            raise ConfigError(
                f"{path}: an SQLite file that is not a quanze ledger",
                hint="point --db or [ledger] path at the ledger file, or choose a new file name",
            )
        if version > SCHEMA_VERSION:
            raise ConfigError(
                f"{path}: ledger schema version {version} is newer than this quanze knows ({SCHEMA_VERSION})",
                hint="upgrade quanze to use this ledger",
            )
        for steps in MIGRATIONS[version:]:
            for step in steps:
                if isinstance(step, str):
                    con.execute(step)
                else:
                    step(con)
        if version < SCHEMA_VERSION:
            con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


@contextmanager
def opened(path: Path, *, create: bool) -> Iterator[sqlite3.Connection]:
    """The ledger at `path`, migrated to the current schema; created when asked and missing."""
    if not path.exists() and not create:
        raise UsageError(
            f"{path}: no ledger there yet",
            hint="record a run first: `quanze check --ledger` (or set [ledger] record = true)",
        )
    if path.exists() and path.is_dir():
        raise UsageError(f"{path} is a folder, not a ledger file", hint="give the ledger's file name")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise OutputError(
            f"{path}: cannot open the ledger ({exc})", hint="check the folder and permissions"
        ) from exc
    try:
        con.row_factory = sqlite3.Row
        con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        # WAL: readers never block the writer, and a killed writer leaves the last committed state.
        con.execute("PRAGMA journal_mode = WAL")
        con.execute("PRAGMA synchronous = FULL")
        con.execute("PRAGMA foreign_keys = ON")
        _migrate(con, path)
        yield con
    except sqlite3.Error as exc:
        raise _ledger_error(path, exc) from exc
    finally:
        con.close()


@contextmanager
def _transaction(con: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: BEGIN IMMEDIATE takes the write lock first, so two runs queue, never clash."""
    con.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


# ---------------------------------------------------------------------------------------------- identity


def item_key(code: str | None, name: str) -> str:
    """An item as the ledger knows it: its basic code when it has one, else its name without level or widths."""
    basic = code_key(code)
    if basic:
        return "code:" + basic
    parts = split_name(name)
    return "name:" + parts.core + (parts.handling or "")


def identities(gaps: Sequence[GapRow]) -> dict[str, GapRow]:
    """Each gap of a run under its stable identity: gap type + unit + item key; one identity per gap row.

    Codes are often reused: when two gaps of one type and unit share a code, both fall back to code and
    name. An overlap (职责交叉) is a gap of each department that lists the item, so its department is part
    of its identity; rows of other types still alike after the name fall back to their department. Rows
    alike in all of that (the same item listed twice by one department) are told apart by their order.
    """

    def unit_part(g: GapRow, *, with_department: bool) -> str:
        unit = name_key(g.unit) if g.unit else ""
        if with_department:
            unit += "@" + (department_key(g.department) or "")
        return unit

    def base(g: GapRow, *, with_department: bool = False) -> str:
        unit = unit_part(g, with_department=with_department or g.gap_type is GapType.OVERLAP)
        return f"{g.gap_type.value}|{unit}|{item_key(g.item_code, g.item_name)}"

    names: dict[str, set[str]] = defaultdict(set)
    for g in gaps:
        names[base(g)].add(name_key(g.item_name))

    def named(g: GapRow, *, with_department: bool = False) -> str:
        key = base(g, with_department=with_department)
        if len(names[base(g)]) > 1:
            key += "|name:" + split_name(g.item_name).core
        return key

    departments: dict[str, set[str]] = defaultdict(set)
    for g in gaps:
        departments[named(g)].add(department_key(g.department) or "")
    out: dict[str, GapRow] = {}
    for g in gaps:
        key = named(g, with_department=len(departments[named(g)]) > 1)
        n, unique = 1, key
        while unique in out:
            n += 1
            unique = f"{key}|#{n}"
        out[unique] = g
    return out


def gap_id(identity: str) -> str:
    """A short id people can type (G-1a2b3c4d5e), derived from the identity so that it never changes."""
    return "G-" + hashlib.sha256(identity.encode("utf-8")).hexdigest()[:10]


def _name_core(identity: str) -> str | None:
    """The name an identity without a code is keyed on (handling word included); None for a code."""
    item = identity.split("|", 2)[2]
    return item[5:] if item.startswith("name:") else None


def _renames(
    fresh: Mapping[str, GapRow], vanished: Sequence[sqlite3.Row], options: MatchOptions
) -> dict[str, sqlite3.Row]:
    """New identities that are a renamed gap still on the list: same type and unit, names the matcher pairs."""
    candidates: dict[str, list[tuple[str, sqlite3.Row]]] = defaultdict(list)
    for old in vanished:
        old_core = _name_core(old["identity"])
        if old_core is not None:
            candidates["|".join(old["identity"].split("|", 2)[:2])].append((old_core, old))
    pairs: list[tuple[float, str, sqlite3.Row]] = []
    for identity in fresh:
        core = _name_core(identity)
        if core is None:
            continue
        for old_core, old in candidates.get("|".join(identity.split("|", 2)[:2]), ()):
            score = similarity(core, old_core)
            if score >= options.match_threshold and not twin_clash(core, old_core):
                pairs.append((score, identity, old))
    taken: set[str] = set()
    out: dict[str, sqlite3.Row] = {}
    for _score, identity, old in sorted(pairs, key=lambda p: (-p[0], p[1], p[2]["id"])):
        if identity in out or old["id"] in taken:
            continue
        out[identity] = old
        taken.add(old["id"])
    return out


# ---------------------------------------------------------------------------------------------- runs


def _event(
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
    rows = [(a.unit, "acceptance", a.devolved, a.accepted, a.rate) for a in result.acceptance]
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
        _event(con, gid, at, "opened", OPEN, run_id=run_id, due=due, reason=gap.detail)
        counts.opened += 1
        return
    gid = row["id"]
    if row["identity"] != identity or row["item_name"] != gap.item_name:
        _event(
            con,
            gid,
            at,
            "renamed",
            row["status"],
            run_id=run_id,
            field="item_name",
            old=row["item_name"],
            new=gap.item_name,
            due=row["due"],
        )
        counts.renamed += 1
    status, since, new_due, reason = row["status"], row["since"], row["due"], row["reason"]
    if status == CLOSED:
        # Back on the list: a new due date, and the reason it was closed no longer stands (history keeps it).
        status, since, new_due, reason = OPEN, at, due, None
        _event(con, gid, at, "reopened", OPEN, run_id=run_id, due=due, reason=gap.detail)
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
    when = stamp(at or _now())
    due = (datetime.fromisoformat(when).date() + timedelta(days=due_days)).isoformat()
    fresh = identities(result.gaps)
    scope = {name_key(u) for u in units} if units is not None else None
    counts = _Counts()
    with opened(path, create=True) as con, _transaction(con):
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
        renamed = _renames(
            {k: g for k, g in fresh.items() if k not in known}, vanished, match or MatchOptions()
        )
        moved = {r["id"] for r in renamed.values()}
        for identity, gap in fresh.items():
            row = known.get(identity) or renamed.get(identity)
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
        for row in vanished:
            if row["id"] in moved:
                continue
            con.execute("UPDATE gaps SET status = ? WHERE id = ?", (CLOSED, row["id"]))
            _event(
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
    )


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


# ---------------------------------------------------------------------------------------------- reading


def _gap(row: sqlite3.Row, today: date) -> LedgerGap:
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
    day = today or _now().date()
    return [_gap(r, day) for r in rows if include_closed or r["status"] != CLOSED]


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
        gap=_gap(row, today or _now().date()),
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


# ---------------------------------------------------------------------------------------------- analysts' changes


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
    with opened(path, create=False) as con, _transaction(con):
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
                _event(
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


# ---------------------------------------------------------------------------------------------- weekly and monthly


class Period(StrEnum):
    WEEK = "week"
    MONTH = "month"


PERIOD_ZH = {Period.WEEK: "周报", Period.MONTH: "月通报"}
NO_UNIT = "（未注明单位）"
NO_DEPARTMENT = "（未注明部门）"


class PeriodTotal(BaseModel):
    """The whole ledger in one week or month."""

    period: str
    start: str
    end: str
    runs: int
    opened: int
    closed: int
    open: int = Field(description="gaps 待整改 or 整改中 at the end of the period")
    overdue: int = Field(description="open gaps past their due date at the end of the period")


class PeriodRow(BaseModel):
    """One unit (or department) in one week or month."""

    period: str
    unit: str
    department: str | None = None
    opened: int
    closed: int
    open: int
    overdue: int
    acceptance_rate: float | None = None
    usage_rate: float | None = None


class RankRow(BaseModel):
    rank: int = Field(description="1 for the most lagging receiving unit; 0 for rows kept out of the ranking")
    unit: str
    open: int
    overdue: int
    opened: int
    closed: int
    acceptance_rate: float | None = None
    usage_rate: float | None = None
    note: str | None = Field(default=None, description="why a row is kept out of the ranking")


UPPER_LEVEL_NOTE = "上级（下放单位），不参与承接单位排名"
CROSS_UNITS_NOTE = "涉及多个单位的缺口，不参与排名"


class LedgerReport(BaseModel):
    """The 周报 / 月通报: per period, unit and department the gaps opened, closed, open and overdue."""

    period: Period
    since: str
    until: str
    periods: list[PeriodTotal]
    units: list[PeriodRow]
    departments: list[PeriodRow]
    ranking: list[RankRow] = Field(description="receiving units of the last period, the most lagging first")
    not_ranked: list[RankRow] = Field(
        default_factory=list,
        description="upper levels (the units that devolved) and gaps shared by several units, kept apart",
    )
    overdue_items: list[LedgerGap]


def _period_start(day: date, period: Period) -> date:
    return day - timedelta(days=day.weekday()) if period is Period.WEEK else day.replace(day=1)


def _next_start(start: date, period: Period) -> date:
    if period is Period.WEEK:
        return start + timedelta(days=7)
    return date(start.year + (start.month == 12), start.month % 12 + 1, 1)


def _period_label(start: date, period: Period) -> str:
    if period is Period.WEEK:
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{start.year}-{start.month:02d}"


@dataclass
class _Timeline:
    unit: str
    department: str
    states: list[tuple[str, str, str | None]] = field(default_factory=list)  # (at, status, due)
    opened: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)

    def state_before(self, moment: str) -> tuple[str, str | None] | None:
        last = None
        for at, status, due in self.states:
            if at >= moment:
                break
            last = (status, due)
        return last


def period_report(
    path: Path, period: Period, *, since: date | None = None, now: datetime | None = None
) -> LedgerReport:
    """Replay the ledger's history period by period: what opened, closed, stayed open and went overdue."""
    moment = now or _now()
    with opened(path, create=False) as con:
        runs = [r["at"] for r in con.execute("SELECT at FROM runs ORDER BY at")]
        if not runs:
            raise UsageError(
                f"{path}: the ledger holds no run yet", hint="record one: `quanze check --ledger`"
            )
        gaps = {r["id"]: r for r in con.execute("SELECT * FROM gaps")}
        events = con.execute(
            "SELECT gap_id, at, kind, field, new, status, due FROM events ORDER BY at, id"
        ).fetchall()
        rates = con.execute(
            "SELECT r.at, u.unit, u.measure, u.rate FROM unit_rates u JOIN runs r ON r.id = u.run_id ORDER BY r.at"
        ).fetchall()
    lines: dict[str, _Timeline] = {}
    for gid, row in gaps.items():
        unit = CROSS_UNITS if names_several_units(row["unit"]) else row["unit"] or NO_UNIT
        # One department under several spellings (市监局, 市场监督管理局) is one line of the report.
        lines[gid] = _Timeline(unit, department_key(row["department"]) or NO_DEPARTMENT)
    upper = {r["unit"] for r in gaps.values() if r["gap_type"] in DEVOLVER and r["unit"]}
    for e in events:
        line = lines[e["gap_id"]]
        line.states.append((e["at"], e["status"], e["due"]))
        if e["kind"] in ("opened", "reopened"):
            line.opened.append(e["at"])
        if e["status"] == CLOSED and (
            e["kind"] == "closed" or (e["kind"] == "status" and e["field"] == "status")
        ):
            line.closed.append(e["at"])
    first = since or datetime.fromisoformat(runs[0]).date()
    start = _period_start(first, period)
    last = _period_start(moment.astimezone(UTC).date(), period)
    if start > last:
        raise UsageError(f"--since {first.isoformat()} is after today", hint="give a day in the past")
    totals: list[PeriodTotal] = []
    unit_rows: list[PeriodRow] = []
    dept_rows: list[PeriodRow] = []
    # Moments are kept to the second: a run in this very second belongs to the report.
    now_stamp = stamp(moment + timedelta(seconds=1))
    while start <= last:
        end = _next_start(start, period)
        label = _period_label(start, period)
        lo = stamp(datetime(start.year, start.month, start.day, tzinfo=UTC))
        hi = min(stamp(datetime(end.year, end.month, end.day, tzinfo=UTC)), now_stamp)
        as_of = datetime.fromisoformat(hi).date().isoformat()
        by_unit: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        by_dept: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for line in lines.values():
            counts = [
                sum(lo <= at < hi for at in line.opened),
                sum(lo <= at < hi for at in line.closed),
                0,
                0,
            ]
            state = line.state_before(hi)
            if state is not None and state[0] in ACTIVE:
                counts[2] = 1
                counts[3] = int(state[1] is not None and state[1] < as_of)
            if state is None and not any(counts):
                continue
            for target in (by_unit[line.unit], by_dept[(line.unit, line.department)]):
                for i, n in enumerate(counts):
                    target[i] += n
        unit_rate: dict[tuple[str, str], float] = {}
        for r in rates:
            if lo <= r["at"] < hi:
                unit_rate[(r["unit"], r["measure"])] = r["rate"]  # the period's last run wins
        for unit in sorted(set(by_unit) | {u for u, _ in unit_rate}):
            o, c, n, d = by_unit.get(unit, [0, 0, 0, 0])
            unit_rows.append(
                PeriodRow(
                    period=label,
                    unit=unit,
                    opened=o,
                    closed=c,
                    open=n,
                    overdue=d,
                    acceptance_rate=unit_rate.get((unit, "acceptance")),
                    usage_rate=unit_rate.get((unit, "usage")),
                )
            )
        for (unit, dept), (o, c, n, d) in sorted(by_dept.items()):
            dept_rows.append(
                PeriodRow(period=label, unit=unit, department=dept, opened=o, closed=c, open=n, overdue=d)
            )
        totals.append(
            PeriodTotal(
                period=label,
                start=start.isoformat(),
                end=(end - timedelta(days=1)).isoformat(),
                runs=sum(lo <= at < hi for at in runs),
                opened=sum(v[0] for v in by_unit.values()),
                closed=sum(v[1] for v in by_unit.values()),
                open=sum(v[2] for v in by_unit.values()),
                overdue=sum(v[3] for v in by_unit.values()),
            )
        )
        start = end
    latest = [r for r in unit_rows if totals and r.period == totals[-1].period]
    ranked = sorted(latest, key=lambda r: (-r.open, -r.overdue, r.closed, r.unit))

    def apart(unit: str) -> str | None:
        return CROSS_UNITS_NOTE if unit == CROSS_UNITS else UPPER_LEVEL_NOTE if unit in upper else None

    def rank_row(rank: int, r: PeriodRow) -> RankRow:
        return RankRow(
            rank=rank,
            unit=r.unit,
            open=r.open,
            overdue=r.overdue,
            opened=r.opened,
            closed=r.closed,
            acceptance_rate=r.acceptance_rate,
            usage_rate=r.usage_rate,
            note=apart(r.unit),
        )

    receiving = [r for r in ranked if apart(r.unit) is None]
    today = moment.astimezone(UTC).date()
    overdue_items = [g for g in (_gap(r, today) for r in gaps.values()) if g.overdue]
    overdue_items.sort(key=lambda g: (g.due or "", g.unit or "", g.item_name))
    return LedgerReport(
        period=period,
        since=first.isoformat(),
        until=today.isoformat(),
        periods=totals,
        units=unit_rows,
        departments=dept_rows,
        ranking=[rank_row(i, r) for i, r in enumerate(receiving, start=1)],
        not_ranked=[rank_row(0, r) for r in ranked if apart(r.unit) is not None],
        overdue_items=overdue_items,
    )
