"""The command line's shared options, declared once: output formats and the typed `Annotated` aliases the
commands in quanze.cli reuse (so a flag reads and defaults the same in every command that takes it)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from quanze.config import CsvEncoding
from quanze.models import HiddenMode, ListKind

INPUTS, MATCHING, OUTPUT = "Inputs 输入", "Matching 匹配", "Output 输出"


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class StreamFormat(StrEnum):
    """Output formats of commands whose rows can stream: jsonl prints one JSON object per row."""

    TEXT = "text"
    JSON = "json"
    JSONL = "jsonl"


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
ByOpt = Annotated[str | None, typer.Option("--by", help="Who decided (kept in the history).")]
ServiceUnitOpt = Annotated[str | None, typer.Option("--unit", "-u", help="The service item's unit.")]
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


class CheckFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db", help="The ledger file; default: [ledger] path (quanze-ledger.sqlite beside the config)."
    ),
]
