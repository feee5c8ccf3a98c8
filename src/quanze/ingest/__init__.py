"""Reading the inputs: the only package that opens workbooks.

The face other layers use; the jobs live in the modules beside it (the reader, the formats it sniffs, the
CSV decoder, junk-row rules, the read cache, input checks and partitioned reads).
"""

from __future__ import annotations

from quanze.ingest.reader import (
    IngestOptions,
    read_checklists,
    read_file,
    read_files,
    read_ledger_sheets,
    read_review_sheet,
    resolve_fields,
)

__all__ = [
    "IngestOptions",
    "read_checklists",
    "read_file",
    "read_files",
    "read_ledger_sheets",
    "read_review_sheet",
    "resolve_fields",
]
