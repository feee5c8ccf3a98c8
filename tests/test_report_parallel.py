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


PARQUET_IN_THE_WRITER = """
import sys
from pathlib import Path
from quanze.config import load_config
from quanze.pipeline import reconcile
from quanze.report import reconcile as report_reconcile
from quanze.report.parquet import pandas_unseen

result = reconcile(load_config(Path(sys.argv[1])))
out = Path(sys.argv[2])
report_reconcile.PARALLEL_ROWS = 0  # as a large run: two processes
written = report_reconcile.write_reconcile(out, result, lean_rows=0)
# The caller's process never loaded pandas for the Parquet files: the forked writer wrote them.
assert "pandas" not in sys.modules, "the caller imported pandas"
with pandas_unseen():
    try:
        import pandas
    except ImportError:
        pass
    else:
        raise AssertionError("pandas was importable inside pandas_unseen")
import pandas  # and importable again after it
import pyarrow.parquet as pq
assert {"matches.parquet", "gaps.parquet", "issues.parquet"} <= {p.name for p in written}
assert pq.read_table(out / "matches.parquet").num_rows == len(result.matches)
print("ok")
"""


def test_the_parquet_files_are_written_by_the_forked_writer_without_pandas(tmp_path: Path) -> None:
    # A process of its own: pyarrow and pandas, once imported by other tests, stay imported.
    import subprocess
    import sys

    config = fixtures.scenario(tmp_path / "s")
    done = subprocess.run(
        [sys.executable, "-c", PARQUET_IN_THE_WRITER, str(config), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
