"""Gap types in one registry: each type's slug, Chinese label, [check] metric, meaning and producer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final, Literal


class GapType(StrEnum):
    """Stable gap slugs (README › Gap types)."""

    NOT_ACCEPTED = "not-accepted"
    NOT_DEVOLVED = "not-devolved"
    NO_SERVICE_ITEM = "no-service-item"
    ORPHAN_SERVICE_ITEM = "orphan-service-item"
    NO_SUPERVISION = "no-supervision"
    UNUSED = "unused"
    NAME_MISMATCH = "name-mismatch"
    DROPPED_IN_CHAIN = "dropped-in-chain"
    HELD_TWICE = "held-twice"
    TOWNSHIP_NO_OWNER = "township-no-owner"
    UNIT_SPECIFIC = "unit-specific"
    OVERLAP = "overlap"


class Need(StrEnum):
    """What a run must hold to look for a gap type at all (quanze.coverage says which a run lacks, and why).

    Declared in the order their reasons take precedence: when a type lacks several, the last one names it.
    """

    ACCEPTANCE = "acceptance"  # a devolution list and acceptance lists
    CATALOGUE = "catalogue"  # a service catalogue
    VOLUME = "volume"  # a 办件量 column in the catalogue
    SUPERVISION = "supervision"  # 监管部门 / 监管方式 columns in the devolution list
    LEVELS = "levels"  # lists of two levels (the cascade)
    TWO_UNITS = "two-units"  # two units to compare
    WHOLE_RUN = "whole-run"  # every unit in one run (a run for some units cannot compare them)


# What a [check] limit given as a percentage is a share of.
Base = Literal["power_units", "service_items", "powers"]


@dataclass(frozen=True)
class GapSpec:
    """One gap type: how reports name it, what its [check] percentage counts against, what it means, and
    the functions that produce its rows (module:qualname; a test checks that every gap row the code
    builds comes from a producer registered for its type)."""

    label: str
    metric: Base
    detail: str
    producers: tuple[str, ...]
    finders: tuple[str, ...]
    """The functions (module:qualname, each `(Analysis, QuanzeConfig) -> Iterable[GapRow]`) that
    `quanze.gaps.find_all` calls to gather this type's rows from a run: a new gap type registers here."""
    cross_unit: bool = False
    """Found by comparing units or levels with each other: a run for some units alone cannot see it."""
    devolver: bool = False
    """Its unit is the level that devolved the item (it must act, but it is not a receiving unit)."""
    needs: tuple[Need, ...] = ()
    """What a run must hold to look for it; without one, its count reads as not measured, never as 0.
    A type found by comparing units (`cross_unit`) needs the whole run as well."""

    @property
    def all_needs(self) -> tuple[Need, ...]:
        """Its needs, the whole run added for a type found across units, in the order of `Need`."""
        needs = set(self.needs) | ({Need.WHOLE_RUN} if self.cross_unit else set())
        return tuple(n for n in Need if n in needs)


GAP_TYPES: Final[Mapping[GapType, GapSpec]] = MappingProxyType(
    {
        GapType.NOT_ACCEPTED: GapSpec(
            "已下放未承接",
            "power_units",
            "devolved to a unit but absent from its acceptance list, or refused there",
            ("quanze.gaps:AcceptanceCheck.gaps",),
            finders=("quanze.gaps:find_acceptance_gaps",),
            needs=(Need.ACCEPTANCE,),
        ),
        GapType.NOT_DEVOLVED: GapSpec(
            "未下放但已承接",
            "power_units",
            "in a unit's acceptance list but never devolved to it",
            ("quanze.gaps:AcceptanceCheck.gaps",),
            finders=("quanze.gaps:find_acceptance_gaps",),
            needs=(Need.ACCEPTANCE,),
        ),
        GapType.NO_SERVICE_ITEM: GapSpec(
            "无服务事项（权限悬空）",
            "power_units",
            "a power with no service item on the unit's platform",
            ("quanze.gaps:catalogue_gaps",),
            finders=("quanze.gaps:find_catalogue_gaps",),
            needs=(Need.CATALOGUE,),
        ),
        GapType.ORPHAN_SERVICE_ITEM: GapSpec(
            "无权力支撑的服务事项",
            "service_items",
            "a service item that no power supports (待复核 while its only links are review candidates)",
            ("quanze.gaps:catalogue_gaps",),
            finders=("quanze.gaps:find_catalogue_gaps",),
            needs=(Need.CATALOGUE,),
        ),
        GapType.NO_SUPERVISION: GapSpec(
            "未明确监管（放权不放责）",
            "powers",
            "a devolved item with no 监管部门 or 监管方式, where the list tracks them; one row per unit",
            ("quanze.gaps:supervision_gaps",),
            finders=("quanze.gaps:find_supervision_gaps",),
            needs=(Need.SUPERVISION,),
        ),
        GapType.UNUSED: GapSpec(
            "零办件",
            "service_items",
            "a service item (or power) with 办件量 0",
            ("quanze.gaps:catalogue_gaps",),
            finders=("quanze.gaps:find_catalogue_gaps",),
            needs=(Need.CATALOGUE, Need.VOLUME),
        ),
        GapType.NAME_MISMATCH: GapSpec(
            "名称录入不一致",
            "power_units",
            "one entry written differently by different units (核发 → 发放, 登记 → 登记办理)",
            ("quanze.gaps:_name_mismatch", "quanze.gaps:_entry_mismatch"),
            finders=("quanze.gaps:find_acceptance_gaps", "quanze.gaps:find_catalogue_gaps"),
            cross_unit=True,
            needs=(Need.TWO_UNITS,),
        ),
        GapType.DROPPED_IN_CHAIN: GapSpec(
            "层级链条中断",
            "powers",
            "handed down to a level but present at none of the units that could take it",
            ("quanze.cascade:_dropped",),
            finders=("quanze.gaps:find_cascade_gaps",),
            cross_unit=True,
            devolver=True,
            needs=(Need.LEVELS,),
        ),
        GapType.HELD_TWICE: GapSpec(
            "上下级重复行使",
            "powers",
            "directly devolved, yet still in the upper unit's own list while a lower unit exercises it",
            ("quanze.cascade:_held_twice",),
            finders=("quanze.gaps:find_cascade_gaps",),
            cross_unit=True,
            devolver=True,
            needs=(Need.LEVELS,),
        ),
        GapType.TOWNSHIP_NO_OWNER: GapSpec(
            "配合事项无主体责任部门",
            "powers",
            "a township 配合事项 whose county department with the 主体责任 does not list it",
            ("quanze.cascade:_township_no_owner",),
            finders=("quanze.gaps:find_cascade_gaps",),
            cross_unit=True,
            needs=(Need.LEVELS,),
        ),
        GapType.UNIT_SPECIFIC: GapSpec(
            "仅部分单位有的事项",
            "powers",
            "an item that exists only at some units of a level: a difference, not an error",
            ("quanze.cascade:_unit_specific",),
            finders=("quanze.gaps:find_cascade_gaps",),
            cross_unit=True,
            needs=(Need.LEVELS,),
        ),
        GapType.OVERLAP: GapSpec(
            "职责交叉（多个部门同一事项）",
            "powers",
            "the same power in the lists of two departments of one unit (职责交叉)",
            ("quanze.gaps:overlap_gaps",),
            finders=("quanze.gaps:find_overlap_gaps",),
        ),
    }
)

GAP_ZH: Final[Mapping[GapType, str]] = MappingProxyType({t: s.label for t, s in GAP_TYPES.items()})
CROSS_UNIT: Final = frozenset(t.value for t, s in GAP_TYPES.items() if s.cross_unit)
DEVOLVER: Final = frozenset(t.value for t, s in GAP_TYPES.items() if s.devolver)
