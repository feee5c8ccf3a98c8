"""Acceptance lists that say nothing about acceptance, read or said loudly (quanze.ingest.acceptance_shape)."""

from __future__ import annotations

from pathlib import Path

import pytest

from quanze.check import LOUD_WARNINGS
from quanze.config import load_config
from quanze.models import IssueCode
from quanze.pipeline import reconcile

import fixtures


def acceptance_opinion_heading(path: Path, heading: str) -> Path:
    """东城县's list with its answer headed as an opinion (承接意见: 同意承接 / 暂不承接)."""
    return fixtures.xlsx(
        path,
        {
            "Sheet1": [
                ["序号", "事项名称", "事项编码", heading],
                [1, "燃气经营许可证核发", "511A0001000000", "同意承接"],
                [2, "食品生产许可", "511A0002000000", "暂不承接"],
                [3, "食品经营许可（县级）", None, "同意承接"],
            ]
        },
    )


def acceptance_list_without_column(path: Path, extra: str | None = None) -> Path:
    """东城县's list naming items only, with no 认领 column (optionally a column under a heading not read)."""
    header = ["序号", "事项名称", "事项编码"] + ([extra] if extra else [])
    rows = [
        [1, "燃气经营许可证核发", "511A0001000000"],
        [2, "食品生产许可", "511A0002000000"],
        [3, "食品经营许可（县级）", None],
    ]
    return fixtures.xlsx(path, {"Sheet1": [header, *[r + (["不同意"] if extra else []) for r in rows]]})


def devolution_list_as_acceptance(path: Path) -> Path:
    """Last year's devolution list (下放方式 / 承接单位 columns, no 认领 column) picked as 东城县's list."""
    rows = [list(r) for r in fixtures.CITY_ROWS[:3]]  # not a byte copy: a row fewer, another mode
    rows[1][5] = "直接下放"
    return fixtures.xlsx(path, {"Sheet1": [["某市下放事项（上一年度）"], fixtures.CITY_HEADER, *rows]})


@pytest.mark.parametrize("heading", ["承接意见", "认领意见", "是否同意承接", "承接意见（认领/不认领）"])
def test_an_opinion_heading_is_read_as_acceptance(tmp_path: Path, heading: str) -> None:
    config = fixtures.scenario(tmp_path / "s")
    acceptance_opinion_heading(tmp_path / "s" / "东城县.xlsx", heading)
    result = reconcile(load_config(config))
    dongcheng = next(a for a in result.acceptance if a.unit == "东城县")
    assert dongcheng.refused == 1  # 暂不承接 is a refusal, never 认领
    assert not [i for i in result.issues if i.code is IssueCode.NO_ACCEPTANCE_COLUMN]


def test_a_list_with_no_acceptance_column_is_said_loudly(tmp_path: Path) -> None:
    config = fixtures.scenario(tmp_path / "s")
    acceptance_list_without_column(tmp_path / "s" / "东城县.xlsx", extra="单位反馈")
    result = reconcile(load_config(config))
    found = [i for i in result.issues if i.code is IssueCode.NO_ACCEPTANCE_COLUMN]
    assert [i.value for i in found] == ["东城县"] and IssueCode.NO_ACCEPTANCE_COLUMN in LOUD_WARNINGS
    assert "every one of its 3 items counts as 认领" in found[0].message


def test_an_unread_column_that_may_hold_acceptance_is_named(tmp_path: Path) -> None:
    config = fixtures.scenario(tmp_path / "s")
    acceptance_list_without_column(tmp_path / "s" / "东城县.xlsx", extra="单位承接反馈意见")
    found = [i for i in reconcile(load_config(config)).issues if i.code is IssueCode.NO_ACCEPTANCE_COLUMN]
    assert found and found[0].column == "单位承接反馈意见" and "[aliases.headers]" in found[0].message


def test_a_devolution_list_given_as_an_acceptance_list_is_said_as_such(tmp_path: Path) -> None:
    config = fixtures.scenario(tmp_path / "s")
    devolution_list_as_acceptance(tmp_path / "s" / "东城县.xlsx")
    result = reconcile(load_config(config))
    found = [i for i in result.issues if i.code is IssueCode.DEVOLUTION_LIST_AS_ACCEPTANCE]
    assert [i.value for i in found] == ["东城县"] and IssueCode.DEVOLUTION_LIST_AS_ACCEPTANCE in LOUD_WARNINGS
    assert "looks like a devolution list" in found[0].message
    assert not [i for i in result.issues if i.code is IssueCode.NO_ACCEPTANCE_COLUMN]


def test_a_list_with_its_acceptance_column_raises_neither(tmp_path: Path) -> None:
    result = reconcile(load_config(fixtures.scenario(tmp_path / "s")))
    codes = {i.code for i in result.issues}
    assert not codes & {IssueCode.NO_ACCEPTANCE_COLUMN, IssueCode.DEVOLUTION_LIST_AS_ACCEPTANCE}
