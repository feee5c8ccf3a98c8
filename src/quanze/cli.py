"""The command-line interface: parse options, call one library function, render, exit. The only code that prints."""

from __future__ import annotations

import functools
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from quanze import __version__, pipeline
from quanze.check import CheckResult
from quanze.config import (
    DEFAULT_CONFIG,
    STARTER_CONFIG,
    CatalogueInput,
    Inputs,
    ListInput,
    ListRole,
    QuanzeConfig,
    load_config,
)
from quanze.errors import ExitCode, QuanzeError, UsageError
from quanze.ingest import IngestOptions, resolve_fields
from quanze.match import MatchOptions
from quanze.models import HiddenMode, Level, ListKind, RowIssue, Severity
from quanze.report.check import markdown as check_markdown
from quanze.report.files import write_new_text
from quanze.results import ReconcileResult

app = typer.Typer(
    name="quanze",
    help="Reconcile power lists (权责清单) with the service catalogue: ingest, match, report, check.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

err = Console(stderr=True, highlight=False)
out_console = Console(highlight=False, soft_wrap=True)

P = ParamSpec("P")
R = TypeVar("R")


class _State:
    debug = False
    quiet = False
    verbose = False


state = _State()


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def handled(func: Callable[P, R]) -> Callable[P, R]:
    """Map quanze errors to their exit codes with a message and no traceback (unless --debug)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except QuanzeError as exc:
            if state.debug:
                raise
            err.print(f"[bold red]error:[/] {exc}", markup=True)
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            err.print("interrupted; no partial output was left behind")
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, BrokenPipeError):
            raise
        except Exception as exc:
            if state.debug:
                raise
            err.print(
                f"[bold red]internal error:[/] {escape(type(exc).__name__)}: {escape(str(exc))}\n"
                "  this is a bug in quanze; run again with --debug and report the traceback"
            )
            raise typer.Exit(int(ExitCode.INTERNAL)) from None

    return wrapper


def _version(value: bool) -> None:
    if value:
        typer.echo(f"quanze {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only errors on stderr.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="More detail on stderr.")] = False,
) -> None:
    """quanze: reconcile power lists with the service catalogue."""
    state.debug, state.quiet, state.verbose = debug, quiet, verbose


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n")


def _say(message: str) -> None:
    """A line of information on stderr, unless --quiet."""
    if not state.quiet:
        err.print(message)


def _print_issues(issues: Sequence[RowIssue]) -> None:
    for i in issues:
        err.print(
            f"  [red]{i.code.value}[/] {escape(i.location())} {escape(repr(i.value))}: {escape(i.message)}"
        )


def _progress(message: str) -> None:
    """Stage messages on stderr: on a terminal, or in logs when --verbose asks for them."""
    if not state.quiet and (err.is_terminal or state.verbose):
        err.print(f"[dim]{message}[/]")


def _parse_header_rows(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    try:
        first, _, last = text.partition("-")
        top, bottom = int(first), int(last or first)
    except ValueError:
        raise UsageError(f"--header-rows {text!r} is not a row or a range", hint="write 3 or 3-4") from None
    if top < 1 or bottom < top:
        raise UsageError(f"--header-rows {text!r} is not a valid range", hint="rows count from 1: write 3-4")
    return top, bottom


KindOpt = Annotated[ListKind, typer.Option("--kind", help="What the files hold; auto tells by the headers.")]
HeaderOpt = Annotated[
    str | None,
    typer.Option("--header-rows", help="Header row or rows (1-based), e.g. 3 or 3-4; default: found."),
]
SheetOpt = Annotated[list[str] | None, typer.Option("--sheet", help="Read only this sheet (repeatable).")]
EncodingOpt = Annotated[
    str | None, typer.Option("--encoding", help="CSV encoding; default: UTF-8 or GBK, detected.")
]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format on stdout.")]
FilesArg = Annotated[list[Path], typer.Argument(help="List files (.xlsx, .xls, .csv).", show_default=False)]
HiddenOpt = Annotated[
    HiddenMode | None,
    typer.Option(
        "--hidden",
        help="Hidden sheets and rows: skip-sheets (default: hidden sheets skipped, hidden rows read), "
        "skip (both skipped) or read (both read).",
    ),
]
FillDownOpt = Annotated[
    list[str] | None,
    typer.Option("--fill-down", help="Field whose blank cells repeat the value above (repeatable)."),
]


ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Config file; default: quanze.toml here, when there is one."),
]
OutOpt = Annotated[
    Path | None, typer.Option("--out", "-o", help="Report folder; default: the config's project.out.")
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace reports already in the output folder.")]


def _ingest_options(
    config: Path | None,
    kind: ListKind,
    header_rows: str | None,
    sheet: list[str] | None,
    encoding: str | None,
    fill_down: list[str] | None = None,
    hidden: HiddenMode | None = None,
) -> IngestOptions:
    """The config's reading options and aliases (quanze.toml here, if any), with the command line's on top."""
    base = _load_config(config).ingest_options(
        kind=kind, sheets=tuple(sheet) if sheet else None, header_rows=_parse_header_rows(header_rows)
    )
    updates: dict[str, Any] = {}
    if encoding is not None:
        updates["encoding"] = encoding
    if fill_down:
        updates["fill_down"] = resolve_fields(fill_down, base.header_aliases)
    if hidden is not None:
        updates["hidden"] = hidden
    return base.model_copy(update=updates)


@app.command()
@handled
def validate(
    files: FilesArg,
    config: ConfigOpt = None,
    kind: KindOpt = ListKind.AUTO,
    header_rows: HeaderOpt = None,
    sheet: SheetOpt = None,
    encoding: EncodingOpt = None,
    fill_down: FillDownOpt = None,
    hidden: HiddenOpt = None,
    fmt: FormatOpt = OutputFormat.TEXT,
    records: Annotated[
        bool, typer.Option("--records", help="With --format json, include every record.")
    ] = False,
) -> None:
    """Read list files and report every row issue (code, sheet, row, column, value)."""
    options = _ingest_options(config, kind, header_rows, sheet, encoding, fill_down, hidden).model_copy(
        update={"keep_records": records}
    )
    result = pipeline.validate(files, options, progress=_progress)
    if fmt is OutputFormat.JSON:
        exclude: Any = None if records else {"files": {"__all__": {"powers", "services"}}}
        data = result.model_dump(mode="json", exclude=exclude)
        data["exit_code"] = int(result.exit_code)
        _print_json(data)
    else:
        _render_validation(result)
    raise typer.Exit(int(result.exit_code))


def _render_validation(result: pipeline.ValidationResult) -> None:
    for report in result.files:
        out_console.print(
            f"[bold]{report.file}[/]  ({report.kind.value}{', ' + report.encoding if report.encoding else ''})"
        )
        for layout in report.sheets:
            out_console.print(
                f"  {layout.sheet}: {layout.records} records, {layout.rejected} rejected, "
                f"{layout.skipped_structural} structural and {layout.skipped_blank} blank rows skipped"
            )
        for i in report.issues:
            if state.verbose or i.severity is not Severity.INFO:
                where = " › ".join(p for p in (i.sheet, f"row {i.row}" if i.row else None, i.column) if p)
                value = f' "{i.value}"' if i.value else ""
                colour = {"error": "red", "warning": "yellow"}.get(i.severity.value, "dim")
                out_console.print(
                    f"    [{colour}]{i.code.value}[/] {escape(where + value)}: {escape(i.message)}"
                )
    counts = ", ".join(f"{k} {v}" for k, v in result.issue_counts.items()) or "no issues"
    records = sum(r.records for r in result.files)
    out_console.print(f"{len(result.files)} file(s), {records} records; {counts}")


@app.command()
@handled
def inspect(
    files: FilesArg,
    config: ConfigOpt = None,
    kind: KindOpt = ListKind.AUTO,
    header_rows: HeaderOpt = None,
    sheet: SheetOpt = None,
    encoding: EncodingOpt = None,
    hidden: HiddenOpt = None,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """Show how quanze understood each file: header rows, column → field mapping, ignored columns."""
    options = _ingest_options(config, kind, header_rows, sheet, encoding, None, hidden).model_copy(
        update={"keep_records": False}
    )
    result = pipeline.validate(files, options, progress=_progress)
    if fmt is OutputFormat.JSON:
        _print_json(
            [
                {
                    "file": r.file,
                    "kind": r.kind.value,
                    "encoding": r.encoding,
                    "sheets": [s.model_dump(mode="json") for s in r.sheets],
                }
                for r in result.files
            ]
        )
        raise typer.Exit(
            int(ExitCode.UNREADABLE_INPUT if result.exit_code is ExitCode.UNREADABLE_INPUT else 0)
        )
    for report in result.files:
        out_console.print(
            f"[bold]{report.file}[/]  kind: {report.kind.value}"
            + (f", encoding: {report.encoding}" if report.encoding else "")
        )
        for issue in report.issues:
            if issue.code.value == "unreadable-file":
                out_console.print(f"  [red]{escape(issue.message)}[/]")
            elif issue.code.value in ("hidden-sheet", "hidden-rows"):
                where = " › ".join(p for p in (issue.sheet, issue.value) if p)
                out_console.print(f"  [yellow]{issue.code.value}[/] {escape(where)}: {escape(issue.message)}")
        for layout in report.sheets:
            if layout.hidden and not layout.columns:
                out_console.print(f"  sheet [bold]{escape(layout.sheet)}[/]: hidden, not read")
                continue
            header = (
                "-".join(str(r) for r in (layout.header_rows[:1] + layout.header_rows[-1:])) or "none found"
            )
            out_console.print(
                f"  sheet [bold]{layout.sheet}[/]: header row(s) {header}, data from row "
                f"{layout.data_start or '-'}, title rows {layout.title_rows or 'none'}"
            )
            table = Table(pad_edge=False)
            table.add_column("column")
            table.add_column("header")
            table.add_column("field")
            for cm in layout.columns:
                table.add_row(cm.column, cm.header, cm.field or "[dim](ignored)[/]")
            out_console.print(table)
    raise typer.Exit(int(ExitCode.UNREADABLE_INPUT if result.exit_code is ExitCode.UNREADABLE_INPUT else 0))


# ---------------------------------------------------------------------------------------------- config


def _list_spec(text: str, role: ListRole) -> ListInput:
    """A list from the command line: FILE, or [LEVEL:]UNIT[@PARENT]=FILE (county:东城县=东城县.xlsx)."""
    spec, sep, path = text.partition("=")
    if not sep or not spec.strip() or Path(text).exists():
        return ListInput(
            path=Path(text), role=role, unit=Path(text).stem if role is not ListRole.DEVOLUTION else None
        )
    level_text, colon, rest = spec.partition(":")
    if not colon:
        level_text, rest = "", spec
    unit, _, parent = rest.partition("@")
    try:
        level = Level(level_text.strip()) if level_text.strip() else None
    except ValueError:
        choices = ", ".join(lv.value for lv in Level)
        raise UsageError(f"{text!r}: unknown level {level_text!r}", hint=f"use one of {choices}") from None
    return ListInput(
        path=Path(path), role=role, unit=unit.strip() or None, level=level, parent=parent.strip() or None
    )


def _load_config(
    config: Path | None,
    *,
    powers: list[str] | None = None,
    catalogue: list[Path] | None = None,
    acceptance: list[str] | None = None,
    chain: list[str] | None = None,
    previous: Path | None = None,
    decisions: Path | None = None,
    match_threshold: float | None = None,
    review_threshold: float | None = None,
) -> QuanzeConfig:
    """The config file (if any) with command-line inputs and knobs laid over it."""
    if config is not None:
        cfg = load_config(config)
    elif DEFAULT_CONFIG.exists() and not powers:
        cfg = load_config(DEFAULT_CONFIG)
    else:
        cfg = QuanzeConfig()
    if powers or catalogue or acceptance or chain or previous:
        lists = [_list_spec(text, ListRole.DEVOLUTION) for text in powers or ()]
        lists += [_list_spec(text, ListRole.ACCEPTANCE) for text in acceptance or ()]
        lists += [_list_spec(text, ListRole.CHAIN) for text in chain or ()]
        if previous is not None:
            lists.append(ListInput(path=previous, role=ListRole.PREVIOUS))
        cfg = cfg.model_copy(
            update={
                "inputs": Inputs(
                    lists=tuple(lists) or cfg.inputs.lists,
                    catalogue=tuple(CatalogueInput(path=c) for c in catalogue or ()) or cfg.inputs.catalogue,
                )
            }
        )
    updates: dict[str, Any] = {}
    if decisions is not None:
        cfg = cfg.model_copy(update={"project": cfg.project.model_copy(update={"decisions": decisions})})
    if match_threshold is not None:
        updates["match_threshold"] = match_threshold
    if review_threshold is not None:
        updates["review_threshold"] = review_threshold
    if updates:
        try:
            cfg = cfg.model_copy(
                update={"match": MatchOptions.model_validate({**cfg.match.model_dump(), **updates})}
            )
        except ValidationError as exc:
            raise UsageError(
                f"thresholds: {exc.errors()[0]['msg']}", hint="keep 0 <= review <= match <= 100"
            ) from None
    return cfg


# ---------------------------------------------------------------------------------------------- reconcile


@app.command()
@handled
def reconcile(
    config: ConfigOpt = None,
    powers: Annotated[
        list[str] | None,
        typer.Option("--powers", "-p", help="Devolution list: FILE or LEVEL:UNIT=FILE (repeatable)."),
    ] = None,
    catalogue: Annotated[
        list[Path] | None, typer.Option("--catalogue", "-s", help="Service catalogue export (repeatable).")
    ] = None,
    acceptance: Annotated[
        list[str] | None,
        typer.Option(
            "--acceptance",
            "-a",
            help="A unit's acceptance list: FILE (unit = file name) or [LEVEL:]UNIT=FILE.",
        ),
    ] = None,
    chain: Annotated[
        list[str] | None,
        typer.Option(
            "--chain",
            help="Another level's list for the cascade: LEVEL:UNIT=FILE or LEVEL:UNIT@PARENT=FILE (repeatable).",
        ),
    ] = None,
    out: OutOpt = None,
    decisions: Annotated[
        Path | None, typer.Option("--decisions", help="Decisions file (default from config).")
    ] = None,
    match_threshold: Annotated[float | None, typer.Option(help="Score for `matched` (default 90).")] = None,
    review_threshold: Annotated[float | None, typer.Option(help="Score for `review` (default 65).")] = None,
    unit: Annotated[
        list[str] | None,
        typer.Option("--unit", "-u", help="Reconcile only this receiving unit (repeatable)."),
    ] = None,
    force: ForceOpt = False,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """Link powers to service items, find the gaps, and write matches, gaps and review workbooks."""
    cfg = _load_config(
        config,
        powers=powers,
        catalogue=catalogue,
        acceptance=acceptance,
        chain=chain,
        decisions=decisions,
        match_threshold=match_threshold,
        review_threshold=review_threshold,
    )
    target = out or cfg.project.out
    result = pipeline.reconcile_to(target, cfg, force=force, units=unit, progress=_progress)
    if fmt is OutputFormat.JSON:
        _print_json(result.summary.model_dump(mode="json"))
    else:
        _render_summary(result, target)


def _render_summary(result: ReconcileResult, target: Path) -> None:
    if state.quiet:
        return
    m = result.summary.match
    table = Table(title="对账结果 reconciliation", show_header=True)
    table.add_column("")
    table.add_column("count", justify="right")
    for label, value in (
        ("powers 权力事项", m.powers),
        ("service items 服务事项", m.service_items),
        ("units 单位", len(m.units)),
        ("matched links 已匹配", m.links_matched),
        ("review links 待复核", m.links_review),
        ("powers×units unmatched 未匹配", m.power_units_unmatched),
        ("orphan service items 无权力支撑", m.orphan_service_items),
        ("decisions applied 已应用决定", m.decisions_applied),
        ("invalid rows 错误行", result.summary.invalid_rows),
    ):
        table.add_row(label, str(value))
    for gap, count in result.summary.gaps.items():
        table.add_row(f"gap {gap}", str(count))
    err.print(table)
    err.print(
        f"reports written to {target}/ (review {m.links_review} links in review.xlsx, "
        f"then `quanze review apply {target / 'review.xlsx'}`)"
    )


@app.command()
@handled
def gaps(
    config: ConfigOpt = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for gaps.csv and gaps.xlsx.")] = Path(
        "out/gaps"
    ),
    unit: Annotated[list[str] | None, typer.Option("--unit", "-u", help="Only this receiving unit.")] = None,
    force: ForceOpt = False,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """Only the gaps (not-accepted, no-service-item, …): gaps.csv and gaps.xlsx, counts on the terminal."""
    result = pipeline.gaps_to(out, _load_config(config), force=force, units=unit, progress=_progress)
    if fmt is OutputFormat.JSON:
        _print_json(result.summary.gaps)
        return
    for gap, count in result.summary.gaps.items():
        out_console.print(f"{gap:22} {count:6d}")
    _say(f"gaps written to {out}/")


review_app = typer.Typer(
    help="Record analysts' decisions from a filled-in review workbook.", no_args_is_help=True
)
app.add_typer(review_app, name="review")


@review_app.command("apply")
@handled
def review_apply(
    workbook: Annotated[
        Path, typer.Argument(help="The review.xlsx with 决定 filled in.", show_default=False)
    ],
    config: ConfigOpt = None,
    decisions: Annotated[
        Path | None, typer.Option("--decisions", help="Decisions file (default from config).")
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who decided (kept in the history).")] = None,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """Record the 确认/否决 decisions of a review workbook; later runs apply them first."""
    cfg = _load_config(config, decisions=decisions)
    at = datetime.now(UTC).replace(microsecond=0).isoformat()
    outcome = pipeline.apply_review(workbook, cfg.project.decisions, by=by or getpass.getuser(), at=at)
    if fmt is OutputFormat.JSON:
        _print_json(outcome.model_dump(mode="json"))
    else:
        _say(
            f"{outcome.rows} rows read: {outcome.confirmed} 确认, {outcome.rejected} 否决, {outcome.blank} blank; "
            f"{outcome.recorded} new decision(s) recorded in {outcome.decisions_file}, "
            f"{outcome.unchanged} already recorded"
        )
        _print_issues(outcome.issues)
    raise typer.Exit(int(ExitCode.FINDINGS if outcome.issues else ExitCode.OK))


@app.command()
@handled
def diff(
    old: Annotated[
        Path, typer.Argument(help="The earlier list, or the upper level's list.", show_default=False)
    ],
    new: Annotated[
        Path, typer.Argument(help="The later list, or the receiving unit's list.", show_default=False)
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Report folder.")] = Path("out/diff"),
    config: ConfigOpt = None,
    force: ForceOpt = False,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """Compare two versions or two levels of a list: added, removed, renamed, changed, unchanged."""
    cfg = _load_config(config)
    result = pipeline.diff(
        old,
        new,
        out,
        options=cfg.ingest_options(kind=ListKind.POWERS),
        match=cfg.match,
        force=force,
        progress=_progress,
    )
    if fmt is OutputFormat.JSON:
        _print_json(result.model_dump(mode="json"))
        return
    out_lines = ", ".join(f"{k} {v}" for k, v in result.counts.items())
    typer.echo(f"{old.name} → {new.name}: {out_lines}")
    for row in result.rows:
        if row.change.value in ("added", "removed", "renamed", "changed") and not state.quiet:
            typer.echo(
                f"  {row.change.value:9} {row.code or '':16} {row.new_name or row.old_name}  {row.detail}"
            )
    _say(f"reports written to {out}/")


handover_app = typer.Typer(
    help="Handover checklists (交接清单) and their progress ledger (台账).", no_args_is_help=True
)
app.add_typer(handover_app, name="handover")


@handover_app.command("build")
@handled
def handover_build(
    config: ConfigOpt = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the checklists.")] = Path(
        "out/handover"
    ),
    single: Annotated[bool, typer.Option("--single", help="One workbook with a sheet per unit.")] = False,
    force: ForceOpt = False,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """Write a checklist per receiving unit: items, departments, service items to enter, status, signatures."""
    outcome = pipeline.handover(_load_config(config), out, single=single, force=force, progress=_progress)
    if fmt is OutputFormat.JSON:
        _print_json(outcome.model_dump(mode="json"))
        return
    for unit, count in outcome.units.items():
        out_console.print(f"{unit}: {count} items")
    _say(f"checklists written to {out}/")


@handover_app.command("progress")
@handled
def handover_progress(
    files: Annotated[list[Path], typer.Argument(help="Filled-in checklist workbooks.", show_default=False)],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Also write ledger.csv and ledger.xlsx here.")
    ] = None,
    force: ForceOpt = False,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """Read filled-in checklists back: handover progress per unit and department (the weekly ledger)."""
    result = pipeline.handover_progress(files, out, force=force)
    if fmt is OutputFormat.JSON:
        _print_json(result.model_dump(mode="json"))
    else:
        table = Table(title="交接进度 handover progress")
        for col in ("unit", "items", "done", "pending", "rate"):
            table.add_column(col, justify="left" if col == "unit" else "right")
        for r in result.by_unit:
            table.add_row(r.unit, str(r.items), str(r.done), str(r.pending), f"{r.rate:.0%}")
        out_console.print(table)
        _print_issues(result.issues)
    raise typer.Exit(int(ExitCode.FINDINGS if result.issues else ExitCode.OK))


class CheckFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


@app.command()
@handled
def check(
    config: ConfigOpt = None,
    out: OutOpt = None,
    force: ForceOpt = False,
    fmt: Annotated[CheckFormat, typer.Option("--format", "-f", help="Summary on stdout.")] = CheckFormat.TEXT,
    junit: Annotated[
        Path | None, typer.Option("--junit", help="Also write a JUnit XML file, a test per limit.")
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", help="An earlier summary.json: report what got better or worse."),
    ] = None,
) -> None:
    """Reconcile from the config, write the reports, and fail (exit 1) when a limit in [check] is exceeded."""
    cfg = _load_config(config)
    if not cfg.inputs.lists:
        raise UsageError(
            "the config names no input lists", hint="add [[inputs.lists]] blocks, or run `quanze init`"
        )
    verdict = pipeline.check(
        cfg, out or cfg.project.out, force=force, baseline=baseline, junit=junit, progress=_progress
    )
    if fmt is CheckFormat.JSON:
        _print_json(verdict.model_dump(mode="json"))
    elif fmt is CheckFormat.MARKDOWN:
        sys.stdout.write(check_markdown(verdict, title=cfg.project.name))
    else:
        _render_check(verdict)
    raise typer.Exit(int(ExitCode.OK if verdict.passed else ExitCode.FINDINGS))


def _render_check(verdict: CheckResult) -> None:
    table = Table(title="quanze check", show_header=True)
    for col in ("metric", "count", "limit", "result"):
        table.add_column(col, justify="right" if col == "count" else "left")
    for t in verdict.thresholds:
        shown = str(t.count) if t.value == t.count else f"{t.count} ({t.value:.1%})"
        table.add_row(t.name, shown, t.limit, "pass" if t.passed else "[bold red]FAIL[/]")
    out_console.print(table)
    for c in verdict.changes:
        if c.verdict != "same" and not state.quiet:
            colour = "green" if c.verdict == "better" else "red"
            out_console.print(f"  {c.metric}: {c.before} → {c.after} ([{colour}]{c.verdict}[/])")
    failed = [t.name for t in verdict.thresholds if not t.passed]
    out_console.print(
        "all limits hold" if not failed else f"[bold red]limits exceeded:[/] {', '.join(failed)}"
    )


@app.command()
@handled
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the starter config.")] = DEFAULT_CONFIG,
    force: ForceOpt = False,
) -> None:
    """Write a commented starter quanze.toml."""
    write_new_text(path, STARTER_CONFIG, force=force)
    _say(f"wrote {path}: edit the input paths, then run `quanze check`")


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
