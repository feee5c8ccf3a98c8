"""What a run could not look for, and the words that say why: a count never taken is never shown as 0.

Each gap type declares what it needs (`GapSpec.needs` in quanze.gap_types); this module reads what a run
held and names, per gap type it could not look for, the reason in the words every output shows in place of
the count (the reports, the terminal, `check`'s not-measured limits).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from quanze.gap_types import GAP_TYPES, Need
from quanze.results import ReconcileResult

NO_ACCEPTANCE_LISTS: Final = "—（未提供承接清单）"
NO_DEVOLUTION_LIST: Final = "—（未提供下放清单）"
NO_CATALOGUE: Final = "—（未提供服务事项目录）"
NO_VOLUME_COLUMN: Final = "—（目录无办件量列）"
NO_UNIT_COLUMN: Final = "—（目录未注明行政区划）"
ONE_LEVEL: Final = "—（只有一个层级的清单）"
FEWER_THAN_TWO_UNITS: Final = "—（不足两个单位，无从比较）"
PARTITION_RUN: Final = "—（按单位运行，跨单位比较见全量对账）"
NO_SUPERVISION_COLUMNS: Final = "—（下放清单未填监管部门/监管方式）"


def _acceptance(result: ReconcileResult, roles: set[str]) -> str | None:
    # Acceptance gaps need both sides: acceptance lists given without a devolution list lack the other one.
    # A run whose units all lack their lists (a units run for a unit without one) measured nothing either.
    if any(a.not_measured is None for a in result.acceptance):
        return None
    # Acceptance lists given but none for this run's units (a units run for a unit without one): it is the
    # acceptance list that is missing, not the devolution list that was read.
    if "acceptance" in roles and "devolution" not in roles:
        return NO_DEVOLUTION_LIST
    return NO_ACCEPTANCE_LISTS


def _catalogue(result: ReconcileResult, roles: set[str]) -> str | None:
    return None if "catalogue" in roles else NO_CATALOGUE


def _volume(result: ReconcileResult, roles: set[str]) -> str | None:
    # A catalogue without a 办件量 column leaves every volume unknown, so no usage rows (no catalogue: that
    # is the reason, not this one).
    return NO_VOLUME_COLUMN if "catalogue" in roles and not result.usage else None


def _supervision(result: ReconcileResult, roles: set[str]) -> str | None:
    return None if result.supervision_tracked else NO_SUPERVISION_COLUMNS


def _levels(result: ReconcileResult, roles: set[str]) -> str | None:
    return None if result.cascade_levels else ONE_LEVEL


def _two_units(result: ReconcileResult, roles: set[str]) -> str | None:
    held = len(result.summary.match.units) >= 2 or len(result.acceptance) >= 2
    return None if held else FEWER_THAN_TWO_UNITS


# How each need is read from a run: None when the run holds it, else the words shown in place of a count.
# A test checks that every Need has one. WHOLE_RUN is read per gap type (below).
RUN_NEEDS: Final[dict[Need, Callable[[ReconcileResult, set[str]], str | None]]] = {
    Need.ACCEPTANCE: _acceptance,
    Need.CATALOGUE: _catalogue,
    Need.VOLUME: _volume,
    Need.SUPERVISION: _supervision,
    Need.LEVELS: _levels,
    Need.TWO_UNITS: _two_units,
}


def unmeasured(result: ReconcileResult) -> dict[str, str]:
    """The gap types this run could not look for, each with the words that say why (instead of a 0).

    A type lacking several needs is named by the last in `Need`'s order. A run for some units
    (gaps.for_units) leaves out the types found by comparing units: their slugs are absent from its
    summary. A type with rows found is never reported as not looked for.
    """
    roles = {f.role for f in result.summary.inputs}
    lacking = {need: read(result, roles) for need, read in RUN_NEEDS.items()}
    out: dict[str, str] = {}
    for gap, spec in GAP_TYPES.items():
        if result.summary.gaps.get(gap.value):
            continue
        why = None
        for need in spec.all_needs:
            if need is Need.WHOLE_RUN:
                why = PARTITION_RUN if gap.value not in result.summary.gaps else why
            else:
                why = lacking[need] or why
        if why is not None:
            out[gap.value] = why
    return out
