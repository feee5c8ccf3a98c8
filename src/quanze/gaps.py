"""Gaps between the lists of the levels, the catalogue and its use: each gap a row with a stable type."""

from __future__ import annotations

import importlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from rapidfuzz.distance import Levenshtein

from quanze.addressing import DEFAULT, Addressing
from quanze.coverage import unmeasured
from quanze.gap_types import CROSS_UNIT, GAP_TYPES
from quanze.match import MatchOptions, MatchResult, Pair, Pairing, Status, action_stem, match_lists
from quanze.match.evidence import DEFAULT_SERVICE_CATEGORIES, expects_service_item
from quanze.models import Category, IssueCode, PowerItem, RowIssue, ServiceItem, Severity
from quanze.near_pairs import stands
from quanze.normalize import code_key, department_key, name_key, split_name
from quanze.results import AcceptanceRow, GapRow, GapStatus, GapType, UsageRow
from quanze.unlisted import NO_UNIT_LIST
from quanze.vocab import acceptance_of, is_refusal, keeps_item

if TYPE_CHECKING:  # analysis reads the inputs through this module's AcceptanceCheck
    from quanze.analysis import Analysis
    from quanze.config import QuanzeConfig
    from quanze.results import ReconcileResult


def source_of(item: PowerItem | ServiceItem) -> str:
    return f"{item.source.file} › {item.source.sheet} › {item.source.row}"


def gap_row(
    kind: GapType,
    unit: str | None,
    item: PowerItem | ServiceItem,
    detail: str,
    *,
    status: GapStatus = GapStatus.CONFIRMED,
    power: PowerItem | None = None,
    service: ServiceItem | None = None,
    department: str | None = None,
) -> GapRow:
    """A gap row about `item`, carrying the power and the service entry where there are ones."""
    if power is None and isinstance(item, PowerItem):
        power = item
    if service is None and isinstance(item, ServiceItem):
        service = item
    src = item.source
    # pydantic-core's validator from a dict, as GapRow(**fields) builds it without the Python __init__
    # around it (a province has tens of thousands of gaps).
    row: GapRow = _GAP_ROW(
        {
            "gap_type": kind,
            "unit": unit,
            "item_code": item.code,
            "item_name": item.title,
            "detail": detail,
            "department": department or item.department,
            "source": f"{src.file} › {src.sheet} › {src.row}",
            "status": status,
            "power_code": power.code if power else None,
            "power_name": power.title if power else None,
            "service_code": service.code if service else None,
            "service_name": service.name if service else None,
        }
    )
    return row


_GAP_ROW = GapRow.__pydantic_validator__.validate_python


def is_refused(item: PowerItem) -> bool:
    return is_refusal(item.acceptance)


def acceptance_issues(lists: Mapping[str, Sequence[PowerItem]]) -> list[RowIssue]:
    """Acceptance cells that say neither 认领 nor 不认领 (待定, 研究中): counted as not accepted, and said."""
    out = []
    for unit in sorted(lists):
        for p in lists[unit]:
            if acceptance_of(p.acceptance) is None:
                out.append(
                    RowIssue.warning_at(
                        IssueCode.UNKNOWN_ACCEPTANCE,
                        p.source,
                        column="认领情况",
                        value=p.acceptance,
                        message=f"“{p.acceptance}” says neither 认领 nor 不认领: {unit} is counted as not "
                        "having accepted the item (a not-accepted gap); write 认领 or 不认领 in the cell",
                    )
                )
    return out


def expected_at(devolved: Sequence[PowerItem], unit: str, addressing: Addressing = DEFAULT) -> list[int]:
    """Indices of the devolved items a unit should take on (main items stand for their sub-items).

    A row the list marks as kept (下放方式 保留 / 不下放) is not handed to anyone.
    """
    return [
        i
        for i, p in enumerate(devolved)
        if p.role != "main" and not is_kept(p) and addressing.applies_to(p, unit)
    ]


def is_kept(item: PowerItem) -> bool:
    return keeps_item(item.devolution_mode)


class AcceptanceCheck:
    """Devolution list against each unit's acceptance list: who took what, under which name."""

    def __init__(
        self,
        devolved: Sequence[PowerItem],
        lists: Mapping[str, Sequence[PowerItem]],
        options: MatchOptions | None = None,
        *,
        addressing: Addressing = DEFAULT,
        unlisted: Mapping[str, int] | None = None,
    ) -> None:
        self.devolved = devolved
        self.lists = lists
        # Units of the run with items devolved to them but no acceptance list (quanze.unlisted): not measured.
        self.unlisted = dict(unlisted or {})
        self.addressing = addressing
        self.options = options
        self.pairings: dict[str, tuple[list[int], Pairing]] = {}
        # Pairings under review (a near name) per unit: kept ones count, with an issue; the others are undone.
        self.near: dict[str, list[tuple[Pair, bool]]] = {}
        self._accepted: dict[str, set[int]] = {}
        for unit in sorted(lists):
            expected = expected_at(devolved, unit, addressing)
            pairing = match_lists([devolved[i] for i in expected], lists[unit], options=options)
            self._settle_near_names(unit, expected, pairing)
            self.pairings[unit] = (expected, pairing)
            self._accepted[unit] = {
                expected[p.left] for p in pairing.pairs if not is_refused(lists[unit][p.right])
            }

    def _settle_near_names(self, unit: str, expected: Sequence[int], pairing: Pairing) -> None:
        """Undo a pairing under review whose names differ by more than characters slipped in (quanze.near_pairs):
        the devolved item is then not listed, the row not devolved; each near pairing is said as an issue."""
        items = self.lists[unit]
        kept: list[Pair] = []
        for p in pairing.pairs:
            if p.status is Status.MATCHED:
                kept.append(p)
                continue
            holds = stands(p, self.devolved[expected[p.left]], items[p.right])
            self.near.setdefault(unit, []).append((p, holds))
            if holds:
                kept.append(p)
            else:
                pairing.left_only.append(p.left)
                pairing.right_only.append(p.right)
        pairing.pairs = kept
        pairing.left_only.sort()
        pairing.right_only.sort()

    def near_name_issues(self) -> list[RowIssue]:
        """Each pairing of a devolved item with a row of a near name, counted or undone: never silent."""
        out = []
        for unit in sorted(self.near):
            expected, _ = self.pairings[unit]
            for p, holds in self.near[unit]:
                power, row = self.devolved[expected[p.left]], self.lists[unit][p.right]
                said = (
                    f"counted as the devolved item “{power.title}” ({source_of(power)}) on a near name "
                    f"(score {p.score:.0f}: {p.reason}); if it is another item, correct the name in the list"
                    if holds
                    else f"not counted as the devolved item “{power.title}” ({source_of(power)}): the names are "
                    f"near (score {p.score:.0f}) but differ by more than a slip, so they name two items; "
                    f"“{power.title}” stays not accepted and the row not devolved. If they are one item, write "
                    "the devolution list's name or code in the row"
                )
                out.append(
                    RowIssue.warning_at(
                        IssueCode.NEAR_NAME_PAIRING,
                        row.source,
                        value=row.title,
                        message=f"{unit}'s row “{row.title}” is {said}",
                    )
                )
        return out

    def code_issues(self) -> list[RowIssue]:
        """Rows counted as a devolved item whose own code is another: the name decided, and the unit is told.

        A unit that typed a neighbouring code (511A0013700000 for 511A0013800000), or another devolved item's, may
        have meant another item; the pairing stands on the name, never silently.
        """
        out = []
        for unit in sorted(self.pairings):
            expected, pairing = self.pairings[unit]
            for p in pairing.pairs:
                power, row = self.devolved[expected[p.left]], self.lists[unit][p.right]
                theirs, ours = code_key(row.code), code_key(power.code)
                if not theirs or not ours or theirs == ours:
                    continue
                out.append(
                    RowIssue.warning_at(
                        IssueCode.ACCEPTANCE_CODE_DIFFERS,
                        row.source,
                        value=row.code,
                        message=f"{unit}'s row “{row.title}” has the code {row.code}, but the devolved item it "
                        f"is counted as by name, “{power.title}” ({source_of(power)}), has {power.code}; if the "
                        "row means another item, correct its name, else write the devolution list's code",
                    )
                )
        return out

    def unmet(self) -> list[RowIssue]:
        """Units whose acceptance list and the devolution list meet nowhere: a loud warning each, since the
        figures of such a unit (承接率 0/0, or every item not accepted and not devolved) measure a mismatch of
        inputs, not the unit's work."""
        out = []
        for unit, (expected, pairing) in self.pairings.items():
            listed = [p for p in self.lists[unit] if p.role != "main"]
            if not listed or (expected and pairing.pairs):
                continue
            if not expected:
                why = (
                    f"nothing in the devolution list is devolved to {unit} (its 承接单位 name other units, or "
                    f"leave {unit} out), yet {unit}'s acceptance list holds {len(listed)} items"
                )
            else:
                why = (
                    f"{unit}'s acceptance list and the devolution list share no item: {len(expected)} devolved "
                    f"to {unit}, {len(listed)} listed, none the same (a list of another batch?)"
                )
            out.append(
                RowIssue(
                    code=IssueCode.NO_COMMON_ITEMS,
                    severity=Severity.WARNING,
                    file=listed[0].source.file,
                    value=unit,
                    message=why + "; check that the files belong to this devolution, or the unit names "
                    "([aliases.units])",
                )
            )
        return out

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
                elif p.status is Status.MATCHED:
                    names[expected[p.left]][unit] = accepted.title
            undone = {p.left: items[p.right] for p, holds in self.near.get(unit, []) if not holds}
            for left in pairing.left_only:
                near = undone.get(left)
                detail = "未列入该单位承接清单" + (
                    f"（清单中名称相近的“{near.title}”（{source_of(near)}）是另一事项，未计为承接）"
                    if near
                    else ""
                )
                rows.append(gap_row(GapType.NOT_ACCEPTED, unit, self.devolved[expected[left]], detail))
            # Refused: nothing taken. A main item over its 子项 rows is a heading, taken through its sub-items.
            extra = [r for r in pairing.right_only if not is_refused(items[r]) and items[r].role != "main"]
            elsewhere = self._devolved_elsewhere([items[r] for r in extra])
            for k, right in enumerate(extra):
                other = elsewhere.get(k)
                detail = (
                    f"承接清单中有，但下放清单将“{other.title}”下放给“{other.receiving_unit}”，不含该单位"
                    if other is not None
                    else "承接清单中有，但下放清单未下放给该单位"
                )
                rows.append(gap_row(GapType.NOT_DEVOLVED, unit, items[right], detail))
        for pi in sorted(names):
            power = self.devolved[pi]
            rows.extend(_name_mismatch(power, names[pi], "承接清单", reference=power.title))
        return rows

    def _devolved_elsewhere(self, extra: Sequence[PowerItem]) -> dict[int, PowerItem]:
        """Items a unit took on that the devolution list hands to other units: name where it sends them."""
        if not extra:
            return {}
        handed = [p for p in self.devolved if p.role != "main" and p.receiving_unit]
        pairing = match_lists(handed, extra, options=self.options)
        return {p.right: handed[p.left] for p in pairing.pairs if p.status is Status.MATCHED}

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
        for unit, devolved in self.unlisted.items():
            out.append(
                AcceptanceRow(
                    unit=unit,
                    devolved=devolved,
                    accepted=0,
                    refused=0,
                    missing=0,
                    extra=0,
                    rate=0.0,
                    not_measured=NO_UNIT_LIST,
                )
            )
        return out


# Handling words that name one handling item of a power; other words (核发, 发放, 办理 …) name the
# power's single entry, so two units that wrote them differently entered one entry differently.
_ENTRY_CLASS = {
    "新办": "new",
    "新增": "new",
    "设立": "new",
    "首次申请": "new",
    "初次申请": "new",
    "新申请": "new",
    "重新申请": "new",
    "变更": "change",
    "变更审查": "change",
    "延续": "renew",
    "延期": "renew",
    "注销": "cancel",
    "补办": "reissue",
    "补发": "reissue",
    "遗失补办": "reissue",
    "遗失补发": "reissue",
    "损毁补办": "reissue",
    "换发": "replace",
    "换证": "replace",
    "换证审查": "replace",
    "歇业": "close",
    "停业": "suspend",
    "恢复营业": "resume",
    "增项": "add",
    "迁移": "move",
    "撤回": "withdraw",
}


def entry_class(name: str) -> str:
    """Which handling item of its power a service entry is (新办, 变更 …), '' for the power's own entry."""
    return _ENTRY_CLASS.get(split_name(name).handling or "", "")


_HANDLING_WORDS = tuple(w for w in (*_ENTRY_CLASS, "核发", "申请", "分支", "机构") if len(w) >= 2)


def same_entry(a: str, b: str) -> bool:
    """Two wordings of one entry: another act word (核发 / 发放), an added 办理, or characters slipped into
    the middle of the name (建筑垃圾处理方案备案 / 建筑垃圾处相关理方案备案).

    Words added at the end (核准 / 核准复查) or swapped inside (设计审核 / 竣工验收) make another entry.
    """
    ca, cb = split_name(a).core, split_name(b).core
    if action_stem(ca) == action_stem(cb):
        return True
    ops = [op for op in Levenshtein.opcodes(ca, cb) if op.tag != "equal"]
    if not ops or any(op.tag == "replace" for op in ops) or len({op.tag for op in ops}) > 1:
        return False
    longer = ca if len(ca) > len(cb) else cb
    added = [
        longer[op.dest_start : op.dest_end] if op.tag == "insert" else longer[op.src_start : op.src_end]
        for op in ops
    ]
    middle = all(op.src_start > 0 and op.src_end < len(ca) and op.dest_end < len(cb) for op in ops)
    # A slipped character; a handling word (变更) or a bracketed note ((联合社)) is another entry.
    slip = sum(map(len, added)) <= 1 and not any(
        "(" in t or ")" in t or any(w in t or t in w for w in _HANDLING_WORDS) for t in added
    )
    return middle and slip and min(len(ca), len(cb)) >= 4


@lru_cache(maxsize=65536)
def _entry_key(name: str) -> str:
    # Widths, spaces and level qualifiers aside: only a different wording counts. Remembered: a province
    # repeats each handling item's name in every unit.
    parts = split_name(name)
    return parts.core + (parts.handling or "")


def _name_mismatch(
    power: PowerItem,
    by_unit: Mapping[str, str],
    where: str,
    *,
    reference: str | None = None,
    services: Mapping[str, ServiceItem] | None = None,
) -> list[GapRow]:
    """Units that entered one entry under a wording the others do not use (录入标准不统一).

    The common wording is the one most units use; when units split evenly, the wording of `reference`
    (the upper level's name) decides; failing that, every unit is listed.
    """
    keys = {u: _entry_key(n) for u, n in by_unit.items()}
    if len(set(keys.values())) < 2:
        return []
    ranked = Counter(keys.values()).most_common()
    common: str | None = ranked[0][0] if ranked[0][1] > ranked[1][1] else None
    if common is None and reference is not None:
        ref = _entry_key(reference)
        if ref in keys.values() and sum(1 for k in keys.values() if k == ref) == ranked[0][1]:
            common = ref
    common_name = next((by_unit[u] for u in sorted(by_unit) if keys[u] == common), None)
    listing = "；".join(f"{u}：{by_unit[u]}" for u in sorted(by_unit))
    rows: list[GapRow] = []
    for unit in sorted(by_unit):
        if keys[unit] == common:
            continue
        versus = f"，其他单位为“{common_name}”" if common_name else "，各单位写法不一"
        service = services.get(unit) if services else None
        rows.append(
            gap_row(
                GapType.NAME_MISMATCH,
                unit,
                power,
                f"{where}中名称为“{by_unit[unit]}”{versus}（{listing}）",
                service=service,
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
    matched_power: dict[int, int] = {}
    candidates: dict[int, list[int]] = defaultdict(list)
    served: set[tuple[int, str | None]] = set()
    offered: dict[tuple[int, str | None], list[int]] = defaultdict(list)
    by_power: dict[int, list[ServiceItem]] = defaultdict(list)
    for link in result.links:
        unit = services[link.service].unit
        if link.status is Status.MATCHED:
            matched_power.setdefault(link.service, link.power)
            served.add((link.power, unit))
            by_power[link.power].append(services[link.service])
        else:
            candidates[link.service].append(link.power)
            offered[(link.power, unit)].append(link.service)
    for (pi, unit), sis in sorted(offered.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        if (pi, unit) in served:
            continue
        if acceptance is not None and unit is not None and acceptance.accepted(pi, unit) is False:
            continue
        # Only review candidates: without a service item until an analyst confirms one of them.
        named = "、".join(dict.fromkeys(f"“{services[si].name}”" for si in sis))
        rows.append(
            gap_row(
                GapType.NO_SERVICE_ITEM,
                unit,
                powers[pi],
                f"仅有待复核的候选服务事项{named}，复核确认前视为没有对应的服务事项",
                status=GapStatus.PENDING_REVIEW,
            )
        )
    for si in result.orphans:
        s = services[si]
        rows.append(gap_row(GapType.ORPHAN_SERVICE_ITEM, s.unit, s, "没有权力事项支撑的服务事项"))
    for si in sorted(set(candidates) - set(matched_power)):
        # Only review candidates: an orphan until an analyst confirms one of them.
        s = services[si]
        named = "、".join(dict.fromkeys(f"“{powers[pi].title}”" for pi in candidates[si]))
        rows.append(
            gap_row(
                GapType.ORPHAN_SERVICE_ITEM,
                s.unit,
                s,
                f"仅有待复核的候选权力事项{named}，复核确认前视为没有权力事项支撑",
                status=GapStatus.PENDING_REVIEW,
            )
        )
    for si, s in enumerate(services):
        if s.volume == 0:
            linked = matched_power.get(si)
            power = powers[linked] if linked is not None else None
            rows.append(gap_row(GapType.UNUSED, s.unit, s, "统计期内办件量为0", power=power))
    for p in powers:
        if p.volume == 0:
            rows.append(gap_row(GapType.UNUSED, p.unit, p, "统计期内办件量为0"))
    for pi in sorted(by_power):
        if len(by_power[pi]) > 1:  # one entry cannot be written two ways
            rows.extend(_entry_mismatch(powers[pi], by_power[pi]))
    return rows


def _entry_mismatch(power: PowerItem, entries: Sequence[ServiceItem]) -> list[GapRow]:
    """Units that wrote one handling item of a power differently (录入标准不统一).

    Two wordings are one entry when they are the same handling item (新办, 变更 …), read as the same
    entry (see `same_entry`), and no unit uses both (a unit that lists both has two entries). Among the
    wordings of one entry, the one most units use is the common one; the others are mismatches. With no
    majority, every unit's wording is listed.
    """
    if len({s.unit for s in entries}) < 2:
        # All at one unit (a province's per-unit powers): any two wordings share that unit, so each is
        # an entry of its own and none is a mismatch; the keys need not be made.
        return []
    keyed = [(_entry_key(s.name), s) for s in entries]
    if len({k for k, _ in keyed}) < 2:
        return []  # one wording throughout (the common case): nothing to compare
    units_of: dict[str, set[str]] = defaultdict(set)  # key → units
    name_of: dict[str, str] = {}
    service_of: dict[tuple[str, str], ServiceItem] = {}
    for k, s in sorted(keyed, key=lambda ks: (ks[1].unit or "", ks[1].name)):
        units_of[k].add(s.unit or "")
        name_of.setdefault(k, s.name)
        service_of.setdefault((k, s.unit or ""), s)
    keys = sorted(units_of)
    parent = {k: k for k in keys}

    def root(k: str) -> str:
        while parent[k] != k:
            k = parent[k]
        return k

    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            if units_of[a] & units_of[b] or entry_class(name_of[a]) != entry_class(name_of[b]):
                continue
            if same_entry(name_of[a], name_of[b]):
                parent[root(b)] = root(a)
    groups: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        groups[root(k)].append(k)
    rows: list[GapRow] = []
    for group in groups.values():
        if len(group) < 2:
            continue
        ranked = sorted(group, key=lambda k: (-len(units_of[k]), k))
        common = ranked[0] if len(units_of[ranked[0]]) > len(units_of[ranked[1]]) else None
        listing = "；".join(f"{u}：{name_of[k]}" for k in group for u in sorted(units_of[k]))
        versus = f"，其他单位为“{name_of[common]}”" if common else "，各单位写法不一"
        for k in group:
            if k == common:
                continue
            for unit in sorted(units_of[k]):
                rows.append(
                    gap_row(
                        GapType.NAME_MISMATCH,
                        unit or None,
                        power,
                        f"政务服务平台中名称为“{service_of[(k, unit)].name}”{versus}（{listing}）",
                        service=service_of[(k, unit)],
                    )
                )
    return rows


def supervision_gaps(
    devolved: Sequence[PowerItem], units: Sequence[str] = (), *, addressing: Addressing = DEFAULT
) -> list[GapRow]:
    """Devolved items with no supervising department or method (放权不放责), one row per receiving unit.

    Only when the list tracks supervision at all. With no receiving units known (no acceptance list, no
    catalogue with 行政区划), the row names the 承接单位 as the list writes it.
    """
    # A field counts only where the list tracks it: a list with a 监管部门 column and no 监管方式 column
    # leaves no item without a method (that would flag every row).
    tracked = {
        "监管部门": any(p.supervision_department for p in devolved),
        "监管方式": any(p.supervision_method for p in devolved),
    }
    if not any(tracked.values()):
        return []
    rows = []
    for p in devolved:
        if p.role == "main" or is_kept(p):
            continue  # a heading over its sub-items; an item the upper level keeps is handed to no one
        missing = [
            label
            for label, value in (("监管部门", p.supervision_department), ("监管方式", p.supervision_method))
            if tracked[label] and not value
        ]
        if not missing:
            continue
        if units:
            at: list[str | None] = [u for u in units if addressing.applies_to(p, u)]
        else:
            at = [p.unit or p.receiving_unit or "全部承接单位"]
        for unit in at:
            rows.append(gap_row(GapType.NO_SUPERVISION, unit, p, "未明确" + "、".join(missing)))
    return rows


def overlap_key(item: PowerItem) -> str:
    """The identity two departments' rows share when they list one power: core name, act word aside."""
    return _overlap_key(item.name + (item.sub_item or ""))


@lru_cache(maxsize=65536)
def _overlap_key(name: str) -> str:
    return action_stem(split_name(name).core)


def overlap_gaps(lists: Iterable[tuple[str, Sequence[PowerItem]]]) -> list[GapRow]:
    """The same power in the list of two departments of one unit (职能重叠交叉), one row per department."""
    rows: list[GapRow] = []
    for unit, items in lists:
        by_key: dict[str, list[PowerItem]] = defaultdict(list)
        for item in items:
            # A name of a few characters (监督检查) says too little to call two departments' rows one power.
            if item.role != "main" and item.department and len(name_key(item.title)) >= 5:
                by_key[overlap_key(item)].append(item)
        for _key, held in sorted(by_key.items()):
            departments: dict[str, PowerItem] = {}
            for item in held:
                departments.setdefault(department_key(item.department) or "", item)
            if len(departments) < 2:
                continue
            listing = "；".join(
                f"{d.department}（{source_of(d)}）" for d in sorted(departments.values(), key=source_of)
            )
            for item in sorted(departments.values(), key=source_of):
                others = "、".join(
                    str(o.department) for o in departments.values() if o is not item and o.department
                )
                rows.append(
                    gap_row(
                        GapType.OVERLAP,
                        unit,
                        item,
                        f"{item.department}与{others}均列有该事项（职责交叉）：{listing}",
                    )
                )
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


# ---------------------------------------------------------------------------------------------- finders
# Each gap type's registry entry (quanze.gap_types) names the finders below that gather its rows from a
# run; `find_all` calls each once, so a new gap type touches its producer and its entry, not the pipeline.


def find_acceptance_gaps(analysis: Analysis, config: QuanzeConfig) -> Iterable[GapRow]:
    return analysis.acceptance.gaps() if analysis.acceptance else []


def find_catalogue_gaps(analysis: Analysis, config: QuanzeConfig) -> Iterable[GapRow]:
    if not analysis.loaded.services:
        # No catalogue (a loud no-catalogue warning): whether a power has a service item was not looked at, so
        # no-service-item reads as not measured, never as every power 权限悬空 (quanze.coverage).
        return []
    return catalogue_gaps(
        analysis.powers,
        analysis.loaded.services,
        analysis.result,
        analysis.acceptance,
        expected=config.match.service_categories,
    )


def find_supervision_gaps(analysis: Analysis, config: QuanzeConfig) -> Iterable[GapRow]:
    return supervision_gaps(analysis.loaded.devolved, analysis.units, addressing=analysis.addressing)


def find_cascade_gaps(analysis: Analysis, config: QuanzeConfig) -> Iterable[GapRow]:
    return analysis.cascade.gaps if analysis.cascade else []


def find_overlap_gaps(analysis: Analysis, config: QuanzeConfig) -> Iterable[GapRow]:
    return overlap_gaps(analysis.list_units())


Finder = Callable[["Analysis", "QuanzeConfig"], Iterable[GapRow]]


def finder(name: str) -> Finder:
    """The function a registry entry names as module:qualname."""
    module, _, qualname = name.partition(":")
    found: Finder = getattr(importlib.import_module(module), qualname)
    return found


def find_all(analysis: Analysis, config: QuanzeConfig) -> list[GapRow]:
    """Every gap of a run, from each finder the gap-type registry names, in registry order."""
    names = dict.fromkeys(name for spec in GAP_TYPES.values() for name in spec.finders)
    rows = [row for name in names for row in finder(name)(analysis, config)]
    order = {kind: i for i, kind in enumerate(GapType)}
    rows.sort(key=lambda g: (order[g.gap_type], g.unit or "", g.source or "", g.item_name))
    return rows


def for_units(result: ReconcileResult, units: Sequence[str]) -> ReconcileResult:
    """A run for some units (`--unit`, `units run`) as its reports show it: those units' rows only.

    A unit's folder holds its own gap rows; rows found by comparing units or levels with each other
    (name-mismatch, unit-specific, the cascade's gaps) and rows of other units or of no unit are the whole
    run's business (README › Units as partitions): counted once by a whole run, never once per unit folder.
    Their types leave the summary, so reports say they were not looked for instead of printing 0.
    """
    wanted = {name_key(u) for u in units}
    gaps = [
        g for g in result.gaps if g.gap_type.value not in CROSS_UNIT and g.unit and name_key(g.unit) in wanted
    ]
    counts = Counter(g.gap_type.value for g in gaps)
    summary = result.summary.model_copy(
        update={"gaps": {k: counts.get(k, 0) for k in result.summary.gaps if k not in CROSS_UNIT}}
    )
    partial = result.model_copy(update={"gaps": gaps, "summary": summary})
    summary.unmeasured = unmeasured(partial)
    return partial
