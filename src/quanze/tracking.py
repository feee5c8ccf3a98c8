"""The ledger's workflow: export 整改台账.xlsx, read analysts' edits back, write the weekly and monthly reports."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from pydantic import BaseModel, Field

from quanze.errors import OutputError, UnreadableInputError
from quanze.ingest import read_ledger_sheets
from quanze.ledger import (
    NEEDS_REASON,
    STATUSES,
    ApplyCounts,
    GapChange,
    LedgerReport,
    Period,
    apply_changes,
    known_gap_ids,
    load_gaps,
    parse_due,
    period_report,
)
from quanze.models import IssueCode, RowIssue, Severity
from quanze.report.files import prepare_out_dir
from quanze.report.ledger import EDITABLE_HEADINGS, GroupBy, write_ledger_workbook, write_period_report


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
    gaps = load_gaps(ledger, include_closed=include_closed)
    write_ledger_workbook(target, gaps, by=by, title=title)
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


def _issue(row: dict[str, str | None], code: IssueCode, column: str, message: str) -> RowIssue:
    return RowIssue(
        code=code,
        severity=Severity.ERROR,
        file=row.get("_file") or "",
        sheet=row.get("_sheet"),
        row=int(row.get("_row") or 0),
        column=column,
        value=row.get(column),
        message=message,
    )


def read_changes(path: Path, known: set[str]) -> tuple[list[GapChange], list[RowIssue]]:
    """The edits of a filled-in 整改台账.xlsx; every bad cell an issue naming its sheet, row and column."""
    rows = read_ledger_sheets(path)
    if not rows:
        raise UnreadableInputError(
            f"{path}: no 整改台账 rows found (no sheet with 编号 and 状态 columns)",
            hint="fill in the 整改台账.xlsx that `quanze ledger export` wrote",
        )
    changes: dict[str, GapChange] = {}
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
        values = {field: row.get(heading) for field, heading in EDITABLE_HEADINGS.items()}
        status = (values["status"] or "").strip()
        if status not in STATUSES:
            issues.append(
                _issue(row, IssueCode.BAD_STATUS, "状态", f"choose from the dropdown: {'、'.join(STATUSES)}")
            )
            continue
        due = values["due"]
        if due:
            try:
                due = parse_due(due)
            except ValueError:
                issues.append(
                    _issue(row, IssueCode.BAD_DATE, "整改时限", "not a date; write it as 2026-12-31")
                )
                continue
        change = GapChange(
            gap_id=gid,
            status=status,
            reason=values["reason"],
            owner_unit=values["owner_unit"],
            owner=values["owner"],
            due=due,
            notes=values["notes"],
            row=int(row.get("_row") or 0),
            sheet=row.get("_sheet") or "",
        )
        earlier = changes.get(gid)
        if earlier is not None and earlier.model_dump(exclude={"row", "sheet"}) != change.model_dump(
            exclude={"row", "sheet"}
        ):
            issues.append(
                _issue(
                    row,
                    IssueCode.DUPLICATE_ITEM,
                    "编号",
                    f"the same gap differs from {earlier.sheet} row {earlier.row}",
                )
            )
            continue
        changes[gid] = change
    return list(changes.values()), issues


def apply(ledger: Path, workbook: Path, *, by: str, at: datetime) -> ApplyOutcome:
    """Record the analysts' statuses, reasons, owners, due dates and notes; all or nothing."""
    known = known_gap_ids(ledger)
    changes, issues = read_changes(workbook, known)
    current = {g.id: g for g in load_gaps(ledger, include_closed=True)}
    for change in changes:
        if (
            change.status in NEEDS_REASON
            and change.status != current[change.gap_id].status
            and not (change.reason or "").strip()
        ):
            issues.append(
                RowIssue(
                    code=IssueCode.MISSING_REASON,
                    severity=Severity.ERROR,
                    file=workbook.name,
                    sheet=change.sheet,
                    row=change.row,
                    column="原因/整改说明",
                    value=change.status,
                    message=f"{change.status} needs a reason: say why in 原因/整改说明",
                )
            )
    outcome = ApplyOutcome(ledger=str(ledger), workbook=str(workbook), issues=issues)
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
