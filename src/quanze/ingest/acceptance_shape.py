"""An acceptance list that says nothing about acceptance: no 认领 column, or a devolution list's shape.

A list given as a unit's acceptance list with no acceptance column would count every listed item as
认领; said loudly (it fails `check`), naming the columns that look like an unread acceptance column. A
list with the devolution list's columns (下放方式 / 承接单位) and no acceptance column whose items are
(nearly) all the devolution list's own is most likely a devolution list (last year's) picked in the wrong
role: said as that.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from quanze.models import ColumnMap, FileReport, IssueCode, PowerItem, RowIssue, Severity
from quanze.normalize import name_key

# Share of an acceptance list's items that are the devolution list's own items, above which a list with
# the devolution list's columns is taken for a devolution list.
DEVOLUTION_SHARE: Final = 0.8
_DEVOLUTION_FIELDS: Final = frozenset({"devolution_mode", "receiving_unit"})
_ACCEPTANCE_WORDS: Final = ("认领", "承接", "意见", "同意")


def _columns(report: FileReport) -> list[ColumnMap]:
    return [c for s in report.sheets for c in s.columns]


def _looks_like_acceptance(column: ColumnMap) -> bool:
    return column.field is None and any(w in column.header for w in _ACCEPTANCE_WORDS)


def acceptance_column_issues(
    report: FileReport,
    items: Sequence[PowerItem],
    devolved: Sequence[PowerItem],
    *,
    file: str,
    unit: str,
) -> list[RowIssue]:
    """A loud warning for an acceptance list without an acceptance column (see the module's note)."""
    columns = _columns(report)
    if not items or any(c.field == "acceptance" for c in columns):
        return []
    shape = [c.header for c in columns if c.field in _DEVOLUTION_FIELDS]
    own = {name_key(p.title) for p in devolved if p.role != "main"}
    listed = [p for p in items if p.role != "main"]
    shared = sum(1 for p in listed if name_key(p.title) in own)
    if shape and listed and shared >= DEVOLUTION_SHARE * len(listed):
        return [
            RowIssue(
                code=IssueCode.DEVOLUTION_LIST_AS_ACCEPTANCE,
                severity=Severity.WARNING,
                file=file,
                column="、".join(shape),
                value=unit,
                message=f"given as {unit}'s acceptance list, but it has no 认领情况 column and has the devolution "
                f"list's columns ({'、'.join(shape)}), and {shared} of its {len(listed)} items are the devolution "
                f"list's own: it looks like a devolution list (last year's version?) picked in the wrong role, and "
                f"would count every item as accepted by {unit}; give {unit}'s own acceptance list",
            )
        ]
    unread = [c.header for c in columns if _looks_like_acceptance(c)]
    hint = (
        f"the column(s) {'、'.join(unread)} may hold it: name the heading in quanze.toml "
        f'([aliases.headers] acceptance = ["{unread[0]}"])'
        if unread
        else "add a 认领情况 column (认领 / 不认领), or accept the reading if listing an item is accepting it"
    )
    return [
        RowIssue(
            code=IssueCode.NO_ACCEPTANCE_COLUMN,
            severity=Severity.WARNING,
            file=file,
            column="、".join(unread) or None,
            value=unit,
            message=f"{unit}'s acceptance list has no 认领情况 column: every one of its {len(listed)} items counts "
            f"as 认领 (none refused); {hint}",
        )
    ]
