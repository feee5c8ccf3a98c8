"""Receiving units as partitions: each unit reconciled on its own, one by one or in worker processes."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from quanze.analysis import reading
from quanze.config import QuanzeConfig
from quanze.errors import UsageError
from quanze.gctune import relaxed_gc
from quanze.ingest.load import read_all
from quanze.ingest.partition import receiving_units
from quanze.models import RowIssue
from quanze.normalize import name_key
from quanze.outcomes import UnitNames, UnitRuns
from quanze.pipeline import reconcile, run_reconcile
from quanze.report.files import file_names
from quanze.results import GapRow, MatchRow, ReconcileResult, Summary
from quanze.stages import Progress, Stage, Step


def units_of(config: QuanzeConfig, *, progress: Progress | None = None) -> list[str]:
    """Every receiving unit of the inputs; reading them into the read cache when they are not there yet."""
    return receiving_units(config, read_all=read_all, progress=reading(progress))


def unit_names(config: QuanzeConfig, *, progress: Progress | None = None) -> UnitNames:
    """`units_of` as the result of `quanze units list`."""
    return UnitNames(units_of(config, progress=progress))


def _chosen(config: QuanzeConfig, units: Sequence[str] | None, progress: Progress | None) -> list[str]:
    every = units_of(config, progress=progress)
    if not units:
        if not every:
            raise UsageError(
                "the inputs name no receiving unit (no 行政区划 in the catalogue, no acceptance list)",
                hint="reconcile them whole with `quanze reconcile`",
            )
        return every
    known = {name_key(u) for u in every}
    unknown = [u for u in units if name_key(u) not in known]
    if unknown:
        raise UsageError(
            f"unit(s) {', '.join(unknown)} appear in no acceptance list or catalogue",
            hint="`quanze units list` shows the units",
        )
    return list(units)


def reconcile_unit(config: QuanzeConfig, unit: str) -> ReconcileResult:
    """One unit's reconciliation, its records loaded from the read cache (the task a pool or Dask maps).

    The collector is relaxed for the unit as for a CLI run (pipeline._reconcile_into): at CPython's default
    thresholds every unit's young objects set off full collections that walk all the memos matching keeps
    from earlier units, which made a province's units one by one cost 1.3x the CPU of one whole run.
    """
    with relaxed_gc():
        return reconcile(config, units=[unit])


def each_unit(
    config: QuanzeConfig,
    *,
    units: Sequence[str] | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
) -> Iterator[tuple[str, ReconcileResult]]:
    """Reconcile each unit on its own, in order; `jobs` worker processes share the work.

    The inputs are read once, into the read cache; each unit then loads only its own records. A unit's
    rows equal that unit's rows of a whole run.
    """
    chosen = _chosen(config, units, progress)
    if jobs <= 1 or len(chosen) < 2:
        for unit in chosen:
            yield unit, reconcile_unit(config, unit)
        return
    # Every unit's run carries the same row issues (each file's, and the unit checks made on every unit):
    # only the first crosses back from its worker, so a pool does not pickle them once per unit.
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        keep = [True] + [False] * (len(chosen) - 1)
        issues: list[RowIssue] = []
        for unit, result in zip(chosen, pool.map(_lean, [config] * len(chosen), chosen, keep), strict=True):
            if result.issues:
                issues = result.issues
            yield unit, result.model_copy(update={"issues": issues})


def _lean(config: QuanzeConfig, unit: str, keep_issues: bool) -> ReconcileResult:
    result = reconcile_unit(config, unit)
    return result if keep_issues else result.model_copy(update={"issues": []})


@dataclass
class Combined:
    """The rows of every unit's run, put together (rows not tied to one unit appear once)."""

    units: list[str] = field(default_factory=list)
    matches: list[MatchRow] = field(default_factory=list)
    gaps: list[GapRow] = field(default_factory=list)


def combine(results: Sequence[tuple[str, ReconcileResult]]) -> Combined:
    combined = Combined()
    seen: set[str] = set()
    for unit, result in results:
        combined.units.append(unit)
        combined.matches.extend(result.matches)
        for g in result.gaps:
            key = g.model_dump_json()
            if key not in seen:
                seen.add(key)
                combined.gaps.append(g)
    return combined


def _unit_to(config: QuanzeConfig, unit: str, out: Path, force: bool) -> Summary:
    return run_reconcile(config, out=out, force=force, units=[unit]).summary


def units_to(
    out: Path,
    config: QuanzeConfig,
    *,
    units: Sequence[str] | None = None,
    jobs: int = 1,
    force: bool,
    progress: Progress | None = None,
    on_unit: Callable[[str, Summary], None] | None = None,
) -> UnitRuns:
    """`each_unit_to` run through: every unit's summary, each passed to `on_unit` as it is done."""
    done: dict[str, Summary] = {}
    for name, summary in each_unit_to(out, config, units=units, jobs=jobs, force=force, progress=progress):
        done[name] = summary
        if on_unit is not None:
            on_unit(name, summary)
    return UnitRuns(done)


def each_unit_to(
    out: Path,
    config: QuanzeConfig,
    *,
    units: Sequence[str] | None = None,
    jobs: int = 1,
    force: bool,
    progress: Progress | None = None,
) -> Iterator[tuple[str, Summary]]:
    """Reconcile each unit into its own report folder, `out/<unit>/`, one by one or in `jobs` processes."""
    chosen = _chosen(config, units, progress)
    names = file_names(chosen)
    folders = [out / names[u] for u in chosen]
    if jobs <= 1 or len(chosen) < 2:
        for unit, folder in zip(chosen, folders, strict=True):
            if progress is not None:
                progress(Step(Stage.UNIT, f"reconciling {unit}"))
            yield unit, _unit_to(config, unit, folder, force)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        n = len(chosen)
        yield from zip(chosen, pool.map(_unit_to, [config] * n, chosen, folders, [force] * n), strict=True)
