"""The two writer processes of a large run write every output, the same as one process writes them."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from quanze.config import load_config
from quanze.pipeline import reconcile
from quanze.report import reconcile as report_reconcile
from quanze.report.reconcile import write_reconcile

import fixtures


def _cells(path: Path) -> dict[str, list[list[object]]]:
    wb = load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


@pytest.mark.parametrize("lean_rows", [0, None])
def test_two_processes_write_what_one_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lean_rows: int | None
) -> None:
    result = reconcile(load_config(fixtures.scenario(tmp_path / "s")))
    one = write_reconcile(tmp_path / "one", result, lean_rows=lean_rows)
    monkeypatch.setattr(report_reconcile, "PARALLEL_ROWS", 0)  # as a large run: two processes
    two = write_reconcile(tmp_path / "two", result, lean_rows=lean_rows)
    assert [p.name for p in one] == [p.name for p in two]
    assert sorted(p.name for p in (tmp_path / "two").iterdir()) == sorted(p.name for p in two)
    for a, b in zip(one, two, strict=True):
        if a.suffix == ".xlsx":
            assert _cells(a) == _cells(b)
            assert zipfile.ZipFile(a).namelist() == zipfile.ZipFile(b).namelist()
        elif a.suffix == ".parquet":
            assert pq.read_table(a).equals(pq.read_table(b))
        else:
            assert a.read_bytes() == b.read_bytes(), a.name
