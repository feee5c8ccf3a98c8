"""Chinese labels, and the facts every report opens with: counts, headline figures, the data date."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from quanze.match import Method, Status
from quanze.results import GapType, ReconcileResult

STATUS_ZH = {Status.MATCHED: "已匹配", Status.REVIEW: "待复核", Status.UNMATCHED: "未匹配"}
METHOD_ZH = {
    Method.DECISION: "人工确认",
    Method.CODE: "编码一致",
    Method.EXACT: "名称一致",
    Method.FUZZY: "名称相似",
}
GAP_ZH = {
    GapType.NOT_ACCEPTED: "已下放未承接",
    GapType.NOT_DEVOLVED: "未下放但已承接",
    GapType.NO_SERVICE_ITEM: "无服务事项（权限悬空）",
    GapType.ORPHAN_SERVICE_ITEM: "无权力支撑的服务事项",
    GapType.NO_SUPERVISION: "未明确监管（放权不放责）",
    GapType.UNUSED: "零办件",
    GapType.NAME_MISMATCH: "名称录入不一致",
    GapType.DROPPED_IN_CHAIN: "层级链条中断",
    GapType.HELD_TWICE: "上下级重复行使",
    GapType.TOWNSHIP_NO_OWNER: "配合事项无主体责任部门",
    GapType.UNIT_SPECIFIC: "仅部分单位有的事项",
    GapType.OVERLAP: "职责交叉（多个部门同一事项）",
}


def overview_facts(result: ReconcileResult) -> list[tuple[str, int]]:
    """The counts that open every report (概览), in the order people read them."""
    s, m = result.summary, result.summary.match
    return [
        ("权力事项（行）", m.powers),
        ("服务事项", m.service_items),
        ("单位", len(m.units)),
        ("已匹配链接", m.links_matched),
        ("待复核链接", m.links_review),
        ("已匹配的事项×单位", m.power_units_matched),
        ("待复核的事项×单位", m.power_units_review),
        ("未匹配的事项×单位", m.power_units_unmatched),
        ("无权力支撑的服务事项", m.orphan_service_items),
        ("已应用的人工决定", m.decisions_applied),
        ("数据错误行", s.invalid_rows),
        *((f"缺口：{GAP_ZH[GapType(k)]}", v) for k, v in s.gaps.items()),
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


def headlines(result: ReconcileResult) -> list[Headline]:
    """The five numbers an official reads first, in this order."""
    gaps, m = result.summary.gaps, result.summary.match
    devolved = sum(a.devolved for a in result.acceptance)
    accepted = sum(a.accepted for a in result.acceptance)
    rate = f"{accepted / devolved:.1%}" if devolved else "—"
    return [
        Headline(
            "acceptance-rate", "承接率", rate, f"{accepted}/{devolved} 项" if devolved else "无承接清单"
        ),
        Headline("not-accepted", "未承接", str(gaps.get("not-accepted", 0)), "已下放未承接"),
        Headline("no-service-item", "权限悬空", str(gaps.get("no-service-item", 0)), "已承接未录入服务事项"),
        Headline("review", "待复核", str(m.links_review), "待人工确认的链接"),
        Headline("unused", "零办件", str(gaps.get("unused", 0)), "办件量为 0 的服务事项"),
    ]
