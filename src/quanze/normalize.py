"""Pure text and value cleaning: widths, brackets, line breaks, names, codes, departments, categories."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from quanze.models import Category
from quanze.vocab import (
    CATEGORY_ALIASES,
    DEPARTMENT_ALIASES,
    HANDLING_SUFFIXES,
    LETTER_CATEGORY_CODES,
    LEVEL_WORDS,
    NATIONAL_CATEGORY_CODES,
    PLACEHOLDERS,
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\u3000\xa0\u2002\u2003\u2009]+")
# Zero-width characters (and a BOM inside a cell) are no space: they vanish, so that 330195\u200b427000 is one
# code and 食品\u200b经营许可 one word.
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]+")
_NEEDS_CLEANING = re.compile(
    r"[\x00-\x20\x7f\u3000\xa0\u2002\u2003\u2009\u200b\u200c\u200d\u2060\ufeff\ufffe\uffff]"
)
HAN = re.compile(r"[\u3400-\u9fff]")
"""A Han character (CJK ideographs and extension A): text with one is Chinese, not a code or a number."""
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_BRACKETS = str.maketrans(
    {
        "【": "(",
        "】": ")",
        "〔": "(",
        "〕": ")",
        "［": "(",
        "］": ")",
        "[": "(",
        "]": ")",
        "｛": "(",
        "｝": ")",
        "{": "(",
        "}": ")",
        "（": "(",
        "）": ")",
    }
)
_DROP_IN_KEY = re.compile(r"[\s《》〈〉<>\"'“”‘’「」『』]")
_TRAILING_PUNCT = re.compile(r"[。．.;；,，、:：!！?？\-—_]+$")
_SEPARATORS = "-—–_·:：/"


def has_control_characters(text: str) -> bool:
    return _CONTROL.search(text) is not None


def clean_text(value: object) -> str | None:
    """Cell value as tidy text: no control characters, lines joined, spaces collapsed; None when empty."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    if not _NEEDS_CLEANING.search(text):
        return text or None
    text = _ZERO_WIDTH.sub("", _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    out = ""
    for line in lines:
        if not line:
            continue
        # Lines of Chinese join without a space; a line that opens a numbered entry (2.土地征收审批) keeps one,
        # so that the entries of a list typed one a line can still be told apart.
        if out and (not (_CJK.match(out[-1]) or _CJK.match(line[0])) or _NUMBERED_LINE.match(line)):
            out += " "
        out += line
    return out or None


_NUMBERED_LINE = re.compile(r"(?:\d{1,2}[.、．)）]|[(（]\d{1,2}[)）])(?!\d)")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Width-folded text: full-width letters, digits, punctuation and brackets become half-width."""
    return unicodedata.normalize("NFKC", text).translate(_BRACKETS)


@lru_cache(maxsize=65536)
def header_key(text: str) -> str:
    """A header cell as a lookup key: folded, no spaces, no line breaks, no colon, no required-field mark
    (*, ★, ☆, ※, ▲, △ as templates mark the fields that must be filled in)."""
    return re.sub(r"[\s*:：★☆※▲△]", "", fold(text))


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """A name as a comparison key: folded, no spaces or title marks, no trailing punctuation."""
    key = _DROP_IN_KEY.sub("", fold(text).lower())
    # Dropping spaces can leave combining marks next to letters: normalise once more to stay idempotent.
    return _TRAILING_PUNCT.sub("", unicodedata.normalize("NFKC", key))


@dataclass(frozen=True, slots=True)
class NameParts:
    """A name split into its core, the handling-item word and the level qualifier it carried."""

    core: str
    handling: str | None
    level: str | None


def _is_level_qualifier(inner: str) -> bool:
    return bool(inner) and ("级" in inner or "权限" in inner) and all(ch in LEVEL_WORDS for ch in inner)


_TAIL_BRACKET = re.compile(r"\(([^()]*)\)$")


@lru_cache(maxsize=65536)
def split_name(text: str) -> NameParts:
    """Separate handling suffixes (新办, 变更 …) and level qualifiers ((县级) …) from a name's core.

    Brackets that change the item, such as (主要农作物) or (含中外合资), are kept in the core: they are
    what tells near-twins apart.
    """
    # 、 , and ; between listed acts are one separator written three ways.
    core = name_key(text).replace(",", "、").replace(";", "、")
    handling: str | None = None
    level: str | None = None
    changed = True
    while changed:
        changed = False
        m = _TAIL_BRACKET.search(core)
        if m:
            inner = m.group(1)
            if _is_level_qualifier(inner) and m.start() >= 2:
                # 事项（县级行使）（市级/县级）: every level qualifier goes; the first one read is kept.
                level, core, changed = level or inner, core[: m.start()], True
                continue
            if handling is None and inner in HANDLING_SUFFIXES and m.start() >= 2:
                handling, core, changed = inner, core[: m.start()], True
                continue
        if handling is None:
            for word in HANDLING_SUFFIXES:
                if core.endswith(word) and len(core) - len(word) >= 4:
                    handling, core, changed = word, core[: -len(word)], True
                    break
            if changed:
                core = core.rstrip(_SEPARATORS)
    return NameParts(core=core or name_key(text), handling=handling, level=level)


_REGION_SEGMENT = re.compile(r"^\d{12}$")
# A unified social credit code (GB 32100): registration office and kind, a 6-digit region, the organ's code
# and a check character.
_CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_LETTER = re.compile(r"[A-Z]")


@lru_cache(maxsize=65536)
def code_key(code: str | None) -> str | None:
    """The basic item code inside a code: implementation codes embed it before the region segment."""
    if not code:
        return None
    text = re.sub(r"\s", "", fold(code)).upper().replace("—", "-").replace("－", "-")
    if not text:
        return None
    parts = text.split("-")
    for i in range(1, len(parts)):
        if _REGION_SEGMENT.match(parts[i]):
            return "-".join(parts[:i])
    # A basic code, the unit's credit code and a level digit; unless the code starts with the credit code
    # (Guangdong's 实施编码: credit code + 13 characters), whose organ part has letters (MB2D…) where a basic
    # code has digits: every item of one organ then shares the first 12 characters.
    if (
        len(parts) == 1
        and len(text) in (31, 32)
        and _CREDIT_CODE.match(text[12:30])
        and not (_CREDIT_CODE.match(text[:18]) and _LETTER.search(text[8:17]))
    ):
        return text[:12]
    return text


def _aliases_by_last_character() -> dict[str, list[tuple[str, str]]]:
    by_last: dict[str, list[tuple[str, str]]] = {}
    for alias, canonical in DEPARTMENT_ALIASES.items():
        by_last.setdefault(alias[-1], []).append((alias, canonical))
    for aliases in by_last.values():
        aliases.sort(key=lambda ac: -len(ac[0]))
    return by_last


_ALIASES_BY_LAST = _aliases_by_last_character()


def _last_alias(text: str) -> str | None:
    """The canonical name of the department alias that ends last in `text` (the longest of those ending
    there): 广安区市场监管局 → 市场监督管理局. Looked up by each end position's character, from the end."""
    for end in range(len(text), 0, -1):
        for alias, canonical in _ALIASES_BY_LAST.get(text[end - 1], ()):
            if len(alias) <= end and text.startswith(alias, end - len(alias)):
                return canonical
    return None


@lru_cache(maxsize=65536)
def department_key(name: str | None) -> str | None:
    """A department's canonical name: 广安区市监局, 市场监督管理局 and 市场监管部门 give one key."""
    if not name:
        return None
    text = re.sub(r"\([^()]*\)$", "", name_key(name)) or name_key(name)
    known = _last_alias(text)
    if known is not None:
        return known
    # A province's 厅 is the county's 局; 商务主管部门 names the 商务局.
    for suffix in ("厅", "主管部门", "部门"):
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            as_bureau = department_key(text[: -len(suffix)] + "局")
            if as_bureau in DEPARTMENT_ALIASES.values():
                return as_bureau
    # Unknown department: drop a leading place name such as 某某市 or 某某区 when enough remains.
    m = re.match(r"^(?:.{1,6}?[省市州盟])?(?:.{1,10}?(?:开发区|新区|园区|[区县旗]))?(.{3,})$", text)
    rest = m.group(1) if m else text
    # 区政府办 and 县政府办 are the same office at two levels.
    return rest[1:] if len(rest) > 3 and rest[0] in "省市县区乡镇" else rest


_NUMERIC_CODE = re.compile(r"^\d{1,2}(?:\.0)?$")
# A category numbered as in a printed list: 1.行政许可, 3、行政强制, (四)行政征收, 二、行政确认.
_ENUMERATED = re.compile(
    r"^(?:\d{1,2}[.、]|\([一二三四五六七八九十\d]{1,3}\)|[一二三四五六七八九十]{1,3}[、.])(?=\D)"
)


def category_of(
    raw: str | None, extra: dict[str, Category] | None = None, *, national_codes: bool = True
) -> Category | None:
    """The category a raw 事项类型 cell names, or None when it is unknown.

    Names and configured aliases come first; then letter codes (XK, CF …); then, unless turned off, the
    national catalogue's numbers (01 许可 … 10 其他, 20 公共服务, 99 其他).
    """
    if not raw:
        return None
    key = header_key(raw)
    table = (
        CATEGORY_ALIASES
        if not extra
        else {**CATEGORY_ALIASES, **{header_key(k): v for k, v in extra.items()}}
    )
    for k in dict.fromkeys((key, _ENUMERATED.sub("", key))):
        for candidate in (k, k.removesuffix("类"), k.removesuffix("事项"), k.removesuffix("类事项")):
            if candidate in table:
                return table[candidate]
    letters = LETTER_CATEGORY_CODES.get(key.upper())
    if letters is not None:
        return letters
    if national_codes and _NUMERIC_CODE.match(key):
        return NATIONAL_CATEGORY_CODES.get(int(float(key)))
    return None


def is_placeholder(text: str | None) -> bool:
    """Whether a cell says "none" (无, /, —, 暂无, 未分类 …) rather than giving a value."""
    # Every placeholder is short: long cells need no folding to tell.
    return text is not None and len(text) <= _PLACEHOLDER_MAX and fold(text).strip() in _PLACEHOLDER_KEYS


_PLACEHOLDER_KEYS = frozenset(fold(p) for p in PLACEHOLDERS)
_PLACEHOLDER_MAX = max(len(p) for p in PLACEHOLDERS) + 4  # room for surrounding spaces


_INT_TEXT = re.compile(r"^[+]?\d+(?:\.0+)?$")


def parse_count(value: object) -> int | None:
    """A count such as 办件量 from a number or text ('12', '１２', '12.0', '1,024'); ValueError if not one."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value != value or value != int(value):
            raise ValueError(value)
        return int(value)
    text = fold(str(value)).replace(",", "").replace(" ", "").removesuffix("件")
    if not text or text in {"-", "/", "无"}:
        return None
    if not _INT_TEXT.match(text):
        raise ValueError(value)
    return int(float(text))
