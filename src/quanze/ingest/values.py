"""The field values of an item row: placeholders and Excel error cells read as empty, dates in 序号 read
back, ditto marks and fill-down, codes that lost digits reported, and the department, category and level
that sections, sheet names and titles give a row that names none."""

from __future__ import annotations

import re
from collections.abc import Callable
from operator import itemgetter
from typing import Any

from quanze.ingest.cells import split_level
from quanze.ingest.context import SheetContext
from quanze.ingest.junk import is_error_value, junk_name, seq_from_date
from quanze.models import IssueCode, Severity
from quanze.normalize import is_placeholder
from quanze.vocab import DITTO_MARKS, SUB_ITEM_PLACEHOLDERS

_TEXT_PREFIXES = ("'", "‘", "’")
_SCIENTIFIC = re.compile(r"^\s*\d(?:\.\d+)?[eE]\+?\d{1,2}\s*$")
_MEMO_LIMIT = 1 << 16
_PLACEHOLDER, _DITTO, _CODE_ODD = 1, 2, 4
_UNSEEN: Any = object()


# A code written in a number's form: a float's text (330109001000.0), a number formatted #,##0
# (330,109,001,000), digits and letters typed full-width (３３０１０９).
_FLOAT_TEXT = re.compile(r"^(\d+)\.0+$")
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.0+)?$")
_WIDE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff0d]")
_HALF_WIDTH = {
    c: c - 0xFEE0 for c in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B), 0xFF0D]
}


def odd_code(text: str) -> bool:
    """Whether a code cell may need fixing: a text prefix typed into a CSV ('3301…), scientific notation, a
    space inside it (a code has none: one pasted with a non-breaking or full-width space inside), or a number's
    form (a trailing .0, thousands separators, full-width digits)."""
    return (
        text[:1] in _TEXT_PREFIXES
        or " " in text
        or _SCIENTIFIC.match(text) is not None
        or (text.endswith("0") and _FLOAT_TEXT.match(text) is not None)
        or ("," in text and _GROUPED.match(text) is not None)
        or (not text.isascii() and _WIDE.search(text) is not None)
    )


def code_digits(code: str) -> str:
    """A code written in a number's form given back as the code: full-width digits and letters half-width,
    a float's trailing .0 and thousands separators dropped. Any other code is given back as it is."""
    if not code.isascii():
        code = code.translate(_HALF_WIDTH)
    if "," in code and _GROUPED.match(code):
        code = code.replace(",", "")
    m = _FLOAT_TEXT.match(code) if code.endswith("0") else None
    return m.group(1) if m else code


class RowValues:
    """Reads the field values of the item rows of one sheet, in order (ditto and fill-down look up).

    Most cells need none of the checks: each distinct value is examined once (placeholder, ditto mark, a
    code that may need fixing) and remembered as a few bits, so a plain row is read with one lookup a
    field; the checks themselves run only on the rows whose values may need them.
    """

    def __init__(self, ctx: SheetContext) -> None:
        self.ctx = ctx
        self._marks: dict[str, int] = {}
        """_PLACEHOLDER | _DITTO | _CODE_ODD by cell text: a column's values repeat row after row."""
        self._junk_names: dict[str, str | None] = {}
        self._levels: dict[str | None, tuple[str | None, str | None]] = {}
        self._fields: dict[str, int] | None = None
        self._names: tuple[str, ...] = ()
        self._pick: Callable[[list[str | None]], tuple[str | None, ...]] | None = None
        self._width = 0
        self._sheet_department: list[str | None] = []

    def _prepare(self) -> None:
        """The columns to pick from each row, as one C-level getter (the header has mapped them)."""
        fields = self.ctx.fields
        self._fields = fields
        self._names = tuple(fields)
        indices = tuple(fields.values())
        self._width = max(indices, default=-1) + 1
        self._pick = itemgetter(*indices) if len(indices) >= 2 else None

    def _mark(self, value: str) -> int:
        # 序号 and numbers: never a placeholder, ditto mark or odd code, and seldom repeated (not remembered).
        if value.isdigit() and value.isascii():
            return 0
        mark = (
            (_PLACEHOLDER if is_placeholder(value) else 0)
            | (_DITTO if value.strip() in DITTO_MARKS else 0)
            | (_CODE_ODD if odd_code(value) else 0)
        )
        if len(self._marks) < _MEMO_LIMIT:
            self._marks[value] = mark
        return mark

    def read(
        self, rownum: int, texts: list[str | None], joined: str | None = None
    ) -> dict[str, str | None] | None:
        """The row's values by field; None when its name cannot be read (the row is rejected and reported).

        `joined` is the row's non-empty texts joined, when the caller has it (a cheap test for error cells).
        """
        ctx = self.ctx
        if self._fields is not ctx.fields:
            self._prepare()
        if self._pick is not None and len(texts) >= self._width:
            values = dict(zip(self._names, self._pick(texts), strict=True))
        else:
            width = len(texts)
            values = {fld: texts[idx] if idx < width else None for fld, idx in ctx.fields.items()}
        memo = self._marks
        found = 0
        for fld, value in values.items():
            if value is None:
                continue
            mark = memo.get(value)
            if mark is None:
                mark = 0 if value.isdigit() else self._mark(value)  # 序号, 办件量: no call for them
            if mark:
                found |= mark
                if mark & _PLACEHOLDER:
                    ctx.placeholders.add(fld, ctx.raw.name, rownum, value)
                    values[fld] = None
        sub_item = values.get("sub_item")
        if sub_item is not None and sub_item.strip() in SUB_ITEM_PLACEHOLDERS:
            ctx.placeholders.add("sub_item", ctx.raw.name, rownum, sub_item)
            values["sub_item"] = None
        if self._junk_cells(rownum, texts, values, joined):
            return None
        if ctx.options.ditto and found & _DITTO:
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
        ctx.state.item_row = rownum
        for fld in ("code", "parent_power_code", "sub_code"):
            code = values.get(fld)
            if code is None:
                continue
            if not ctx.precision_lost:
                # Only a code with a text prefix or in scientific notation needs a look.
                mark = memo.get(code)
                if not (mark if mark is not None else self._mark(code)) & _CODE_ODD:
                    continue
            if code[:1] in _TEXT_PREFIXES:
                # '330109001000: the apostrophe that makes Excel keep a code as text, typed into a CSV.
                code = values[fld] = code[1:].strip() or None
            if code is not None and " " in code:
                code = values[fld] = code.replace(" ", "")
            if code is not None:
                code = values[fld] = code_digits(code)
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
                # The digits past the 15th are the float's, in no source: the code is left empty, and the
                # issue names the number as Excel shows it.
                lost = (
                    "the code is stored as a number too large for Excel to keep every digit "
                    "(more than 15); it is not used"
                )
                values[fld] = None
                code = f"{float(code):.15G}" if code is not None and code.isdigit() else code
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
        ctx.state.bare_row = (
            values.get("seq") is None and values.get("category") is None and values.get("department") is None
        )
        if values.get("department") is None:
            values["department"] = (
                ctx.state.section_department
                or self._department_of_sheet()
                or ctx.title_department
                or values.get("handling_office")
            )
        if values["department"] is not None:
            ctx.state.organ_seen = True
        if values.get("category") is None:
            values["category"] = ctx.state.section_category or ctx.sheet_category
        if "level" in values or ctx.layout.level:
            level = values.get("level") or ctx.layout.level
            split = self._levels.get(level)
            if split is None:
                split = split_level(level)
                if len(self._levels) < _MEMO_LIMIT:
                    self._levels[level] = split
            values["level"], scope = split
            values["level_scope"] = values.get("level_scope") or scope
        return values

    def _department_of_sheet(self) -> str | None:
        """The department the sheet's name gives (the same for every row: found once)."""
        if not self._sheet_department:
            self._sheet_department.append(self.ctx.sheet_department())
        return self._sheet_department[0]

    def _junk_cells(
        self, rownum: int, texts: list[str | None], values: dict[str, str | None], joined: str | None
    ) -> bool:
        """Report error cells (#N/A, #REF!) and dates in 序号; True when the name cannot be read at all."""
        ctx = self.ctx
        names = {ctx.fields.get("name"), ctx.fields.get("sub_item")}
        # Every error value holds "#": a row without one anywhere has no error cell.
        for idx, text in enumerate(texts) if joined is None or "#" in joined else ():
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
            text = values.get(fld)
            seq = seq_from_date(text) if text is not None and "-" in text else None  # a date has its "-"
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
            if not text:
                continue
            why = self._junk_names.get(text, _UNSEEN)
            if why is _UNSEEN:
                why = junk_name(text)
                if len(self._junk_names) < _MEMO_LIMIT:
                    self._junk_names[text] = why
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
