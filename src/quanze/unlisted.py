"""Units the run knows that have devolved items but no acceptance list, while other units' lists are given.

Such a unit's 承接 was not measured: it is shown in 承接进度 as not measured (never left out, which would
raise the 承接率 by dropping a unit), and its missing list is a loud warning that fails `check`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Final

from quanze.addressing import DEFAULT, Addressing, names_unit, unit_kind
from quanze.models import IssueCode, PowerItem, RowIssue, Severity
from quanze.normalize import name_key
from quanze.results import AcceptanceRow, Summary
from quanze.vocab import keeps_item

NO_UNIT_LIST: Final = "—（未提供该单位承接清单）"


def unlisted_units(
    devolved: Sequence[PowerItem],
    acceptance: Mapping[str, Sequence[PowerItem]],
    known: Iterable[str],
    *,
    addressing: Addressing = DEFAULT,
) -> dict[str, int]:
    """Each known unit without an acceptance list, with the number of items devolved to it (none: left out)."""
    listed = {name_key(u) for u in acceptance}
    out: dict[str, int] = {}
    for unit in sorted(set(known)):
        if not unit or name_key(unit) in listed:
            continue
        count = sum(
            1
            for p in devolved
            if p.role != "main" and not keeps_item(p.devolution_mode) and addressing.applies_to(p, unit)
        )
        if count:
            out[unit] = count
    return out


def receiving_units(devolved: Sequence[PowerItem], known: set[str], addressing: Addressing) -> set[str]:
    """The known units, with the units the devolution list's 承接单位 names that none of them is."""
    out = set(known)
    for text in {p.receiving_unit for p in devolved if p.receiving_unit}:
        for token in addressing.parse(text).named:
            if unit_kind(token) is not None and not any(names_unit(token, u) for u in out):
                out.add(token)
    return out


def unlisted_issues(unlisted: Mapping[str, int], devolved: Sequence[PowerItem], given: int) -> list[RowIssue]:
    """A loud warning per unit whose acceptance list is missing while `given` other units' lists are given."""
    if not devolved:
        return []
    return [
        RowIssue(
            code=IssueCode.MISSING_ACCEPTANCE_LIST,
            severity=Severity.WARNING,
            file=devolved[0].source.file,
            value=unit,
            message=f"{count} items are devolved to {unit} (a unit of this run), but no acceptance list is given "
            f"for it while {given} other unit(s)' lists are: its 承接 is not measured ({NO_UNIT_LIST} in 承接进度, "
            "left out of the 承接率), and its devolved items count as taken on where the catalogue is compared; "
            f'add its list to quanze.toml ([[inputs.lists]] role = "acceptance", unit = "{unit}") or leave the unit '
            "out of the run",
        )
        for unit, count in unlisted.items()
    ]


def measured(rows: Iterable[AcceptanceRow]) -> list[AcceptanceRow]:
    """The units whose acceptance was measured: the ones the 承接率 and the totals count."""
    return [a for a in rows if a.not_measured is None]


def unmeasured_units(rows: Iterable[AcceptanceRow]) -> list[str]:
    """The units shown in 承接进度 as not measured (no acceptance list for them)."""
    return [a.unit for a in rows if a.not_measured is not None]


def lists_gone(before: Summary, after: Summary) -> list[str]:
    """Units whose acceptance list the baseline run read and this run did not: their 承接 is not comparable."""
    now = {name_key(i.unit) for i in after.inputs if i.role == "acceptance" and i.unit}
    return sorted(
        {i.unit for i in before.inputs if i.role == "acceptance" and i.unit and name_key(i.unit) not in now}
    )
