"""Gaps between the lists of the levels, the catalogue and its use: each gap a row with a stable type."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence

from quanze.evidence import DEFAULT_SERVICE_CATEGORIES, expects_service_item
from quanze.match import MatchOptions, MatchResult, Pairing, Status, applies_to, match_lists
from quanze.models import Category, PowerItem, ServiceItem
from quanze.normalize import department_key, split_name
from quanze.results import AcceptanceRow, GapRow, GapType, UsageRow
from quanze.vocab import REFUSE_WORDS


def source_of(item: PowerItem | ServiceItem) -> str:
    return f"{item.source.file} › {item.source.sheet} › {item.source.row}"


def gap_row(kind: GapType, unit: str | None, item: PowerItem | ServiceItem, detail: str) -> GapRow:
    return GapRow(
        gap_type=kind,
        unit=unit,
        item_code=item.code,
        item_name=item.title,
        detail=detail,
        department=item.department,
        source=source_of(item),
    )


def is_refused(item: PowerItem) -> bool:
    return item.acceptance is not None and item.acceptance.strip() in REFUSE_WORDS


def expected_at(devolved: Sequence[PowerItem], unit: str) -> list[int]:
    """Indices of the devolved items a unit should take on (main items stand for their sub-items)."""
    return [i for i, p in enumerate(devolved) if p.role != "main" and applies_to(p, unit)]


class AcceptanceCheck:
    """Devolution list against each unit's acceptance list: who took what, under which name."""

    def __init__(
        self,
        devolved: Sequence[PowerItem],
        lists: Mapping[str, Sequence[PowerItem]],
        options: MatchOptions | None = None,
    ) -> None:
        self.devolved = devolved
        self.lists = lists
        self.pairings: dict[str, tuple[list[int], Pairing]] = {}
        self._accepted: dict[str, set[int]] = {}
        for unit in sorted(lists):
            expected = expected_at(devolved, unit)
            pairing = match_lists([devolved[i] for i in expected], lists[unit], options=options)
            self.pairings[unit] = (expected, pairing)
            self._accepted[unit] = {
                expected[p.left] for p in pairing.pairs if not is_refused(lists[unit][p.right])
            }

    def accepted(self, power: int, unit: str) -> bool | None:
        """Whether a unit accepted a devolved item; None when the unit sent no acceptance list."""
        if unit not in self._accepted:
            return None
        return power in self._accepted[unit]

    def gaps(self) -> list[GapRow]:
        rows: list[GapRow] = []
        names: dict[int, dict[str, str]] = defaultdict(dict)
        for unit, (expected, pairing) in self.pairings.items():
            items = self.lists[unit]
            for p in pairing.pairs:
                power, accepted = self.devolved[expected[p.left]], items[p.right]
                if is_refused(accepted):
                    rows.append(
                        gap_row(
                            GapType.NOT_ACCEPTED,
                            unit,
                            power,
                            f"承接清单中标注为“{accepted.acceptance}”（{source_of(accepted)}）",
                        )
                    )
                else:
                    names[expected[p.left]][unit] = accepted.title
            for left in pairing.left_only:
                rows.append(
                    gap_row(GapType.NOT_ACCEPTED, unit, self.devolved[expected[left]], "未列入该单位承接清单")
                )
            for right in pairing.right_only:
                rows.append(
                    gap_row(
                        GapType.NOT_DEVOLVED, unit, items[right], "承接清单中有，但下放清单未下放给该单位"
                    )
                )
        rows.extend(_name_mismatch(self.devolved, names, "承接清单"))
        return rows

    def progress(self) -> list[AcceptanceRow]:
        out = []
        for unit, (expected, pairing) in self.pairings.items():
            refused = sum(1 for p in pairing.pairs if is_refused(self.lists[unit][p.right]))
            accepted = len(pairing.pairs) - refused
            devolved = len(expected)
            out.append(
                AcceptanceRow(
                    unit=unit,
                    devolved=devolved,
                    accepted=accepted,
                    refused=refused,
                    missing=len(pairing.left_only),
                    extra=len(pairing.right_only),
                    rate=round(accepted / devolved, 4) if devolved else 0.0,
                )
            )
        return out


def _entry_key(name: str) -> str:
    parts = split_name(name)
    return parts.core + (parts.handling or "")


def _name_mismatch(
    powers: Sequence[PowerItem], names: Mapping[int, Mapping[str, str]], where: str
) -> list[GapRow]:
    """Units that entered one item under a name the others do not use (录入标准不统一)."""
    rows: list[GapRow] = []
    for pi in sorted(names):
        by_unit = names[pi]
        # Widths, spaces and level qualifiers aside: only a different wording counts.
        keys = {u: _entry_key(n) for u, n in by_unit.items()}
        if len(set(keys.values())) < 2:
            continue
        ranked = Counter(keys.values()).most_common()
        # With a clear majority only the others differ from it; without one, every unit does.
        common = ranked[0][0] if ranked[0][1] > ranked[1][1] else None
        listing = "；".join(f"{u}：{by_unit[u]}" for u in sorted(by_unit))
        for unit in sorted(by_unit):
            if keys[unit] != common:
                rows.append(
                    gap_row(
                        GapType.NAME_MISMATCH,
                        unit,
                        powers[pi],
                        f"{where}中名称为“{by_unit[unit]}”，与其他单位不一致（{listing}）",
                    )
                )
    return rows


def catalogue_gaps(
    powers: Sequence[PowerItem],
    services: Sequence[ServiceItem],
    result: MatchResult,
    acceptance: AcceptanceCheck | None = None,
    *,
    expected: Sequence[Category] = DEFAULT_SERVICE_CATEGORIES,
) -> list[GapRow]:
    """No service item, orphan service items, unused items and names entered differently per unit.

    Only powers of the `expected` categories (or of no known category) lack a service item when the
    catalogue has none: penalties, coercive measures and inspections normally have none.
    """
    rows: list[GapRow] = []
    for pi, unit in result.unmatched:
        if acceptance is not None and unit is not None and acceptance.accepted(pi, unit) is False:
            continue  # not accepted there: reported as not-accepted, not as a missing service item
        if not expects_service_item(powers[pi].category, powers[pi].title, expected):
            continue
        rows.append(
            gap_row(GapType.NO_SERVICE_ITEM, unit, powers[pi], "政务服务平台上没有对应的服务事项（权限悬空）")
        )
    for si in result.orphans:
        s = services[si]
        rows.append(gap_row(GapType.ORPHAN_SERVICE_ITEM, s.unit, s, "没有权力事项支撑的服务事项"))
    for s in services:
        if s.volume == 0:
            rows.append(gap_row(GapType.UNUSED, s.unit, s, "统计期内办件量为0"))
    for p in powers:
        if p.volume == 0:
            rows.append(gap_row(GapType.UNUSED, p.unit, p, "统计期内办件量为0"))
    names: dict[tuple[int, str], dict[str, str]] = defaultdict(dict)
    for link in result.links:
        if link.status is Status.MATCHED:
            s = services[link.service]
            handling = split_name(s.name).handling or ""
            names[(link.power, handling)][s.unit or ""] = s.name
    for (pi, _handling), by_unit in sorted(names.items()):
        rows.extend(_name_mismatch(powers, {pi: by_unit}, "政务服务平台"))
    return rows


def supervision_gaps(devolved: Sequence[PowerItem]) -> list[GapRow]:
    """Devolved items with no supervising department or method (放权不放责), when the list tracks them."""
    tracked = any(p.supervision_department or p.supervision_method for p in devolved)
    if not tracked:
        return []
    rows = []
    for p in devolved:
        if p.role == "main":
            continue
        missing = [
            label
            for label, value in (("监管部门", p.supervision_department), ("监管方式", p.supervision_method))
            if not value
        ]
        if missing:
            rows.append(gap_row(GapType.NO_SUPERVISION, p.receiving_unit, p, "未明确" + "、".join(missing)))
    return rows


def usage(services: Sequence[ServiceItem]) -> list[UsageRow]:
    """Usage rate per unit and department: share of service items with at least one transaction."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for s in services:
        if s.volume is None:
            continue
        key = (s.unit or "", department_key(s.department) or "（未注明部门）")
        counts[key][0] += 1
        counts[key][1] += s.volume > 0
    return [
        UsageRow(unit=u or None, department=d, items=n, used=used, rate=round(used / n, 4) if n else 0.0)
        for (u, d), (n, used) in sorted(counts.items())
    ]
