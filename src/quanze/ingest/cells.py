"""What the text of a cell, a title row or a sheet name says: cell values as text, levels (地州市级, 2,3),
categories and levels from sheet names, departments from titles, sub-items packed in one cell."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from quanze.models import Category
from quanze.normalize import category_of, name_key
from quanze.vocab import DEPARTMENT_ALIASES

FLOAT_EXACT_LIMIT = 2**53


ORGAN_ENDINGS = (
    "局",
    "委",
    "办",
    "院",
    "会",
    "部",
    "队",
    "所",
    "中心",
    "厅",
    "室",
    "府",
    "馆",
    "站",
    "社",
    "处",
    "分局",
    "大队",
    "支队",
)
"""How the name of an organ (or one of its offices) ends."""
_DEPT_SUFFIX = re.compile("(?:" + "|".join(ORGAN_ENDINGS) + ")$")


def cell_text(value: Any) -> tuple[str | None, bool]:
    """Cell as text, and whether a number was too large to keep its digits (codes stored as numbers)."""
    if value is None:
        return None, False
    if isinstance(value, bool):
        return ("是" if value else "否"), False
    if isinstance(value, int):
        return str(value), False
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value)), abs(value) >= FLOAT_EXACT_LIMIT
        return repr(value), False
    if isinstance(value, datetime):
        return (value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()), False
    if isinstance(value, date):
        return value.isoformat(), False
    return (value if type(value) is str else str(value)), False  # a str subclass as plain str


def looks_like_department(text: str) -> bool:
    key = name_key(text)
    return bool(_DEPT_SUFFIX.search(key)) or any(alias in key for alias in DEPARTMENT_ALIASES)


_LEVEL_CHARS = "省市州县区乡镇街道地盟旗自治本村社"
_LEAD_LEVEL = re.compile(
    rf"^([{_LEVEL_CHARS}]{{1,8}}级(?:[/、和及与或][{_LEVEL_CHARS}]{{1,8}}级)*)[\s。．.，,；;:：、]*(.*)$",
    re.S,
)
_ANY_LEVEL = re.compile(r"(?:省|自治区|地州市|地州|州|市|县市区|区县|县区|县|区|乡镇|街道|乡|镇)本?级")
_SHEET_LEVEL = re.compile(rf"^[{_LEVEL_CHARS}（）()]{{1,10}}级(?:事项|清单|权责清单|权力清单|权力)?$")


# The national catalogue's level codes (实施层级 2, 3, 4 = 省, 市, 县), as its exports write them: "2,3".
_LEVEL_CODES = {"1": "国家级", "2": "省级", "3": "市级", "4": "县级", "5": "乡级", "6": "村级"}
_LEVEL_CODE_LIST = re.compile(r"^[1-6](?:\s*[,，、;；/]\s*[1-6])*$")


def split_level(text: str | None) -> tuple[str | None, str | None]:
    """A 实施层级及权限 cell as (level, scope): 地州市级。负责… gives 地州市级 and 负责…; a cell that only
    describes the scope (负责市本级…) gives the level it names inside, and keeps the text as the scope;
    level codes (2,3) give the levels they stand for (省级、市级)."""
    if not text:
        return None, None
    if _LEVEL_CODE_LIST.match(text.strip()):
        return "、".join(_LEVEL_CODES[c] for c in re.findall(r"[1-6]", text)), None
    m = _LEAD_LEVEL.match(text)
    if m:
        return m.group(1), (m.group(2).strip() or None)
    inner = _ANY_LEVEL.search(text)
    return (inner.group(0) if inner else None), text


_ITEM_COUNT = re.compile(r"[(（]\s*(?:共\s*)?\d+\s*项\s*[)）]$")


def sheet_category(sheet: str, aliases: Mapping[str, Category]) -> str | None:
    """The category a sheet's name gives its rows: 行政许可（11项） → 行政许可 (one sheet per category)."""
    name = _ITEM_COUNT.sub("", re.sub(r"\s", "", sheet))
    return name if name and category_of(name, dict(aliases), national_codes=False) is not None else None


def sheet_level(sheet: str) -> str | None:
    """The level a sheet's name gives its rows (地州级, 区县级, 市级 …), when the name is just that."""
    name = re.sub(r"\s", "", sheet)
    return name if _SHEET_LEVEL.match(name) else None


_TITLE_NOISE = re.compile(r"^(?:附件\s*\d*\s*[:：]?)|\d{4}\s*年度?|[（(]\s*\d+\s*[)）]$")
# The list's own name after the organ's: 权责清单, 权力和责任清单, 行政权力事项清单, 行政职权目录, 事项清单 …
_TITLE_LIST = re.compile(r"(?:行政)?(?:权力|职权|权责|责任)?(?:和责任|及责任)?(?:事项)?(?:清单|目录).*$")


def title_department(rows: list[list[str | None]]) -> str | None:
    """The department a title row names (克拉玛依市消防救援支队权责清单 → 克拉玛依市消防救援支队)."""
    for texts in rows:
        for text in dict.fromkeys(t for t in texts if t):
            if "部门名称" in text:
                body = re.split(r"[:：]", text, maxsplit=1)[-1].strip()
            else:
                body = _TITLE_LIST.sub("", _TITLE_NOISE.sub("", text)).strip()
            body = _TITLE_NOISE.sub("", body).strip()
            if 3 <= len(body) <= 40 and _DEPT_SUFFIX.search(body):
                return body
    return None


_PACKED_ENTRY = re.compile(r"(?:(?:^|(?<=[\s；;，,。]))(\d{1,2})[.、．)）]|[(（](\d{1,2})[)）])\s*(?!\d)")
_LEADING_NUMBER = re.compile(r"^(?:\d{1,2}[.、．)）]|[(（]\d{1,2}[)）])\s*(?!\d)")


def packed_sub_items(text: str | None) -> list[str]:
    """The sub-items a 子项 cell lists (1.新设采矿权审批 2.采矿权延续登记 …), numbered 1, 2, 3 in order;
    a cell with one entry gives a list of one (its number dropped), an empty cell none."""
    if not text:
        return []
    marks = list(_PACKED_ENTRY.finditer(text))
    numbers = [int(m.group(1) or m.group(2)) for m in marks]
    if len(marks) >= 2 and numbers == list(range(numbers[0], numbers[0] + len(numbers))):
        parts = [
            text[m.end() : (marks[i + 1].start() if i + 1 < len(marks) else len(text))]
            for i, m in enumerate(marks)
        ]
        cleaned = [p.strip().rstrip("；;，,。").strip() for p in parts]
        if all(cleaned):
            return cleaned
    return [_LEADING_NUMBER.sub("", text).strip() or text]


# A text that may open with or hold a numbered entry: what the two tests below look for (a cheap first test).
NUMBERED_ENTRY = re.compile(r"(?:^|[\s；;，,。])\d{1,2}[.、．)）](?!\d)|[(（]\d{1,2}[)）]")
_LEAD_IN = re.compile(r"(?:[:：]|下列|之一)")


def numbered_line(text: str | None) -> str | None:
    """A name typed as a numbered line ((1)建筑工程规划许可, 2.市政工程规划许可): the text without its number,
    else None."""
    if not text:
        return None
    m = _LEADING_NUMBER.match(text)
    if m is None:
        return None
    return text[m.end() :].strip() or None


def name_with_sub_items(text: str | None) -> tuple[str, list[str]] | None:
    """A name cell holding its main item and then its sub-items, one numbered line each (X 1.X设计审查
    2.X验收, lines joined by clean_text): the main name and the sub-items, else None. A name whose
    entries follow a lead-in (有下列行为之一的：1.… 2.…) lists the cases of one item, not sub-items."""
    if not text:
        return None
    marks = list(_PACKED_ENTRY.finditer(text))
    if len(marks) < 2:
        return None
    head = text[: marks[0].start()].strip().rstrip("；;，,。").strip()
    numbers = [int(m.group(1) or m.group(2)) for m in marks]
    if not head or _LEAD_IN.search(head) or numbers != list(range(1, len(marks) + 1)):
        return None
    subs = packed_sub_items(text[marks[0].start() :])
    return (head, subs) if len(subs) == len(marks) else None
