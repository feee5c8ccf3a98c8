"""One item's whole path down the levels: province → city → county → township and industrial clusters."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from quanze.addressing import DEFAULT, Addressing, names_unit
from quanze.errors import ConfigError
from quanze.gaps import gap_row, is_refused, source_of
from quanze.match import MatchOptions, Pairing, Status, match_lists
from quanze.models import Level, PowerItem
from quanze.normalize import department_key, name_key
from quanze.results import HOW_ZH, CascadeRow, GapRow, GapType, How
from quanze.vocab import keeps_item

LEVEL_RANK = {Level.PROVINCE: 0, Level.CITY: 1, Level.COUNTY: 2, Level.TOWNSHIP: 3, Level.CLUSTER: 3}
LEVEL_ZH = {
    Level.PROVINCE: "省级",
    Level.CITY: "市级",
    Level.COUNTY: "县级",
    Level.TOWNSHIP: "乡镇（街道）",
    Level.CLUSTER: "产业集聚区",
}


@dataclass(frozen=True)
class UnitList:
    """The items one unit holds at one level, as the cascade sees them."""

    level: Level
    unit: str
    items: Sequence[PowerItem]
    parent: str | None = None
    own: Sequence[PowerItem] = ()


@dataclass
class _Entry:
    chain: int
    item: PowerItem
    unit: str
    level: Level
    how: How


@dataclass
class Cascade:
    rows: list[CascadeRow] = field(default_factory=list)
    gaps: list[GapRow] = field(default_factory=list)
    levels: list[Level] = field(default_factory=list)


def _mode_how(item: PowerItem) -> How:
    return _how_of_mode(item.devolution_mode)


def _how_of_mode(text: str | None) -> How:
    mode = (text or "").strip()
    if not mode or keeps_item(mode):
        return How.RETAINED
    if "委托" in mode:
        return How.ENTRUSTED
    return How.DEVOLVED


def _handed_down(item: PowerItem) -> bool:
    return _mode_how(item) in (How.DEVOLVED, How.ENTRUSTED)


def _matched_only(pairing: Pairing) -> Pairing:
    """Only pairs with a matched link's name evidence: a review-level pair (学历公证 and 机动车驾驶证公证)
    does not make two levels' items one item."""
    weak = [p for p in pairing.pairs if p.status is not Status.MATCHED]
    if not weak:
        return pairing
    return Pairing(
        pairs=[p for p in pairing.pairs if p.status is Status.MATCHED],
        left_only=sorted([*pairing.left_only, *(p.left for p in weak)]),
        right_only=sorted([*pairing.right_only, *(p.right for p in weak)]),
    )


def build_cascade(
    lists: Sequence[UnitList],
    *,
    options: MatchOptions | None = None,
    addressing: Addressing = DEFAULT,
    left_out: Mapping[str, str] | None = None,
) -> Cascade:
    """Link the same item across levels (codes differ per level, names drift) and find where chains break.

    Pairs need a matched link's name evidence; the department is no evidence across levels, where a
    county bureau hands an item to a township government. `left_out`: units whose list the run left out
    (a repeat of another input), with that list's file, so that a parent without a list says why.
    """
    options = (options or MatchOptions()).model_copy(update={"other_department_penalty": 0.0})
    lists = _named_parents(lists, left_out or {})
    by_rank: dict[int, list[UnitList]] = defaultdict(list)
    for ul in lists:
        by_rank[LEVEL_RANK[ul.level]].append(ul)
    ranks = sorted(by_rank)
    entries: list[_Entry] = []
    next_chain = 1  # chains are numbered from 1, as people count rows
    above: dict[int, list[_Entry]] = {}
    takes_from: dict[tuple[Level, str], int] = {}  # a unit with no parent: the level it takes items from
    for rank in ranks:
        current: list[_Entry] = []
        originating: list[_Entry] = []
        for ul in sorted(by_rank[rank], key=lambda u: u.unit):
            offered, source = _offered(above, ul, addressing)
            if source is not None:
                takes_from[(ul.level, name_key(ul.unit))] = source
            pairing = _matched_only(match_lists([e.item for e in offered], ul.items, options=options))
            for pair in pairing.pairs:
                item = ul.items[pair.right]
                refused = is_refused(item)
                current.append(
                    _Entry(
                        offered[pair.left].chain,
                        item,
                        ul.unit,
                        ul.level,
                        How.REFUSED if refused else How.CLAIMED,
                    )
                )
            # Items that start here: the same item at sibling units joins one chain.
            fresh = [ul.items[i] for i in pairing.right_only]
            siblings = (
                _matched_only(match_lists([e.item for e in originating], fresh, options=options))
                if originating
                else None
            )
            joined = {p.right: originating[p.left].chain for p in siblings.pairs} if siblings else {}
            for i, item in enumerate(fresh):
                chain = joined.get(i)
                if chain is None:
                    chain, next_chain = next_chain, next_chain + 1
                entry = _Entry(chain, item, ul.unit, ul.level, _mode_how(item))
                originating.append(entry)
                current.append(entry)
        entries.extend(current)
        above[rank] = current
    # Townships and clusters share a rank: Level's own order breaks the tie (a set's order changes with
    # the hash seed, and with it the columns of the reports).
    present = {ul.level for ul in lists}
    result = Cascade(levels=[lv for lv in Level if lv in present])
    result.rows = sorted(
        (
            CascadeRow(
                chain=e.chain,
                level=e.level,
                unit=e.unit,
                code=e.item.code,
                name=e.item.title,
                how=e.how,
                mode=e.item.devolution_mode,
                duty_type=e.item.duty_type,
                source=source_of(e.item),
            )
            for e in entries
        ),
        key=lambda r: (r.chain, LEVEL_RANK[r.level], r.unit),
    )
    result.gaps = [
        *_dropped(entries, by_rank, addressing, options, takes_from),
        *_held_twice(entries, lists, options),
        *_township_no_owner(lists, options),
        *_unit_specific(entries, by_rank),
    ]
    return result


def _named_parents(lists: Sequence[UnitList], left_out: Mapping[str, str]) -> list[UnitList]:
    """Each declared parent as the unit of an upper list it names (东城县人民政府 or 东城 is 东城县).

    A parent that names none of the upper lists' units, where lists of the level above are given, is a
    misspelling that would cut the unit off its county silently: a config error naming both sides. A parent
    whose own list was left out as a repeat of another input is no misspelling: the error says so.
    """
    out = []
    for ul in lists:
        if ul.parent is None:
            out.append(ul)
            continue
        upper = [u for u in lists if LEVEL_RANK[u.level] < LEVEL_RANK[ul.level]]
        named = sorted({u.unit for u in upper if names_unit(ul.parent, u.unit)})
        if len(named) == 1:
            out.append(replace(ul, parent=named[0]))
            continue
        nearest = max((LEVEL_RANK[u.level] for u in upper), default=None)
        repeated = sorted(unit for unit in left_out if names_unit(ul.parent, unit))
        if not named and repeated:
            raise ConfigError(
                f"the {ul.level.value} list of {ul.unit} names its parent “{ul.parent}”, whose list "
                f"({left_out[repeated[0]]}) was left out as a repeat of another input (duplicate-input)",
                hint=f"give {repeated[0]} its own list: the file named for it is another list again",
            )
        if not named and nearest is not None:
            units = "、".join(sorted({u.unit for u in upper if LEVEL_RANK[u.level] == nearest}))
            raise ConfigError(
                f"the {ul.level.value} list of {ul.unit} names its parent “{ul.parent}”, which is none of the "
                f"units of the lists above it ({units})",
                hint='write the parent as its list\'s unit is written (parent = "…" in [[inputs.lists]], '
                "or UNIT@PARENT on the command line)",
            )
        out.append(ul)
    return out


def _offered(
    above: Mapping[int, Sequence[_Entry]], ul: UnitList, addressing: Addressing
) -> tuple[list[_Entry], int | None]:
    """Upper-level items this unit could have received, from the nearest level that hands any to it.

    A unit with a parent (a township's county) takes from its parent's items; otherwise from the items
    handed down (下放, 委托 …) and addressed to it, at the nearest level that has such items: a
    development zone under a city skips the counties. Also the level they come from.
    """
    for rank in sorted(above, reverse=True):
        entries = above[rank]
        if ul.parent is not None:
            mine = [e for e in entries if name_key(e.unit) == name_key(ul.parent)]
            if mine:
                handed = [e for e in mine if _handed_down(e.item)]
                return [
                    e for e in (handed or mine) if addressing.addressed_to(e.item.receiving_unit, ul.unit)
                ], rank
            continue
        handed = [
            e
            for e in entries
            if _handed_down(e.item) and addressing.addressed_to(e.item.receiving_unit, ul.unit)
        ]
        if handed:
            return handed, rank
    return [], None


def _dropped(
    entries: Sequence[_Entry],
    by_rank: Mapping[int, Sequence[UnitList]],
    addressing: Addressing,
    options: MatchOptions,
    takes_from: Mapping[tuple[Level, str], int],
) -> list[GapRow]:
    """Handed down to a level but present at none of the units that could take it.

    The units that could take it are the handing unit's own children where the lists declare parents (a
    township's county): a county whose townships were not given is not charged. Otherwise they are the
    units below that the 承接单位 addresses and that take their items from the handing level (a
    development zone under a city is the city's, though it sits beside the townships). A unit that keeps the item in its own list
    (`role = "own"`: the city exercises what the province handed it) holds it.
    """
    ranks = sorted(by_rank)
    held: dict[int, set[str]] = defaultdict(set)
    for x in entries:
        held[x.chain].add(name_key(x.unit))
    candidates: list[tuple[_Entry, list[UnitList]]] = []
    for e in entries:
        rank = LEVEL_RANK[e.level]
        below = [r for r in ranks if r > rank]
        if not below or not _handed_down(e.item) or e.how is How.REFUSED:
            continue
        if (
            e.how is How.CLAIMED
            and e.item.receiving_unit
            and addressing.addressed_to(e.item.receiving_unit, e.unit)
        ):
            continue  # the row copies how this unit received the item, not a handing down of its own
        targets = [
            ul
            for r in below
            for ul in by_rank[r]
            if (
                name_key(ul.parent) == name_key(e.unit)
                if ul.parent
                else takes_from.get((ul.level, name_key(ul.unit)), _rank_above(ranks, r)) == rank
            )
            and addressing.addressed_to(e.item.receiving_unit, ul.unit)
        ]
        if targets and not any(name_key(ul.unit) in held[e.chain] for ul in targets):
            candidates.append((e, targets))
    kept = _kept_in_own(candidates, options)
    rows = []
    for n, (e, targets) in enumerate(candidates):
        if n in kept:
            continue
        level = targets[0].level
        where = "、".join(ul.unit for ul in targets)
        rows.append(
            gap_row(
                GapType.DROPPED_IN_CHAIN,
                e.unit,
                e.item,
                f"{e.unit}{e.item.devolution_mode}至{LEVEL_ZH[level]}，但{where}清单中均没有该事项",
            )
        )
    return rows


def _rank_above(ranks: Sequence[int], rank: int) -> int | None:
    return max((r for r in ranks if r < rank), default=None)


def _kept_in_own(
    candidates: Sequence[tuple[_Entry, Sequence[UnitList]]], options: MatchOptions | None
) -> set[int]:
    """Candidates that a target unit keeps in its own list (matched on name evidence, as any pair)."""
    by_target: dict[str, tuple[UnitList, list[int]]] = {}
    for n, (_e, targets) in enumerate(candidates):
        for ul in targets:
            if ul.own:
                by_target.setdefault(name_key(ul.unit), (ul, []))[1].append(n)
    kept: set[int] = set()
    for ul, ns in by_target.values():
        pairing = _matched_only(match_lists([candidates[n][0].item for n in ns], ul.own, options=options))
        kept |= {ns[p.left] for p in pairing.pairs}
    return kept


def _held_twice(
    entries: Sequence[_Entry], lists: Sequence[UnitList], options: MatchOptions | None
) -> list[GapRow]:
    """Directly devolved, yet still in the upper unit's own list while a lower unit exercises it too."""
    own = {name_key(ul.unit): ul.own for ul in lists if ul.own}
    if not own:
        return []
    claimed = {e.chain for e in entries if e.how is How.CLAIMED}
    rows = []
    by_unit: dict[str, list[_Entry]] = defaultdict(list)
    for e in entries:
        mode = e.item.devolution_mode or ""
        if (
            name_key(e.unit) in own
            and "委托" not in mode
            and _mode_how(e.item) is How.DEVOLVED
            and e.chain in claimed
        ):
            by_unit[e.unit].append(e)
    for unit, devolved in sorted(by_unit.items()):
        pairing = _matched_only(match_lists([e.item for e in devolved], own[name_key(unit)], options=options))
        for pair in pairing.pairs:
            e = devolved[pair.left]
            lower = sorted(
                {
                    x.unit
                    for x in entries
                    if x.chain == e.chain
                    and x.how is How.CLAIMED
                    and LEVEL_RANK[x.level] > LEVEL_RANK[e.level]
                }
            )
            if not lower:
                continue  # only the unit's own claim from above: no lower unit exercises it
            rows.append(
                gap_row(
                    GapType.HELD_TWICE,
                    unit,
                    e.item,
                    f"已{e.item.devolution_mode}，但{unit}权责清单仍保留该事项，{'、'.join(lower)}也在行使",
                )
            )
    return rows


def _township_no_owner(lists: Sequence[UnitList], options: MatchOptions | None) -> list[GapRow]:
    """A township 配合事项 whose county department with the 主体责任 does not list the item."""
    counties = {name_key(ul.unit): ul for ul in lists if ul.level is Level.COUNTY}
    rows = []
    for ul in lists:
        if ul.level is not Level.TOWNSHIP:
            continue
        parents = (
            [counties[name_key(ul.parent)]]
            if ul.parent and name_key(ul.parent) in counties
            else list(counties.values())
        )
        for item in ul.items:
            if "配合" not in (item.duty_type or ""):
                continue
            owner = item.owner_department or item.department
            key = department_key(owner)
            held = [c for p in parents for c in p.items if key and department_key(c.department) == key]
            if not held or not _matched_only(match_lists(held, [item], options=options)).pairs:
                where = "、".join(p.unit for p in parents) or "县级"
                rows.append(
                    gap_row(
                        GapType.TOWNSHIP_NO_OWNER,
                        ul.unit,
                        item,
                        f"配合事项的主体责任部门“{owner or '未注明'}”在{where}权责清单中没有对应事项",
                    )
                )
    return rows


def _unit_specific(entries: Sequence[_Entry], by_rank: Mapping[int, Sequence[UnitList]]) -> list[GapRow]:
    """Items that start at a level and exist only at some of its units: a difference, not an error."""
    rows = []
    by_level: dict[Level, list[str]] = defaultdict(list)
    for units in by_rank.values():
        for ul in units:
            by_level[ul.level].append(ul.unit)
    for level, names in sorted(by_level.items(), key=lambda kv: LEVEL_RANK[kv[0]]):
        if len(names) < 2:
            continue
        at: dict[int, list[_Entry]] = defaultdict(list)
        for e in entries:
            if e.level is level and e.how not in (How.CLAIMED, How.REFUSED):
                at[e.chain].append(e)
        for _chain, held in sorted(at.items()):
            where = sorted({e.unit for e in held})
            if len(where) < len(names):
                first = held[0]
                rows.append(
                    gap_row(
                        GapType.UNIT_SPECIFIC,
                        "、".join(where),
                        first.item,
                        f"仅{'、'.join(where)}有该事项（{len(where)}/{len(names)}个单位）",
                    )
                )
    return rows


def path_table(rows: Sequence[CascadeRow], levels: Sequence[Level]) -> list[dict[str, str | int | None]]:
    """One row per item with the levels as columns, so that one row reads across the whole path."""
    by_chain: dict[int, dict[Level, list[CascadeRow]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        by_chain[r.chain][r.level].append(r)
    table = []
    for chain, held in sorted(by_chain.items()):
        first = next(iter(held[lv][0] for lv in levels if held.get(lv)))
        row: dict[str, str | int | None] = {"chain": chain, "name": first.name, "code": first.code}
        for lv in levels:
            # The row's name once, in its own column; a cell names the item only where the unit's
            # list names it differently, so a printed row is not the same name six times over.
            row[lv.value] = "；".join(
                f"{r.unit}（{HOW_ZH[r.how]}）"
                if r.name == first.name
                else f"{r.unit}：{r.name}（{HOW_ZH[r.how]}）"
                for r in held.get(lv, [])
            )
        table.append(row)
    return table


def level_counts(rows: Sequence[CascadeRow]) -> list[dict[str, str | int]]:
    """Items per level and unit, with how many were claimed from above and how many are handed down.

    An item claimed from above and handed on (a city takes a province item and devolves it to the
    counties) counts in both: its 下放方式 says it is handed down and the chain goes on below it. A
    下放方式 copied into a list whose chain stops there does not count.
    """
    lowest: dict[int, int] = {}
    for r in rows:
        lowest[r.chain] = max(lowest.get(r.chain, 0), LEVEL_RANK[r.level])
    counts: dict[tuple[Level, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in rows:
        c = counts[(r.level, r.unit)]
        c[0] += 1
        c[1] += r.how is How.CLAIMED
        c[2] += r.how in (How.DEVOLVED, How.ENTRUSTED) or (
            r.how is How.CLAIMED
            and _how_of_mode(r.mode) in (How.DEVOLVED, How.ENTRUSTED)
            and lowest[r.chain] > LEVEL_RANK[r.level]
        )
    return [
        {"level": LEVEL_ZH[lv], "unit": u, "items": n, "claimed": claimed, "handed_down": down}
        for (lv, u), (n, claimed, down) in sorted(
            counts.items(), key=lambda kv: (LEVEL_RANK[kv[0][0]], kv[0][1])
        )
    ]
