"""Evidence the catalogue's structure carries beyond names: categories, listed actions, subjects, entity kinds, code families."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Final

from quanze.match.acts import ACT_GROUPS, JOINS, common_head, only_words
from quanze.models import Category
from quanze.normalize import code_key, name_key

# ---------------------------------------------------------------------------------------------- categories

# Powers that act on a party (处罚, 强制, 检查) rather than grant it something: they normally have no
# service item, and a shared noun never links one to a licence (对未经批准举办营业性演出的处罚 ≠ 举办营业性演出审批).
ENFORCEMENT: Final = frozenset({Category.PENALTY, Category.COERCION, Category.INSPECTION})

# Categories expected to have service items on the platform; the no-service-item gap follows this set
# ([match] service_categories in quanze.toml). The local licence-like kinds are included.
DEFAULT_SERVICE_CATEGORIES: Final = (
    Category.LICENSING,
    Category.CONFIRMATION,
    Category.PAYMENT,
    Category.REWARD,
    Category.ADJUDICATION,
    Category.OTHER,
    Category.PUBLIC_SERVICE,
    Category.FILING,
    Category.REVIEW_FORWARD,
    Category.NON_LICENSING,
)

_PENALTY_NAME = re.compile(r"(处罚|罚款)$")
_COERCION_NAME = re.compile(r"查封|扣押|暂扣|强制执行|强制措施")
_INSPECTION_NAME = re.compile(r"^对.*(检查|监督检查|抽查)$")


@lru_cache(maxsize=65536)
def category_from_name(name: str) -> Category | None:
    """The enforcement category a name shows plainly (对…的处罚, 查封、扣押…, 对…的检查), else None."""
    key = name_key(name)
    if _PENALTY_NAME.search(key):
        return Category.PENALTY
    if _COERCION_NAME.search(key):
        return Category.COERCION
    if _INSPECTION_NAME.search(key):
        return Category.INSPECTION
    return None


def effective_category(category: Category | None, name: str) -> Category | None:
    """The category given, or the one the name shows when none is given."""
    return category if category is not None else category_from_name(name)


@lru_cache(maxsize=262144)
def is_enforcement(category: Category | None, name: str) -> bool:
    return effective_category(category, name) in ENFORCEMENT


_GRANT_NAME = re.compile(
    r"(审批|许可|核准|核发|许可证|登记|备案|认定|审核|批准|确认|证明|申领|换证|补证|换发|补发|补办|注销|变更|延续|"
    r"新办|设立|延期|年检|审查|办理)$"
)


_WRONGDOING_OPENINGS = ("对", "未", "擅自", "违反", "违规", "非法", "拒绝", "拒不", "伪造")
_GRANT_WORD = re.compile(r"许可|审批|备案|登记|核准|认定|资格|证书")
_TRAILING_BRACKETS = re.compile(r"(?:\([^()]*\))+$")


@lru_cache(maxsize=262144)
def is_grant(category: Category | None, name: str) -> bool:
    """Whether an item grants or records something (a licence, a filing, a certificate) rather than enforces."""
    if category is not None:
        return category not in ENFORCEMENT
    if is_enforcement(None, name):
        return False
    # Qualifiers in brackets at the end say which variant, not what kind: 农药经营许可证延续(其他农药).
    key = _TRAILING_BRACKETS.sub("", name_key(name))
    if key.startswith(_WRONGDOING_OPENINGS) or key.endswith("的"):
        return False  # 对…的; 未取得…擅自从事…的: a wrong-doing described, not a licence
    return bool(_GRANT_NAME.search(key) or _GRANT_WORD.search(key))


def expects_service_item(category: Category | None, name: str, expected: Sequence[Category]) -> bool:
    """Whether a power should have a service item on the platform; a power of unknown kind should."""
    kind = effective_category(category, name)
    return kind is None or kind in expected


# ---------------------------------------------------------------------------------------------- qualified items

# A name left this short once its closing qualifier goes says too little to be compared without it.
_MIN_UNQUALIFIED = 4


@lru_cache(maxsize=65536)
def unqualified(core: str) -> str | None:
    """A name without the qualifier in brackets it ends with (农药经营许可证核发(其他农药) → 农药经营许可证核发).

    An item on a variant of a power's subject (X（Y）) is compared without its variant when the power names no
    variant: the link is proposed, never matched on that alone (a qualifier can make another item).
    """
    plain = _TRAILING_BRACKETS.sub("", core)
    return plain if plain != core and len(plain) >= _MIN_UNQUALIFIED else None


# ---------------------------------------------------------------------------------------------- categories of items

# A power named as a kind of business (公证业务预约办理, 出入境证件类办理) stands for every item of that kind.
_KIND_OF_BUSINESS = re.compile(r"^(.{2,6}?)(?:业务|类)")


@lru_cache(maxsize=262144)
def business_kind(item: str, power: str) -> str | None:
    """The kind a power names as its business when the item is one of that kind (学历公证 of 公证业务…), else None.

    The item, without an end qualifier (（指引）), must end in the kind and name more than it: 学历公证 and
    纳税状况公证 are kinds of 公证; 公证员执业 is not (the kind is not its last word).
    """
    m = _KIND_OF_BUSINESS.match(power)
    if m is None:
        return None
    kind = m.group(1)
    plain = unqualified(item) or item
    return kind if plain.endswith(kind) and len(plain) > len(kind) + 1 else None


# ---------------------------------------------------------------------------------------------- placeholders

_PLACEHOLDERS: Final = frozenset({"无", "暂无", "未分类", "/", "-", "—", "--", "不涉及", "空"})


def is_placeholder(value: str | None) -> bool:
    """A cell that means "none" (主项 未分类, 子项名称 无, 编码 /)."""
    return value is None or name_key(value) in _PLACEHOLDERS or not name_key(value)


# ---------------------------------------------------------------------------------------------- listed actions

# Acts a power name may enumerate (企业设立、变更、注销登记) and a handling item may add to a subject.
ACTIONS: Final = (
    "设立",
    "新设",
    "变更",
    "注销",
    "延续",
    "延期",
    "分立",
    "合并",
    "终止",
    "恢复",
    "撤销",
    "迁移",
    "迁入",
    "迁出",
    "新建",
    "改建",
    "扩建",
    "换发",
    "补发",
    "补领",
    "补办",
    "开业",
    "歇业",
    "停业",
    "登记",
    "备案",
    "新办",
    "更名",
    "注册",
    "换证",
    "年检",
    "增项",
)
_ACTION = "|".join(sorted(ACTIONS, key=len, reverse=True))
_SEP = r"(?:、|,|，|或者|以及|或|及|和|与)"
_LISTED = re.compile(rf"(?:{_ACTION})(?:{_SEP}(?:{_ACTION}))+")
_BRACKET_LIST = re.compile(rf"^(.+?)\((?:包括|含|包含)?((?:{_ACTION})(?:{_SEP}(?:{_ACTION}))+)\)(.*)$")
_ACT_TAIL = re.compile(r"(登记|审批|许可|备案|核准|审核|手续)$")


# A bracket that enumerates what a power covers, not only acts (户口登记(出生、迁移、注销); 特种行业备案(旧手机
# 交易业、开锁业)): words of two to eight characters joined by 、 or a comma, after a name ending in an act.
_BRACKET_ENUM = re.compile(r"^(.+?)\((?:包括|含|包含)?([^()、,，]{2,8}(?:[、,，][^()、,，]{2,8})+)\)(.*)$")


@lru_cache(maxsize=65536)
def listed_parts(core: str) -> tuple[str, ...]:
    """The items a name that enumerates actions stands for, each as subject + one action (+ the tail).

    企业设立、变更、注销登记 → 企业设立登记, 企业变更登记, 企业注销登记; 户口登记(包括注销、恢复、变更) →
    户口注销登记, 户口注销 …; names that list nothing give (). An item may name the act before the subject
    (注销税务登记 under 税务登记(设立、变更、注销)): that order is a part too. A bracket may enumerate things
    that are not acts (户口登记(出生、迁移、注销) → 出生登记; 特种行业备案(旧手机交易业、开锁业) → 开锁业备案):
    each such word stands with the power's closing act.
    """
    m = _BRACKET_LIST.match(core)
    if m:
        base, listed, rest = m.groups()
        return _bracket_parts(core, base, re.split(_SEP, listed), rest)
    m = _BRACKET_ENUM.match(core)
    if m and _ACT_TAIL.search(m.group(1)):
        base, listed, rest = m.groups()
        return _bracket_parts(core, base, re.split("[、,，]", listed), rest)
    m = _LISTED.search(core)
    if not m or m.start() < 2:
        return ()
    subject, after = core[: m.start()], core[m.end() :]
    acts = re.split(_SEP, m.group(0))
    lead = re.search(rf"(..){_SEP}$", subject)
    if lead and len(subject) - len(lead.group(0)) >= 2:
        # The list starts with a word that is not an act (劳务派遣经营、变更、延续、注销许可): it is listed too.
        subject, acts = subject[: lead.start()], [lead.group(1), *acts]
    parts = [subject + a + after for a in acts] + [subject + a for a in acts]
    return tuple(dict.fromkeys(p for p in parts if len(p) >= 4 and p != core))


# ---------------------------------------------------------------------------------------------- a thing between

# (经营 joins 生产 in 生产经营: a power on 生产经营者 covers an item on 生产者; 相关 and 有关 name nothing.)
_BETWEEN_WORDS: Final = tuple(
    sorted(
        {
            *ACTIONS,
            "遗失",
            "解除",
            "相关",
            "有关",
            "资格",
            "经营",
            "审批",
            "许可证",
            "许可",
            "核准",
            "审核",
            "核发",
            "办理",
            "申请",
            "证书",
            "证",
            *JOINS,
        },
        key=len,
        reverse=True,
    )
)
_MIN_HEAD = 4


_ACTION_SET: Final = frozenset(ACTIONS)


def _bracket_parts(core: str, base: str, words: Sequence[str], rest: str) -> tuple[str, ...]:
    """The parts of a name whose bracket lists `words` after `base` (see `listed_parts`)."""
    tail = _ACT_TAIL.search(base)
    subject = base[: tail.start()] if tail else base
    close = tail.group(1) if tail else ""
    parts = [subject + w + close + rest for w in words]
    parts += [subject + w for w in words]
    # The act named first (注销税务登记), and a listed thing with the closing act alone (出生登记, 开锁业备案).
    parts += [w + subject + close for w in words if w in _ACTION_SET and close]
    parts += [w + close for w in words if w not in _ACTION_SET and close]
    return tuple(dict.fromkeys(p for p in parts if len(p) >= 4 and p != core))


def thing_between(item: str, power: str) -> str | None:
    """What a power names between the subject and the act it shares with the item, when that is a thing.

    拖拉机/联合收割机转入 against 拖拉机/联合收割机驾驶证转入: the power is about the driving licence (驾驶证), the
    item about the machine. Acts and licence words in between (…许可变更, …遗失补办) are not a thing.
    """
    head = common_head(item, power)
    tail = len(item) - head
    if head < _MIN_HEAD or tail < 2 or len(power) - tail - head < 2 or not power.endswith(item[head:]):
        return None
    middle = power[head : len(power) - tail]
    if any(join in middle for join in JOINS) or middle in item:
        return None  # a list after the item's subject (变更台名、节目…审批), or a word the item names too (…工时工作制)
    return None if only_words(middle, _BETWEEN_WORDS) else middle


# Two activities written as one word: a power on both covers an item on either (农药生产经营审批 covers
# 农药经营许可证核发). The parts keep the rest of the name.
FUSED_ACTIVITIES: Final = (("生产经营", ("生产", "经营")), ("进出口", ("进口", "出口")))


@lru_cache(maxsize=65536)
def fused_parts(core: str) -> tuple[str, ...]:
    """The items a name fusing two activities stands for: 农药生产经营审批 → 农药生产审批, 农药经营审批."""
    for fused, parts in FUSED_ACTIVITIES:
        at = core.find(fused)
        if at >= 2:
            return tuple(core[:at] + part + core[at + len(fused) :] for part in parts)
    return ()


# ---------------------------------------------------------------------------------------------- subject + action

_LEADING_ACTION = re.compile(rf"^(?:申请|办理)?({_ACTION}|改扩建)")


# The shortest subject a handling item may share with its power (娱乐场所 is too short to say which).
MIN_SUBJECT: Final = 5


def subject_action(item: str, power: str, *, min_subject: int = MIN_SUBJECT) -> tuple[str, str] | None:
    """(subject, action) when a handling item is the power's subject followed by a handling action.

    互联网上网服务营业场所经营单位变更地址 under 互联网上网服务营业场所经营单位申请从事…许可 gives
    (互联网上网服务营业场所经营单位, 变更): the longest head of the item found in the power is the subject.
    """
    lo, hi = 0, min(len(item), len(power))
    while lo < hi:  # the longest head of item that occurs in power (heads nest, so search by halving)
        mid = (lo + hi + 1) // 2
        if item[:mid] in power:
            lo = mid
        else:
            hi = mid - 1
    for cut in range(lo, min_subject - 1, -1):
        m = _LEADING_ACTION.match(item[cut:])
        if m:
            subject = item[:cut]
            # A subject that ends in 申请 reads better without it (娱乐场所申请 → 娱乐场所).
            return subject.removesuffix("申请") or subject, m.group(1)
    return None


# ---------------------------------------------------------------------------------------------- entity kinds

# General kinds of legal entity and the specific kinds they cover; extend in quanze.toml
# ([match.entity_kinds] "企业" = ["农民专业合作社"]). 内资 and 外商投资 stay apart.
# The kinds of company (公司法) and of partnership (合伙企业法) are the law's own.
_COMPANIES: Final = ("有限责任公司", "股份有限公司", "分公司")
_PARTNERSHIPS: Final = ("普通合伙企业", "特殊普通合伙企业", "有限合伙企业")
_DOMESTIC_KINDS: Final = (
    "公司",
    *_COMPANIES,
    "合伙企业",
    *_PARTNERSHIPS,
    "个人独资企业",
    "非公司企业法人",
    "企业法人",
    "分支机构",
    "营业单位",
)
# The kinds of unit (单位) social insurance and employment law name: an employer is one of these.
UNIT_KINDS: Final = ("企业", "机关事业单位", "机关", "事业单位", "社会团体", "民办非企业单位", "个体工商户")
DEFAULT_ENTITY_KINDS: Final[Mapping[str, tuple[str, ...]]] = {
    "企业": _DOMESTIC_KINDS,
    "内资企业": _DOMESTIC_KINDS,
    # A legal person that is an enterprise: a company or a non-company enterprise legal person, not a partnership.
    "企业法人": ("公司", *_COMPANIES, "非公司企业法人", "分支机构", "营业单位"),
    "公司": _COMPANIES,
    "合伙企业": (*_PARTNERSHIPS, "分支机构"),
    "外商投资企业": ("外商投资公司", "外商投资合伙企业", "外商投资企业分支机构", "外国企业常驻代表机构"),
    # Units (单位) an employer or an insured party may be: 参保单位注销 covers 企业注销社会保险登记.
    "单位": UNIT_KINDS,
    "参保单位": UNIT_KINDS,
    "用人单位": UNIT_KINDS,
}
_CONNECTORS = re.compile("^[" + "".join(JOINS) + "]+")


def entity_cover(
    item: str, power: str, kinds: Mapping[str, Sequence[str]] = DEFAULT_ENTITY_KINDS
) -> str | None:
    """The general kind named by the power that covers the specific kinds the item names, else None.

    内资企业登记 covers 公司设立登记 and 营业单位、企业法人分支机构开业登记 (the item names the power's act,
    with a handling action at most added); 外商投资企业登记 does not cover 公司设立登记.
    """
    for general in sorted(kinds, key=len, reverse=True):
        pos = power.find(general)
        if pos < 0:
            continue
        before, after = power[:pos], power[pos + len(general) :]
        if not after or not item.startswith(before):
            continue
        # A qualifier in brackets at the end names a variant of the item (分公司变更登记（备案）), not another act.
        rest = _TRAILING_BRACKETS.sub("", item[len(before) :]) or item[len(before) :]
        specifics = sorted(kinds[general], key=len, reverse=True)
        # Strip one or more specific kinds joined by 、/和 (营业单位、企业法人分支机构).
        seen = False
        while True:
            hit = next((s for s in specifics if rest.startswith(s)), None)
            if hit is None:
                break
            seen, rest = True, _CONNECTORS.sub("", rest[len(hit) :])
        if not seen:
            continue
        if any(rest.startswith(o) for o in _other_generals(general, kinds)):
            continue
        # What is left is the power's act, with at most one handling action before it.
        m = _LEADING_ACTION.match(rest)
        if rest == after or (m and rest[m.end() :] == after):
            return general
        # The power may name more kinds before its act (内资企业及其分支机构登记): the act alone must agree.
        act = _bridged_act(after, kinds)
        if act is not None and (rest == act or (m is not None and rest[m.end() :] == act)):
            return general
        # A filing with the registration authority (公司备案) is one of a registration's handling items.
        if rest == "备案" and (act or after) == "登记":
            return general
        # …of a registration whose acts the power lists (企业设立、变更、注销登记 takes 合伙企业备案 too).
        if rest == "备案" and after.endswith("登记") and _LISTED.fullmatch(after[:-2]):
            return general
        if general.endswith(_UNIT) and _unit_act_agrees(rest, after):
            return general
    return None


_UNIT = "单位"
_HANDLING_ACTION = re.compile(_ACTION)


def _unit_act_agrees(rest: str, after: str) -> bool:
    """Whether an item on one kind of unit does what a power on units does: the item's rest holds the power's
    act and says what it is about (参保单位注销 / 企业社会保险注销登记), or the power's rest ends with the item's,
    a qualifier before it (单位基本信息变更 / 企业信息变更); the shorter names a handling action other than 登记,
    备案 or 注册 (企业职工参保登记 is about employees, not the unit's 参保登记)."""
    if len(rest) >= len(after):
        short, agrees = after, after in rest
    else:
        short, agrees = rest, after.endswith(rest)
    acts = set(_HANDLING_ACTION.findall(short)) - {"登记", "备案", "注册"}
    return agrees and len(short) >= 2 and bool(acts)


_BRIDGE_WORDS: Final = (
    "及其",
    "以及",
    "及",
    "和",
    "与",
    "或",
    "、",
    ",",
    "的",
    "等",
    "含",
    "包括",
    "各类",
    "(",
    ")",
)


def _bridged_act(after: str, kinds: Mapping[str, Sequence[str]]) -> str | None:
    """What follows more kinds of entity and the words joining them at the start of `after`, else None.

    内资企业**及其分支机构**登记 → 登记; 外商投资企业**和分公司**设立登记 → 设立登记; 企业**名称预先**核准 → None
    (名称预先 is not a kind of entity: the power is about something else). What follows must end in an act.
    """
    words = sorted(
        {*_BRIDGE_WORDS, *kinds, *(s for specific in kinds.values() for s in specific)}, key=len, reverse=True
    )
    rest = after
    while True:
        word = next((w for w in words if rest.startswith(w)), None)
        if word is None:
            break
        rest = rest[len(word) :]
    if rest == after or not rest or not _ACT_TAIL.search(rest):
        return None
    return rest


def _other_generals(general: str, kinds: Mapping[str, Sequence[str]]) -> list[str]:
    return [g for g in kinds if g != general and general not in g]


# ---------------------------------------------------------------------------------------------- certificates

# A certificate a name names, by the two characters before 证 (运输证, 驾驶员证 → 驶员) or before 许可证, 资格证
# or 合格证 (律师执业许可证 and 律师执业证书 → 执业; 产地检疫合格证 → 检疫). 证明 (a proof), 认证, 保证, 验证,
# 论证, 公证 and 见证 name no certificate.
_CERTIFICATE = re.compile(r"(..)(?:许可|资格|合格)?证(?![明实据])")
_NOT_CERTIFICATE = frozenset("认保验论公见")


@lru_cache(maxsize=65536)
def certificates(name: str) -> frozenset[str]:
    """The certificates a name names, each by the two characters before it (运输 of …出租汽车运输证核发)."""
    return frozenset(
        m.group(1)
        for m in _CERTIFICATE.finditer(name)
        if m.group(0)[-2] not in _NOT_CERTIFICATE and m.group(1).isalnum()
    )


def names_other_certificate(item: str, power: str) -> str | None:
    """The certificate an item names when the power names certificates and none of the item's, else None.

    网约车驾驶员证补发 under the code of 网络预约出租汽车运输证核发: the item is about the driver's certificate, not
    the vehicle's, whatever its code says; a code proposes such an item, it does not settle it. A power that names
    no certificate (建筑施工企业安全生产许可) is not compared.
    """
    own, its = certificates(item), certificates(power)
    if not own or not its or own & its or any(key in power for key in own):
        return None  # (调运检疫证书 under 调运检疫相关证书签发: the power names 检疫 too)
    return min(own)


# ---------------------------------------------------------------------------------------------- code families


# Words every kind of item closes with (acts and closing words): an item's name without them says what it is
# about, so that 蚕种生产许可 shares nothing with 农药经营许可 but 许可, and 市场主体歇业备案 nothing with 企业备案
# 登记 but the 业备 that straddles its closing word.
_CLOSING_GENERIC: Final = re.compile(
    "(?:"
    + "|".join(
        sorted(
            {
                *ACTIONS,
                *(w for group in ACT_GROUPS for w in group),
                *(
                    "许可",
                    "审批",
                    "核准",
                    "审核",
                    "审查",
                    "申请",
                    "申领",
                    "办理",
                    "确认",
                    "认定",
                    "发放",
                    "给付",
                    "管理",
                ),
            },
            key=len,
            reverse=True,
        )
    )
    + r"|\([^()]*\)|（[^（）]*）)+$"
)


def shared_word(a: str, b: str, *, beyond_generic: bool = False) -> str | None:
    """The first two characters running that both names hold, else None (档案 of 档案材料补充 and 档案的接收和转递).

    A code stem may gather a department's unrelated items (居住证办理 beside 开锁业备案): a family speaks for a
    member only when the member shares such a word with the power. `beyond_generic` reads the member without the
    acts and closing words it ends with (蚕种生产许可 and 农药经营许可 share only 许可; 歇业备案 and 企业备案登记 only
    业备, across the closing word): a proposal on the family's word alone needs that much. 教练车备案证办理 still
    shares 备案 with 机动车驾驶员培训备案: there it names a certificate, not the act.
    """
    if beyond_generic:
        a = _CLOSING_GENERIC.sub("", a)
    pairs = {b[i : i + 2] for i in range(len(b) - 1)}
    return next(
        (a[i : i + 2] for i in range(len(a) - 1) if a[i : i + 2] in pairs and a[i : i + 2].isalnum()), None
    )


@lru_cache(maxsize=262144)
def family_stem(code: str | None) -> str | None:
    """The main-item stem a handling item's basic code shares with its siblings (511Z18278 of 511Z18278001).

    Basic codes end in a three-digit handling number; a stem shorter than 8 characters says too little.
    """
    basic = code_key(code)
    if not basic or "-" in basic or len(basic) < 11 or not basic[-3:].isdigit():
        return None
    return basic[:-3]
