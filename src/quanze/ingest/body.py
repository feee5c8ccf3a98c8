"""The body of a sheet read column by column: each distinct cell value is examined once (its text, and marks
for every test a row may need), a row's marks are combined a column at a time, and only the rows whose marks
say a test may apply go through the sheet reader's row-by-row path. The others (nearly every row of a large
list) become records in one tight loop that builds no intermediate object.

Every row still ends as a record or as the row-by-row path's issue: a plain row is one that path would have
made into a record with no issue of its own, and it is built here with the very same values and fields."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import islice, repeat, zip_longest
from operator import and_, contains, or_, sub
from typing import Any, cast

from quanze.ingest.cells import FLOAT_EXACT_LIMIT, NUMBERED_ENTRY, split_level
from quanze.ingest.context import SheetContext
from quanze.ingest.header import names_a_field
from quanze.ingest.junk import (
    INACTIVE_FIRST,
    inactive_status,
    is_error_value,
    junk_cell,
    junk_name,
    may_be_junk_name,
    seq_from_date,
)
from quanze.ingest.records import (
    RecordBuilder,
    construct,
    plain,
    record_defaults,
    sub_numbering,
    taken_fields,
)
from quanze.ingest.rowtext import EXCEL_CELL_LIMIT
from quanze.ingest.structure import example_seq, fill_hint, footnote, template_name
from quanze.ingest.tree import TREE_WORDS, dotted_seq
from quanze.ingest.values import odd_code
from quanze.models import ListKind, PowerItem, Provenance, ServiceItem
from quanze.normalize import clean_text, has_control_characters, is_placeholder
from quanze.vocab import DITTO_MARKS, SUB_ITEM_PLACEHOLDERS

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
_STATUS = 1024
_TREE = 2048

_set = object.__setattr__
_NUMBERS = frozenset({int, float})
_KEYED = frozenset({str, int, float})
_PLAIN_TYPES = frozenset({str, int, float, type(None)})


class _Texts(dict[Any, Any]):
    """Cell value → its text (as RowTexts gives it), or _GENERAL; filled as values are met. Only str, int
    and float values are looked up: True equals 1 as a key but reads 是."""

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


# Every text that one of the rarer tests below finds holds one of these characters: totals (计 数 共 汇),
# 以下空白 (空 无), signatures and footnotes (: ： 章 签), error cells (#), template names (X Ｘ × ○ 〇), ditto
# marks, codes typed with a text prefix or saved in scientific notation (' ‘ ’ e E), example 序号 (例 示),
# fill-in hints (填 拉 式 示), sub-item numbers and dates (. ． - － _).
_RARE = re.compile("[计数共汇空无填拉式:：章签#XＸ×○〇同〃'\"”“d々‘’eE例示.．\\-－_]")
# A text of ideographs (and brackets) keeps every character through header_key: when it is longer than every
# header alias, with and without its bracketed parts, it names no field.
_IDEOGRAPHS = re.compile(r"[\u4e00-\u9fff（）]+")
_BRACKETED = re.compile(r"（[^（）]*）")


def _whole_and_exact(column: tuple[float, ...]) -> bool:
    """Whether every number of a column of floats is whole and within the digits a float keeps."""
    return (
        min(column) > -FLOAT_EXACT_LIMIT
        and max(column) < FLOAT_EXACT_LIMIT
        and all(map(float.is_integer, column))
    )


class _Numbered(dict[Any, int]):
    """A power's name text → _ROW when it may be a sub-item line or hold its sub-items on numbered lines
    (records read both row by row), else 0; filled as names are met."""

    def __init__(self) -> None:
        super().__init__({None: 0, _GENERAL: 0})

    def __missing__(self, text: str) -> int:
        mark = _ROW if NUMBERED_ENTRY.search(text) is not None else 0
        if len(self) < _MEMO_LIMIT:
            self[text] = mark
        return mark


class _Marks(dict[Any, int]):
    """A cell's text → the tests it may need, as bits, for the columns of one mask: only the tests of the
    mask's bits are made (a code needs no junk-name or date test), so a text's marks agree with those of
    every test on the mask's bits, and only there. Filled as texts are met."""

    def __init__(self, table: dict[str, tuple[str, int]], longest: int, mask: int) -> None:
        super().__init__({None: 0, _GENERAL: _ROW})
        self.table = table
        self.longest = longest
        self.mask = mask

    def __missing__(self, text: str) -> int:
        want = self.mask
        if text.isdigit():
            mark = _DIGITS if text.isascii() else _DIGITS | (_CODE_ODD & want)  # full-width: a code to fix
        else:
            if _RARE.search(text) is not None:
                mark = self._rare(text, want)
            else:
                mark = _CODE_ODD | _PRESENT if want & _CODE_ODD and odd_code(text) else _PRESENT
            # Texts here are cleaned (no spaces around them, never empty).
            if want & _STATUS and text[0] in INACTIVE_FIRST and inactive_status(text):
                mark |= _STATUS
            if want & _TREE and text in TREE_WORDS:
                mark |= _TREE
            if want & _PLACEHOLDER and (is_placeholder(text) or text in SUB_ITEM_PLACEHOLDERS):
                mark |= _PLACEHOLDER
            if want & _JUNK_NAME and may_be_junk_name(text):
                mark |= _JUNK_NAME if junk_name(text) is not None else 0
            if not (
                len(text) > self.longest
                and _IDEOGRAPHS.fullmatch(text)
                and len(_BRACKETED.sub("", text)) > self.longest
            ) and names_a_field(text, self.table):
                mark |= _ROW
        if len(self) < _MEMO_LIMIT:
            self[text] = mark
        return mark

    @staticmethod
    def _rare(text: str, want: int) -> int:
        """The marks of the tests (of those `want` names, and _ROW's) that need one of the _RARE characters."""
        mark = _PRESENT
        stripped = text.strip()
        if junk_cell(text) or footnote(text) or is_error_value(text) or fill_hint(text):
            mark |= _ROW
        if want & _DITTO and stripped in DITTO_MARKS:
            mark |= _DITTO
        if want & _CODE_ODD and odd_code(text):
            mark |= _CODE_ODD
        if want & _EXAMPLE_SEQ and example_seq(text):
            mark |= _EXAMPLE_SEQ
        if want & _TEMPLATE and template_name(text):
            mark |= _TEMPLATE
        if want & _DATE and "-" in text and seq_from_date(text) is not None:
            mark |= _DATE
        if want & _SUB_SEQ and sub_numbering(text):
            mark |= _SUB_SEQ
        if want & _TREE and text[0].isdigit() and dotted_seq(text):
            mark |= _TREE
        return mark


_DIGITS = _PRESENT | _JUNK_NAME
"""The marks of a text of digits: no heading, total, placeholder, ditto mark or odd code; as a name, a number."""

_FIELD_MASKS: dict[str, int] = {
    "seq": _EXAMPLE_SEQ | _DATE,
    "sub_seq": _DATE,
    "name": _TEMPLATE | _JUNK_NAME,
    "sub_item": _JUNK_NAME,
    "code": _CODE_ODD,
    "parent_power_code": _CODE_ODD,
    "sub_code": _CODE_ODD,
    "status": _STATUS,
    "tree_level": _TREE,
}
# A power row with a 子项, a 子项 number or a 序号 like 1.1 takes part in main/sub-item bookkeeping.
_POWER_MASKS: dict[str, int] = {"seq": _SUB_SEQ, "sub_seq": _PRESENT, "sub_item": _PRESENT}
# A catalogue row numbered 1.1 or 1.1.1 is a node of a tree (a 办理项, a 情形).
_SERVICE_MASKS: dict[str, int] = {"seq": _TREE}


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
        self._marks: dict[int, _Marks] = {}
        """The marks of the columns of each mask, all told by the header table the sheet had at the start."""
        self._table = ctx.table
        self._longest = max(map(len, ctx.table), default=0)
        self._numbered = _Numbered()
        self._levels: dict[str | None, tuple[str | None, str | None]] = {}
        self._model: type[PowerItem] | type[ServiceItem] = (
            ServiceItem if ctx.kind is ListKind.SERVICES else PowerItem
        )
        # Rows are read here only when every record can be built as row_record builds it, and the fields a
        # fill-down option fills come from the row above (which the row-by-row path keeps).
        self.usable = (
            "name" in ctx.fields
            and plain(self._model)
            and plain(Provenance)
            and type(ctx.file) is str
            and type(ctx.raw.name) is str
            and not ctx.options.fill_down
        )
        self._sheet_department: list[str | None] = []

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
        power = ctx.kind is not ListKind.SERVICES  # records are powers unless the sheet is a catalogue
        for fld, idx in ctx.fields.items():
            if idx < width:
                masks[idx] |= _PLACEHOLDER | _DITTO | _FIELD_MASKS.get(fld, 0)
                masks[idx] |= (_POWER_MASKS if power else _SERVICE_MASKS).get(fld, 0)
        return masks

    def _chunk(self, chunk: list[list[Any]], first: int) -> None:
        ctx = self.ctx
        n = len(chunk)
        columns = list(zip_longest(*chunk))
        width = len(columns)
        texts = self._texts
        text_columns: list[list[Any]] = []
        digits: set[int] = set()  # columns of whole numbers of no sign: their texts are all digits
        for column in columns:
            kinds = set(map(type, column))
            if kinds == {float} and _whole_and_exact(column):
                text_columns.append(list(map(str, map(int, column))))  # 序号, 办件量: as _Texts gives them
                if min(column) >= 0:
                    digits.add(len(text_columns) - 1)
            elif _PLAIN_TYPES.issuperset(kinds):
                text_columns.append(list(map(texts.__getitem__, column)))
            else:  # a bool (equal to 1 as a key), a date …: the row-by-row path turns them into text
                text_columns.append(
                    [texts[v] if type(v) in _KEYED else None if v is None else _GENERAL for v in column]
                )
        name_column = text_columns[ctx.fields["name"]] if ctx.fields["name"] < width else [None] * n
        # A row is plain when no cell's marks call for a test, it has a name, and it holds two different texts
        # at least (a row of one text may be a section or title row).
        row_marks = [1 if name is None else 0 for name in name_column]
        for i, (col, mask) in enumerate(zip(text_columns, self._masks(width), strict=True)):
            if i in digits and not _DIGITS & mask:
                continue  # what the marks of digits say, no test of this column needs
            marks = self._marks.get(mask)
            if marks is None:
                marks = self._marks[mask] = _Marks(self._table, self._longest, mask)
            values = set(col)
            if len(values) * 4 <= n and not any(map(mask.__and__, map(marks.__getitem__, values))):
                continue  # a column of a few values (an organ, a type), none calling for a test
            row_marks = list(map(or_, row_marks, map(and_, map(marks.__getitem__, col), repeat(mask))))
        if ctx.kind is not ListKind.SERVICES:
            row_marks = list(map(or_, row_marks, map(self._numbered.__getitem__, name_column)))
        cells = list(zip(*text_columns, strict=True)) if text_columns else [()] * n
        # None counts as a distinct value: two different texts make the set 3 long with it, 2 without.
        distinct = list(map(sub, map(len, map(set, cells)), map(contains, cells, repeat(None))))
        plain_rows = [not m and d >= 2 for m, d in zip(row_marks, distinct, strict=True)]
        hidden = ctx.raw.hidden_rows
        if hidden:
            for r in hidden:
                if first <= r < first + n:
                    plain_rows[r - first] = False
        general = self._row
        k = 0
        while k < n:
            if not plain_rows[k] or ctx.precision_lost:
                fields = ctx.fields
                general(first + k, chunk[k])
                k += 1
                if ctx.fields is not fields:
                    # A pasted block's own header moved the columns: the rest is read by its mapping.
                    if k < n:
                        self._chunk(chunk[k:], first + k)
                    return
                continue
            end = k + 1
            while end < n and plain_rows[end]:
                end += 1
            self._stretch(chunk, text_columns, first, k, end)
            k = end

    def _column(self, text_columns: list[list[Any]], fld: str, a: int, b: int) -> list[Any] | None:
        idx = self.ctx.fields.get(fld)
        if idx is None:
            return None
        return text_columns[idx][a:b] if idx < len(text_columns) else [None] * (b - a)

    def _stretch(
        self, chunk: list[list[Any]], text_columns: list[list[Any]], first: int, a: int, b: int
    ) -> None:
        """Rows a..b (of the chunk), all plain: made into records in runs, but for a row whose category or
        办件量 raises an issue, which goes row by row (it changes no section, so what the rows above give
        the rows below stays the same all along)."""
        ctx, records = self.ctx, self._records
        state = ctx.state
        category = self._column(text_columns, "category", a, b)
        fill = state.section_category or ctx.sheet_category
        raw_categories = (
            [fill] * (b - a) if category is None else [fill if c is None else c for c in category]
        )
        volumes = self._column(text_columns, "volume", a, b) or [None] * (b - a)
        # A sheet has a handful of types and counts: each pair is decided once, and its rows share the answer.
        pairs = list(zip(raw_categories, volumes, strict=True))
        decided = {pair: records.common_plain(*pair) for pair in dict.fromkeys(pairs)}
        commons = list(map(decided.__getitem__, pairs))
        start = a
        for k in range(a, b + 1):
            if k < b and commons[k - a] is not None:
                continue
            if start < k:
                self._run(
                    text_columns, first, start, k, cast("list[dict[str, Any]]", commons[start - a : k - a])
                )
            if k < b:
                self._row(first + k, chunk[k])
            start = k + 1

    def _run(
        self, text_columns: list[list[Any]], first: int, a: int, b: int, commons: list[dict[str, Any]]
    ) -> None:
        """Rows a..b of the chunk into records, as the row-by-row path makes them, a column at a time."""
        ctx, records, model = self.ctx, self._records, self._model
        state = ctx.state
        m = b - a
        service = model is ServiceItem
        taken = taken_fields(ctx.kind)
        data: dict[str, list[Any]] = {}
        for fld in ctx.fields:
            column = self._column(text_columns, fld, a, b)
            if fld in taken and column is not None:
                data[fld] = column
        fill = state.section_department or self._department_of_sheet() or ctx.title_department
        department = data.get("department") or [None] * m
        if fill:
            data["department"] = [fill if d is None else d for d in department]
        else:
            office = data.get("handling_office") or [None] * m
            data["department"] = [o if d is None else d for d, o in zip(department, office, strict=True)]
        if "level" in ctx.fields or ctx.layout.level:
            given = data.get("level") or [None] * m
            splits = [self._level(v or ctx.layout.level) for v in given]
            data["level"] = [s[0] for s in splits]
            if not service:
                scopes = data.get("level_scope") or [None] * m
                data["level_scope"] = [g or s[1] for g, s in zip(scopes, splits, strict=True)]
        if not service:
            data["sub_item"], data["role"] = [None] * m, ["single"] * m
        rows = range(first + a, first + b)
        data["source"] = records.provenances(rows)
        # Every record of the run was given the same fields, but for category and 办件量, given when set.
        fixed = frozenset(data)
        unions: dict[int, frozenset[str]] = {}  # rows of one type and count share their data (above)
        given_fields = [unions.get(id(c)) or unions.setdefault(id(c), fixed | c.keys()) for c in commons]
        for fld in ("category", "category_raw", "volume"):
            data[fld] = [c.get(fld) for c in commons]
        items: list[Any] = construct(model, data, m, given_fields)
        defaults = record_defaults(model)

        def values(fld: str) -> list[Any]:
            return data.get(fld) or [defaults[fld]] * m

        units = (
            values("unit")
            if service
            else list(zip(values("unit"), values("receiving_unit"), values("level"), strict=True))
        )
        ctx.duplicates.add_run(data["name"], values("code"), data["department"], units, ctx.raw.name, rows)
        if ctx.options.keep_records:
            (ctx.services if service else ctx.powers).extend(items)
        if not service:
            state.last_main = items[-1]
        else:  # the last may be a 事项 of a catalogue tree whose 办理项 follow
            seq = self._column(text_columns, "seq", b - 1, b)
            records.tree.top(items[-1], seq[0] if seq else None, False)
        if not state.organ_seen and any(d is not None for d in data["department"]):
            state.organ_seen = True
        state.item_row = first + b - 1
        width = len(text_columns)
        state.previous = {f: text_columns[i][b - 1] if i < width else None for f, i in ctx.fields.items()}
        records.count += m

    def _level(self, level: str | None) -> tuple[str | None, str | None]:
        split = self._levels.get(level)
        if split is None:
            split = split_level(level)
            if len(self._levels) < _MEMO_LIMIT:
                self._levels[level] = split
        return split

    def _department_of_sheet(self) -> str | None:
        """The department the sheet's name gives (the same for every row: found once)."""
        if not self._sheet_department:
            self._sheet_department.append(self.ctx.sheet_department())
        return self._sheet_department[0]
