"""report.html: one self-contained page (no scripts, no network) rendered from a Jinja2 template.

The page opens with a headline strip and a table of contents; gaps are grouped by type and unit in
collapsible sections, and the level chain is a matrix of items against the units of each level. Closed
sections do not print, so the printed page stays a few sheets long.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template, select_autoescape

from quanze.cascade import LEVEL_ZH
from quanze.models import STATUS_ZH, Level, Status
from quanze.report.labels import (
    GAP_ZH,
    METHOD_ZH,
    data_date,
    gap_rows,
    glossary,
    headlines,
    overview_facts,
)
from quanze.report.usage import merged_usage
from quanze.results import GAP_STATUS_ZH, HOW_ZH, GapRow, GapType, ReconcileResult

ROW_LIMIT = 500  # rows shown per table in the page; the CSV files hold every row

_env = Environment(
    loader=PackageLoader("quanze", "templates"),
    autoescape=select_autoescape(["html", "j2"], default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def template(name: str) -> Template:
    """A page template from quanze/templates: text autoescaped, an unknown name an error, never blank."""
    return _env.get_template(name)


@dataclass
class GapGroup:
    gap_type: str
    label: str
    count: int
    units: list[tuple[str, list[GapRow]]]


def gap_groups(gaps: Sequence[GapRow]) -> list[GapGroup]:
    """Gaps by type (in the order of the gap types), then by unit."""
    grouped: dict[GapType, dict[str, list[GapRow]]] = defaultdict(lambda: defaultdict(list))
    for g in gaps:
        grouped[g.gap_type][g.unit or "（未注明单位）"].append(g)
    return [
        GapGroup(t.value, GAP_ZH[t], sum(len(v) for v in grouped[t].values()), sorted(grouped[t].items()))
        for t in GapType
        if t in grouped
    ]


def chain_matrix(result: ReconcileResult) -> tuple[list[tuple[str, list[str]]], list[dict[str, Any]]]:
    """The level chain as items × (level, unit): each cell says how the item stands at that unit."""
    levels: list[Level] = list(result.cascade_levels)
    units: dict[Level, list[str]] = {
        lv: sorted({r.unit for r in result.cascade if r.level is lv}) for lv in levels
    }
    chains: dict[int, dict[str, Any]] = {}
    for r in result.cascade:
        row = chains.setdefault(r.chain, {"name": r.name, "code": r.code, "cells": {}})
        row["cells"][(r.level, r.unit)] = HOW_ZH[r.how] + ("" if r.name == row["name"] else "*")
    columns = [(lv, u) for lv in levels for u in units[lv]]
    rows = [
        {"name": c["name"], "code": c["code"], "cells": [c["cells"].get(col, "") for col in columns]}
        for _, c in sorted(chains.items())
    ]
    return [(LEVEL_ZH[lv], units[lv]) for lv in levels if units[lv]], rows


def render(result: ReconcileResult, *, title: str) -> str:
    review = [r for r in result.matches if r.status is Status.REVIEW]
    unmatched = [r for r in result.matches if r.status is Status.UNMATCHED]
    levels, chain_rows = chain_matrix(result) if result.cascade else ([], [])
    sections = [("overview", "概览"), ("gaps", "缺口")]
    if result.acceptance:
        sections.append(("acceptance", "承接进度"))
    if result.usage:
        sections.append(("usage", "使用率"))
    if chain_rows:
        sections.append(("chain", "层级链条"))
    sections += [(s.value, STATUS_ZH[s]) for s in (Status.REVIEW, Status.UNMATCHED)]
    return template("report.html.j2").render(
        title=title,
        data_date=data_date(result) or "不详",
        generated=date.today().isoformat(),
        version=result.summary.quanze_version,
        headlines=headlines(result),
        facts=overview_facts(result),
        glossary=glossary(result),
        sections=sections,
        gap_counts=gap_rows(result),
        gap_groups=gap_groups(result.gaps),
        acceptance=sorted(result.acceptance, key=lambda a: (a.not_measured is None, a.rate, a.unit)),
        usage=sorted(merged_usage(result.usage), key=lambda u: (u.rate, u.unit or "", u.department)),
        levels=levels,
        chain_rows=chain_rows[:ROW_LIMIT],
        chain_total=len(chain_rows),
        review=review[:ROW_LIMIT],
        review_total=len(review),
        unmatched=unmatched[:ROW_LIMIT],
        unmatched_total=len(unmatched),
        method_zh={m.value: label for m, label in METHOD_ZH.items()},
        status_zh=GAP_STATUS_ZH,
        limit=ROW_LIMIT,
    )
