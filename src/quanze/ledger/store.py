"""The ledger file: its vocabulary, its schema and migrations, and opening it safely under several writers."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from quanze.errors import ConfigError, OutputError, UsageError
from quanze.normalize import department_key
from quanze.results import GapType

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


def now_utc() -> datetime:
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
def transaction(con: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: BEGIN IMMEDIATE takes the write lock first, so two runs queue, never clash."""
    con.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
