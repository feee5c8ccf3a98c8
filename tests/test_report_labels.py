"""Officials read the outputs: Chinese labels, titles, numbers that cannot be confused (read back)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from quanze.config import load_config
from quanze.match import Status
from quanze.models import IssueCode, RowIssue, Severity
from quanze.pipeline import run_reconcile
from quanze.report.labels import GLOSSARY, ISSUE_ZH, SEVERITY_ZH, overview_facts
from quanze.report.reconcile import write_reconcile
from quanze.report.xlsx import Column, row_height
from quanze.results import GapStatus, GapType, ReconcileResult

import fixtures

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_issue_code_and_severity_has_a_chinese_title() -> None:
    assert set(ISSUE_ZH) == set(IssueCode)
    assert set(SEVERITY_ZH) == set(Severity)
    assert all(CJK.search(t) for t in ISSUE_ZH.values())
    assert len(set(ISSUE_ZH.values())) == len(ISSUE_ZH)  # two codes never read the same


def _result(tmp_path: Path) -> ReconcileResult:
    """The scenario's result, with a service item whose gap waits on review, a review link and issues."""
    result = run_reconcile(
        load_config(fixtures.scenario(tmp_path / "s")), out=tmp_path / "first", force=False
    )
    orphan = next(g for g in result.gaps if g.gap_type is GapType.ORPHAN_SERVICE_ITEM)
    pending = [
        orphan.model_copy(update={"item_name": f"待定服务事项{n}", "status": GapStatus.PENDING_REVIEW})
        for n in range(2)
    ]
    gaps = dict(result.summary.gaps)
    gaps["orphan-service-item"] += len(pending)
    matched = next(m for m in result.matches if m.status is Status.MATCHED)
    review = matched.model_copy(update={"status": Status.REVIEW, "score": 72.0, "reason": "名称相似" * 30})
    issues = [
        RowIssue(
            code=IssueCode.FOOTNOTE_ROW,
            severity=Severity.INFO,
            file="city.xlsx",
            sheet="清单",
            row=30,
            value="注：共 30 项",
            message="footnote row skipped",
        ),
        RowIssue(
            code=IssueCode.MISSING_REQUIRED,
            severity=Severity.ERROR,
            file="city.xlsx",
            sheet="清单",
            row=12,
            message="no item name",
        ),
    ]
    return result.model_copy(
        update={
            "gaps": [*result.gaps, *pending],
            "summary": result.summary.model_copy(update={"gaps": gaps}),
            "matches": [*result.matches, review],
            "issues": issues,
        }
    )


def test_overview_splits_a_gap_count_into_confirmed_review_and_total(tmp_path: Path) -> None:
    result = _result(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    write_reconcile(out, result, title="测试")
    facts = dict(overview_facts(result))
    label = "缺口：无权力支撑的服务事项"
    assert (facts[f"{label}（确定）"], facts[f"{label}（待复核）"], facts[f"{label}（合计）"]) == (1, 2, 3)
    # No bare label with a number that could be read as either of the others.
    assert label not in facts and "无权力支撑的服务事项" not in facts
    overview = load_workbook(out / "report.xlsx")["概览"]
    cells = {
        row[0]: row[1] for row in overview.iter_rows(values_only=True) if row and isinstance(row[1], int)
    }
    assert {k: v for k, v in cells.items() if k and "无权力支撑" in k} == {
        f"{label}（确定）": 1,
        f"{label}（待复核）": 2,
        f"{label}（合计）": 3,
    }
    texts = [c for row in overview.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(t.startswith("名词说明：对应关系") for t in texts)
    assert any("清单外：" in t for t in texts) and any("事项×单位：" in t for t in texts)
    page = (out / "report.html").read_text("utf-8")
    assert f'<td>{label}（待复核）</td><td class="n">2</td>' in page
    assert f'<td>{label}（合计）</td><td class="n">3</td>' in page
    assert f"<td>{label}</td>" not in page
    assert all(line in page for line in GLOSSARY)


def test_issue_sheet_is_in_chinese_with_the_code_beside(tmp_path: Path) -> None:
    result = _result(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    write_reconcile(out, result, title="测试")
    sheet = load_workbook(out / "report.xlsx")["数据问题"]
    assert sheet["A1"].value.startswith("输入文件中的数据问题")
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0] == ("问题", "级别", "文件", "工作表", "行", "列", "单元格内容", "说明", "问题代码")
    assert [(r[0], r[1], r[-1]) for r in rows[1:]] == [
        ("注释行（非事项）", "提示", "footnote-row"),
        ("缺少必填项", "错误", "missing-required"),
    ]
    # issues.csv keeps the machine codes for ignore lists and scripts.
    assert "footnote-row,info," in (out / "issues.csv").read_text("utf-8-sig")


def test_every_data_sheet_has_a_title_row_above_its_header(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_reconcile(load_config(fixtures.scenario(tmp_path / "s")), out=out, force=False)
    wb = load_workbook(out / "report.xlsx")
    for ws in wb.worksheets[1:]:
        assert ws["A1"].font.b and CJK.search(ws["A1"].value), ws.title
        header = next(r for r in range(2, 6) if ws.cell(r, 1).fill.fill_type == "solid")
        assert ws.freeze_panes == f"A{header + 1}", ws.title
        assert ws.print_title_rows == f"${header}:${header}", ws.title


def test_review_workbook_reads_as_a_form(tmp_path: Path) -> None:
    result = _result(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    write_reconcile(out, result, title="测试")
    ws = load_workbook(out / "review.xlsx")["待复核"]
    assert ws["A1"].value.startswith("待复核的对应关系：请在黄色的“决定”列")
    headings = [c.value for c in ws[2]]
    decision = headings.index("决定（确认/否决）") + 1
    assert ws.cell(3, decision).fill.fgColor.rgb.endswith("FFF2CC")  # the cell to fill is shaded
    assert ws.cell(3, headings.index("得分") + 1).number_format == "0.0"
    for key in ("power_key", "service_key"):  # read back by review apply: kept, but out of sight
        idx = headings.index(key) + 1
        # openpyxl keeps a run of like columns as one dimension (min..max)
        assert any(d.min <= idx <= d.max and d.hidden for d in ws.column_dimensions.values()), key
    # A long reason wraps over a taller row instead of printing cut off.
    assert ws.row_dimensions[3].height and ws.row_dimensions[3].height > 15
    page = (out / "report.html").read_text("utf-8")
    assert '<td class="n">72.0</td>' in page  # one decimal in the page too


@pytest.mark.parametrize(
    ("text", "lines"),
    [("短", 1), ("权" * 10, 3), ("权" * 30, 7), ("a\nb\nc", 3), (None, 1)],
)
def test_row_height_fits_every_line_of_a_wrapped_cell(text: str | None, lines: int) -> None:
    columns = [Column("name", "名称", 11, wrap=True), Column("code", "编码", 4)]
    height = row_height({"name": text, "code": "x" * 40}, columns)
    # At least 16 points a line (the CJK fonts viewers fall back on), and a spare line below the last.
    assert height == (None if lines == 1 else (lines + 1) * 16.0)


def test_html_short_columns_do_not_wrap(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_reconcile(load_config(fixtures.scenario(tmp_path / "s")), out=out, force=False)
    page = (out / "report.html").read_text("utf-8")
    assert "th.s,td.s{white-space:nowrap}" in page
    assert '<th class="s">状态</th>' in page and '<td class="s">确定</td>' in page
    assert '<th class="s">类型代码</th>' in page


def test_terminal_summary_says_the_orphan_count_is_the_confirmed_one(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from quanze.cli import app

    config = fixtures.scenario(tmp_path / "s")
    run = CliRunner().invoke(app, ["reconcile", "-c", str(config), "-o", str(tmp_path / "out")])
    assert run.exit_code == 0, run.output
    assert "无权力支撑（确定）" in run.output


def test_review_keeps_the_power_name_in_view_and_says_what_the_decisions_mean(tmp_path: Path) -> None:
    result = _result(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    write_reconcile(out, result, title="测试")
    ws = load_workbook(out / "review.xlsx")["待复核"]
    headings = [c.value for c in ws[2]]
    name = headings.index("权力事项名称") + 1
    # Frozen below the header and right of the power's name: scrolling to 决定 keeps the name in view.
    assert ws.freeze_panes == f"{ws.cell(3, name + 1).column_letter}3"
    decision = ws.cell(2, headings.index("决定（确认/否决）") + 1).column_letter
    assert ws.column_dimensions[decision].width >= 18
    assert "“确认”（两者是同一事项" in ws["A1"].value and "“否决”（不是同一事项" in ws["A1"].value


def test_issue_notes_lead_with_chinese(tmp_path: Path) -> None:
    result = _result(tmp_path)
    chinese = RowIssue(
        code=IssueCode.BAD_DATE, severity=Severity.WARNING, file="a.xlsx", message="交接日期不是日期"
    )
    quoting = RowIssue(
        code=IssueCode.DUPLICATE_ITEM,
        severity=Severity.WARNING,
        file="a.xlsx",
        message="the same item as row 2 of 行政征收",
    )
    result = result.model_copy(update={"issues": [*result.issues, chinese, quoting]})
    out = tmp_path / "out"
    out.mkdir()
    write_reconcile(out, result, title="测试")
    sheet = load_workbook(out / "report.xlsx")["数据问题"]
    notes = [r[7] for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert notes == [
        "注释行（非事项）（footnote row skipped）",
        "缺少必填项（no item name）",
        "交接日期不是日期",
        "事项重复（the same item as row 2 of 行政征收）",
    ]
    assert all(CJK.match(n) for n in notes)  # never an English sentence first
    assert "footnote row skipped" in (out / "issues.csv").read_text("utf-8-sig")  # the CSV keeps the message


def test_review_hides_a_unit_column_blank_in_every_row(tmp_path: Path) -> None:
    result = _result(tmp_path)
    result = result.model_copy(
        update={"matches": [m.model_copy(update={"unit": None}) for m in result.matches]}
    )
    out = tmp_path / "out"
    out.mkdir()
    write_reconcile(out, result, title="测试")
    ws = load_workbook(out / "review.xlsx")["待复核"]
    idx = [c.value for c in ws[2]].index("行政区划") + 1
    assert any(d.min <= idx <= d.max and d.hidden for d in ws.column_dimensions.values())


def test_review_headline_names_the_items_by_unit_beside_the_links(tmp_path: Path) -> None:
    from quanze.report.labels import headlines

    result = _result(tmp_path)
    m = result.summary.match.model_copy(update={"links_review": 5, "power_units_review": 2})
    result = result.model_copy(update={"summary": result.summary.model_copy(update={"match": m})})
    review = next(h for h in headlines(result) if h.key == "review")
    assert (review.value, review.of) == ("5", "涉及事项×单位 2")


def _scenario_result(tmp_path: Path, *, lists: bool = True) -> ReconcileResult:
    from quanze.pipeline import reconcile

    import fixtures

    config = fixtures.scenario(tmp_path / "s")
    if not lists:
        text = config.read_text("utf-8")
        for unit in ("东城县", "西河县"):
            text = text.replace(
                f'[[inputs.lists]]\npath = "{unit}.xlsx"\nrole = "acceptance"\nunit = "{unit}"\n\n', ""
            )
        text = text[: text.index("[check]")]
        config.write_text(text, "utf-8")
    return reconcile(load_config(config))


def test_one_unit_with_powers_left_out_does_not_say_power_units_are_the_powers(tmp_path: Path) -> None:
    """Finding 08: 事项×单位即事项数 is false when rows were left out of matching; say both numbers."""
    from quanze.report.labels import glossary

    result = _scenario_result(tmp_path)
    m = result.summary.match
    counted = m.power_units_matched + m.power_units_review + m.power_units_unmatched
    one = result.summary.model_copy(
        update={"match": m.model_copy(update={"units": ["东城县"], "powers": counted + 75})}
    )
    text = " ".join(glossary(result.model_copy(update={"summary": one})))
    assert "事项×单位即事项数" not in text and f"权力事项 {counted + 75} 行中 {counted} 个" in text
    whole = result.summary.model_copy(
        update={"match": m.model_copy(update={"units": ["东城县"], "powers": counted})}
    )
    assert "事项×单位即事项数" in " ".join(glossary(result.model_copy(update={"summary": whole})))


def test_without_acceptance_lists_the_headline_does_not_say_accepted(tmp_path: Path) -> None:
    from quanze.report.labels import headlines

    loose = {h.key: h.note for h in headlines(_scenario_result(tmp_path, lists=False))}
    assert loose["no-service-item"] == "未录入服务事项"
    measured = {h.key: h.note for h in headlines(_scenario_result(tmp_path / "b"))}
    assert measured["no-service-item"] == "已承接未录入服务事项"
