"""Inputs read through the read cache, and the units they hold: what partitioned runs are built from."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from quanze.config import ListRole, QuanzeConfig
from quanze.errors import UnreadableInputError, UsageError
from quanze.ingest.cache import (
    NO_UNIT,
    Entry,
    EntryMeta,
    cache_folder,
    describe,
    entry_for,
    load,
    load_meta,
    store,
)
from quanze.ingest.inputcheck import reconcile_units
from quanze.ingest.options import IngestOptions
from quanze.models import FileReport, PowerItem, Provenance, RowIssue, ServiceItem
from quanze.normalize import name_key

Progress = Callable[[str], None]
ReadAll = Callable[[Sequence[tuple[Path, IngestOptions]], Progress | None], list[FileReport]]

_NOWHERE = Provenance(file="(read cache)", sheet="", row=0)


@dataclass
class UnitView:
    """The units of every input, worked out from the cache without loading the records."""

    renamed: dict[str, str]
    """A catalogue 行政区划 as written → the unit as the lists spell it (README › unit-alias)."""
    issues: list[RowIssue]
    """The unit checks a whole run makes (unit-alias, unit-unmatched)."""
    units: list[str]
    """Every receiving unit: the catalogue's 行政区划 (as the lists spell them) and the acceptance lists' units."""
    outside: frozenset[str] = frozenset()
    """Catalogue units outside the run (unit-outside-run): their items are left out."""

    @property
    def known(self) -> set[str]:
        return {name_key(u) for u in self.units}


@dataclass
class Cached:
    reports: list[FileReport]
    digests: list[str]
    units: UnitView | None
    """Set when only some units' records were loaded: the unit checks of the whole inputs."""


def _missing(path: Path) -> UnreadableInputError:
    return UnreadableInputError(
        f"{path}: no such file", hint="check the path in the config or on the command line"
    )


def _metas(
    config: QuanzeConfig,
    jobs: Sequence[tuple[Path, IngestOptions]],
    *,
    progress: Progress | None,
    read_all: ReadAll,
) -> tuple[list[EntryMeta], dict[int, FileReport], list[str], list[Entry]] | None:
    root = cache_folder(config.project.cache)
    if root is None:
        return None
    for path, _ in jobs:
        if not path.exists():
            raise _missing(path)
    entries = [entry_for(root, path, options, label=str(path)) for path, options in jobs]
    found = [load_meta(e) for e in entries]
    misses = [i for i, m in enumerate(found) if m is None]
    fresh: dict[int, FileReport] = {}
    if misses:
        for i, report in zip(misses, read_all([jobs[i] for i in misses], progress), strict=True):
            store(entries[i], report)
            fresh[i] = report
    metas = [m if m is not None else describe(entries[i], fresh[i]) for i, m in enumerate(found)]
    return metas, fresh, [e.sha256 for e in entries], entries


def run_members(config: QuanzeConfig) -> list[str]:
    """The units the run's acceptance, own and chain lists are for (not the devolution list's issuer)."""
    roles = (ListRole.ACCEPTANCE, ListRole.OWN, ListRole.CHAIN)
    return [li.unit for li in config.inputs.lists if li.unit and li.role in roles]


def unit_view(config: QuanzeConfig, metas: Sequence[EntryMeta]) -> UnitView:
    """The unit checks of a whole run, made on the units the cache entries list (no records loaded)."""
    lists = config.inputs.lists
    raw: set[str] = set()
    for ci, meta in zip(config.inputs.catalogue, metas[len(lists) :], strict=True):
        raw |= set(meta.service_partitions) - {NO_UNIT}
        if NO_UNIT in meta.service_partitions and ci.unit:
            raw.add(ci.unit)
    stubs = [ServiceItem(name="-", unit=u, source=_NOWHERE) for u in sorted(raw)]
    receiving = sorted(
        {
            r
            for li, meta in zip(lists, metas, strict=False)
            if li.role is ListRole.DEVOLUTION
            for names in meta.receiving.values()
            for r in names
        }
    )
    devolved = [PowerItem(name="-", receiving_unit=r, source=_NOWHERE) for r in receiving]
    acceptance: dict[str, list[PowerItem]] = {}
    for li in lists:
        if li.role is ListRole.ACCEPTANCE:
            acceptance.setdefault(li.unit or li.path.stem, [])
    found = reconcile_units(
        stubs,
        devolved,
        acceptance,
        aliases=config.aliases.units,
        catalogue=", ".join(str(ci.path) for ci in config.inputs.catalogue),
        given=[li.unit for li in config.inputs.lists if li.unit],
        members=run_members(config),
        own_units={
            (str(li.path), unit): count
            for li, meta in zip(lists, metas, strict=False)
            if li.role is ListRole.DEVOLUTION
            for unit, count in meta.power_partitions.items()
            if unit != NO_UNIT
        },
    )
    renamed = {u: s.unit for u, s in zip(sorted(raw), stubs, strict=True) if s.unit and s.unit != u}
    units = sorted({s.unit for s in stubs if s.unit and s.unit not in found.outside} | set(acceptance))
    return UnitView(renamed=renamed, issues=found.issues, units=units, outside=found.outside)


def read_through_cache(
    config: QuanzeConfig,
    jobs: Sequence[tuple[Path, IngestOptions]],
    *,
    units: Sequence[str] | None,
    progress: Progress | None,
    read_all: ReadAll,
) -> Cached | None:
    """The inputs' reports through the read cache; None when the cache is off.

    Files not in the cache are read (by `read_all`) and stored. With `units`, the devolution list and the
    catalogue are loaded only for those units (and their records without a 行政区划), unless lists of
    several levels make a cascade, which needs every unit.
    """
    got = _metas(config, jobs, progress=progress, read_all=read_all)
    if got is None:
        return None
    metas, reports, digests, entries = got
    lists = config.inputs.lists
    view: UnitView | None = None
    select: set[str] | None = None
    if units is not None and not any(li.level is not None for li in lists):
        view = unit_view(config, metas)
        wanted = {name_key(u) for u in units}
        select = set()
        for meta in metas:
            select |= {u for u in meta.power_partitions if name_key(u) in wanted}
            select |= {u for u in meta.service_partitions if name_key(view.renamed.get(u, u)) in wanted}
    for i, meta in enumerate(metas):
        if i in reports:
            continue
        partial = select is not None and (i >= len(lists) or lists[i].role is ListRole.DEVOLUTION)
        entry = entries[i]
        report = load(entry, meta, units=select if partial else None)
        if report is None:  # a damaged entry: read the file again
            report = read_all([jobs[i]], progress)[0]
            store(entry, report)
        elif progress is not None:
            progress(f"loaded {jobs[i][0].name} from the read cache")
        reports[i] = report
    return Cached(reports=[reports[i] for i in range(len(jobs))], digests=digests, units=view)


def receiving_units(
    config: QuanzeConfig, *, read_all: ReadAll, progress: Progress | None = None
) -> list[str]:
    """Every receiving unit of the inputs (read into the cache if need be): the partitions of a pooled run."""
    jobs = input_jobs(config)
    got = _metas(config, jobs, progress=progress, read_all=read_all)
    if got is None:
        raise UsageError(
            "running unit by unit needs the read cache (each unit would read every input again), "
            "and it is off",
            hint="run without --no-cache",
        )
    return unit_view(config, got[0]).units


def input_jobs(config: QuanzeConfig) -> list[tuple[Path, IngestOptions]]:
    """Each input file with the options it is read with, lists first, then the catalogue (as load_inputs)."""
    from quanze.models import ListKind

    jobs = [
        (li.path, config.ingest_options(kind=ListKind.POWERS, sheets=li.sheets, header_rows=li.header_rows))
        for li in config.inputs.lists
    ]
    jobs += [
        (ci.path, config.ingest_options(kind=ListKind.SERVICES, sheets=ci.sheets, header_rows=ci.header_rows))
        for ci in config.inputs.catalogue
    ]
    return jobs
