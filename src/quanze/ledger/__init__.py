"""The 整改台账: every gap tracked from run to run in one SQLite file, each change kept with who, when and why.

In the order a gap goes through it: store (the file, its schema and migrations, safe under two writers),
records (what it holds), identity (how a gap is found again), runs (recording a run), reading, changes (analysts'
edits from a filled-in 整改台账), periods (the weekly and monthly reports).
"""

from __future__ import annotations

from quanze.ledger.changes import ApplyCounts, GapChange, apply_changes, known_gap_ids, parse_due
from quanze.ledger.identity import gap_id, identities
from quanze.ledger.periods import (
    CROSS_UNITS_NOTE,
    PERIOD_ZH,
    UPPER_LEVEL_NOTE,
    LedgerReport,
    Period,
    PeriodRow,
    period_report,
)
from quanze.ledger.reading import changed_since, history, ledger_version, load_gaps
from quanze.ledger.records import GapHistory, LedgerGap, RunOutcome
from quanze.ledger.runs import LedgerRun, record_run
from quanze.ledger.store import (
    APPLICATION_ID,
    CLOSED,
    CROSS_UNITS,
    IN_PROGRESS,
    NEEDS_REASON,
    OPEN,
    SCHEMA_VERSION,
    STATUSES,
    WONT_FIX,
    names_several_units,
    stamp,
)

__all__ = [
    "APPLICATION_ID",
    "CLOSED",
    "CROSS_UNITS",
    "CROSS_UNITS_NOTE",
    "IN_PROGRESS",
    "NEEDS_REASON",
    "OPEN",
    "PERIOD_ZH",
    "SCHEMA_VERSION",
    "STATUSES",
    "UPPER_LEVEL_NOTE",
    "WONT_FIX",
    "ApplyCounts",
    "GapChange",
    "GapHistory",
    "LedgerGap",
    "LedgerReport",
    "LedgerRun",
    "Period",
    "PeriodRow",
    "RunOutcome",
    "apply_changes",
    "changed_since",
    "gap_id",
    "history",
    "identities",
    "known_gap_ids",
    "ledger_version",
    "load_gaps",
    "names_several_units",
    "parse_due",
    "period_report",
    "record_run",
    "stamp",
]
