"""The command-line interface: parse options, call one library function, render, exit. The only code that prints."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from quanze import __version__, pipeline
from quanze.errors import ExitCode, QuanzeError, UsageError
from quanze.ingest import IngestOptions
from quanze.models import ListKind, Severity

app = typer.Typer(
    name="quanze",
    help="Reconcile power lists (权责清单) with the service catalogue: ingest, match, report, check.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

err = Console(stderr=True, highlight=False)
out = Console(highlight=False, soft_wrap=True)

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


def _progress(message: str) -> None:
    if not state.quiet and err.is_terminal:
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
    str | None, typer.Option("--header-rows", help="Header row or rows (1-based), e.g. 3 or 3-4; default: found.")
]
SheetOpt = Annotated[list[str] | None, typer.Option("--sheet", help="Read only this sheet (repeatable).")]
EncodingOpt = Annotated[str | None, typer.Option("--encoding", help="CSV encoding; default: UTF-8 or GBK, detected.")]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format on stdout.")]
FilesArg = Annotated[list[Path], typer.Argument(help="List files (.xlsx, .xls, .csv).", show_default=False)]
FillDownOpt = Annotated[
    list[str] | None, typer.Option("--fill-down", help="Field whose blank cells repeat the value above (repeatable).")
]


def _ingest_options(
    kind: ListKind, header_rows: str | None, sheet: list[str] | None, encoding: str | None,
    fill_down: list[str] | None = None,
) -> IngestOptions:
    return IngestOptions(
        kind=kind,
        header_rows=_parse_header_rows(header_rows),
        sheets=tuple(sheet) if sheet else None,
        encoding=encoding,
        fill_down=tuple(fill_down or ()),
    )


@app.command()
@handled
def validate(
    files: FilesArg,
    kind: KindOpt = ListKind.AUTO,
    header_rows: HeaderOpt = None,
    sheet: SheetOpt = None,
    encoding: EncodingOpt = None,
    fill_down: FillDownOpt = None,
    fmt: FormatOpt = OutputFormat.TEXT,
    records: Annotated[bool, typer.Option("--records", help="With --format json, include every record.")] = False,
) -> None:
    """Read list files and report every row issue (code, sheet, row, column, value)."""
    options = _ingest_options(kind, header_rows, sheet, encoding, fill_down)
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
        out.print(f"[bold]{report.file}[/]  ({report.kind.value}{', ' + report.encoding if report.encoding else ''})")
        for layout in report.sheets:
            out.print(
                f"  {layout.sheet}: {layout.records} records, {layout.rejected} rejected, "
                f"{layout.skipped_structural} structural and {layout.skipped_blank} blank rows skipped"
            )
        for i in report.issues:
            if state.verbose or i.severity is not Severity.INFO:
                where = " › ".join(p for p in (i.sheet, f"row {i.row}" if i.row else None, i.column) if p)
                value = f' "{i.value}"' if i.value else ""
                colour = {"error": "red", "warning": "yellow"}.get(i.severity.value, "dim")
                out.print(f"    [{colour}]{i.code.value}[/] {escape(where + value)}: {escape(i.message)}")
    counts = ", ".join(f"{k} {v}" for k, v in result.issue_counts.items()) or "no issues"
    records = sum(r.records for r in result.files)
    out.print(f"{len(result.files)} file(s), {records} records; {counts}")


@app.command()
@handled
def inspect(
    files: FilesArg,
    kind: KindOpt = ListKind.AUTO,
    header_rows: HeaderOpt = None,
    sheet: SheetOpt = None,
    encoding: EncodingOpt = None,
    fmt: FormatOpt = OutputFormat.TEXT,
) -> None:
    """Show how quanze understood each file: header rows, column → field mapping, ignored columns."""
    options = _ingest_options(kind, header_rows, sheet, encoding)
    result = pipeline.validate(files, options, progress=_progress)
    if fmt is OutputFormat.JSON:
        _print_json([
            {"file": r.file, "kind": r.kind.value, "encoding": r.encoding,
             "sheets": [s.model_dump(mode="json") for s in r.sheets]}
            for r in result.files
        ])
        raise typer.Exit(int(ExitCode.UNREADABLE_INPUT if result.exit_code is ExitCode.UNREADABLE_INPUT else 0))
    for report in result.files:
        out.print(f"[bold]{report.file}[/]  kind: {report.kind.value}"
                  + (f", encoding: {report.encoding}" if report.encoding else ""))
        for issue in report.issues:
            if issue.code.value == "unreadable-file":
                out.print(f"  [red]{issue.message}[/]")
        for layout in report.sheets:
            header = "-".join(str(r) for r in (layout.header_rows[:1] + layout.header_rows[-1:])) or "none found"
            out.print(f"  sheet [bold]{layout.sheet}[/]: header row(s) {header}, data from row "
                      f"{layout.data_start or '-'}, title rows {layout.title_rows or 'none'}")
            table = Table(pad_edge=False)
            table.add_column("column")
            table.add_column("header")
            table.add_column("field")
            for cm in layout.columns:
                table.add_row(cm.column, cm.header, cm.field or "[dim](ignored)[/]")
            out.print(table)
    raise typer.Exit(int(ExitCode.UNREADABLE_INPUT if result.exit_code is ExitCode.UNREADABLE_INPUT else 0))


def main() -> None:
    """Console-script entry point."""
    app()
