"""The command-line interface: parse options, call one library function, render, exit. The only code that prints."""

from __future__ import annotations

import functools
import getpass
import json
import os
import signal
import sys
import time
import webbrowser
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from quanze import __version__, pipeline, tracking
from quanze import ledger as ledger_store
from quanze.check import LOUD_WARNINGS, CheckResult
from quanze.config import (
    DEFAULT_CONFIG,
    STARTER_CONFIG,
    CatalogueInput,
    CsvEncoding,
    Inputs,
    ListInput,
    ListRole,
    QuanzeConfig,
    load_config,
)
from quanze.errors import ExitCode, QuanzeError, UsageError
from quanze.ingest import IngestOptions, resolve_fields
from quanze.ledger import PERIOD_ZH, LedgerRun, Period, parse_due
from quanze.match import MatchOptions
from quanze.models import HiddenMode, IssueCode, Level, ListKind, RowIssue, Severity
from quanze.report.check import markdown as check_markdown
from quanze.report.files import write_new_text
from quanze.report.labels import GAP_ZH
from quanze.report.ledger import LEDGER_FILE, GroupBy
from quanze.results import GapStatus, GapType, ReconcileResult, Summary

app = typer.Typer(
    name="quanze",
    help="Reconcile power lists (权责清单) with the service catalogue: ingest, match, report, check.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

INPUTS, MATCHING, OUTPUT = "Inputs 输入", "Matching 匹配", "Output 输出"

err = Console(stderr=True, highlight=False)
out_console = Console(highlight=False, soft_wrap=True)

P = ParamSpec("P")
R = TypeVar("R")


class _Stages:
    """Progress of a run on stderr: a live line per stage on a terminal, stage timings with -v, else nothing."""

    def __init__(self, *, live: bool, timings: bool) -> None:
        self.timings = timings
        self.started = time.perf_counter()
        self.current: tuple[str, float] | None = None
        self.bar: Progress | None = None
        self.task: Any = None
        if live:
            self.bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=err,
                transient=True,
            )
            self.bar.start()

    def stage(self, message: str) -> None:
        self._end_stage()
        self.current = (message, time.perf_counter())
        if self.bar is not None:
            if self.task is None:
                self.task = self.bar.add_task(escape(message), total=None)
            else:
                self.bar.update(self.task, description=escape(message))

    def _end_stage(self) -> None:
        if self.current is not None and self.timings:
            message, began = self.current
            err.print(f"[dim]{time.perf_counter() - began:7.2f}s  {escape(message)}[/]")
        self.current = None

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
        self._end_stage()
        if self.timings:
            err.print(f"[dim]{time.perf_counter() - self.started:7.2f}s  total[/]")


class _State:
    debug = False
    quiet = False
    verbose = False
    no_cache = False
    stages: _Stages | None = None


state = _State()


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class StreamFormat(StrEnum):
    """Output formats of commands whose rows can stream: jsonl prints one JSON object per row."""

    TEXT = "text"
    JSON = "json"
    JSONL = "jsonl"


def handled(func: Callable[P, R]) -> Callable[P, R]:
    """Map quanze errors to their exit codes with a message and no traceback (unless --debug)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except QuanzeError as exc:
            _close_stages()
            if state.debug:
                raise
            err.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True)
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            err.print("interrupted; no partial output was left behind")
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, BrokenPipeError):
            raise
        except Exception as exc:
            _close_stages()
            if state.debug:
                raise
            err.print(
                f"[bold red]internal error:[/] {escape(type(exc).__name__)}: {escape(str(exc))}\n"
                "  this is a bug in quanze; run again with --debug and report the traceback"
            )
            raise typer.Exit(int(ExitCode.INTERNAL)) from None
        finally:
            _close_stages()

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
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Read every input again; neither use nor fill the read cache.")
    ] = False,
) -> None:
    """quanze: reconcile power lists with the service catalogue."""
    state.debug, state.quiet, state.verbose = debug, quiet, verbose
    state.no_cache = no_cache


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n")


def _say(message: str) -> None:
    """A line of information on stderr, unless --quiet."""
    if not state.quiet:
        err.print(message, soft_wrap=True)


def _print_issues(issues: Sequence[RowIssue]) -> None:
    for i in issues:
        err.print(
            f"  [red]{i.code.value}[/] {escape(i.location())} {escape(repr(i.value))}: {escape(i.message)}"
        )


def _progress(message: str) -> None:
    """A stage began: a live progress line on a terminal, its timing with --verbose, nothing in CI."""
    if state.quiet or not (err.is_terminal or state.verbose):
        return
    if state.stages is None:
        state.stages = _Stages(live=err.is_terminal, timings=state.verbose)
    state.stages.stage(message)


def _close_stages() -> None:
    if state.stages is not None:
        state.stages.close()
        state.stages = None


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


KindOpt = Annotated[
    ListKind,
    typer.Option("--kind", help="What the files hold; auto tells by the headers.", rich_help_panel=INPUTS),
]
HeaderOpt = Annotated[
    str | None,
    typer.Option(
        "--header-rows",
        help="Header row or rows (1-based), e.g. 3 or 3-4; default: found.",
        rich_help_panel=INPUTS,
    ),
]
SheetOpt = Annotated[
    list[str] | None,
    typer.Option("--sheet", help="Read only this sheet (repeatable).", rich_help_panel=INPUTS),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option("--encoding", help="CSV encoding; default: UTF-8 or GBK, detected.", rich_help_panel=INPUTS),
]
FormatOpt = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Output format on stdout.", rich_help_panel=OUTPUT)
]
StreamFormatOpt = Annotated[
    StreamFormat,
    typer.Option(
        "--format",
        "-f",
        help="On stdout: text, a json summary, or jsonl rows (streamed).",
        rich_help_panel=OUTPUT,
    ),
]
CsvEncodingOpt = Annotated[
    CsvEncoding | None,
    typer.Option(
        "--csv-encoding",
        help="Encoding of the CSV files written; default utf-8-sig (UTF-8 with BOM, for Excel).",
        rich_help_panel=OUTPUT,
    ),
]
OpenOpt = Annotated[bool, typer.Option("--open", help="Open report.html when done.", rich_help_panel=OUTPUT)]
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
    typer.Option(
        "--fill-down",
        help="Field whose blank cells repeat the value above (repeatable).",
        rich_help_panel=INPUTS,
    ),
]


ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="Config file; default: quanze.toml here, when there is one.",
        rich_help_panel=INPUTS,
    ),
]
OutOpt = Annotated[
    Path | None,
    typer.Option(
        "--out", "-o", help="Report folder; default: the config's project.out.", rich_help_panel=OUTPUT
    ),
]
ForceOpt = Annotated[
    bool,
    typer.Option("--force", help="Replace reports already in the output folder.", rich_help_panel=OUTPUT),
]
LedgerFlag = Annotated[
    bool | None,
    typer.Option(
        "--ledger/--no-ledger",
        help="Record the run and its gaps in the 整改台账 (default: the config's [ledger] record).",
    ),
]


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


@app.command(epilog="Example: [bold]quanze validate 市级下放事项清单.xlsx 承接清单/*.xlsx[/]")
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
    _close_stages()
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
            f"[bold]{escape(report.file)}[/]  ({report.kind.value}{', ' + report.encoding if report.encoding else ''})"
        )
        for layout in report.sheets:
            out_console.print(
                f"  {escape(layout.sheet)}: {layout.records} records, {layout.rejected} rejected, "
                f"{layout.skipped_structural} structural and {layout.skipped_blank} blank rows skipped"
                + (
                    f", {layout.merged_continuation} rows continue a merged item"
                    if layout.merged_continuation
                    else ""
                )
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


@app.command(epilog="Example: [bold]quanze inspect 市级权责清单.xlsx --sheet 市场监管局[/]")
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
    _close_stages()
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
            f"[bold]{escape(report.file)}[/]  kind: {report.kind.value}"
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
                f"  sheet [bold]{escape(layout.sheet)}[/]: header row(s) {header}, data from row "
                f"{layout.data_start or '-'}, title rows {layout.title_rows or 'none'}"
                + (f", level {escape(layout.level)} (from the sheet name)" if layout.level else "")
            )
            out_console.print(
                f"    {layout.records} records; {layout.merged_continuation} rows continue a merged item "
                f"above; {layout.skipped_structural} structural and {layout.skipped_blank} blank rows skipped"
            )
            table = Table(pad_edge=False)
            table.add_column("column")
            table.add_column("header")
            table.add_column("field")
            for cm in layout.columns:
                table.add_row(
                    escape(cm.column),
                    escape(cm.header),
                    escape(cm.field) if cm.field else "[dim](ignored)[/]",
                )
            out_console.print(table)
    raise typer.Exit(int(ExitCode.UNREADABLE_INPUT if result.exit_code is ExitCode.UNREADABLE_INPUT else 0))


# ---------------------------------------------------------------------------------------------- config


def _list_spec(text: str, role: ListRole) -> ListInput:
    """A list from the command line: FILE, or LEVEL:UNIT@PARENT=FILE (county:东城县=东城县.xlsx)."""
    spec, sep, path = text.partition("=")
    if not sep or not spec.strip() or Path(text).exists():
        if role is ListRole.OWN:
            raise UsageError(
                f"--own {text!r}: an own list needs its level and unit",
                hint="write --own LEVEL:UNIT=FILE, e.g. --own city:安平市=市级权责清单.xlsx",
            )
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
    if role is ListRole.OWN and (level is None or not unit.strip()):
        raise UsageError(
            f"--own {text!r}: an own list needs its level and unit",
            hint="write --own LEVEL:UNIT=FILE, e.g. --own city:安平市=市级权责清单.xlsx",
        )
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
    own: list[str] | None = None,
    previous: Path | None = None,
    decisions: Path | None = None,
    match_threshold: float | None = None,
    review_threshold: float | None = None,
    csv_encoding: CsvEncoding | None = None,
) -> QuanzeConfig:
    """The config file (if any) with command-line inputs and knobs laid over it."""
    if config is not None:
        cfg = load_config(config)
    elif DEFAULT_CONFIG.exists():
        # Lists given on the command line replace the config's inputs, but its [read] and [aliases]
        # still say how this office's files are read.
        cfg = load_config(DEFAULT_CONFIG)
    else:
        cfg = QuanzeConfig()
    if powers or catalogue or acceptance or chain or own or previous:
        lists = [_list_spec(text, ListRole.DEVOLUTION) for text in powers or ()]
        lists += [_list_spec(text, ListRole.ACCEPTANCE) for text in acceptance or ()]
        lists += [_list_spec(text, ListRole.CHAIN) for text in chain or ()]
        lists += [_list_spec(text, ListRole.OWN) for text in own or ()]
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
    if csv_encoding is not None:
        cfg = cfg.model_copy(
            update={"project": cfg.project.model_copy(update={"csv_encoding": csv_encoding})}
        )
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
    if state.no_cache:
        cfg = cfg.model_copy(update={"project": cfg.project.model_copy(update={"cache": None})})
    return cfg


# ---------------------------------------------------------------------------------------------- reconcile


PowersOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--powers",
        "-p",
        help="Devolution list: FILE or LEVEL:UNIT=FILE (repeatable).",
        rich_help_panel=INPUTS,
    ),
]
CatalogueOpt = Annotated[
    list[Path] | None,
    typer.Option("--catalogue", "-s", help="Service catalogue export (repeatable).", rich_help_panel=INPUTS),
]
AcceptanceOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--acceptance",
        "-a",
        rich_help_panel=INPUTS,
        help="A unit's acceptance list: FILE (unit = file name) or \\[LEVEL:]UNIT=FILE.",
    ),
]
ChainOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--chain",
        rich_help_panel=INPUTS,
        help="Another level's list for the cascade: LEVEL:UNIT=FILE or LEVEL:UNIT@PARENT=FILE (repeatable).",
    ),
]
OwnOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--own",
        rich_help_panel=INPUTS,
        help="A unit's own current power list, for held-twice: LEVEL:UNIT=FILE (repeatable).",
    ),
]
DecisionsOpt = Annotated[
    Path | None,
    typer.Option("--decisions", help="Decisions file (default from config).", rich_help_panel=MATCHING),
]
MatchThresholdOpt = Annotated[
    float | None, typer.Option(help="Score for `matched` (default 90).", rich_help_panel=MATCHING)
]
ReviewThresholdOpt = Annotated[
    float | None, typer.Option(help="Score for `review` (default 65).", rich_help_panel=MATCHING)
]


@app.command(
    epilog="Example: [bold]quanze reconcile -p 下放清单.xlsx -s 政务服务事项目录.xlsx -a 东城县=东城县.xlsx --out out[/]"
)
@handled
def reconcile(
    config: ConfigOpt = None,
    powers: PowersOpt = None,
    catalogue: CatalogueOpt = None,
    acceptance: AcceptanceOpt = None,
    chain: ChainOpt = None,
    own: OwnOpt = None,
    out: OutOpt = None,
    decisions: DecisionsOpt = None,
    match_threshold: MatchThresholdOpt = None,
    review_threshold: ReviewThresholdOpt = None,
    unit: Annotated[
        list[str] | None,
        typer.Option(
            "--unit", "-u", help="Reconcile only this receiving unit (repeatable).", rich_help_panel=MATCHING
        ),
    ] = None,
    force: ForceOpt = False,
    fmt: StreamFormatOpt = StreamFormat.TEXT,
    csv_encoding: CsvEncodingOpt = None,
    open_report: OpenOpt = False,
    ledger: LedgerFlag = None,
) -> None:
    """Link powers to service items, find the gaps, and write matches, gaps and review workbooks."""
    cfg = _load_config(
        config,
        powers=powers,
        catalogue=catalogue,
        acceptance=acceptance,
        chain=chain,
        own=own,
        decisions=decisions,
        match_threshold=match_threshold,
        review_threshold=review_threshold,
        csv_encoding=csv_encoding,
    )
    target = out or cfg.project.out
    run = ledger_run(cfg, ledger, "reconcile")
    result = pipeline.reconcile_to(
        target, cfg, force=force, units=unit, progress=_progress, ledger=run, notice=_say
    )
    _close_stages()
    if fmt is StreamFormat.JSON:
        _print_json(result.summary.model_dump(mode="json"))
    elif fmt is StreamFormat.JSONL:
        _print_rows(result, matches=True)
    else:
        _render_summary(result, target)
    _say_recorded(run)
    _say(_headline(result))
    if open_report:
        _open(target / "report.html")


def _print_rows(result: ReconcileResult, *, matches: bool) -> None:
    """One JSON object per line: match rows (kind "match") then gap rows (kind "gap"), written as they go."""
    write = sys.stdout.write
    if matches:
        for m in result.matches:
            write(json.dumps({"kind": "match", **m.model_dump(mode="json")}, ensure_ascii=False) + "\n")
    for g in result.gaps:
        write(json.dumps({"kind": "gap", **g.model_dump(mode="json")}, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _headline(result: ReconcileResult) -> str:
    """The two lines an official reads first: acceptance rate, then the gaps by type (Chinese first)."""
    accepted = sum(a.accepted for a in result.acceptance)
    devolved = sum(a.devolved for a in result.acceptance)
    return _rate_line(result.summary, accepted, devolved) + "\n" + _gap_line(result.summary)


def _rate_line(summary: Summary, accepted: int | None, devolved: int | None) -> str:
    if devolved:
        return f"承接率 {(accepted or 0) / devolved:.1%}（{accepted}/{devolved}） acceptance rate"
    m = summary.match
    return f"已匹配 {m.power_units_matched}，待复核 {m.power_units_review}，未匹配 {m.power_units_unmatched}"


def _gap_line(summary: Summary) -> str:
    gaps = "；".join(f"{GAP_ZH[GapType(k)]} {v}" for k, v in summary.gaps.items() if v) or "无"
    return f"缺口 gaps：{gaps}"


def _open(path: Path) -> None:
    """Open a report in the default browser or viewer; a machine without one gets a note, not an error."""
    if not webbrowser.open(path.resolve().as_uri()):
        _say(escape(f"could not open {path}; open it by hand"))


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
        ("orphan service items, confirmed 无权力支撑（确定）", m.orphan_service_items),
        ("decisions applied 已应用决定", m.decisions_applied),
        ("invalid rows 错误行", result.summary.invalid_rows),
    ):
        table.add_row(label, str(value))
    for gap, count in result.summary.gaps.items():
        table.add_row(f"gap {gap}", str(count))
    stale = result.summary.issues.get(IssueCode.STALE_DECISION.value, 0)
    table.add_row("decisions matching nothing 未匹配的决定", str(stale))
    err.print(table)
    for issue in result.issues:
        if issue.code in LOUD_WARNINGS:
            err.print(f"[bold yellow]warning:[/] {escape(issue.location())}: {escape(issue.message)}")
    err.print(
        escape(
            f"reports written to {target}/ (review {m.links_review} links in review.xlsx, "
            f"then `quanze review apply {target / 'review.xlsx'}`)"
        ),
        soft_wrap=True,
    )


@app.command(epilog="Example: [bold]quanze gaps --out out/gaps --unit 东城县[/]")
@handled
def gaps(
    config: ConfigOpt = None,
    powers: PowersOpt = None,
    catalogue: CatalogueOpt = None,
    acceptance: AcceptanceOpt = None,
    chain: ChainOpt = None,
    own: OwnOpt = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for gaps.csv and gaps.xlsx.")] = Path(
        "out/gaps"
    ),
    decisions: DecisionsOpt = None,
    match_threshold: MatchThresholdOpt = None,
    review_threshold: ReviewThresholdOpt = None,
    unit: Annotated[list[str] | None, typer.Option("--unit", "-u", help="Only this receiving unit.")] = None,
    force: ForceOpt = False,
    fmt: StreamFormatOpt = StreamFormat.TEXT,
    csv_encoding: CsvEncodingOpt = None,
) -> None:
    """Only the gaps (not-accepted, no-service-item, …): gaps.csv and gaps.xlsx, counts on the terminal."""
    cfg = _load_config(
        config,
        powers=powers,
        catalogue=catalogue,
        acceptance=acceptance,
        chain=chain,
        own=own,
        decisions=decisions,
        match_threshold=match_threshold,
        review_threshold=review_threshold,
        csv_encoding=csv_encoding,
    )
    result = pipeline.gaps_to(out, cfg, force=force, units=unit, progress=_progress, notice=_say)
    _close_stages()
    if fmt is StreamFormat.JSON:
        _print_json(result.summary.gaps)
        return
    if fmt is StreamFormat.JSONL:
        _print_rows(result, matches=False)
        return
    pending = Counter(g.gap_type.value for g in result.gaps if g.status is GapStatus.PENDING_REVIEW)
    for gap, count in result.summary.gaps.items():
        note = f"  ({pending[gap]} 待复核 pending review)" if pending.get(gap) else ""
        out_console.print(f"{gap:22} {count:6d}{note}")
    _say(escape(f"gaps written to {out}/"))


review_app = typer.Typer(
    help="Record analysts' decisions from a filled-in review workbook.", no_args_is_help=True
)
app.add_typer(review_app, name="review")


@review_app.command("apply", epilog="Example: [bold]quanze review apply out/review.xlsx --by 张三[/]")
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
    outcome = pipeline.apply_review(
        workbook,
        cfg.project.decisions,
        by=by or getpass.getuser(),
        at=pipeline.now_with_zone(),
        config=cfg,
        notice=_say,
    )
    if fmt is OutputFormat.JSON:
        _print_json(outcome.model_dump(mode="json"))
    else:
        _say(
            f"{outcome.rows} rows read: {outcome.confirmed} 确认, {outcome.rejected} 否决, {outcome.blank} blank; "
            f"{outcome.recorded} new decision(s) recorded in {escape(outcome.decisions_file)}, "
            f"{outcome.unchanged} already recorded"
        )
        _print_issues(outcome.issues)
    raise typer.Exit(int(ExitCode.FINDINGS if outcome.issues else ExitCode.OK))


@review_app.command("add")
@handled
def review_add(
    power: Annotated[str, typer.Argument(help="The power: its code or name.", show_default=False)],
    service: Annotated[str, typer.Argument(help="The service item: its code or name.", show_default=False)],
    config: ConfigOpt = None,
    unit: Annotated[str | None, typer.Option("--unit", "-u", help="The service item's unit.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Why (kept in the history).")] = None,
    decisions: Annotated[
        Path | None, typer.Option("--decisions", help="Decisions file (default from config).")
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who decided (kept in the history).")] = None,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """Link a power and a service item the matcher never proposed: recorded as a confirmed decision."""
    cfg = _load_config(config, decisions=decisions)
    at = pipeline.now_with_zone()
    record, new = pipeline.add_link(
        cfg, power, service, unit=unit, by=by or getpass.getuser(), at=at, note=note
    )
    if fmt is OutputFormat.JSON:
        _print_json({**record.model_dump(mode="json"), "recorded": new})
    else:
        _say(
            f"{'recorded' if new else 'already recorded'}: {record.power_name} ↔ {record.service_name} "
            f"({record.unit or '-'}) in {cfg.project.decisions}"
        )


@app.command()
@handled
def explain(
    item: Annotated[
        str, typer.Argument(help="The power (or service item): its code or name.", show_default=False)
    ],
    config: ConfigOpt = None,
    service: Annotated[bool, typer.Option("--service", help="ITEM is a service item, not a power.")] = False,
    unit: Annotated[str | None, typer.Option("--unit", "-u", help="The service item's unit.")] = None,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """Why one power or service item was linked as it was: its name as compared, every candidate, decisions."""
    result = pipeline.explain(_load_config(config), item, service=service, unit=unit)
    if fmt is OutputFormat.JSON:
        _print_json(result.model_dump(mode="json"))
        return
    out_console.print(
        f"{'权力事项' if result.kind == 'power' else '服务事项'}：{result.name}（{result.source}）"
    )
    out_console.print(
        f"  编码 {result.code or '-'}  单位 {result.unit or '-'}  类别 {result.category or '-'}"
        f"{'（处罚/强制/检查类）' if result.enforcement else ''}"
    )
    out_console.print(
        f"  比对用名称 {result.core}  办理项 {result.handling or '-'}  层级 {result.level or '-'}"
        f"  编码族 {result.family or '-'}"
    )
    if result.listed_parts:
        out_console.print(f"  列举的事项 {'、'.join(result.listed_parts)}")
    out_console.print(f"  候选 {len(result.candidates)} 个：")
    for c in result.candidates:
        score = "-" if c.score is None else f"{c.score:g}"
        out_console.print(
            f"  [{c.status}] {c.unit or '-'} {c.name}  {score} {c.method or '-'}  {c.reason}  → {c.why}",
            markup=False,
        )
    for d in result.decisions:
        out_console.print(
            f"  决定 {d.decision.value}: {d.power_name} ↔ {d.service_name} ({d.by or '-'}, {d.at or '-'})",
            markup=False,
        )


@app.command(epilog="Example: [bold]quanze diff 清单_2022.xlsx 清单_2023.xlsx --out out/diff[/]")
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
    csv_encoding: CsvEncodingOpt = None,
) -> None:
    """Compare two versions or two levels of a list: added, removed, renamed, changed, unchanged."""
    cfg = _load_config(config, csv_encoding=csv_encoding)
    result = pipeline.diff(
        old,
        new,
        out,
        options=cfg.ingest_options(kind=ListKind.POWERS),
        match=cfg.match,
        force=force,
        progress=_progress,
        notice=_say,
        decisions=cfg.project.decisions,
        csv_encoding=cfg.project.csv_encoding.value,
    )
    _close_stages()
    # The input files' row issues are part of the result: a list with invalid rows does not diff clean.
    findings = [i for i in result.issues if i.severity is not Severity.INFO]
    code = ExitCode.FINDINGS if findings else ExitCode.OK
    if fmt is OutputFormat.JSON:
        _print_json(result.model_dump(mode="json"))
        raise typer.Exit(int(code))
    out_lines = ", ".join(f"{k} {v}" for k, v in result.counts.items())
    typer.echo(f"{old.name} → {new.name}: {out_lines}")
    for row in result.rows:
        if row.change.value in ("added", "removed", "renamed", "changed") and not state.quiet:
            typer.echo(
                f"  {row.change.value:9} {row.code or '':16} {row.new_name or row.old_name}  {row.detail}"
            )
    if findings:
        err.print(f"[yellow]{len(findings)} row issue(s) in the input files:[/]")
        _print_issues(findings)
    _say(escape(f"reports written to {out}/"))
    raise typer.Exit(int(code))


handover_app = typer.Typer(
    help="Handover checklists (交接清单) and their progress ledger (台账).", no_args_is_help=True
)
app.add_typer(handover_app, name="handover")


@handover_app.command(
    "build", epilog="Example: [bold]quanze handover build --out out/handover --deadline 2026-12-31[/]"
)
@handled
def handover_build(
    config: ConfigOpt = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the checklists.")] = Path(
        "out/handover"
    ),
    single: Annotated[bool, typer.Option("--single", help="One workbook with a sheet per unit.")] = False,
    deadline: Annotated[
        datetime | None,
        typer.Option(
            "--deadline", formats=["%Y-%m-%d"], help="交接期限 printed on every item, e.g. 2026-12-31."
        ),
    ] = None,
    force: ForceOpt = False,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """Write a checklist per receiving unit: items, departments, service items to enter, status, signatures."""
    outcome = pipeline.handover(
        _load_config(config),
        out,
        single=single,
        force=force,
        progress=_progress,
        deadline=deadline.date() if deadline else None,
        notice=_say,
    )
    _close_stages()
    if fmt is OutputFormat.JSON:
        _print_json(outcome.model_dump(mode="json"))
        return
    for unit, count in outcome.units.items():
        _say(f"{escape(unit)}: {count} items")
    _say(escape(f"checklists written to {out}/"))


@handover_app.command(
    "progress",
    epilog="Example: [bold]quanze handover progress out/handover/交接清单_*.xlsx --out out/ledger[/]",
)
@handled
def handover_progress(
    files: Annotated[list[Path], typer.Argument(help="Filled-in checklist workbooks.", show_default=False)],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Also write ledger.csv and ledger.xlsx here.")
    ] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of", formats=["%Y-%m-%d"], help="Count items overdue on this date; default today."
        ),
    ] = None,
    force: ForceOpt = False,
    fmt: FormatOpt = OutputFormat.TEXT,
    csv_encoding: CsvEncodingOpt = None,
) -> None:
    """Read filled-in checklists back: handover progress per unit and department (the weekly ledger)."""
    result = pipeline.handover_progress(
        files,
        out,
        force=force,
        as_of=as_of.date() if as_of else None,
        notice=_say,
        csv_encoding=(csv_encoding or CsvEncoding.UTF8_BOM).value,
    )
    if fmt is OutputFormat.JSON:
        _print_json(result.model_dump(mode="json"))
    else:
        table = Table(title="交接进度 handover progress")
        for col in ("unit", "items", "done", "pending", "overdue", "rate"):
            table.add_column(col, justify="left" if col == "unit" else "right")
        for r in result.by_unit:
            table.add_row(
                escape(r.unit), str(r.items), str(r.done), str(r.pending), str(r.overdue), f"{r.rate:.0%}"
            )
        out_console.print(table)
        _print_issues(result.issues)
    raise typer.Exit(int(ExitCode.FINDINGS if result.issues else ExitCode.OK))


class CheckFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


@app.command(epilog="Example: [bold]quanze check --junit out/junit.xml --baseline out/last/summary.json[/]")
@handled
def check(
    config: ConfigOpt = None,
    out: OutOpt = None,
    force: ForceOpt = False,
    fmt: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="Summary on stdout.", rich_help_panel=OUTPUT)
    ] = CheckFormat.TEXT,
    junit: Annotated[
        Path | None,
        typer.Option(
            "--junit", help="Also write a JUnit XML file, a test per limit.", rich_help_panel=OUTPUT
        ),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            help="An earlier summary.json: report what got better or worse.",
            rich_help_panel=INPUTS,
        ),
    ] = None,
    csv_encoding: CsvEncodingOpt = None,
    open_report: OpenOpt = False,
    ledger: LedgerFlag = None,
) -> None:
    """Reconcile from the config, write the reports, and fail (exit 1) when a limit in \\[check] is exceeded."""
    cfg = _load_config(config, csv_encoding=csv_encoding)
    if not cfg.inputs.lists:
        raise UsageError(
            "the config names no input lists", hint="add [[inputs.lists]] blocks, or run `quanze init`"
        )
    run = ledger_run(cfg, ledger, "check")
    target = out or cfg.project.out
    verdict = pipeline.check(
        cfg,
        target,
        force=force,
        baseline=baseline,
        junit=junit,
        progress=_progress,
        ledger=run,
        notice=_say,
    )
    _close_stages()
    _say_recorded(run)
    if fmt is CheckFormat.JSON:
        _print_json(verdict.model_dump(mode="json"))
    elif fmt is CheckFormat.MARKDOWN:
        sys.stdout.write(check_markdown(verdict, title=cfg.project.name))
    else:
        _render_check(verdict)
    failed = [t.name for t in verdict.thresholds if not t.passed]
    _say(
        _rate_line(verdict.summary, verdict.accepted, verdict.devolved)
        + (
            "；检查通过 all limits hold"
            if not failed
            else f"；[bold red]超出限值 limits exceeded：[/]{escape('、'.join(failed))}"
        )
        + "\n"
        + _gap_line(verdict.summary)
    )
    if open_report:
        _open(target / "report.html")
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


# ---------------------------------------------------------------------------------------------- ledger


def ledger_run(cfg: QuanzeConfig, flag: bool | None, command: str) -> LedgerRun | None:
    """The ledger recording a run asks for: --ledger/--no-ledger, else the config's [ledger] record."""
    if not (cfg.ledger.record if flag is None else flag):
        return None
    return LedgerRun(
        path=cfg.ledger.path,
        command=command,
        project=cfg.project.name,
        due_days=cfg.ledger.due_days,
        match=cfg.match,
    )


def _say_recorded(run: LedgerRun | None) -> None:
    if run is None or run.outcome is None:
        return
    o = run.outcome
    if o.inputs_missing and o.closed:
        err.print(
            f"[yellow]warning:[/] the ledger's last run also read {', '.join(o.inputs_missing)}; "
            f"this run did not, so some of its {o.closed} closed gap(s) may be missing inputs, not fixes "
            f"(see `quanze ledger history`, and run again with every input to reopen them)"
        )
    _say(
        f"ledger {o.ledger}: run {o.run_id} recorded; {o.opened} gap(s) opened 待整改, {o.closed} closed 已销号, "
        f"{o.reopened} reopened; {o.open} open, {o.overdue} overdue"
    )


ledger_app = typer.Typer(
    help="The 整改台账: gaps tracked from run to run, exported, filled in, reported weekly and monthly.",
    no_args_is_help=True,
)
app.add_typer(ledger_app, name="ledger")

DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db", help="The ledger file; default: [ledger] path (quanze-ledger.sqlite beside the config)."
    ),
]


def _ledger_path(config: Path | None, db: Path | None) -> tuple[Path, QuanzeConfig]:
    cfg = _load_config(config)
    return (db or cfg.ledger.path), cfg


@ledger_app.command("export")
@handled
def ledger_export(
    config: ConfigOpt = None,
    db: DbOpt = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="The workbook to write.")] = Path(LEDGER_FILE),
    by: Annotated[GroupBy, typer.Option("--by", help="A sheet per unit or per department.")] = GroupBy.UNIT,
    include_closed: Annotated[bool, typer.Option("--all", help="Also list gaps already 已销号.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace the workbook if it exists.")] = False,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """Write 整改台账.xlsx: each gap with since when, status dropdown, reason, owner, 整改时限 and notes."""
    path, cfg = _ledger_path(config, db)
    outcome = tracking.export(
        path, out, by=by, include_closed=include_closed, force=force, title=cfg.project.name
    )
    if fmt is OutputFormat.JSON:
        _print_json(outcome.model_dump(mode="json"))
        return
    shown = ", ".join(f"{s} {n}" for s, n in outcome.by_status.items())
    _say(f"wrote {out}: {outcome.gaps} gap(s) ({shown}; {outcome.overdue} overdue)")


@ledger_app.command("apply")
@handled
def ledger_apply(
    workbook: Annotated[Path, typer.Argument(help="The filled-in 整改台账.xlsx.", show_default=False)],
    config: ConfigOpt = None,
    db: DbOpt = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Who made the changes (kept in the history).")
    ] = None,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """Record the statuses, reasons, owners, 整改时限 and notes of a filled-in 整改台账.xlsx (all or nothing)."""
    path, _ = _ledger_path(config, db)
    at = datetime.now(UTC).replace(microsecond=0)
    outcome = tracking.apply(path, workbook, by=by or getpass.getuser(), at=at)
    if fmt is OutputFormat.JSON:
        _print_json(outcome.model_dump(mode="json"))
    elif outcome.counts is not None:
        c = outcome.counts
        _say(
            f"{c.rows} edited row(s): {c.changed_gaps} gap(s) changed ({c.changes} change(s) recorded), "
            f"{c.unchanged} already so in the ledger"
        )
    else:
        err.print(
            f"[red]{len(outcome.issues)} bad cell(s); nothing was recorded[/] (fix them and apply again)"
        )
    _print_issues(outcome.issues)
    raise typer.Exit(int(ExitCode.FINDINGS if outcome.issues else ExitCode.OK))


def _since(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(parse_due(text))
    except ValueError:
        raise UsageError(f"--since {text!r} is not a date", hint="write it as 2026-11-01") from None


@ledger_app.command("report")
@handled
def ledger_report(
    period: Annotated[Period, typer.Option("--period", help="周报 (week) or 月通报 (month).")] = Period.WEEK,
    since: Annotated[
        str | None, typer.Option("--since", help="First day to report (default: the first run).")
    ] = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for 周报/月通报 .xlsx and .json.")] = Path(
        "out/整改报告"
    ),
    force: ForceOpt = False,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """The 周报/月通报: gaps opened, closed, open and overdue per unit and department, with trend charts."""
    path, cfg = _ledger_path(config, db)
    data, files = tracking.report(path, out, period, since=_since(since), force=force, title=cfg.project.name)
    if fmt is OutputFormat.JSON:
        _print_json(data.model_dump(mode="json"))
        return
    table = Table(title=f"{PERIOD_ZH[period]} {data.periods[-1].period if data.periods else ''}")
    for col in ("rank", "unit", "open", "overdue", "opened", "closed"):
        table.add_column(col, justify="left" if col == "unit" else "right")
    for r in data.ranking:
        table.add_row(str(r.rank), r.unit, str(r.open), str(r.overdue), str(r.opened), str(r.closed))
    for r in data.not_ranked:  # upper levels and 跨单位 gaps: listed, not ranked
        table.add_row("—", f"{r.unit}（{r.note}）", str(r.open), str(r.overdue), str(r.opened), str(r.closed))
    out_console.print(table)
    _say(f"written: {', '.join(str(f) for f in files)}")


@ledger_app.command("history")
@handled
def ledger_history(
    gap: Annotated[str, typer.Argument(help="The gap's 编号 (G-…).", show_default=False)],
    config: ConfigOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """Every change of one gap: when it opened, closed, reopened, who changed its status and why."""
    path, _ = _ledger_path(config, db)
    data = ledger_store.history(path, gap)
    if fmt is OutputFormat.JSON:
        _print_json(data.model_dump(mode="json"))
        return
    g = data.gap
    out_console.print(
        f"[bold]{g.id}[/] {escape(g.gap_type.value)} · {escape(g.unit or '-')} · {escape(g.item_name)}: "
        f"{g.status}{' (overdue)' if g.overdue else ''}, 整改时限 {g.due or '-'}"
    )
    table = Table()
    for col in ("at", "event", "status", "change", "by", "reason"):
        table.add_column(col)
    for e in data.events:
        change = f"{e.field}: {e.old or ''} → {e.new or ''}" if e.field else ""
        who = e.by or (f"run {e.run_id}" if e.run_id else "")
        table.add_row(e.at, e.kind, e.status, escape(change), escape(who), escape(e.reason or ""))
    out_console.print(table)


@app.command(epilog="Example: [bold]quanze init quanze.toml[/]")
@handled
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the starter config.")] = DEFAULT_CONFIG,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the config file if it already exists.")
    ] = False,
) -> None:
    """Write a commented starter quanze.toml."""
    write_new_text(path, STARTER_CONFIG, force=force)
    _say(escape(f"wrote {path}: edit the input paths, then run `quanze check`"))


cache_app = typer.Typer(help="The read cache: each input read once (README › Scale).", no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@cache_app.command("clear", epilog="Example: [bold]quanze cache clear[/]")
@handled
def cache_clear(config: ConfigOpt = None) -> None:
    """Remove the read cache of the config (or $QUANZE_CACHE); the next run reads every input again."""
    from quanze.ingest.cache import cache_folder, clear

    root = cache_folder(_load_config(config).project.cache)
    if root is None:
        raise UsageError(
            "the read cache is off (--no-cache): nothing to clear", hint="run without --no-cache"
        )
    _say(escape(f"removed {root} ({clear(root)} entries)"))


units_app = typer.Typer(
    help="Receiving units as partitions: list them, reconcile each on its own.", no_args_is_help=True
)
app.add_typer(units_app, name="units")


@units_app.command(
    "list", epilog="Example: [bold]quanze units list | xargs -P 2 -I{} quanze reconcile -u {}[/]"
)
@handled
def units_list(config: ConfigOpt = None) -> None:
    """Print every receiving unit of the inputs, one a line (the inputs are read into the read cache)."""
    from quanze.units_pool import units_of

    for unit in units_of(_load_config(config), progress=_progress):
        out_console.print(unit, markup=False, highlight=False)


@units_app.command("run", epilog="Example: [bold]quanze units run --jobs 2 --out out/units[/]")
@handled
def units_run(
    config: ConfigOpt = None,
    out: OutOpt = None,
    unit: Annotated[
        list[str] | None,
        typer.Option("--unit", "-u", help="Only this unit (repeatable); default every unit."),
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes.")] = 1,
    force: ForceOpt = False,
) -> None:
    """Reconcile each receiving unit into its own folder, out/<unit>/, reading the inputs once."""
    from quanze.units_pool import each_unit_to

    cfg = _load_config(config)
    target = out or cfg.project.out
    for name, summary in each_unit_to(target, cfg, units=unit, jobs=jobs, force=force, progress=_progress):
        m = summary.match
        _say(
            escape(
                f"{name}: 已匹配 {m.power_units_matched}，待复核 {m.power_units_review}，"
                f"未匹配 {m.power_units_unmatched}，缺口 {sum(summary.gaps.values())}"
            )
        )
    _say(escape(f"reports in {target}/<unit>/"))


def _terminated(signum: int, frame: object) -> None:
    # A CI timeout or `kill` ends the run like Ctrl-C: what is half written is removed, not left behind.
    raise KeyboardInterrupt


def main() -> None:
    """Console-script entry point."""
    signal.signal(signal.SIGTERM, _terminated)
    try:
        app()
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
