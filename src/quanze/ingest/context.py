"""What the parts that read one sheet share: the sheet and its options, the layout and issues found so far,
the column of each field, the records read and what the rows read so far say about the next one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from quanze.cellref import column_letter
from quanze.ingest.cells import looks_like_department
from quanze.ingest.duplicates import Duplicates
from quanze.ingest.issues import row_issue
from quanze.ingest.options import IngestOptions
from quanze.ingest.raw import RawSheet
from quanze.models import IssueCode, ListKind, PowerItem, RowIssue, ServiceItem, Severity, SheetLayout

if TYPE_CHECKING:
    from quanze.ingest.records import Placeholders

_GENERIC_SHEET = re.compile(r"^(?:sheet\d*|工作表\d*|汇总|总表|清单|目录|说明)$", re.IGNORECASE)


@dataclass(slots=True)
class SheetState:
    """What the rows read so far tell about the next one: section, last item, values for ditto."""

    section_department: str | None = None
    section_category: str | None = None
    previous: dict[str, str | None] = field(default_factory=dict)
    last_main: PowerItem | None = None
    item_row: int | None = None
    """The row of the last item row read (for continuation rows below it)."""
    continued_from: int | None = None
    """The item row whose continuation rows were last reported."""
    organ_seen: bool = False
    """Whether an item row read so far had an organ (its own cell, or a section, sheet name or title)."""
    bare_row: bool = False
    """Whether the item row being read has no 序号, type or organ cell of its own (a line under an item)."""


@dataclass(slots=True)
class SheetContext:
    """One sheet being read; the sheet reader and its parts (cell texts, structural rows, row values,
    records) all work on it."""

    file: str
    raw: RawSheet
    options: IngestOptions
    kind: ListKind
    duplicates: Duplicates
    placeholders: Placeholders
    layout: SheetLayout
    issues: list[RowIssue] = field(default_factory=list)
    fields: dict[str, int] = field(default_factory=dict)
    """The 0-based column of each field the header maps."""
    table: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Header aliases: a header key → (field, rank)."""
    state: SheetState = field(default_factory=SheetState)
    powers: list[PowerItem] = field(default_factory=list)
    services: list[ServiceItem] = field(default_factory=list)
    title_department: str | None = None
    sheet_category: str | None = None
    precision_lost: set[tuple[int, int]] = field(default_factory=set)
    """Cells (row, 1-based column) whose number was too large to keep its digits."""
    invisible: set[tuple[int, int]] = field(default_factory=set)
    """Cells (row, 0-based column) that held only invisible characters (zero-width, NBSP), read as empty."""
    parent_names_bare_rows: bool = False
    """A catalogue's parent column is an item column beside the handling item's (事项名称 | 业务办理项名称): it
    names a row whose handling-item cell is blank (an item with no handling items of its own)."""

    def issue(
        self,
        code: IssueCode,
        severity: Severity,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> None:
        self.issues.append(
            row_issue(
                code, severity, self.file, message, sheet=self.raw.name, row=row, column=column, value=value
            )
        )

    def col_label(self, index: int) -> str:
        letter = column_letter(index + 1)
        for cm in self.layout.columns:
            if cm.column == letter:
                return f"{letter} {cm.header}".strip()
        return letter

    def get(self, texts: list[str | None], fld: str) -> str | None:
        idx = self.fields.get(fld)
        if idx is None or idx >= len(texts):
            return None
        return texts[idx]

    def sheet_department(self) -> str | None:
        """The sheet's name, when it names a department and the options let a sheet name one."""
        name = self.raw.name.strip()
        if (
            self.options.sheet_as_department
            and not _GENERIC_SHEET.match(name)
            and looks_like_department(name)
        ):
            return name
        return None
