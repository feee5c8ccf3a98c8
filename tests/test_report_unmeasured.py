"""What the run never measured reads as such (—（未提供承接清单）), never as a 0; gap tables split 确定/待复核."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import load_workbook

from quanze.config import load_config
from quanze.coverage import (
    FEWER_THAN_TWO_UNITS,
    NO_ACCEPTANCE_LISTS,
    NO_VOLUME_COLUMN,
    ONE_LEVEL,
    unmeasured,
)
from quanze.pipeline import run_reconcile
from quanze.report.labels import glossary
from quanze.report.reconcile import write_gaps, write_reconcile
from quanze.results import GapStatus, GapType, ReconcileResult

import fixtures


def _no_acceptance_no_volume(folder: Path) -> Path:
    """A devolution list and a catalogue without a 办件量 column: no acceptance lists at all."""
    folder.mkdir(parents=True, exist_ok=True)
    fixtures.city_list(folder / "city.xlsx")
    header = fixtures.CATALOGUE_HEADER[:-1]
    rows = [r[:-1] for r in fixtures.CATALOGUE_ROWS]
    fixtures.xlsx(folder / "catalogue.xlsx", {"Sheet1": [header, *rows]})
    config = folder / "quanze.toml"
    config.write_text(
        '[project]\nname = "测试"\nout = "out"\n\n'
        '[[inputs.lists]]\npath = "city.xlsx"\nrole = "devolution"\nlevel = "city"\n\n'
        '[inputs.catalogue]\npath = "catalogue.xlsx"\n',
        encoding="utf-8",
    )
    return config


def _overview(path: Path) -> dict[str, object]:
    ws = load_workbook(path)["概览"]
    return {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r and isinstance(r[0], str)}


def test_gaps_never_looked_for_say_why_instead_of_zero(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_reconcile(load_config(_no_acceptance_no_volume(tmp_path / "s")), out=out, force=False)
    assert result.summary.gaps["not-accepted"] == 0 and result.summary.gaps["unused"] == 0  # the raw counts
    facts = _overview(out / "report.xlsx")
    assert facts["缺口：已下放未承接"] == NO_ACCEPTANCE_LISTS
    assert facts["缺口：未下放但已承接"] == NO_ACCEPTANCE_LISTS
    assert facts["缺口：零办件"] == NO_VOLUME_COLUMN
    assert isinstance(facts["缺口：无服务事项（权限悬空）"], int)  # measured: a number, even 0
    # One level of lists: the cascade's gaps were not looked for; two units in the catalogue: names were.
    assert facts["缺口：层级链条中断"] == ONE_LEVEL and facts["缺口：上下级重复行使"] == ONE_LEVEL
    assert isinstance(facts["缺口：名称录入不一致"], int)
    alone = result.model_copy(
        update={
            "summary": result.summary.model_copy(
                update={"match": result.summary.match.model_copy(update={"units": ["东城县"]})}
            )
        }
    )
    assert unmeasured(alone)["name-mismatch"] == FEWER_THAN_TWO_UNITS
    ws = load_workbook(out / "report.xlsx")["概览"]
    headline = ws["A3"].value
    assert f"未承接 {NO_ACCEPTANCE_LISTS}" in headline and f"零办件 {NO_VOLUME_COLUMN}" in headline
    assert "未承接 0" not in headline and "零办件 0" not in headline
    page = (out / "report.html").read_text("utf-8")
    strip = page[page.index('id="headline"') : page.index("</section>")]
    text = re.sub("<[^>]+>", "", strip)
    assert f"未承接{NO_ACCEPTANCE_LISTS}" in text and f"零办件{NO_VOLUME_COLUMN}" in text
    assert '<span class="value">0</span><span class="note">已下放未承接' not in strip
    assert f'<td class="n" data-gap="not-accepted">{NO_ACCEPTANCE_LISTS}</td>' in page
    assert f'<td class="n" data-gap="unused">{NO_VOLUME_COLUMN}</td>' in page
    (tmp_path / "g").mkdir()
    write_gaps(tmp_path / "g", result, title="缺口")
    summary = load_workbook(tmp_path / "g" / "gaps.xlsx")["缺口汇总"]
    counts = {r[0]: r[1:4] for r in summary.iter_rows(values_only=True) if r and r[0]}
    assert counts["已下放未承接"] == ("—", "—", NO_ACCEPTANCE_LISTS)
    assert counts["零办件"] == ("—", "—", NO_VOLUME_COLUMN)


def test_glossary_example_counts_this_runs_units(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_reconcile(load_config(fixtures.scenario(tmp_path / "s")), out=out, force=False)
    units = len(result.summary.match.units)
    assert units == 2
    lines = glossary(result)
    assert f"同一事项在 {units} 个单位计 {units} 次" in lines[1]
    assert not any("7 个单位" in line for line in lines)
    texts = [
        c for r in load_workbook(out / "report.xlsx")["概览"].iter_rows(values_only=True) for c in r if c
    ]
    assert any(isinstance(t, str) and f"同一事项在 {units} 个单位计 {units} 次" in t for t in texts)
    none = result.model_copy(
        update={
            "summary": result.summary.model_copy(
                update={"match": result.summary.match.model_copy(update={"units": []})}
            )
        }
    )
    assert "未注明行政区划" in glossary(none)[1] and "计 0 次" not in glossary(none)[1]


def _pending(result: ReconcileResult) -> ReconcileResult:
    """The scenario with two no-service-item gaps waiting on review beside the confirmed ones."""
    base = next(g for g in result.gaps if g.gap_type is GapType.NOT_ACCEPTED)
    extra = [
        base.model_copy(
            update={
                "gap_type": GapType.NO_SERVICE_ITEM,
                "item_name": f"待定{n}",
                "status": GapStatus.PENDING_REVIEW,
            }
        )
        for n in range(2)
    ]
    gaps = dict(result.summary.gaps)
    gaps["no-service-item"] += 2
    return result.model_copy(
        update={"gaps": [*result.gaps, *extra], "summary": result.summary.model_copy(update={"gaps": gaps})}
    )


def test_gap_summary_splits_confirmed_from_review_with_a_total_row(tmp_path: Path) -> None:
    result = _pending(
        run_reconcile(load_config(fixtures.scenario(tmp_path / "s")), out=tmp_path / "o", force=False)
    )
    confirmed = result.summary.gaps["no-service-item"] - 2
    out = tmp_path / "g"
    out.mkdir()
    write_gaps(out, result, title="缺口")
    ws = load_workbook(out / "gaps.xlsx")["缺口汇总"]
    rows = [r for r in ws.iter_rows(values_only=True) if r and r[0]]
    header = next(i for i, r in enumerate(rows) if r[0] == "缺口类型")
    assert rows[header][:5] == ("缺口类型", "确定", "待复核", "合计", "类型代码")
    body = {r[0]: r[1:5] for r in rows[header + 1 :]}
    assert body["无服务事项（权限悬空）"] == (confirmed, 2, confirmed + 2, "no-service-item")
    total = body["合计"]
    assert total[2] == sum(result.summary.gaps.values()) and total[1] == 2
    html_out = tmp_path / "h"
    html_out.mkdir()
    write_reconcile(html_out, result, title="测试")
    page = (html_out / "report.html").read_text("utf-8")
    assert f'<td>无服务事项（权限悬空）</td><td class="n">{confirmed}</td><td class="n">2</td>' in page
    assert re.search(r"<td>合计</td><td class=\"n\">\d+</td><td class=\"n\">2</td>", page)
    strip = page[page.index('id="headline"') : page.index("</section>")]
    assert f"另有待复核 2，合计 {confirmed + 2}" in strip


def test_rates_carry_what_they_count(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_reconcile(load_config(fixtures.scenario(tmp_path / "s")), out=out, force=False)
    page = (out / "report.html").read_text("utf-8")
    strip = page[page.index('id="headline"') : page.index("</section>")]
    assert "（5/7）" in strip and "（服务事项 1/7）" in strip
    # A closed section says which file holds its rows when printed.
    assert 'data-file="gaps.csv"' in page and "attr(data-file)" in page and "详见 CSV 文件" not in page


def test_no_supervision_is_not_a_zero_when_the_list_gives_no_supervision(tmp_path: Path) -> None:
    """A devolution list without 监管部门 / 监管方式: 未明确监管 was not looked for, so it says why, not 0."""
    from quanze.config import load_config
    from quanze.coverage import NO_SUPERVISION_COLUMNS, unmeasured
    from quanze.pipeline import reconcile

    import fixtures

    config = fixtures.scenario(tmp_path / "s")
    rows = [[*r[:7], None, None] for r in fixtures.CITY_ROWS]
    fixtures.xlsx(
        tmp_path / "s" / "city.xlsx", {"Sheet1": [["某市下放事项"], fixtures.CITY_HEADER[:7], *rows]}
    )
    result = reconcile(load_config(config))
    assert unmeasured(result)["no-supervision"] == NO_SUPERVISION_COLUMNS
    # The list as given, with its supervision columns: looked for, and counted.
    whole = reconcile(load_config(fixtures.scenario(tmp_path / "t")))
    assert "no-supervision" not in unmeasured(whole) and whole.summary.gaps["no-supervision"] > 0
