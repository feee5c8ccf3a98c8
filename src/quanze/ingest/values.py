"""The field values of an item row: placeholders and Excel error cells read as empty, dates in 序号 read
back, ditto marks and fill-down, codes that lost digits reported, and the department, category and level
that sections, sheet names and titles give a row that names none."""

from __future__ import annotations

import re

from quanze.ingest.cells import split_level
from quanze.ingest.context import SheetContext
from quanze.ingest.junk import is_error_value, junk_name, seq_from_date
from quanze.models import IssueCode, Severity
from quanze.normalize import is_placeholder
from quanze.vocab import DITTO_MARKS

_TEXT_PREFIXES = ("'", "‘", "’")
_SCIENTIFIC = re.compile(r"^\s*\d(?:\.\d+)?[eE]\+?\d{1,2}\s*$")
_MEMO_LIMIT = 1 << 16


class RowValues:
    """Reads the field values of the item rows of one sheet, in order (ditto and fill-down look up)."""

    def __init__(self, ctx: SheetContext) -> None:
        self.ctx = ctx
        self._placeholder: dict[str, bool] = {}
        """is_placeholder by cell text: a column's values repeat row after row."""

    def read(self, rownum: int, texts: list[str | None]) -> dict[str, str | None] | None:
        """The row's values by field; None when its name cannot be read (the row is rejected and reported)."""
        ctx = self.ctx
        width = len(texts)
        values = {fld: texts[idx] if idx < width else None for fld, idx in ctx.fields.items()}
        memo = self._placeholder
        for fld, value in values.items():
            if value is None:
                continue
            placeholder = memo.get(value)
            if placeholder is None:
                placeholder = is_placeholder(value)
                if len(memo) < _MEMO_LIMIT:
                    memo[value] = placeholder
            if placeholder:
                ctx.placeholders.add(fld, ctx.raw.name, rownum, value)
                values[fld] = None
        if self._junk_cells(rownum, texts, values):
            return None
        if ctx.options.ditto:
            for fld, value in values.items():
                if value is not None and value.strip() in DITTO_MARKS:
                    source = ctx.state.previous.get(fld)
                    if source is None:
                        ctx.issue(
                            IssueCode.DITTO_WITHOUT_SOURCE,
                            Severity.WARNING,
                            f"'{value}' (ditto) but no value above it to repeat",
                            row=rownum,
                            column=ctx.col_label(ctx.fields[fld]),
                            value=value,
                        )
                    values[fld] = source
        for fld in ctx.options.fill_down:
            if values.get(fld) is None and fld in ctx.fields:
                values[fld] = ctx.state.previous.get(fld)
        ctx.state.previous = dict(values)
        for fld in ("code", "parent_power_code"):
            code = values.get(fld)
            if code is None:
                continue
            if code[:1] in _TEXT_PREFIXES:
                # '330109001000: the apostrophe that makes Excel keep a code as text, typed into a CSV.
                code = values[fld] = code[1:].strip() or None
            if code is not None and _SCIENTIFIC.match(code):
                lost = (
                    "the code was saved as a rounded number (5.11E+13), its digits lost before quanze read it; "
                    "it is not used"
                )
                values[fld] = None
            elif (
                ctx.precision_lost
                and fld in ctx.fields
                and (rownum, ctx.fields[fld] + 1) in ctx.precision_lost
            ):
                lost = "the code is stored as a number too large for Excel to keep every digit"
            else:
                continue
            ctx.issue(
                IssueCode.CODE_PRECISION_LOST,
                Severity.WARNING,
                f"{lost}; format the column as text in the source and export again",
                row=rownum,
                column=ctx.col_label(ctx.fields[fld]),
                value=code,
            )
        if values.get("department") is None:
            values["department"] = (
                ctx.state.section_department
                or ctx.sheet_department()
                or ctx.title_department
                or values.get("handling_office")
            )
        if values.get("category") is None:
            values["category"] = ctx.state.section_category or ctx.sheet_category
        if "level" in values or ctx.layout.level:
            values["level"], scope = split_level(values.get("level") or ctx.layout.level)
            values["level_scope"] = values.get("level_scope") or scope
        return values

    def _junk_cells(self, rownum: int, texts: list[str | None], values: dict[str, str | None]) -> bool:
        """Report error cells (#N/A, #REF!) and dates in 序号; True when the name cannot be read at all."""
        ctx = self.ctx
        names = {ctx.fields.get("name"), ctx.fields.get("sub_item")}
        for idx, text in enumerate(texts):
            # "#" near the start is what every error value has: most cells are passed over with one test.
            if text is not None and "#" in text[:3] and idx not in names and is_error_value(text):
                ctx.issue(
                    IssueCode.ERROR_VALUE,
                    Severity.WARNING,
                    f"the cell holds the Excel error {text}; read as empty. Fix the formula in the source",
                    row=rownum,
                    column=ctx.col_label(idx),
                    value=text,
                )
                for fld in [f for f, i in ctx.fields.items() if i == idx]:
                    values[fld] = None
        for fld in ("seq", "sub_seq"):
            seq = seq_from_date(values.get(fld))
            if seq is not None:
                ctx.issue(
                    IssueCode.DATE_AS_SEQ,
                    Severity.INFO,
                    f'序号 saved by Excel as a date; read as "{seq}". Format the column as text in the source',
                    row=rownum,
                    column=ctx.col_label(ctx.fields[fld]),
                    value=values[fld],
                )
                values[fld] = seq
        for fld in ("name", "sub_item"):
            text = values.get(fld)
            why = junk_name(text) if text else None
            if why is not None:
                ctx.layout.rejected += 1
                ctx.issue(
                    IssueCode.ERROR_VALUE if is_error_value(text) else IssueCode.JUNK_NAME,
                    Severity.ERROR,
                    f"{why}; the row was not read",
                    row=rownum,
                    column=ctx.col_label(ctx.fields[fld]),
                    value=text,
                )
                return True
        return False
