"""Catalogue trees: a catalogue exported with each 事项 above its 办理项 (and their 情形 below them), the level
shown by a level column (事项层级: 事项 / 办理项 / 情形) or by the depth of the 序号 (1 / 1.1 / 1.1.1). The 办理项
are the service items; their 事项 is their parent and gives them what they leave blank; 情形 are no items."""

from __future__ import annotations

import re
from collections.abc import Callable
from weakref import WeakMethod

from quanze.ingest.context import SheetContext
from quanze.models import IssueCode, ServiceItem, Severity

# What a level column calls each level of the tree.
_LEVEL_WORDS: dict[str, int] = {
    "事项": 0,
    "主项": 0,
    "基本目录": 0,
    "目录事项": 0,
    "实施清单": 0,
    "办理项": 1,
    "业务办理项": 1,
    "子项": 1,
    "情形": 2,
    "办理情形": 2,
}
TREE_WORDS = frozenset(_LEVEL_WORDS)
_DOTTED = re.compile(r"^\d+(?:[.．]\d+)+$")
# What a 办理项 takes from its 事项 when its own cell is blank (the 事项's raw category, not the parsed one).
_INHERITED = {"category": "category_raw", "department": "department", "unit": "unit"}


def dotted_seq(text: str) -> bool:
    """Whether a 序号 numbers a node below another (1.1, 1.1.1)."""
    return _DOTTED.match(text) is not None


class CatalogueTree:
    """Follows the tree of one catalogue sheet as its rows are read: which record may be a 事项, and which
    事项 the 办理项 being read belong to."""

    def __init__(self, ctx: SheetContext, retract: WeakMethod[Callable[[ServiceItem], None]]) -> None:
        self.ctx = ctx
        self._retract = retract
        """The record builder's way to take a record back, held weakly: the builder holds this tree, and a
        reference cycle would leave the sheet's records to the garbage collector once the read is over."""
        self.parent: ServiceItem | None = None
        """The 事项 whose 办理项 are being read (no record of its own)."""
        self.candidate: tuple[ServiceItem, str | None, bool] | None = None
        """The last record read, which a 办理项 below it makes a 事项: the record, its 序号, whether its level
        column said 事项."""
        self._handling: str | None = None

    def depth(self, values: dict[str, str | None]) -> int | None:
        """0 for a 事项, 1 for a 办理项, 2 for a 情形; None when the row does not say."""
        word = values.pop("tree_level", None)
        if word is not None and (found := _LEVEL_WORDS.get(word.strip())) is not None:
            return found
        seq = values.get("seq")
        if seq is not None and dotted_seq(seq):
            return min(len(re.split("[.．]", seq)) - 1, 2)
        return None

    def top(self, item: ServiceItem, seq: str | None, said_matter: bool) -> None:
        """A record read at the top of the tree (or in a catalogue that is no tree): it may be a 事项."""
        self.parent = None
        self.candidate = (item, seq, said_matter)
        self._handling = None

    def handling_item(self, rownum: int, values: dict[str, str | None]) -> None:
        """A 办理项 row: find its 事项 (the record above, taken back as a record) and fill in what it leaves blank."""
        parent = self.parent
        if parent is None and self.candidate is not None:
            item, seq, said = self.candidate
            child = values.get("seq") or ""
            if said or (seq and re.match(rf"{re.escape(seq)}[.．]", child)):
                retract = self._retract()
                assert retract is not None, "the record builder outlives its tree"
                retract(item)
                self.ctx.layout.skipped_structural += 1
                self.ctx.issue(
                    IssueCode.SECTION_ROW,
                    Severity.INFO,
                    "a 事项 with its 办理项 below it: their parent (parent_power_name), not a service item",
                    row=item.source.row,
                    value=item.name,
                )
                parent = self.parent = item
        self.candidate = None
        self._handling = values.get("name")
        if parent is None:
            return
        if values.get("parent_power_name") is None:
            values["parent_power_name"] = parent.name
        if values.get("parent_power_code") is None:
            values["parent_power_code"] = parent.code
        for fld, attr in _INHERITED.items():
            if values.get(fld) is None:
                values[fld] = getattr(parent, attr)

    def situation(self, rownum: int, values: dict[str, str | None]) -> None:
        """A 情形 row: a case of the 办理项 above, reported, never an item."""
        self.ctx.layout.skipped_structural += 1
        under = f" of 办理项 {self._handling}" if self._handling else ""
        self.ctx.issue(
            IssueCode.SITUATION_ROW,
            Severity.INFO,
            f"a 情形 (a case{under}) in a catalogue tree, not a service item",
            row=rownum,
            value=values.get("name"),
        )
