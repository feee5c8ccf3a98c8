"""Strings the stages together — read → match → gaps/diff → write — one `run_*` per command; never prints.

Each entry point takes the config first and returns a result that carries its `exit_code` and the input
issues; progress reaches the caller as typed `Step`s (quanze.stages).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from functools import partial
from pathlib import Path

from quanze.analysis import analyse, reading
from quanze.check import CheckResult, judge, load_baseline, require_checkable, require_same_project
from quanze.config import STARTER_CONFIG, QuanzeConfig
from quanze.decisions import now_with_zone
from quanze.diff import DiffResult, diff_lists
from quanze.errors import OutputError
from quanze.gaps import find_all, for_units
from quanze.gctune import relaxed_gc
from quanze.handover import Ledger, checklists_of, ledger
from quanze.ingest import IngestOptions, read_files
from quanze.ingest.inputcheck import unused_header_aliases
from quanze.ingest.load import read_power_lists
from quanze.ingest.readback import ReviewOutcome, filled_checklists, read_filled_checklists
from quanze.ledger import LedgerRun
from quanze.match.explain import Explanation
from quanze.models import ListKind
from quanze.outcomes import AddedLink, CacheCleared, FileLayout, HandoverOutcome, Layouts, StarterConfig
from quanze.outcomes import ValidationResult as ValidationResult  # re-exported: results of the entry points
from quanze.report.diff import write_diff
from quanze.report.files import write_new_text
from quanze.report.handover import write_checklists, write_ledger
from quanze.report.outdir import staged_out_dir
from quanze.report.reconcile import write_gaps, write_reconcile
from quanze.results import ReconcileResult
from quanze.review import add_link, apply_review, explain, keep_pending_review
from quanze.stages import Progress, Stage, begin
from quanze.tables import reconcile_result

Notice = Callable[[str], None]
"""A line for the person running quanze (a lock waited on, decisions kept): the CLI shows it on stderr."""


@contextmanager
def _out_folder(out: Path, decisions: Path | None, *, force: bool, notice: Notice | None) -> Iterator[Path]:
    """The run's staged output folder, once the analyst's pending review in `out` is safe in `decisions`."""
    with staged_out_dir(out, force=force, on_wait=notice) as folder:
        keep_pending_review(out, decisions, notice=notice)
        _keep_filled_checklists(out)
        yield folder


def _keep_filled_checklists(out: Path) -> None:
    """A run never replaces checklists the units have begun to fill in, even with --force."""
    filled = filled_checklists(out)
    if filled:
        shown = "、".join(f"{p.name}（{n} 行）" for p, n in filled[:5])
        raise OutputError(
            f"{out} holds handover checklists already filled in ({shown}); the run would replace them",
            hint=f"move them out of {out} first (`quanze handover progress` reads them wherever they are), "
            "or write this run into another --out",
        )


# validate holds the records it reads against the counts a list states about itself (stated-count-differs) up to
# this many bytes of input; past it (a million-row export) it streams them, as without that check it always did,
# and the check is left to --records, reconcile and check.
STATED_COUNT_BYTES = 50_000_000


def validate_keeps_records(files: Sequence[Path], asked: bool) -> bool:
    """Whether `validate` keeps the records it reads: when asked (--records), or when the files are small enough
    for the stated-count check to hold them (STATED_COUNT_BYTES)."""
    if asked:
        return True
    size = 0
    for path in files:
        try:
            size += path.stat().st_size
        except OSError:
            continue  # a missing file is reported by the read itself
    return size <= STATED_COUNT_BYTES


def run_validate(
    options: IngestOptions, *, files: Sequence[Path], progress: Progress | None = None
) -> ValidationResult:
    """`quanze validate`: read every file and collect its records, layout and issues."""
    on_file = reading(progress)
    reports = read_files(
        files, options, on_file=(lambda p: on_file(f"reading {p.name}")) if on_file else None
    )
    if reports:  # an alias that names no column of these files is said once, with the first file's issues
        reports[0].issues.extend(unused_header_aliases(reports, options.header_aliases))
    return ValidationResult.of(reports)


def run_inspect(
    options: IngestOptions, *, files: Sequence[Path], progress: Progress | None = None
) -> Layouts:
    """`quanze inspect`: how each file was understood (header rows, column → field); records are not kept."""
    result = run_validate(options.model_copy(update={"keep_records": False}), files=files, progress=progress)
    return Layouts([FileLayout.of(r) for r in result.files])


def run_init(path: Path, *, force: bool) -> StarterConfig:
    """`quanze init`: write a commented starter quanze.toml (refused when the file exists, unless force)."""
    write_new_text(path, STARTER_CONFIG, force=force)
    return StarterConfig(path=str(path))


def run_clear_cache(config: QuanzeConfig) -> CacheCleared:
    """`quanze cache clear`: remove the read cache of the config (or $QUANZE_CACHE); the next run reads every input again."""
    from quanze.ingest.cache import clear_configured

    root, entries = clear_configured(config.project.cache)
    return CacheCleared(folder=str(root), entries=entries)


# ---------------------------------------------------------------------------------------------- reconcile


def reconcile(
    config: QuanzeConfig, *, units: Sequence[str] | None = None, progress: Progress | None = None
) -> ReconcileResult:
    """Read the inputs, link powers to service items, and find the gaps; the library call behind `reconcile`."""
    analysis = analyse(config, units=units, progress=progress)
    return reconcile_result(analysis, find_all(analysis, config))


def _reconcile_into(
    out: Path,
    config: QuanzeConfig,
    write: Callable[[Path, ReconcileResult], object],
    *,
    force: bool,
    units: Sequence[str] | None,
    progress: Progress | None,
    notice: Notice | None = None,
) -> ReconcileResult:
    with _out_folder(out, config.project.decisions, force=force, notice=notice) as folder, relaxed_gc():
        result = reconcile(config, units=units, progress=progress)
        if units is not None:
            result = for_units(result, units)  # a unit's folder holds that unit's rows only
        begin(progress, Stage.WRITE, f"writing reports to {out}")
        write(folder, result)
    return result


def run_reconcile(
    config: QuanzeConfig,
    *,
    out: Path | None = None,
    force: bool = False,
    units: Sequence[str] | None = None,
    progress: Progress | None = None,
    ledger: LedgerRun | None = None,
    notice: Notice | None = None,
) -> ReconcileResult:
    """`quanze reconcile`: reconcile and write every report into `out` (refused when it holds files, unless force).

    The reports are written into a fresh folder beside `out` and swapped in whole. With `ledger`, the run and its gaps are then recorded in the
    整改台账 (README › Ledger).
    """
    out = out or config.project.out
    csv_encoding = config.project.csv_encoding.value
    write = partial(write_reconcile, title=config.project.name, csv_encoding=csv_encoding, notice=notice)
    result = _reconcile_into(out, config, write, force=force, units=units, progress=progress, notice=notice)
    if ledger is not None:
        begin(progress, Stage.RECORD, f"recording the run in {ledger.path}")
        ledger.record(result, units=units)
    return result


def run_check(
    config: QuanzeConfig,
    *,
    out: Path | None = None,
    force: bool = False,
    baseline: Path | None = None,
    junit: Path | None = None,
    progress: Progress | None = None,
    ledger: LedgerRun | None = None,
    notice: Notice | None = None,
) -> CheckResult:
    """`quanze check`, the nightly job: reconcile from the config, write the reports, and judge the counts against [check]."""
    out = out or config.project.out
    require_checkable(config, recorded=ledger is not None)
    before = load_baseline(baseline) if baseline is not None else None
    if before is not None and baseline is not None:
        require_same_project(config, before, baseline)
    result = run_reconcile(config, out=out, force=force, progress=progress, ledger=ledger, notice=notice)
    verdict = judge(result, config.check, before, extra=ledger.metrics() if ledger else None)
    if junit is not None:
        # After the ledger has recorded the run, so that the file says what the exit code says (overdue too).
        from quanze.report.check import write_junit  # here: only `check --junit` writes one

        write_junit(junit, verdict)
    return verdict


def run_diff(
    config: QuanzeConfig,
    *,
    old: Path,
    new: Path,
    out: Path,
    force: bool = False,
    progress: Progress | None = None,
    notice: Notice | None = None,
) -> DiffResult:
    """`quanze diff`: compare two lists item by item and write diff.csv, diff.json and diff.xlsx into `out`.

    The two files' row issues are part of the result, and so of its exit code, as `validate` would have it.
    """
    options = config.ingest_options(kind=ListKind.POWERS)
    with _out_folder(out, config.project.decisions, force=force, notice=notice) as folder:
        before, after = read_power_lists((old, new), options, reading(progress))
        result = diff_lists(before.powers, after.powers, options=config.match)
        result.issues = [*before.issues, *after.issues]
        title = f"清单比对：{old.name} → {new.name}"
        write_diff(folder, result, title=title, csv_encoding=config.project.csv_encoding.value)
    return result


# ---------------------------------------------------------------------------------------------- handover


def run_handover(
    config: QuanzeConfig,
    *,
    out: Path,
    single: bool = False,
    force: bool = False,
    progress: Progress | None = None,
    notice: Notice | None = None,
    deadline: date | None = None,
) -> HandoverOutcome:
    """`quanze handover build`: a checklist per receiving unit (and a summary) from the devolution list."""
    analysis = analyse(config, progress=progress)
    lists = checklists_of(analysis, deadline=deadline, expected=config.match.service_categories)
    begin(progress, Stage.WRITE, f"writing checklists to {out}")
    with _out_folder(out, config.project.decisions, force=force, notice=notice) as folder:
        staged = write_checklists(folder, lists, single=single, title=f"{config.project.name}：交接汇总")
    paths = [out / p.name for p in staged]
    return HandoverOutcome(
        units={u: len(r) for u, r in lists.items()},
        to_sign={u: sum(row.to_sign for row in r) for u, r in lists.items()},
        files=[str(p) for p in paths],
        issues=analysis.loaded.issues,
    )


def run_handover_progress(
    files: Sequence[Path],
    *,
    out: Path | None = None,
    force: bool = False,
    notice: Notice | None = None,
    as_of: date | None = None,
    csv_encoding: str = "utf-8-sig",
) -> Ledger:
    """`quanze handover progress`: the weekly ledger (台账) from filled-in checklists, per unit and department."""
    combined = ledger(read_filled_checklists(files), as_of=as_of)
    if out is not None:
        with _out_folder(out, None, force=force, notice=notice) as folder:
            write_ledger(folder, combined, csv_encoding=csv_encoding, as_of=as_of or date.today())
    return combined


def run_gaps(
    config: QuanzeConfig,
    *,
    out: Path,
    force: bool = False,
    units: Sequence[str] | None = None,
    progress: Progress | None = None,
    notice: Notice | None = None,
) -> ReconcileResult:
    """`quanze gaps`: find the gaps alone and write gaps.csv and gaps.xlsx into `out`."""
    title, csv_encoding = f"{config.project.name}：缺口", config.project.csv_encoding.value
    write = partial(write_gaps, title=title, csv_encoding=csv_encoding)
    return _reconcile_into(out, config, write, force=force, units=units, progress=progress, notice=notice)


# ---------------------------------------------------------------------------------------------- review


def run_review_apply(
    config: QuanzeConfig,
    *,
    workbook: Path,
    by: str | None,
    at: str | None = None,
    notice: Notice | None = None,
) -> ReviewOutcome:
    """`quanze review apply`: record the decisions of a filled-in review workbook in the decisions file."""
    return apply_review(
        workbook, config.project.decisions, by=by, at=at or now_with_zone(), config=config, notice=notice
    )


def run_review_add(
    config: QuanzeConfig,
    *,
    power: str,
    service: str,
    unit: str | None = None,
    by: str | None = None,
    at: str | None = None,
    note: str | None = None,
) -> AddedLink:
    """`quanze review add`: record a link the matcher never proposed as a confirmed decision."""
    return add_link(config, power, service, unit=unit, by=by, at=at or now_with_zone(), note=note)


def run_explain(
    config: QuanzeConfig, *, item: str, service: bool = False, unit: str | None = None
) -> Explanation:
    """`quanze explain`: how one power (or service item) named by code or name was read and linked."""
    return explain(config, item, service=service, unit=unit)
