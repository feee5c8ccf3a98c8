"""Rows and cells that are no item: totals (合计 / 共N项), 以下空白 markers, Excel error values (#N/A, #REF!),
names made of invisible characters, dates, booleans or numbers. Pure text tests; ingest reports what they find."""

from __future__ import annotations

import re
import unicodedata

from quanze.models import IssueCode

ERROR_VALUES = frozenset(
    {
        "#N/A",
        "#N/A!",
        "#REF!",
        "#VALUE!",
        "#DIV/0!",
        "#NAME?",
        "#NUM!",
        "#NULL!",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#UNKNOWN!",
        "#BUSY!",
        "#GETTING_DATA",
        "#NAME!",
        "#VALUE",
        "#REF",
        "#DIV/0",
    }
)

_TOTAL = re.compile(
    r"^(?:(?:合\s*计|总\s*计|小\s*计|共\s*计|总\s*数|累\s*计)(?:\s*[:：].*|\s+\S.*)?"
    r"|(?:(?:本[表页]|以上|全部|合计)\s*)?(?:共\s*计?|合\s*计|总\s*计)\s*[:：]?\s*\d+\s*(?:项|条|个|件|大项|子项).*)$"
)
# A count beside a 合计 cell: 合计 | 4项.
_COUNT = re.compile(r"^\d+\s*(?:项|条|个|件|大项|子项)$")
# The lines an office signs below a table: who filled it in, who checked it, a phone number, the date, a seal.
_SIGNATURE = re.compile(
    r"^(?:(?:单位|部门|主要|分管)?(?:负责人|领导)|填表人|填报人|制表人|审核人|审批人|复核人|经办人|联系人"
    r"|联系电话|电话|手机|(?:填报|填表|制表|审核|报送)?日期|填报单位|报送单位)"
    r"\s*(?:[（(](?:签字|签名|签章|盖章)[)）])?\s*[:：].{0,40}$"
    r"|^[（(]?\s*(?:单位|部门)?\s*(?:盖章|公章|签章|签字|签名)\s*[)）]?$"
)
_SIGNATURE_HINT = re.compile(r"[:：章签]")
_ANY_HINT = re.compile(r"[计共空无正:：章签]")  # a character every total, marker or signature row holds
_BLANK_MARKER = re.compile(
    r"^[(（【\[]?\s*(?:本页|此页)?\s*(?:以下|下)\s*(?:空白|无内容|无正文|空)\s*[)）】\]]?$|^此页无正文$"
)
_NUMBER = re.compile(r"^[\d\s.,:/\-+%]+$")
_NUMBER_NAME = re.compile(r"^[\s.,:/\-+%]*\d[\d\s.,:/\-+%]*$")  # a digit at least: "-" is a placeholder
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2})?)?$")
_HINT = re.compile(r"[计共空无正]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_BOOLEANS = frozenset({"是", "否", "TRUE", "FALSE", "True", "False", "true", "false"})


def is_error_value(text: str | None) -> bool:
    """Whether a cell holds an Excel error (#N/A from a failed VLOOKUP, #REF! from a deleted sheet …)."""
    return text is not None and "#" in text[:3] and text.strip().upper() in ERROR_VALUES


def junk_row(texts: list[str | None], joined: str | None = None) -> tuple[IssueCode, str] | None:
    """A row that holds no item: a total (合计：共6项), a 以下空白 marker or signature lines, beside numbers at most.

    `joined` is the row's non-empty texts joined, when the caller has it."""
    if joined is None:
        joined = "".join(t for t in texts if t)
    if not _ANY_HINT.search(joined):
        return None  # the common case, a row of an item, decided with one search
    if _SIGNATURE_HINT.search(joined) and all(_SIGNATURE.match(t.strip()) for t in texts if t):
        return (
            IssueCode.SIGNATURE_ROW,
            "signature lines below the table (填表人, 审核人, 联系电话 …), not an item",
        )
    if not _HINT.search(joined):
        return None
    words = [t for t in texts if t and not _NUMBER.match(t)]
    distinct = set(words)
    if (
        1 < len(distinct) <= 3
        and all(len(w) <= 60 and (_TOTAL.match(w.strip()) or _COUNT.match(w.strip())) for w in distinct)
        and any(_TOTAL.match(w.strip()) for w in distinct)
    ):
        # 合计 | 共51项 in two cells: every word of the row is a total.
        return IssueCode.TOTAL_ROW, "a total row (合计 / 共N项), not an item"
    if len(distinct) != 1 or len(words[0]) > 60:
        return None
    text = words[0].strip()
    if _TOTAL.match(text):
        return IssueCode.TOTAL_ROW, "a total row (合计 / 共N项), not an item"
    if _BLANK_MARKER.match(text):
        return IssueCode.BLANK_MARKER_ROW, "a 以下空白 marker: nothing below it is meant to be read"
    return None


def junk_cell(text: str) -> bool:
    """Whether a cell's text could make its row a junk row (a total, a 以下空白 marker, a signature line):
    junk_row finds none in a row where no cell could."""
    text = text.strip()
    return bool(_TOTAL.match(text) or _BLANK_MARKER.match(text) or _SIGNATURE.match(text))


def is_invisible(char: str) -> bool:
    return unicodedata.category(char) in ("Cf", "Zs", "Zl", "Zp", "Mn", "Cc") or char in "\u3164\u2800\uffa0"


def junk_name(text: str) -> str | None:
    """Why a name cell cannot be an item's name, or None when it can."""
    if text in _BOOLEANS:
        return "the name cell holds a yes/no value, not a name; the column may be shifted"
    if _CJK.search(text) and not text.startswith("#"):
        return None  # past 是 / 否, a cell with a Chinese character in it is a name
    if is_error_value(text):
        return f"the name cell holds the Excel error {text}; fix the formula (VLOOKUP) in the source"
    if all(is_invisible(c) for c in text):
        return "the name is made of invisible characters (zero-width or non-breaking spaces)"
    if _ISO_DATE.match(text):
        return "the name cell holds a date, not a name; the column may be shifted"
    if _NUMBER_NAME.match(text):
        return "the name cell holds a number, not a name; the column may be shifted"
    return None


def seq_from_date(text: str | None) -> str | None:
    """序号 "1-1" that Excel turned into a date (1月1日), given back as "1-1"; None when it is no date."""
    if text is None:
        return None
    m = _ISO_DATE.match(text)
    if m is None:
        return None
    return f"{int(m.group(2))}-{int(m.group(3))}"
