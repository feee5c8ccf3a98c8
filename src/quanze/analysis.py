"""The inputs read and linked: load, keep the chosen units, apply decisions, match, check acceptance, cascade."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from quanze.addressing import Addressing
from quanze.cascade import Cascade, UnitList, build_cascade
from quanze.config import ListRole, QuanzeConfig
from quanze.corrections import settle_corrections
from quanze.decisions import DecisionRecord, decision_book, load_decisions, stale_decisions
from quanze.errors import UsageError
from quanze.gaps import AcceptanceCheck, acceptance_issues
from quanze.gctune import freeze_inputs
from quanze.ingest.load import Loaded, load_inputs
from quanze.lapsed import lapsed, rejections_applied
from quanze.match import MatchResult, match_catalogue, power_key, service_key
from quanze.models import Level, PowerItem
from quanze.normalize import name_key
from quanze.stages import Progress, Stage, Step
from quanze.unlisted import receiving_units, unlisted_issues, unlisted_units


def reading(progress: Progress | None) -> Callable[[str], None] | None:
    """The reading stage's progress for ingest, which reports each file as text."""
    if progress is None:
        return None
    report = progress
    return lambda text: report(Step(Stage.READ, text))


def only_units(loaded: Loaded, units: Sequence[str]) -> None:
    wanted = {name_key(u) for u in units}
    known = {name_key(s.unit) for s in loaded.services if s.unit} | {name_key(u) for u in loaded.acceptance}
    known |= loaded.known_units or set()
    unknown = sorted(u for u in units if name_key(u) not in known)
    if unknown:
        raise UsageError(
            f"unit(s) {', '.join(unknown)} appear in no acceptance list or catalogue",
            hint="check the spelling against the 行政区划 column or the config's units",
        )
    loaded.services = [s for s in loaded.services if s.unit and name_key(s.unit) in wanted]
    loaded.acceptance = {u: items for u, items in loaded.acceptance.items() if name_key(u) in wanted}
    loaded.devolved = [p for p in loaded.devolved if not p.unit or name_key(p.unit) in wanted]


def cascade_lists(loaded: Loaded) -> list[UnitList]:
    """The lists that carry a level, one per (level, unit), with each unit's own list attached."""
    grouped: dict[tuple[Level, str], list[PowerItem]] = {}
    parents: dict[tuple[Level, str], str | None] = {}
    own: dict[tuple[Level, str], list[PowerItem]] = {}
    for li, items in loaded.lists:
        if li.level is None or li.role is ListRole.PREVIOUS:
            continue
        key = (li.level, li.unit or li.path.stem)
        if li.role is ListRole.OWN:
            own.setdefault(key, []).extend(items)
            continue
        grouped.setdefault(key, []).extend(items)
        parents[key] = parents.get(key) or li.parent
    for key, items in own.items():
        # A unit given by its own list alone (a city under a province chain): that list is what it holds.
        if key not in grouped:
            grouped[key], parents[key] = list(items), None
    return [
        UnitList(level=lv, unit=unit, items=items, parent=parents[(lv, unit)], own=own.get((lv, unit), ()))
        for (lv, unit), items in grouped.items()
    ]


@dataclass
class Analysis:
    """The inputs read and linked: what reconcile, handover and the reports are built from."""

    loaded: Loaded
    powers: list[PowerItem]
    result: MatchResult
    acceptance: AcceptanceCheck | None
    cascade: Cascade | None = None
    addressing: Addressing = field(default_factory=Addressing)
    lapsed: list[DecisionRecord] = field(default_factory=list)  # decisions on links no longer in the run
    rejections: int = 0  # 否决 in force on links of this run (applied: never proposed again)

    @property
    def units(self) -> list[str]:
        """The receiving units known from acceptance lists and the catalogue's 行政区划."""
        return sorted(set(self.loaded.acceptance) | {s.unit for s in self.loaded.services if s.unit})

    def list_units(self) -> list[tuple[str, list[PowerItem]]]:
        """Each power list with the unit that holds it, for checks within one unit's list."""
        return [
            (li.unit or li.path.stem, items)
            for li, items in self.loaded.lists
            if li.role is not ListRole.PREVIOUS
        ]


def settle_acceptance(loaded: Loaded) -> None:
    """A correction appended to a unit's list (认领 after an earlier 不认领 of one item) is its answer: the
    earlier rows leave every view of the list (quanze.corrections), and each conflict is an issue."""
    settled, issues = settle_corrections(loaded.acceptance)
    if not issues:
        return
    kept = {id(p) for items in settled.values() for p in items}
    loaded.acceptance = settled
    loaded.lists = [
        (li, [p for p in items if id(p) in kept] if li.role is ListRole.ACCEPTANCE else items)
        for li, items in loaded.lists
    ]
    loaded.issues.extend(issues)


def analyse(
    config: QuanzeConfig, *, units: Sequence[str] | None = None, progress: Progress | None = None
) -> Analysis:
    """Read the inputs, apply recorded decisions, link powers to service items and lists to each other.

    With `units`, only those receiving units are reconciled: a partition of the work that can run in its
    own process (see README › Scale).
    """
    loaded = load_inputs(config, units=units, progress=reading(progress))
    freeze_inputs()
    if units is not None:
        only_units(loaded, units)
    settle_acceptance(loaded)
    powers = loaded.devolved or [p for unit in sorted(loaded.acceptance) for p in loaded.acceptance[unit]]
    if not powers:
        raise UsageError(
            "no power list to reconcile", hint="give --powers FILE, or a devolution list in the config"
        )
    recorded = load_decisions(config.project.decisions)
    book = decision_book(recorded)
    lapsed_now: list[DecisionRecord] = []
    if units is None and recorded:  # no decisions recorded: none can be stale, no keys to build
        pkeys, skeys = {power_key(p) for p in powers}, {service_key(s) for s in loaded.services}
        loaded.issues.extend(stale_decisions(recorded, pkeys, skeys, file=str(config.project.decisions)))
        lapsed_now = lapsed(recorded, pkeys, skeys)
    addressing = Addressing(config.aliases.units)
    known_units = sorted(
        set(loaded.acceptance)
        | {s.unit for s in loaded.services if s.unit}
        | {li.unit for li, _ in loaded.lists if li.unit and li.role is not ListRole.DEVOLUTION}
        # A run for some units loads only theirs; the cache knows every unit of the inputs.
        | (loaded.known_units or set())
    )
    loaded.issues.extend(addressing.issues((p for li, items in loaded.lists for p in items), known_units))
    loaded.issues.extend(acceptance_issues(loaded.acceptance))
    if progress is not None:
        progress(Step(Stage.MATCH, f"matching {len(powers)} powers to {len(loaded.services)} service items"))
    result = match_catalogue(
        powers,
        loaded.services,
        options=config.match,
        decisions=book,
        units=sorted(loaded.acceptance),
        addressing=addressing,
    )
    if progress is not None:
        progress(Step(Stage.GAPS, "finding gaps"))
    # A unit the run knows with items devolved to it but no acceptance list, while others' lists are given.
    given = sum(li.role is ListRole.ACCEPTANCE for li in config.inputs.lists)
    wanted = None if units is None else {name_key(w) for w in units}
    unlisted = (
        unlisted_units(
            loaded.devolved,
            loaded.acceptance,
            # Receiving units: the catalogue's 行政区划 and units' own lists (another level's list is no unit).
            # And the units the devolution list names in its 承接单位 (a unit, not one of its departments).
            [
                u
                for u in receiving_units(
                    loaded.devolved,
                    {s.unit for s in loaded.services if s.unit}
                    | {li.unit for li, _ in loaded.lists if li.unit and li.role is ListRole.OWN}
                    | (loaded.known_units or set())
                    | set(loaded.acceptance),
                    addressing,
                )
                if wanted is None or name_key(u) in wanted
            ],
            addressing=addressing,
        )
        if given
        else {}
    )
    loaded.issues.extend(unlisted_issues(unlisted, loaded.devolved, given))
    acceptance = (
        AcceptanceCheck(
            loaded.devolved, loaded.acceptance, config.match, addressing=addressing, unlisted=unlisted
        )
        if (loaded.devolved and (loaded.acceptance or unlisted))
        else None
    )
    if acceptance is not None:
        loaded.issues.extend(acceptance.unmet())
        loaded.issues.extend(acceptance.near_name_issues())
        loaded.issues.extend(acceptance.code_issues())
    levels = cascade_lists(loaded)
    chained = (
        build_cascade(levels, options=config.match, addressing=addressing, left_out=loaded.left_out)
        if len({lv.level for lv in levels}) >= 2
        else None
    )
    rejected = rejections_applied(book, powers, loaded.services)
    return Analysis(loaded, powers, result, acceptance, chained, addressing, lapsed_now, rejected)
