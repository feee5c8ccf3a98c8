"""Rows that are not items: blank and hidden rows, rows that continue a merged item above, footnotes, junk
rows (totals, signatures), section and title rows, and column headings repeated inside the table."""

from __future__ import annotations

import re

from quanze.ingest.cells import looks_like_department, title_department
from quanze.ingest.context import SheetContext
from quanze.ingest.header import map_columns, ord_index, reads_like_header
from quanze.ingest.junk import junk_row
from quanze.models import ColumnBlock, HiddenMode, IssueCode, ListKind, PowerItem, ServiceItem, Severity
from quanze.normalize import category_of, is_placeholder

_SECTION = re.compile(
    r"^(?:[一二三四五六七八九十百零〇]+[、.．]|[(（]?[一二三四五六七八九十]+[)）][、.．]?"
    r"|第[一二三四五六七八九十\d]+(?:部分|[章节类])[、.．:：]?)\s*(.+)$"
)
# The count a section heading may end with: 一、行政许可（共12项）, （二）行政处罚 共4项.
_SECTION_COUNT = re.compile(r"\s*[(（]?\s*共?\s*\d+\s*[项个条][)）]?\s*$")
_EXAMPLE_SEQ = frozenset({"示例", "例", "样例", "举例", "例如", "示范", "填写示例", "填表示例"})
# A name left as a template: XX许可, 对××行为的处罚, ＸＸ局.
_TEMPLATE_NAME = re.compile(r"(?:XX|ＸＸ|××|○○|〇〇)")
# A character every example row holds: 例 or 示 in its 序号 (示例, 例, 示范 …), or a template mark in its name.
_EXAMPLE_HINT = re.compile(r"[例示XＸ×○〇]")
# A fill-in hint a template puts under its header, saying what to write in each column: 填写阿拉伯数字,
# 从下拉列表中选择, 12位，文本格式, 必填. Every word holds one of 填 拉 式 示 (body's marks rely on it).
_FILL_HINT = re.compile(r"填写|填报|填入|必填|选填|下拉|格式|示例")
_FOOTNOTE = re.compile(r"^(?:注|备注|说明|附注|注释)\s*[\d一二三]*\s*[:：]")
# Where a printed table went on over a page: 续表, （续表二）, 续上表; 第 2 页 共 5 页.
_PAGE_LINE = re.compile(
    r"^(?:[(（]?(?:续表|续上表)[一二三四五六七八九十\d]*[)）]?"
    r"|第\s*\d+\s*页(?:\s*[,，、/]?\s*共\s*\d+\s*页)?|共\s*\d+\s*页\s*[,，、/]?\s*第\s*\d+\s*页)$"
)
_COLUMN_LABEL = frozenset({"栏次", "栏目", "列次", "序列"})
# A name's second paragraph that is only a bracketed qualifier: （非生物制品类兽药）, (非主要草种).
_QUALIFIER = re.compile(r"^[(（][^()（）]+[)）]$")


def page_line(texts: set[str]) -> bool:
    """Whether a row's texts only say that a printed table continues (续表, 第 2 页 共 5 页)."""
    return all(_PAGE_LINE.match(t.strip()) for t in texts)


def column_numbers(present: list[str]) -> bool:
    """Whether a row numbers the table's columns (栏次 1 2 3 4 …), as official tables do under the header."""
    numbers = present[1:] if present and present[0].strip() in _COLUMN_LABEL else present
    if len(numbers) < 3 or not all(t.strip().isdigit() for t in numbers):
        return False
    values = [int(t) for t in numbers]
    return values[0] in (0, 1) and values == list(range(values[0], values[0] + len(values)))


def footnote(text: str) -> bool:
    """Whether a row's first text opens a footnote (注：…, 说明：…)."""
    return _FOOTNOTE.match(text) is not None


def example_seq(text: str) -> bool:
    """Whether a 序号 says the row is an example (示例, 例 …)."""
    return text.strip() in _EXAMPLE_SEQ


def fill_hint(text: str) -> bool:
    """Whether a cell tells what to fill in (填写规范的事项全称, 从下拉列表中选择), as a template's hint row does."""
    return len(text) <= 60 and _FILL_HINT.search(text) is not None


def template_name(text: str) -> bool:
    """Whether a name is left as a template (XX许可, 对××行为的处罚)."""
    return _TEMPLATE_NAME.search(text) is not None


# Fields whose own value on a row makes it a record of its own, even when its other cells are merged.
_IDENTITY_FIELDS = ("name", "sub_item", "category", "department", "level")

# Fields a continuation row never adds to the record above (numbers, enums, the row's own numbering).
_NOT_CONTINUED = frozenset({"seq", "sub_seq", "volume", "category", "role", "source"})

# Long-text fields whose lines a list may write one a row below its item, every other cell empty.
_TEXT_FIELDS = frozenset(
    {
        "duty",
        "accountability",
        "basis",
        "remarks",
        "supervision_method",
        "level_scope",
        "supervision_department",
    }
)


class StructuralRows:
    """Tells the rows of one sheet that are no item, counts them in the layout and reports them."""

    def __init__(self, ctx: SheetContext) -> None:
        self.ctx = ctx
        self._field_names: dict[str, bool] = {}
        self.joined = ""
        """The last row's non-empty texts joined: one string that cheap tests search at C speed."""
        self._texts_for: dict[str, int] | None = None
        self._text_cols: dict[int, str] = {}

    def skip(self, rownum: int, texts: list[str | None], inherited: set[int]) -> bool:
        """True when the row is no item (it has been counted and reported); False for an item row.

        The tests run cheapest first, and a test that needs a character or a count the row lacks (every
        junk row holds one of a few characters; a footnote, section or title row has one or two distinct
        texts) is not run at all.
        """
        ctx, layout = self.ctx, self.ctx.layout
        present = [t for t in texts if t]
        if not present:
            self.joined = ""
            layout.skipped_blank += 1
            return True
        self.joined = joined = "".join(present)
        distinct = set(present)
        if rownum in ctx.raw.hidden_rows:
            layout.hidden_rows.append(rownum)
            if ctx.options.hidden is HiddenMode.SKIP:
                layout.skipped_structural += 1
                return True
        if inherited and self._continues_record(rownum, texts, inherited):
            return True
        first = present[0]
        if len(distinct) <= 2 and footnote(first):
            return self._skipped(rownum, IssueCode.FOOTNOTE_ROW, "footnote row, not an item", first)
        if len(distinct) <= 2 and page_line(distinct):
            what = "a line where the printed table goes on over a page (续表, 第 2 页 共 5 页), not an item"
            return self._skipped(rownum, IssueCode.SECTION_ROW, what, " | ".join(present))
        if len(present) >= 3 and column_numbers(present):
            what = "a row numbering the table's columns (栏次 1 2 3 …), not an item"
            return self._skipped(rownum, IssueCode.SECTION_ROW, what, " | ".join(present))
        junk = junk_row(texts, joined)
        if junk is not None:
            return self._skipped(rownum, junk[0], junk[1], " | ".join(sorted(distinct)))
        if _EXAMPLE_HINT.search(joined) and self._is_example(texts):
            what = "an example of how to fill in the list (序号 示例, a name with XX), not an item"
            return self._skipped(rownum, IssueCode.EXAMPLE_ROW, what, " | ".join(present))
        if ctx.state.item_row is None and len(present) >= 3 and self._is_fill_hint(texts, present):
            what = "a row of fill-in hints under the header (填写…, 从下拉列表中选择), not an item"
            return self._skipped(rownum, IssueCode.EXAMPLE_ROW, what, " | ".join(present))
        if ctx.state.previous and self._continues_text(rownum, texts):
            return True
        if len(distinct) == 1 and self._is_section(rownum, first, texts):
            return True
        if len(distinct) == 1 and len(present) >= 3:
            # One text merged across the table: a title (the list's second batch, a department block).
            ctx.state.section_department = title_department([texts]) or ctx.state.section_department
            return self._skipped(
                rownum, IssueCode.SECTION_ROW, "a title row across the table, not an item", first
            )
        if reads_like_header(texts, ctx.table, self._field_names, distinct=distinct):
            what = "a row of column headings inside the table (a repeated or pasted header), not an item"
            remapped = self._remap(rownum, texts)
            if remapped:
                what += f"; its columns are in another order, so the rows below are read by it: {remapped}"
            return self._skipped(rownum, IssueCode.REPEATED_HEADER, what, " | ".join(sorted(distinct)))
        return False

    def _remap(self, rownum: int, texts: list[str | None]) -> str:
        """A pasted block's own header that puts a field in another column than the sheet's header: the rows
        below it are read by this header (the new mapping, as text), else "" (the mapping stands)."""
        ctx = self.ctx
        columns = map_columns([texts], ctx.table)
        fields = {c.field: ord_index(c.column) for c in columns if c.field}
        if "name" not in fields and "sub_item" not in fields:
            return ""
        if "name" in ctx.fields and "name" not in fields:
            return ""  # the sheet's item column must stay named (the column-wise body reads by it)
        if all(ctx.fields.get(fld, idx) == idx for fld, idx in fields.items()):
            return ""  # the same header again (or part of it): nothing moves
        ctx.fields = fields
        ctx.layout.column_blocks.append(ColumnBlock(row=rownum, columns=[c for c in columns if c.header]))
        return ", ".join(f"{c.column} {c.header} → {c.field}" for c in columns if c.field)

    def _continues_text(self, rownum: int, texts: list[str | None]) -> bool:
        """A row whose only texts are lines of long-text fields (责任事项, 追责情形, 依据, 备注) continues the
        item above, unmerged: its lines are added to that record, reported once per record (info)."""
        ctx = self.ctx
        text_columns = self._text_columns()
        if not text_columns or any(t and i not in text_columns for i, t in enumerate(texts)):
            return False
        ctx.layout.merged_continuation += 1
        records: list[PowerItem] | list[ServiceItem] = (
            ctx.services if ctx.kind is ListKind.SERVICES else ctx.powers
        )
        target = records[-1] if records else None
        if ctx.options.keep_records and target is not None:
            for idx, fld in text_columns.items():
                text = texts[idx] if idx < len(texts) else None
                if not text or is_placeholder(text):
                    continue
                current = getattr(target, fld, None)
                if current is None:
                    setattr(target, fld, text)
                elif isinstance(current, str) and text not in current:
                    setattr(target, fld, f"{current}\n{text}")
        above = ctx.state.continued_from
        if above is None or above != ctx.state.item_row:
            ctx.state.continued_from = ctx.state.item_row
            ctx.issue(
                IssueCode.CONTINUATION_ROW,
                Severity.INFO,
                "lines of 责任事项 / 追责情形 (or another text column) on rows of their own below an item, every "
                "other cell empty: added to the item above, not read as items",
                row=rownum,
                value=" | ".join(t for t in texts if t)[:120],
            )
        return True

    def _text_columns(self) -> dict[int, str]:
        """The columns of long-text fields, by index (none: the row is no continuation)."""
        fields = self.ctx.fields
        if self._texts_for is not fields:
            self._texts_for = fields
            self._text_cols = {i: f for f, i in fields.items() if f in _TEXT_FIELDS}
        return self._text_cols

    def _continues_record(self, rownum: int, texts: list[str | None], inherited: set[int]) -> bool:
        """A row whose identifying cells all continue merges from above is part of the record above.

        Offices merge every cell of an item over several rows for row height. Values of the row's own in
        other columns (a second line of 责任事项) are added to the record above, never dropped.
        """
        ctx = self.ctx
        own_identity = any(
            (idx := ctx.fields.get(fld)) is not None
            and idx < len(texts)
            and texts[idx]
            and idx not in inherited
            and not is_placeholder(texts[idx])
            for fld in _IDENTITY_FIELDS
        )
        if own_identity:
            return self._joins_qualifier(rownum, texts, inherited)
        ctx.layout.merged_continuation += 1
        if not ctx.options.keep_records:
            return True  # validate keeps no records to add the values to
        own: dict[str, str] = {}
        for fld, idx in ctx.fields.items():
            text = texts[idx] if idx < len(texts) else None
            if text and idx not in inherited and not is_placeholder(text):
                own[fld] = text
        records: list[PowerItem] | list[ServiceItem] = (
            ctx.services if ctx.kind is ListKind.SERVICES else ctx.powers
        )
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
            ctx.issue(
                IssueCode.MERGED_VALUE_DROPPED,
                Severity.WARNING,
                "a value below a merged item, on a row that is not an item of its own; check that it "
                "belongs to the item above",
                row=rownum,
                column=ctx.col_label(ctx.fields[fld]),
                value=value[:120],
            )
        return True

    def _joins_qualifier(self, rownum: int, texts: list[str | None], inherited: set[int]) -> bool:
        """A Word table pasted into Excel: a name of two paragraphs takes two rows, the second a bracketed
        qualifier (（非主要草种）) under the name, every other cell of the item merged over both rows. The
        qualifier is part of the item's name (it tells the item from its twin): joined to the item above."""
        ctx, state = self.ctx, self.ctx.state
        idx = ctx.fields.get("name")
        last = state.last_main
        if (
            idx is None
            or idx >= len(texts)
            or not (text := texts[idx])
            or _QUALIFIER.match(text.strip()) is None
            or last is None
            or last.role != "single"
            or last.source.row != state.item_row
            or state.item_row != rownum - 1
        ):
            return False
        # Every other cell of the row continues a merge from the item row, and one identifying cell at least.
        others = [i for i, t in enumerate(texts) if t and i != idx]
        identity = {ctx.fields[f] for f in _IDENTITY_FIELDS if f in ctx.fields and f != "name"}
        if any(i not in inherited for i in others) or not identity & inherited:
            return False
        ctx.layout.merged_continuation += 1
        ctx.duplicates.discard(last)
        last.name = f"{last.name}{text.strip()}"
        ctx.duplicates.add(last)
        ctx.issue(
            IssueCode.CONTINUATION_ROW,
            Severity.INFO,
            "a bracketed qualifier on a row of its own under an item whose other cells are merged over it (a "
            "Word table pasted): joined to the item's name, not read as an item",
            row=rownum,
            value=text[:120],
        )
        return True

    def _skipped(self, rownum: int, code: IssueCode, message: str, value: str) -> bool:
        """Count a row that is no item and report it (info); True, for `skip` to return."""
        self.ctx.layout.skipped_structural += 1
        self.ctx.issue(code, Severity.INFO, message, row=rownum, value=value[:120])
        return True

    def _is_example(self, texts: list[str | None]) -> bool:
        """A row of a 填表示例: 序号 says 示例, or the name is a template (XX许可, 对××行为的处罚)."""
        fields = self.ctx.fields
        seq, name = fields.get("seq"), fields.get("name")
        seq_text = texts[seq] if seq is not None and seq < len(texts) else None
        name_text = texts[name] if name is not None and name < len(texts) else None
        return bool((seq_text and example_seq(seq_text)) or (name_text and template_name(name_text)))

    def _is_fill_hint(self, texts: list[str | None], present: list[str]) -> bool:
        """A template's hint row above the first item: its name cell and most of its cells say what to fill in."""
        name = self.ctx.fields.get("name")
        name_text = texts[name] if name is not None and name < len(texts) else None
        if not name_text or not fill_hint(name_text):
            return False
        return 2 * sum(map(fill_hint, present)) > len(present)

    def _is_section(self, rownum: int, text: str, texts: list[str | None]) -> bool:
        ctx = self.ctx
        m = _SECTION.match(text)
        name_idx = ctx.fields.get("name")
        only_in_name = (
            name_idx is not None
            and sum(1 for t in texts if t) == 1
            and (name_idx < len(texts) and texts[name_idx] == text)
        )
        if m is None and only_in_name:
            return False
        body = _SECTION_COUNT.sub("", m.group(1) if m else text) or text
        # A number alone (a 序号 on a row whose other cells are empty) is never a category section.
        if category_of(body, dict(ctx.options.category_aliases), national_codes=False) is not None:
            ctx.state.section_category = body
        elif m is not None or looks_like_department(body):
            ctx.state.section_department = body
        else:
            return False
        return self._skipped(rownum, IssueCode.SECTION_ROW, "section row: applies to the rows below it", text)
