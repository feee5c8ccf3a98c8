"""Counts a list states about itself (a sheet named 行政许可（11项）, a heading 一、行政许可（共12项）, a closing
合计：共6项 or 本目录共255项) held against what was read: when they differ, a row may have been lost."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter

from quanze.models import FileReport, IssueCode, PowerItem, RowIssue, ServiceItem, Severity
from quanze.normalize import name_key

_SHEET = attrgetter("source.sheet")

# A count in a sheet name or at the end of a heading: （11项）, （共12项）, 共4项.
_TAIL_COUNT = re.compile(r"[(（]?\s*共?\s*(\d+)\s*(?:项|个事项|条)\s*[)）]?\s*$")
# A closing total: 合计：共6项, 合计 | 共51项, 本表共计5项, 本目录共255项, 以上共 12 项 (a count of items, not a sum).
_TOTAL_COUNT = re.compile(
    r"^(?:注\s*[:：]\s*)?(?:(?:本(?:表|页|目录|清单)|以上|全部|合\s*计|总\s*计|汇\s*总)\s*[:：]?\s*"
    r"(?:共\s*计?|合\s*计|总\s*计)?|共\s*计?)\s*[:：]?\s*(\d+)\s*(?:项|条|个事项)"
)
_TOTAL_WORD = re.compile(r"^(?:合\s*计|总\s*计|汇\s*总)$")
_BARE_COUNT = re.compile(r"^(\d+)\s*(?:项|条|个事项)$")
_SUBTOTAL = re.compile(r"小\s*计")
# Heading styles, outermost first as lists use them: 一、 / （一） / 第一部分 / 1. ; other headings have none.
_STYLES = (
    re.compile(r"^第[一二三四五六七八九十百]+[部分章节类]"),
    re.compile(r"^[一二三四五六七八九十百零〇]+[、.．]"),
    re.compile(r"^[(（][一二三四五六七八九十]+[)）]"),
    re.compile(r"^\d+[、.．]"),
)


@dataclass(frozen=True, slots=True)
class _Heading:
    row: int
    text: str
    style: int


def stated_count_issues(report: FileReport) -> list[RowIssue]:
    """A warning for each place that states how many items it holds when neither the records nor the main
    items (names) read under it come to that number. Nothing when the records were not kept."""
    records: Sequence[PowerItem | ServiceItem] = [*report.powers, *report.services]
    if not records and any(s.records for s in report.sheets):
        return []  # counted while read, not kept: nothing to hold the counts against
    out: list[RowIssue] = []
    by_sheet: dict[str | None, list[PowerItem | ServiceItem]] = {}
    for sheet, run in groupby(records, _SHEET):  # a sheet's records come in runs (in C, not row by row)
        by_sheet.setdefault(sheet, []).extend(run)
    skipped: dict[str | None, list[RowIssue]] = {}
    for issue in report.issues:
        if issue.row is not None and (
            issue.code
            in (IssueCode.SECTION_ROW, IssueCode.TOTAL_ROW, IssueCode.FOOTNOTE_ROW, IssueCode.INACTIVE_ITEM)
            or issue.severity is Severity.ERROR
        ):
            skipped.setdefault(issue.sheet, []).append(issue)
    seen: set[str] = set()
    for layout in report.sheets:
        sheet = layout.sheet
        if not layout.columns or sheet in seen:
            continue  # a sheet of two tables side by side has two layouts
        seen.add(sheet)
        rows = by_sheet.get(sheet, [])
        # Rows not read as items but reported on their own (cancelled, or refused with an error) count as read.
        inactive = [
            i.row
            for i in skipped.get(sheet, [])
            if i.row and (i.code is IssueCode.INACTIVE_ITEM or i.severity is Severity.ERROR)
        ]
        m = _TAIL_COUNT.search(sheet)
        if m is not None and (rows or layout.records == 0):
            out += _differs(report, sheet, None, f"the sheet name {sheet}", int(m.group(1)), rows, inactive)
        headings: list[_Heading] = []
        for issue in skipped.get(sheet, []):
            text = (issue.value or "").strip()
            if issue.code is IssueCode.SECTION_ROW and issue.row is not None:
                headings.append(_Heading(issue.row, text, _style(text)))
            elif issue.code in (IssueCode.TOTAL_ROW, IssueCode.FOOTNOTE_ROW) and not _SUBTOTAL.search(text):
                total = _total(text)
                if total is not None and issue.row is not None:
                    above = [r for r in rows if r.source.row < issue.row]
                    done = [n for n in inactive if n < issue.row]
                    out += _differs(report, sheet, issue.row, f"the total {text[:40]}", total, above, done)
        for k, heading in enumerate(headings):
            m = _TAIL_COUNT.search(heading.text)
            if m is None or m.start() == 0:
                continue
            end = next((h.row for h in headings[k + 1 :] if h.style <= heading.style), None)
            inside = [r for r in rows if r.source.row > heading.row and (end is None or r.source.row < end)]
            done = [n for n in inactive if n > heading.row and (end is None or n < end)]
            place = f"the heading {heading.text[:40]}"
            out += _differs(report, sheet, heading.row, place, int(m.group(1)), inside, done)
    return out


def _style(text: str) -> int:
    """How deep a heading's numbering sits (0 outermost); an unnumbered heading sits below every style."""
    return next((n for n, style in enumerate(_STYLES) if style.match(text)), len(_STYLES))


def _total(text: str) -> int | None:
    """The number of items a closing total states, from its cells joined (合计 | 共6项)."""
    parts = [p.strip() for p in text.split(" | ")]
    for part in [text, *parts]:
        m = _TOTAL_COUNT.match(part)
        if m is not None:
            return int(m.group(1))
    if any(_TOTAL_WORD.match(p) for p in parts):  # 合计 | 4项, in two cells
        counts = [m for p in parts if (m := _BARE_COUNT.match(p)) is not None]
        if len(counts) == 1:
            return int(counts[0].group(1))
    return None


def _differs(
    report: FileReport,
    sheet: str | None,
    row: int | None,
    place: str,
    stated: int,
    records: Sequence[PowerItem | ServiceItem],
    inactive: Iterable[int],
) -> list[RowIssue]:
    names = {name_key(r.name) for r in records}
    rows = {r.source.row for r in records}
    read = {len(records), len(names), len(rows), len(rows | set(inactive))}
    if stated in read or stated == 0:
        return []
    return [
        RowIssue(
            code=IssueCode.STATED_COUNT_DIFFERS,
            severity=Severity.WARNING,
            file=report.file,
            sheet=sheet,
            row=row,
            value=str(stated),
            message=f"{place} states {stated} items, but {len(records)} records ({len(names)} main items) "
            "were read under it: a row lost or a count not updated? Compare the file with the count",
        )
    ]
