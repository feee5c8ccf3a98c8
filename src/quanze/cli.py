"""The command-line interface: parse options, call one library function, render, exit. The only code that prints."""

from __future__ import annotations

import functools
import getpass
import os
import signal
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn, ParamSpec, TypeVar

import typer
from pydantic import BaseModel
from rich.markup import escape

from quanze import __version__, pipeline, tracking
from quanze import ledger as ledger_store
from quanze.cli_options import (
    INPUTS,
    MATCHING,
    OUTPUT,
    AcceptanceOpt,
    ByOpt,
    CatalogueOpt,
    ChainOpt,
    CheckFormat,
    ConfigOpt,
    CsvEncodingOpt,
    DbOpt,
    DecisionsOpt,
    EncodingOpt,
    FilesArg,
    FillDownOpt,
    ForceOpt,
    FormatOpt,
    HeaderOpt,
    HiddenOpt,
    KindOpt,
    LedgerFlag,
    MatchThresholdOpt,
    OpenOpt,
    OutOpt,
    OutputFormat,
    OwnOpt,
    PowersOpt,
    ReviewThresholdOpt,
    ServiceUnitOpt,
    SheetOpt,
    StreamFormat,
    StreamFormatOpt,
)
from quanze.config import (
    DEFAULT_CONFIG,
    CsvEncoding,
    Overrides,
    QuanzeConfig,
    ReadOverrides,
    build_config,
    build_ingest_options,
)
from quanze.console import Terminal
from quanze.errors import ExitCode, QuanzeError, UsageError
from quanze.ingest import IngestOptions
from quanze.ledger import LedgerRun, Period, parse_due
from quanze.models import HiddenMode, ListKind
from quanze.report.ledger import LEDGER_FILE, GroupBy

app = typer.Typer(
    name="quanze",
    help="Reconcile power lists (权责清单) with the service catalogue: ingest, match, report, check.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


term = Terminal()

P = ParamSpec("P")
R = TypeVar("R")


class _State:
    debug = False
    no_cache = False


state = _State()


def handled(func: Callable[P, R]) -> Callable[P, R]:
    """Map quanze errors to their exit codes with a message and no traceback (unless --debug)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except QuanzeError as exc:
            term.close_stages()
            if state.debug:
                raise
            term.error(f"[bold red]error:[/] {escape(str(exc))}")
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            term.err.print("interrupted; no partial output was left behind")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except (typer.Exit, typer.Abort, BrokenPipeError):
            raise
        except Exception as exc:
            term.close_stages()
            if state.debug:
                raise
            term.error(
                f"[bold red]internal error:[/] {escape(type(exc).__name__)}: {escape(str(exc))}\n"
                "  this is a bug in quanze; run again with --debug and report the traceback"
            )
            raise typer.Exit(int(ExitCode.INTERNAL)) from None
        finally:
            term.close_stages()

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
    state.debug, term.quiet, term.verbose = debug, quiet, verbose
    state.no_cache = no_cache


def _ingest_options(
    config: Path | None,
    kind: ListKind,
    header_rows: str | None,
    sheet: list[str] | None,
    encoding: str | None,
    fill_down: list[str] | None = None,
    hidden: HiddenMode | None = None,
    *,
    keep_records: bool,
) -> IngestOptions:
    read = ReadOverrides(
        kind=kind,
        header_rows=header_rows,
        sheets=tuple(sheet or ()),
        encoding=encoding,
        fill_down=tuple(fill_down or ()),
        hidden=hidden,
        keep_records=keep_records,
    )
    return build_ingest_options(config, read)


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
    # Records are kept without --records too, up to a size: stated-count-differs holds them against the counts a
    # sheet states (行政许可（11项）); --records only puts them in the JSON.
    keep = pipeline.validate_keeps_records(files, records)
    options = _ingest_options(
        config, kind, header_rows, sheet, encoding, fill_down, hidden, keep_records=keep
    )
    result = pipeline.run_validate(options, files=files, progress=term.progress)
    term.close_stages()
    if fmt is OutputFormat.JSON:
        exclude: Any = None if records else {"files": {"__all__": {"powers", "services"}}}
        term.json(result.model_dump(mode="json", exclude=exclude))
    else:
        term.validation(result)
    raise typer.Exit(int(result.exit_code))


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
    options = _ingest_options(config, kind, header_rows, sheet, encoding, None, hidden, keep_records=False)
    result = pipeline.run_inspect(options, files=files, progress=term.progress)
    _finish(fmt, result, lambda: term.layouts(result), code=result.exit_code)


# ---------------------------------------------------------------------------------------------- config


def _load_config(config: Path | None, **flags: Any) -> QuanzeConfig:
    """The config file (if any) with the command line's inputs and knobs laid over it (config.build_config)."""
    given = {k: v for k, v in flags.items() if v is not None}
    return build_config(config, Overrides(**given, no_cache=state.no_cache))


def _finish(
    fmt: StrEnum, result: BaseModel, text: Callable[[], object], *, code: ExitCode | None = None
) -> None:
    """Render a command's result: its JSON dump with --format json, else `text`; then exit with `code`, if given."""
    term.close_stages()
    if fmt == OutputFormat.JSON:
        term.json(result.model_dump(mode="json"))
    else:
        text()
    if code is not None:
        raise typer.Exit(int(code))


def _open(path: Path) -> None:
    """Open a report in the default browser or viewer; a machine without one gets a note, not an error."""
    import webbrowser  # here: a run that opens nothing does not import it (README › Scale, start-up)

    if not webbrowser.open(path.resolve().as_uri()):
        term.say(escape(f"could not open {path}; open it by hand"))


# ---------------------------------------------------------------------------------------------- reconcile


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
        ledger=ledger,
        out=out,
    )
    target = cfg.project.out
    run = LedgerRun.asked(cfg, "reconcile")
    result = pipeline.run_reconcile(
        cfg, out=target, force=force, units=unit, progress=term.progress, ledger=run, notice=term.say
    )
    term.close_stages()
    if fmt is StreamFormat.JSON:
        term.json(result.summary.model_dump(mode="json"))
    elif fmt is StreamFormat.JSONL:
        term.rows(result, matches=True)
    else:
        term.summary(result, target)
    term.recorded(run)
    term.headline(result)
    if open_report:
        _open(target / "report.html")


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
    result = pipeline.run_gaps(cfg, out=out, force=force, units=unit, progress=term.progress, notice=term.say)
    term.close_stages()
    if fmt is StreamFormat.JSON:
        term.json(result.summary.gaps)
        return
    if fmt is StreamFormat.JSONL:
        term.rows(result, matches=False)
        return
    term.gap_counts(result, out)


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
    decisions: DecisionsOpt = None,
    by: ByOpt = None,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """Record the 确认/否决 decisions of a review workbook; later runs apply them first."""
    cfg = _load_config(config, decisions=decisions)
    outcome = pipeline.run_review_apply(cfg, workbook=workbook, by=by or getpass.getuser(), notice=term.say)
    _finish(fmt, outcome, lambda: term.review_applied(outcome), code=outcome.exit_code)


@review_app.command("add")
@handled
def review_add(
    power: Annotated[str, typer.Argument(help="The power: its code or name.", show_default=False)],
    service: Annotated[str, typer.Argument(help="The service item: its code or name.", show_default=False)],
    config: ConfigOpt = None,
    unit: ServiceUnitOpt = None,
    note: Annotated[str | None, typer.Option("--note", help="Why (kept in the history).")] = None,
    decisions: DecisionsOpt = None,
    by: ByOpt = None,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """Link a power and a service item the matcher never proposed: recorded as a confirmed decision."""
    cfg = _load_config(config, decisions=decisions)
    added = pipeline.run_review_add(
        cfg, power=power, service=service, unit=unit, by=by or getpass.getuser(), note=note
    )
    _finish(fmt, added, lambda: term.link_added(added, cfg.project.decisions))


@app.command()
@handled
def explain(
    item: Annotated[
        str, typer.Argument(help="The power (or service item): its code or name.", show_default=False)
    ],
    config: ConfigOpt = None,
    service: Annotated[bool, typer.Option("--service", help="ITEM is a service item, not a power.")] = False,
    unit: ServiceUnitOpt = None,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """Why one power or service item was linked as it was: its name as compared, every candidate, decisions."""
    result = pipeline.run_explain(_load_config(config), item=item, service=service, unit=unit)
    _finish(fmt, result, lambda: term.explanation(result))


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
    result = pipeline.run_diff(
        cfg, old=old, new=new, out=out, force=force, progress=term.progress, notice=term.say
    )
    _finish(fmt, result, lambda: term.diff(result, old, new, out), code=result.exit_code)


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
    outcome = pipeline.run_handover(
        _load_config(config),
        out=out,
        single=single,
        force=force,
        progress=term.progress,
        deadline=deadline.date() if deadline else None,
        notice=term.say,
    )
    _finish(fmt, outcome, lambda: term.handover_built(outcome, out))


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
    result = pipeline.run_handover_progress(
        files,
        out=out,
        force=force,
        as_of=as_of.date() if as_of else None,
        notice=term.say,
        csv_encoding=(csv_encoding or CsvEncoding.UTF8_BOM).value,
    )
    _finish(fmt, result, lambda: term.handover_ledger(result), code=result.exit_code)


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
    cfg = _load_config(config, csv_encoding=csv_encoding, ledger=ledger, out=out)
    run = LedgerRun.asked(cfg, "check")
    target = cfg.project.out
    verdict = pipeline.run_check(
        cfg,
        out=target,
        force=force,
        baseline=baseline,
        junit=junit,
        progress=term.progress,
        ledger=run,
        notice=term.say,
    )
    term.close_stages()
    term.recorded(run)
    if fmt is CheckFormat.JSON:
        term.json(verdict.model_dump(mode="json"))
    elif fmt is CheckFormat.MARKDOWN:
        from quanze.report.check import markdown as check_markdown

        sys.stdout.write(check_markdown(verdict, title=cfg.project.name))
    else:
        term.check(verdict)
    term.check_headline(verdict)
    if open_report:
        _open(target / "report.html")
    raise typer.Exit(int(verdict.exit_code))


# ---------------------------------------------------------------------------------------------- ledger


ledger_app = typer.Typer(
    help="The 整改台账: gaps tracked from run to run, exported, filled in, reported weekly and monthly.",
    no_args_is_help=True,
)
app.add_typer(ledger_app, name="ledger")


def _ledger_path(config: Path | None, db: Path | None) -> tuple[Path, QuanzeConfig]:
    cfg = _load_config(config, ledger_db=db)
    return cfg.ledger.path, cfg


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
    _finish(fmt, outcome, lambda: term.ledger_export(outcome, out))


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
        term.json(outcome.model_dump(mode="json"))
        term.issues([*outcome.issues, *outcome.superseded])
    else:
        term.ledger_apply(outcome)
    raise typer.Exit(int(outcome.exit_code))


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
    _finish(fmt, data, lambda: term.ledger_report(data, period, files))


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
    _finish(fmt, data, lambda: term.gap_history(data))


@app.command(epilog="Example: [bold]quanze init quanze.toml[/]")
@handled
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the starter config.")] = DEFAULT_CONFIG,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the config file if it already exists.")
    ] = False,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """Write a commented starter quanze.toml."""
    written = pipeline.run_init(path, force=force)
    _finish(
        fmt, written, lambda: term.say(escape(f"wrote {path}: edit the input paths, then run `quanze check`"))
    )


cache_app = typer.Typer(help="The read cache: each input read once (README › Scale).", no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@cache_app.command("clear", epilog="Example: [bold]quanze cache clear[/]")
@handled
def cache_clear(config: ConfigOpt = None, fmt: FormatOpt = OutputFormat.TEXT) -> None:
    """Remove the read cache of the config (or $QUANZE_CACHE); the next run reads every input again."""
    cleared = pipeline.run_clear_cache(_load_config(config))
    _finish(fmt, cleared, lambda: term.say(escape(f"removed {cleared.folder} ({cleared.entries} entries)")))


units_app = typer.Typer(
    help="Receiving units as partitions: list them, reconcile each on its own.", no_args_is_help=True
)
app.add_typer(units_app, name="units")


@units_app.command(
    "list", epilog="Example: [bold]quanze units list | xargs -P 2 -I{} quanze reconcile -u {}[/]"
)
@handled
def units_list(config: ConfigOpt = None, fmt: FormatOpt = OutputFormat.TEXT) -> None:
    """Print every receiving unit of the inputs, one a line (the inputs are read into the read cache)."""
    from quanze.units_pool import unit_names

    names = unit_names(_load_config(config), progress=term.progress)
    _finish(fmt, names, lambda: term.lines(names.root))


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
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """Reconcile each receiving unit into its own folder, out/<unit>/, reading the inputs once."""
    from quanze.units_pool import units_to

    cfg = _load_config(config, out=out)
    target = cfg.project.out
    runs = units_to(
        target, cfg, units=unit, jobs=jobs, force=force, progress=term.progress, on_unit=term.unit_done
    )
    term.close_stages()
    if fmt is OutputFormat.JSON:
        term.json(runs.model_dump(mode="json"))
    term.say(escape(f"reports in {target}/<unit>/"))


def _terminated(signum: int, frame: object) -> None:
    # A CI timeout or `kill` ends the run like Ctrl-C: what is half written is removed, not left behind.
    raise KeyboardInterrupt


def _exit_code(exc: SystemExit) -> int:
    """The status SystemExit stands for, as the interpreter would exit with it (a text is printed, status 1)."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


def _leave(code: int) -> NoReturn:
    """End the process at once, with `code`, once stdout and stderr are flushed.

    By now every report is written, closed and swapped in, and every worker process joined; what is left is
    the interpreter freeing each object of the run one by one (about a gigabyte at province scale, seconds
    of work that change nothing), so it is skipped, as mypy does. Only the console script does this; the
    library and `app` (Typer's runner) return normally.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:
            # Output piped into `head` and the like: stop quietly, as Unix tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
        except (OSError, ValueError):
            pass
    os._exit(code)


def main() -> None:
    """Console-script entry point."""
    try:
        # In the try: a Ctrl-C in the moment between loading and the command ends without a traceback too.
        signal.signal(signal.SIGTERM, _terminated)
        app()
    except KeyboardInterrupt:
        # Outside a command (each one handles its own): nothing of a run was begun or is left half done.
        sys.stderr.write("interrupted; no partial output was left behind\n")
        _leave(int(ExitCode.INTERRUPTED))
    except BrokenPipeError:
        _leave(0)  # output piped into `head` and the like: stop quietly, as Unix tools do
    except SystemExit as exc:
        _leave(_exit_code(exc))
