"""Reports people read: report.xlsx checked by reading its cells back."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from quanze.config import load_config
from quanze.pipeline import reconcile_to
from quanze.report.files import csv_safe, write_csv

import fixtures


def test_report_workbook_layout(tmp_path: Path) -> None:
    config = load_config(fixtures.scenario(tmp_path / "s"))
    reconcile_to(tmp_path / "out", config, force=False)
    wb = load_workbook(tmp_path / "out" / "report.xlsx")
    assert wb.sheetnames == ["概览", "承接进度", "使用率", "已匹配", "待复核", "未匹配", "缺口", "数据问题"]
    overview = wb["概览"]
    assert overview["A1"].value == "测试"
    assert [overview["A3"].value, overview["A4"].value, overview["B4"].value] == ["总体情况", "项目", "数量"]
    cells = [[c.value for c in row] for row in overview.iter_rows()]
    facts = {row[0]: row[1] for row in cells if row and isinstance(row[1], int)}
    assert facts["服务事项"] == 7 and facts["缺口：已下放未承接"] == 2
    sections = [row[0] for row in cells if row and row[0] in ("总体情况", "各单位承接率", "各部门使用率")]
    assert sections == ["总体情况", "各单位承接率", "各部门使用率"]
    unit_rows = {row[0]: row[1:4] for row in cells if row and row[0] in ("东城县", "西河县")}
    assert unit_rows == {"东城县": [4, 2, 0.5], "西河县": [3, 3, 1]}
    assert len(overview._charts) == 2
    progress = wb["承接进度"]
    assert [c.value for c in progress[1]] == [
        "承接单位",
        "应承接",
        "已承接",
        "不认领",
        "未列入",
        "清单外",
        "承接率",
    ]
    assert [c.value for c in progress[2]] == ["东城县", 4, 2, 1, 1, 1, 0.5]
    assert len(progress._charts) == 1 and len(wb["使用率"]._charts) == 1
    matched = wb["已匹配"]
    assert matched.freeze_panes == "A2"
    assert matched.auto_filter.ref.startswith("A1:K")
    assert abs(matched.column_dimensions["D"].width - 36) < 1
    headings = [c.value for c in matched[1]]
    assert headings[:4] == ["行政区划", "实施部门", "权力事项编码", "权力事项名称"]
    statuses = {matched.cell(r, headings.index("状态") + 1).value for r in range(2, matched.max_row + 1)}
    assert statuses == {"已匹配"}
    gaps = wb["缺口"]
    assert {gaps.cell(r, 2).value for r in range(2, gaps.max_row + 1)} >= {
        "not-accepted",
        "orphan-service-item",
    }


def test_csv_neutralises_formula_like_text(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    write_csv(path, ["a", "b"], [{"a": "=1+1", "b": "-2"}, {"a": "@x", "b": "\t=y"}, {"a": "正常", "b": 3}])
    assert path.read_text("utf-8").splitlines() == ["a,b", "'=1+1,'-2", "'@x,'\t=y", "正常,3"]
    assert csv_safe(5) == 5


def test_html_report_is_self_contained(tmp_path: Path) -> None:
    config = load_config(fixtures.scenario(tmp_path / "s"))
    reconcile_to(tmp_path / "out", config, force=False)
    page = (tmp_path / "out" / "report.html").read_text("utf-8")
    for heading in ("概览", "缺口", "承接进度", "使用率", "待复核", "缺口明细"):
        assert f"<h2>{heading}</h2>" in page
    assert "<script" not in page and "http" not in page and "<link" not in page
    assert "城市道路占用挖掘许可" in page  # the orphan service item is listed
    assert "<th>状态</th>" in page and "<td>确定</td>" in page  # each gap row says whether it waits on review


def test_interrupted_write_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    from quanze.report.files import write_atomic, write_text

    target = tmp_path / "quanze-decisions.jsonl"
    write_text(target, '{"old": true}\n')

    def crash(tmp: Path) -> None:
        tmp.write_text('{"half', encoding="utf-8")
        raise KeyboardInterrupt

    import pytest

    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, crash)
    assert target.read_text("utf-8") == '{"old": true}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["quanze-decisions.jsonl"]


def test_run_beside_reports_a_failing_background_writer(tmp_path: Path) -> None:
    import pytest

    from quanze.errors import OutputError
    from quanze.report.files import run_beside

    def ok() -> None:
        (tmp_path / "a.txt").write_text("a", "utf-8")

    def boom() -> None:
        raise OSError("disk full")

    run_beside(ok, lambda: (tmp_path / "b.txt").write_text("b", "utf-8"), parallel=True)
    assert (tmp_path / "a.txt").exists() and (tmp_path / "b.txt").exists()
    with pytest.raises(OutputError, match="disk full"):
        run_beside(boom, lambda: None, parallel=True)


NAMES = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), st.sampled_from("ABCxyz（）()、 -=+@")
    ),
    min_size=1,
    max_size=20,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(NAMES, min_size=1, max_size=15))
def test_a_workbook_written_and_read_back_keeps_its_rows(tmp_path: Path, names: list[str]) -> None:
    from quanze.ingest import read_file
    from quanze.normalize import clean_text
    from quanze.report.xlsx import Column, Sheet, write_workbook
    from quanze.vocab import DITTO_MARKS

    assume(not any((clean_text(n) or "").strip() in DITTO_MARKS for n in names))  # 同上 means "as above"
    path = tmp_path / "roundtrip.xlsx"
    rows = [{"no": i, "name": n, "code": f"00{i}"} for i, n in enumerate(names, 1)]
    columns = (Column("no", "序号"), Column("name", "事项名称"), Column("code", "事项编码"))
    write_workbook(path, [Sheet("Sheet1", columns, rows)])
    report = read_file(path)
    # Every row comes back, with its text (tidied as ingest tidies) and its code with leading zeros.
    assert [(p.name, p.code) for p in report.powers] == [
        (clean_text(n), f"00{i}") for i, n in enumerate(names, 1) if clean_text(n)
    ]
    assert report.sheets[0].records + report.sheets[0].rejected == len(names)
