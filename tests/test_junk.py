"""Junk rows and names: totals, 以下空白 markers, Excel errors, names that are no names, 序号 saved as dates."""

from __future__ import annotations

import pytest

from quanze.ingest.junk import is_error_value, junk_name, junk_row, seq_from_date
from quanze.models import IssueCode


@pytest.mark.parametrize(
    "row",
    [
        ["合计", None, "6"],
        [None, "合计：共6项", None],
        ["总计", "737"],
        ["本表共计5项"],
        ["以上共 12 项"],
        ["小计：3"],
        ["共 6 项（含子项 2 项）"],
        ["合计", "共51项", None, None],  # the total spread over two cells
        ["合计", "4项", None],  # the count alone beside 合计
        ["汇总", "5", None],  # an Excel table's total row
        ["本目录共255项"],
    ],
)
def test_total_rows(row: list[str | None]) -> None:
    assert junk_row(row) is not None and junk_row(row)[0] is IssueCode.TOTAL_ROW  # type: ignore[index]


@pytest.mark.parametrize(
    "row",
    [
        ["审核人：王某某", None, None, "联系电话：0000-1234567"],
        [None, "填表人：李某某", None, "填报日期：2024年4月2日"],
        [None, "单位负责人（签字）：", None, "（单位盖章）"],
        ["联系人：张三", "电话：12345678"],
        ["数据来源：某市一体化政务服务平台"],  # the footer lines of a platform export
        ["制表单位：某市政务服务中心", None, "制表时间：2024年5月6日"],
        ["统计截止日期：2024年5月6日"],
    ],
)
def test_signature_lines(row: list[str | None]) -> None:
    assert junk_row(row) is not None and junk_row(row)[0] is IssueCode.SIGNATURE_ROW  # type: ignore[index]


@pytest.mark.parametrize(
    "row",
    [
        ["1", "审核人员资格认定", "行政许可"],  # an item whose name starts like a signature word
        ["2", "负责人变更备案", "县市场监管局"],
        [
            "3",
            "联系电话：0000-1234567",
            "县商务局",
        ],  # a signature word beside an item's cells is no signature row
        ["4", "合计划生育证明", "2项"],
    ],
)
def test_items_are_not_signature_lines(row: list[str | None]) -> None:
    assert junk_row(row) is None


@pytest.mark.parametrize("text", ["以下空白", "（以下空白）", "以下无内容", "此页无正文", "【以下空白】"])
def test_blank_markers(text: str) -> None:
    assert junk_row([None, text]) == (IssueCode.BLANK_MARKER_ROW, junk_row([text])[1])  # type: ignore[index]


@pytest.mark.parametrize(
    "row",
    [
        ["1", "累计积分落户审核", "行政确认"],
        ["合计划生育证明"],
        ["1", "合计", "行政许可"],
        ["共有产权住房申请审核"],
        ["一、市住建局"],
    ],
)
def test_items_that_look_a_little_like_totals_are_not_junk(row: list[str | None]) -> None:
    assert junk_row(row) is None


@pytest.mark.parametrize("text", ["#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", " #n/a ", "#SPILL!"])
def test_error_values(text: str) -> None:
    assert is_error_value(text) and junk_name(text) is not None


@pytest.mark.parametrize("text", ["#1 燃气经营许可证核发", "N/A", "燃气经营许可证核发", None])
def test_not_error_values(text: str | None) -> None:
    assert not is_error_value(text)


@pytest.mark.parametrize(
    "text",
    [
        "\u200c\u2060",
        "\u3164",
        "2023-01-05",
        "2023-01-05T10:30:00",
        "是",
        "FALSE",
        "12",
        "\ufffd\ufffd\ufffd\ufffd",  # a GBK export decoded as UTF-8
        "锟斤拷锟斤拷锟",  # U+FFFD's bytes read as GBK
        "取水许可烫烫烫烫",
        "《中华人民共和国水法》第四十八条",  # the 设定依据 in the name column
        "《取水许可和水资源费征收管理条例》第二十条第一款",
        "取水许可证核发（工...",  # cut off by the page it was copied from
        "建筑工程施工许可证…",
    ],
)
def test_junk_names(text: str) -> None:
    assert junk_name(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "燃气经营许可证核发",
        "5G基站建设审批",
        "A级旅游景区评定",
        "对违反《条例》第12条的处罚",
        "《食品经营许可证》核发",
        "对……的处罚",
        "取水许可（含延续、变更等）。",
    ],
)
def test_real_names_are_not_junk(text: str) -> None:
    assert junk_name(text) is None


def test_seq_from_date() -> None:
    assert seq_from_date("2026-01-01") == "1-1"
    assert seq_from_date("2026-12-10") == "12-10"
    assert seq_from_date("1.1") is None and seq_from_date(None) is None


@pytest.mark.parametrize("text", ["-", "+", "（）", "A-B"])
def test_punctuation_names_are_left_to_the_placeholder_rules(text: str) -> None:
    assert junk_name(text) is None


@pytest.mark.parametrize(
    "row",
    [
        ["小计", "15项", None, "县市场监督管理局"],  # the block's organ beside its subtotal
        [None, "县交通运输局小计", None, "2项"],
        [None, None, "小计：4项"],
        ["行政许可小计", "共3项"],
        ["小计：6项", "县民政局"],
        ["小计", None, "行政许可", "5项"],  # a list grouped by category
    ],
)
def test_subtotal_rows(row: list[str | None]) -> None:
    assert junk_row(row) is not None and junk_row(row)[0] is IssueCode.TOTAL_ROW  # type: ignore[index]


@pytest.mark.parametrize(
    "row",
    [
        ["1", "统计执法检查", "行政检查", "县统计局"],
        ["2", "会计师事务所设立审批", "行政许可", "县财政局"],
        ["小计", "对违法行为的处罚", "县市场监督管理局"],  # an item's name beside the word is no subtotal
    ],
)
def test_items_are_not_subtotals(row: list[str | None]) -> None:
    assert junk_row(row) is None
