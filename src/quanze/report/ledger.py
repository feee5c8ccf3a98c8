"""The 整改台账 workbook analysts fill in, and the 周报 / 月通报 with their trend charts."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from html import escape
from pathlib import Path
from typing import Any

from quanze.ledger import PERIOD_ZH, STATUSES, LedgerGap, LedgerReport, PeriodRow
from quanze.report.files import write_json, write_text
from quanze.report.labels import GAP_ZH
from quanze.report.xlsx import Chart, Column, Sheet, write_workbook

CSS = """
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;margin:2em;color:#222}
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em;border-bottom:2px solid #1F4E78}
table{border-collapse:collapse;margin:.5em 0;font-size:.9em}
th{background:#1F4E78;color:#fff;padding:4px 8px}
td{border:1px solid #ccc;padding:3px 8px;vertical-align:top}
td.n{text-align:right}.bar{background:#5B9BD5;height:.8em;display:inline-block}
.note{color:#666;font-size:.85em}
@media print{body{margin:0}h2{break-after:avoid}tr{break-inside:avoid}}
"""


def html_table(headings: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """An HTML table; every cell escaped, rates drawn as bars that grow from the left."""
    out = ["<table><thead><tr>", *(f"<th>{escape(h)}</th>" for h in headings), "</tr></thead><tbody>"]
    rated = "率" in "".join(headings)
    for row in rows:
        cells = []
        for v in row:
            if rated and isinstance(v, float) and 0 <= v <= 1:
                cells.append(
                    f'<td class="n">{v:.0%} <span class="bar" style="width:{v * 120:.0f}px"></span></td>'
                )
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                cells.append(f'<td class="n">{v:g}</td>')
            else:
                cells.append(f"<td>{escape('' if v is None else str(v))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


LEDGER_FILE = "整改台账.xlsx"


class GroupBy(StrEnum):
    UNIT = "unit"
    DEPARTMENT = "department"


LEDGER_COLUMNS = (
    Column("id", "编号", 14),
    Column("gap_type", "缺口类型", 18),
    Column("unit", "单位", 14),
    Column("department", "部门", 18),
    Column("item_code", "事项编码", 18),
    Column("item_name", "事项名称", 34, wrap=True),
    Column("detail", "说明", 30, wrap=True),
    Column("since", "发现时间", 12),
    Column("status", "状态", 10),
    Column("reason", "原因/整改说明", 24, wrap=True),
    Column("owner_unit", "责任单位", 16),
    Column("owner", "责任人", 10),
    Column("due", "整改时限", 12),
    Column("notes", "备注", 20, wrap=True),
    Column("overdue", "是否逾期", 8),
)
# The editable values as exported, in hidden columns: apply changes only the cells a person edited, so an
# old workbook never undoes what a later run or another analyst recorded.
EXPORTED_PREFIX = "导出时"
# The columns `quanze ledger apply` reads back, by heading.
EDITABLE_HEADINGS = {
    "status": "状态",
    "reason": "原因/整改说明",
    "owner_unit": "责任单位",
    "owner": "责任人",
    "due": "整改时限",
    "notes": "备注",
}


def _sheet_name(name: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\']", "_", name)[:28] or "sheet"
    out, n = base, 2
    while out in taken:
        out, n = f"{base[:26]}_{n}", n + 1
    taken.add(out)
    return out


EXPORTED_COLUMNS = tuple(
    Column(f"exported_{key}", EXPORTED_PREFIX + heading, 10) for key, heading in EDITABLE_HEADINGS.items()
)


def _ledger_row(g: LedgerGap) -> dict[str, Any]:
    row = g.model_dump()
    row["gap_type"] = GAP_ZH[g.gap_type]
    row["since"] = g.since[:10]
    row["overdue"] = "是" if g.overdue else "否"
    for key in EDITABLE_HEADINGS:
        row[f"exported_{key}"] = row[key]
    return row


def write_ledger_workbook(path: Path, gaps: Sequence[LedgerGap], *, by: GroupBy, title: str) -> Path:
    """整改台账.xlsx: a summary sheet, then a sheet per unit (or department) with the status dropdown."""
    groups: dict[str, list[LedgerGap]] = defaultdict(list)
    for g in gaps:
        key = (g.unit if by is GroupBy.UNIT else g.department) or (
            "（未注明单位）" if by is GroupBy.UNIT else "（未注明部门）"
        )
        groups[key].append(g)
    label = "单位" if by is GroupBy.UNIT else "部门"
    summary = []
    for key in sorted(groups):
        counts = Counter(g.status for g in groups[key])
        summary.append(
            {
                "group": key,
                **{s: counts.get(s, 0) for s in STATUSES},
                "overdue": sum(g.overdue for g in groups[key]),
            }
        )
    taken = {"汇总"}
    sheets: list[Sheet] = [
        Sheet(
            "汇总",
            (
                Column("group", label, 20),
                *(Column(s, s, 10) for s in STATUSES),
                Column("overdue", "逾期", 8),
            ),
            summary,
            title=f"{title}：整改台账（按{label}）",
            charts=(Chart(f"各{label}未销号缺口", "group", ("待整改", "整改中"), "缺口数"),),
        )
    ]
    for key in sorted(groups):
        sheets.append(
            Sheet(
                _sheet_name(key, taken),
                (*LEDGER_COLUMNS, *EXPORTED_COLUMNS),
                [_ledger_row(g) for g in groups[key]],
                hidden=frozenset(c.key for c in EXPORTED_COLUMNS),
                title=f"{key} 整改台账：状态从下拉列表选择；已销号、不予整改须填写原因；整改时限写 2026-12-31",
                dropdowns={"status": STATUSES},
            )
        )
    write_workbook(path, sheets)
    return path


def _wide(
    rows: Sequence[PeriodRow], periods: Sequence[str], value: str
) -> tuple[list[str], list[dict[str, Any]]]:
    """One row per period and one column per unit: the shape a line chart of units over time needs."""
    units = sorted({r.unit for r in rows})
    cells = {(r.period, r.unit): getattr(r, value) for r in rows}
    return units, [{"period": p, **{u: cells.get((p, u)) for u in units}} for p in periods]


def write_period_report(folder: Path, report: LedgerReport, *, title: str) -> list[Path]:
    """周报.xlsx (or 月通报.xlsx) with its JSON: ranking, trends as native line charts, units, departments."""
    name = PERIOD_ZH[report.period]
    last = report.periods[-1].period if report.periods else ""
    periods = [p.period for p in report.periods]
    rate = {"percent": True}
    sheets: list[Sheet] = [
        Sheet(
            "排名",
            (
                Column("rank", "排名", 6),
                Column("unit", "单位", 18),
                Column("open", "未销号", 10),
                Column("overdue", "逾期", 8),
                Column("opened", "本期新增", 10),
                Column("closed", "本期销号", 10),
                Column("acceptance_rate", "承接率", 10, **rate),
                Column("usage_rate", "使用率", 10, **rate),
            ),
            [r.model_dump() for r in report.ranking],
            title=f"{title}{name}（{last}）：各单位整改进度，未销号多的排在前面",
            charts=(Chart("各单位未销号与逾期缺口", "unit", ("open", "overdue"), "缺口数"),),
        ),
        Sheet(
            "趋势",
            (
                Column("period", "期间", 12),
                Column("start", "开始", 12),
                Column("end", "结束", 12),
                Column("runs", "对账次数", 10),
                Column("opened", "新增", 8),
                Column("closed", "销号", 8),
                Column("open", "未销号", 10),
                Column("overdue", "逾期", 8),
            ),
            [p.model_dump() for p in report.periods],
            title=f"{title}{name}：全部缺口逐期变化（{report.since} 起）",
            charts=(
                Chart(
                    "缺口逐期变化", "period", ("opened", "closed", "open", "overdue"), "缺口数", kind="line"
                ),
            ),
        ),
    ]
    for sheet, value, heading, percent in (
        ("各单位未销号", "open", "未销号缺口", False),
        ("承接率", "acceptance_rate", "承接率", True),
        ("使用率", "usage_rate", "使用率", True),
    ):
        units, rows = _wide(report.units, periods, value)
        if not units:
            continue
        sheets.append(
            Sheet(
                sheet,
                (Column("period", "期间", 12), *(Column(u, u, 12, percent=percent) for u in units)),
                rows,
                title=f"{title}{name}：各单位{heading}逐期变化",
                charts=(
                    Chart(f"各单位{heading}", "period", tuple(units), heading, kind="line", percent=percent),
                ),
            )
        )
    detail = (
        Column("opened", "新增", 8),
        Column("closed", "销号", 8),
        Column("open", "未销号", 10),
        Column("overdue", "逾期", 8),
    )
    sheets += [
        Sheet(
            "各单位明细",
            (
                Column("period", "期间", 12),
                Column("unit", "单位", 18),
                *detail,
                Column("acceptance_rate", "承接率", 10, percent=True),
                Column("usage_rate", "使用率", 10, percent=True),
            ),
            [r.model_dump() for r in report.units],
        ),
        Sheet(
            "各部门明细",
            (
                Column("period", "期间", 12),
                Column("unit", "单位", 18),
                Column("department", "部门", 22),
                *detail,
            ),
            [r.model_dump() for r in report.departments],
        ),
        Sheet("逾期事项", LEDGER_COLUMNS, [_ledger_row(g) for g in report.overdue_items]),
    ]
    xlsx_path, json_path, html_path = (folder / f"{name}.{ext}" for ext in ("xlsx", "json", "html"))
    write_workbook(xlsx_path, sheets)
    write_json(json_path, report.model_dump(mode="json"))
    write_text(html_path, render_period_html(report, title=title))
    return [xlsx_path, json_path, html_path]


PALETTE = ("#1F4E78", "#C00000", "#548235", "#BF8F00", "#7030A0", "#2E75B6", "#F4B183", "#808080")


def line_svg(
    periods: Sequence[str], series: Mapping[str, Sequence[float | None]], *, percent: bool = False
) -> str:
    """A line chart as inline SVG (no scripts): one line per series over the periods, with a legend."""
    width, height, left, top, bottom = 720, 260, 48, 16, 40
    values = [v for vs in series.values() for v in vs if v is not None]
    # Counts get a top that splits into four whole steps; rates always run from 0 to 100%.
    top_value = 1.0 if percent else float(max(4, -(-int(max([0.0, *values])) // 4) * 4))
    step = (width - left - 16) / max(len(periods) - 1, 1)

    def xy(i: int, v: float) -> str:
        return f"{left + i * step:.1f},{top + (height - top - bottom) * (1 - v / top_value):.1f}"

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 20 * len(series)}">']
    for k in range(5):
        v = top_value * k / 4
        y = top + (height - top - bottom) * (1 - k / 4)
        label = f"{v:.0%}" if percent else f"{v:g}"
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 16}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">{label}</text>')
    for i, p in enumerate(periods):
        x = left + i * step
        parts.append(
            f'<text x="{x:.1f}" y="{height - bottom + 16}" font-size="11" text-anchor="middle">{escape(p)}</text>'
        )
    for n, (name, vs) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        points = " ".join(xy(i, v) for i, v in enumerate(vs) if v is not None)
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
        for i, point in enumerate(vs):
            if point is not None:
                cx, cy = xy(i, point).split(",")
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{colour}"/>')
        legend = height + 20 * n + 4
        parts.append(f'<rect x="{left}" y="{legend}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{left + 18}" y="{legend + 11}" font-size="12">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_period_html(report: LedgerReport, *, title: str) -> str:
    """The 周报 / 月通报 as a self-contained page: ranking, trend lines, the units' rates, overdue items."""
    name = PERIOD_ZH[report.period]
    heading = f"{title}{name}（{report.since} 至 {report.until}）"
    periods = [p.period for p in report.periods]
    parts = [
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(heading)}</title>',
        f"<style>{CSS}</style></head><body><h1>{escape(heading)}</h1>",
        "<h2>各单位排名（未销号多的排在前面）</h2>",
        html_table(
            ["排名", "单位", "未销号", "逾期", "本期新增", "本期销号", "承接率", "使用率"],
            [
                (r.rank, r.unit, r.open, r.overdue, r.opened, r.closed, r.acceptance_rate, r.usage_rate)
                for r in report.ranking
            ],
        ),
        "<h2>缺口逐期变化</h2>",
        line_svg(
            periods,
            {
                "未销号": [p.open for p in report.periods],
                "逾期": [p.overdue for p in report.periods],
                "新增": [p.opened for p in report.periods],
                "销号": [p.closed for p in report.periods],
            },
        ),
        html_table(
            ["期间", "开始", "结束", "对账次数", "新增", "销号", "未销号", "逾期"],
            [
                (p.period, p.start, p.end, p.runs, p.opened, p.closed, p.open, p.overdue)
                for p in report.periods
            ],
        ),
    ]
    for value, label, percent in (
        ("open", "各单位未销号缺口", False),
        ("acceptance_rate", "各单位承接率", True),
        ("usage_rate", "各单位使用率", True),
    ):
        units, rows = _wide(report.units, periods, value)
        if units and any(r[u] is not None for r in rows for u in units):
            series = {u: [r[u] for r in rows] for u in units}
            parts += [f"<h2>{label}</h2>", line_svg(periods, series, percent=percent)]
    parts += [
        "<h2>逾期事项</h2>",
        html_table(
            ["编号", "缺口类型", "单位", "事项名称", "状态", "责任单位", "责任人", "整改时限"],
            [
                (g.id, GAP_ZH[g.gap_type], g.unit, g.item_name, g.status, g.owner_unit, g.owner, g.due)
                for g in report.overdue_items
            ],
        ),
        "</body></html>\n",
    ]
    return "".join(parts)
