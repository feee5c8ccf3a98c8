"""A sheet as an opener yields it (RawSheet), and the guard that turns errors met while streaming a
damaged sheet into a clear refusal."""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from quanze.errors import UnreadableInputError
from quanze.ingest.csvfile import CsvNote


@dataclass(slots=True)
class RawSheet:
    name: str
    rows: Iterator[list[Any]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden: bool = False
    hidden_rows: set[int] = field(default_factory=set)
    notes: list[CsvNote] = field(default_factory=list)
    """What the CSV reader found while splitting rows (stray quotes, encodings); filled as rows are read."""


# What a damaged archive or sheet raises while it is inflated and parsed (xlrd raises almost anything).
DAMAGED: tuple[type[BaseException], ...] = (
    ParseError,
    zipfile.BadZipFile,
    zlib.error,
    struct.error,
    NotImplementedError,
    EOFError,
    KeyError,
    IndexError,
    ValueError,
    OSError,
    AssertionError,
    TypeError,
)


def guarded(
    rows: Iterator[list[Any]], path: Path, sheet: str, damage: str = "the sheet's XML is damaged"
) -> Iterator[list[Any]]:
    """Rows of a sheet, with the XML and zip errors met while streaming turned into a clear refusal."""

    from defusedxml import DefusedXmlException

    try:
        yield from rows
    except DefusedXmlException as exc:
        raise UnreadableInputError(
            f"{path} › {sheet}: refused: the sheet declares XML entities ({type(exc).__name__}), as XML bombs do",
            hint="open the workbook in Excel and save it as a new .xlsx",
        ) from exc
    except DAMAGED as exc:
        raise UnreadableInputError(
            f"{path} › {sheet}: {damage} ({type(exc).__name__}: {exc})",
            hint="the file may be truncated; export it again",
        ) from exc
