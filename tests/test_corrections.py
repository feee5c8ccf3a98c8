"""A correction appended to a unit's acceptance list: the later answer counts, and the conflict is said."""

from __future__ import annotations

from pathlib import Path

from quanze.config import load_config
from quanze.models import IssueCode
from quanze.pipeline import reconcile
from quanze.results import GapType

import fixtures


def correction_rows_appended(folder: Path) -> Path:
    """The scenario with 东城县's list corrected by hand: 食品生产许可 (不认领 in row 3) appended again as 认领,
    燃气经营许可证核发 (认领 in row 2) appended again as 不认领."""
    config = fixtures.scenario(folder)
    fixtures.acceptance(
        folder / "东城县.xlsx",
        [
            [1, "燃气经营许可证核发", "511A0001000000", "认领"],
            [2, "食品生产许可", "511A0002000000", "不认领"],
            [3, "食品经营许可（县级）", None, "认领"],
            [4, "建筑垃圾处置核准", None, "认领"],
            [5, "食品生产许可", "511A0002000000", "认领"],
            [6, "燃气经营许可证核发", None, "不认领"],
        ],
    )
    return config


def test_the_later_answer_counts_and_the_conflict_names_both_rows(tmp_path: Path) -> None:
    result = reconcile(load_config(correction_rows_appended(tmp_path / "s")))
    conflicts = sorted(
        (i for i in result.issues if i.code is IssueCode.CONFLICTING_ACCEPTANCE), key=lambda i: i.row or 0
    )
    assert [(i.row, i.value) for i in conflicts] == [(6, "认领"), (7, "不认领")]
    assert "row 3 “不认领” and row 6 “认领”" in conflicts[0].message
    dongcheng = [g for g in result.gaps if g.unit == "东城县"]
    refused = {g.item_name for g in dongcheng if g.gap_type is GapType.NOT_ACCEPTED}
    assert "燃气经营许可证核发" in refused and "食品生产许可" not in refused
    # The corrected rows are no items outside the devolution list.
    extra = {g.item_name for g in dongcheng if g.gap_type is GapType.NOT_DEVOLVED}
    assert extra == {"建筑垃圾处置核准"}
    row = next(a for a in result.acceptance if a.unit == "东城县")
    assert (row.refused, row.extra) == (1, 1)


def test_a_repeat_with_the_same_answer_is_no_conflict(tmp_path: Path) -> None:
    config = fixtures.scenario(tmp_path / "s")
    fixtures.acceptance(
        tmp_path / "s" / "东城县.xlsx",
        [[1, "燃气经营许可证核发", "511A0001000000", "认领"], [2, "燃气经营许可证核发", None, "同意承接"]],
    )
    result = reconcile(load_config(config))
    assert not [i for i in result.issues if i.code is IssueCode.CONFLICTING_ACCEPTANCE]
