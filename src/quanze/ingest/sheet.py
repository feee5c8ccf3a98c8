"""The sheet reader: one sheet's rows turned into records and row issues (merged cells, section and title
rows, repeated headers, continuation rows, ditto and fill-down, sub-items)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from quanze.cellref import column_letter
from quanze.ingest.cells import (
    cell_text,
    looks_like_department,
    packed_sub_items,
    sheet_category,
    sheet_level,
    split_level,
    title_department,
)
from quanze.ingest.duplicates import Duplicates
from quanze.ingest.header import (
    HEADER_SCAN_ROWS,
    alias_table,
    find_header,
    guess_kind,
    map_columns,
    ord_index,
    reads_like_header,
)
from quanze.ingest.junk import is_error_value, junk_name, junk_row, seq_from_date
from quanze.ingest.options import IngestOptions
from quanze.ingest.raw import RawSheet
from quanze.models import (
    CategoryNumbering,
    ColumnMap,
    HiddenMode,
    IssueCode,
    ListKind,
    PowerItem,
    Provenance,
    RowIssue,
    ServiceItem,
    Severity,
    SheetLayout,
)
from quanze.normalize import category_of, clean_text, has_control_characters, is_placeholder, parse_count
from quanze.vocab import DITTO_MARKS

EXCEL_CELL_LIMIT = 32767


_SECTION = re.compile(
    r"^(?:[一二三四五六七八九十百零〇]+[、.．]|\(?[一二三四五六七八九十]+\)|第[一二三四五六七八九十]+[部分章节类])\s*(.+)$"
)
_FOOTNOTE = re.compile(r"^(?:注|备注|说明|附注|注释)\s*[\d一二三]*\s*[:：]")
_SUB_SEQ = re.compile(r"^\d+\s*[.．\-－_]\s*\d+$")


_GENERIC_SHEET = re.compile(r"^(?:sheet\d*|工作表\d*|汇总|总表|清单|目录|说明)$", re.IGNORECASE)


@dataclass(slots=True)
class _SheetState:
    """What the rows read so far tell about the next one: section, last item, values for ditto."""

    section_department: str | None = None
    section_category: str | None = None
    previous: dict[str, str | None] = field(default_factory=dict)
    last_main: PowerItem | None = None


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
        self.duplicates = duplicates
        self.placeholders = placeholders
        self.inherited: set[int] = set()
        self.table: dict[str, tuple[str, int]] = {}
        self.title_department: str | None = None
        self.sheet_category: str | None = None
        self._field_names: dict[str, bool] = {}
        self.fields: dict[str, int] = {}
        self._national_codes = options.category_codes is CategoryNumbering.NATIONAL
        self.file = file_label
        self.raw = raw
        self.options = options
        self.kind = kind
        self.layout = SheetLayout(sheet=raw.name, hidden=raw.hidden)
        self.header_rows_refused: str | None = None
        self.issues: list[RowIssue] = []
        self.powers: list[PowerItem] = []
        self.services: list[ServiceItem] = []
        self.state = _SheetState()
        self._merge_origin: dict[tuple[int, int], tuple[int, int]] = {}
        self._merge_values: dict[tuple[int, int], Any] = {}
        for r0, c0, r1, c1 in raw.merges:
            if (r1 - r0 + 1) * (c1 - c0 + 1) > 100_000:
                continue  # a whole-sheet merge holds no values worth spreading
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        self._merge_origin[(r, c)] = (r0, c0)
        self._precision_lost: set[tuple[int, int]] = set()
        self._merge_width = min(max((c1 for _, _, _, c1 in raw.merges), default=0), 256)

    # -- helpers -----------------------------------------------------------------------------------
    def _issue(
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
            RowIssue(
                code=code,
                severity=severity,
                file=self.file,
                sheet=self.raw.name,
                row=row,
                column=column,
                value=value,
                message=message,
            )
        )

    def _texts(self, rownum: int, values: list[Any]) -> list[str | None]:
        """The row's cells as text; merged cells take their origin's value. Sets `self.inherited` to the
        columns whose value continues a merge that starts on a row above (not a value of this row's own)."""
        if len(values) < self._merge_width:
            # Rows end at their last value; a merged cell further right still belongs to them.
            values = [*values, *([None] * (self._merge_width - len(values)))]
        out: list[str | None] = []
        inherited: set[int] = set()
        for c, value in enumerate(values, start=1):
            if self._merge_origin:
                origin = self._merge_origin.get((rownum, c))
                if origin is not None:
                    value = self._merge_values.get(origin)
                    if origin[0] < rownum:
                        inherited.add(c - 1)
                elif value is not None:
                    self._merge_values[(rownum, c)] = value
            if value is None and self.raw.formulas and (rownum, c) in self.raw.formulas:
                self._issue(
                    IssueCode.FORMULA_WITHOUT_VALUE,
                    Severity.WARNING,
                    "a formula with no saved result (the file was not saved by Excel); "
                    "open it in Excel or WPS and save it again",
                    row=rownum,
                    column=self._col_label(c - 1),
                    value=self.raw.formulas[(rownum, c)][:120],
                )
            text, lost = cell_text(value)
            if lost:
                self._precision_lost.add((rownum, c))
            if text is not None and len(text) > EXCEL_CELL_LIMIT:
                self._issue(
                    IssueCode.TEXT_TOO_LONG,
                    Severity.WARNING,
                    f"cell holds {len(text)} characters, more than Excel's {EXCEL_CELL_LIMIT}",
                    row=rownum,
                    column=self._col_label(c - 1),
                )
            if text is not None and has_control_characters(text):
                self._issue(
                    IssueCode.CONTROL_CHARACTERS,
                    Severity.WARNING,
                    "control characters removed from the cell",
                    row=rownum,
                    column=self._col_label(c - 1),
                    value=repr(text[:80]),
                )
            out.append(clean_text(text))
        self.inherited = inherited
        return out

    def _col_label(self, index: int) -> str:
        letter = column_letter(index + 1)
        for cm in self.layout.columns:
            if cm.column == letter:
                return f"{letter} {cm.header}".strip()
        return letter

    # -- main loop ---------------------------------------------------------------------------------
    def read(self) -> None:
        head: list[tuple[int, list[str | None], set[int]]] = []
        rows = iter(self.raw.rows)
        for rownum, values in enumerate(rows, start=1):
            head.append((rownum, self._texts(rownum, values), self.inherited))
            if len(head) >= max(HEADER_SCAN_ROWS, (self.options.header_rows or (0, 0))[1]):
                break
        if not any(any(v for v in texts) for _, texts, _ in head):
            self.layout.rows_total = len(head)
            self.layout.skipped_blank = len(head)
            self._issue(IssueCode.EMPTY_SHEET, Severity.INFO, "the sheet holds no data")
            return
        self.table = alias_table(self.kind, self.options.header_aliases)
        columns: list[ColumnMap]
        if self.options.header_rows is not None:
            top, bottom = (r - 1 for r in self.options.header_rows)
            band = [t for n, t, _ in head if top <= n - 1 <= bottom]
            columns = map_columns(band, self.table)
            wrong = self._wrong_header_rows(head, columns, self.table)
            if wrong is not None:
                self._header_rows_refused(wrong, head, rows)
                return
        else:
            found = find_header([t for _, t, _ in head], self.table)
            if found is None:
                self._no_header(head, rows)
                return
            top, bottom, columns = found
        self.layout.header_rows = list(range(top + 1, bottom + 2))
        self.layout.data_start = bottom + 2
        self.layout.columns = columns
        if self.kind is ListKind.AUTO:
            self.kind = guess_kind(columns)
        self.fields = {c.field: ord_index(c.column) for c in columns if c.field}
        self.layout.title_rows = [n for n, t, _ in head[:top] if any(t)]
        self.title_department = title_department([t for _, t, _ in head[:top]])
        self.layout.level = sheet_level(self.raw.name)
        self.sheet_category = sheet_category(self.raw.name, self.options.category_aliases)
        self.layout.skipped_structural += len(self.layout.title_rows)
        self.layout.skipped_blank += top - len(self.layout.title_rows)
        self.layout.rows_total = bottom + 1
        for rownum, texts, inherited in head[bottom + 1 :]:
            self._row(rownum, texts, inherited)
        start = len(head) + 1
        for rownum, values in enumerate(rows, start=start):
            texts = self._texts(rownum, values)
            self._row(rownum, texts, self.inherited)
        self._report_hidden()

    def _report_hidden(self) -> None:
        rows = self.layout.hidden_rows
        if not rows:
            return
        skip = self.options.hidden is HiddenMode.SKIP
        self._issue(
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
        self,
        head: list[tuple[int, list[str | None], set[int]]],
        columns: list[ColumnMap],
        table: Mapping[str, tuple[str, int]],
    ) -> str | None:
        """Why --header-rows cannot be this sheet's header (past its end, or no item-name column), or None."""
        top, bottom = self.options.header_rows or (1, 1)
        option = f"--header-rows {top}" + (f"-{bottom}" if bottom != top else "")
        if len(head) < bottom:
            return f"{option} points past the end of the sheet, which has {len(head)} row(s)"
        if any(c.field in ("name", "sub_item") for c in columns):
            return None
        found = find_header([t for _, t, _ in head], table)
        seen = " | ".join(c.header for c in columns if c.header)[:80] or "nothing"
        better = f"; the header looks like row {found[0] + 1}" if found else ""
        return f"{option} holds no item-name header (事项名称, 权力名称 …) but {seen}{better}"

    def _header_rows_refused(
        self, message: str, head: list[tuple[int, list[str | None], set[int]]], rest: Iterator[list[Any]]
    ) -> None:
        """The sheet is not read; read_file makes this a usage error when no sheet of the file could be."""
        total = len(head) + sum(1 for _ in rest)
        self.layout.rows_total = total
        self.layout.rejected = total
        self.header_rows_refused = message
        self._issue(
            IssueCode.NO_HEADER,
            Severity.ERROR,
            f"{message}; none of the sheet's rows was read. Fix: give the row that names the columns, "
            "or leave out --header-rows (header_rows in quanze.toml) to find it",
        )

    def _no_header(
        self, head: list[tuple[int, list[str | None], set[int]]], rest: Iterator[list[Any]]
    ) -> None:
        total = len(head) + sum(1 for _ in rest)
        self.layout.rows_total = total
        self.layout.rejected = total
        self._issue(
            IssueCode.NO_HEADER,
            Severity.ERROR,
            f"no header row found in the first {HEADER_SCAN_ROWS} rows: no cell names the item "
            "(事项名称, 权力名称 …); none of the sheet's rows was read",
            value=" | ".join(v for v in (head[0][1] if head else []) if v)[:120] or None,
        )

    def _junk_cells(self, rownum: int, texts: list[str | None], values: dict[str, str | None]) -> bool:
        """Report error cells (#N/A, #REF!) and dates in 序号; True when the name cannot be read at all."""
        names = {self.fields.get("name"), self.fields.get("sub_item")}
        for idx, text in enumerate(texts):
            if idx not in names and is_error_value(text):
                self._issue(
                    IssueCode.ERROR_VALUE,
                    Severity.WARNING,
                    f"the cell holds the Excel error {text}; read as empty. Fix the formula in the source",
                    row=rownum,
                    column=self._col_label(idx),
                    value=text,
                )
                for fld in [f for f, i in self.fields.items() if i == idx]:
                    values[fld] = None
        for fld in ("seq", "sub_seq"):
            seq = seq_from_date(values.get(fld))
            if seq is not None:
                self._issue(
                    IssueCode.DATE_AS_SEQ,
                    Severity.INFO,
                    f'序号 saved by Excel as a date; read as "{seq}". Format the column as text in the source',
                    row=rownum,
                    column=self._col_label(self.fields[fld]),
                    value=values[fld],
                )
                values[fld] = seq
        for fld in ("name", "sub_item"):
            text = values.get(fld)
            why = junk_name(text) if text else None
            if why is not None:
                self.layout.rejected += 1
                self._issue(
                    IssueCode.ERROR_VALUE if is_error_value(text) else IssueCode.JUNK_NAME,
                    Severity.ERROR,
                    f"{why}; the row was not read",
                    row=rownum,
                    column=self._col_label(self.fields[fld]),
                    value=text,
                )
                return True
        return False

    def _get(self, texts: list[str | None], fld: str) -> str | None:
        idx = self.fields.get(fld)
        if idx is None or idx >= len(texts):
            return None
        return texts[idx]

    def _row(self, rownum: int, texts: list[str | None], inherited: set[int]) -> None:
        self.layout.rows_total += 1
        distinct = {t for t in texts if t}
        if not distinct:
            self.layout.skipped_blank += 1
            return
        if rownum in self.raw.hidden_rows:
            self.layout.hidden_rows.append(rownum)
            if self.options.hidden is HiddenMode.SKIP:
                self.layout.skipped_structural += 1
                return
        if inherited and self._continues_record(rownum, texts, inherited):
            return
        first = next(t for t in texts if t)
        if len(distinct) <= 2 and _FOOTNOTE.match(first):
            self.layout.skipped_structural += 1
            self._issue(
                IssueCode.FOOTNOTE_ROW,
                Severity.INFO,
                "footnote row, not an item",
                row=rownum,
                value=first[:120],
            )
            return
        junk = junk_row(texts)
        if junk is not None:
            self.layout.skipped_structural += 1
            self._issue(junk[0], Severity.INFO, junk[1], row=rownum, value=" | ".join(sorted(distinct))[:120])
            return
        if len(distinct) == 1 and self._is_section(rownum, first, texts):
            self.layout.skipped_structural += 1
            return
        if len(distinct) == 1 and sum(1 for t in texts if t) >= 3:
            # One text merged across the table: a title (the list's second batch, a department block).
            self.layout.skipped_structural += 1
            self.state.section_department = title_department([texts]) or self.state.section_department
            self._issue(
                IssueCode.SECTION_ROW,
                Severity.INFO,
                "a title row across the table, not an item",
                row=rownum,
                value=first[:120],
            )
            return
        if reads_like_header(texts, self.table, self._field_names):
            self.layout.skipped_structural += 1
            self._issue(
                IssueCode.REPEATED_HEADER,
                Severity.INFO,
                "a row of column headings inside the table (a repeated or pasted header), not an item",
                row=rownum,
                value=" | ".join(sorted(distinct))[:120],
            )
            return
        values = {fld: self._get(texts, fld) for fld in self.fields}
        for fld, value in values.items():
            if is_placeholder(value):
                self.placeholders.add(fld, self.raw.name, rownum, value)
                values[fld] = None
        if self._junk_cells(rownum, texts, values):
            return
        if self.options.ditto:
            for fld, value in values.items():
                if value is not None and value.strip() in DITTO_MARKS:
                    source = self.state.previous.get(fld)
                    if source is None:
                        self._issue(
                            IssueCode.DITTO_WITHOUT_SOURCE,
                            Severity.WARNING,
                            f"'{value}' (ditto) but no value above it to repeat",
                            row=rownum,
                            column=self._col_label(self.fields[fld]),
                            value=value,
                        )
                    values[fld] = source
        for fld in self.options.fill_down:
            if values.get(fld) is None and fld in self.fields:
                values[fld] = self.state.previous.get(fld)
        self.state.previous = dict(values)
        for fld in ("code", "parent_power_code"):
            if fld in self.fields and (rownum, self.fields[fld] + 1) in self._precision_lost:
                self._issue(
                    IssueCode.CODE_PRECISION_LOST,
                    Severity.WARNING,
                    "the code is stored as a number too large for Excel to keep every digit; "
                    "format the column as text in the source and export again",
                    row=rownum,
                    column=self._col_label(self.fields[fld]),
                    value=values[fld],
                )
        if values.get("department") is None:
            values["department"] = (
                self.state.section_department
                or self._sheet_department()
                or self.title_department
                or values.get("handling_office")
            )
        if values.get("category") is None:
            values["category"] = self.state.section_category or self.sheet_category
        if "level" in values or self.layout.level:
            values["level"], scope = split_level(values.get("level") or self.layout.level)
            values["level_scope"] = values.get("level_scope") or scope
        if self.kind is ListKind.SERVICES:
            self._service(rownum, values)
            return
        subs = packed_sub_items(values.get("sub_item"))
        if len(subs) > 1:
            self._issue(
                IssueCode.PACKED_SUB_ITEMS,
                Severity.INFO,
                f"one 子项 cell lists {len(subs)} sub-items; each is read as its own record",
                row=rownum,
                column=self._col_label(self.fields["sub_item"]),
                value=(values.get("sub_item") or "")[:120],
            )
        for sub in subs or (None,):
            self._power(rownum, {**values, "sub_item": sub})

    # Fields whose own value on a row makes it a record of its own, even when its other cells are merged.
    _IDENTITY_FIELDS = ("name", "sub_item", "category", "department", "level")

    def _continues_record(self, rownum: int, texts: list[str | None], inherited: set[int]) -> bool:
        """A row whose identifying cells all continue merges from above is part of the record above.

        Offices merge every cell of an item over several rows for row height. Values of the row's own in
        other columns (a second line of 责任事项) are added to the record above, never dropped.
        """
        own_identity = any(
            (idx := self.fields.get(fld)) is not None
            and idx < len(texts)
            and texts[idx]
            and idx not in inherited
            and not is_placeholder(texts[idx])
            for fld in self._IDENTITY_FIELDS
        )
        if own_identity:
            return False
        self.layout.merged_continuation += 1
        own: dict[str, str] = {}
        for fld, idx in self.fields.items():
            text = texts[idx] if idx < len(texts) else None
            if text and idx not in inherited and not is_placeholder(text):
                own[fld] = text
        records: list[PowerItem] | list[ServiceItem] = (
            self.services if self.kind is ListKind.SERVICES else self.powers
        )
        if not self.options.keep_records:
            return True  # validate keeps no records to add the values to
        target = records[-1] if records else None
        for fld, value in own.items():
            current = getattr(target, fld, None) if target is not None else None
            if target is not None and fld in type(target).model_fields and fld not in _NOT_CONTINUED:
                if current is None:
                    setattr(target, fld, value)
                    continue
                if isinstance(current, str) and value not in current:
                    setattr(target, fld, f"{current}\n{value}")
                    continue
                if current == value:
                    continue
            self._issue(
                IssueCode.MERGED_VALUE_DROPPED,
                Severity.WARNING,
                "a value below a merged item, on a row that is not an item of its own; check that it "
                "belongs to the item above",
                row=rownum,
                column=self._col_label(self.fields[fld]),
                value=value[:120],
            )
        return True

    def _sheet_department(self) -> str | None:
        name = self.raw.name.strip()
        if (
            self.options.sheet_as_department
            and not _GENERIC_SHEET.match(name)
            and looks_like_department(name)
        ):
            return name
        return None

    def _is_section(self, rownum: int, text: str, texts: list[str | None]) -> bool:
        m = _SECTION.match(text)
        name_idx = self.fields.get("name")
        only_in_name = (
            name_idx is not None
            and sum(1 for t in texts if t) == 1
            and (name_idx < len(texts) and texts[name_idx] == text)
        )
        if m is None and only_in_name:
            return False
        body = m.group(1) if m else text
        # A number alone (a 序号 on a row whose other cells are empty) is never a category section.
        if category_of(body, dict(self.options.category_aliases), national_codes=False) is not None:
            self.state.section_category = body
        elif m is not None or looks_like_department(body):
            self.state.section_department = body
        else:
            return False
        self._issue(
            IssueCode.SECTION_ROW,
            Severity.INFO,
            "section row: applies to the rows below it",
            row=rownum,
            value=text[:120],
        )
        return True

    def _common(self, rownum: int, values: dict[str, str | None]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        raw_category = values.get("category")
        if raw_category:
            cat = category_of(
                raw_category, dict(self.options.category_aliases), national_codes=self._national_codes
            )
            if cat is None:
                self._issue(
                    IssueCode.UNKNOWN_CATEGORY,
                    Severity.WARNING,
                    f'"{raw_category}" is not a known category; map it in quanze.toml [aliases.categories]',
                    row=rownum,
                    column=self._col_label(self.fields["category"]) if "category" in self.fields else None,
                    value=raw_category,
                )
            out["category"] = cat
            out["category_raw"] = raw_category
        raw_volume = values.get("volume")
        if raw_volume is not None:
            try:
                out["volume"] = parse_count(raw_volume)
            except ValueError:
                self._issue(
                    IssueCode.BAD_NUMBER,
                    Severity.WARNING,
                    f'"{raw_volume}" is not a whole number of transactions',
                    row=rownum,
                    column=self._col_label(self.fields["volume"]),
                    value=raw_volume,
                )
        return out

    def _reject(self, rownum: int, fld: str, message: str) -> None:
        self.layout.rejected += 1
        col = self.fields.get(fld)
        self._issue(
            IssueCode.MISSING_REQUIRED,
            Severity.ERROR,
            message,
            row=rownum,
            column=self._col_label(col) if col is not None else fld,
        )

    def _provenance(self, rownum: int) -> Provenance:
        return Provenance(file=self.file, sheet=self.raw.name, row=rownum)

    def _power(self, rownum: int, values: dict[str, str | None]) -> None:
        name, sub = values.get("name"), values.get("sub_item")
        seq = values.get("seq")
        role = "single"
        last = self.state.last_main
        if sub:
            role = "sub"
            if not name:
                if last is None:
                    self._issue(
                        IssueCode.ORPHAN_SUB_ITEM,
                        Severity.WARNING,
                        "sub-item with no main item above it; its own name is used",
                        row=rownum,
                        value=sub,
                    )
                name = last.name if last is not None else sub
        elif (seq and _SUB_SEQ.match(seq)) or values.get("sub_seq"):
            if last is not None and name and name != last.name:
                role, sub, name = "sub", name, last.name
            elif last is None and name:
                self._issue(
                    IssueCode.ORPHAN_SUB_ITEM,
                    Severity.WARNING,
                    "sub-item numbering with no main item above it; read as an item",
                    row=rownum,
                    value=name,
                )
        if not name:
            self._reject(rownum, "name", "the item has no name (事项名称); the row was not read")
            return
        data: dict[str, Any] = {k: v for k, v in values.items() if k in _POWER_FIELDS}
        data.update(self._common(rownum, values))
        data.update(name=name, sub_item=sub, role=role, source=self._provenance(rownum))
        try:
            item = PowerItem.model_validate(data)
        except ValidationError as exc:
            self._reject(rownum, "name", f"the row does not make a valid item: {exc.errors()[0]['msg']}")
            return
        if role == "sub" and last is not None and last.name == name and last.role == "single":
            last.role = "main"
        if role != "sub":
            self.state.last_main = item
        self.duplicates.add(item)
        if self.options.keep_records:
            self.powers.append(item)
        self.layout.records += 1

    def _service(self, rownum: int, values: dict[str, str | None]) -> None:
        name = values.get("name") or values.get("sub_item")
        if not name:
            self._reject(rownum, "name", "the service item has no name (事项名称); the row was not read")
            return
        data: dict[str, Any] = {k: v for k, v in values.items() if k in _SERVICE_FIELDS}
        data.update(self._common(rownum, values))
        data.update(name=name, source=self._provenance(rownum))
        try:
            item = ServiceItem.model_validate(data)
        except ValidationError as exc:
            self._reject(rownum, "name", f"the row does not make a valid item: {exc.errors()[0]['msg']}")
            return
        self.duplicates.add(item)
        if self.options.keep_records:
            self.services.append(item)
        self.layout.records += 1


# Fields a continuation row never adds to the record above (numbers, enums, the row's own numbering).
_NOT_CONTINUED = frozenset({"seq", "sub_seq", "volume", "category", "role", "source"})


class Placeholders:
    """Placeholder cells (无, /, —, 暂无, 未分类 …) read as empty: counted per field, reported once per file."""

    def __init__(self, file_label: str) -> None:
        self.file = file_label
        self.counts: dict[str, int] = {}
        self.first: tuple[str, int, str] | None = None

    def add(self, fld: str, sheet: str, row: int, value: str | None) -> None:
        self.counts[fld] = self.counts.get(fld, 0) + 1
        if self.first is None:
            self.first = (sheet, row, value or "")

    def issues(self) -> list[RowIssue]:
        if self.first is None:
            return []
        sheet, row, value = self.first
        fields = ", ".join(f"{fld} {n}" for fld, n in sorted(self.counts.items()))
        return [
            RowIssue(
                code=IssueCode.PLACEHOLDER_VALUE,
                severity=Severity.INFO,
                file=self.file,
                sheet=sheet,
                row=row,
                value=value,
                message=f"placeholder cells (无, /, —, 暂无, 未分类 …) read as empty: {fields} (first shown)",
            )
        ]


_POWER_FIELDS = frozenset(PowerItem.model_fields) - {"category", "volume", "source"}
_SERVICE_FIELDS = frozenset(ServiceItem.model_fields) - {"category", "volume", "source"}
