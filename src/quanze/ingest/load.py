"""Loading the inputs a config names: reading them (through the read cache, in two processes when large),
checking each holds records, and sorting the records by role (devolution, previous, acceptance, catalogue)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from quanze.config import ListInput, ListRole, QuanzeConfig
from quanze.errors import UnreadableInputError, UsageError
from quanze.ingest.acceptance_shape import acceptance_column_issues
from quanze.ingest.cache import file_digest
from quanze.ingest.inputcheck import (
    blank_acceptance_issues,
    devolution_mode_issues,
    no_catalogue_issue,
    other_unit_issues,
    reconcile_units,
    require_records,
    unused_header_aliases,
)
from quanze.ingest.options import IngestOptions
from quanze.ingest.partition import Progress, input_jobs, read_through_cache, run_members
from quanze.ingest.reader import read_file
from quanze.ingest.repeats import Input, left_out
from quanze.models import FileReport, ListKind, PowerItem, RowIssue, ServiceItem
from quanze.results import InputFile


@dataclass
class Loaded:
    devolved: list[PowerItem] = field(default_factory=list)
    previous: list[PowerItem] = field(default_factory=list)
    acceptance: dict[str, list[PowerItem]] = field(default_factory=dict)
    services: list[ServiceItem] = field(default_factory=list)
    lists: list[tuple[ListInput, list[PowerItem]]] = field(default_factory=list)
    inputs: list[InputFile] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)
    known_units: set[str] | None = None
    """Every unit of the inputs (name keys), when only some units' records were loaded."""
    left_out: dict[str, str] = field(default_factory=dict)
    """Units whose list was left out as a repeat of another input (duplicate-input), with that list's file."""


def read_input(path: Path, options: IngestOptions, progress: Progress | None) -> FileReport:
    """One input file; a missing file stops the run with the path to check."""
    if progress is not None:
        progress(f"reading {path.name}")
    if not path.exists():
        raise UnreadableInputError(
            f"{path}: no such file", hint="check the path in the config or on the command line"
        )
    return read_file(path, options, label=str(path))


def read_power_lists(
    paths: Sequence[Path], options: IngestOptions, progress: Progress | None
) -> list[FileReport]:
    """Power lists read to be compared (`diff`): one read as nothing would show every item added or
    removed, so it stops the run instead."""
    reports = [read_input(path, options, progress) for path in paths]
    for path, report in zip(paths, reports, strict=True):
        require_records(path, report, expected=ListKind.POWERS, options=options)
    return reports


PARALLEL_READ_BYTES = 256 << 10  # below this, starting a worker process costs more than it saves


def _read_batch(jobs: Sequence[tuple[Path, IngestOptions]]) -> list[FileReport]:
    return [read_file(path, options, label=str(path)) for path, options in jobs]


def read_all(jobs: Sequence[tuple[Path, IngestOptions]], progress: Progress | None) -> list[FileReport]:
    """Read the input files; when there is enough to read, half of it (by size) goes to a second process."""
    for path, _ in jobs:
        if not path.exists():
            raise UnreadableInputError(
                f"{path}: no such file", hint="check the path in the config or on the command line"
            )
    sizes = [path.stat().st_size for path, _ in jobs]
    if len(jobs) < 2 or sum(sizes) < PARALLEL_READ_BYTES or (os.cpu_count() or 1) < 2:
        return [read_input(path, options, progress) for path, options in jobs]
    # Two bins of about equal size: this process reads one, a worker the other.
    mine: list[int] = []
    theirs: list[int] = []
    for i in sorted(range(len(jobs)), key=lambda k: -sizes[k]):
        (mine if sum(sizes[k] for k in mine) <= sum(sizes[k] for k in theirs) else theirs).append(i)
    with ProcessPoolExecutor(max_workers=1) as pool:
        # One task per file, so that each file the worker finishes can be reported as it finishes.
        futures = {pool.submit(_read_batch, [jobs[i]]): i for i in theirs}
        if progress is not None:
            progress(f"reading {len(theirs)} file(s) in a second process")
        reports = {i: read_input(*jobs[i], progress) for i in mine}
        for n, future in enumerate(as_completed(futures), start=1):
            reports[futures[future]] = future.result()[0]
            if progress is not None:
                progress(f"read {jobs[futures[future]][0].name} in the second process ({n}/{len(theirs)})")
    return [reports[i] for i in range(len(jobs))]


def load_inputs(
    config: QuanzeConfig, *, units: Sequence[str] | None = None, progress: Progress | None = None
) -> Loaded:
    """Read every input the config names; a file that cannot be read stops the run.

    With the read cache on (README › Scale), each input is read once and later runs load it from the
    cache; with `units`, only those units' records of the devolution list and catalogue are loaded (the
    unit filter itself is `_only_units`, applied by `analyse`).
    """
    loaded = Loaded()
    seen: set[Path] = set()
    for path in [li.path for li in config.inputs.lists] + [ci.path for ci in config.inputs.catalogue]:
        if path.resolve() in seen:
            raise UsageError(f"{path} is given twice", hint="name each input file once")
        seen.add(path.resolve())
    jobs = input_jobs(config)
    cached = read_through_cache(config, jobs, units=units, progress=progress, read_all=read_all)
    reports = cached.reports if cached else read_all(jobs, progress)
    digests = cached.digests if cached else [file_digest(path) for path, _ in jobs]
    for (path, options), report in zip(jobs, reports, strict=True):
        require_records(path, report, expected=options.kind, options=options)
    list_units = [
        li.unit or (li.path.stem if li.role is ListRole.ACCEPTANCE else None) for li in config.inputs.lists
    ]
    repeats = left_out(
        [
            Input(str(path), role, unit, digest, report)
            for (path, _), role, unit, digest, report in zip(
                jobs,
                [li.role.value for li in config.inputs.lists] + ["catalogue"] * len(config.inputs.catalogue),
                list_units + [ci.unit for ci in config.inputs.catalogue],
                digests,
                reports,
                strict=True,
            )
        ]
    )
    loaded.issues.extend(repeats.values())
    shapes: list[tuple[FileReport, list[PowerItem], str, str]] = []  # acceptance lists, checked below
    for n, (li, report) in enumerate(zip(config.inputs.lists, reports, strict=False)):
        unit = list_units[n]
        loaded.inputs.append(
            InputFile(
                path=str(li.path), role=li.role.value, unit=unit, records=report.records, sha256=digests[n]
            )
        )
        if n in repeats:
            if unit:
                loaded.left_out[unit] = str(li.path)
            continue  # a repeat of an earlier input: said so, and not counted again
        items = report.powers
        if li.role is ListRole.ACCEPTANCE:
            loaded.issues.extend(blank_acceptance_issues(report, items, file=str(li.path)))
            shapes.append((report, items, str(li.path), unit or li.path.stem))
            loaded.issues.extend(
                other_unit_issues(
                    items,
                    unit or li.path.stem,
                    file=str(li.path),
                    parent=li.parent,
                    aliases=config.aliases.units,
                )
            )
            for item in items:
                item.unit = unit
            loaded.acceptance.setdefault(unit or li.path.stem, []).extend(items)
        elif li.role is ListRole.PREVIOUS:
            loaded.previous.extend(items)
        elif li.role is ListRole.DEVOLUTION:
            loaded.issues.extend(devolution_mode_issues(items, file=str(li.path)))
            loaded.devolved.extend(items)
        loaded.lists.append((li, items))
    for report, items, file, unit in shapes:
        # Once every devolution list is read: a list that is one of them in the wrong role is said as such.
        loaded.issues.extend(acceptance_column_issues(report, items, loaded.devolved, file=file, unit=unit))
    for n, (ci, report) in enumerate(
        zip(config.inputs.catalogue, reports[len(config.inputs.lists) :], strict=True),
        len(config.inputs.lists),
    ):
        if ci.unit and n not in repeats:
            # A catalogue given as one unit's, whose rows name no unit but whose organs name another county's.
            unnamed = [s for s in report.services if s.unit is None]
            loaded.issues.extend(
                other_unit_issues(unnamed, ci.unit, file=str(ci.path), aliases=config.aliases.units)
            )
        for s in report.services:
            if s.unit is None:
                s.unit = ci.unit
        if n not in repeats:
            loaded.services.extend(report.services)
        loaded.inputs.append(
            InputFile(
                path=str(ci.path),
                role="catalogue",
                unit=ci.unit,
                records=report.records,
                sha256=digests[n],
            )
        )
    for report in reports:
        loaded.issues.extend(report.issues)
    loaded.issues.extend(unused_header_aliases(reports, config.aliases.headers))
    if not config.inputs.catalogue:
        loaded.issues.append(no_catalogue_issue())
    if cached is not None and cached.units is not None:
        # A partial load: unit spellings are checked on every unit the files hold, as a whole run does.
        for s in loaded.services:
            s.unit = cached.units.renamed.get(s.unit or "", s.unit)
        loaded.issues.extend(cached.units.issues)
        loaded.known_units = cached.units.known
        _leave_out(loaded, cached.units.outside)
        return loaded
    found = reconcile_units(
        loaded.services,
        loaded.devolved,
        loaded.acceptance,
        aliases=config.aliases.units,
        catalogue=", ".join(str(ci.path) for ci in config.inputs.catalogue),
        given=[li.unit for li in config.inputs.lists if li.unit],
        members=run_members(config),
    )
    loaded.issues.extend(found.issues)
    _leave_out(loaded, found.outside)
    return loaded


def _leave_out(loaded: Loaded, outside: frozenset[str]) -> None:
    """Catalogue items of units outside the run (README › unit-outside-run) are not matched or counted."""
    if outside:
        loaded.services = [s for s in loaded.services if s.unit not in outside]


def inputs_for_links(config: QuanzeConfig) -> tuple[list[PowerItem], list[ServiceItem]]:
    """The powers and service items a run links: the devolution list (or the acceptance lists) and the catalogue."""
    loaded = load_inputs(config)
    powers = loaded.devolved or [p for unit in sorted(loaded.acceptance) for p in loaded.acceptance[unit]]
    return powers, loaded.services
