"""The sheet reader: one sheet's rows turned into records and row issues. It finds the header, then hands
each row to its parts: cell texts (rowtext), rows that are no item (structure), field values (values) and
records (records), which share the sheet's context (context)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from quanze.ingest.body import SheetBody
from quanze.ingest.cells import sheet_category, sheet_level, title_department
from quanze.ingest.context import SheetContext
from quanze.ingest.duplicates import Duplicates
from quanze.ingest.header import (
    HEADER_SCAN_ROWS,
    alias_table,
    find_header,
    guess_kind,
    map_columns,
    ord_index,
    parent_columns,
    second_table,
)
from quanze.ingest.options import IngestOptions
from quanze.ingest.raw import RawSheet
from quanze.ingest.records import Placeholders, RecordBuilder
from quanze.ingest.rowtext import RowTexts
from quanze.ingest.structure import StructuralRows
from quanze.ingest.values import RowValues
from quanze.models import (
    ColumnMap,
    HiddenMode,
    IssueCode,
    ListKind,
    PowerItem,
    RowIssue,
    ServiceItem,
    Severity,
    SheetLayout,
)

_Head = list[tuple[int, list[str | None], set[int]]]
"""The rows read before the header is known: number, texts, columns inherited from merges above."""


def split_side_by_side(raw: RawSheet, split: int, rows: list[list[Any]]) -> tuple[RawSheet, RawSheet]:
    """A sheet holding two tables side by side as two sheets of the same name: the columns before `split`
    (0-based), and those from it on (in their own columns, the left ones blank, so issues name the right
    letters); merges and formulas go with their columns (a title merged across both goes to both)."""
    k = split  # merges and formulas number columns from 1: the left part holds columns 1..k
    blank: list[Any] = [None] * k
    left = RawSheet(
        name=raw.name,
        rows=iter([r[:k] for r in rows]),
        merges=[(r0, c0, r1, min(c1, k)) for r0, c0, r1, c1 in raw.merges if c0 <= k],
        formulas={(r, c): f for (r, c), f in raw.formulas.items() if c <= k},
        hidden=raw.hidden,
        hidden_rows=raw.hidden_rows,
    )
    right = RawSheet(
        name=raw.name,
        rows=iter([[*blank, *r[k:]] for r in rows]),
        merges=[(r0, max(c0, k + 1), r1, c1) for r0, c0, r1, c1 in raw.merges if c1 > k],
        formulas={(r, c): f for (r, c), f in raw.formulas.items() if c > k},
        hidden=raw.hidden,
        hidden_rows=raw.hidden_rows,
    )
    return left, right


def row_ranges(rows: list[int]) -> str:
    """Row numbers as ranges: 3, 5-7, 12."""
    parts: list[str] = []
    start = prev = rows[0]
    for r in [*rows[1:], -1]:
        if r != prev + 1:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
            start = r
        prev = r
    return ", ".join(parts)


class SheetReader:
    """Turns the rows of one sheet into records and issues; one instance per sheet."""

    def __init__(
        self,
        file_label: str,
        raw: RawSheet,
        options: IngestOptions,
        kind: ListKind,
        duplicates: Duplicates,
        placeholders: Placeholders,
    ) -> None:
        self.ctx = SheetContext(
            file=file_label,
            raw=raw,
            options=options,
            kind=kind,
            duplicates=duplicates,
            placeholders=placeholders,
            layout=SheetLayout(sheet=raw.name, hidden=raw.hidden),
        )
        self.header_rows_refused: str | None = None
        self.side_by_side: tuple[int, list[list[Any]]] | None = None
        """Where a second table starts beside the first (0-based column), and every row of the sheet: the
        sheet is then read as two (split_side_by_side), not by this reader."""
        self._texts = RowTexts(self.ctx)
        self._structure = StructuralRows(self.ctx)
        self._values = RowValues(self.ctx)
        self._records = RecordBuilder(self.ctx)

    @property
    def layout(self) -> SheetLayout:
        return self.ctx.layout

    @property
    def issues(self) -> list[RowIssue]:
        return self.ctx.issues

    @property
    def powers(self) -> list[PowerItem]:
        return self.ctx.powers

    @property
    def services(self) -> list[ServiceItem]:
        return self.ctx.services

    @property
    def kind(self) -> ListKind:
        return self.ctx.kind

    def read(self) -> None:
        ctx, layout, options = self.ctx, self.ctx.layout, self.ctx.options
        head: _Head = []
        head_values: list[list[Any]] = []
        rows = iter(ctx.raw.rows)
        for rownum, values in enumerate(rows, start=1):
            head.append((rownum, *self._texts.texts(rownum, values)))
            head_values.append(values)
            if len(head) >= max(HEADER_SCAN_ROWS, (options.header_rows or (0, 0))[1]):
                break
        if not any(any(v for v in texts) for _, texts, _ in head):
            layout.rows_total = len(head)
            layout.skipped_blank = len(head)
            ctx.issue(IssueCode.EMPTY_SHEET, Severity.INFO, "the sheet holds no data")
            return
        ctx.table = alias_table(ctx.kind, options.header_aliases)
        columns: list[ColumnMap]
        if options.header_rows is not None:
            top, bottom = (r - 1 for r in options.header_rows)
            band = [t for n, t, _ in head if top <= n - 1 <= bottom]
            columns = map_columns(band, ctx.table)
            wrong = self._wrong_header_rows(head, columns, ctx.table)
            if wrong is not None:
                self._header_rows_refused(wrong, head, rows)
                return
        else:
            found = find_header([t for _, t, _ in head], ctx.table)
            if found is None:
                self._no_header(head, rows)
                return
            top, bottom, columns = found
        split = second_table(columns) if options.header_rows is None else None
        if split is not None:
            # Two tables side by side (two departments' lists on one sheet): rare and small; read as two.
            self.side_by_side = (split, [*head_values, *rows])
            return
        if ctx.kind is ListKind.AUTO:
            ctx.kind = guess_kind(columns)
            if ctx.kind is ListKind.SERVICES:
                # The band was read with both kinds' words; a catalogue's are read as a catalogue's: 主项名称
                # beside 业务办理项名称 is the parent power, not a second item column.
                own = alias_table(ctx.kind, options.header_aliases)
                again = map_columns([t for _, t, _ in head[top : bottom + 1]], own)
                if any(c.field == "name" for c in again) and guess_kind(again) is ListKind.SERVICES:
                    ctx.table, columns = own, again
        if ctx.kind is ListKind.SERVICES:
            read = parent_columns(columns, ctx.table)
            # A row with no handling item of its own is named by the item column beside it, as before.
            ctx.parent_names_bare_rows = any(
                a.field == "sub_item" and b.field == "parent_power_name"
                for a, b in zip(columns, read, strict=True)
            )
            columns = read
        layout.header_rows = list(range(top + 1, bottom + 2))
        layout.data_start = bottom + 2
        layout.columns = columns
        ctx.fields = {c.field: ord_index(c.column) for c in columns if c.field}
        layout.title_rows = [n for n, t, _ in head[:top] if any(t)]
        ctx.title_department = title_department([t for _, t, _ in head[:top]])
        layout.level = sheet_level(ctx.raw.name)
        ctx.sheet_category = sheet_category(ctx.raw.name, options.category_aliases)
        layout.skipped_structural += len(layout.title_rows)
        layout.skipped_blank += top - len(layout.title_rows)
        # Rows and records are counted in plain ints and set on the layout (a pydantic model) at the end.
        last = bottom + 1
        for rownum, texts, inherited in head[bottom + 1 :]:
            self._row(rownum, texts, inherited)
            last = rownum
        start = len(head) + 1
        body = SheetBody(ctx, self._records, self._raw_row) if self._texts.plain else None
        if body is not None and body.usable:
            last = max(last, body.read(rows, start))
        else:
            row_texts = self._texts.texts
            for rownum, values in enumerate(rows, start=start):
                self._row(rownum, *row_texts(rownum, values))
                last = rownum
        layout.rows_total = last
        layout.records += self._records.count
        self._report_hidden()
        self._report_blank_organs()

    def _raw_row(self, rownum: int, values: list[Any]) -> None:
        self._row(rownum, *self._texts.texts(rownum, values))

    def _row(self, rownum: int, texts: list[str | None], inherited: set[int]) -> None:
        texts = self._texts.first_column_only(rownum, texts)
        if self._structure.skip(rownum, texts, inherited):
            return
        values = self._values.read(rownum, texts, self._structure.joined)
        if values is not None:
            self._records.add(rownum, values)

    def _report_blank_organs(self) -> None:
        """A catalogue whose 实施主体 column is blank on every row (an export that lost it): no item has an
        organ, so the reports' 实施主体 and every same-organ comparison would be silently empty."""
        ctx = self.ctx
        column = ctx.fields.get("department")
        if (
            ctx.kind is not ListKind.SERVICES
            or column is None
            or not self._records.count
            or ctx.state.organ_seen
        ):
            return
        ctx.issue(
            IssueCode.BLANK_ORGAN_COLUMN,
            Severity.WARNING,
            f"the organ column is blank on every one of the sheet's {self._records.count} item rows, and no "
            "section, sheet name or title names an organ; export the catalogue again with its 实施主体 filled",
            column=ctx.col_label(column),
        )

    def _report_hidden(self) -> None:
        rows = self.ctx.layout.hidden_rows
        if not rows:
            return
        skip = self.ctx.options.hidden is HiddenMode.SKIP
        self.ctx.issue(
            IssueCode.HIDDEN_ROWS,
            Severity.INFO,
            f"{len(rows)} hidden row(s) "
            + (
                "not read; read them with --hidden read"
                if skip
                else "read as live rows; --hidden skip leaves them out"
            ),
            row=rows[0],
            value=row_ranges(rows)[:200],
        )

    def _wrong_header_rows(
        self, head: _Head, columns: list[ColumnMap], table: Mapping[str, tuple[str, int]]
    ) -> str | None:
        """Why --header-rows cannot be this sheet's header (past its end, or no item-name column), or None."""
        top, bottom = self.ctx.options.header_rows or (1, 1)
        option = f"--header-rows {top}" + (f"-{bottom}" if bottom != top else "")
        if len(head) < bottom:
            return f"{option} points past the end of the sheet, which has {len(head)} row(s)"
        if any(c.field in ("name", "sub_item") for c in columns):
            return None
        found = find_header([t for _, t, _ in head], table)
        seen = " | ".join(c.header for c in columns if c.header)[:80] or "nothing"
        better = f"; the header looks like row {found[0] + 1}" if found else ""
        return f"{option} holds no item-name header (事项名称, 权力名称 …) but {seen}{better}"

    def _header_rows_refused(self, message: str, head: _Head, rest: Iterator[list[Any]]) -> None:
        """The sheet is not read; read_file makes this a usage error when no sheet of the file could be."""
        total = len(head) + sum(1 for _ in rest)
        self.ctx.layout.rows_total = total
        self.ctx.layout.rejected = total
        self.header_rows_refused = message
        self.ctx.issue(
            IssueCode.NO_HEADER,
            Severity.ERROR,
            f"{message}; none of the sheet's rows was read. Fix: give the row that names the columns, "
            "or leave out --header-rows (header_rows in quanze.toml) to find it",
        )

    def _no_header(self, head: _Head, rest: Iterator[list[Any]]) -> None:
        total = len(head) + sum(1 for _ in rest)
        self.ctx.layout.rows_total = total
        self.ctx.layout.rejected = total
        self.ctx.issue(
            IssueCode.NO_HEADER,
            Severity.ERROR,
            f"no header row found in the first {HEADER_SCAN_ROWS} rows: no cell names the item "
            "(事项名称, 权力名称 …); none of the sheet's rows was read",
            value=" | ".join(v for v in (head[0][1] if head else []) if v)[:120] or None,
        )
