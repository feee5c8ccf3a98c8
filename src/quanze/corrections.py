"""Rows of one unit's acceptance list that repeat an item with another answer: a correction appended by hand.

Units correct a list by adding a row at the bottom (认领 after an earlier 不认领 for the same item) rather
than editing the first. Two rows of one item that disagree on 认领情况 are a conflict said as an issue that
names both rows; the later row (lower in the list, or in a later sheet) is the unit's answer and the
earlier rows leave the list, so that the correction counts and no row turns into a false gap (清单外, 仅该单位有).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from quanze.models import IssueCode, PowerItem, RowIssue
from quanze.normalize import code_key, department_key, name_key
from quanze.vocab import acceptance_of


def _key(item: PowerItem) -> tuple[str, str]:
    return name_key(item.title), name_key(item.sub_item or "")


def _same_item(items: Sequence[PowerItem]) -> bool:
    """Rows of one name are one item unless they name two codes or two departments."""
    codes = {code_key(i.code) for i in items if code_key(i.code)}
    departments = {department_key(i.department) for i in items if department_key(i.department)}
    return len(codes) <= 1 and len(departments) <= 1


def settle_corrections(
    lists: Mapping[str, Sequence[PowerItem]],
) -> tuple[dict[str, list[PowerItem]], list[RowIssue]]:
    """Each unit's list with the earlier rows of a conflicting repeat left out, and an issue per conflict."""
    settled: dict[str, list[PowerItem]] = {}
    issues: list[RowIssue] = []
    for unit in lists:
        items = list(lists[unit])
        groups: dict[tuple[str, str], list[int]] = defaultdict(list)
        for n, item in enumerate(items):
            if item.role != "main":
                groups[_key(item)].append(n)
        dropped: set[int] = set()
        for at in groups.values():
            rows = [items[n] for n in at]
            if len(at) < 2 or len({acceptance_of(r.acceptance) for r in rows}) < 2 or not _same_item(rows):
                continue
            last = rows[-1]
            dropped.update(at[:-1])
            earlier = "、".join(f"row {r.source.row} “{r.acceptance or ''}”" for r in rows[:-1])
            issues.append(
                RowIssue.warning_at(
                    IssueCode.CONFLICTING_ACCEPTANCE,
                    last.source,
                    column="认领情况",
                    value=last.acceptance,
                    message=f"{unit}'s list names “{last.title}” twice with different answers: {earlier} and "
                    f"row {last.source.row} “{last.acceptance or ''}”; the later row is taken as the unit's answer "
                    "(a correction appended below) and the earlier left out; if the earlier one is right, "
                    "delete the later row",
                )
            )
        settled[unit] = [item for n, item in enumerate(items) if n not in dropped]
    return settled, issues
