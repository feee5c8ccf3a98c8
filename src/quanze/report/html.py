"""A self-contained report.html (no network, no scripts) with the overview and tables of report.xlsx."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from quanze.report.labels import GAP_ZH, METHOD_ZH, STATUS_ZH, overview_facts
from quanze.results import GAP_STATUS_ZH, ReconcileResult

ROW_LIMIT = 2000  # longer tables are cut here in the page; the CSV files hold every row

CSS = """
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;margin:2em;color:#222}
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em;border-bottom:2px solid #1F4E78}
table{border-collapse:collapse;margin:.5em 0;font-size:.9em}
th{background:#1F4E78;color:#fff;padding:4px 8px;position:sticky;top:0}
td{border:1px solid #ccc;padding:3px 8px;vertical-align:top}
td.n{text-align:right}.bar{background:#5B9BD5;height:.8em;display:inline-block}
.note{color:#666;font-size:.85em}
"""


def _table(headings: Sequence[str], rows: Iterable[Sequence[Any]], *, limit: int = ROW_LIMIT) -> str:
    out = ["<table><thead><tr>", *(f"<th>{escape(h)}</th>" for h in headings), "</tr></thead><tbody>"]
    shown = 0
    total = 0
    for row in rows:
        total += 1
        if shown >= limit:
            continue
        shown += 1
        cells = []
        for v in row:
            if isinstance(v, float) and 0 <= v <= 1 and headings and "率" in "".join(headings):
                cells.append(
                    f'<td class="n">{v:.0%} <span class="bar" style="width:{v * 120:.0f}px"></span></td>'
                )
            elif isinstance(v, (int, float)):
                cells.append(f'<td class="n">{v:g}</td>')
            else:
                cells.append(f"<td>{escape('' if v is None else str(v))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    if total > shown:
        out.append(f'<p class="note">显示前 {shown} 行，共 {total} 行；完整列表见同目录的 CSV 文件。</p>')
    return "".join(out)


def render(result: ReconcileResult, *, title: str) -> str:
    s = result.summary
    parts = [
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>',
        f"<style>{CSS}</style></head><body><h1>{escape(title)}</h1>",
    ]
    facts = overview_facts(result)
    parts += ["<h2>概览</h2>", _table(["项目", "数量"], facts)]
    parts += [
        "<h2>缺口</h2>",
        _table(["缺口类型", "代码", "数量"], [(GAP_ZH[g], g.value, s.gaps.get(g.value, 0)) for g in GAP_ZH]),
    ]
    if result.acceptance:
        parts += [
            "<h2>承接进度</h2>",
            _table(
                ["承接单位", "应承接", "已承接", "不认领", "未列入", "清单外", "承接率"],
                [
                    (a.unit, a.devolved, a.accepted, a.refused, a.missing, a.extra, a.rate)
                    for a in result.acceptance
                ],
            ),
        ]
    if result.usage:
        parts += [
            "<h2>使用率</h2>",
            _table(
                ["单位", "部门", "服务事项", "有办件", "使用率"],
                [(u.unit, u.department, u.items, u.used, u.rate) for u in result.usage],
            ),
        ]
    if result.cascade:
        from quanze.cascade import LEVEL_ZH, path_table

        levels = result.cascade_levels
        parts += [
            "<h2>层级链条</h2>",
            _table(
                ["事项名称", *(LEVEL_ZH[lv] for lv in levels)],
                [
                    (row["name"], *(row[lv.value] for lv in levels))
                    for row in path_table(result.cascade, levels)
                ],
            ),
        ]
    review = [r for r in result.matches if r.status.value == "review"]
    parts += [
        "<h2>待复核</h2>",
        _table(
            ["行政区划", "权力事项名称", "服务事项名称", "得分", "方法", "理由"],
            [
                (
                    r.unit,
                    r.power_name,
                    r.service_name,
                    r.score,
                    METHOD_ZH[r.method] if r.method else "",
                    r.reason,
                )
                for r in review
            ],
        ),
    ]
    parts += [
        "<h2>缺口明细</h2>",
        _table(
            ["缺口类型", "状态", "单位", "事项编码", "事项名称", "服务事项", "说明"],
            [
                (
                    GAP_ZH[g.gap_type],
                    GAP_STATUS_ZH[g.status],
                    g.unit,
                    g.item_code,
                    g.item_name,
                    g.service_name if g.service_name != g.item_name else None,
                    g.detail,
                )
                for g in result.gaps
            ],
        ),
    ]
    unmatched = [r for r in result.matches if r.status.value == "unmatched"]
    parts += [
        f"<h2>{STATUS_ZH[unmatched[0].status] if unmatched else '未匹配'}</h2>",
        _table(
            ["行政区划", "权力事项编码", "权力事项名称", "实施部门"],
            [(r.unit, r.power_code, r.power_name, r.power_department) for r in unmatched],
        ),
    ]
    parts.append(f'<p class="note">quanze {escape(s.quanze_version)}</p></body></html>\n')
    return "".join(parts)
