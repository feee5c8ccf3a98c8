"""The tables quanze writes for people to fill in and reads back: one spec each, for writer and reader."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from quanze.models import DECISION_ZH

DONE, NOT_DONE = "已交接", "未交接"
DECISION_WORDS = tuple(DECISION_ZH.values())


@dataclass(frozen=True)
class SheetColumn:
    """One column: the key rows carry, the Chinese heading, the width, and what may be written in it."""

    key: str
    heading: str
    width: float
    wrap: bool = False
    fill_in: bool = False
    """A cell the person fills in: shaded (and left unlocked where the sheet is protected)."""
    hidden: bool = False
    decimal: bool = False
    choices: tuple[str, ...] = ()
    """Validation: one of these words, chosen from a dropdown."""
    date: bool = False
    """Validation: a date (the checklist accepts 2000-01-01 to 2100-12-31)."""


@dataclass(frozen=True)
class TableSpec:
    """A table quanze writes and reads back, found again by the headings of its `marks` columns."""

    name: str
    columns: tuple[SheetColumn, ...]
    marks: tuple[str, ...]

    def column(self, key: str) -> SheetColumn:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(f"{self.name} has no column {key!r}")

    def heading(self, key: str) -> str:
        return self.column(key).heading

    def get(self, row: Mapping[str, str | None], key: str) -> str | None:
        """The cell of column `key` in a row read back (rows read back are keyed by heading)."""
        return row.get(self.heading(key))

    @property
    def mark_headings(self) -> tuple[str, ...]:
        return tuple(self.heading(k) for k in self.marks)

    def without(self, *keys: str) -> tuple[SheetColumn, ...]:
        return tuple(c for c in self.columns if c.key not in keys)


MATCH_FIELDS = (
    SheetColumn("unit", "行政区划", 10, wrap=True),
    SheetColumn("power_department", "实施部门", 14, wrap=True),
    SheetColumn("power_office", "承办机构", 12, wrap=True),
    SheetColumn("power_code", "权力事项编码", 16, wrap=True),
    SheetColumn("power_name", "权力事项名称", 28, wrap=True),
    SheetColumn("service_code", "服务事项编码", 18, wrap=True),
    SheetColumn("service_name", "服务事项名称", 28, wrap=True),
    SheetColumn("service_department", "服务事项实施主体", 14, wrap=True),
    SheetColumn("score", "得分", 7, decimal=True),
    SheetColumn("method", "方法", 9),
    SheetColumn("status", "状态", 8),
)
"""A link as shown to officials: report.xlsx's match sheets (with 理由) and review.xlsx."""

REASON = SheetColumn("reason", "理由", 32, wrap=True)

REVIEW = TableSpec(
    "review.xlsx › 待复核",
    (
        SheetColumn("no", "序号", 6),
        *MATCH_FIELDS[:-2],
        REASON,
        SheetColumn(
            "decision", f"决定（{'/'.join(DECISION_WORDS)}）", 14, fill_in=True, choices=DECISION_WORDS
        ),
        SheetColumn("note", "备注", 20, fill_in=True),
        SheetColumn("power_key", "power_key", 10, hidden=True),
        SheetColumn("service_key", "service_key", 10, hidden=True),
    ),
    marks=("power_key", "service_key"),
)
"""review.xlsx: the links waiting for review; `quanze review apply` reads 决定 and the hidden keys back."""

REVIEW_DECISION_PREFIX = REVIEW.heading("decision").split("（")[0]
"""A 决定 column read back may have lost its hint (决定（确认/否决） retyped as 决定): found by this prefix."""


def checklist_columns(*, deadline: bool) -> tuple[SheetColumn, ...]:
    """The columns of a checklist's pages to sign: 交接期限 only when a deadline was given."""
    return CHECKLIST.columns if deadline else CHECKLIST.without("deadline")


CHECKLIST = TableSpec(
    "交接清单",
    (
        SheetColumn("no", "序号", 5),
        SheetColumn("list_no", "清单序号", 9, wrap=True),
        SheetColumn("item_code", "事项编码", 20, wrap=True),
        SheetColumn("item_name", "事项名称", 32, wrap=True),
        SheetColumn("mode", "下放方式", 9, wrap=True),
        SheetColumn("service_items", "应录入的服务事项", 30, wrap=True),
        SheetColumn("status", "交接状态", 9, fill_in=True, choices=(DONE, NOT_DONE)),
        SheetColumn("date", "交接日期", 12, fill_in=True, date=True),
        SheetColumn("deadline", "交接期限", 12, date=True),
        SheetColumn("note", "备注", 14, wrap=True, fill_in=True),
        # The unit and departments are in the section headings; kept hidden for `handover progress`.
        SheetColumn("unit", "承接单位", 12, hidden=True),
        SheetColumn("handing_department", "移交部门", 12, hidden=True),
        SheetColumn("receiving_department", "承接部门", 12, hidden=True),
    ),
    marks=("status", "item_name"),
)
"""交接清单_<单位>.xlsx: the pages both sides sign; `quanze handover progress` reads them back."""
