"""Reading the inputs: the only package that opens workbooks.

The face other layers use. Reading one file (`read_file`) needs nothing but its options; loading the inputs
a config names (`load_inputs`) and reading back quanze's own workbooks need the config, which itself builds
`IngestOptions`, so those names are loaded on first use (no import cycle through quanze.config).

The modules, in the order a file goes through them:
    options     IngestOptions: the quirks of real files, each with a default
    formats     the format told from the content (sniff); zip-bomb guard; HTML and SpreadsheetML tables
    sources     FORMATS: one opener per format (a new format is an entry here)
    xlsx, xlsx_fast, xls, csvfile   the openers' work; raw: the RawSheet they yield
    header      the header band and the field each column holds
    sheet       the sheet reader: header first, then each row through
      rowtext     cell texts (merged cells spread)
      structure   rows that are no item (sections, titles, footnotes, totals, repeated headers)
      values      field values (placeholders, ditto, fill-down, defaults from sections and sheet names)
      records     powers and service items
    cells       what a cell, a title or a sheet name says (levels, categories, departments, sub-items)
    junk        junk rows and names; duplicates: duplicate codes and items within a file
    reader      read_file, read_files
    cache, partition   the read cache and partitioned (unit by unit) reads
    inputcheck  checks across inputs (records present, unit names agree)
    load        loading the inputs a config names (load_inputs)
    readback    the review workbook, handover checklists and ledger workbook people filled in
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from quanze.ingest.header import resolve_fields
from quanze.ingest.options import IngestOptions
from quanze.ingest.reader import read_file, read_files

_LATER = {
    "Loaded": "quanze.ingest.load",
    "load_inputs": "quanze.ingest.load",
    "inputs_for_links": "quanze.ingest.load",
    "ReviewOutcome": "quanze.ingest.readback",
    "read_review": "quanze.ingest.readback",
    "read_review_sheet": "quanze.ingest.readback",
    "read_checklists": "quanze.ingest.readback",
    "read_ledger_sheets": "quanze.ingest.readback",
}

__all__ = [
    "IngestOptions",
    "Loaded",
    "ReviewOutcome",
    "inputs_for_links",
    "load_inputs",
    "read_checklists",
    "read_file",
    "read_files",
    "read_ledger_sheets",
    "read_review",
    "read_review_sheet",
    "resolve_fields",
]


def __getattr__(name: str) -> Any:
    if name not in _LATER:
        raise AttributeError(f"module 'quanze.ingest' has no attribute {name!r}")
    value = getattr(import_module(_LATER[name]), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from quanze.ingest.load import Loaded, inputs_for_links, load_inputs
    from quanze.ingest.readback import (
        ReviewOutcome,
        read_checklists,
        read_ledger_sheets,
        read_review,
        read_review_sheet,
    )
