"""Inputs that read as nothing or as the other kind of file stop the run; sides that do not meet warn."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from quanze.addressing import (
    BANNER,
    COUNTY,
    DISTRICT,
    STREET,
    TOWNSHIP,
    ZONE,
    addressed_to,
    names_unit,
    unit_kind,
)
from quanze.errors import UnreadableInputError
from quanze.ingest.header import catalogue_columns, names_column
from quanze.ingest.options import IngestOptions
from quanze.ingest.reader import read_file
from quanze.models import (
    Category,
    ColumnMap,
    FileReport,
    IssueCode,
    ListKind,
    PowerItem,
    RowIssue,
    ServiceItem,
    Severity,
)
from quanze.normalize import name_key
from quanze.vocab import hands_item, keeps_item

# Warnings that mean the numbers of a run cannot be trusted as they stand: `check` fails on them.
_GOVERNMENT = re.compile(r"(?:人民政府|政府)$")
_WHAT = {ListKind.POWERS: "power list", ListKind.SERVICES: "service catalogue"}
_GIVE = {
    ListKind.POWERS: "give it with --powers / --acceptance, or as [[inputs.lists]] in quanze.toml",
    ListKind.SERVICES: "give it with --catalogue, or as [inputs.catalogue] in quanze.toml",
}
# Columns only a power list has; a catalogue export carries none of them.
_POWER_ONLY_FIELDS = frozenset({"devolution_mode", "receiving_unit", "acceptance", "duty", "accountability"})


def _columns_of_the_other_kind(report: FileReport, expected: ListKind) -> list[str]:
    """Headers that show a file is the other kind of list (empty when nothing says so).

    A catalogue has columns only a catalogue has (`header.catalogue_columns`); a power list has a 下放方式,
    承接单位, 认领, 责任事项 or 追责 column. A file with columns of both kinds is taken as given.
    """
    columns = [c for s in report.sheets for c in s.columns if c.field]
    power_only = [c.header for c in columns if c.field in _POWER_ONLY_FIELDS]
    catalogue = catalogue_columns(columns)
    if expected is ListKind.POWERS:
        if power_only:
            return []
        return catalogue or _catalogue_export_columns(columns)
    # Given as a catalogue, a file is taken as one on weaker signs too: a 办件量 column, or an item column
    # headed 服务事项 (which heads some catalogue exports as well as some power lists).
    if catalogue or any(
        c.field == "volume" or (c.field == "name" and "服务事项" in c.header) for c in columns
    ):
        return []
    return power_only


def _catalogue_export_columns(columns: Sequence[ColumnMap]) -> list[str]:
    """A catalogue export's pair of columns, 办件量 beside 行政区划, in a file with no column only a power list
    has: a unit's own catalogue saved under its list's name (each column alone heads some power lists too)."""
    volume = [c.header for c in columns if c.field == "volume"]
    unit = [c.header for c in columns if c.field == "unit"]
    return [*unit[:1], *volume[:1]] if volume and unit else []


# Powers a body exercises on its own motion (依职权): a service catalogue, made of what people apply for, holds none.
_EX_OFFICIO = frozenset({Category.PENALTY, Category.COERCION, Category.INSPECTION})


def _ex_officio_items(report: FileReport) -> str | None:
    """Why a file given as the catalogue, with no column only a catalogue has, reads as a power list.

    Two items at least, and one in ten of those with a category, are 行政处罚 / 行政强制 / 行政检查.
    """
    columns = [c for s in report.sheets for c in s.columns if c.field]
    if catalogue_columns(columns) or any(c.field == "volume" for c in columns):
        return None
    typed = [s.category for s in report.services if s.category is not None]
    found = sum(1 for c in typed if c in _EX_OFFICIO)
    if found < 2 or found * 10 < len(typed):
        return None
    return f"{found} of its {len(typed)} items are 行政处罚, 行政强制 or 行政检查, which no service catalogue holds"


def require_records(path: Path, report: FileReport, *, expected: ListKind, options: IngestOptions) -> None:
    """A file that yields no records, or that is the other kind of file, is an error, never an empty list."""
    what = _WHAT[expected]
    if report.records:
        if headers := _columns_of_the_other_kind(report, expected):
            other = ListKind.SERVICES if expected is ListKind.POWERS else ListKind.POWERS
            raise UnreadableInputError(
                f"{path}: given as the {what}, but it reads as a {_WHAT[other]} (columns {', '.join(headers)})",
                hint=_GIVE[other],
            )
        if expected is ListKind.SERVICES and (why := _ex_officio_items(report)):
            raise UnreadableInputError(
                f"{path}: given as the {what}, but it reads as a {_WHAT[ListKind.POWERS]} ({why})",
                hint=_GIVE[ListKind.POWERS],
            )
        return
    other = ListKind.SERVICES if expected is ListKind.POWERS else ListKind.POWERS
    probe = read_file(path, options.model_copy(update={"kind": ListKind.AUTO}), label=str(path))
    if probe.kind is other and probe.records:
        names = sorted({c.header for s in probe.sheets for c in s.columns if c.field == "name"})
        raise UnreadableInputError(
            f"{path}: given as a {what}, but it reads as a {_WHAT[other]}"
            + (f" (item column {', '.join(names)})" if names else ""),
            hint=_GIVE[other],
        )
    reasons = [i for i in report.issues if i.severity is not Severity.INFO]
    why = f": {reasons[0].location()}: {reasons[0].message}" if reasons else ""
    raise UnreadableInputError(
        f"{path}: no {what} item could be read from it{why}",
        hint=f"run `quanze inspect {path}` to see how it was understood; set header_rows or sheets for it "
        "in quanze.toml, or check that it is the right file",
    )


def no_catalogue_issue() -> RowIssue:
    return RowIssue(
        code=IssueCode.NO_CATALOGUE,
        severity=Severity.WARNING,
        file="(run)",
        message="no service catalogue was given: powers cannot be linked to service items, so every power "
        "counts as unmatched; give --catalogue FILE or [inputs.catalogue] in quanze.toml",
    )


def _shown(names: Iterable[str], limit: int = 6, *, first: str | None = None) -> str:
    """Names for a message, at most `limit`; `first` leads, so a long list never cuts off the one that matters."""
    items = sorted(set(names))
    if first is not None:
        items = [first, *(n for n in items if n != first)]
    return "、".join(items[:limit]) + (f" … ({len(items)})" if len(items) > limit else "")


@dataclass(frozen=True)
class UnitCheck:
    """What `reconcile_units` found: its issues, and the catalogue units outside the run."""

    issues: list[RowIssue]
    outside: frozenset[str] = frozenset()


def _outside_run(
    catalogue_units: set[str],
    list_units: Mapping[str, str],
    members: Iterable[str],
    receiving: Sequence[str],
    devolved: Sequence[PowerItem],
) -> frozenset[str]:
    """Catalogue units that no list of the run is for and no 承接单位 names, when the run names its units.

    A run names its units through acceptance, own and chain lists and 承接单位 cells. A devolution row whose
    承接单位 is blank is for every unit: without acceptance lists, such a run names no unit of its own.
    """
    member_keys = {name_key(u) for u in members} | set(list_units)
    if not member_keys and not receiving:
        return frozenset()
    if not list_units and any(not p.receiving_unit for p in devolved):
        return frozenset()
    texts = set(receiving)
    outside = {
        unit
        for unit in catalogue_units
        if name_key(unit) not in member_keys and not any(addressed_to(r, unit) for r in texts)
    }
    # When no catalogue unit is the run's, the lists and the catalogue meet nowhere: unit-unmatched says so.
    return frozenset(outside) if outside != catalogue_units else frozenset()


def _outside_issue(catalogue: str, unit: str, inside: set[str]) -> RowIssue:
    return RowIssue(
        code=IssueCode.UNIT_OUTSIDE_RUN,
        severity=Severity.WARNING,
        file=catalogue,
        column="行政区划",
        value=unit,
        message=(
            f"the catalogue's 行政区划 {unit} is none of the run's units ({_shown(inside)}): its items are "
            "left out of matching and gaps. To reconcile it too, add its list to quanze.toml; if it is "
            f'another spelling of a unit of the run, add [aliases.units] "{unit}" = ["<the unit>"]'
        ),
    )


def reconcile_units(
    services: Sequence[ServiceItem],
    devolved: Sequence[PowerItem],
    acceptance: Mapping[str, Sequence[PowerItem]],
    *,
    aliases: Mapping[str, Sequence[str]],
    catalogue: str,
    given: Iterable[str] = (),
    members: Iterable[str] = (),
    own_units: Mapping[tuple[str, str], int] | None = None,
) -> UnitCheck:
    """Make the catalogue's 行政区划 meet the lists' units; say what was renamed and what meets nothing.

    `[aliases.units]` renames spellings first; then a catalogue unit spelt with the 人民政府 suffix or a place
    name before it (东城县人民政府, 安平市东城县) is renamed (an info issue) to the short spelling when the lists
    name it so (an acceptance list's unit, a 承接单位, the `unit` a list is `given` for) or when the catalogue
    itself spells it so on other rows. A unit of the lists that no catalogue unit matches is a warning naming
    both spellings and the fix. A catalogue unit that is none of the run's units (`members`: units of
    acceptance, own and chain lists; or a 承接单位) while others are is `unit-outside-run`: its items are
    outside the run (a city-wide export checked for one county), named in `UnitCheck.outside`.
    """
    issues: list[RowIssue] = []
    # [aliases.units] maps a spelling or phrase to the units it names; one that names a single unit is a
    # spelling of that unit (东城县政务服务中心 = ["东城县"]).
    spelt = {name_key(spelling): units[0] for spelling, units in aliases.items() if len(units) == 1}
    list_units = {name_key(u): u for u in acceptance}
    receiving = [p.receiving_unit for p in devolved if p.receiving_unit]
    given_keys = {name_key(u) for u in given}
    in_catalogue = {name_key(s.unit) for s in services if s.unit}

    def named_by_lists(unit: str) -> bool:
        return (
            name_key(unit) in list_units
            or name_key(unit) in given_keys
            or any(addressed_to(r, unit) for r in receiving)
        )

    renamed: dict[str, str] = {}
    for unit in sorted({s.unit for s in services if s.unit}):
        if name_key(unit) in spelt:
            renamed[unit] = spelt[name_key(unit)]
            continue
        # 东城县人民政府 and 岚州市青溪县 are read as 东城县 and 青溪县 when the lists (or other rows of the
        # catalogue) name them so, unless a list is itself named the long way.
        # A spelling that is a list's own unit wins; else the shortest one the lists address.
        spellings = sorted(_shorter_spellings(unit), key=lambda s: (name_key(s) not in list_units, len(s)))
        # A unit a list is itself named or given by keeps its spelling.
        own = name_key(unit) in list_units or name_key(unit) in given_keys
        short = next(
            (s for s in spellings if not own and (named_by_lists(s) or name_key(s) in in_catalogue)),
            unit,
        )
        # A development zone by its short name (安平高新区 for 安平高新技术产业开发区) is the list's unit.
        zone = [u for u in list_units.values() if unit_kind(u) == ZONE and names_unit(unit, u)]
        if name_key(unit) not in list_units and len(zone) == 1:
            short = zone[0]
        if short != unit:
            canonical = list_units.get(name_key(short), short)
            renamed[unit] = canonical
            issues.append(
                RowIssue(
                    code=IssueCode.UNIT_ALIAS,
                    severity=Severity.INFO,
                    file=catalogue,
                    column="行政区划",
                    value=unit,
                    message=f"read as {canonical}, as the lists name it",
                )
            )
    for s in services:
        if s.unit in renamed:
            s.unit = renamed[s.unit]
    catalogue_units = {s.unit for s in services if s.unit}
    outside = _outside_run(catalogue_units, list_units, members, receiving, devolved)
    issues.extend(_outside_issue(catalogue, unit, catalogue_units - outside) for unit in sorted(outside))
    if not catalogue_units:
        if catalogue and (list_units or receiving):
            # Items of no unit meet no unit's powers: every power would count as having no service item.
            ours = _shown([*list_units.values(), *receiving], 3)
            issues.append(
                _unmatched(
                    catalogue,
                    ours,
                    f"the catalogue names no unit (no 行政区划 / 区划名称 column was read, and [inputs.catalogue] "
                    f"gives no unit), so its items meet none of the lists' units ({ours}); give the "
                    '行政区划 column, or set unit = "<the unit>" under [inputs.catalogue] in quanze.toml',
                )
            )
        return UnitCheck(issues, outside)
    keys = {name_key(u) for u in catalogue_units}
    fix = (
        "if they are the same unit, add it to quanze.toml: [aliases.units] followed by "
        '"{theirs}" = ["{ours}"], or correct the spelling in one of the files'
    )
    if own_units is None:
        own_units = Counter((p.source.file, p.unit) for p in devolved if p.unit)
    issues.extend(
        _unplaced_rows(
            own_units, (catalogue_units - outside) | set(list_units.values()), fix=fix, catalogue=catalogue
        )
    )
    for key, unit in sorted(list_units.items()):
        if key not in keys:
            theirs = _closest(unit, catalogue_units)
            issues.append(
                _unmatched(
                    catalogue,
                    unit,
                    f"the acceptance list's unit {unit} matches no 行政区划 of the catalogue "
                    f"({_shown(catalogue_units, first=theirs)}); " + fix.format(ours=unit, theirs=theirs),
                )
            )
    if receiving and not acceptance and not any(named_by_lists(u) for u in catalogue_units):
        theirs = sorted(catalogue_units)[0]
        issues.append(
            _unmatched(
                catalogue,
                theirs,
                f"no 行政区划 of the catalogue ({_shown(catalogue_units)}) is a receiving unit of the "
                f"devolution list (承接单位: {_shown(receiving, 3)}); "
                + fix.format(ours="<the list's spelling>", theirs=theirs),
            )
        )
    return UnitCheck(issues, outside)


# The unit an organ names before its own name: 柳河县民政局 → 柳河县 (a city before it, 云岭市柳河县…, aside).
_ORGAN_UNIT = re.compile(r"^(?:[^县区旗]{2,6}?(?:市|州|盟))?([^县区旗市]{2,6}?(?:县|区|旗))")
_OWN_UNIT_KINDS = frozenset({COUNTY, DISTRICT, BANNER})


# A town's own organ: its government or office (双河镇人民政府, 柳塘街道办事处), its 执法队 or 便民服务中心, the
# county before it or not. A county's department (住房和城乡建设局) is none, whatever its words hold.
_TOWN_ORGAN = re.compile(
    r"^(?:[^县区旗]{2,6}?(?:县|区|旗|市))?([^县区旗市镇乡]{2,6}?(?:镇|乡|街道))"
    r"(?:人民政府|政府|街道办事处|办事处|综合行政执法队|综合执法队|便民服务中心|为民服务中心)?$"
)
_TOWN_KINDS = frozenset({TOWNSHIP, STREET})


def _named_unit(item: PowerItem | ServiceItem, *, organs: bool) -> tuple[str, str] | None:
    """The unit a row of a unit's list names itself (its 行政区划, else its organ's place) and where.

    In a county's list any organ names its county; in a town's list only the town's own organs (its government
    or office) name a town: the county's departments that work with it name no town."""
    if item.unit:
        return item.unit, "行政区划"
    organ = name_key(item.department or "")
    found = _ORGAN_UNIT.match(organ) if organs else _TOWN_ORGAN.match(organ)
    if found and unit_kind(found.group(1)) in (_OWN_UNIT_KINDS if organs else _TOWN_KINDS):
        return found.group(1), "实施主体"
    return None


def other_unit_issues(
    items: Sequence[PowerItem] | Sequence[ServiceItem],
    unit: str,
    *,
    file: str,
    parent: str | None = None,
    aliases: Mapping[str, Sequence[str]],
) -> list[RowIssue]:
    """A unit's list whose own rows name another unit (the wrong file, or the wrong `unit`): a loud warning.

    A row names its unit in its 行政区划 column or, in a county's (district's, banner's) list, through its
    organ (柳河县民政局); a township's list is read by its county's organs too, so there only the town's own
    organs (双河镇人民政府) count beside the column.
    When most of the rows that name a unit name one other unit, the list is taken to be that unit's:
    counting it as `unit`'s would credit `unit` with another unit's acceptance, so `check` fails until the
    file or the config is put right. The unit's `parent`, and a spelling `[aliases.units]` maps to `unit`,
    are not another unit.
    """
    spelt = {name_key(s) for s, units in aliases.items() if list(units) == [unit]}
    organs = unit_kind(unit) in _OWN_UNIT_KINDS

    def another(place: str) -> bool:
        if names_unit(place, unit) or names_unit(unit, place) or name_key(place) in spelt:
            return False
        return not (parent and (names_unit(place, parent) or names_unit(parent, place)))

    named = [n for n in (_named_unit(i, organs=organs) for i in items) if n is not None]
    others = Counter((place, column) for place, column in named if another(place))
    if not others:
        return []
    (place, column), count = others.most_common(1)[0]
    if count * 2 <= len(named):
        return []
    return [
        RowIssue(
            code=IssueCode.OTHER_UNIT,
            severity=Severity.WARNING,
            file=file,
            column=column,
            value=place,
            message=f"this list is given as {unit}'s, but {count} of its {len(items)} rows name {place} in "
            f"their {column}: give {unit}'s own list, or set its unit to {place} in quanze.toml "
            f'(or, if {place} is another spelling of {unit}, add [aliases.units] "{place}" = ["{unit}"])',
        )
    ]


def blank_acceptance_issues(report: FileReport, items: Sequence[PowerItem], *, file: str) -> list[RowIssue]:
    """An acceptance list whose 认领情况 column is blank on every row, or on some: a template the unit has not
    filled in, or not yet to the end.

    A unit's list without such a column is the unit listing what it took on, so a blank cell reads as accepted
    (`vocab.acceptance_of`); a column that is there and blank throughout says nothing yet, and counting every
    item as accepted would report a 承接率 of 100 % (a loud warning: `check` fails). A column blank on some rows
    keeps that reading, but says how many, so that a sheet still being filled is not taken for a decision.
    """
    header = next((c.header for s in report.sheets for c in s.columns if c.field == "acceptance"), None)
    if header is None or not items:
        return []
    blank = [i for i in items if not (i.acceptance and i.acceptance.strip())]
    if not blank:
        return []
    if len(blank) < len(items):
        rows = "、".join(str(i.source.row) for i in blank[:10]) + ("…" if len(blank) > 10 else "")
        return [
            RowIssue(
                code=IssueCode.BLANK_ACCEPTANCE_CELLS,
                severity=Severity.WARNING,
                file=file,
                sheet=blank[0].source.sheet,
                row=blank[0].source.row,
                column=header,
                message=f"the {header} column is blank on {len(blank)} of {len(items)} rows (rows {rows}): "
                "they count as accepted, as listing an item is accepting it; if the unit has not decided yet, "
                "fill in 认领 / 不认领",
            )
        ]
    return [
        RowIssue(
            code=IssueCode.BLANK_ACCEPTANCE_COLUMN,
            severity=Severity.WARNING,
            file=file,
            column=header,
            message=f"the {header} column is blank on all {len(items)} rows: the unit has not said what it "
            "accepts, and each item would count as accepted; fill in 认领 / 不认领, or give the list without "
            "the column if listing an item is accepting it",
        )
    ]


def _unplaced_rows(
    own_units: Mapping[tuple[str, str], int], run_units: set[str], *, fix: str, catalogue: str
) -> list[RowIssue]:
    """Rows of the devolution list whose own 行政区划 names no unit of the run: they are matched at no unit.

    A power is matched within the unit its row names; a unit the catalogue does not hold (and no acceptance
    list is for) leaves it out of matches and gaps alike, so each (file, unit) is a loud warning.
    """
    keys = {name_key(u) for u in run_units}
    issues: list[RowIssue] = []
    for (file, unit), count in sorted(own_units.items()):
        if name_key(unit) in keys:
            continue
        theirs = _closest(unit, run_units) if run_units else "<the catalogue's 行政区划>"
        issues.append(
            _unmatched(
                file,
                unit,
                f"{count} row(s) name 行政区划 {unit}, which matches no unit of the run (catalogue "
                f"{catalogue}: {_shown(run_units)}): they are left out of matching and gaps; give the catalogue "
                f"of {unit}, or " + fix.format(ours=unit, theirs=theirs),
            )
        )
    return issues


def devolution_mode_issues(items: Sequence[PowerItem], *, file: str) -> list[RowIssue]:
    """下放方式 words that neither keep nor hand down the item: one warning per word, at its first row."""
    first: dict[str, PowerItem] = {}
    counts: Counter[str] = Counter()
    for item in items:
        mode = (item.devolution_mode or "").strip()
        if mode and not keeps_item(mode) and not hands_item(mode):
            first.setdefault(mode, item)
            counts[mode] += 1
    return [
        RowIssue(
            code=IssueCode.UNKNOWN_DEVOLUTION_MODE,
            severity=Severity.WARNING,
            file=file,
            sheet=item.source.sheet,
            row=item.source.row,
            column="下放方式",
            value=mode,
            message=f'下放方式 "{mode}" ({counts[mode]} row(s)) neither keeps the item (保留, 不下放, 上收, 市级实施 …) '
            "nor hands it down (下放, 委托, 授权, 县级实施 …): the item is taken as handed down, so it shows up as a "
            "gap; write one of those words in the list if it is kept",
        )
        for mode, item in first.items()
    ]


def unused_header_aliases(
    reports: Sequence[FileReport], aliases: Mapping[str, Sequence[str]], *, where: str = "quanze.toml"
) -> list[RowIssue]:
    """`[aliases.headers]` entries that name no column of any input: a typo there is otherwise silent.

    Each is a warning naming the alias and the headers the inputs hold that no field took.
    """
    headers = [
        c.header
        for r in reports
        for s in r.sheets
        for c in [*s.columns, *(c for b in s.column_blocks for c in b.columns)]
        if c.header
    ]
    if not headers:
        return []
    unmapped = list(
        dict.fromkeys(
            c.header for r in reports for s in r.sheets for c in s.columns if c.header and c.field is None
        )
    )
    seen = "、".join(unmapped[:8]) + (f" … ({len(unmapped)})" if len(unmapped) > 8 else "")
    issues: list[RowIssue] = []
    for fld, names in aliases.items():
        for alias in names:
            if any(names_column(alias, h) for h in headers):
                continue
            issues.append(
                RowIssue(
                    code=IssueCode.UNUSED_HEADER_ALIAS,
                    severity=Severity.WARNING,
                    file=where,
                    column="[aliases.headers]",
                    value=alias,
                    message=f'[aliases.headers] {fld} = "{alias}" names no column of any input, so {fld} is '
                    f"not read from it; headers no field took: {seen or '(none)'}; correct the spelling",
                )
            )
    return issues


def _unmatched(file: str, value: str, message: str) -> RowIssue:
    """A unit that meets no unit of the other side: a loud warning that fails `check`."""
    return RowIssue(
        code=IssueCode.UNIT_UNMATCHED,
        severity=Severity.WARNING,
        file=file,
        column="行政区划",
        value=value,
        message=message,
    )


# Where a place name before the unit can end: a province or region (某省, 某自治区), a city (岚州市, 某州, 某盟,
# 某地区). A city may itself hold such a character (岚州市), so every boundary is a candidate.
_PLACE_ENDS = ("省", "自治区", "市", "州", "盟", "地区")


def _shorter_spellings(unit: str) -> list[str]:
    """The unit without its 人民政府 suffix, without a place name before it, and without both."""
    bare = _GOVERNMENT.sub("", unit)
    found = [bare] if bare != unit and len(bare) >= 2 else []
    for text in (unit, bare):
        for end in range(2, min(len(text) - 2, 12) + 1):
            if text[:end].endswith(_PLACE_ENDS):
                found.append(text[end:])
    return list(dict.fromkeys(found))


def _closest(unit: str, candidates: Iterable[str]) -> str:
    """The catalogue unit most like the lists' one: the one to name in the fix."""
    from rapidfuzz import fuzz

    return max(sorted(candidates), key=lambda c: fuzz.partial_ratio(name_key(unit), name_key(c)))
