"""An acceptance row paired with a devolved item on a near name: kept only on evidence, never silent."""

from __future__ import annotations

from pathlib import Path

import pytest

from quanze.config import load_config
from quanze.models import IssueCode
from quanze.near_pairs import slipped_in
from quanze.pipeline import reconcile
from quanze.results import GapType

import fixtures


@pytest.mark.parametrize(
    ("a", "b", "one"),
    [
        ("档案材料补充", "档案材相关料补充", True),  # characters slipped into the middle: a typo
        ("户外广告设置许可", "户外广告设施设置许可", True),
        ("结婚登记预约", "结婚登记", False),  # a word added at the end: another item
        ("基本医疗保险定点零售药店费用结算", "基本医疗保险定点医疗机构费用结算", False),  # words swapped
        ("土壤污染防治工作方案备案", "土壤污染状况调查报告备案", False),
    ],
)
def test_near_names_of_one_item(a: str, b: str, one: bool) -> None:
    assert slipped_in(a, b) is one and slipped_in(b, a) is one


def near_named_row_added(folder: Path, name: str) -> Path:
    """The scenario with one row added to 东城县's list, near in name to 户外广告设置许可, which it did not list."""
    config = fixtures.scenario(folder)
    fixtures.acceptance(
        folder / "东城县.xlsx",
        [
            [1, "燃气经营许可证核发", "511A0001000000", "认领"],
            [2, "食品生产许可", "511A0002000000", "不认领"],
            [3, "食品经营许可（县级）", None, "认领"],
            [4, name, None, "认领"],
        ],
    )
    return config


def test_a_different_item_on_a_near_name_is_not_counted_as_accepted(tmp_path: Path) -> None:
    result = reconcile(load_config(near_named_row_added(tmp_path / "s", "户外广告设置许可预约")))
    dongcheng = [g for g in result.gaps if g.unit == "东城县"]
    not_accepted = {g.item_name: g.detail for g in dongcheng if g.gap_type is GapType.NOT_ACCEPTED}
    assert "户外广告设置许可" in not_accepted and "户外广告设置许可预约" in not_accepted["户外广告设置许可"]
    assert {g.item_name for g in dongcheng if g.gap_type is GapType.NOT_DEVOLVED} == {"户外广告设置许可预约"}
    said = [i for i in result.issues if i.code is IssueCode.NEAR_NAME_PAIRING]
    assert [(i.row, "not counted" in i.message) for i in said] == [(5, True)]
    row = next(a for a in result.acceptance if a.unit == "东城县")
    assert (row.accepted, row.missing, row.extra) == (2, 1, 1)


def test_a_slip_in_the_name_is_counted_and_said(tmp_path: Path) -> None:
    result = reconcile(load_config(near_named_row_added(tmp_path / "s", "户外广告设施设置许可")))
    dongcheng = [g for g in result.gaps if g.unit == "东城县"]
    assert "户外广告设置许可" not in {g.item_name for g in dongcheng if g.gap_type is GapType.NOT_ACCEPTED}
    said = [i for i in result.issues if i.code is IssueCode.NEAR_NAME_PAIRING]
    assert [(i.row, "is counted as the devolved item" in i.message) for i in said] == [(5, True)]
