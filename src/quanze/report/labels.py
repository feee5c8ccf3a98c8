"""Chinese labels, and the facts every report opens with: counts, headline figures, the data date."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from quanze.coverage import NO_ACCEPTANCE_LISTS, NO_CATALOGUE, NO_UNIT_COLUMN, unmeasured
from quanze.gap_types import GAP_ZH as GAP_ZH  # the labels live in the gap-type registry
from quanze.models import METHOD_ZH as METHOD_ZH  # re-exported: the vocabulary lives in models
from quanze.models import STATUS_ZH as STATUS_ZH
from quanze.models import IssueCode, Severity
from quanze.results import GapStatus, GapType, ReconcileResult
from quanze.unlisted import measured, unmeasured_units

SEVERITY_ZH = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}

# One Chinese title per issue code, for the 数据问题 sheet; the code stays beside it for filters and ignore lists.
# A test checks every code has one; a code added without a title shows its code rather than failing the run.
ISSUE_ZH = {
    IssueCode.MISSING_REQUIRED: "缺少必填项",
    IssueCode.UNKNOWN_CATEGORY: "事项类型无法识别",
    IssueCode.UNKNOWN_DEVOLUTION_MODE: "下放方式无法识别",
    IssueCode.UNUSED_HEADER_ALIAS: "表头别名未对应任何列",
    IssueCode.OFFICE_LOCK_FILE: "Excel 锁定文件（工作簿正在打开）",
    IssueCode.DUPLICATE_CODE: "编码重复",
    IssueCode.DUPLICATE_ITEM: "事项重复",
    IssueCode.DITTO_WITHOUT_SOURCE: "“同上”无所指",
    IssueCode.BAD_NUMBER: "数字无法识别",
    IssueCode.CODE_PRECISION_LOST: "编码被存为数字，末位丢失",
    IssueCode.ORPHAN_SUB_ITEM: "子项无主项",
    IssueCode.SECTION_ROW: "分组标题行（非事项）",
    IssueCode.FOOTNOTE_ROW: "注释行（非事项）",
    IssueCode.NO_HEADER: "未找到表头",
    IssueCode.EMPTY_SHEET: "空工作表",
    IssueCode.TEXT_TOO_LONG: "文字过长",
    IssueCode.CONTROL_CHARACTERS: "含不可见控制字符",
    IssueCode.FORMULA_WITHOUT_VALUE: "公式无计算结果",
    IssueCode.AMBIGUOUS_MATCH: "匹配不唯一",
    IssueCode.UNREADABLE_FILE: "文件无法读取",
    IssueCode.DUPLICATE_INPUT: "输入文件重复",
    IssueCode.BAD_DECISION: "人工决定无效",
    IssueCode.PLACEHOLDER_VALUE: "占位内容（如“无”“/”）",
    IssueCode.REPEATED_HEADER: "重复的表头行",
    IssueCode.PACKED_SUB_ITEMS: "多个子项写在一格",
    IssueCode.MERGED_VALUE_DROPPED: "合并单元格内容被舍弃",
    IssueCode.MIXED_ENCODING: "文件编码混杂",
    IssueCode.GUESSED_ENCODING: "文件编码为推测",
    IssueCode.UNBALANCED_QUOTE: "引号不成对",
    IssueCode.TOTAL_ROW: "合计行（非事项）",
    IssueCode.BLANK_MARKER_ROW: "“以下空白”行",
    IssueCode.SIGNATURE_ROW: "签字栏（填表人、审核人、联系电话等，非事项）",
    IssueCode.EXAMPLE_ROW: "填表示例行（非事项）",
    IssueCode.ERROR_VALUE: "单元格为错误值（如 #N/A）",
    IssueCode.JUNK_NAME: "名称无效",
    IssueCode.HIDDEN_SHEET: "隐藏的工作表",
    IssueCode.HIDDEN_ROWS: "隐藏的行",
    IssueCode.DATE_AS_SEQ: "日期被存为数字",
    IssueCode.BAD_STATUS: "状态无法识别",
    IssueCode.BAD_DATE: "日期无法识别",
    IssueCode.BAD_HANDOVER_STATUS: "交接状态无效",
    IssueCode.MISSING_REASON: "缺少理由",
    IssueCode.UNKNOWN_GAP: "缺口无法识别",
    IssueCode.NO_CATALOGUE: "未提供服务事项目录",
    IssueCode.UNIT_UNMATCHED: "单位名称无法对应",
    IssueCode.OTHER_UNIT: "清单属于其他单位",
    IssueCode.UNIT_OUTSIDE_RUN: "目录含本次以外单位",
    IssueCode.SUPERSEDED_EDIT: "台账已更新，旧表修改未采用",
    IssueCode.CONFLICTING_DECISIONS: "同一候选决定矛盾",
    IssueCode.UNIT_ALIAS: "单位名称按别名对应",
    IssueCode.STALE_DECISION: "人工决定已过时",
    IssueCode.NO_RECORDS: "未读到任何事项",
    IssueCode.UNPARSED_RECEIVING_UNIT: "承接单位无法解析",
    IssueCode.UNKNOWN_RECEIVING_UNIT: "承接单位不在已知单位中",
    IssueCode.UNKNOWN_ITEM: "事项无法识别",
    IssueCode.UNKNOWN_ACCEPTANCE: "认领情况无法识别",
    IssueCode.INACTIVE_ITEM: "已取消或暂停实施的事项（未计入）",
    IssueCode.SITUATION_ROW: "办理情形行（非服务事项）",
    IssueCode.CONTINUATION_ROW: "续行（并入上一事项）",
    IssueCode.RESTATED_SHEET: "重述事项的工作表（责任清单等，未另计）",
    IssueCode.BLANK_ORGAN_COLUMN: "实施主体列全部为空",
    IssueCode.BLANK_ACCEPTANCE_COLUMN: "认领情况列全部为空",
    IssueCode.BLANK_ACCEPTANCE_CELLS: "认领情况部分为空",
    IssueCode.ONE_NAME_THROUGHOUT: "全部行名称相同",
    IssueCode.FEW_NAMES_REPEATED: "少数几个名称反复出现",
    IssueCode.STATED_COUNT_DIFFERS: "清单自述事项数与读取数不符",
    IssueCode.NO_COMMON_ITEMS: "承接清单与下放清单无共同事项",
    IssueCode.MISSING_ACCEPTANCE_LIST: "单位未提供承接清单",
    IssueCode.NO_ACCEPTANCE_COLUMN: "承接清单无认领情况列",
    IssueCode.DEVOLUTION_LIST_AS_ACCEPTANCE: "承接清单疑为下放清单",
    IssueCode.CONFLICTING_ACCEPTANCE: "同一事项认领情况前后不一",
    IssueCode.NEAR_NAME_PAIRING: "承接事项按相近名称对应",
    IssueCode.ACCEPTANCE_CODE_DIFFERS: "承接清单编码与下放事项不一致",
    IssueCode.SIDE_BY_SIDE_TABLES: "并排的两张表（分别读取）",
    IssueCode.NAMES_NOT_ITEMS: "事项名称列不是事项名称（机构名、类别词或编码）",
    IssueCode.COPIED_SHEETS: "多个部门工作表内容相同（模板复制未修改）",
}

# What the overview's words mean: printed under the overview in report.xlsx and report.html.
# The 事项×单位 line gets its example from the run (glossary()): a fixed "7 个单位" read wrong beside 单位 0.
GLOSSARY = (
    "对应关系：一个权力事项与一个服务事项的配对（一个权力事项可对应多个服务事项）。",
    "事项×单位：一个权力事项在一个单位（行政区划）的情况。",
    "清单外：列入了承接清单、但下放清单并未下放给该单位的事项（即“未下放但已承接”）。",
    "缺口（确定/待复核）：待复核的缺口取决于尚未确认的对应关系，复核后数量会变化；合计 = 确定 + 待复核。",
)


def glossary(result: ReconcileResult) -> tuple[str, ...]:
    """GLOSSARY with the 事项×单位 line's example taken from this run's units."""
    units = len(result.summary.match.units)
    if units >= 2:
        example = f"本次 {units} 个单位，同一事项在 {units} 个单位计 {units} 次。"
    elif units == 1:
        m = result.summary.match
        counted = m.power_units_matched + m.power_units_review + m.power_units_unmatched
        example = (
            "本次只有 1 个单位，事项×单位即事项数。"
            if counted == m.powers
            # Rows left out of matching (a 行政区划 no unit of the run has …): the two counts differ, say both.
            else f"本次只有 1 个单位；权力事项 {m.powers} 行中 {counted} 个计入事项×单位，"
            f"其余 {m.powers - counted} 行未参与匹配（原因见“数据问题”）。"
        )
    else:
        example = "本次服务事项目录未注明行政区划，每个事项计一次。"
    return (GLOSSARY[0], GLOSSARY[1] + example, *GLOSSARY[2:])


def pending_counts(result: ReconcileResult) -> Counter[GapType]:
    """Gap rows waiting on review, by type (one pass over the gaps: a province has hundreds of thousands)."""
    return Counter(g.gap_type for g in result.gaps if g.status is GapStatus.PENDING_REVIEW)


def gap_total(
    result: ReconcileResult, gap: GapType, pending: Counter[GapType] | None = None
) -> tuple[int, int]:
    """A gap type's (确定, 待复核) counts; `pending` (pending_counts) saves a pass over the gaps."""
    waiting = (pending if pending is not None else pending_counts(result))[gap]
    return result.summary.gaps.get(gap.value, 0) - waiting, waiting


def gap_facts(result: ReconcileResult) -> list[tuple[str, int | str]]:
    """Gap counts by type; a type with rows waiting on review is split into 确定, 待复核 and 合计.

    A type the run could not look for (no acceptance lists, no 办件量 column …) says so instead of 0.
    """
    pending: dict[str, int] = {}
    for g in result.gaps:
        if g.status is GapStatus.PENDING_REVIEW:
            pending[g.gap_type.value] = pending.get(g.gap_type.value, 0) + 1
    missing = unmeasured(result)
    out: list[tuple[str, int | str]] = []
    for k, v in result.summary.gaps.items():
        label = f"缺口：{GAP_ZH[GapType(k)]}"
        waiting = pending.get(k, 0)
        if k in missing:
            out.append((label, missing[k]))
        elif waiting:
            out += [
                (f"{label}（确定）", v - waiting),
                (f"{label}（待复核）", waiting),
                (f"{label}（合计）", v),
            ]
        else:
            out.append((label, v))
    return out


def gap_rows(result: ReconcileResult) -> list[dict[str, int | str]]:
    """One row per gap type for a gap table: label, 确定, 待复核, 合计 (or why it was not looked for), code.

    A closing 合计 row adds the types that were looked for.
    """
    missing = unmeasured(result)
    pending = pending_counts(result)
    rows: list[dict[str, int | str]] = []
    sums = [0, 0, 0]
    for t in GapType:
        if t.value not in result.summary.gaps:
            continue
        if t.value in missing:
            why = missing[t.value]
            rows.append({"gap": GAP_ZH[t], "confirmed": "—", "pending": "—", "count": why, "code": t.value})
            continue
        confirmed, waiting = gap_total(result, t, pending)
        rows.append(
            {
                "gap": GAP_ZH[t],
                "confirmed": confirmed,
                "pending": waiting,
                "count": confirmed + waiting,
                "code": t.value,
            }
        )
        sums = [sums[0] + confirmed, sums[1] + waiting, sums[2] + confirmed + waiting]
    rows.append({"gap": "合计", "confirmed": sums[0], "pending": sums[1], "count": sums[2], "code": ""})
    return rows


def overview_facts(result: ReconcileResult) -> list[tuple[str, int | str]]:
    """The counts that open every report (概览), in the order people read them.

    The service items without a power appear once, among the gaps, split into 确定 and 待复核: a
    separate line of the confirmed count beside the gap total read as two numbers for one thing.
    """
    s, m = result.summary, result.summary.match
    roles = {f.role for f in s.inputs}
    units: int | str = len(m.units) or (NO_CATALOGUE if "catalogue" not in roles else NO_UNIT_COLUMN)
    return [
        ("权力事项（行）", m.powers),
        ("服务事项", m.service_items),
        ("单位", units),
        ("已匹配的对应关系（权力事项↔服务事项）", m.links_matched),
        ("待复核的对应关系（权力事项↔服务事项）", m.links_review),
        ("已匹配的事项×单位", m.power_units_matched),
        ("待复核的事项×单位", m.power_units_review),
        ("未匹配的事项×单位", m.power_units_unmatched),
        ("已应用的人工决定", m.decisions_applied),
        ("数据错误行", s.invalid_rows),
        *gap_facts(result),
    ]


def input_dates(result: ReconcileResult) -> list[tuple[str, str, str | None]]:
    """Each input file's name, role and last-modified date (None when the file is gone since the run)."""
    out = []
    for f in result.summary.inputs:
        try:
            modified: str | None = date.fromtimestamp(os.stat(f.path).st_mtime).isoformat()
        except OSError:
            modified = None
        out.append((Path(f.path).name, f.role, modified))
    return out


def data_date(result: ReconcileResult) -> str | None:
    """The date of the data: the newest input file's last-modified date."""
    return max((d for _, _, d in input_dates(result) if d), default=None)


@dataclass
class Headline:
    key: str
    label: str
    value: str
    note: str
    of: str = ""  # what the value counts out of (5/7), or what stands beside it (另有待复核 9)


def headlines(result: ReconcileResult) -> list[Headline]:
    """The five numbers an official reads first, in this order, each with what it counts.

    A rate carries its numerator and denominator; a count the run could not take says why, never 0;
    权限悬空 is the confirmed count, with the ones waiting on review beside it.
    """
    gaps, m = result.summary.gaps, result.summary.match
    missing = unmeasured(result)
    devolved = sum(a.devolved for a in measured(result.acceptance))
    accepted = sum(a.accepted for a in measured(result.acceptance))
    rate = f"{accepted / devolved:.1%}" if devolved else "—"
    # Units without an acceptance list are not in the rate: said beside it, never silently left out.
    absent = unmeasured_units(result.acceptance)
    absent_note = f"；{'、'.join(absent)} 未提供承接清单，未计入" if absent else ""
    confirmed, waiting = gap_total(result, GapType.NO_SERVICE_ITEM)
    loose = missing.get(GapType.NO_SERVICE_ITEM.value, str(confirmed))
    loose_of = (
        f"确定；另有待复核 {waiting}，合计 {confirmed + waiting}" if waiting and loose.isdigit() else ""
    )
    known = sum(u.items for u in result.usage)
    zero = known - sum(u.used for u in result.usage)
    return [
        Headline(
            "acceptance-rate",
            "承接率",
            rate,
            "已承接 / 应承接" if devolved else NO_ACCEPTANCE_LISTS[2:-1],
            # With the rate wherever it is shown (the page, 概览's one line), not only where its meaning is.
            f"{accepted}/{devolved}{absent_note}" if devolved else "",
        ),
        Headline(
            "not-accepted",
            "未承接",
            missing.get("not-accepted", str(gaps.get("not-accepted", 0))),
            "已下放未承接",
        ),
        Headline(
            "no-service-item",
            "权限悬空",
            loose,
            # Without acceptance lists nothing is known to be 已承接: the count is of items with no service item.
            "未录入服务事项" if "not-accepted" in missing else "已承接未录入服务事项",
            loose_of,
        ),
        Headline(
            "review",
            "待复核",
            str(m.links_review),
            "待人工确认的对应关系",
            # The terminal counts 事项×单位; both numbers side by side, so neither reads as the other's error.
            f"涉及事项×单位 {m.power_units_review}" if m.links_review else "",
        ),
        Headline(
            "unused",
            "零办件",
            missing.get("unused", str(gaps.get("unused", 0))),
            "办件量为 0 的服务事项",
            f"服务事项 {zero}/{known}" if known else "",
        ),
    ]


def headline_line(result: ReconcileResult) -> str:
    """The headlines as one line of text (概览 in report.xlsx, the weekly summary)."""
    return "　".join(f"{h.label} {h.value}" + (f"（{h.of}）" if h.of else "") for h in headlines(result))
