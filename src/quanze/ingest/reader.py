"""Read power lists and service catalogues into records and row issues: one file (read_file) or many
(read_files). The only code that opens workbooks is in this package."""

from __future__ import annotations

import gc
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

from quanze.cellref import column_letter
from quanze.errors import UnreadableInputError, UsageError
from quanze.gctune import relaxed_gc
from quanze.ingest.counts import stated_count_issues
from quanze.ingest.duplicates import Duplicates
from quanze.ingest.formats import printable, sniff
from quanze.ingest.namecheck import copied_sheets, names_not_items
from quanze.ingest.options import IngestOptions
from quanze.ingest.records import Placeholders
from quanze.ingest.sheet import SheetReader, split_side_by_side
from quanze.ingest.sources import open_sheets
from quanze.models import (
    FileReport,
    HiddenMode,
    IssueCode,
    ListKind,
    PowerItem,
    RowIssue,
    ServiceItem,
    Severity,
    SheetLayout,
)
from quanze.normalize import name_key

# A sheet beside the power list that restates its items with their duties: 责任清单, 追责情形, 问责情形 …
_RESTATING_SHEET = re.compile(r"责任清单|责任事项|追责|问责")
_LIST_SHEET = re.compile(r"权力|权责|职权")


def restates_items(sheet_name: str) -> bool:
    """Whether a sheet's name says it restates the list's items (a 责任清单 or 追责情形 sheet), not a list."""
    return _RESTATING_SHEET.search(sheet_name) is not None and _LIST_SHEET.search(sheet_name) is None


def read_file(path: Path, options: IngestOptions | None = None, *, label: str | None = None) -> FileReport:
    """Read one list file into records and issues. Raises UnreadableInputError when it is no table at all."""
    # Nearly every object a read builds (rows' texts aside) lives on as a record or an issue: at CPython's
    # default thresholds the collector would walk them again and again for nothing.
    with relaxed_gc(), _collector_paused():
        return _read_file(path, options or IngestOptions(), label=label)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection during a read, and the collector as it was after it.

    Even at relaxed thresholds the collector walks every record and issue as it is made, and again as they
    age (a tenth of a large read's time), to find nothing: a read makes no cyclic garbage (its readers hold
    no reference cycle; test_reader_gc reads every kind of input to show it), and freed objects are freed at
    once (reference counting). So what a read made is handed to the oldest generation as it is, unwalked:
    the collector would otherwise walk every record and issue at its next allocation to find them alive
    (freezing and unfreezing moves every tracked object there at once). Not when the caller has frozen
    objects of its own (unfreezing would undo its freeze), nor after a failed read (a traceback's frames
    hold cycles): the collector then finds what it finds, as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    except BaseException:
        if enabled:
            gc.enable()
        raise
    if enabled:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        gc.enable()


def _read_file(path: Path, options: IngestOptions, *, label: str | None) -> FileReport:
    file_label = printable(label or path.name)
    fmt = sniff(path)
    sheets, encoding = open_sheets(path, fmt, options)
    report = FileReport(file=file_label, kind=options.kind, encoding=encoding)
    kinds: set[ListKind] = set()
    refused: list[str] = []
    duplicates = Duplicates(file_label)
    placeholders = Placeholders(file_label)
    for raw in sheets:
        if options.sheets is not None and raw.name not in options.sheets:
            continue
        if raw.hidden and options.hidden is not HiddenMode.READ and options.sheets is None:
            _sheet_left_unread(
                report,
                SheetLayout(sheet=raw.name, hidden=True),
                IssueCode.HIDDEN_SHEET,
                'a hidden sheet: not read. Read it with --hidden read (or [read] hidden = "read"), '
                "or name it with --sheet",
            )
            continue
        if options.sheets is None and restates_items(raw.name) and (report.powers or report.records):
            _sheet_left_unread(
                report,
                SheetLayout(sheet=raw.name),
                IssueCode.RESTATED_SHEET,
                "a 责任清单 / 追责情形 sheet beside the list: its rows restate the items read above "
                "with their duties, so they are not read as items again. Read it alone with --sheet",
            )
            continue
        reader = SheetReader(file_label, raw, options, options.kind, duplicates, placeholders)
        reader.read()
        readers = [reader]
        if reader.side_by_side is not None:
            split, rows = reader.side_by_side
            readers = [
                SheetReader(file_label, part, options, options.kind, duplicates, placeholders)
                for part in split_side_by_side(raw, split, rows)
            ]
            for part_reader in readers:
                part_reader.read()
            report.issues.append(
                RowIssue(
                    code=IssueCode.SIDE_BY_SIDE_TABLES,
                    severity=Severity.INFO,
                    file=file_label,
                    sheet=raw.name,
                    message=f"two tables side by side, the second from column {column_letter(split + 1)}: "
                    "each read by its own header (quanze inspect shows both)",
                )
            )
        for part in readers:
            _add_sheet(report, part, refused, kinds)
        report.issues.extend(
            RowIssue(
                code=n.code,
                severity=n.severity,
                file=file_label,
                sheet=raw.name,
                row=n.row,
                value=n.value,
                message=n.message,
            )
            for n in raw.notes
        )
    if options.kind is ListKind.AUTO:
        report.kind = ListKind.SERVICES if kinds == {ListKind.SERVICES} else ListKind.POWERS
        if kinds == {ListKind.SERVICES, ListKind.POWERS}:
            # One file, two kinds of sheet: keep both, but say so.
            report.kind = ListKind.POWERS
    if not report.sheets and options.sheets:
        raise UnreadableInputError(
            f"{file_label}: none of the sheets {', '.join(options.sheets)} is in the file",
            hint="check the sheet names with `quanze inspect`",
        )
    if refused and not report.records:
        # --header-rows that fit none of the file's sheets: a usage mistake, not a finding about the file.
        raise UsageError(
            refused[0] + (f" (and {len(refused) - 1} more sheet(s))" if len(refused) > 1 else ""),
            hint="leave out --header-rows to find the header, or see the rows with `quanze inspect`",
        )
    report.issues.extend(duplicates.issues)
    report.issues.extend(placeholders.issues())
    empty = _no_records_issue(report)
    if empty is not None:
        report.issues.append(empty)
    report.issues.extend(
        _one_name_throughout(report) or _few_names_repeated(report) or names_not_items(report)
    )
    report.issues.extend(copied_sheets(report))
    report.issues.extend(stated_count_issues(report))
    return report


_ONE_NAME_LEAST = 5


def _one_name_throughout(report: FileReport) -> list[RowIssue]:
    """Every record of the file under one name (and sub-item), five rows or more: a name pasted down the
    whole column, not a list. A warning, so `validate` exits 1; the records are kept as read."""
    records: list[PowerItem] | list[ServiceItem] = report.powers or report.services
    if len(records) < _ONE_NAME_LEAST:
        return []

    # Stops at the first record under another name (nearly always the second).
    first_key = _name_and_sub(records[0])
    rest: Iterable[PowerItem | ServiceItem] = islice(records, 1, None)
    if any(_name_and_sub(r) != first_key for r in rest):
        return []
    return [
        _pasted_names(
            report,
            IssueCode.ONE_NAME_THROUGHOUT,
            records[0].name,
            f"all {len(records)} rows hold the same name: a name pasted down the column?",
        )
    ]


def _name_and_sub(r: PowerItem | ServiceItem) -> tuple[str, str]:
    """A record's name and sub-item as compared (a service item has no sub-item)."""
    return name_key(r.name), name_key(r.sub_item or "") if isinstance(r, PowerItem) else ""


def _pasted_names(report: FileReport, code: IssueCode, value: str, message: str) -> RowIssue:
    """A warning on a file's names as a whole (pasted down, filled in a cycle), placed at its first record."""
    first = (report.powers or report.services)[0]
    return RowIssue(
        code=code,
        severity=Severity.WARNING,
        file=report.file,
        sheet=first.source.sheet,
        row=first.source.row,
        column="事项名称",
        value=value,
        message=message + " Check the file against the list it was taken from",
    )


_FEW_NAMES_LEAST = 20
_FEW_NAMES = 5


def _few_names_repeated(report: FileReport) -> list[RowIssue]:
    """Twenty records or more under one organ and unit, four in five of them under a handful of names each
    repeated four times or more: names filled down in a cycle (one-name-throughout's kin), not a list. A
    warning; the records are kept as read."""
    records: list[PowerItem] | list[ServiceItem] = report.powers or report.services
    if len(records) < _FEW_NAMES_LEAST:
        return []
    # One organ and unit throughout: the first record that differs ends the test (a large list, at once).
    service = isinstance(records[0], ServiceItem)
    organ = (records[0].department, records[0].unit if service else None)
    if any((r.department, r.unit if service else None) != organ for r in records):
        return []
    top = Counter(map(_name_and_sub, records)).most_common(_FEW_NAMES)
    if len(top) < 2 or top[-1][1] < 4 or 5 * sum(n for _, n in top) < 4 * len(records):
        return []
    names = {name_key(r.name): r.name for r in records}
    shown = "、".join(names[key[0]] for key, _ in top)
    return [
        _pasted_names(
            report,
            IssueCode.FEW_NAMES_REPEATED,
            shown[:120],
            f"{sum(n for _, n in top)} of {len(records)} rows repeat {len(top)} names ({shown[:80]}) "
            "under one organ: names filled down in a cycle?",
        )
    ]


def _sheet_left_unread(report: FileReport, layout: SheetLayout, code: IssueCode, message: str) -> None:
    """A sheet quanze does not read (hidden, or restating the list's items): listed, and said why."""
    report.sheets.append(layout)
    report.issues.append(
        RowIssue(code=code, severity=Severity.INFO, file=report.file, sheet=layout.sheet, message=message)
    )


def _add_sheet(report: FileReport, reader: SheetReader, refused: list[str], kinds: set[ListKind]) -> None:
    """Put what one sheet reader read into the file's report."""
    if reader.header_rows_refused is not None:
        refused.append(f"{report.file} › {reader.layout.sheet}: {reader.header_rows_refused}")
    report.sheets.append(reader.layout)
    report.issues.extend(reader.issues)
    report.powers.extend(reader.powers)
    report.services.extend(reader.services)
    if reader.layout.records:
        kinds.add(reader.kind)


def _no_records_issue(report: FileReport) -> RowIssue | None:
    """A file that gave no record and no error saying why must not pass as an empty list."""
    if report.records or any(i.severity is Severity.ERROR for i in report.issues):
        return None
    hidden = [s.sheet for s in report.sheets if s.hidden and not s.columns]
    inactive = [i for i in report.issues if i.code is IssueCode.INACTIVE_ITEM]
    if inactive:
        columns = ", ".join(dict.fromkeys(f"{i.sheet} › {i.column}" for i in inactive))
        message = (
            f"no record read: every item row ({len(inactive)}) is marked cancelled or suspended "
            f"(停用 / 取消 …) in its status column ({columns[:120]}); nothing in the file is in force. "
            "Check that this is the current list, or the status column"
        )
    elif hidden:
        message = (
            f"no record read: the rows are on hidden sheets ({', '.join(hidden)[:120]}); "
            "read them with --hidden read if they are live"
        )
    else:
        message = "no record read: the file holds a header but no item below it; export the list again"
    return RowIssue(code=IssueCode.NO_RECORDS, severity=Severity.WARNING, file=report.file, message=message)


def _file_issue(path: Path, code: IssueCode, severity: Severity, message: str) -> FileReport:
    """A report for a file that gave no records at all, holding the one issue that says why."""
    issue = RowIssue(code=code, severity=severity, file=printable(path.name), message=printable(message))
    return FileReport(file=printable(path.name), kind=ListKind.AUTO, issues=[issue])


def _office_owner_file(path: Path) -> bool:
    """Excel's and WPS's owner file (~$东城县.xlsx beside an open workbook): a few bytes naming who opened it.

    Told by Office's own naming (~$ then the workbook's name) and by being no workbook: a tiny file that is
    neither a zip archive nor an OLE compound file.
    """
    if not path.name.startswith("~$"):
        return False
    try:
        if path.stat().st_size > 4096:
            return False
        with path.open("rb") as f:
            head = f.read(8)
    except OSError:
        return False
    return not head.startswith((b"PK", bytes.fromhex("d0cf11e0a1b11ae1")))


def read_files(
    paths: Iterable[Path],
    options: IngestOptions | None = None,
    *,
    on_file: Callable[[Path], None] | None = None,
) -> list[FileReport]:
    """Read many files; a file that cannot be read becomes a report with one unreadable-file issue."""
    reports: list[FileReport] = []
    seen: dict[Path, str] = {}
    for path in paths:
        if on_file is not None:
            on_file(path)
        try:
            resolved = path.resolve()
        except (RuntimeError, OSError):
            message = f"{path}: cannot open (a symbolic link that points back to itself); check the path"
            reports.append(_file_issue(path, IssueCode.UNREADABLE_FILE, Severity.ERROR, message))
            continue
        if resolved in seen:
            message = f"the same file was given twice (as {seen[resolved]}); read once"
            reports.append(_file_issue(path, IssueCode.DUPLICATE_INPUT, Severity.WARNING, message))
            continue
        seen[resolved] = str(path)
        if _office_owner_file(path):
            message = (
                f"Excel's lock file for …{path.name[2:]} (that workbook is open in Excel), not a list: skipped; "
                "close the workbook, saving it, so that what is read is what you see"
            )
            reports.append(_file_issue(path, IssueCode.OFFICE_LOCK_FILE, Severity.WARNING, message))
            continue
        try:
            reports.append(read_file(path, options))
        except UnreadableInputError as exc:
            reports.append(_file_issue(path, IssueCode.UNREADABLE_FILE, Severity.ERROR, str(exc)))
    return reports
