"""The 整改台账 workbook analysts fill in, and the 周报 / 月通报 with their trend charts."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from html import escape
from pathlib import Path
from typing import Any

from markupsafe import Markup

from quanze.gap_types import DEVOLVER
from quanze.ledger import (
    CROSS_UNITS,
    PERIOD_ZH,
    STATUSES,
    UPPER_LEVEL_NOTE,
    LedgerGap,
    LedgerReport,
    PeriodRow,
    names_several_units,
)
from quanze.ledger.periods import RankRow
from quanze.report.files import write_json, write_text
from quanze.report.html import template
from quanze.report.labels import GAP_ZH
from quanze.report.xlsx import Chart, Column, Sheet, unique_sheet_name, write_workbook


@dataclass(frozen=True, slots=True)
class HtmlCell:
    kind: str  # "rate" (drawn with a bar), "number" or "text"
    text: str
    width: int = 0


@dataclass(frozen=True, slots=True)
class HtmlTable:
    headings: Sequence[str]
    rows: list[list[HtmlCell]]


def html_table(headings: Sequence[str], rows: Iterable[Sequence[Any]]) -> HtmlTable:
    """A table for the page: rates (in a table whose headings name a 率) drawn as bars from the left."""
    rated = "率" in "".join(headings)

    def cell(v: Any) -> HtmlCell:
        if rated and isinstance(v, float) and 0 <= v <= 1:
            return HtmlCell("rate", f"{v:.1%}", round(v * 120))
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return HtmlCell("number", f"{v:g}")
        return HtmlCell("text", "" if v is None else str(v))

    return HtmlTable(headings, [[cell(v) for v in row] for row in rows])


LEDGER_FILE = "整改台账.xlsx"


class GroupBy(StrEnum):
    UNIT = "unit"
    DEPARTMENT = "department"


LEDGER_COLUMNS = (
    Column("id", "编号", 13),
    Column("gap_type", "缺口类型", 14, wrap=True),
    Column("unit", "单位", 12, wrap=True),
    Column("department", "部门", 14, wrap=True),
    Column("item_code", "事项编码", 17),
    Column("item_name", "事项名称", 28, wrap=True),
    Column("detail", "说明", 32, wrap=True),
    Column("since", "发现时间", 11, date=True),
    Column("status", "状态", 9),
    Column("reason", "原因/整改说明", 18, wrap=True),
    Column("owner_unit", "责任单位", 12, wrap=True),
    Column("owner", "责任人", 8),
    Column("due", "整改时限", 11, date=True),
    Column("notes", "备注", 14, wrap=True),
    Column("overdue", "是否逾期", 8),
)
# Not needed on paper (the sheet names the unit or department; codes are on the screen): hidden, still there.
HIDDEN_ON_PAPER = {
    GroupBy.UNIT: frozenset({"unit", "item_code"}),
    GroupBy.DEPARTMENT: frozenset({"item_code"}),
}
# The editable values as exported, in hidden columns: apply changes only the cells a person edited, so an
# old workbook never undoes what a later run or another analyst recorded.
EXPORTED_PREFIX = "导出时"
VERSION_HEADING = EXPORTED_PREFIX + "台账版本"
# The columns `quanze ledger apply` reads back, by heading.
EDITABLE_HEADINGS = {
    "status": "状态",
    "reason": "原因/整改说明",
    "owner_unit": "责任单位",
    "owner": "责任人",
    "due": "整改时限",
    "notes": "备注",
}


EXPORTED_COLUMNS = (
    *(Column(f"exported_{key}", EXPORTED_PREFIX + heading, 10) for key, heading in EDITABLE_HEADINGS.items()),
    # The ledger's version when the workbook was written: what a run or a person recorded later wins over it.
    Column("ledger_version", VERSION_HEADING, 10),
)


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _ledger_row(g: LedgerGap, version: int = 0) -> dict[str, Any]:
    row = g.model_dump()
    row["ledger_version"] = version
    row["gap_type"] = GAP_ZH[g.gap_type]
    row["since"] = _day(g.since)
    row["overdue"] = "是" if g.overdue else "否"
    for key in EDITABLE_HEADINGS:
        row[f"exported_{key}"] = row[key]
    row["due"] = _day(g.due) or g.due  # a real date; the hidden exported copy stays text to compare
    return row


_ZONE_WORDS = ("开发区", "园区", "新区", "高新区", "产业集聚区", "示范区", "试验区", "合作区")
_TOWN_ENDINGS = ("镇", "乡", "街道", "街道办事处", "苏木")


def unit_order(upper: Iterable[str]) -> Callable[[str], tuple[int, str]]:
    """The order officials read units in: counties, zones, towns, the upper levels, then 跨单位.

    `upper` are the units known to be upper levels (those that devolved: the unit of a dropped-in-chain
    or held-twice gap); a province is one by its name. Within a group, by name.
    """
    uppers = set(upper)

    def key(unit: str) -> tuple[int, str]:
        if unit == CROSS_UNITS:
            rank = 6
        elif unit.startswith("（"):  # （未注明单位）
            rank = 5
        elif unit in uppers or unit.endswith(("省", "自治区")):
            rank = 4
        elif any(w in unit for w in _ZONE_WORDS):
            rank = 2
        elif unit.endswith(_TOWN_ENDINGS):
            rank = 3
        else:
            rank = 1
        return rank, unit

    return key


def write_ledger_workbook(
    path: Path, gaps: Sequence[LedgerGap], *, by: GroupBy, title: str, version: int = 0
) -> Path:
    """整改台账.xlsx: a summary sheet, then a sheet per unit (or department) with the status dropdown."""
    groups: dict[str, list[LedgerGap]] = defaultdict(list)
    for g in gaps:
        if by is GroupBy.UNIT and names_several_units(g.unit):
            key = CROSS_UNITS  # shared by several units: a sheet of its own, not a unit's
        else:
            key = (g.unit if by is GroupBy.UNIT else g.department) or (
                "（未注明单位）" if by is GroupBy.UNIT else "（未注明部门）"
            )
        groups[key].append(g)
    label = "单位" if by is GroupBy.UNIT else "部门"
    order = unit_order(g.unit for g in gaps if g.unit and g.gap_type.value in DEVOLVER)
    keys = sorted(groups, key=order) if by is GroupBy.UNIT else sorted(groups)
    summary = []
    for key in keys:
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
            footer=[
                [
                    "合计",
                    *(sum(g.status == s for g in gaps) for s in STATUSES),
                    sum(g.overdue for g in gaps),
                ]
            ],
            chart_rows=len(summary),
        )
    ]
    for key in keys:
        sheets.append(
            Sheet(
                unique_sheet_name(key, taken, limit=28),
                (*LEDGER_COLUMNS, *EXPORTED_COLUMNS),
                [_ledger_row(g, version) for g in groups[key]],
                hidden=frozenset(c.key for c in EXPORTED_COLUMNS)
                | (HIDDEN_ON_PAPER[by] - ({"unit"} if key == CROSS_UNITS else set())),
                title=f"{key} 整改台账：状态从下拉列表选择；已销号、不予整改须填写原因；"
                "整改时限可改为其他日期，过期未销号即为逾期",
                dropdowns={"status": STATUSES},
            )
        )
    write_workbook(path, sheets)
    return path


def _wide(
    rows: Sequence[PeriodRow], periods: Sequence[str], value: str, upper: Iterable[str] = ()
) -> tuple[list[str], list[dict[str, Any]]]:
    """One row per period and one column per unit: the shape a line chart of units over time needs."""
    units = sorted({r.unit for r in rows}, key=unit_order(upper))
    cells = {(r.period, r.unit): getattr(r, value) for r in rows}
    return units, [{"period": p, **{u: cells.get((p, u)) for u in units}} for p in periods]


def upper_levels(report: LedgerReport) -> set[str]:
    """The units of a report that are upper levels (they devolved the items), as its ranking keeps apart."""
    return {r.unit for r in report.not_ranked if r.note == UPPER_LEVEL_NOTE}


def _pct(rate: float | None) -> str | None:
    return None if rate is None else f"{rate:.1%}"


def _of(done: int | None, items: int | None) -> str | None:
    """A rate's numerator and denominator as the 周报 prints them beside it (245/266); None when not measured."""
    return None if done is None or items is None else f"{done}/{items}"


def _fractions(r: RankRow | PeriodRow) -> dict[str, str | None]:
    return {"accepted_of": _of(r.accepted, r.devolved), "used_of": _of(r.used, r.service_items)}


FIRST_BUILD = "首期建账"
NO_OVERDUE = "本期无逾期事项"


def period_label(report: LedgerReport) -> str:
    """The period a report is about, said one way in the workbook and the page: 2026-W48，2026-11-23 至 2026-11-29."""
    if not report.periods:
        return f"{report.since} 至 {report.until}"
    last = report.periods[-1]
    return f"{last.period}，{last.start} 至 {last.end}"


def first_build(report: LedgerReport) -> str | None:
    """The period in which the ledger was built (no gap open before it), if the report shows it.

    Its 新增 are every gap the first run found, not gaps that appeared that week: it is labelled 首期建账.
    """
    for p in report.periods:
        if p.runs:
            before = p.open - p.opened + p.closed + p.set_aside
            return p.period if before <= 0 else None
    return None


def ranked_first_build(report: LedgerReport) -> bool:
    """Whether the report's last period is the one the ledger was built in (its 新增 heading is 首期建账)."""
    built = first_build(report)
    return built is not None and bool(report.periods) and built == report.periods[-1].period


def opened_heading(report: LedgerReport) -> str:
    """The heading of the column of gaps opened in the last period: 首期建账 in the period the ledger was built."""
    return FIRST_BUILD if ranked_first_build(report) else "本期新增"


def ranks(rows: Sequence[RankRow]) -> list[int | str]:
    """The printed ranks: units level on every ranking key share a rank, marked 并列 (1（并列）, 1（并列）, 3)."""
    out: list[int] = []
    previous: tuple[int, int, int] | None = None
    for n, r in enumerate(rows, start=1):
        key = (r.open, r.overdue, r.closed)
        out.append(out[-1] if key == previous else n)
        previous = key
    level = Counter(out)
    return [f"{x}（并列）" if level[x] > 1 else x for x in out]


def write_period_report(folder: Path, report: LedgerReport, *, title: str) -> list[Path]:
    """周报.xlsx (or 月通报.xlsx) with its JSON: ranking, trends as native line charts, units, departments."""
    name = PERIOD_ZH[report.period]
    last = period_label(report)
    built = first_build(report)
    ranked_first = ranked_first_build(report)
    periods = [p.period for p in report.periods]
    rate = {"percent": True}
    # One period makes a line of one dot: bars show the same numbers.
    trend = "line" if len(periods) > 1 else "bar"
    apart = [
        [
            "—",
            r.unit,
            r.open,
            r.overdue,
            r.opened,
            r.closed,
            _pct(r.acceptance_rate),
            _of(r.accepted, r.devolved),
            _pct(r.usage_rate),
            _of(r.used, r.service_items),
            r.note,
        ]
        for r in report.not_ranked
    ]
    sheets: list[Sheet] = [
        Sheet(
            "排名",
            (
                Column("rank", "排名", 9),
                Column("unit", "单位", 18),
                Column("open", "未销号", 10),
                Column("overdue", "逾期", 8),
                Column("opened", opened_heading(report), 10),
                Column("closed", "本期销号", 10),
                Column("acceptance_rate", "承接率", 10, **rate),
                Column("accepted_of", "已承接/应承接", 14),
                Column("usage_rate", "使用率", 10, **rate),
                Column("used_of", "有办件/服务事项", 15),
            ),
            [
                {**r.model_dump(), **_fractions(r), "rank": shown}
                for r, shown in zip(report.ranking, ranks(report.ranking), strict=True)
            ],
            title=f"{title}{name}（{last}）：各承接单位整改进度，未销号多的排在前面"
            + (f"；本期为{FIRST_BUILD}，“{FIRST_BUILD}”列为建账时登记的全部缺口" if ranked_first else ""),
            charts=(Chart("各单位未销号与逾期缺口", "unit", ("open", "overdue"), "缺口数"),),
            footer=[["不参与排名："], *apart] if apart else (),
            chart_rows=len(report.ranking),
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
                Column("set_aside", "不予整改", 10),
                Column("open", "未销号", 10),
                Column("overdue", "逾期", 8),
            ),
            [p.model_dump() for p in report.periods],
            title=f"{title}{name}：全部缺口逐期变化（{report.since} 起）"
            + (f"；{built} 为{FIRST_BUILD}，该期“新增”为建账时登记的全部缺口" if built else ""),
            charts=(
                Chart(
                    "缺口逐期变化", "period", ("opened", "closed", "open", "overdue"), "缺口数", kind=trend
                ),
            ),
        ),
    ]
    upper = upper_levels(report)
    for sheet, value, heading, percent in (
        ("各单位未销号", "open", "未销号缺口", False),
        ("承接率", "acceptance_rate", "承接率", True),
        ("使用率", "usage_rate", "使用率", True),
    ):
        units, rows = _wide(report.units, periods, value, upper)
        if not units:
            continue
        if len(periods) == 1:
            # One period: one bar per unit, the units down the side.
            sheets.append(
                Sheet(
                    sheet,
                    (Column("unit", "单位", 18), Column("value", heading, 12, percent=percent)),
                    [{"unit": u, "value": rows[0][u]} for u in units],
                    title=f"{title}{name}（{last}）：各单位{heading}（仅一期，无趋势）",
                    charts=(Chart(f"各单位{heading}", "unit", ("value",), heading, percent=percent),),
                )
            )
            continue
        sheets.append(
            Sheet(
                sheet,
                (Column("period", "期间", 12), *(Column(u, u, 12, percent=percent) for u in units)),
                rows,
                title=f"{title}{name}：各单位{heading}逐期变化",
                charts=(
                    Chart(f"各单位{heading}", "period", tuple(units), heading, kind=trend, percent=percent),
                ),
            )
        )
    detail = (
        Column("opened", "新增", 8),
        Column("closed", "销号", 8),
        Column("set_aside", "不予整改", 10),
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
                Column("accepted_of", "已承接/应承接", 14),
                Column("usage_rate", "使用率", 10, percent=True),
                Column("used_of", "有办件/服务事项", 15),
            ),
            [{**r.model_dump(), **_fractions(r)} for r in report.units],
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
        Sheet(
            "逾期事项",
            LEDGER_COLUMNS,
            [_ledger_row(g) for g in report.overdue_items],
            title=f"{title}{name}（{last}）：逾期未销号的缺口",
            # A header with nothing under it reads as a sheet that failed to fill.
            footer=() if report.overdue_items else ((NO_OVERDUE,),),
        ),
    ]
    xlsx_path, json_path, html_path = (folder / f"{name}.{ext}" for ext in ("xlsx", "json", "html"))
    write_workbook(xlsx_path, sheets)
    write_json(json_path, report.model_dump(mode="json"))
    write_text(html_path, render_period_html(report, title=title))
    return [xlsx_path, json_path, html_path]


PALETTE = (
    "#1F4E78",
    "#C00000",
    "#548235",
    "#BF8F00",
    "#7030A0",
    "#2E75B6",
    "#ED7D31",
    "#808080",
    "#00A3A3",
    "#8B4513",
    "#E6007E",
    "#6B8E23",
)


def colour(n: int, count: int) -> str:
    """The n-th of `count` series colours: the palette, then hues spread evenly so no two lines share one."""
    if count <= len(PALETTE):
        return PALETTE[n]
    return f"hsl({round(360 * n / count)},70%,{38 + 12 * (n % 2)}%)"


def bar_svg(series: Mapping[str, float | None], *, percent: bool = False) -> str:
    """Horizontal bars as inline SVG, one per series, each labelled with its name and value."""
    shown = {k: v for k, v in series.items() if v is not None}
    width, left, bar_h = 720, 180, 22
    top_value = 1.0 if percent else float(max([1.0, *shown.values()]))
    span = width - left - 70
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{bar_h * len(shown) + 10}">']
    for n, (name, v) in enumerate(shown.items()):
        y = 4 + n * bar_h
        length = span * v / top_value
        label = f"{v:.1%}" if percent else f"{v:g}"
        parts.append(
            f'<text x="{left - 6}" y="{y + 14}" font-size="12" text-anchor="end">{escape(name)}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{length:.1f}" height="{bar_h - 8}" fill="{PALETTE[0]}"/>'
            f'<text x="{left + length + 4:.1f}" y="{y + 14}" font-size="12">{label}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


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
        stroke = colour(n, len(series))
        points = " ".join(xy(i, v) for i, v in enumerate(vs) if v is not None)
        parts.append(f'<polyline fill="none" stroke="{stroke}" stroke-width="2" points="{points}"/>')
        last_point: tuple[str, str] | None = None
        for i, point in enumerate(vs):
            if point is not None:
                cx, cy = xy(i, point).split(",")
                last_point = (cx, cy)
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{stroke}"/>')
        if last_point is not None and len(series) > 1:
            # Each line carries its name at its end: no need to match colours with the legend.
            parts.append(
                f'<text x="{float(last_point[0]) - 4:.1f}" y="{float(last_point[1]) - 6:.1f}" font-size="10" '
                f'text-anchor="end" fill="{stroke}">{escape(name)}</text>'
            )
        legend = height + 20 * n + 4
        parts.append(f'<rect x="{left}" y="{legend}" width="12" height="12" fill="{stroke}"/>')
        parts.append(f'<text x="{left + 18}" y="{legend + 11}" font-size="12">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True, slots=True)
class TrendChart:
    svg: Markup  # drawn here, its text escaped
    only_period: str | None = None  # one period: bars instead of lines, with a note


def _trend(
    periods: Sequence[str], series: Mapping[str, Sequence[float | None]], *, percent: bool = False
) -> TrendChart:
    """Lines over the periods; with a single period, bars and a note (a line of one dot shows nothing)."""
    if len(periods) == 1:
        return TrendChart(Markup(bar_svg({k: v[0] for k, v in series.items()}, percent=percent)), periods[0])
    return TrendChart(Markup(line_svg(periods, series, percent=percent)))


def render_period_html(report: LedgerReport, *, title: str) -> str:
    """The 周报 / 月通报 as a self-contained page: ranking, trend lines, the units' rates, overdue items."""
    periods = [p.period for p in report.periods]
    unit_charts = []
    upper = upper_levels(report)
    for value, label, percent in (
        ("open", "各单位未销号缺口", False),
        ("acceptance_rate", "各单位承接率", True),
        ("usage_rate", "各单位使用率", True),
    ):
        units, rows = _wide(report.units, periods, value, upper)
        if units and any(r[u] is not None for r in rows for u in units):
            unit_charts.append(
                (label, _trend(periods, {u: [r[u] for r in rows] for u in units}, percent=percent))
            )
    built = first_build(report)
    return template("ledger_report.html.j2").render(
        heading=f"{title}{PERIOD_ZH[report.period]}（{period_label(report)}）",
        first_build=(
            f"{built} 为{FIRST_BUILD}：该期“新增”为建账时登记的全部缺口，不是该期新出现的缺口。"
            if built
            else None
        ),
        no_overdue=NO_OVERDUE,
        ranking=html_table(
            [
                "排名",
                "单位",
                "未销号",
                "逾期",
                opened_heading(report),
                "本期销号",
                "承接率",
                "已承接/应承接",
                "使用率",
                "有办件/服务事项",
            ],
            [
                (
                    shown,
                    r.unit,
                    r.open,
                    r.overdue,
                    r.opened,
                    r.closed,
                    r.acceptance_rate,
                    _of(r.accepted, r.devolved),
                    r.usage_rate,
                    _of(r.used, r.service_items),
                )
                for r, shown in zip(report.ranking, ranks(report.ranking), strict=True)
            ],
        ),
        not_ranked=html_table(
            ["单位", "未销号", "逾期", opened_heading(report), "本期销号", "说明"],
            [(r.unit, r.open, r.overdue, r.opened, r.closed, r.note) for r in report.not_ranked],
        )
        if report.not_ranked
        else None,
        gap_trend=_trend(
            periods,
            {
                "未销号": [p.open for p in report.periods],
                "逾期": [p.overdue for p in report.periods],
                "新增": [p.opened for p in report.periods],
                "销号": [p.closed for p in report.periods],
            },
        ),
        periods=html_table(
            ["期间", "开始", "结束", "对账次数", "新增", "销号", "不予整改", "未销号", "逾期"],
            [
                (p.period, p.start, p.end, p.runs, p.opened, p.closed, p.set_aside, p.open, p.overdue)
                for p in report.periods
            ],
        ),
        unit_charts=unit_charts,
        overdue=html_table(
            ["编号", "缺口类型", "单位", "事项名称", "状态", "责任单位", "责任人", "整改时限"],
            [
                (g.id, GAP_ZH[g.gap_type], g.unit, g.item_name, g.status, g.owner_unit, g.owner, g.due)
                for g in report.overdue_items
            ],
        )
        if report.overdue_items
        else None,
    )
