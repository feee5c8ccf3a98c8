"""Read-back of the workbooks quanze wrote and a person filled in: the review workbook (its decisions), the
handover checklists and the ledger workbook (整改台账)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from quanze.config import QuanzeConfig
from quanze.decisions import DecisionRecord, parse_decision_word
from quanze.errors import ExitCode, QuanzeError, UnreadableInputError, exit_code_for
from quanze.ingest.cells import cell_text
from quanze.ingest.formats import InputFormat, sniff
from quanze.ingest.load import inputs_for_links
from quanze.ingest.xlsx import open_xlsx
from quanze.match.manual import HandAddedRows, UnknownItem
from quanze.models import Decision, IssueCode, RowIssue, Severity
from quanze.normalize import clean_text
from quanze.sheets import CHECKLIST, NOT_DONE, REVIEW, REVIEW_DECISION_PREFIX


def _quanze_table(
    path: Path, marks: tuple[str, ...], *, what: str, first_only: bool
) -> list[dict[str, str | None]]:
    """Rows of a table quanze wrote and a person filled in, found by the headers it must carry."""
    if sniff(path) is not InputFormat.XLSX:
        raise UnreadableInputError(
            f"{path}: a {what} must be the .xlsx that quanze wrote",
            hint=f"fill in the {what} quanze wrote and save it as .xlsx",
        )
    rows: list[dict[str, str | None]] = []
    first: str | None = None  # with first_only: the sheet of the table, whose continuation sheets follow it
    for raw in open_xlsx(path):
        if first is not None and not _continues(raw.name, first):
            return rows
        header: list[str] | None = None
        for rownum, values in enumerate(raw.rows, start=1):
            texts = [clean_text(cell_text(v)[0]) for v in values]
            if header is None:
                if all(m in texts for m in marks):
                    header = [t or "" for t in texts]
                continue
            if any(texts):
                record: dict[str, str | None] = dict(zip(header, texts, strict=False))
                record.update(_row=str(rownum), _sheet=raw.name, _file=path.name)
                rows.append(record)
        if header is not None and first_only:
            first = first or raw.name
    if first_only and first is None:
        raise UnreadableInputError(
            f"{path}: no {what} table found (no {' / '.join(marks)} columns)",
            hint=f"use the {what} written by quanze, keeping its hidden columns",
        )
    return rows


def _continues(name: str, first: str) -> bool:
    """Whether a sheet is a continuation of `first` that quanze wrote for a long table: 待复核 (2) …"""
    base, _, tail = name.rpartition(" (")
    return tail.endswith(")") and tail[:-1].isdigit() and bool(base) and first.startswith(base)


def read_review_sheet(path: Path) -> list[dict[str, str | None]]:
    """Rows of a filled-in review workbook (review.xlsx), keyed by the headers of its table."""
    return _quanze_table(path, REVIEW.mark_headings, what="review workbook", first_only=True)


def read_checklists(path: Path) -> list[dict[str, str | None]]:
    """Rows of filled-in handover checklists (every sheet whose table has a 交接状态 column)."""
    rows = _quanze_table(path, CHECKLIST.mark_headings, what="handover checklist", first_only=False)
    # The signature block below the table has no item number.
    return [r for r in rows if CHECKLIST.get(r, "item_name") and (CHECKLIST.get(r, "no") or "").isdigit()]


def filled_checklists(folder: Path) -> list[tuple[Path, int]]:
    """The checklists in `folder` (交接清单*.xlsx) that a unit has begun to fill in (交接状态 other than the
    未交接 it is written with, or a 交接日期), with how many rows: the units' record, never replaced by a run."""
    found: list[tuple[Path, int]] = []
    for path in sorted(folder.glob("交接清单*.xlsx")) if folder.is_dir() else []:
        try:
            rows = read_checklists(path)
        except QuanzeError:
            continue  # not a checklist quanze wrote: the output folder's own check names foreign files
        filled = sum(
            1 for r in rows if CHECKLIST.get(r, "status") not in (None, NOT_DONE) or CHECKLIST.get(r, "date")
        )
        if filled:
            found.append((path, filled))
    return found


def read_filled_checklists(files: Sequence[Path]) -> list[dict[str, str | None]]:
    """The rows of every filled-in checklist; a file that holds none is refused, saying what it is instead."""
    rows = []
    for path in files:
        found = read_checklists(path)
        if not found:
            raise UnreadableInputError(
                f"{path}: no handover checklist rows found (no table with 交接状态 and 事项名称 columns"
                + (", and this is a review workbook" if is_review(path) else "")
                + ")",
                hint="give the checklists `quanze handover build` wrote (交接清单_….xlsx), filled in; "
                "a review.xlsx goes to `quanze review apply`",
            )
        rows.extend(found)
    return rows


def is_review(path: Path) -> bool:
    try:
        read_review_sheet(path)
    except QuanzeError:
        return False
    return True


def read_ledger_sheets(path: Path) -> list[dict[str, str | None]]:
    """Rows of a filled-in 整改台账.xlsx (every sheet whose table has 编号 and 状态 columns)."""
    return _quanze_table(path, ("编号", "状态"), what="ledger workbook (整改台账)", first_only=False)


class ReviewOutcome(BaseModel):
    """What applying a review workbook did."""

    decisions_file: str
    rows: int
    confirmed: int
    rejected: int
    blank: int
    not_recorded: int = Field(
        default=0, description="rows with a decision that was not recorded (an issue says why): rows add up"
    )
    unchanged: int
    recorded: int
    issues: list[RowIssue] = Field(default_factory=list)

    @property
    def exit_code(self) -> ExitCode:
        return exit_code_for(self.issues)


def row_issue(
    row: Mapping[str, str | None], code: IssueCode, column: str, message: str, *, value: str | None = None
) -> RowIssue:
    """An error in one row read back from a workbook quanze wrote, located by the row's file, sheet and row."""
    return RowIssue(
        code=code,
        severity=Severity.ERROR,
        file=row.get("_file") or "",
        sheet=row.get("_sheet"),
        row=int(row.get("_row") or 0),
        column=column,
        value=value,
        message=message,
    )


Key = tuple[str, str, str | None]


def _without_conflicts(
    records: list[DecisionRecord],
    rows_of: Mapping[Key, Sequence[Mapping[str, str | None]]],
    column: str,
    issues: list[RowIssue],
) -> list[DecisionRecord]:
    """The records less any link that rows of the sheet decide both ways (a row copied down and changed):
    neither is recorded, and each such row is an issue naming the others."""
    decided: dict[Key, set[Decision]] = defaultdict(set)
    for r in records:
        decided[(r.power_key, r.service_key, r.unit)].add(r.decision)
    clashing = [key for key, seen in decided.items() if len(seen) > 1]
    for key in clashing:
        rows = rows_of[key]
        for row in rows:
            others = "、".join(str(o.get("_row")) for o in rows if o is not row)
            issues.append(
                row_issue(
                    row,
                    IssueCode.CONFLICTING_DECISIONS,
                    column,
                    f"the same link is decided otherwise on row {others}: keep one row (neither was recorded)",
                    value=row.get(column),
                )
            )
    gone = set(clashing)
    return [r for r in records if (r.power_key, r.service_key, r.unit) not in gone]


def _named_link(row: Mapping[str, str | None]) -> str:
    """A hand-added row's power and service item as typed (code or name), for an issue's value."""
    power = REVIEW.get(row, "power_code") or REVIEW.get(row, "power_name") or "—"
    service = REVIEW.get(row, "service_code") or REVIEW.get(row, "service_name") or "—"
    return f"{power} ↔ {service}"


def read_review(
    path: Path, *, by: str | None, at: str, config: QuanzeConfig | None = None
) -> tuple[list[DecisionRecord], ReviewOutcome]:
    """Decisions from a filled-in review workbook; unknown words in 决定 are issues, not decisions.

    A row an analyst added by hand (no hidden keys, but a power and a service item by code or name) is
    looked up in the inputs of `config`; one that names no item, or several, is an issue naming its row.
    """
    hand_added = HandAddedRows(None if config is None else lambda: inputs_for_links(config))
    rows = read_review_sheet(path)
    records: list[DecisionRecord] = []
    issues: list[RowIssue] = []
    rows_of: dict[Key, list[Mapping[str, str | None]]] = defaultdict(list)
    blank = 0
    decision_col = next(
        (k for k in (rows[0] if rows else {}) if k.startswith(REVIEW_DECISION_PREFIX)),
        REVIEW.heading("decision"),
    )
    for row in rows:
        try:
            decision = parse_decision_word(row.get(decision_col))
        except ValueError:
            issues.append(
                row_issue(
                    row,
                    IssueCode.BAD_DECISION,
                    decision_col,
                    "write 确认 or 否决 (choose from the dropdown)",
                    value=row.get(decision_col),
                )
            )
            continue
        if decision is None:
            blank += 1
            continue
        pk, sk = REVIEW.get(row, "power_key"), REVIEW.get(row, "service_key")
        if (not pk or not sk) and hand_added.holds(row):
            try:
                records.append(hand_added.record(row, decision, by=by, at=at, source=path.name))
            except UnknownItem as exc:
                issues.append(
                    row_issue(
                        row,
                        IssueCode.UNKNOWN_ITEM,
                        "权力事项/服务事项",
                        f"{exc}; the row was not recorded",
                        value=_named_link(row),
                    )
                )
            continue
        if not pk or not sk:
            issues.append(
                row_issue(
                    row,
                    IssueCode.MISSING_REQUIRED,
                    "power_key/service_key",
                    "the hidden key columns are empty; do not edit or delete them",
                )
            )
            continue
        rows_of[(pk, sk, REVIEW.get(row, "unit"))].append(row)
        records.append(
            DecisionRecord(
                power_key=pk,
                service_key=sk,
                decision=decision,
                unit=REVIEW.get(row, "unit"),
                power_name=REVIEW.get(row, "power_name"),
                service_name=REVIEW.get(row, "service_name"),
                note=REVIEW.get(row, "note"),
                by=by,
                at=at,
                source=path.name,
            )
        )
    records = _without_conflicts(records, rows_of, decision_col, issues)
    confirmed = sum(1 for r in records if r.decision is Decision.CONFIRM)
    rejected = len(records) - confirmed
    outcome = ReviewOutcome(
        decisions_file="",
        rows=len(rows),
        confirmed=confirmed,
        rejected=rejected,
        blank=blank,
        not_recorded=len(rows) - blank - len(records),
        unchanged=0,
        recorded=0,
        issues=issues,
    )
    return records, outcome
