"""Finding a sheet's header: the band of rows whose cells name the most fields, mapped to fields through
the header aliases (quanze.vocab and [aliases.headers]); the list kind a header gives."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from quanze.cellref import column_letter, column_number
from quanze.errors import UsageError
from quanze.models import ColumnMap, ListKind
from quanze.normalize import HAN, header_key
from quanze.vocab import NO_SECOND_OCCURRENCE, POWER_HEADERS, SECOND_OCCURRENCE, SERVICE_HEADERS

HEADER_SCAN_ROWS = 30


def alias_table(kind: ListKind, extra: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, int]]:
    tables: list[Mapping[str, tuple[str, ...]]] = []
    if kind in (ListKind.POWERS, ListKind.AUTO):
        tables.append(POWER_HEADERS)
    if kind in (ListKind.SERVICES, ListKind.AUTO):
        tables.append(SERVICE_HEADERS)
    table: dict[str, tuple[str, int]] = {}
    for fld, aliases in extra.items():
        for alias in aliases:
            table[header_key(alias)] = (fld, -1)
    for t in tables:
        for fld, aliases in t.items():
            for rank, alias in enumerate(aliases):
                table.setdefault(header_key(alias), (fld, rank))
    # Latin headers are compared without case (itemCode, ItemCode, itemcode): see `_candidates`.
    for key, hit in list(table.items()):
        if key.isascii() and key.lower() != key:
            table.setdefault(key.lower(), hit)
    return table


def names_column(alias: str, header: str) -> bool:
    """Whether a header alias names a column whose header (its parts joined by " / ") is `header`."""
    table = _alias_only(alias)
    parts = [p for p in header.split(" / ") if p]
    return any(_lookup(keys, table) is not None for keys in (parts, *([p] for p in parts)) if keys)


def _alias_only(alias: str) -> dict[str, tuple[str, int]]:
    key = header_key(alias)
    return {key: ("alias", 0), key.lower(): ("alias", 0)}


def resolve_fields(
    names: Iterable[str], header_aliases: Mapping[str, tuple[str, ...]] = {}
) -> tuple[str, ...]:
    """Field names for --fill-down: a field (department) or a header that names one (实施部门).
    Raises UsageError listing the fields that exist."""
    known = set(POWER_HEADERS) | set(SERVICE_HEADERS) | set(header_aliases)
    table = alias_table(ListKind.AUTO, header_aliases)
    out: list[str] = []
    for name in names:
        hit = name if name in known else (table.get(header_key(name)) or ("", 0))[0]
        if not hit:
            raise UsageError(
                f"--fill-down {name}: no such field",
                hint="give a field or a header that names one; fields: " + ", ".join(sorted(known)),
            )
        out.append(hit)
    return tuple(dict.fromkeys(out))


# Rank added to a field found only through an upper header part (a group label such as 认领情况 over
# 是否认领 | 承接方式): a column named by its own header takes the field first.
_GROUP_RANK = 1000


# An English second line after a Chinese header (事项名称\nItem Name → 事项名称ItemName as a key).
_ENGLISH_TAIL = re.compile(r"(?<=[\u3400-\u9fff)])\(?[A-Za-z][A-Za-z0-9.,/&'\-_]*\)?$")
_LETTER = re.compile(r"[A-Za-z]")
# A second line in another script after a Chinese header: Mongolian (事项名称\nᠠᠵᠢᠯ ᠤᠨ ᠨᠡᠷᠡ), Uyghur, Tibetan …
# Letters that are neither Latin nor Chinese, with the script's marks and separators between them.
_OTHER_SCRIPT_TAIL = re.compile(r"(?<=[\u3400-\u9fff)])[^\x00-\x7f\u3000-\u9fff\uff00-\uffef]+$")


def _other_script(text: str) -> bool:
    """Whether a text has letters of a script other than Latin and Chinese (Mongolian, Arabic, Tibetan …)."""
    return any(ch.isalpha() and not ch.isascii() and not HAN.match(ch) for ch in text)


# A footnote mark after a header word (事项名称①, 事项类型², folded to a digit), explained in a 注 row below.
_FOOTNOTE_MARK = re.compile(r"(?<=[\u3400-\u9fff])\d{1,2}$")


def _candidates(key: str, *, cell: bool = True) -> tuple[str, ...]:
    """A header key and what it may stand for: without a bracketed part, without an English second line (of
    one cell: stacked parts joined are no cell, and the part below may be a data row's ID, 编号 over TJ-001)."""
    out = [key]
    if key.isascii() and key.lower() != key:
        out.append(key.lower())
    if cell and key[-1:].isascii():
        english = _ENGLISH_TAIL.sub("", key)
        if english != key:
            out.append(english)
        elif key[-1:].isdigit() and (unmarked := _FOOTNOTE_MARK.sub("", key)) != key:
            out.append(unmarked)
    elif cell and (tail := _OTHER_SCRIPT_TAIL.search(key)) is not None and _other_script(tail.group()):
        out.append(key[: tail.start()])
    if "(" in key:
        out += [re.sub(r"\([^()]*\)", "", k) for k in out]
    return tuple(out)


def _lookup(label_parts: list[str], table: Mapping[str, tuple[str, int]]) -> tuple[str, int] | None:
    """Field for a header given its stacked parts (top to bottom): whole, then bottom, then top part."""
    keys = ["".join(label_parts), *reversed(label_parts)] if len(label_parts) > 1 else label_parts
    for n, key in enumerate(keys):
        for candidate in _candidates(key, cell=n > 0 or len(label_parts) == 1):
            if candidate in table:
                fld, rank = table[candidate]
                return (fld, rank + _GROUP_RANK) if n >= 2 else (fld, rank)
    return None


def _english_headings(row: list[str | None], columns: list[ColumnMap]) -> bool:
    """A row of English headings (No. | Item Name | Sub-item …) under a Chinese header, or of headings in the
    region's other official script (Uyghur, Mongolian): two cells at least, each with a letter and no
    Chinese, all in columns the header labels (a list's items are Chinese)."""
    labelled = {ord_index(c.column) for c in columns if c.header}
    cells = [(i, t) for i, t in enumerate(row) if t]
    return len(cells) >= 2 and all(
        i in labelled and len(t) <= 40 and (_LETTER.search(t) or _other_script(t)) and not HAN.search(t)
        for i, t in cells
    )


def map_columns(band: list[list[str | None]], table: Mapping[str, tuple[str, int]]) -> list[ColumnMap]:
    width = max((len(r) for r in band), default=0)
    found: list[tuple[int, str, tuple[str, int] | None]] = []
    for col in range(width):
        parts: list[str] = []
        for row in band:
            text = row[col] if col < len(row) else None
            key = header_key(text) if text else ""
            if key and key not in parts:
                parts.append(key)
        label = " / ".join(p for p in parts)
        found.append((col, label, _lookup(parts, table) if parts else None))
    assigned: dict[int, str] = {}
    taken: set[str] = set()
    order = sorted((c for c in found if c[2] is not None), key=lambda c: (c[2][1], c[0]))  # type: ignore[index]
    for col, label, hit in order:
        assert hit is not None
        fld = hit[0]
        if fld in taken:
            if NO_SECOND_OCCURRENCE.intersection(label.split(" / ")):
                continue
            fld = SECOND_OCCURRENCE.get(fld, "")
            if not fld or fld in taken:
                continue
        assigned[col] = fld
        taken.add(fld)
    return [
        ColumnMap(column=column_letter(col + 1), header=label, field=assigned.get(col))
        for col, label, _ in found
        if label or col in assigned
    ]


# Names of the item that say little on their own: a header with only one of these is not a header.
_GENERIC_NAME_HEADERS = frozenset(header_key(h) for h in ("名称", "事项", "项目", "主项", "服务事项"))


def names_a_field(text: str, table: Mapping[str, tuple[str, int]]) -> bool:
    # Field names are short words, never numbers or codes: most data cells are told apart without a lookup.
    return len(text) <= 30 and not text[0].isdigit() and _lookup([header_key(text)], table) is not None


_MEMO_LIMIT = 1 << 16  # cell texts remembered per sheet: a column's repeated values, and room for names


def reads_like_header(
    texts: list[str | None],
    table: Mapping[str, tuple[str, int]],
    memo: dict[str, bool] | None = None,
    *,
    distinct: set[str] | None = None,
) -> bool:
    """A row most of whose cells are field names (序号, 事项名称 …): a header, never a record.

    `memo` remembers the answer per cell text: a sheet's columns repeat their values row after row. The
    scan stops as soon as too few cells are left to make the row a header. `distinct` is the row's set of
    non-empty texts, when the caller has it.
    """
    if distinct is None:
        distinct = {t for t in texts if t}
    need = max(2, -(-len(distinct) * 3 // 5))  # at least two, and three fifths of the cells
    spare = len(distinct) - need
    mapped = 0
    for t in distinct:
        # A long text or one starting with a digit is never a field name (as names_a_field says), and is not
        # remembered: numbers and codes are many and seldom repeat, and would fill the memo before the names.
        hit: bool | None = (
            False if len(t) > 30 or t[0].isdigit() else memo.get(t) if memo is not None else None
        )
        if hit is None:
            hit = names_a_field(t, table)
            if memo is not None and len(memo) < _MEMO_LIMIT:
                memo[t] = hit
        if hit:
            mapped += 1
            if mapped >= need:
                return True
        else:
            spare -= 1
            if spare < 0:
                return False
    return False


def _band_fields(columns: list[ColumnMap]) -> set[str]:
    return {c.field for c in columns if c.field}


def find_header(
    rows: list[list[str | None]], table: Mapping[str, tuple[str, int]]
) -> tuple[int, int, list[ColumnMap]] | None:
    """The header band (0-based first and last row) that best explains the rows below it.

    A band must name the item. Bands are ranked by the fields they map; a tie goes to the band whose next
    row is data rather than more header words, then to the shorter band. The chosen band then takes in a
    row of header words right above or below it when that row adds or keeps its fields: a two-row header
    whose upper cell is itself a field name (权力事项 over 事项编码 | 事项名称) is one header, not a header and
    a record.
    """
    best: tuple[tuple[int, bool, int, int], int, int, list[ColumnMap]] | None = None
    header_like = [reads_like_header(r, table) for r in rows]
    for h in range(len(rows)):
        for top, bottom in ((h, h), (h, h + 1)):
            if bottom >= len(rows):
                continue
            columns = map_columns(rows[top : bottom + 1], table)
            fields = _band_fields(columns)
            if "name" not in fields and "sub_item" not in fields:
                continue
            if len(fields) < 2 and not _strong_name_header(columns, table):
                continue
            next_is_data = bottom + 1 >= len(rows) or not header_like[bottom + 1]
            rank = (len(fields), next_is_data, -(bottom - top), -top)
            if best is None or rank > best[0]:
                best = (rank, top, bottom, columns)
    if best is None:
        return None
    _, top, bottom, columns = best
    fields = _band_fields(columns)
    # Take in header rows right above and below the band while they keep what it maps.
    while top > 0 and header_like[top - 1]:
        wider = map_columns(rows[top - 1 : bottom + 1], table)
        if not _band_fields(wider) >= fields:
            break
        top, columns, fields = top - 1, wider, _band_fields(wider)
    while bottom + 1 < len(rows) and header_like[bottom + 1] and bottom - top < 3:
        wider = map_columns(rows[top : bottom + 2], table)
        if not _band_fields(wider) >= fields:
            break
        bottom, columns, fields = bottom + 1, wider, _band_fields(wider)
    if bottom + 1 < len(rows) and _group_leaves(rows[bottom], rows[bottom + 1]):
        wider = map_columns(rows[top : bottom + 2], table)
        if _band_fields(wider) >= fields:
            bottom, columns, fields = bottom + 1, wider, _band_fields(wider)
    if bottom + 1 < len(rows) and _english_headings(rows[bottom + 1], columns):
        wider = map_columns(rows[top : bottom + 2], table)
        if _band_fields(wider) >= fields:
            bottom, columns = bottom + 1, wider
    return top, bottom, columns


def _group_leaves(band: list[str | None], row: list[str | None]) -> bool:
    """A row of leaf headings under a group header merged across columns (责任事项 over 受理阶段责任 | 审查阶段责任
    | 决定阶段责任 …): two leaves at least, each under a column whose band cell repeats its neighbour's (the
    merge spread), all different, short and no number; every other cell empty or the band's own text carried
    down a merge (序号 over two rows). A data row has a name of its own under the name column."""
    grouped = {
        i
        for i, text in enumerate(band)
        if text and ((i > 0 and band[i - 1] == text) or (i + 1 < len(band) and band[i + 1] == text))
    }
    leaves: list[str] = []
    for i, text in enumerate(row):
        if not text or (i < len(band) and band[i] == text):
            continue
        if i not in grouped or len(text) > 30 or text[0].isdigit():
            return False
        leaves.append(text)
    return len(leaves) >= 2 and len(set(leaves)) == len(leaves) and not set(leaves) & set(band)


def _strong_name_header(columns: list[ColumnMap], table: Mapping[str, tuple[str, int]]) -> bool:
    """A header that maps only the item name, with a specific word for it (事项名称, not 名称)."""
    for c in columns:
        if c.field not in ("name", "sub_item"):
            continue
        for part in c.header.split(" / "):
            key = header_key(part)
            hit = table.get(key)
            if hit is not None and hit[0] == c.field and key not in _GENERIC_NAME_HEADERS:
                return True
    return False


def second_table(columns: list[ColumnMap]) -> int | None:
    """The 0-based column where a second table starts beside the first: the header's headings, from that
    column on, are the first table's again (序号 事项名称 权力类型 实施主体 事项编码 | 序号 事项名称 …), three at
    least with the item's. None for one table (a 主项 | 子项 pair of 序号 and 名称 columns is one table)."""
    labels = [c.header for c in columns]
    filled = [i for i, label in enumerate(labels) if label]
    for split in filled[1:]:
        left = [labels[i] for i in filled if i < split]
        right = [labels[i] for i in filled if i >= split]
        if left != right or len(left) < 3:
            continue
        if any(c.field == "name" for c in columns[:split]):
            return split
    return None


def ord_index(letter: str) -> int:
    return column_number(letter) - 1


# Fields only a service catalogue has. Not 办件量 (a power list may have one) nor a power's code (权力事项编码
# heads some power lists' own code column).
# A level column of 事项 / 办理项 / 情形 (事项层级) is a catalogue exported as a tree.
CATALOGUE_FIELDS = frozenset({"parent_power_name", "handling_type", "tree_level"})
_HANDLING = "办理项"


def catalogue_columns(columns: Sequence[ColumnMap]) -> list[str]:
    """Headers that only a service catalogue has: 所属权力事项 / 办理类型 columns, or an item column named
    办理项 or 服务事项名称 (服务事项 alone heads the item column of some power-list exports). The 办理项 column may
    be read as the second item column, beside an item column (事项名称 | 业务办理项名称)."""
    return [
        c.header
        for c in columns
        if c.field in CATALOGUE_FIELDS
        or (c.field == "name" and (_HANDLING in c.header or _names_service_item(c.header)))
        or (c.field == "sub_item" and _HANDLING in c.header)
    ]


def _names_service_item(header: str) -> bool:
    # 公共服务事项名称 heads a 公共服务事项清单, a power-list kind; 服务事项名称 / 政务服务事项名称 a catalogue's item.
    return "服务事项名称" in header.replace("公共服务事项名称", "")


def guess_kind(columns: list[ColumnMap]) -> ListKind:
    return ListKind.SERVICES if catalogue_columns(columns) else ListKind.POWERS


_CODE_WORDS = ("编码", "代码", "编号")


def parent_columns(columns: list[ColumnMap], table: Mapping[str, tuple[str, int]]) -> list[ColumnMap]:
    """A catalogue's columns, the item beside a handling item read as its parent.

    When the item column names a handling item (办理项名称, 业务办理项名称), a second item-name column (事项名称,
    实施清单名称, which the header reads as a sub-item's) names the power or 实施清单 the handling item belongs
    to: its parent. That item's own code column (事项编码 beside 事项名称, 实施清单编码 beside 实施清单名称) is the
    parent's code, and the handling item's code column (业务办理项编码) the item's code, when there is one.
    """
    item = next((c for c in columns if c.field == "name"), None)
    if item is None or _HANDLING not in item.header:
        return columns
    out = list(columns)
    taken = {c.field for c in out if c.field}
    for i, c in enumerate(out):
        if c.field == "sub_item" and "parent_power_name" not in taken:
            out[i] = c.model_copy(update={"field": "parent_power_name"})
            taken.add("parent_power_name")
    parent = next((c for c in out if c.field == "parent_power_name"), None)
    own_code = next((i for i, c in enumerate(out) if _HANDLING in c.header and _names_code(c, table)), None)
    if parent is None or own_code is None:
        return out
    stems = {
        part.removesuffix("名称")
        for part in parent.header.split(" / ")
        if part.endswith("名称") and len(part) > 2
    }
    parent_codes = {stem + word for stem in stems for word in _CODE_WORDS}
    for i, c in enumerate(out):
        if i == own_code or c.field not in (None, "code") or "parent_power_code" in taken:
            continue
        if any(part in parent_codes for part in c.header.split(" / ")):
            out[i] = c.model_copy(update={"field": "parent_power_code"})
            taken.add("parent_power_code")
    if "code" not in {c.field for c in out}:
        out[own_code] = out[own_code].model_copy(update={"field": "code"})
    return out


def _names_code(column: ColumnMap, table: Mapping[str, tuple[str, int]]) -> bool:
    hit = _lookup(column.header.split(" / "), table)
    return hit is not None and hit[0] == "code"
