"""An acceptance row counted as a devolved item by its name but written with another code is said, not silent."""

from __future__ import annotations

from pathlib import Path

from quanze.config import load_config
from quanze.models import IssueCode
from quanze.pipeline import reconcile

import fixtures


def _dongcheng(folder: Path, code: str | None) -> Path:
    """The scenario with 东城县's 燃气经营许可证核发 row written with `code` (the devolution list: 511A0001000000)."""
    config = fixtures.scenario(folder)
    fixtures.acceptance(
        folder / "东城县.xlsx",
        [
            [1, "燃气经营许可证核发", code, "认领"],
            [2, "食品生产许可", "511A0002000000", "不认领"],
            [3, "食品经营许可（县级）", None, "认领"],
        ],
    )
    return config


def test_a_row_whose_code_is_another_is_counted_by_name_and_said(tmp_path: Path) -> None:
    result = reconcile(load_config(_dongcheng(tmp_path / "s", "511A0001100000")))  # a neighbouring code typed
    said = [i for i in result.issues if i.code is IssueCode.ACCEPTANCE_CODE_DIFFERS]
    assert [(i.file.endswith("东城县.xlsx"), i.row, i.value) for i in said] == [(True, 2, "511A0001100000")]
    assert "511A0001000000" in said[0].message and "燃气经营许可证核发" in said[0].message
    row = next(a for a in result.acceptance if a.unit == "东城县")
    assert row.accepted == 2  # the name decided: still counted, now with the unit told


def test_the_same_code_written_otherwise_or_no_code_is_no_issue(tmp_path: Path) -> None:
    for code in ("511A0001000000", None):
        result = reconcile(load_config(_dongcheng(tmp_path / str(code), code)))
        assert not [i for i in result.issues if i.code is IssueCode.ACCEPTANCE_CODE_DIFFERS]
