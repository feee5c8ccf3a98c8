"""Duplicate codes and duplicate items within one file, found as records stream past."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import compress, repeat
from operator import and_, is_, is_not, not_
from typing import Any

from quanze.ingest.issues import row_issue, row_issues
from quanze.models import IssueCode, PowerItem, RowIssue, ServiceItem, Severity
from quanze.normalize import code_key, department_key, name_key


def place(item: PowerItem | ServiceItem) -> Any:
    """Where an item is held, besides its organ: the same item at two places is no duplicate. One file may hold
    several units' lists (a 行政区划 column), and a city's list may restate each item for each level (市级 / 县级
    rows of one name and code). add_run is given the same, a column at a time: (unit, receiving unit, level)."""
    if isinstance(item, ServiceItem):
        return item.unit
    return (item.unit, item.receiving_unit, item.level)


class Duplicates:
    """Duplicate codes (one code, different items) and duplicate items (the same item twice), found as
    records stream past. Only a 64-bit digest and a row number are kept per record (about 100 bytes), so
    a million rows need no million records in memory."""

    def __init__(self, file_label: str) -> None:
        self.file = file_label
        self.items: dict[int, tuple[str, int]] = {}
        self.codes: dict[int, tuple[str, str, int]] = {}
        self.issues: list[RowIssue] = []

    def add(self, item: PowerItem | ServiceItem) -> None:
        if isinstance(item, PowerItem) and item.role == "main":
            return
        unit = place(item)
        title = name_key(item.title)
        key = code_key(item.code)
        dept = department_key(item.department)
        ident = hash((title, key, dept, unit))
        first = self.items.get(ident)
        if first is not None:
            self.issues.append(
                _dup_issue(
                    self.file,
                    item,
                    IssueCode.DUPLICATE_ITEM,
                    f"the same item as row {first[1]} of {first[0]}",
                    item.title,
                )
            )
            return
        self.items[ident] = (item.source.sheet, item.source.row)
        if key is None:
            return
        code_ident = hash((key, dept, unit))
        other = self.codes.get(code_ident)
        # Sub-items carry their main item's code: the code names the main item.
        owner = item.name if isinstance(item, PowerItem) and item.role == "sub" else item.title
        if other is None:
            self.codes[code_ident] = (owner, item.source.sheet, item.source.row)
        elif name_key(other[0]) != name_key(owner):
            self.issues.append(
                _dup_issue(
                    self.file,
                    item,
                    IssueCode.DUPLICATE_CODE,
                    f'code also used by "{other[0]}" (row {other[2]} of {other[1]})',
                    item.code,
                )
            )

    def discard(self, item: PowerItem | ServiceItem) -> None:
        """Forget a record taken back (a catalogue tree's 事项, read before its 办理项 showed what it is)."""
        unit = place(item)
        key, dept = code_key(item.code), department_key(item.department)
        ident = hash((name_key(item.title), key, dept, unit))
        if self.items.get(ident) == (item.source.sheet, item.source.row):
            del self.items[ident]
        code_ident = hash((key, dept, unit))
        if key is not None and self.codes.get(code_ident, ("", "", -1))[1:] == (
            item.source.sheet,
            item.source.row,
        ):
            del self.codes[code_ident]

    def add_run(
        self,
        titles: Sequence[str],
        codes: Sequence[str | None],
        departments: Sequence[str | None],
        units: Sequence[Any],
        sheet: str,
        rows: Sequence[int],
    ) -> None:
        """add() of each record of a run of a sheet's plain rows (no main item, no sub-item), given a column at
        a time (a unit is a power's place(): (unit, receiving unit, level)): keys, first sightings (dict.setdefault
        keeps the first), clashes and their issues, each a column at a time."""
        if not titles:
            return
        keys = list(map(code_key, codes))
        depts = list(map(department_key, departments))
        places = list(zip(repeat(sheet), rows))
        idents = map(hash, zip(map(name_key, titles), keys, depts, units, strict=True))
        firsts = list(map(self.items.setdefault, idents, places))
        # A record whose own place was kept is the first of its item; the others repeat an item read above.
        kept = list(map(is_, firsts, places))
        positions = range(len(kept))
        repeated = list(compress(positions, map(not_, kept)))
        coded = list(compress(positions, map(and_, kept, map(is_not, keys, repeat(None)))))
        owners = list(zip(map(titles.__getitem__, coded), repeat(sheet), map(rows.__getitem__, coded)))
        code_idents = map(
            hash,
            zip(
                map(keys.__getitem__, coded),
                map(depts.__getitem__, coded),
                map(units.__getitem__, coded),
                strict=True,
            ),
        )
        others = list(map(self.codes.setdefault, code_idents, owners))
        # Sightings of a code seen before (few): a clash when the names differ.
        clashes = [
            (k, other)
            for k, owner, other in compress(
                zip(coded, owners, others, strict=True), map(is_not, others, owners)
            )
            if name_key(other[0]) != name_key(owner[0])
        ]
        if not repeated and not clashes:
            return
        found = sorted(
            [
                (k, IssueCode.DUPLICATE_ITEM, f"the same item as row {firsts[k][1]} of {firsts[k][0]}")
                for k in repeated
            ]
            + [
                (
                    k,
                    IssueCode.DUPLICATE_CODE,
                    f'code also used by "{other[0]}" (row {other[2]} of {other[1]})',
                )
                for k, other in clashes
            ]
        )
        at = [k for k, _, _ in found]
        issue_codes = [code for _, code, _ in found]
        self.issues += row_issues(
            issue_codes,
            Severity.WARNING,
            self.file,
            [message for _, _, message in found],
            sheet=sheet,
            rows=list(map(rows.__getitem__, at)),
            columns=["code" if code is IssueCode.DUPLICATE_CODE else None for code in issue_codes],
            values=[
                codes[k] if code is IssueCode.DUPLICATE_CODE else titles[k]
                for k, code in zip(at, issue_codes, strict=True)
            ],
        )


def _dup_issue(
    file_label: str, item: PowerItem | ServiceItem, code: IssueCode, message: str, value: str | None
) -> RowIssue:
    return row_issue(
        code,
        Severity.WARNING,
        file_label,
        message,
        sheet=item.source.sheet,
        row=item.source.row,
        column="code" if code is IssueCode.DUPLICATE_CODE else None,
        value=value,
    )
