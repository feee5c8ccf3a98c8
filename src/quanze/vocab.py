"""Domain vocabulary: header, category and department aliases, handling and level suffixes."""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Final

from quanze.models import Category

# Canonical fields a column can map to.
FIELDS: Final = (
    "seq",
    "sub_seq",
    "name",
    "sub_item",
    "category",
    "code",
    "department",
    "handling_office",
    "level",
    "level_scope",
    "basis",
    "duty",
    "accountability",
    "remarks",
    "devolution_mode",
    "receiving_unit",
    "acceptance",
    "supervision_department",
    "supervision_method",
    "volume",
    "parent_power_name",
    "parent_power_code",
    "handling_type",
    "unit",
    "duty_type",
    "owner_department",
    "status",
    "tree_level",
    "sub_code",
)

# When a header names a field that an earlier column already took, the later column takes this one
# (lists with two 序号 columns, or 名称 | 名称 for main and sub-item).
# A two-column merged 实施层级及权限 header is level | scope.
SECOND_OCCURRENCE: Final = MappingProxyType({"seq": "sub_seq", "name": "sub_item", "level": "level_scope"})

# Headers that never take a second occurrence: an 编号 beside 序号 holds the office's own item IDs (TJ-001 …),
# not a sub-item's number.
NO_SECOND_OCCURRENCE: Final = frozenset({"编号"})

_COMMON_HEADERS: Final[dict[str, tuple[str, ...]]] = {
    "seq": ("序号", "主项序号", "事项序号", "项目序号", "编号"),
    "sub_seq": ("子项序号", "子项编号"),
    "category": (
        "事项类型",
        "权力类型",
        "职权类型",
        "权力类别",
        "类别",
        "类型",
        "事项类别",
        "权责类型",
        "职权类别",
        "权力分类",
        "事项分类",
        "职权分类",
        "权力事项类型",
        "权责事项类型",
    ),
    "code": (
        "事项编码",
        "权力编码",
        "职权编码",
        "编码",
        "项目编码",
        "事项代码",
        "权力代码",
        "基本编码",
        "实施编码",
        "事项编号",
        "权力编号",
        "服务事项编码",
        "办理项编码",
        "业务办理项编码",
        "主项编码",
    ),
    # The organ that holds the power (行使主体); most specific first.
    "department": (
        "行使主体",
        "实施主体",
        "实施机关",
        "责任主体",
        "实施部门",
        "实施主体名称",
        "行使部门",
        "权力行使主体",
        "行驶主体",  # a misspelling seen in published exports
        "实施机构",
        "责任部门",
        "主管部门",
        "所属部门",
        "部门名称",
        "部门",
        "办理部门",
        "责任单位",
        "承接部门",
        # A 赋权清单's county department that hands the power to the town, when no other organ column exists
        # (a 综合执法 or 审批局 list has its 实施主体 beside it, which takes the field first).
        "原实施部门",
    ),
    # The office inside the organ that does the work (承办机构); never the department when an organ column exists.
    "handling_office": (
        "承办机构",
        "承办科室",
        "责任科室",
        "实施机构(股室)",
        "实施科室",
        "承办处室",
        "承办股室",
        "责任股室",
        "内设机构",
        "承办部门(科室)",
        "具体承办机构",
        "承办单位",
    ),
    "level": (
        "实施层级及权限",
        "行使层级及权限",
        "实施层级和权限",
        "层级及权限",
        "行使层级",
        "实施层级",
        "管理权限",
        "层级",
        "行使层级权限",
    ),
    "basis": ("设定依据", "实施依据", "法定依据", "设定和实施依据", "法律依据", "依据", "设立依据"),
    "duty": ("责任事项", "责任事项内容"),
    "accountability": ("追责情形", "问责依据", "追责依据", "追责情形及依据"),
    "remarks": ("备注", "说明"),
    "devolution_mode": ("下放方式", "赋权方式", "调整方式", "下放形式", "放权方式", "调整类型", "承接方式"),
    "receiving_unit": ("承接单位", "承接主体", "下放至", "承接地区", "下放对象", "承接乡镇", "承接乡镇街道"),
    "acceptance": (
        "认领情况",
        "是否认领",
        "承接情况",
        "认领状态",
        "是否承接",
        # A unit's answer headed as its opinion (承接意见: 同意承接 / 暂不承接) is its acceptance.
        "承接意见",
        "认领意见",
        "是否同意承接",
        "是否同意认领",
        "承接认领情况",
        "认领承接情况",
        "认领结果",
        "承接结果",
        "承接状态",
        "是否认领承接",
        "认领与否",
        "承接与否",
    ),
    # 调整情况 (名称调整 / 保留 / 新增 / 已取消) and a 取消事项目录's 处理决定 (取消 / 保留) say whether an item is in force.
    "status": (
        "状态",
        "事项状态",
        "实施状态",
        "调整状态",
        "清单状态",
        "发布状态",
        "上线状态",
        "调整情况",
        "处理决定",
    ),
    # A catalogue tree's level column (事项 / 办理项 / 情形), not the 行使层级 of a power.
    "tree_level": ("事项层级", "目录层级", "节点层级", "节点类型", "层级类型"),
    "supervision_department": ("监管部门", "监管主体", "监管责任部门", "监管单位", "监管责任主体"),
    "supervision_method": ("监管方式", "监管措施", "事中事后监管措施", "监管方式方法"),
    "volume": ("办件量", "办件数量", "办件数", "年办件量", "受理量", "办理量"),
    "handling_type": ("业务办理项类型", "办理类型", "办理项类型", "业务类型", "申请类型"),
    "unit": (
        "行政区划",
        "所属行政区划",
        "所属区县",
        "实施区划",
        "所属区划",
        "区划",
        "区划名称",
        "行政区划名称",
        "所属地区",
        "地区",
    ),
    "parent_power_code": (
        "所属权力编码",
        "权力事项编码",
        "对应权力编码",
        "关联权力编码",
        "所属权力事项编码",
        "对应权力事项编码",
        "关联权力事项编码",
        "基本目录编码",
        "母项编码",
    ),
}

POWER_HEADERS: Final[dict[str, tuple[str, ...]]] = {
    **_COMMON_HEADERS,
    # A power list's own code column may be headed 权力事项编码 (a catalogue's names the parent power's code).
    "code": (*_COMMON_HEADERS["code"], "权力事项编码"),
    "name": (
        "事项名称",
        "权力名称",
        "职权名称",
        "行政权力名称",
        "项目名称",
        "主项名称",
        "权力事项名称",
        "权责事项名称",
        "行政权力事项名称",
        "行政职权名称",
        "权责事项",
        "权力事项",
        "职权事项",
        "事项",
        "名称",
        "主项",
        "清单事项名称",
        # A 公共服务事项清单's item column (a power-list kind, not a catalogue's 服务事项名称).
        "公共服务事项名称",
        # Only where nothing better names the item (platform exports head it 项目 or 服务事项).
        "服务事项",
        "项目",
    ),
    "sub_item": ("子项名称", "子项", "子项事项名称", "子项目名称", "子事项名称"),
    # A sub-item's own code beside the main item's (主项编码 | 主项名称 | 子项编码 | 子项名称): a 子项's code.
    "sub_code": ("子项编码", "子项代码", "子项事项编码", "子项权力编码"),
    "duty_type": ("事项性质", "事项属性", "清单属性", "权力或配合", "权力/配合事项", "事项类别（权力/配合）"),
    "owner_department": (
        "主体责任部门",
        "主责部门",
        "牵头部门",
        "县级主管部门",
        "县级责任部门",
        "主体责任单位",
    ),
}

SERVICE_HEADERS: Final[dict[str, tuple[str, ...]]] = {
    **_COMMON_HEADERS,
    "name": (
        "业务办理项名称",
        "办理项名称",
        "业务办理项",
        "服务事项名称",
        "政务服务事项名称",
        "实施清单名称",
        "办事事项名称",
        "事项名称",
        "名称",
    ),
    "parent_power_name": (
        "所属权力事项",
        "对应权力事项",
        "权力事项名称",
        "权力名称",
        "基本目录名称",
        "所属事项",
        "对应事项",
        "主项名称",
        "母项名称",
        "关联权力事项",
        "职权名称",
        "对应权力名称",
        "所属权力名称",
        "基本目录事项名称",
    ),
}

# The national catalogue's numeric category codes (事项类型: 01 许可 … 10 其他, 20 公共服务, 99 其他), the
# default reading of a category cell that is a number; `[read] category_codes = "none"` turns it off and
# `[aliases.categories]` maps a vendor's own numbering.
NATIONAL_CATEGORY_CODES: Final[dict[int, Category]] = {
    1: Category.LICENSING,
    2: Category.PENALTY,
    3: Category.COERCION,
    4: Category.LEVY,
    5: Category.PAYMENT,
    6: Category.INSPECTION,
    7: Category.CONFIRMATION,
    8: Category.REWARD,
    9: Category.ADJUDICATION,
    10: Category.OTHER,
    20: Category.PUBLIC_SERVICE,
    99: Category.OTHER,
}

# Letter codes for categories (Fujian and others: XK 许可, CF 处罚 …); they do not collide with numbers.
LETTER_CATEGORY_CODES: Final[dict[str, Category]] = {
    "XK": Category.LICENSING,
    "CF": Category.PENALTY,
    "QZ": Category.COERCION,
    "ZS": Category.LEVY,
    "GF": Category.PAYMENT,
    "JC": Category.INSPECTION,
    "QR": Category.CONFIRMATION,
    "JL": Category.REWARD,
    "CJ": Category.ADJUDICATION,
    "QT": Category.OTHER,
    "FW": Category.PUBLIC_SERVICE,
    "GG": Category.PUBLIC_SERVICE,
}

CATEGORY_ALIASES: Final[dict[str, Category]] = {
    **{c.value: c for c in Category},
    "许可": Category.LICENSING,
    "处罚": Category.PENALTY,
    "强制": Category.COERCION,
    "征收": Category.LEVY,
    "给付": Category.PAYMENT,
    "检查": Category.INSPECTION,
    "确认": Category.CONFIRMATION,
    "奖励": Category.REWARD,
    "裁决": Category.ADJUDICATION,
    "其他": Category.OTHER,
    "其他职权": Category.OTHER,
    "其他权力": Category.OTHER,
    "其他行政职权": Category.OTHER,
    "其他行政权力-其他": Category.OTHER,
    "其他行政权力-备案": Category.OTHER,
    "其他行政权力(备案)": Category.OTHER,
    "公共服务事项": Category.PUBLIC_SERVICE,
    "备案": Category.FILING,
    "调解": Category.MEDIATION,
}

# Department core names (as they end a full name) mapped to one canonical name.
DEPARTMENT_ALIASES: Final[dict[str, str]] = {
    "市场监督管理局": "市场监督管理局",
    "市场监管局": "市场监督管理局",
    "市监局": "市场监督管理局",
    "市场监管部门": "市场监督管理局",
    "市场和质量监督管理局": "市场监督管理局",
    "发展和改革委员会": "发展和改革局",
    "发展和改革局": "发展和改革局",
    "发展改革委": "发展和改革局",
    "发展改革局": "发展和改革局",
    "发改委": "发展和改革局",
    "发改局": "发展和改革局",
    "住房和城乡建设局": "住房和城乡建设局",
    "住房城乡建设局": "住房和城乡建设局",
    "住建局": "住房和城乡建设局",
    "人力资源和社会保障局": "人力资源和社会保障局",
    "人社局": "人力资源和社会保障局",
    "自然资源和规划局": "自然资源局",
    "规划和自然资源局": "自然资源局",
    "自然资源局": "自然资源局",
    "国土资源局": "自然资源局",
    "生态环境局": "生态环境局",
    "生态环境分局": "生态环境局",
    "环保局": "生态环境局",
    "环保部门": "生态环境局",
    "环境保护局": "生态环境局",
    "交通运输局": "交通运输局",
    "交通局": "交通运输局",
    "农业农村局": "农业农村局",
    "农业局": "农业农村局",
    "农业农村和水利局": "农业农村局",
    "农业农村委": "农业农村局",
    "农业农村委员会": "农业农村局",
    "卫生健康委员会": "卫生健康局",
    "卫生健康局": "卫生健康局",
    "卫健委": "卫生健康局",
    "卫健局": "卫生健康局",
    "卫生和计划生育委员会": "卫生健康局",
    "卫计局": "卫生健康局",
    "卫计委": "卫生健康局",
    "教育局": "教育局",
    "教育体育局": "教育局",
    "教体局": "教育局",
    "教科体局": "教育局",
    "教育和体育局": "教育局",
    "应急管理局": "应急管理局",
    "应急局": "应急管理局",
    "文化广电旅游局": "文化和旅游局",
    "文化体育广播电视和旅游局": "文化和旅游局",
    "文化广电体育和旅游局": "文化和旅游局",
    "文化体育广电和旅游局": "文化和旅游局",
    "文化广播电视和旅游局": "文化和旅游局",
    "文体广旅局": "文化和旅游局",
    "文广体旅局": "文化和旅游局",
    "文化广电和旅游局": "文化和旅游局",
    "文化和旅游局": "文化和旅游局",
    "文广旅局": "文化和旅游局",
    "文旅局": "文化和旅游局",
    "民政局": "民政局",
    "公安局": "公安局",
    "公安分局": "公安局",
    "司法局": "司法局",
    "财政局": "财政局",
    "水利局": "水利局",
    "水务局": "水利局",
    "林业局": "林业局",
    "林业和草原局": "林业局",
    "城市管理局": "城市管理局",
    "城管局": "城市管理局",
    "综合行政执法局": "城市管理局",
    "综合执法局": "城市管理局",
    "城市管理和综合执法局": "城市管理局",
    "商务局": "商务局",
    "商务主管部门": "商务局",
    "商务和经济信息化局": "商务局",
    "统计局": "统计局",
    "审计局": "审计局",
    "税务局": "税务局",
    "气象局": "气象局",
    "退役军人事务局": "退役军人事务局",
    "医疗保障局": "医疗保障局",
    "医保局": "医疗保障局",
    "残疾人联合会": "残疾人联合会",
    "残联": "残疾人联合会",
    "行政审批局": "行政审批局",
    "行政审批服务局": "行政审批局",
    "政务服务管理局": "行政审批局",
    "经济和信息化局": "经济和信息化局",
    "经信局": "经济和信息化局",
    "工业和信息化局": "经济和信息化局",
    "工信局": "经济和信息化局",
    "科学技术局": "科学技术局",
    "科技局": "科学技术局",
    "烟草专卖局": "烟草专卖局",
    "消防救援大队": "消防救援机构",
    "消防大队": "消防救援机构",
    "消防救援支队": "消防救援机构",
    "人民防空办公室": "人民防空办公室",
    "国防动员办公室": "人民防空办公室",
    "人防系统": "人民防空办公室",
    "人防办": "人民防空办公室",
    "档案局": "档案局",
    "档案馆": "档案局",
    "地震局": "地震局",
    "粮食和物资储备局": "粮食和物资储备局",
    "粮食局": "粮食和物资储备局",
    "民族宗教事务局": "民族宗教事务局",
    "民宗局": "民族宗教事务局",
    "民族宗教事务委员会": "民族宗教事务局",
    "民族宗教委": "民族宗教事务局",
    "民宗委": "民族宗教事务局",
    "统战部": "统战部",
    "宣传部": "宣传部",
    "机关事务管理局": "机关事务管理局",
    "住房公积金管理中心": "住房公积金管理中心",
    "教育部门": "教育局",
    "卫生健康部门": "卫生健康局",
    "生态环境部门": "生态环境局",
    "宣传部门": "宣传部",
    "交通运输部门": "交通运输局",
    "自然资源部门": "自然资源局",
}

# Departments that implement items of many others (相对集中行政许可权): a catalogue item of the 行政审批局 is
# no evidence against a line department's power, nor for it.
CONCENTRATING_DEPARTMENTS: Final = frozenset({"行政审批局"})

# Handling-item words (业务办理项) that may end a service item's name; longest first when matching.
HANDLING_SUFFIXES: Final = (
    "遗失补办",
    "遗失补发",
    "损毁补办",
    "恢复营业",
    "首次申请",
    "初次申请",
    "重新申请",
    "新申请",
    "换证审查",
    "变更审查",
    "新办",
    "新增",
    "设立",
    "变更",
    "延续",
    "延期",
    "注销",
    "补办",
    "补发",
    "换发",
    "换证",
    "歇业",
    "停业",
    "核发",
    "增项",
    "迁移",
    "撤回",
)

LEVEL_WORDS: Final = "省市州县区乡镇街道级权限及以下本/、,，和与共同行使内"

DITTO_MARKS: Final = frozenset({"同上", "〃", "''", '"', "”", "“", "同前", "ditto", "々"})

ACCEPT_WORDS: Final = frozenset(
    {
        "认领",
        "已认领",
        "承接",
        "已承接",
        "是",
        "同意",
        "接收",
        "√",
        "✓",
        "✔",
        "☑",
        "Y",
        "y",
        "yes",
        "Yes",
        "YES",
    }
    | {"1", "TRUE", "True", "true"}  # a 是否承接 column kept as 1/0, or as Excel's TRUE/FALSE
)
REFUSE_WORDS: Final = frozenset(
    {
        "不认领",
        "未认领",
        "不承接",
        "否",
        "拒绝",
        "不接收",
        "暂不承接",
        "暂不认领",
        "×",
        "✗",
        "✘",
        "☒",
        "N",
        "n",
        "no",
        "No",
    }
    | {"0", "FALSE", "False", "false"}
)


# 下放方式 words that keep an item at the upper level: it is handed to no one.
KEPT_WORDS: Final = frozenset({"保留", "不下放", "无", "暂不下放", "上级保留"})
# A 下放方式 that opens with one of these keeps the item (不予下放, 暂缓下放, 取消下放), or takes it back up
# (上收, 收回市级): it is handed to no one.
KEPT_PREFIXES: Final = ("不", "未", "暂不", "暂缓", "取消", "停止", "上收", "收回", "回收")
HANDING_WORDS: Final = ("下放", "委托", "授权", "赋权", "放权", "交由")


# The upper level itself implements the item (市级实施, 本级行使, 省级直接办理): it is handed to no one.
_UPPER_IMPLEMENTS: Final = re.compile(
    r"^(本级|上级|原级|省级|自治区级|市级|州级|盟级|地区级|设区市级|市本级)(直接)?(实施|行使|办理|承办|保留)$"
)
# A lower level implements it (县级实施, 乡镇实施, 县（市、区）实施): a handing word of its own.
_LOWER_IMPLEMENTS: Final = re.compile(
    r"^(各)?(县|区|县区|县市区|县市|乡镇|乡|镇|街道|乡镇街道)级?(实施|行使|办理|承办)$"
)


def keeps_item(mode: str | None) -> bool:
    """Whether a 下放方式 cell keeps the item at the upper level (保留, 市级保留, 不予下放, 暂缓下放 …).

    The one reading of keeping words: the acceptance check, supervision and the cascade all ask here. A
    blank cell is no keeping word (what it means depends on the list: see the callers).
    """
    text = "".join((mode or "").split())
    if not text:
        return False
    if text in KEPT_WORDS or text.startswith(KEPT_PREFIXES):
        return True
    if _UPPER_IMPLEMENTS.match(text):
        return True
    return "保留" in text and not any(w in text for w in HANDING_WORDS)


def hands_item(mode: str | None) -> bool:
    """Whether a 下放方式 cell says the item is handed down (直接下放, 委托, 授权, 县级实施 …).

    A cell that neither keeps (`keeps_item`) nor hands the item is a word quanze does not know: the caller
    reports it (`unknown-devolution-mode`) rather than reading it silently either way.
    """
    text = "".join((mode or "").split())
    if not text or keeps_item(text):
        return False
    plain = text.replace("（", "").replace("）", "").replace("(", "").replace(")", "").replace("、", "")
    return any(w in text for w in HANDING_WORDS) or bool(_LOWER_IMPLEMENTS.match(plain))


# An acceptance cell that opens with one of these refuses the item (不予认领, 未承接, 暂缓承接, 否, 无此事项).
REFUSE_PREFIXES: Final = ("不", "未", "暂不", "暂缓", "拒", "否", "无法", "退回", "放弃", "取消", "无此")
# Words in a cell that accept the item when nothing above refuses it (同意承接, 认领（委托乡镇实施）).
ACCEPT_STEMS: Final = ("认领", "承接", "同意", "接收", "接受")
# Cells that defer the decision (待定, 待研究, 研究中): neither accepted nor refused.
UNDECIDED_PREFIXES: Final = ("待", "研究", "拟定", "商议", "协商")
# Words that, beside an accepting word, say the unit has not simply taken the item on: a refusal in plain words
# (没有承接, 难以承接, 承接有困难, 无承接条件, 缺乏承接能力，建议保留), a condition (认领（但本县无此业务）), or the
# template's choice left in the cell (认领/不认领). Such a cell says neither: reported, and not counted as accepted.
DOUBT_WORDS: Final = ("不", "没", "未", "难", "困难", "缺", "无", "拒", "否", "暂缓", "保留", "但", "/", "／")


def acceptance_of(word: str | None) -> bool | None:
    """How an acceptance cell (认领情况) reads: True accepted, False refused, None says neither (待定).

    The one reading of acceptance words: the acceptance check, the cascade and the handover all ask here
    (through `is_refusal`). A blank cell in a unit's acceptance list is the unit listing the item: accepted.
    """
    if word is None:
        return True
    text = "".join(word.split())
    if not text:
        return True
    if text in REFUSE_WORDS or text.startswith(REFUSE_PREFIXES):
        return False
    if text.startswith(UNDECIDED_PREFIXES):
        return None
    if text in ACCEPT_WORDS:
        return True
    if any(stem in text for stem in ACCEPT_STEMS):
        return None if any(w in text for w in DOUBT_WORDS) else True
    return None


def is_refusal(word: str | None) -> bool:
    """Whether an acceptance cell fails to accept the item: 不认领, 暂不承接, 不予认领, 否, ×, and a word that
    says neither (待定), which is reported (`unknown-acceptance`) and counted as not accepted, so that it
    shows as a gap rather than as a unit that took the item on.
    """
    return acceptance_of(word) is not True


# Cell values that mean "none" (子项名称 无, 职权编码 /, 主项 未分类 …): read as empty, reported once per file.
PLACEHOLDERS: Final = frozenset(
    {
        "无",
        "/",
        "／",
        "—",
        "——",
        "-",
        "－",
        "--",
        "暂无",
        "未分类",
        "空",
        "N/A",
        "n/a",
        "NA",
        "无子项",
        "\\",
        "、",
    }
)
# What a 子项 cell says when the item has none, beyond the placeholders of every field: 不涉及 is no
# placeholder elsewhere (an acceptance cell 不涉及 refuses the item).
SUB_ITEM_PLACEHOLDERS: Final = frozenset(
    {
        "不涉及",
        "暂无子项",
        "没有子项",
        "不设子项",
        "无下设子项",
        "不涉及子项",
        "此项无子项",
        "本项无子项",
        "未设子项",
    }
)
