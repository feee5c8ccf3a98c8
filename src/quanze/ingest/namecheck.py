"""A file's item names as a whole: a name column that holds no item names, sheets copied under other organs."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from quanze.models import FileReport, IssueCode, PowerItem, RowIssue, ServiceItem, Severity
from quanze.normalize import HAN, category_of, name_key

# Three records at least, four in five of them: a column one off, not a few odd rows.
_LEAST = 3
# A letter code (XK-0131-001, QR002, CF（备）-005): Latin letters and digits, no Chinese, no space.
_LETTER_CODE = re.compile(r"^(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9\-_.()/]{3,30}$")


def _organ_name(r: PowerItem | ServiceItem) -> bool:
    return bool(r.department) and name_key(r.name) == name_key(r.department or "")


def _category_word(r: PowerItem | ServiceItem) -> bool:
    return len(r.name) <= 12 and category_of(r.name, national_codes=False) is not None


def _letter_code(r: PowerItem | ServiceItem) -> bool:
    return HAN.search(r.name) is None and _LETTER_CODE.match(name_key(r.name)) is not None


_WHAT = (
    (_organ_name, "its own organ's name (实施主体)", "an organ's name"),
    (_category_word, "a category word (行政许可, 行政处罚 …)", "a category word"),
    (_letter_code, "a letter code (XK-0131-001 …)", "a code"),
)


def names_not_items(report: FileReport) -> list[RowIssue]:
    """A name column whose cells are, nearly all, the row's organ, a category word or a letter code: the
    names were pasted one column off (a VLOOKUP that took the wrong column), or the file is a list's outline
    of categories, not its items. A warning on the file, so `validate` exits 1; the records are kept as read."""
    records: Sequence[PowerItem | ServiceItem] = report.powers or report.services
    if len(records) < _LEAST:
        return []
    for test, what, short in _WHAT:
        found = [r for r in records if test(r)]
        if len(found) * 5 < len(records) * 4:
            continue
        first = found[0]
        return [
            RowIssue(
                code=IssueCode.NAMES_NOT_ITEMS,
                severity=Severity.WARNING,
                file=report.file,
                sheet=first.source.sheet,
                row=first.source.row,
                column="事项名称",
                value=first.name,
                message=f"{len(found)} of {len(records)} rows hold {what} where the item's name belongs: "
                f"not item names (a column pasted one off?); check the file against the list it was taken "
                f"from, or that the name column is the one that names the items, not {short}",
            )
        ]
    return []


def copied_sheets(report: FileReport) -> list[RowIssue]:
    """Sheets that hold the same items, in the same order with the same codes, under different organs: one
    department's sheet copied for the others and never edited (three items at least; sheets of a level,
    省级 | 市级 | 县级, may list the same items and are left alone). A warning; the records are kept as read."""
    records: Sequence[PowerItem | ServiceItem] = report.powers or report.services
    by_sheet: dict[str, list[PowerItem | ServiceItem]] = defaultdict(list)
    for r in records:
        by_sheet[r.source.sheet or ""].append(r)
    if len(by_sheet) < 2:
        return []
    levelled = {s.sheet for s in report.sheets if s.level}
    copies: dict[tuple[tuple[str, str, str], ...], list[str]] = defaultdict(list)
    organs: dict[str, frozenset[str]] = {}
    for sheet, rows in by_sheet.items():
        if len(rows) < _LEAST or sheet in levelled:
            continue
        key = tuple(
            (name_key(r.name), name_key(getattr(r, "sub_item", None) or ""), name_key(r.code or ""))
            for r in rows
        )
        copies[key].append(sheet)
        organs[sheet] = frozenset(name_key(r.department or "") for r in rows)
    out: list[RowIssue] = []
    for key, sheets in copies.items():
        if len(sheets) < 2 or len({organs[s] for s in sheets}) < 2:
            continue
        shown = "、".join(sheets[:6]) + (f" … ({len(sheets)})" if len(sheets) > 6 else "")
        first = by_sheet[sheets[0]][0]
        out.append(
            RowIssue(
                code=IssueCode.COPIED_SHEETS,
                severity=Severity.WARNING,
                file=report.file,
                sheet=first.source.sheet,
                row=first.source.row,
                value=shown[:120],
                message=f"{len(sheets)} sheets ({shown}) hold the same {len(key)} items, with the same names and "
                "codes in the same order, under different organs: one sheet copied for the others and never "
                "edited? Give each department's own items",
            )
        )
    return out
