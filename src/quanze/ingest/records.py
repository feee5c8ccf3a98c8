"""Records from the values of an item row: a power (with its sub-items, one per entry of a packed 子项
cell) or a service item; a row that makes no valid item is rejected with the reason. Placeholder cells are
counted here and reported once per file."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from itertools import repeat
from typing import Any, TypeVar
from weakref import WeakMethod

from pydantic import BaseModel, ValidationError

from quanze.ingest.cells import name_with_sub_items, numbered_line, packed_sub_items
from quanze.ingest.context import SheetContext
from quanze.ingest.junk import inactive_status
from quanze.ingest.tree import CatalogueTree
from quanze.models import (
    Category,
    CategoryNumbering,
    IssueCode,
    ListKind,
    PowerItem,
    Provenance,
    RowIssue,
    ServiceItem,
    Severity,
)
from quanze.normalize import category_of, parse_count

_UNPARSED: Any = object()
_SUB_SEQ = re.compile(r"^\d+\s*[.．\-－_]\s*\d+$")
_POWER_FIELDS = frozenset(PowerItem.model_fields) - {"category", "volume", "source"}
_SERVICE_FIELDS = frozenset(ServiceItem.model_fields) - {"category", "volume", "source"}


def taken_fields(kind: ListKind) -> frozenset[str]:
    """The fields a record of the kind takes from the row's values as they are."""
    return _SERVICE_FIELDS if kind is ListKind.SERVICES else _POWER_FIELDS


def sub_numbering(text: str) -> bool:
    """Whether a 序号 numbers a sub-item (1.1, 2-3)."""
    return _SUB_SEQ.match(text) is not None


def _numbered_under(seq: str | None, main_seq: str | None) -> bool:
    """Whether a 子项 numbering (2-1, 2.1) may be under the item numbered `main_seq`: N-M is no 子项 of an item
    numbered other than N, nor of one numbered N-M itself (a county-wide list numbers each department's items
    1-1, 1-2, 2-1 … with no item 1 above them)."""
    if not seq or not sub_numbering(seq) or main_seq is None:
        return True
    main = main_seq.strip()
    if main.isdigit():
        return int(re.split(r"\D", seq.strip(), maxsplit=1)[0]) == int(main)
    return not sub_numbering(main)


class RecordBuilder:
    """Makes the records of the item rows of one sheet, in order (a sub-item joins the main item above)."""

    def __init__(self, ctx: SheetContext) -> None:
        self.ctx = ctx
        self._national_codes = ctx.options.category_codes is CategoryNumbering.NATIONAL
        self._aliases = dict(ctx.options.category_aliases)
        self._categories: dict[str, Category | None] = {}
        """category_of by raw 事项类型: a sheet has a handful of them, repeated row after row."""
        self._counts: dict[str, int | None] = {}
        """parse_count by 办件量 text (only those that parse: a bad one is reported on every row)."""
        self.count = 0
        """Records made so far (the sheet reader puts the number on the layout at the end)."""
        self.tree = CatalogueTree(ctx, WeakMethod(self._retract))

    def _category(self, raw: str) -> Category | None:
        """category_of a raw 事项类型, remembered: a sheet has a handful of them, repeated row after row."""
        if raw in self._categories:
            return self._categories[raw]
        cat = self._categories[raw] = category_of(raw, self._aliases, national_codes=self._national_codes)
        return cat

    def _count(self, raw: str) -> int | None:
        """parse_count of a 办件量 text (ValueError when it is no whole number), remembered when it parses."""
        count = self._counts.get(raw, _UNPARSED)
        if count is _UNPARSED:
            count = parse_count(raw)
            if len(self._counts) < 1 << 16:
                self._counts[raw] = count
        return count  # type: ignore[no-any-return]

    def common_plain(self, raw_category: str | None, raw_volume: str | None) -> dict[str, Any] | None:
        """Category and 办件量 of a row as `_common` puts them into a record's data, or None when either
        would raise an issue (an unknown category, a 办件量 that is no whole number)."""
        out: dict[str, Any] = {}
        if raw_category:
            cat = self._category(raw_category)
            if cat is None:
                return None
            out["category"] = cat
            out["category_raw"] = raw_category
        if raw_volume is not None:
            try:
                out["volume"] = self._count(raw_volume)
            except ValueError:
                return None
        return out

    def add(self, rownum: int, values: dict[str, str | None]) -> None:
        ctx = self.ctx
        status = values.get("status")
        if status and inactive_status(status):
            # An adjustment table lists the items it cancels or suspends beside those it keeps: reported on
            # the row, never counted as an item in force.
            ctx.layout.skipped_structural += 1
            ctx.issue(
                IssueCode.INACTIVE_ITEM,
                Severity.INFO,
                f'状态 "{status}": the item is cancelled or suspended, not in force; it was not read as an item',
                row=rownum,
                column=ctx.col_label(ctx.fields["status"]),
                value=values.get("name") or values.get("sub_item"),
            )
            return
        if ctx.kind is ListKind.SERVICES:
            self._service(rownum, values)
            return
        subs = packed_sub_items(values.get("sub_item"))
        if len(subs) > 1:
            ctx.issue(
                IssueCode.PACKED_SUB_ITEMS,
                Severity.INFO,
                f"one 子项 cell lists {len(subs)} sub-items; each is read as its own record",
                row=rownum,
                column=ctx.col_label(ctx.fields["sub_item"]),
                value=(values.get("sub_item") or "")[:120],
            )
        name = values.get("name")
        packed = name_with_sub_items(name) if not subs and name and " " in name else None
        if packed is not None:
            ctx.issue(
                IssueCode.PACKED_SUB_ITEMS,
                Severity.INFO,
                f"the name cell holds its item and {len(packed[1])} sub-items on numbered lines; each "
                "sub-item is read as its own record of the item",
                row=rownum,
                column=ctx.col_label(ctx.fields["name"]),
                value=(name or "")[:120],
            )
            name, subs = packed
        for sub in subs or (None,):
            self._power(rownum, {**values, "name": name, "sub_item": sub})

    def _common(self, rownum: int, values: dict[str, str | None], out: dict[str, Any]) -> None:
        """Category and 办件量 of the row, put into `out` (the record's data)."""
        ctx = self.ctx
        raw_category = values.get("category")
        if raw_category:
            cat = self._category(raw_category)
            if cat is None:
                ctx.issue(
                    IssueCode.UNKNOWN_CATEGORY,
                    Severity.WARNING,
                    f'"{raw_category}" is not a known category; map it in quanze.toml [aliases.categories]',
                    row=rownum,
                    column=ctx.col_label(ctx.fields["category"]) if "category" in ctx.fields else None,
                    value=raw_category,
                )
            out["category"] = cat
            out["category_raw"] = raw_category
        raw_volume = values.get("volume")
        if raw_volume is not None:
            try:
                out["volume"] = self._count(raw_volume)
            except ValueError:
                ctx.issue(
                    IssueCode.BAD_NUMBER,
                    Severity.WARNING,
                    f'"{raw_volume}" is not a whole number of transactions',
                    row=rownum,
                    column=ctx.col_label(ctx.fields["volume"]),
                    value=raw_volume,
                )

    def _reject(self, rownum: int, fld: str, message: str) -> None:
        ctx = self.ctx
        ctx.layout.rejected += 1
        col = ctx.fields.get(fld)
        if col is not None and (rownum, col) in ctx.invisible:
            ctx.issue(
                IssueCode.JUNK_NAME,
                Severity.ERROR,
                "the name is made of invisible characters (zero-width or non-breaking spaces); "
                "the row was not read",
                row=rownum,
                column=ctx.col_label(col),
            )
            return
        ctx.issue(
            IssueCode.MISSING_REQUIRED,
            Severity.ERROR,
            message,
            row=rownum,
            column=ctx.col_label(col) if col is not None else fld,
        )

    def provenance(self, rownum: int) -> Provenance:
        """Where the row's record came from (built as model_construct builds it)."""
        return self.provenances(range(rownum, rownum + 1))[0]

    def provenances(self, rows: range) -> list[Provenance]:
        """provenance() of each row."""
        file, sheet = self.ctx.file, self.ctx.raw.name
        if not (_PLAIN_PROVENANCE and type(file) is str and type(sheet) is str):
            return [Provenance(file=file, sheet=sheet, row=r) for r in rows]
        n = len(rows)
        return construct(Provenance, {"file": repeat(file, n), "sheet": repeat(sheet, n), "row": rows}, n)

    def _power(self, rownum: int, values: dict[str, str | None]) -> None:
        ctx = self.ctx
        name, sub = values.get("name"), values.get("sub_item")
        seq = values.get("seq")
        role = "single"
        last = ctx.state.last_main
        if sub:
            role = "sub"
            if not name:
                if last is None:
                    ctx.issue(
                        IssueCode.ORPHAN_SUB_ITEM,
                        Severity.WARNING,
                        "sub-item with no main item above it; its own name is used",
                        row=rownum,
                        value=sub,
                    )
                name = last.name if last is not None else sub
        elif (seq and sub_numbering(seq)) or values.get("sub_seq"):
            if last is not None and name and name != last.name and _numbered_under(seq, last.seq):
                role, sub, name = "sub", name, last.name
            elif last is None and name and not (ctx.state.section_department and seq and sub_numbering(seq)):
                # (Under a department's section row, 1-1, 1-2 number the department's items: no 子项.)
                ctx.issue(
                    IssueCode.ORPHAN_SUB_ITEM,
                    Severity.WARNING,
                    "sub-item numbering with no main item above it; read as an item",
                    row=rownum,
                    value=name,
                )
        elif last is not None and name and ctx.state.bare_row and last.seq and (line := numbered_line(name)):
            # A sub-item typed as a numbered line in the name column ((1)建筑工程规划许可), no 序号, type or
            # organ of its own, under a numbered main row: a sub-item of that row.
            role, sub, name = "sub", line, last.name
        if not name:
            self._reject(rownum, "name", "the item has no name (事项名称); the row was not read")
            return
        if role == "sub" and values.get("sub_code"):
            values = {**values, "code": values["sub_code"]}  # a 子项 with a code of its own (子项编码)
        if role == "sub" and last is not None and last.name == name:
            # A 子项 is part of its main item: a type or organ cell left blank on its row is the main row's.
            if values.get("category") is None and last.category_raw is not None:
                values = {**values, "category": last.category_raw}
            if values.get("department") is None and last.department is not None:
                values = {**values, "department": last.department}
        data: dict[str, Any] = {k: v for k, v in values.items() if k in _POWER_FIELDS}
        self._common(rownum, values, data)
        data["name"], data["sub_item"], data["role"] = name, sub, role
        data["source"] = self.provenance(rownum)
        try:
            item = row_record(PowerItem, data)
        except ValidationError as exc:
            self._reject(rownum, "name", f"the row does not make a valid item: {exc.errors()[0]['msg']}")
            return
        if role == "sub" and last is not None and last.name == name and last.role == "single":
            last.role = "main"
        if role != "sub":
            ctx.state.last_main = item
        ctx.duplicates.add(item)
        if ctx.options.keep_records:
            ctx.powers.append(item)
        self.count += 1

    def _retract(self, item: ServiceItem) -> None:
        """Take back the record of a row that turned out to be a 事项 of a catalogue tree (its 办理项 follow)."""
        ctx = self.ctx
        if ctx.services and ctx.services[-1] is item:
            ctx.services.pop()
        ctx.duplicates.discard(item)
        self.count -= 1

    def _service(self, rownum: int, values: dict[str, str | None]) -> None:
        ctx = self.ctx
        tree = self.tree
        depth = tree.depth(values)
        if depth == 2:
            tree.situation(rownum, values)
            return
        if depth == 1:
            tree.handling_item(rownum, values)
        name = values.get("name") or values.get("sub_item")
        if not name and ctx.parent_names_bare_rows:
            name = values.get("parent_power_name")
        if not name:
            self._reject(rownum, "name", "the service item has no name (事项名称); the row was not read")
            return
        data: dict[str, Any] = {k: v for k, v in values.items() if k in _SERVICE_FIELDS}
        self._common(rownum, values, data)
        data["name"] = name
        data["source"] = self.provenance(rownum)
        try:
            item = row_record(ServiceItem, data)
        except ValidationError as exc:
            self._reject(rownum, "name", f"the row does not make a valid item: {exc.errors()[0]['msg']}")
            return
        ctx.duplicates.add(item)
        if ctx.options.keep_records:
            ctx.services.append(item)
        self.count += 1
        if depth != 1:
            tree.top(item, values.get("seq"), depth == 0)


_Item = TypeVar("_Item", PowerItem, ServiceItem)
ROLES = frozenset({"single", "main", "sub"})


def _plain_defaults(model: type[BaseModel]) -> dict[str, Any] | None:
    """The model's defaults when every field is plain (no alias, no default factory, no hooks), else None."""
    if model.__pydantic_post_init__ or model.model_config.get("extra") == "allow":
        return None
    defaults: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if info.alias is not None or info.validation_alias is not None or info.default_factory is not None:
            return None
        defaults[name] = None if info.is_required() else info.default
    return defaults


_DEFAULTS: dict[type[BaseModel], dict[str, Any] | None] = {
    m: _plain_defaults(m) for m in (PowerItem, ServiceItem, Provenance)
}


def plain(model: type[BaseModel]) -> bool:
    """Whether the model can be built as model_construct builds it (no alias, factory or hook)."""
    return _DEFAULTS.get(model) is not None


def record_defaults(model: type[BaseModel]) -> dict[str, Any]:
    """A plain model's defaults by field, in the model's order (None for a required field)."""
    defaults = _DEFAULTS.get(model)
    assert defaults is not None, f"{model.__name__} is not plain"
    return defaults


_PLAIN_PROVENANCE = plain(Provenance)
_set = object.__setattr__


def row_record(model: type[_Item], data: dict[str, Any]) -> _Item:
    """The record of a sheet row, built as pydantic's model_construct builds it, without validating it: a
    row's data has the types the models declare by construction (texts or None from the row's cells, a
    Category, a whole number of transactions, a role, a Provenance, only the model's fields and a name).
    Validated instead for a model that is not plain, or data without a name."""
    if _DEFAULTS[model] is None or type(data.get("name")) is not str:
        return model.model_validate(data)
    return construct(model, {k: (v,) for k, v in data.items()}, 1)[0]


_M = TypeVar("_M", bound=BaseModel)
_drain = deque[Any](maxlen=0).extend
"""Runs an iterator to its end, keeping nothing: the maps of construct() do their work in C."""


def construct(
    model: type[_M],
    columns: Mapping[str, Iterable[Any]],
    count: int,
    given: Iterable[AbstractSet[str]] | None = None,
) -> list[_M]:
    """`count` records of a plain model, built as pydantic's model_construct builds them (no validation), a
    field at a time: each field's values from `columns` (the model's default for a field not there), each
    record's set fields from `given` (the fields of `columns` when None). The one place records, their
    sources and their rows' records are made from values (row_record, provenances, the column-wise body)."""
    defaults = record_defaults(model)
    given_names = [f for f in defaults if f in columns]
    # (The None at the end of each row makes zip check that every column holds `count` values.)
    rows = zip(*[columns[f] for f in given_names], repeat(None, count), strict=True)
    made = list(map(model.__new__, repeat(model, count)))
    # Each record's values: a copy of the defaults (every field, in the model's order) with the given fields
    # put in, which keeps that order: cheaper than a dict built a field at a time.
    values = list(map(dict.copy, repeat(defaults, count)))
    _drain(map(dict.update, values, map(zip, repeat(given_names), rows)))
    _drain(map(_set, made, repeat("__dict__"), values))
    fields_sets = map(set, given) if given is not None else map(set, repeat(columns.keys(), count))
    _drain(map(_set, made, repeat("__pydantic_fields_set__"), fields_sets))
    _drain(map(_set, made, repeat("__pydantic_extra__"), repeat(None, count)))
    _drain(map(_set, made, repeat("__pydantic_private__"), repeat(None, count)))
    return made


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
