"""The ledger's workflow: export 整改台账.xlsx, read analysts' edits back, write the weekly and monthly reports."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from pydantic import BaseModel, Field

from quanze.errors import ExitCode, OutputError, UnreadableInputError, exit_code_for
from quanze.ingest import read_ledger_sheets
from quanze.ingest.readback import row_issue
from quanze.ledger import (
    NEEDS_REASON,
    STATUSES,
    ApplyCounts,
    GapChange,
    LedgerGap,
    LedgerReport,
    Period,
    apply_changes,
    changed_since,
    known_gap_ids,
    ledger_version,
    load_gaps,
    parse_due,
    period_report,
)
from quanze.models import IssueCode, RowIssue, Severity
from quanze.report.files import prepare_out_dir
from quanze.report.ledger import (
    EDITABLE_HEADINGS,
    EXPORTED_PREFIX,
    VERSION_HEADING,
    GroupBy,
    write_ledger_workbook,
    write_period_report,
)


class ExportOutcome(BaseModel):
    file: str
    gaps: int
    by_status: dict[str, int]
    overdue: int


def export(
    ledger: Path, target: Path, *, by: GroupBy, include_closed: bool, force: bool, title: str
) -> ExportOutcome:
    """Write 整改台账.xlsx from the ledger: by default every gap not yet 已销号."""
    if target.exists() and not force:
        raise OutputError(
            f"{target} already exists", hint="pass --force to replace it, or choose another --out"
        )
    version = ledger_version(ledger)
    gaps = load_gaps(ledger, include_closed=include_closed)
    write_ledger_workbook(target, gaps, by=by, title=title, version=version)
    return ExportOutcome(
        file=str(target),
        gaps=len(gaps),
        by_status={s: sum(g.status == s for g in gaps) for s in STATUSES},
        overdue=sum(g.overdue for g in gaps),
    )


class ApplyOutcome(BaseModel):
    """What applying a filled-in 整改台账.xlsx did; with issues, nothing was recorded."""

    ledger: str
    workbook: str
    counts: ApplyCounts | None = None
    issues: list[RowIssue] = Field(default_factory=list)
    superseded: list[RowIssue] = Field(default_factory=list)
    """Edits left out: the ledger changed those cells after the workbook was exported (warnings)."""

    @property
    def exit_code(self) -> ExitCode:
        return exit_code_for(self.issues)


def _issue(row: dict[str, str | None], code: IssueCode, column: str, message: str) -> RowIssue:
    return row_issue(row, code, column, message, value=row.get(column))


class Edit(BaseModel):
    """The cells of one workbook row that a person changed since the export."""

    gap_id: str
    values: dict[str, str | None]
    row: int
    sheet: str
    version: int | None = None
    """The ledger's version when the workbook was exported (None: a workbook without it)."""


def _cell(value: str | None) -> str | None:
    return (value or "").strip() or None


def read_edits(path: Path, known: set[str]) -> tuple[list[Edit], list[RowIssue]]:
    """The edited cells of a filled-in 整改台账.xlsx; every bad cell an issue naming its sheet, row and column.

    A cell counts as edited when it differs from the value exported beside it (hidden 导出时… columns);
    without those columns every cell counts, and only values that differ from the ledger's change it.
    """
    rows = read_ledger_sheets(path)
    if not rows:
        raise UnreadableInputError(
            f"{path}: no 整改台账 rows found (no sheet with 编号 and 状态 columns)",
            hint="fill in the 整改台账.xlsx that `quanze ledger export` wrote",
        )
    edits: dict[str, Edit] = {}
    issues: list[RowIssue] = []
    for row in rows:
        gid = (row.get("编号") or "").strip()
        if not gid:
            issues.append(
                _issue(row, IssueCode.MISSING_REQUIRED, "编号", "the 编号 is empty; do not edit it")
            )
            continue
        if gid not in known:
            issues.append(
                _issue(row, IssueCode.UNKNOWN_GAP, "编号", "no such gap in the ledger; do not edit the 编号")
            )
            continue
        values: dict[str, str | None] = {}
        bad = False
        for field, heading in EDITABLE_HEADINGS.items():
            value = _cell(row.get(heading))
            exported_heading = EXPORTED_PREFIX + heading
            exported = _cell(row.get(exported_heading)) if exported_heading in row else None
            if field == "due" and value:
                try:
                    value = parse_due(value)
                except ValueError:
                    issues.append(
                        _issue(row, IssueCode.BAD_DATE, heading, "not a date; write it as 2026-12-31")
                    )
                    bad = True
                    continue
            if exported_heading in row and value == exported:
                continue
            if field == "status" and value not in STATUSES:
                issues.append(
                    _issue(
                        row, IssueCode.BAD_STATUS, heading, f"choose from the dropdown: {'、'.join(STATUSES)}"
                    )
                )
                bad = True
                continue
            values[field] = value
        if bad:
            continue
        edit = Edit(
            gap_id=gid,
            values=values,
            row=int(row.get("_row") or 0),
            sheet=row.get("_sheet") or "",
            version=_version(row.get(VERSION_HEADING)),
        )
        earlier = edits.get(gid)
        if earlier is not None:
            clash = [f for f in values if f in earlier.values and earlier.values[f] != values[f]]
            if clash:
                issues.append(
                    _issue(
                        row,
                        IssueCode.DUPLICATE_ITEM,
                        "编号",
                        f"the same gap says otherwise on {earlier.sheet} row {earlier.row} ({', '.join(clash)})",
                    )
                )
                continue
            earlier.values.update(values)
            continue
        edits[gid] = edit
    return list(edits.values()), issues


def _version(text: str | None) -> int | None:
    try:
        return int(float(text)) if text else None
    except ValueError:
        return None


def _edit_issue(
    workbook: Path,
    e: Edit,
    code: IssueCode,
    column: str,
    value: str | None,
    message: str,
    severity: Severity = Severity.ERROR,
) -> RowIssue:
    """An issue with one edited row of a 整改台账 workbook: an error (nothing recorded) or a superseded cell."""
    return RowIssue(
        code=code,
        severity=severity,
        file=workbook.name,
        sheet=e.sheet,
        row=e.row,
        column=column,
        value=value,
        message=message,
    )


def _superseded(
    ledger: Path, workbook: Path, edits: list[Edit], current: dict[str, LedgerGap]
) -> list[RowIssue]:
    """Leave out the edited cells that the ledger changed after the workbook was exported (a run reopened
    the gap, another workbook was applied): an old workbook never undoes what was recorded after it. A cell
    that already says what the ledger holds (the same workbook applied again) changes nothing either way."""
    out: list[RowIssue] = []
    since: dict[int, dict[str, set[str]]] = {}
    for e in edits:
        if e.version is None:
            continue
        if e.version not in since:
            since[e.version] = changed_since(ledger, e.version)
        later = since[e.version].get(e.gap_id, set())
        held = current[e.gap_id]
        for field in [f for f in e.values if f in later and (e.values[f] or None) != getattr(held, f)]:
            heading = EDITABLE_HEADINGS[field]
            out.append(
                _edit_issue(
                    workbook,
                    e,
                    IssueCode.SUPERSEDED_EDIT,
                    heading,
                    e.values[field],
                    f"the ledger changed {heading} of {e.gap_id} after this workbook was exported "
                    "(see `quanze ledger history`): left as the ledger has it; export again to change it",
                    severity=Severity.WARNING,
                )
            )
            del e.values[field]
    return out


def apply(ledger: Path, workbook: Path, *, by: str, at: datetime) -> ApplyOutcome:
    """Record the analysts' statuses, reasons, owners, due dates and notes; all or nothing."""
    edits, issues = read_edits(workbook, known_gap_ids(ledger))
    current = {g.id: g for g in load_gaps(ledger, include_closed=True)}
    superseded = _superseded(ledger, workbook, edits, current)
    edits = [e for e in edits if e.values]
    changes: list[GapChange] = []
    for e in edits:
        gap = current[e.gap_id]
        change = GapChange.edit(gap, **e.values).model_copy(update={"row": e.row, "sheet": e.sheet})
        if change.status in NEEDS_REASON and change.status != gap.status and not change.reason:
            issues.append(
                _edit_issue(
                    workbook,
                    e,
                    IssueCode.MISSING_REASON,
                    EDITABLE_HEADINGS["reason"],
                    change.status,
                    f"{change.status} needs a reason: say why in 原因/整改说明",
                )
            )
        changes.append(change)
    outcome = ApplyOutcome(ledger=str(ledger), workbook=str(workbook), issues=issues, superseded=superseded)
    if issues:
        return outcome
    counts = apply_changes(ledger, changes, by=by, at=at, source=workbook.name)
    return outcome.model_copy(update={"counts": counts})


def report(
    ledger: Path,
    out: Path,
    period: Period,
    *,
    since: date | None,
    force: bool,
    title: str,
    now: datetime | None = None,
) -> tuple[LedgerReport, list[Path]]:
    """The 周报 / 月通报 from the ledger's history, written as xlsx and JSON into `out`."""
    data = period_report(ledger, period, since=since, now=now)
    prepare_out_dir(out, force=force)
    return data, write_period_report(out, data, title=title)
