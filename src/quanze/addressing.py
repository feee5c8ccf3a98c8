"""Unit addressing: which receiving units a 承接单位 cell (各县（市）, 除X县外的各县（市）, 东城县、西河县 …) names."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from quanze.models import IssueCode, PowerItem, RowIssue
from quanze.normalize import fold, name_key

# Kinds of unit, told apart by how the unit's name ends.
COUNTY, CITY, DISTRICT, BANNER, TOWNSHIP, STREET, ZONE = (
    "county",
    "city",
    "district",
    "banner",
    "township",
    "street",
    "zone",
)
COUNTY_LEVEL = frozenset({COUNTY, CITY, DISTRICT, BANNER})

_ZONE_ENDINGS = (
    "开发区",
    "园区",
    "集聚区",
    "高新区",
    "经开区",
    "新区",
    "管委会",
    "管理委员会",
    "试验区",
    "示范区",
    "合作区",
    "功能区",
)
# Long forms of development zones and the short names offices write (高新区, 经开区).
_ZONE_SHORT = (
    ("高新技术产业开发区", "高新区"),
    ("高新技术开发区", "高新区"),
    ("经济技术开发区", "经开区"),
    ("经济开发区", "经开区"),
    ("工业园区", "工业园"),
    ("产业集聚区", "集聚区"),
    ("管理委员会", ""),
    ("管委会", ""),
)
# Generic words for a kind of unit, as they appear in 各县（市、区）, 县（市）人民政府, 县级, 各乡镇（街道）.
_KIND_WORDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("产业集聚区", frozenset({ZONE})),
    ("集聚区", frozenset({ZONE})),
    ("开发区", frozenset({ZONE})),
    ("功能区", frozenset({ZONE})),
    ("园区", frozenset({ZONE})),
    ("乡镇", frozenset({TOWNSHIP})),
    ("街道", frozenset({STREET})),
    ("县级", COUNTY_LEVEL),
    ("设区的市", frozenset({CITY})),
    ("设区市", frozenset({CITY})),
    ("地级市", frozenset({CITY})),
    ("州", frozenset({CITY})),
    ("盟", frozenset({CITY})),
    ("县", frozenset({COUNTY})),
    ("市", frozenset({CITY})),
    ("区", frozenset({DISTRICT})),
    ("旗", frozenset({BANNER})),
    ("乡", frozenset({TOWNSHIP})),
    ("镇", frozenset({TOWNSHIP})),
)
_KIND_ALT = "|".join(w for w, _ in _KIND_WORDS)
_GENERIC = re.compile(
    rf"^(?:所辖|辖区内?|全市|本市)?(?:各|所有|全部|全体|相关各)?"
    rf"(?:(?:{_KIND_ALT})(?:\((?:(?:{_KIND_ALT})[、,/和]?)+\))?[、和/]?)+"
    r"(?:[两三]?级)?(?:及以下)?(?:人民政府|政府|党委和政府|管委会)?(?:\((?:管委会|管理委员会)\))?"
    r"(?:及其?(?:有关|相关)?部门)?$"
)
_EVERYONE = re.compile(
    r"^(?:全市|全省|全县|全区|各地|各级|所有单位|全部单位|各单位|各地区|各有关单位|市县两级|各地各部门)"
    r"(?:人民政府|政府)?$"
)
_UNIT_ENDING = re.compile(
    r"(?:县|市|区|旗|镇|乡|街道|街道办事处|"
    + "|".join(_ZONE_ENDINGS)
    + r"|人民政府|政府|局|委|办|中心|所|站|队)$"
)
_TRAILING_VERBS = re.compile(r"(?:负责|组织)?(?:实施|行使|承接|办理|执行)$")
_SPLIT = re.compile(r"[、,;/]|(?<=[县市区旗镇乡道)])(?:和|及|与)(?!以下)")
# 东城县等2个县: a list cut short, the rest not named.
_ELLIPSIS = re.compile(r"等\d*[个家]?")
_EXCEPT_BRACKET = re.compile(r"\((?:不含|不包括|除)?([^()]*?)(?:除外|以外)?\)")
_EXCEPT_LEADING = re.compile(
    r"^除(?:了)?(.+?)(?:以外|之外|外)(?:的|之)?(?=各|所有|全部|县|市|区|乡|镇|街道|开发区|园区)"
)
_EXCEPT_TRAILING = re.compile(r"(?:\(|,)?(?:不含|不包括|但不包括)(.+?)\)?$")
# 各县（市、区），东城县除外: the exclusion as a clause of its own after the list.
_EXCEPT_CLAUSE = re.compile(r"[,;。]([^,;。()]+?)(?:除外|以外|不在内)$")
# The tail after a kind of unit that names its departments: 各县（市、区）行政审批局, 县级住建部门.
_DEPARTMENT_TAIL = re.compile(r"(?:主管部门|有关部门|相关部门|职能部门|部门|局|委员会|委|办公室|办|中心)$")
_ENTRUSTED = re.compile(r"^(?:委托|授权|交由|由)(?:给)?(.+?)$")


_LABEL_WORDS = re.compile(r"[_\-\s\d.()]+|承接|认领|下放|清单|目录|事项|名单|情况|汇总|表")


@lru_cache(maxsize=4096)
def unit_name(unit: str) -> str:
    """The place a unit's label names: 东城县 for 东城县, 东城县承接清单 and 承接清单_东城县 alike."""
    key = name_key(unit)
    places = [p for p in _LABEL_WORDS.split(key) if len(p) >= 2 and _kind_of(p) is not None]
    return places[0] if places else key


def _kind_of(key: str) -> str | None:
    if key.endswith(_ZONE_ENDINGS):
        return ZONE
    if key.endswith(("街道", "街道办事处")):
        return STREET
    for ending, kind in (
        ("县", COUNTY),
        ("市", CITY),
        ("州", CITY),
        ("盟", CITY),
        ("区", DISTRICT),
        ("旗", BANNER),
    ):
        if key.endswith(ending):
            return kind
    if key.endswith(("镇", "乡")):
        return TOWNSHIP
    return None


def unit_kind(unit: str) -> str | None:
    """The kind of a receiving unit by its name: county, city, district, township, street or zone."""
    return _kind_of(unit_name(unit))


@lru_cache(maxsize=4096)
def _short_zone(key: str) -> str:
    for long, short in _ZONE_SHORT:
        key = key.replace(long, short)
    return key


@lru_cache(maxsize=4096)
def _bare(key: str) -> str:
    """A unit name without 人民政府 / 政府 after it: 东城县人民政府 is 东城县."""
    return re.sub(r"(?:人民政府|政府)$", "", key) or key


def _place_stem(key: str) -> str:
    return re.sub(r"(?:县|市|区|旗|镇|乡|街道)$", "", key)


_DEPARTMENT_ENDINGS = ("局", "委", "委员会", "办", "办公室", "中心", "政府", "所", "站", "队", "厅")


@lru_cache(maxsize=65536)
def names_unit(token: str, unit: str) -> bool:
    """Whether a named token (东城县, 东城县人民政府, 东城县住建局, 高新区) names a unit.

    Remembered: every devolved item's 承接单位 is tested against every unit, and the texts repeat."""
    t, u = _bare(name_key(token)), _bare(unit_name(unit))
    if not t or not u:
        return False
    if t == u:
        return True
    if len(u) >= 2 and t.startswith(u):
        # One of the unit's departments (委托东城县住建局), not another unit run into it (东城县西河县).
        rest = t[len(u) :]
        return _kind_of(rest) is None or rest.endswith(_DEPARTMENT_ENDINGS)
    t = re.sub(r"^(?:本市|全市|市)(?=.{2,4}$)", "", t) if _kind_of(t) is ZONE else t  # 市经开区
    st, su = _short_zone(t), _short_zone(u)
    if st == su:
        return True
    if unit_kind(u) is ZONE and unit_kind(t) is ZONE and len(st) <= 4 and su.endswith(st):
        return True  # 高新区 for 安平高新区 (安平高新技术产业开发区)
    if unit_kind(u) is ZONE and unit_kind(t) is ZONE and len(su) <= 4 and st.endswith(su):
        return True  # the unit given by its short name (高新区), the list naming it in full
    stem = _place_stem(u)
    return len(stem) >= 2 and t == stem  # 东城 for 东城县


@dataclass(frozen=True)
class Address:
    """The units a 承接单位 text addresses: everyone, kinds of unit, named units, minus exclusions."""

    text: str
    everyone: bool = False
    kinds: frozenset[str] = frozenset()
    named: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    unparsed: tuple[str, ...] = ()
    """Parts of the text that name no unit and no kind of unit (相关单位): reported as a row issue."""

    def includes(self, unit: str) -> bool:
        if any(names_unit(x, unit) for x in self.excluded):
            return False
        if self.everyone or self.unparsed:
            # An unreadable cell addresses every unit (reported as an issue): a gap to look at, never a
            # silently missing one.
            return True
        if any(names_unit(n, unit) for n in self.named):
            return True
        return unit_kind(unit) in self.kinds

    def describe(self) -> str:
        parts = ["所有单位"] if self.everyone else []
        parts += [f"各{k}" for k in sorted(self.kinds)]
        parts += list(self.named)
        text = "、".join(parts) or "（无）"
        return text + (f"（{'、'.join(self.excluded)}除外）" if self.excluded else "")


@dataclass
class Addressing:
    """Reads 承接单位 cells, with the phrases of `[aliases.units]` in quanze.toml added."""

    aliases: Mapping[str, Sequence[str]] = field(default_factory=dict)
    _cache: dict[str, Address] = field(default_factory=dict, repr=False)
    _hits: dict[tuple[str, str], bool] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._alias_keys = sorted(
            ((name_key(k), tuple(v)) for k, v in self.aliases.items()), key=lambda kv: -len(kv[0])
        )

    def parse(self, text: str | None) -> Address:
        if not text or not text.strip():
            return Address(text="", everyone=True)
        cached = self._cache.get(text)
        if cached is None:
            cached = self._cache[text] = self._parse(text)
        return cached

    def _expand(self, part: str) -> tuple[list[str], list[str]]:
        """Named units an alias stands for, and what is left of the text once they are taken out."""
        named: list[str] = []
        for key, units in self._alias_keys:
            if key and key in part:
                named.extend(units)
                part = part.replace(key, "、")
        return named, [p for p in _split(part) if p]

    def _parse(self, text: str) -> Address:
        # Names separated only by spaces (东城县 西河县) are a list.
        spaced = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "、", text.strip())
        t = _TRAILING_VERBS.sub("", name_key(fold(spaced)).replace("\n", ""))
        excluded: list[str] = []
        m = _EXCEPT_LEADING.match(t)
        if m:
            excluded += _split(m.group(1))
            t = t[m.end() :]
        for m in list(_EXCEPT_BRACKET.finditer(t)):
            inner = m.group(0)
            if "除外" in inner or "以外" in inner or "不含" in inner or "不包括" in inner or "除" in inner:
                excluded += _split(m.group(1))
                t = t.replace(inner, "")
        m = _EXCEPT_TRAILING.search(t)
        if m:
            excluded += _split(m.group(1))
            t = t[: m.start()]
        m = _EXCEPT_CLAUSE.search(t)
        if m:
            excluded += _split(m.group(1))
            t = t[: m.start()]
        alias_named, parts = self._expand(t)
        excluded_units: list[str] = []
        for x in excluded:
            x_named, x_rest = self._expand(x)
            excluded_units += x_named + x_rest
        everyone = False
        kinds: set[str] = set()
        named = list(alias_named)
        unparsed: list[str] = []
        for part in _top_level(parts):
            e = _ENTRUSTED.match(part)
            if e and not _GENERIC.match(part):
                part = e.group(1)
            if _ELLIPSIS.search(part):
                unparsed.append(part)
            elif _EVERYONE.match(part):
                everyone = True
            elif _GENERIC.match(part):
                kinds |= _kinds_in(part)
            elif (generic := _generic_departments(part)) is not None:
                kinds |= _kinds_in(generic)
            elif _UNIT_ENDING.search(part) or _place_like(part):
                named.append(part)
            else:
                unparsed.append(part)
        if not (everyone or kinds or named or unparsed):
            unparsed.append(text)
        return Address(
            text=text,
            everyone=everyone,
            kinds=frozenset(kinds),
            named=tuple(named),
            excluded=tuple(excluded_units),
            unparsed=tuple(unparsed),
        )

    def addressed_to(self, receiving: str | None, unit: str) -> bool:
        """Whether a 承接单位 text (blank: every unit) includes a unit."""
        key = (receiving or "", unit)
        hit = self._hits.get(key)
        if hit is None:
            hit = self._hits[key] = self.parse(receiving).includes(unit)
        return hit

    def applies_to(self, power: PowerItem, unit: str | None) -> bool:
        """Whether a power is expected at a unit: its own unit, or a receiving unit named or implied."""
        if unit is None:
            return True
        if power.unit:
            return name_key(power.unit) == name_key(unit)
        return self.addressed_to(power.receiving_unit, unit)

    def issues(self, powers: Iterable[PowerItem], units: Sequence[str] = ()) -> list[RowIssue]:
        """Warnings for 承接单位 cells that name no unit quanze can read, or (with the units given) a
        unit none of them is: a misspelt name would otherwise drop the item silently."""
        out: list[RowIssue] = []
        for p in powers:
            address = self.parse(p.receiving_unit)
            if address.unparsed:
                out.append(
                    _issue(
                        IssueCode.UNPARSED_RECEIVING_UNIT,
                        p,
                        f"“{'、'.join(address.unparsed)}” names no unit: the item is taken to apply to every "
                        "unit. Write unit names (东城县、西河县), 各县（市） or 除X县外的各县（市）, or map the "
                        "phrase in quanze.toml [aliases.units]",
                    )
                )
            unknown = [
                n
                for n in (*address.named, *address.excluded)
                if not any(names_unit(n, u) for u in units) and not _kind_of_some(n, units)
            ]
            if units and unknown:
                out.append(
                    _issue(
                        IssueCode.UNKNOWN_RECEIVING_UNIT,
                        p,
                        f"“{'、'.join(unknown)}” is none of the units given ({_listing(units)}): check the "
                        "spelling, give that unit's list, or map the phrase in quanze.toml [aliases.units]",
                    )
                )
        return out


def _kind_of_some(name: str, units: Sequence[str]) -> bool:
    """A kind word (开发区, 各乡镇) naming units of the run by their kind, as in 各县（区）（开发区除外）."""
    return bool(_GENERIC.match(name)) and bool(_kinds_in(name) & {unit_kind(u) for u in units})


def _listing(units: Sequence[str], most: int = 8) -> str:
    shown = "、".join(units[:most])
    return shown + (f" … {len(units)} in all" if len(units) > most else "")


def _issue(code: IssueCode, p: PowerItem, message: str) -> RowIssue:
    return RowIssue.warning_at(code, p.source, message, column="承接单位", value=p.receiving_unit)


def _split(text: str) -> list[str]:
    """Split at separators outside brackets: 各县(市、区)、高新区 → 各县(市、区) | 高新区."""
    parts: list[str] = []
    depth, start = 0, 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and _SPLIT.match(text, i):
            m = _SPLIT.match(text, i)
            assert m is not None
            parts.append(text[start:i])
            start = i = m.end()
            continue
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _top_level(parts: Sequence[str]) -> list[str]:
    # 县（市）、区 splits into 县(市) and 区: both generic, both kept.
    return [p for p in parts if p]


def _generic_departments(part: str) -> str | None:
    """The kind of unit in 各县（市、区）行政审批局 or 县级住建部门 (departments of every unit of a kind)."""
    if not _DEPARTMENT_TAIL.search(part):
        return None
    for i in range(len(part) - 1, 0, -1):
        head = part[:i]
        if _GENERIC.match(head) and _kind_of(part[i:]) is None:
            return head
    return None


def _kinds_in(part: str) -> set[str]:
    kinds: set[str] = set()
    if "管委会" in part or "管理委员会" in part:
        kinds.add(ZONE)
    if "及以下" in part:
        kinds |= {TOWNSHIP, STREET}
    rest = re.sub(
        r"人民政府|政府|党委|管委会|管理委员会|有关部门|相关部门|部门|所辖|辖区内?|全市|本市|各|所有|全部|全体|相关",
        "",
        part,
    )
    while rest:
        for word, ks in _KIND_WORDS:
            if rest.startswith(word):
                kinds |= ks
                rest = rest[len(word) :]
                break
        else:
            rest = rest[1:]
    return kinds


_NOT_PLACES = frozenset({"有关", "相关", "属地", "本级", "各地", "同级", "下级", "基层", "所属"})


def _place_like(part: str) -> bool:
    # A bare place name of two or three characters (东城) is read as a unit's short name.
    return (
        2 <= len(part) <= 3
        and re.fullmatch(r"[\u4e00-\u9fff]+", part) is not None
        and not any(w in part for w in _NOT_PLACES)
    )


DEFAULT = Addressing()


def addressed_to(receiving: str | None, unit: str) -> bool:
    """Whether a 承接单位 text includes a unit, with no configured aliases."""
    return DEFAULT.addressed_to(receiving, unit)


def applies_to(power: PowerItem, unit: str | None) -> bool:
    return DEFAULT.applies_to(power, unit)
