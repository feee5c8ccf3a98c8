"""The public Python API: the names in quanze.__all__, and results as pandas DataFrames."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import quanze

import fixtures


def test_every_public_name_resolves() -> None:
    for name in quanze.__all__:
        assert getattr(quanze, name) is not None, name


def test_importing_quanze_loads_no_heavy_module() -> None:
    """`import quanze` stays cheap: the command line pays only for what a command uses."""
    code = "import sys, quanze; print(sorted(m for m in ('quanze.pipeline', 'quanze.match', 'pandas') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_reconcile_result_as_dataframes(tmp_path: Path) -> None:
    config = quanze.load_config(fixtures.scenario(tmp_path / "s"))
    result = quanze.reconcile(config)
    frames = result.to_pandas()
    assert set(frames) == {"matches", "gaps", "usage", "acceptance", "cascade", "issues"}
    gaps = frames["gaps"]
    assert len(gaps) == len(result.gaps)
    assert list(gaps.columns) == list(quanze.GapRow.model_fields)
    assert sorted(zip(gaps["gap_type"], gaps["unit"], gaps["item_name"], strict=True)) == sorted(
        (g.gap_type.value, g.unit, g.item_name) for g in result.gaps
    )
    assert len(frames["matches"]) == len(result.matches)


def test_diff_result_as_dataframes(tmp_path: Path) -> None:
    old = fixtures.city_list(tmp_path / "old.xlsx")
    new = fixtures.city_list(tmp_path / "new.xlsx")
    result = quanze.diff_lists(quanze.read_file(old).powers, quanze.read_file(new).powers)
    rows = result.to_pandas()["rows"]
    assert len(rows) == len(result.rows) and set(rows["change"]) == {"unchanged"}
