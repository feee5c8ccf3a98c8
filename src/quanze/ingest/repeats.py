"""The same list given twice in one run: under another file name, exported again on another day, or in another role.

The same path twice is a usage error (load.load_inputs). Other repeats read without a word used to double every
count (a catalogue given as 目录.csv and 目录(1).csv), or to stand in for an input that was never given (the city's
devolution list saved under a county's acceptance-list name: that county accepted everything). Here:

- two inputs in one place (the catalogue, or lists of one role for one unit) holding the same records, byte for
  byte or not (an export whose only difference is its 导出时间 line): the later one is left out;
- a file byte for byte the same as an input in another role (the devolution list as an acceptance list), or as
  another unit's acceptance list: the later one is left out too, since the one file cannot be both;

each with a `duplicate-input` warning naming both files, which fails `check` (check.LOUD_WARNINGS). A previous
year's list the same as this year's is no repeat: nothing changed, and `diff` says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from quanze.ingest.duplicates import place
from quanze.ingest.formats import printable
from quanze.models import FileReport, IssueCode, RowIssue, Severity
from quanze.normalize import name_key


@dataclass(frozen=True)
class Input:
    """One input of a run as the repeat test sees it."""

    label: str
    role: str  # a list role's value, or "catalogue"
    unit: str | None  # the unit the config gives it (an acceptance list's unit, a catalogue's)
    digest: str
    report: FileReport


PREVIOUS = "previous"


def _records(entry: Input) -> tuple[tuple[str, ...], ...]:
    """The file's records as compared: names by their keys, each with what places it (code, organ, and where it is
    held: the unit, receiving unit and level a 行政区划 or 承接单位 column gives, as duplicates.place says)."""
    if entry.report.services:
        return tuple(
            sorted(
                (name_key(s.name), s.code or "", s.department or "", s.unit or entry.unit or "")
                for s in entry.report.services
            )
        )
    return tuple(
        sorted(
            (
                name_key(p.name),
                name_key(p.sub_item or ""),
                p.code or "",
                p.department or "",
                p.acceptance or "",
                repr(place(p)),
            )
            for p in entry.report.powers
        )
    )


def left_out(inputs: Sequence[Input]) -> dict[int, RowIssue]:
    """The inputs (by position) that repeat an earlier one and are left out, each with the issue that says so."""
    out: dict[int, RowIssue] = {}
    kept: list[int] = []
    records: dict[int, tuple[tuple[str, ...], ...]] = {}

    def same_records(i: int, j: int) -> bool:
        a, b = inputs[i], inputs[j]
        if a.report.records != b.report.records or not a.report.records:
            return False  # a cheap test first: most inputs differ in their number of records
        for k in (i, j):
            if k not in records:
                records[k] = _records(inputs[k])
        return records[i] == records[j]

    for j, entry in enumerate(inputs):
        for i in kept:
            earlier = inputs[i]
            if PREVIOUS in (earlier.role, entry.role):
                continue
            one_place = earlier.role == entry.role and earlier.unit == entry.unit
            if earlier.digest == entry.digest:
                how = "the same file, byte for byte"
            elif one_place and same_records(i, j):
                how = f"the same {entry.report.records} records (exported again, or saved under another name)"
            else:
                continue
            out[j] = RowIssue(
                code=IssueCode.DUPLICATE_INPUT,
                severity=Severity.WARNING,
                file=printable(entry.label),
                message=(
                    f"{how} as {printable(earlier.label)} ({_place(earlier)}); given again as {_place(entry)}, "
                    "it was left out so that nothing is counted twice. Name each list once, in its own role"
                ),
            )
            break
        else:
            kept.append(j)
    return out


def _place(entry: Input) -> str:
    return entry.role + (f" for {entry.unit}" if entry.unit else "")
