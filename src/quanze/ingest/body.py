"""The body of a sheet read column by column: each distinct cell value is examined once (its text, and marks
for every test a row may need), a row's marks are combined a column at a time, and only the rows whose marks
say a test may apply go through the sheet reader's row-by-row path. The others (nearly every row of a large
list) become records in one tight loop that builds no intermediate object.

Every row still ends as a record or as the row-by-row path's issue: a plain row is one that path would have
made into a record with no issue of its own, and it is built here with the very same values and fields."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import reduce
from itertools import islice, repeat, zip_longest
from operator import and_, or_
from typing import Any

from quanze.ingest.cells import FLOAT_EXACT_LIMIT, split_level
from quanze.ingest.context import SheetContext
from quanze.ingest.header import names_a_field
from quanze.ingest.junk import is_error_value, junk_cell, junk_name, seq_from_date
from quanze.ingest.records import RecordBuilder, row_record, sub_numbering, taken_fields
from quanze.ingest.rowtext import EXCEL_CELL_LIMIT
from quanze.ingest.structure import example_seq, footnote, template_name
from quanze.ingest.values import odd_code
from quanze.models import ListKind, PowerItem, ServiceItem
from quanze.normalize import clean_text, has_control_characters, is_placeholder
from quanze.vocab import DITTO_MARKS

CHUNK = 4096
"""Rows read, transposed and decided at a time: bounded memory, long enough runs for the column steps."""
_MEMO_LIMIT = 1 << 17

_GENERAL = object()
"""A cell the row-by-row path must turn into text (it reports something about it, or is of an odd type)."""

# What a cell's text may make its row (any column), then what it may make a field of it.
_ROW = 1  # needs the row-by-row path: an odd cell, a heading, a total, signature, footnote or error cell
_PLACEHOLDER = 2
_DITTO = 4
_CODE_ODD = 8
_EXAMPLE_SEQ = 16
_TEMPLATE = 32
_DATE = 64
_JUNK_NAME = 128
_SUB_SEQ = 256
_PRESENT = 512

_NUMBERS = frozenset({int, float})
_KEYED = frozenset({str, int, float})
_PLAIN_TYPES = frozenset({str, int, float, type(None)})


class _Texts(dict[Any, Any]):
    """Cell value → its text, or _GENERAL; filled as values are met (str, int and float keys only: 1, 1.0 and
    True are equal keys, and a column holding a bool never comes here)."""

    def __init__(self) -> None:
        super().__init__({None: None})

    def __missing__(self, value: Any) -> Any:
        kind = type(value)
        if kind is str:
            text: Any = (
                clean_text(value)
                if len(value) <= EXCEL_CELL_LIMIT and not has_control_characters(value)
                else _GENERAL
            )
        elif kind in _NUMBERS and -FLOAT_EXACT_LIMIT < value < FLOAT_EXACT_LIMIT:
            # An int and a float equal in this range give the same text, so they may share a key.
            text = str(value) if kind is int else str(int(value)) if value.is_integer() else repr(value)
        else:
            return _GENERAL  # digits a float lost (the row-by-row path reports them) or another type
        if len(self) < _MEMO_LIMIT:
            self[value] = text
        return text


# Every text that one of the rarer tests below finds holds one of these characters: totals (计 数 共),
# 以下空白 (空 无), signatures and footnotes (: ： 章 签), error cells (#), template names (X Ｘ × ○ 〇), ditto
# marks, codes typed with a text prefix or saved in scientific notation (' ‘ ’ e E), example 序号 (例 示),
# sub-item numbers and dates (. ． - － _).
_RARE = re.compile("[计数共空无:：章签#XＸ×○〇同〃'\"”“d々‘’eE例示.．\\-－_]")
# A text of ideographs (and brackets) keeps every character through header_key: when it is longer than every
# header alias, with and without its bracketed parts, it names no field.
_IDEOGRAPHS = re.compile(r"[\u4e00-\u9fff（）]+")
_BRACKETED = re.compile(r"（[^（）]*）")
_CJK = re.compile(r"[\u3400-\u9fff]")


class _Marks(dict[Any, int]):
    """A cell's text → the tests it may need, as bits; filled as texts are met."""

    def __init__(self, ctx: SheetContext) -> None:
        super().__init__({None: 0, _GENERAL: _ROW})
        self.table = ctx.table
        self.longest = max(map(len, ctx.table), default=0)

    def __missing__(self, text: str) -> int:
        if text.isdigit():
            # No heading, total, placeholder, mark or odd code; as a name, a number (not remembered: 序号 and
            # 办件量 seldom repeat).
            return _PRESENT | _JUNK_NAME
        mark = _PRESENT
        if _RARE.search(text) is not None:
            stripped = text.strip()
            if junk_cell(text) or footnote(text) or is_error_value(text):
                mark |= _ROW
            if stripped in DITTO_MARKS:
                mark |= _DITTO
            if odd_code(text):
                mark |= _CODE_ODD
            if example_seq(text):
                mark |= _EXAMPLE_SEQ
            if template_name(text):
                mark |= _TEMPLATE
            if "-" in text and seq_from_date(text) is not None:
                mark |= _DATE
            if sub_numbering(text):
                mark |= _SUB_SEQ
        if is_placeholder(text):
            mark |= _PLACEHOLDER
        if (text.startswith("#") or _CJK.search(text) is None or len(text) <= 2) and junk_name(
            text
        ) is not None:
            mark |= _JUNK_NAME  # junk_name passes any other text with a Chinese character (past 是 / 否)
        if not (
            len(text) > self.longest
            and _IDEOGRAPHS.fullmatch(text)
            and len(_BRACKETED.sub("", text)) > self.longest
        ) and names_a_field(text, self.table):
            mark |= _ROW
        if len(self) < _MEMO_LIMIT:
            self[text] = mark
        return mark


_FIELD_MASKS: dict[str, int] = {
    "seq": _EXAMPLE_SEQ | _DATE,
    "sub_seq": _DATE,
    "name": _TEMPLATE | _JUNK_NAME,
    "sub_item": _JUNK_NAME,
    "code": _CODE_ODD,
    "parent_power_code": _CODE_ODD,
}
# A power row with a 子项, a 子项 number or a 序号 like 1.1 takes part in main/sub-item bookkeeping.
_POWER_MASKS: dict[str, int] = {"seq": _SUB_SEQ, "sub_seq": _PRESENT, "sub_item": _PRESENT}


class SheetBody:
    """Reads the rows below the header of one sheet without merged cells or unsaved formulas."""

    def __init__(
        self, ctx: SheetContext, records: RecordBuilder, row: Callable[[int, list[Any]], None]
    ) -> None:
        self.ctx = ctx
        self._records = records
        self._row = row
        """The row-by-row path, for a row given as the opener's values."""
        self._texts = _Texts()
        self._marks = _Marks(ctx)
        self._levels: dict[str | None, tuple[str | None, str | None]] = {}
        self._sheet_dept: str | None = None
        self._sheet_department_found = False
        self._taken = taken_fields(ctx.kind)

    def read(self, rows: Iterator[list[Any]], start: int) -> int:
        """Read the rows numbered from `start`; the number of the last (start - 1 when there is none)."""
        rownum = start - 1
        while chunk := list(islice(rows, CHUNK)):
            self._chunk(chunk, rownum + 1)
            rownum += len(chunk)
        return rownum

    def _masks(self, width: int) -> list[int]:
        ctx = self.ctx
        masks = [_ROW] * width
        power = ctx.kind is ListKind.POWERS
        for fld, idx in ctx.fields.items():
            if idx < width:
                masks[idx] |= _PLACEHOLDER | _DITTO | _FIELD_MASKS.get(fld, 0)
                if power:
                    masks[idx] |= _POWER_MASKS.get(fld, 0)
        return masks

    def _chunk(self, chunk: list[list[Any]], first: int) -> None:
        ctx = self.ctx
        n = len(chunk)
        columns = list(zip_longest(*chunk))
        width = len(columns)
        texts, marks = self._texts, self._marks
        text_columns: list[tuple[Any, ...] | list[Any]] = []
        for column in columns:
            if _PLAIN_TYPES.issuperset(map(type, column)):
                text_columns.append(list(map(texts.__getitem__, column)))
            else:  # a bool (equal to 1 as a key), a date …: the row-by-row path turns them into text
                text_columns.append(
                    [texts[v] if type(v) in _KEYED else None if v is None else _GENERAL for v in column]
                )
        mark_columns = [
            list(map(and_, map(marks.__getitem__, col), repeat(mask)))
            for col, mask in zip(text_columns, self._masks(width), strict=True)
        ]
        row_marks: list[int] = (
            reduce(lambda a, b: list(map(or_, a, b)), mark_columns) if mark_columns else [_ROW] * n
        )
        fields = ctx.fields
        names = tuple(fields)
        picked = [text_columns[i] if i < width else [None] * n for i in fields.values()]
        name_at = names.index("name") if "name" in fields else -1
        hidden = ctx.raw.hidden_rows
        general = self._row
        for k, (mark, values_row) in enumerate(zip(row_marks, zip(*picked, strict=True), strict=True)):
            rownum = first + k
            if (
                mark
                or name_at < 0
                or values_row[name_at] is None
                or ctx.precision_lost
                or (hidden and rownum in hidden)
                or len({c[k] for c in text_columns} - {None}) < 2
            ):
                general(rownum, chunk[k])
                continue
            if not self._plain(rownum, dict(zip(names, values_row, strict=True))):
                general(rownum, chunk[k])

    def _sheet_department(self) -> str | None:
        if not self._sheet_department_found:
            self._sheet_dept = self.ctx.sheet_department()
            self._sheet_department_found = True
        return self._sheet_dept

    def _plain(self, rownum: int, values: dict[str, str | None]) -> bool:
        """Make the record of a row whose marks need no test, as the row-by-row path would; False (nothing
        done) when its category or 办件量 would raise an issue, for that path to read it."""
        ctx = self.ctx
        state = ctx.state
        fill_down = ctx.options.fill_down
        if fill_down:
            for fld in fill_down:
                if values.get(fld) is None and fld in ctx.fields:
                    values[fld] = state.previous.get(fld)
        raw_category = values.get("category")
        if raw_category is None:
            raw_category = state.section_category or ctx.sheet_category
        records = self._records
        common = records.common_plain(raw_category, values.get("volume"))
        if common is None:
            return False
        service = ctx.kind is ListKind.SERVICES
        data: dict[str, Any] = {k: v for k, v in values.items() if k in self._taken}
        if values.get("department") is None:
            data["department"] = (
                state.section_department
                or self._sheet_department()
                or ctx.title_department
                or values.get("handling_office")
            )
        if "level" in values or ctx.layout.level:
            level = values.get("level") or ctx.layout.level
            split = self._levels.get(level)
            if split is None:
                split = split_level(level)
                if len(self._levels) < _MEMO_LIMIT:
                    self._levels[level] = split
            data["level"] = split[0]
            if not service:
                data["level_scope"] = values.get("level_scope") or split[1]
        data.update(common)
        state.previous = values
        data["source"] = records.provenance(rownum)
        item: PowerItem | ServiceItem
        if service:
            item = row_record(ServiceItem, data)
            ctx.duplicates.add(item)
            if ctx.options.keep_records:
                ctx.services.append(item)
        else:
            data["sub_item"], data["role"] = None, "single"
            item = row_record(PowerItem, data)
            state.last_main = item
            ctx.duplicates.add(item)
            if ctx.options.keep_records:
                ctx.powers.append(item)
        records.count += 1
        return True
