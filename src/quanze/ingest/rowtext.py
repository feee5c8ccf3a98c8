"""A row's cells as text: merged cells take their origin's value; formulas with no saved result, text
longer than Excel allows, control characters and numbers too large to keep their digits are reported."""

from __future__ import annotations

from typing import Any, cast

from quanze.ingest.cells import FLOAT_EXACT_LIMIT, cell_text
from quanze.ingest.context import SheetContext
from quanze.ingest.junk import invisible_only
from quanze.models import IssueCode, Severity
from quanze.normalize import clean_text, has_control_characters

EXCEL_CELL_LIMIT = 32767
_MISS = object()
_PLAIN_LIMIT = 1 << 17  # texts remembered per sheet: room for a column's repeated values and then some


class RowTexts:
    """Turns the raw values of each row of one sheet into texts, spreading merged cells."""

    def __init__(self, ctx: SheetContext) -> None:
        self.ctx = ctx
        self.formulas = ctx.raw.formulas
        self._merge_origin: dict[tuple[int, int], tuple[int, int]] = {}
        self._merge_values: dict[tuple[int, int], Any] = {}
        self._sideways: dict[int, list[int]] = {}
        """By row: the 0-based columns a merge covers right of its first column (its value spread sideways)."""
        for r0, c0, r1, c1 in ctx.raw.merges:
            if (r1 - r0 + 1) * (c1 - c0 + 1) > 100_000:
                continue  # a whole-sheet merge holds no values worth spreading
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    if (r, c) != (r0, c0):
                        self._merge_origin[(r, c)] = (r0, c0)
                if c1 > c0:
                    self._sideways.setdefault(r, []).extend(range(c0, c1))
        self._merge_width = min(max((c1 for _, _, _, c1 in ctx.raw.merges), default=0), 256)
        # Text cells that need no cleaning and raise no issue, by value: a column's values repeat row after
        # row, and such a cell's text is itself. Only str keys (and None) go in: 1, 1.0 and True are equal
        # as keys but give different texts.
        self._plain: dict[object, str | None] = {None: None}

    @property
    def plain(self) -> bool:
        """Whether the sheet has no merged cell to spread and no formula without a result to report."""
        return not self._merge_origin and not self.formulas

    def texts(self, rownum: int, values: list[Any]) -> tuple[list[str | None], set[int]]:
        """The row's cells as text, and the columns whose value continues a merge that starts on a row
        above (not a value of this row's own)."""
        if self._merge_origin or self.formulas:
            return self._texts(rownum, values)
        plain = self._plain
        try:
            out = [plain.get(v, _MISS) for v in values]
        except TypeError:  # an unhashable cell value from some opener: the general path
            return self._texts(rownum, values)
        if _MISS not in out:
            return cast("list[str | None]", out), set()
        for i, value in enumerate(values):
            if out[i] is not _MISS:
                continue
            kind = type(value)
            if kind is str and len(value) <= EXCEL_CELL_LIMIT and not has_control_characters(value):
                text = clean_text(value)
                if text is None and value and invisible_only(value):
                    self.ctx.invisible.add((rownum, i))  # reported where the cell's field needs a value
                elif len(plain) < _PLAIN_LIMIT:
                    plain[value] = text
                out[i] = text
            elif kind is int:
                out[i] = str(value)  # digits and a sign: nothing to clean or report
            elif kind is float and -FLOAT_EXACT_LIMIT < value < FLOAT_EXACT_LIMIT:
                # As cell_text gives it; numbers that lose digits are reported there.
                out[i] = str(int(value)) if value.is_integer() else repr(value)
            else:
                out[i] = self._cell(rownum, i + 1, value)
        return cast("list[str | None]", out), set()

    def first_column_only(self, rownum: int, texts: list[str | None]) -> list[str | None]:
        """A data row's texts with each merge spread across columns kept in its first column only: a name
        merged over the 子项 column (an item with no sub-item) is no sub-item. A row whose texts would come
        down to one (a title or section merged across the table) keeps the merge spread, as read."""
        columns = self._sideways.get(rownum)
        if not columns:
            return texts
        kept = list(texts)
        for c in columns:
            if c < len(kept):
                kept[c] = None
        return kept if sum(1 for t in kept if t) >= 2 else texts

    def _texts(self, rownum: int, values: list[Any]) -> tuple[list[str | None], set[int]]:
        """`texts` for a sheet with merged cells or formulas saved without a result."""
        ctx = self.ctx
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
            if value is None and self.formulas and (rownum, c) in self.formulas:
                ctx.issue(
                    IssueCode.FORMULA_WITHOUT_VALUE,
                    Severity.WARNING,
                    "a formula with no saved result (the file was not saved by Excel); "
                    "open it in Excel or WPS and save it again",
                    row=rownum,
                    column=ctx.col_label(c - 1),
                    value=self.formulas[(rownum, c)][:120],
                )
            out.append(self._cell(rownum, c, value))
        return out, inherited

    def _cell(self, rownum: int, c: int, value: Any) -> str | None:
        """One cell's text (c 1-based), with what it holds reported: lost digits, length, control characters."""
        ctx = self.ctx
        text, lost = cell_text(value)
        if lost:
            ctx.precision_lost.add((rownum, c))
        if text is not None and len(text) > EXCEL_CELL_LIMIT:
            ctx.issue(
                IssueCode.TEXT_TOO_LONG,
                Severity.WARNING,
                f"cell holds {len(text)} characters, more than Excel's {EXCEL_CELL_LIMIT}",
                row=rownum,
                column=ctx.col_label(c - 1),
            )
        if text is not None and has_control_characters(text):
            ctx.issue(
                IssueCode.CONTROL_CHARACTERS,
                Severity.WARNING,
                "control characters removed from the cell",
                row=rownum,
                column=ctx.col_label(c - 1),
                value=repr(text[:80]),
            )
        cleaned = clean_text(text)
        if cleaned is None and text and invisible_only(text):
            ctx.invisible.add((rownum, c - 1))
        return cleaned
