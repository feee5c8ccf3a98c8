"""Write a reconciliation: matches.csv, gaps.csv, issues.csv, summary.json, report.xlsx, review.xlsx."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from quanze.cascade import LEVEL_ZH, level_counts, path_table
from quanze.match import Method, Status
from quanze.models import RowIssue
from quanze.normalize import HAN
from quanze.report.files import (
    model_columns,
    run_beside,
    write_csv,
    write_csv_columns,
    write_json,
    write_text,
)
from quanze.report.html import render as render_html
from quanze.report.labels import (
    GAP_ZH,
    ISSUE_ZH,
    METHOD_ZH,
    SEVERITY_ZH,
    STATUS_ZH,
    data_date,
    gap_rows,
    glossary,
    headline_line,
    input_dates,
    overview_facts,
)
from quanze.report.parquet import pandas_unseen, parquet_available, write_parquet_columns
from quanze.report.usage import merged_usage
from quanze.report.xlsx import Chart, Column, Dashboard, Section, Sheet, spec_columns, write_workbook
from quanze.results import (
    CASCADE_COLUMNS,
    GAP_COLUMNS,
    GAP_STATUS_ZH,
    MATCH_COLUMNS,
    AcceptanceRow,
    GapRow,
    MatchRow,
    ReconcileResult,
)
from quanze.sheets import MATCH_FIELDS, REASON, REVIEW

DECISION_CHOICES = REVIEW.column("decision").choices
PARALLEL_ROWS = 20_000
# Above this many 已匹配 and 数据问题 rows together, report.xlsx keeps what officials read (README › Scale):
# XlsxWriter costs about 5 µs a cell, so at province scale those two tables were most of the run.
LEAN_ROWS = 50_000
UNIT_COLUMN = Column("unit", "承接单位", 18)
ACCEPTANCE_RATE = Column("rate", "承接率", 10, percent=True)
USAGE_COLUMNS = (
    Column("department", "部门", 22),
    Column("items", "服务事项", 10),
    Column("used", "有办件", 10),
    Column("rate", "使用率", 10, percent=True),
)
USAGE_CHART_ROWS = 30  # bars one chart shows legibly on a page
ISSUE_COLUMNS = ("code", "severity", "file", "sheet", "row", "column", "value", "message")

MATCH_SHEET_COLUMNS = spec_columns((*MATCH_FIELDS, REASON))
# A power without a service item has no service code, name, organ, score or method, and one status: those
# columns would be empty or the same in every row of 未匹配.
UNMATCHED_SHEET_COLUMNS = tuple(
    c
    for c in MATCH_SHEET_COLUMNS
    if c.key not in {"service_code", "service_name", "service_department", "score", "method", "status"}
)
# 决定（确认/否决） wide enough that its heading does not break inside the bracket.
REVIEW_COLUMNS = tuple(
    replace(c, width=max(c.width, 18)) if c.key == "decision" else c for c in spec_columns(REVIEW.columns)
)
# Scrolling right to 决定 keeps the power's name (and what is left of it) in view.
REVIEW_FROZEN = [c.key for c in REVIEW_COLUMNS].index("power_name") + 1
REVIEW_HIDDEN = frozenset(c.key for c in REVIEW.columns if c.hidden)
REVIEW_DROPDOWNS: dict[str, Sequence[str]] = {c.key: c.choices for c in REVIEW.columns if c.choices}
REVIEW_TITLE = (
    "待复核的对应关系：请在黄色的“决定”列选择“确认”（两者是同一事项，计为已匹配）或“否决”（不是同一事项，"
    "以后不再提示），保存后运行命令 quanze review apply 本文件"
)
GAP_SHEET_COLUMNS = (
    Column("gap_type_zh", "缺口类型", 16, wrap=True),
    Column("status", "状态", 8),
    Column("unit", "单位", 10, wrap=True),
    Column("department", "部门", 14, wrap=True),
    Column("item_code", "事项编码", 16, wrap=True),
    Column("item_name", "事项名称", 28, wrap=True),
    Column("power_code", "权力事项编码", 16, wrap=True),
    Column("power_name", "权力事项名称", 24, wrap=True),
    Column("service_code", "服务事项编码", 16, wrap=True),
    Column("service_name", "服务事项名称", 24, wrap=True),
    Column("detail", "说明", 32, wrap=True),
    Column("source", "来源", 20, wrap=True),
    Column("gap_type", "类型代码", 16),
)
ISSUE_SHEET_COLUMNS = (
    Column("title", "问题", 20, wrap=True),
    Column("severity_zh", "级别", 6),
    Column("file", "文件", 24, wrap=True),
    Column("sheet", "工作表", 12, wrap=True),
    Column("row", "行", 6),
    Column("column", "列", 12, wrap=True),
    Column("value", "单元格内容", 24, wrap=True),
    Column("message", "说明", 40, wrap=True),
    Column("code", "问题代码", 18),
)
GAP_SUMMARY_COLUMNS = (
    Column("gap", "缺口类型", 30, wrap=True),  # 职责交叉（多个部门同一事项） on one line
    Column("confirmed", "确定", 10),
    Column("pending", "待复核", 10),
    Column("count", "合计", 10),
    Column("code", "类型代码", 20),
)
GAP_SUMMARY_NOTE = (
    "待复核的缺口取决于尚未确认的对应关系，复核后数量会变化；合计 = 确定 + 待复核。"
    "“—”表示本次输入无法检查该类缺口（括号内为原因），不是没有缺口。"
)
MATCH_TITLES = {
    Status.MATCHED: "已匹配：权力事项与服务事项的对应关系（每行一对）",
    Status.REVIEW: "待复核：得分不足以自动确认的对应关系，在 review.xlsx 中确认或否决",
    Status.UNMATCHED: "未匹配：没有找到服务事项的权力事项",
}
GAPS_TITLE = "缺口明细（每行一个缺口；状态为“待复核”的缺口取决于尚未确认的对应关系）"
ISSUES_TITLE = "输入文件中的数据问题（错误：该行未读入；警告：已读入但内容存疑；提示：非事项行，已跳过）"
LEVEL_COUNT_NOTES = (
    "链条中确认承接自上级：只计与上级事项确认对应（不含待复核）的事项，且上级事项须标注下放或委托，"
    "所以可能少于“承接进度”的已承接（后者含待复核的对应，按下放清单计）。",
    "本级标注下放/委托的事项：下放方式一栏为下放、委托、授权等的事项，每项计一次，不论下放给几个单位；"
    "下放清单中未标注下放方式的事项不计入，而“承接进度”的应承接按单位逐一计入。",
)


def _match_cells(data: dict[str, Any]) -> dict[str, Any]:
    """A matches.csv row (as dumped to JSON types) with Chinese status and method, for the workbooks."""
    method = data["method"]
    return {
        **data,
        "status": STATUS_ZH[Status(data["status"])],
        "method": METHOD_ZH[Method(method)] if method else None,
    }


def _gap_sheet(result: ReconcileResult) -> Sheet:
    """缺口: every gap row, in report.xlsx and gaps.xlsx alike."""
    return Sheet(
        "缺口",
        GAP_SHEET_COLUMNS,
        _gap_cells(result.gaps),
        title=GAPS_TITLE,
        print_columns=len(GAP_SHEET_COLUMNS) - 2,  # 来源 and 类型代码 on screen only
    )


def _gap_cells(rows: Iterable[GapRow]) -> Iterable[dict[str, Any]]:
    for g in rows:
        yield {
            **g.__dict__,  # a flat row of plain values: what model_dump() gives, without the serializer
            "gap_type": g.gap_type.value,
            "gap_type_zh": GAP_ZH[g.gap_type],
            "status": GAP_STATUS_ZH[g.status],
        }


def _issue_rows(issues: Sequence[RowIssue]) -> Iterable[dict[str, Any]]:
    for i in issues:
        yield {**i.model_dump(), "code": i.code.value, "severity": i.severity.value}


def issue_note(issue: RowIssue) -> str:
    """The 说明 of an issue for a Chinese reader: a Chinese message as it is; an English one after the
    Chinese title of its code (the English kept: it names the detail, and issues.csv has it too)."""
    if HAN.match(issue.message.lstrip()):  # an English message may quote Chinese (a sheet name, 无)
        return issue.message
    return f"{ISSUE_ZH.get(issue.code, issue.code.value)}（{issue.message}）"


def _issue_cells(issues: Sequence[RowIssue]) -> Iterable[dict[str, Any]]:
    """Issue rows for the 数据问题 sheet: the Chinese title and severity first, the stable code last."""
    for row, i in zip(_issue_rows(issues), issues, strict=True):
        yield {
            **row,
            "title": ISSUE_ZH.get(i.code, i.code.value),
            "severity_zh": SEVERITY_ZH[i.severity],
            "message": issue_note(i),
        }


def review_rows(matches: Sequence[MatchRow]) -> list[dict[str, Any]]:
    rows = [m.model_dump(mode="json") for m in matches if m.status is Status.REVIEW]
    return [
        {**_match_cells(m), "no": n, "decision": None, "note": m.get("note")} for n, m in enumerate(rows, 1)
    ]


def usage_by_department(result: ReconcileResult) -> list[dict[str, Any]]:
    """Usage rate per department over all units: share of its service items with a transaction."""
    totals: dict[str, list[int]] = {}
    for u in merged_usage(result.usage):
        t = totals.setdefault(u.department, [0, 0])
        t[0] += u.items
        t[1] += u.used
    return [
        {"department": d, "items": n, "used": used, "rate": round(used / n, 4) if n else 0.0}
        for d, (n, used) in sorted(totals.items())
    ]


ROLE_ZH = {
    "devolution": "下放清单",
    "acceptance": "承接清单",
    "chain": "层级清单",
    "previous": "上一版清单",
    "own": "本级清单",
    "catalogue": "服务事项目录",
}


def overview_notes(result: ReconcileResult, *, lean: str | None = None) -> list[str]:
    """The lines under the title of 概览: the data date and the run date, the headlines, the lean-report note."""
    return [
        f"文件修改日期：{data_date(result) or '不详'}（输入文件中最新的修改日期，不是清单的发布日期）"
        f"　　生成日期：{date.today().isoformat()}"
        f"　　输入文件 {len(result.summary.inputs)} 个，见本页末“输入文件”",
        headline_line(result),
        *([lean] if lean else []),
        *(("名词说明：" if n == 0 else "　　　　　") + g for n, g in enumerate(glossary(result))),
    ]


def lean_tables(result: ReconcileResult, *, lean_rows: int = LEAN_ROWS) -> dict[str, int]:
    """The full tables left out of a lean report.xlsx, with their rows; empty when the run is small."""
    matched = sum(1 for m in result.matches if m.status is Status.MATCHED)
    if matched + len(result.issues) <= lean_rows:
        return {}
    return {STATUS_ZH[Status.MATCHED]: matched, "数据问题": len(result.issues)}


def lean_note(left_out: dict[str, int], *, parquet: bool) -> str:
    """What a lean report.xlsx says on 概览 (and the CLI on stderr): which tables are where."""
    tables = "、".join(f"{name}（{rows:,} 行）" for name, rows in left_out.items())
    files = "matches.csv、issues.csv" + ("（及 matches.parquet、issues.parquet）" if parquet else "")
    return f"精简版：数据量大，本工作簿未收入{tables}两张明细表，完整数据见同一文件夹的 {files}"


def inputs_section(result: ReconcileResult) -> Section:
    """The input files with their role, unit, records and last-modified date."""
    rows = [
        {
            "file": name,
            "role": ROLE_ZH.get(role, role),
            "unit": f.unit,
            "records": f.records,
            "modified": modified,
        }
        for (name, role, modified), f in zip(input_dates(result), result.summary.inputs, strict=True)
    ]
    return Section(
        "输入文件",
        (
            Column("file", "文件", 28),
            Column("role", "类型", 12),
            Column("unit", "单位", 18),
            Column("records", "记录数", 10),
            Column("modified", "修改日期", 12),
        ),
        rows,
    )


def _not_measured(a: AcceptanceRow) -> dict[str, object]:
    """A unit whose acceptance was not measured: its reason once, in the first count after 应承接, with the
    counts beside it left blank (never 0), so the reason reads whole across them instead of cut off in each."""
    counts = dict.fromkeys(("refused", "missing", "extra", "rate", "not_accepted"))
    return {"unit": a.unit, "devolved": a.devolved, "accepted": a.not_measured, **counts}


def overview_sheet(
    result: ReconcileResult, title: str, *, lean: str | None = None
) -> list[Sheet | Dashboard]:
    """概览 (counts, acceptance rate per unit, usage rate per department, with native charts) and details.

    The rate tables are sorted from the lowest rate up, so the lagging unit or department is on top of
    the table and of its bar chart.
    """
    by_rate = sorted(result.acceptance, key=lambda a: (a.not_measured is None, a.rate, a.unit))
    usage_rows = sorted(usage_by_department(result), key=lambda u: (u["rate"], u["department"]))
    sections = [
        Section(
            "总体情况",
            (Column("item", "项目", 40), Column("value", "数量", 12)),
            [{"item": k, "value": v} for k, v in overview_facts(result)],
        )
    ]
    if result.acceptance:
        sections.append(
            Section(
                "各单位承接率",
                (
                    UNIT_COLUMN,
                    Column("devolved", "应承接", 10),
                    Column("accepted", "已承接", 10),
                    Column("not_accepted", "未承接", 10),
                    ACCEPTANCE_RATE,
                ),
                [
                    {**a.model_dump(), "not_accepted": a.devolved - a.accepted}
                    if a.not_measured is None
                    else _not_measured(a)
                    for a in by_rate
                ],
                # Rates of 92-94 % look alike on a 0-100 % axis; the items not accepted tell units apart.
                Chart("各单位未承接事项数（承接率由低到高）", "unit", ("not_accepted",), "事项数"),
            )
        )
    if result.usage:
        sections.append(
            Section(
                "各部门使用率",
                USAGE_COLUMNS,
                usage_rows,
                Chart("各部门使用率（由低到高）", "department", ("rate",), "使用率", percent=True),
            )
        )
    sections.append(inputs_section(result))
    sheets: list[Sheet | Dashboard] = [
        Dashboard("概览", title, sections, notes=overview_notes(result, lean=lean))
    ]
    if result.acceptance:
        sheets.append(
            Sheet(
                "承接进度",
                (
                    UNIT_COLUMN,
                    Column("devolved", "应承接", 10),
                    Column("accepted", "已承接", 10),
                    Column("refused", "不认领", 10),
                    Column("missing", "未列入", 10),
                    Column("extra", "清单外", 10),
                    ACCEPTANCE_RATE,
                ),
                # lowest rate first, as on 概览; a unit without its list says so in place of its counts
                [a.model_dump() if a.not_measured is None else _not_measured(a) for a in by_rate],
                title="各单位承接进度（下放清单与各单位承接清单逐项比对；承接率由低到高）",
                notes=(
                    "应承接 = 下放清单中下放给该单位的事项；已承接 = 承接清单中对应上的事项（含待复核的对应）；"
                    "清单外 = 承接清单中有、但下放清单未下放给该单位的事项。",
                ),
                charts=(
                    Chart(
                        "各单位承接进度（占应承接的比例）",
                        "unit",
                        ("accepted", "refused", "missing"),
                        stacked=True,
                    ),
                ),
            )
        )
    if result.usage:
        usage = merged_usage(result.usage)
        sheets.append(
            Sheet(
                "使用率",
                (Column("unit", "单位", 18), *USAGE_COLUMNS),
                [u.model_dump() for u in usage],
                title="各单位各部门服务事项使用率（有办件的服务事项 ÷ 服务事项）",
                # A bar per unit and department is unreadable past a page of bars (labels overlap, a page
                # break cuts it): 概览 charts the departments over all units instead.
                charts=(
                    (Chart("各单位各部门使用率", "department", ("rate",), "使用率", percent=True),)
                    if len(usage) <= USAGE_CHART_ROWS
                    else ()
                ),
                notes=(
                    ()
                    if len(usage) <= USAGE_CHART_ROWS
                    else (f"共 {len(usage)} 行，条形图无法辨认，不作图；各部门合计的使用率图见“概览”。",)
                ),
            )
        )
    return sheets


def cascade_sheets(result: ReconcileResult) -> list[Sheet]:
    """层级链条 (one row per item, the levels as columns) and 层级统计 (items per level and unit)."""
    if not result.cascade:
        return []
    levels = result.cascade_levels
    columns = (
        Column("chain", "链条", 6),
        Column("name", "事项名称", 24, wrap=True),
        Column("code", "编码", 14, wrap=True),
        *(Column(lv.value, LEVEL_ZH[lv], 30, wrap=True) for lv in levels),
    )
    counts = (
        Column("level", "层级", 12),
        Column("unit", "单位", 18),
        Column("items", "链条中的事项数", 12),
        Column("claimed", "链条中确认承接自上级的事项（不含待复核）", 18, wrap=True),
        Column("handed_down", "本级标注下放/委托的事项（每项计一次）", 18, wrap=True),
    )
    return [
        Sheet(
            "层级链条",
            columns,
            path_table(result.cascade, levels),
            title="层级链条：同一事项在各层级、各单位的情况（每行一个事项，链条从 1 编号；单位名后只在名称不同时写出事项名称）",
        ),
        Sheet(
            "层级统计",
            counts,
            level_counts(result.cascade),
            title="层级统计：按层级链条计数，与“承接进度”的口径不同",
            notes=LEVEL_COUNT_NOTES,
        ),
    ]


def write_reconcile(
    out: Path,
    result: ReconcileResult,
    *,
    title: str = "权责清单对账报告",
    csv_encoding: str = "utf-8-sig",
    lean_rows: int | None = None,
    notice: Callable[[str], None] | None = None,
) -> list[Path]:
    """Every output of a reconciliation into the folder `out`; returns the paths written.

    Above `lean_rows` (default LEAN_ROWS) 已匹配 and 数据问题 rows, report.xlsx leaves those two tables to the CSVs (and to
    Parquet files beside them when pyarrow is installed), says so on 概览 and through `notice`.
    """
    names: tuple[str, ...] = (
        "matches.csv",
        "gaps.csv",
        "issues.csv",
        "summary.json",
        "report.xlsx",
        "review.xlsx",
        "report.html",
        "cascade.csv",
    )
    left_out = lean_tables(result, lean_rows=LEAN_ROWS if lean_rows is None else lean_rows)
    parquet = bool(left_out) and parquet_available()
    lean = lean_note(left_out, parquet=parquet) if left_out else None
    if parquet:
        names += ("matches.parquet", "gaps.parquet", "issues.parquet")
    sources: dict[str, tuple[Sequence[BaseModel], Sequence[str]]] = {
        "matches": (result.matches, MATCH_COLUMNS),
        "gaps": (result.gaps, GAP_COLUMNS),
        "issues": (result.issues, ISSUE_COLUMNS),
    }

    def workbook() -> None:
        shown = [st for st in Status if not (left_out and st is Status.MATCHED)]
        by_status: dict[Status, list[dict[str, Any]]] = {st: [] for st in shown}
        for m in result.matches:
            if m.status in by_status:  # only the rows shown are dumped: at scale 已匹配 is left to the CSVs
                by_status[m.status].append(_match_cells(m.model_dump(mode="json")))
        issues = (
            []
            if left_out
            else [
                Sheet(
                    "数据问题",
                    ISSUE_SHEET_COLUMNS,
                    _issue_cells(result.issues),
                    title=ISSUES_TITLE,
                    print_columns=len(ISSUE_SHEET_COLUMNS) - 1,  # 问题代码 on screen only
                )
            ]
        )
        write_workbook(
            out / "report.xlsx",
            [
                *overview_sheet(result, title, lean=lean),
                *(
                    Sheet(
                        STATUS_ZH[st],
                        UNMATCHED_SHEET_COLUMNS if st is Status.UNMATCHED else MATCH_SHEET_COLUMNS,
                        rows,
                        title=MATCH_TITLES[st],
                    )
                    for st, rows in by_status.items()
                ),
                *cascade_sheets(result),
                _gap_sheet(result),
                *issues,
            ],
        )

    def tables(csv_files: Sequence[str], parquet_files: Sequence[str]) -> None:
        """Full tables by name (matches, gaps, issues) as CSV, and as Parquet from the same columns."""
        wanted = {*csv_files, *(parquet_files if parquet else ())}
        # As the rows' model_dump(mode="json") gives them, without a dict per row.
        columns = {n: model_columns(*sources[n]) for n in wanted}
        for n in csv_files:
            write_csv_columns(out / f"{n}.csv", columns[n], encoding=csv_encoding)
        if parquet:
            for n in parquet_files:
                write_parquet_columns(out / f"{n}.parquet", columns[n])

    def the_rest() -> None:
        # Parquet stays in one process. When that is the forked writer, which ends once its files are
        # written, pyarrow is spared the pandas import its first array would cost (pandas_unseen).
        with pandas_unseen() if os.getpid() != caller else nullcontext():
            tables(("matches",), ("matches", "gaps", "issues"))
        write_json(out / "summary.json", result.summary.model_dump(mode="json"))
        write_csv(
            out / "cascade.csv",
            CASCADE_COLUMNS,
            (r.model_dump(mode="json") for r in result.cascade),
            encoding=csv_encoding,
        )

    def review_and_html() -> None:
        rows = review_rows(result.matches)
        # A catalogue without 行政区划 leaves that column blank in every row: hidden, kept for review apply.
        blank_unit = frozenset({"unit"}) if rows and not any(r.get("unit") for r in rows) else frozenset()
        write_workbook(
            out / "review.xlsx",
            [
                Sheet(
                    "待复核",
                    REVIEW_COLUMNS,
                    rows,
                    title=REVIEW_TITLE,
                    dropdowns=REVIEW_DROPDOWNS,
                    hidden=REVIEW_HIDDEN | blank_unit,
                    freeze_columns=REVIEW_FROZEN,
                )
            ],
        )
        write_text(out / "report.html", render_html(result, title=title))

    def reports() -> None:
        workbook()
        review_and_html()
        tables(("gaps", "issues"), ())

    # At scale the outputs are written by two processes meanwhile, in halves of about equal time; the
    # Parquet files in the forked one.
    caller = os.getpid()
    run_beside(the_rest, reports, parallel=len(result.matches) > PARALLEL_ROWS)
    if lean and notice is not None:
        notice(f"report.xlsx {lean}")
    return [out / n for n in names]


def write_gaps(
    out: Path, result: ReconcileResult, *, title: str, csv_encoding: str = "utf-8-sig"
) -> list[Path]:
    """Only the gaps: gaps.csv and a gaps.xlsx with the counts and the rows."""
    paths = [out / "gaps.csv", out / "gaps.xlsx"]
    write_csv_columns(paths[0], model_columns(result.gaps, GAP_COLUMNS), encoding=csv_encoding)
    write_workbook(
        paths[1],
        [
            Sheet(
                "缺口汇总",
                GAP_SUMMARY_COLUMNS,
                gap_rows(result),
                title=title,
                notes=(GAP_SUMMARY_NOTE,),
                charts=(Chart("各类缺口（确定 / 待复核）", "gap", ("confirmed", "pending"), "数量"),),
                chart_rows=len(result.summary.gaps),
            ),
            _gap_sheet(result),
        ],
    )
    return paths
