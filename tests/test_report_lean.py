"""Lean reports at scale: report.xlsx keeps what officials read, the full tables are in CSV (and Parquet)."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from quanze.cli import app
from quanze.config import load_config
from quanze.pipeline import reconcile
from quanze.report import reconcile as report_reconcile
from quanze.report.reconcile import lean_tables, write_reconcile

import fixtures

runner = CliRunner()


@pytest.fixture
def scenario(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = fixtures.scenario(tmp_path / "work")
    monkeypatch.chdir(config.parent)
    return config.parent


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _overview_lines(path: Path) -> list[str]:
    ws = load_workbook(path)["概览"]
    return [str(ws.cell(row=r, column=1).value) for r in range(1, 6)]


def test_lean_report_keeps_what_officials_read_and_points_to_the_full_tables(tmp_path: Path) -> None:
    result = reconcile(load_config(fixtures.scenario(tmp_path / "s")))
    assert lean_tables(result) == {}  # a small run is not lean
    said: list[str] = []
    paths = write_reconcile(tmp_path / "out", result, title="测试", lean_rows=0, notice=said.append)
    out = tmp_path / "out"
    wb = load_workbook(out / "report.xlsx")
    assert wb.sheetnames == ["概览", "承接进度", "使用率", "待复核", "未匹配", "缺口"]
    matched = sum(1 for m in result.matches if m.status.value == "matched")
    note = next(line for line in _overview_lines(out / "report.xlsx") if line.startswith("精简版"))
    assert f"已匹配（{matched} 行）" in note and f"数据问题（{len(result.issues)} 行）" in note
    assert "matches.csv、issues.csv" in note and "matches.parquet" in note
    assert said == [f"report.xlsx {note}"]
    # The full tables are all there: CSV and Parquet hold the same rows.
    for name in ("matches", "gaps", "issues"):
        assert out / f"{name}.parquet" in paths
        table = pq.read_table(out / f"{name}.parquet")
        rows = _csv_rows(out / f"{name}.csv")
        assert table.num_rows == len(rows) and table.column_names == list(
            rows[0] if rows else table.column_names
        )
    matches = pq.read_table(out / "matches.parquet").to_pylist()
    assert [m["power_key"] for m in matches] == [r["power_key"] for r in _csv_rows(out / "matches.csv")]
    assert all(isinstance(m["score"], float) or m["score"] is None for m in matches)  # numbers stay numbers


def test_lean_report_without_pyarrow_names_only_the_csvs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_reconcile, "parquet_available", lambda: False)
    result = reconcile(load_config(fixtures.scenario(tmp_path / "s")))
    write_reconcile(tmp_path / "out", result, lean_rows=0)
    note = next(
        line for line in _overview_lines(tmp_path / "out" / "report.xlsx") if line.startswith("精简版")
    )
    assert "matches.csv、issues.csv" in note and "parquet" not in note
    assert not list((tmp_path / "out").glob("*.parquet"))


def test_a_small_run_writes_every_table_and_no_parquet(tmp_path: Path) -> None:
    result = reconcile(load_config(fixtures.scenario(tmp_path / "s")))
    write_reconcile(tmp_path / "out", result)
    assert "已匹配" in load_workbook(tmp_path / "out" / "report.xlsx").sheetnames
    assert not any(line.startswith("精简版") for line in _overview_lines(tmp_path / "out" / "report.xlsx"))
    assert not list((tmp_path / "out").glob("*.parquet"))


def test_cli_says_on_stderr_that_the_report_is_lean(scenario: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_reconcile, "LEAN_ROWS", 0)
    result = runner.invoke(app, ["reconcile", "--out", "lean"])
    assert result.exit_code in (0, 1), result.output
    assert "report.xlsx 精简版" in result.stderr and "matches.csv" in result.stderr
    assert "已匹配" not in load_workbook(Path("lean") / "report.xlsx").sheetnames
