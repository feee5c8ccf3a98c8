"""Strings the stages together (ingest → normalize → match → diff/gaps → report); never prints."""

from __future__ import annotations

import getpass
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from quanze import __version__
from quanze.addressing import Addressing
from quanze.cascade import Cascade, UnitList, build_cascade
from quanze.check import CheckResult, evaluate, load_baseline, require_ledger, validate_limits
from quanze.config import STARTER_CONFIG, ListRole, QuanzeConfig
from quanze.decisions import (
    decision_book,
    load_decisions,
    now_with_zone,
    record_decisions,
    stale_decisions,
)
from quanze.diff import DiffResult, diff_lists
from quanze.errors import OutputError, QuanzeError, UnreadableInputError, UsageError
from quanze.gaps import AcceptanceCheck, catalogue_gaps, overlap_gaps, supervision_gaps, usage
from quanze.gctune import freeze_inputs, relaxed_gc
from quanze.handover import Ledger, checklists, ledger
from quanze.ingest import IngestOptions, read_files
from quanze.ingest.inputcheck import require_records
from quanze.ingest.load import Loaded, inputs_for_links, load_inputs, read_input
from quanze.ingest.readback import ReviewOutcome, read_checklists, read_review, read_review_sheet
from quanze.ledger import LedgerRun
from quanze.match import (
    MatchOptions,
    MatchResult,
    Method,
    match_catalogue,
    power_key,
    service_key,
)
from quanze.match.explain import Explanation, explain_power, explain_service
from quanze.match.manual import UnknownItem, find_power, find_service, manual_link
from quanze.models import IssueCode, Level, ListKind, PowerItem, RowIssue, Severity
from quanze.normalize import name_key
from quanze.outcomes import AddedLink, CacheCleared, FileLayout, Layouts, StarterConfig
from quanze.outcomes import HandoverOutcome as HandoverOutcome  # re-exported: results of the entry points
from quanze.outcomes import ValidationResult as ValidationResult
from quanze.report.check import write_junit
from quanze.report.diff import write_diff
from quanze.report.files import write_new_text
from quanze.report.handover import write_checklists, write_ledger
from quanze.report.outdir import staged_out_dir
from quanze.report.reconcile import write_gaps, write_reconcile
from quanze.results import GapType, ReconcileResult, Summary
from quanze.tables import match_counts, match_rows

Progress = Callable[[str], None]


def validate(
    paths: Sequence[Path], options: IngestOptions, *, progress: Progress | None = None
) -> ValidationResult:
    """Read every file and collect its records, layout and issues."""
    reports = read_files(
        paths, options, on_file=(lambda p: progress(f"reading {p.name}")) if progress else None
    )
    for r in reports:
        if not r.records and not any(i.severity is Severity.ERROR for i in r.issues):
            r.issues.append(
                RowIssue(
                    code=IssueCode.NO_RECORDS,
                    severity=Severity.WARNING,
                    file=r.file,
                    message="no item could be read from this file (a header and no rows?); "
                    "check that it is the right file, or its sheets and header rows",
                )
            )
    counts = Counter(i.code.value for r in reports for i in r.issues)
    return ValidationResult(files=reports, issue_counts=dict(sorted(counts.items())))


def inspect(paths: Sequence[Path], options: IngestOptions, *, progress: Progress | None = None) -> Layouts:
    """How each file was understood: header rows, column → field mapping; records are not kept."""
    result = validate(paths, options.model_copy(update={"keep_records": False}), progress=progress)
    return Layouts([FileLayout.of(r) for r in result.files])


def init_config(path: Path, *, force: bool) -> StarterConfig:
    """Write a commented starter quanze.toml (refused when the file exists, unless force)."""
    write_new_text(path, STARTER_CONFIG, force=force)
    return StarterConfig(path=str(path))


def clear_cache(config: QuanzeConfig) -> CacheCleared:
    """Remove the read cache of the config (or $QUANZE_CACHE); the next run reads every input again."""
    from quanze.ingest.cache import cache_folder, clear

    root = cache_folder(config.project.cache)
    if root is None:
        raise UsageError(
            "the read cache is off (--no-cache): nothing to clear", hint="run without --no-cache"
        )
    return CacheCleared(folder=str(root), entries=clear(root))


# ---------------------------------------------------------------------------------------------- reconcile


def _only_units(loaded: Loaded, units: Sequence[str]) -> None:
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


def analyse(
    config: QuanzeConfig, *, units: Sequence[str] | None = None, progress: Progress | None = None
) -> Analysis:
    """Read the inputs, apply recorded decisions, link powers to service items and lists to each other.

    With `units`, only those receiving units are reconciled: a partition of the work that can run in its
    own process (see README › Scale).
    """
    loaded = load_inputs(config, units=units, progress=progress)
    freeze_inputs()
    if units is not None:
        _only_units(loaded, units)
    powers = loaded.devolved or [p for unit in sorted(loaded.acceptance) for p in loaded.acceptance[unit]]
    if not powers:
        raise UsageError(
            "no power list to reconcile", hint="give --powers FILE, or a devolution list in the config"
        )
    recorded = load_decisions(config.project.decisions)
    book = decision_book(recorded)
    if units is None:
        loaded.issues.extend(
            stale_decisions(
                recorded,
                {power_key(p) for p in powers},
                {service_key(s) for s in loaded.services},
                file=str(config.project.decisions),
            )
        )
    addressing = Addressing(config.aliases.units)
    known_units = sorted(
        set(loaded.acceptance)
        | {s.unit for s in loaded.services if s.unit}
        | {li.unit for li, _ in loaded.lists if li.unit and li.role is not ListRole.DEVOLUTION}
        # A run for some units loads only theirs; the cache knows every unit of the inputs.
        | (loaded.known_units or set())
    )
    loaded.issues.extend(addressing.issues((p for li, items in loaded.lists for p in items), known_units))
    if progress is not None:
        progress(f"matching {len(powers)} powers to {len(loaded.services)} service items")
    result = match_catalogue(
        powers,
        loaded.services,
        options=config.match,
        decisions=book,
        units=sorted(loaded.acceptance),
        addressing=addressing,
    )
    if progress is not None:
        progress("finding gaps")
    acceptance = (
        AcceptanceCheck(loaded.devolved, loaded.acceptance, config.match, addressing=addressing)
        if (loaded.devolved and loaded.acceptance)
        else None
    )
    levels = cascade_lists(loaded)
    chained = (
        build_cascade(levels, options=config.match, addressing=addressing)
        if len({lv.level for lv in levels}) >= 2
        else None
    )
    return Analysis(loaded, powers, result, acceptance, chained, addressing)


def reconcile(
    config: QuanzeConfig, *, units: Sequence[str] | None = None, progress: Progress | None = None
) -> ReconcileResult:
    """Read the inputs, link powers to service items, and find the gaps; the library call behind `reconcile`."""
    analysis = analyse(config, units=units, progress=progress)
    loaded, powers, result, acceptance = (
        analysis.loaded,
        analysis.powers,
        analysis.result,
        analysis.acceptance,
    )
    decisions_applied = sum(1 for lk in result.links if lk.method is Method.DECISION)
    gap_rows = [
        *(acceptance.gaps() if acceptance else []),
        *catalogue_gaps(
            powers, loaded.services, result, acceptance, expected=config.match.service_categories
        ),
        *supervision_gaps(loaded.devolved, analysis.units, addressing=analysis.addressing),
        *(analysis.cascade.gaps if analysis.cascade else []),
        *overlap_gaps(analysis.list_units()),
    ]
    gap_rows.sort(key=lambda g: (list(GapType).index(g.gap_type), g.unit or "", g.source or "", g.item_name))
    counts = Counter(g.gap_type.value for g in gap_rows)
    issue_counts = Counter(i.code.value for i in loaded.issues)
    summary = Summary(
        quanze_version=__version__,
        inputs=loaded.inputs,
        match=match_counts(powers, loaded.services, result, decisions_applied),
        gaps={g.value: counts.get(g.value, 0) for g in GapType},
        invalid_rows=sum(1 for i in loaded.issues if i.severity is Severity.ERROR),
        issues=dict(sorted(issue_counts.items())),
    )
    return ReconcileResult(
        summary=summary,
        matches=match_rows(powers, loaded.services, result),
        gaps=gap_rows,
        usage=usage(loaded.services),
        acceptance=acceptance.progress() if acceptance else [],
        cascade=analysis.cascade.rows if analysis.cascade else [],
        cascade_levels=analysis.cascade.levels if analysis.cascade else [],
        issues=loaded.issues,
    )


# ---------------------------------------------------------------------------------------------- review


def add_link(
    config: QuanzeConfig,
    power: str,
    service: str,
    *,
    unit: str | None,
    by: str | None,
    at: str,
    note: str | None = None,
) -> AddedLink:
    """Record a link the matcher never proposed as a confirmed decision (`recorded`: it was new)."""
    powers, services = inputs_for_links(config)
    try:
        record = manual_link(powers, services, power, service, unit=unit, by=by, at=at, note=note)
    except UnknownItem as exc:
        raise UsageError(str(exc), hint="`quanze explain NAME` shows how an item was read") from None
    fresh = record_decisions(config.project.decisions, [record])
    return AddedLink(**record.model_dump(), recorded=bool(fresh))


def explain(
    config: QuanzeConfig, text: str, *, service: bool = False, unit: str | None = None
) -> Explanation:
    """How one power (or, with `service`, one service item) named by code or name was read and linked."""
    powers, services = inputs_for_links(config)
    loaded_units = sorted(
        {li.unit for li in config.inputs.lists if li.role is ListRole.ACCEPTANCE and li.unit}
    )
    records = load_decisions(config.project.decisions)
    try:
        if not service:
            p = find_power(powers, text)
            pi = next(i for i, x in enumerate(powers) if x is p)
            return explain_power(
                powers, services, pi, options=config.match, records=records, units=loaded_units
            )
        s = find_service(services, text, unit)
        si = next(i for i, x in enumerate(services) if x is s)
        return explain_service(
            powers, services, si, options=config.match, records=records, units=loaded_units
        )
    except UnknownItem as exc:
        hint = "for a service item add --service (and --unit where names repeat)" if not service else None
        raise UsageError(str(exc), hint=hint) from None


def apply_review(
    review: Path,
    decisions_path: Path,
    *,
    by: str | None,
    at: str,
    config: QuanzeConfig | None = None,
    notice: Progress | None = None,
) -> ReviewOutcome:
    """Record the decisions of a filled-in review workbook in the decisions file (history kept).

    With `config`, rows an analyst added by hand (links the matcher never proposed) are looked up in its inputs.
    """
    incoming, outcome = read_review(review, by=by, at=at, config=config)
    fresh = record_decisions(decisions_path, incoming, notice=notice)
    return outcome.model_copy(
        update={
            "decisions_file": str(decisions_path),
            "recorded": len(fresh),
            "unchanged": len(incoming) - len(fresh),
        }
    )


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def keep_pending_review(out: Path, decisions_path: Path | None, *, notice: Progress | None = None) -> int:
    """Record the decisions of `out/review.xlsx` that are not yet recorded, before a run replaces it.

    An analyst may fill in 决定 and rerun with --force before `review apply`: the work is kept, not wiped.
    A review workbook that cannot be read, or holds words that are not decisions, stops the run instead;
    so does one with decisions when the command knows no decisions file (`handover progress`).
    """
    review = out / "review.xlsx"
    if not review.is_file():
        return 0
    apply_hint = f"run `quanze review apply {review}` (fix what it reports), or move {review} elsewhere, then run again"
    try:
        incoming, outcome = read_review(review, by=_user(), at=now_with_zone())
    except QuanzeError as exc:
        raise OutputError(
            f"{review} would be replaced, but it cannot be read to keep its decisions ({exc.message})",
            hint=apply_hint,
        ) from None
    if outcome.issues:
        first = outcome.issues[0]
        raise OutputError(
            f"{review} holds {outcome.confirmed + outcome.rejected} decision(s) not to be lost, and "
            f"{len(outcome.issues)} cell(s) that are not decisions ({first.location()}: {first.value!r}); "
            "the run would replace it",
            hint=apply_hint,
        )
    if decisions_path is None:
        if incoming:
            raise OutputError(
                f"{review} holds {len(incoming)} filled-in decision(s) and this command would replace it",
                hint=apply_hint,
            )
        return 0
    fresh = record_decisions(decisions_path, incoming, notice=notice)
    if fresh and notice is not None:
        notice(
            f"{len(fresh)} decision(s) filled in {review} were not yet applied: recorded them in "
            f"{decisions_path} before replacing it"
        )
    return len(fresh)


def _reconcile_into(
    out: Path,
    config: QuanzeConfig,
    write: Callable[[Path, ReconcileResult], object],
    *,
    force: bool,
    units: Sequence[str] | None,
    progress: Progress | None,
    notice: Progress | None = None,
    also: Callable[[Path, ReconcileResult], object] | None = None,
) -> ReconcileResult:
    with staged_out_dir(out, force=force, on_wait=notice) as folder, relaxed_gc():
        keep_pending_review(out, config.project.decisions, notice=notice)
        result = reconcile(config, units=units, progress=progress)
        if progress is not None:
            progress(f"writing reports to {out}")
        write(folder, result)
        if also is not None:
            also(folder, result)
    return result


def reconcile_to(
    out: Path,
    config: QuanzeConfig,
    *,
    force: bool,
    units: Sequence[str] | None = None,
    progress: Progress | None = None,
    ledger: LedgerRun | None = None,
    notice: Progress | None = None,
    also: Callable[[Path, ReconcileResult], object] | None = None,
) -> ReconcileResult:
    """Reconcile and write every report into `out` (refused when `out` holds files, unless force).

    The reports are written into a fresh folder beside `out` and swapped in whole; `also` writes more
    files into that folder before the swap. With `ledger`, the run and its gaps are then recorded in the
    整改台账 (README › Ledger).
    """

    def write(folder: Path, result: ReconcileResult) -> object:
        return write_reconcile(
            folder,
            result,
            title=config.project.name,
            csv_encoding=config.project.csv_encoding.value,
            notice=notice,
        )

    result = _reconcile_into(
        out, config, write, force=force, units=units, progress=progress, notice=notice, also=also
    )
    if ledger is not None:
        if progress is not None:
            progress(f"recording the run in {ledger.path}")
        ledger.record(result, units=units)
    return result


def check(
    config: QuanzeConfig,
    out: Path,
    *,
    force: bool,
    baseline: Path | None = None,
    junit: Path | None = None,
    progress: Progress | None = None,
    ledger: LedgerRun | None = None,
    notice: Progress | None = None,
) -> CheckResult:
    """The nightly job: reconcile from the config, write the reports, and judge the counts against [check]."""
    validate_limits(config.check)
    require_ledger(config.check, recorded=ledger is not None)
    before = load_baseline(baseline) if baseline is not None else None
    inside = junit is not None and junit.parent.resolve() == out.resolve()

    def junit_inside(folder: Path, result: ReconcileResult) -> None:
        # A JUnit file inside the report folder belongs to the run: written before the swap.
        if junit is not None and inside:
            # (the ledger records the run after the swap: overdue counts are as of the last run here)
            extra = ledger.metrics() if ledger else None
            write_junit(folder / junit.name, evaluate(result.summary, config.check, before, extra=extra))

    result = reconcile_to(
        out, config, force=force, progress=progress, ledger=ledger, notice=notice, also=junit_inside
    )
    verdict = evaluate(result.summary, config.check, before, extra=ledger.metrics() if ledger else None)
    if result.acceptance:
        verdict.accepted = sum(a.accepted for a in result.acceptance)
        verdict.devolved = sum(a.devolved for a in result.acceptance)
    if junit is not None and not inside:
        write_junit(junit, verdict)
    return verdict


def diff(
    old: Path,
    new: Path,
    out: Path,
    *,
    options: IngestOptions,
    match: MatchOptions,
    force: bool,
    progress: Progress | None = None,
    notice: Progress | None = None,
    decisions: Path | None = None,
    csv_encoding: str = "utf-8-sig",
) -> DiffResult:
    """Compare two lists item by item and write diff.csv, diff.json and diff.xlsx into `out`."""
    with staged_out_dir(out, force=force, on_wait=notice) as folder:
        keep_pending_review(out, decisions, notice=notice)
        before = read_input(old, options, progress)
        after = read_input(new, options, progress)
        # A file read as nothing would show every item added or removed: stop instead.
        for path, report in ((old, before), (new, after)):
            require_records(path, report, expected=ListKind.POWERS, options=options)
        result = diff_lists(before.powers, after.powers, options=match)
        result.issues = [*before.issues, *after.issues]
        write_diff(folder, result, title=f"清单比对：{old.name} → {new.name}", csv_encoding=csv_encoding)
    return result


# ---------------------------------------------------------------------------------------------- handover


def handover(
    config: QuanzeConfig,
    out: Path,
    *,
    single: bool,
    force: bool,
    progress: Progress | None = None,
    notice: Progress | None = None,
    deadline: date | None = None,
) -> HandoverOutcome:
    """Write a handover checklist per receiving unit (and a summary) from the devolution list."""
    analysis = analyse(config, progress=progress)
    loaded = analysis.loaded
    if not loaded.devolved:
        raise UsageError("handover needs a devolution list", hint='add a list with role = "devolution"')
    units = sorted(set(loaded.acceptance) | {s.unit for s in loaded.services if s.unit})
    if not units:
        raise UsageError(
            "no receiving units: give acceptance lists or a catalogue with 行政区划",
            hint='add [[inputs.lists]] with role = "acceptance" and a unit',
        )
    lists = checklists(
        loaded.devolved, loaded.services, analysis.result, analysis.acceptance, units, deadline=deadline
    )
    if progress is not None:
        progress(f"writing checklists to {out}")
    with staged_out_dir(out, force=force, on_wait=notice) as folder:
        keep_pending_review(out, config.project.decisions, notice=notice)
        staged = write_checklists(folder, lists, single=single, title=f"{config.project.name}：交接汇总")
    paths = [out / p.name for p in staged]
    return HandoverOutcome(units={u: len(r) for u, r in lists.items()}, files=[str(p) for p in paths])


def _is_review(path: Path) -> bool:
    try:
        read_review_sheet(path)
    except QuanzeError:
        return False
    return True


def handover_progress(
    paths: Sequence[Path],
    out: Path | None,
    *,
    force: bool,
    notice: Progress | None = None,
    as_of: date | None = None,
    csv_encoding: str = "utf-8-sig",
) -> Ledger:
    """The weekly ledger (台账) from filled-in checklists: progress per unit and handing department."""
    rows = []
    for path in paths:
        found = read_checklists(path)
        if not found:
            raise UnreadableInputError(
                f"{path}: no handover checklist rows found (no table with 交接状态 and 事项名称 columns"
                + (", and this is a review workbook" if _is_review(path) else "")
                + ")",
                hint="give the checklists `quanze handover build` wrote (交接清单_….xlsx), filled in; "
                "a review.xlsx goes to `quanze review apply`",
            )
        rows.extend(found)
    combined = ledger(rows, as_of=as_of)
    if out is not None:
        with staged_out_dir(out, force=force, on_wait=notice) as folder:
            keep_pending_review(out, None, notice=notice)
            write_ledger(folder, combined, csv_encoding=csv_encoding)
    return combined


def gaps_to(
    out: Path,
    config: QuanzeConfig,
    *,
    force: bool,
    units: Sequence[str] | None = None,
    progress: Progress | None = None,
    notice: Progress | None = None,
) -> ReconcileResult:
    """Find the gaps alone and write gaps.csv and gaps.xlsx into `out`."""

    def write(folder: Path, result: ReconcileResult) -> object:
        return write_gaps(
            folder,
            result,
            title=f"{config.project.name}：缺口",
            csv_encoding=config.project.csv_encoding.value,
        )

    return _reconcile_into(out, config, write, force=force, units=units, progress=progress, notice=notice)
