"""Rows and cells that are no item: totals (合计 / 共N项), 以下空白 markers, Excel error values (#N/A, #REF!),
names made of invisible characters, dates, booleans or numbers. Pure text tests; ingest reports what they find."""

from __future__ import annotations

import re
import unicodedata

from quanze.ingest.cells import ORGAN_ENDINGS
from quanze.models import IssueCode
from quanze.normalize import HAN

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
    r"^(?:(?:合\s*计|总\s*计|小\s*计|共\s*计|总\s*数|累\s*计|汇\s*总)(?:\s*[:：].*|\s+\S.*)?"
    r"|(?:(?:本(?:[表页]|目录|清单)|以上|全部|合计)\s*)?(?:共\s*计?|合\s*计|总\s*计)\s*[:：]?\s*\d+\s*(?:项|条|个|件|大项|子项).*)$"
)
# A count beside a 合计 cell: 合计 | 4项.
_COUNT = re.compile(r"^\d+\s*(?:项|条|个|件|大项|子项)$")
# A subtotal under a block, as lists spell it: 小计, 桐川县交通运输局小计, 行政许可小计：4项, 小计（共3项）.
_SUBTOTAL = re.compile(
    r"^[^\d\s的]{0,30}小\s*计\s*[:：]?\s*(?:[(（]?\s*共?\s*\d+\s*(?:项|条|个|件|大项|子项)\s*[)）]?)?$"
)
# What a subtotal or total row may hold beside its total and counts: the organ of the block it closes.
_BLOCK_LABEL = re.compile("(?:" + "|".join((*ORGAN_ENDINGS, "政府", "机关")) + ")$")
# … and beside a 小计, the category of its block (a list grouped by category: 小计 | 行政许可 | 5项).
_CATEGORY_LABEL = re.compile(r"^(?:行政|其他|公共服务|非行政)[\u4e00-\u9fff]{0,6}$")
# The lines an office signs below a table: who filled it in, who checked it, a phone number, the date, a seal;
# and the footer lines a platform export ends with: where the data come from, who made the table and when.
_SIGNATURE = re.compile(
    r"^(?:(?:单位|部门|主要|分管)?(?:负责人|领导)|填表人|填报人|制表人|审核人|审批人|复核人|经办人|联系人"
    r"|联系电话|电话|手机|(?:填报|填表|制表|审核|报送|统计|导出|打印|编制)?(?:日期|时间)"
    r"|(?:填报|报送|制表|编制|统计)单位|(?:数据|资料|信息)来源|统计截止(?:日期|时间)?)"
    r"\s*(?:[（(](?:签字|签名|签章|盖章)[)）])?\s*[:：].{0,40}$"
    r"|^[（(]?\s*(?:单位|部门)?\s*(?:盖章|公章|签章|签字|签名)\s*[)）]?$"
)
_SIGNATURE_HINT = re.compile(r"[:：章签]")
_ANY_HINT = re.compile(r"[计共空无正:：章签汇]")  # a character every total, marker or signature row holds
_BLANK_MARKER = re.compile(
    r"^[(（【\[]?\s*(?:本页|此页)?\s*(?:以下|下)\s*(?:空白|无内容|无正文|空)\s*[)）】\]]?$|^此页无正文$"
)
_NUMBER = re.compile(r"^[\d\s.,:/\-+%]+$")
_NUMBER_NAME = re.compile(r"^[\s.,:/\-+%]*\d[\d\s.,:/\-+%]*$")  # a digit at least: "-" is a placeholder
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2})?)?$")
_HINT = re.compile(r"[计共空无正汇]")
_BOOLEANS = frozenset({"是", "否", "TRUE", "FALSE", "True", "False", "true", "false"})


def is_error_value(text: str | None) -> bool:
    """Whether a cell holds an Excel error (#N/A from a failed VLOOKUP, #REF! from a deleted sheet …)."""
    return text is not None and "#" in text[:3] and text.strip().upper() in ERROR_VALUES


def junk_row(texts: list[str | None], joined: str | None = None) -> tuple[IssueCode, str] | None:
    """A row that holds no item: a total (合计：共6项, an Excel table's 汇总 row), a 以下空白 marker or signature
    lines, beside numbers at most.

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
    if 1 < len(distinct) <= 4 and _subtotal_with_label(distinct):
        return (
            IssueCode.TOTAL_ROW,
            "a subtotal or total row (小计 / 合计) beside its block's organ, not an item",
        )
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
    if _TOTAL.match(text) or _SUBTOTAL.match(text):
        return IssueCode.TOTAL_ROW, "a total row (合计 / 共N项), not an item"
    if _BLANK_MARKER.match(text):
        return IssueCode.BLANK_MARKER_ROW, "a 以下空白 marker: nothing below it is meant to be read"
    return None


def _is_total(word: str) -> bool:
    return len(word) <= 60 and (_TOTAL.match(word) is not None or _SUBTOTAL.match(word) is not None)


def _subtotal_with_label(distinct: set[str]) -> bool:
    """A row of a total (合计, 小计, XX局小计, 小计：6项) whose other words are counts and at most the organ
    of the block it closes (or, beside a 小计, its category): 小计 | 15项 | 县市场监督管理局."""
    stripped = [w.strip() for w in distinct]
    totals = [w for w in stripped if _is_total(w)]
    if not totals:
        return False
    rest = [w for w in stripped if not _is_total(w) and not _COUNT.match(w)]
    subtotal = any(_SUBTOTAL.match(w) for w in totals)
    return len(rest) <= 1 and all(
        len(w) <= 30 and (_BLOCK_LABEL.search(w) or (subtotal and _CATEGORY_LABEL.match(w))) for w in rest
    )


def junk_cell(text: str) -> bool:
    """Whether a cell's text could make its row a junk row (a total, a 以下空白 marker, a signature line):
    junk_row finds none in a row where no cell could."""
    text = text.strip()
    return bool(
        _TOTAL.match(text) or _SUBTOTAL.match(text) or _BLANK_MARKER.match(text) or _SIGNATURE.match(text)
    )


def is_invisible(char: str) -> bool:
    return unicodedata.category(char) in ("Cf", "Zs", "Zl", "Zp", "Mn", "Cc") or char in "\u3164\u2800\uffa0"


# A 状态 cell that says the item is not in force: 取消, 已取消, 暂停实施, 停止执行, 废止 …, and the platforms'
# 已下线 / 已下架 (下放 and 保留 are items: what a devolution hands down, what stays).
_INACTIVE = re.compile(r"^\s*(?:已|拟|予以|暂予)?(?:取消|暂停|停止|废止|撤销|删除|失效|停用|下线|下架)")
INACTIVE_FIRST = frozenset("已拟予暂取停废撤删失下")
"""The first character (past spaces) of every status _INACTIVE matches: a cheap test before it."""


def inactive_status(text: str) -> bool:
    """Whether a status cell (状态, 事项状态) says the item is cancelled or suspended, not active."""
    return _INACTIVE.match(text) is not None


def invisible_only(value: str) -> bool:
    """Whether a cell holds characters and every one is invisible, one at least no plain space (a name typed
    as zero-width or non-breaking spaces: something was pasted, not left blank)."""
    return any(c not in " \t\r\n" for c in value) and all(is_invisible(c) for c in value)


# Text a wrong decoding left: U+FFFD (a byte the decoder could not read), 锟斤拷 (U+FFFD's UTF-8 bytes read as
# GBK), 烫烫 / 屯屯 (memory never written, as a Windows program shows it).
_GARBLED = re.compile("\ufffd|锟斤拷|烫烫烫|屯屯屯")
# A legal citation alone (《中华人民共和国劳动法》第九十一条): the 设定依据 pasted into the name column.
_CITATION = re.compile(
    r"^《[^《》]+》(?:第[一二三四五六七八九十百千零〇\d]+[条款项](?:之[一二三四五六七八九十])?)*[，,、；;。]?$"
)
# A name cut off by the page it was copied from (排水许可证核发（工...).
_CUT_OFF = re.compile(r"(?:\.{3,}|…+|。{3,})$")


def may_be_junk_name(text: str) -> bool:
    """A cheap test before junk_name: false only for names junk_name surely passes (most of a column)."""
    return (
        len(text) <= 2  # 是 / 否
        or text[0] in "#《"
        or text[-1] in ".…。"
        or HAN.search(text) is None
        or _GARBLED.search(text) is not None
    )


def junk_name(text: str) -> str | None:
    """Why a name cell cannot be an item's name, or None when it can."""
    if text in _BOOLEANS:
        return "the name cell holds a yes/no value, not a name; the column may be shifted"
    if _GARBLED.search(text):
        return (
            "the name is garbled (� / 锟斤拷: characters lost to a wrong text encoding); "
            "export the list again, or open the CSV in its own encoding (--encoding gbk)"
        )
    if _CITATION.match(text):
        return (
            "the name cell holds a legal citation (《…》第N条), not an item's name; the column may be shifted"
        )
    if _CUT_OFF.search(text):
        return "the name is cut off (it ends in …): copy the full name from the list it was taken from"
    if HAN.search(text) and not text.startswith("#"):
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
