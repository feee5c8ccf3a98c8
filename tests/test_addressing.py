"""Unit addressing: 承接单位 cells as offices write them, read into the set of units they address."""

from __future__ import annotations

from pathlib import Path

import pytest

from quanze.addressing import Addressing
from quanze.config import load_config
from quanze.models import IssueCode, Severity
from quanze.pipeline import reconcile
from quanze.results import GapType

import fixtures

UNITS = ["岚山县", "桐溪县", "柏川市", "石门区", "临川经济技术开发区", "云岭镇", "北关街道"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, UNITS),
        ("各县（市）", ["岚山县", "桐溪县", "柏川市"]),
        ("县（市）人民政府", ["岚山县", "桐溪县", "柏川市"]),
        ("县级", ["岚山县", "桐溪县", "柏川市", "石门区"]),
        ("各县（市、区）", ["岚山县", "桐溪县", "柏川市", "石门区"]),
        ("各县（市）（桐溪县除外）", ["岚山县", "柏川市"]),
        ("除桐溪县外的各县（市）", ["岚山县", "柏川市"]),
        ("除岚山县、柏川市以外的各县（市、区）", ["桐溪县", "石门区"]),
        ("各县（市、区），不含石门区", ["岚山县", "桐溪县", "柏川市"]),
        ("岚山县、桐溪县", ["岚山县", "桐溪县"]),
        ("岚山县和石门区", ["岚山县", "石门区"]),
        ("岚山、柏川", ["岚山县", "柏川市"]),
        ("经开区", ["临川经济技术开发区"]),
        ("各县（市、区）、经开区", ["岚山县", "桐溪县", "柏川市", "石门区", "临川经济技术开发区"]),
        ("委托桐溪县自然资源局实施", ["桐溪县"]),
        ("由各县（市）人民政府负责实施", ["岚山县", "桐溪县", "柏川市"]),
        ("各乡镇（街道）", ["云岭镇", "北关街道"]),
        ("全市", UNITS),
        ("所辖各县（市、区）", ["岚山县", "桐溪县", "柏川市", "石门区"]),
        ("各县（市、区）及经开区", ["岚山县", "桐溪县", "柏川市", "石门区", "临川经济技术开发区"]),
        ("各县（市、区）人民政府（管委会）", ["岚山县", "桐溪县", "柏川市", "石门区", "临川经济技术开发区"]),
        ("市经开区", ["临川经济技术开发区"]),
        ("岚山县 桐溪县", ["岚山县", "桐溪县"]),
        ("县级及以下", ["岚山县", "桐溪县", "柏川市", "石门区", "云岭镇", "北关街道"]),
        ("各县市区", ["岚山县", "桐溪县", "柏川市", "石门区"]),
        # The exclusion as a clause of its own after the list.
        ("各县（市、区），桐溪县除外", ["岚山县", "柏川市", "石门区"]),
        ("各县（市、区）；岚山县、石门区除外", ["桐溪县", "柏川市"]),
        # Every unit of a kind, through its departments.
        ("各县（市、区）行政审批局", ["岚山县", "桐溪县", "柏川市", "石门区"]),
        ("县（市）自然资源部门", ["岚山县", "桐溪县", "柏川市"]),
        ("委托各县（市、区）自然资源主管部门", ["岚山县", "桐溪县", "柏川市", "石门区"]),
        ("县级住建部门", ["岚山县", "桐溪县", "柏川市", "石门区"]),
        ("各县（市、区）相关部门", ["岚山县", "桐溪县", "柏川市", "石门区"]),
    ],
)
def test_receiving_unit_phrases(text: str | None, expected: list[str]) -> None:
    address = Addressing().parse(text)
    assert not address.unparsed
    assert [u for u in UNITS if address.includes(u)] == expected


def test_an_exclusion_is_never_read_as_an_inclusion() -> None:
    for text in ("各县（市）（桐溪县除外）", "除桐溪县外的各县（市）", "各县（市），桐溪县除外"):
        assert not Addressing().addressed_to(text, "桐溪县")


def test_configured_phrases() -> None:
    addressing = Addressing({"山区两县": ("岚山县", "桐溪县"), "临港区": ("临川经济技术开发区",)})
    assert [u for u in UNITS if addressing.addressed_to("山区两县", u)] == ["岚山县", "桐溪县"]
    assert [u for u in UNITS if addressing.addressed_to("临港区、柏川市", u)] == [
        "柏川市",
        "临川经济技术开发区",
    ]


def test_an_unreadable_cell_is_a_row_issue(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    config = fixtures.scenario(folder)
    rows = [list(r) for r in fixtures.CITY_ROWS]
    rows[3][6] = "有关单位"
    fixtures.xlsx(folder / "city.xlsx", {"Sheet1": [["某市下放事项"], fixtures.CITY_HEADER, *rows]})
    result = reconcile(load_config(config))
    issues = [i for i in result.issues if i.code is IssueCode.UNPARSED_RECEIVING_UNIT]
    assert [(Path(i.file).name, i.sheet, i.row, i.column, i.value, i.severity) for i in issues] == [
        ("city.xlsx", "Sheet1", 6, "承接单位", "有关单位", Severity.WARNING)
    ]
    assert "[aliases.units]" in issues[0].message
    # Read as addressed to every unit, so 西河县's silence on it is a gap to look at, not a hidden one.
    not_accepted = {(g.unit, g.item_name) for g in result.gaps if g.gap_type is GapType.NOT_ACCEPTED}
    assert ("西河县", "户外广告设置许可") in not_accepted


def test_aliases_units_in_quanze_toml(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    config = fixtures.scenario(folder)
    rows = [list(r) for r in fixtures.CITY_ROWS]
    rows[3][6] = "城郊片区"  # 户外广告设置许可 to a phrase only the config explains
    fixtures.xlsx(folder / "city.xlsx", {"Sheet1": [["某市下放事项"], fixtures.CITY_HEADER, *rows]})
    text = config.read_text("utf-8")
    config.write_text(text + '\n[aliases.units]\n"城郊片区" = ["西河县"]\n', encoding="utf-8")
    result = reconcile(load_config(config))
    assert not [i for i in result.issues if i.code is IssueCode.UNPARSED_RECEIVING_UNIT]
    not_accepted = {(g.unit, g.item_name) for g in result.gaps if g.gap_type is GapType.NOT_ACCEPTED}
    assert not_accepted == {("东城县", "食品生产许可"), ("西河县", "户外广告设置许可")}


def test_a_unit_labelled_by_its_file_name() -> None:
    # An acceptance list given as a bare FILE takes its unit from the file name.
    addressing = Addressing()
    for label in ("桐溪县承接清单", "承接清单_桐溪县", "2023桐溪县认领情况"):
        assert addressing.addressed_to("各县（市）", label)
        assert addressing.addressed_to("岚山县、桐溪县", label)
        assert not addressing.addressed_to("除桐溪县外的各县（市）", label)


def test_prefecture_level_phrases() -> None:
    cities = ["安平市", "临川市", "甘孜州", "岚山县"]
    for text in ("各设区市", "各设区的市", "各市（州）", "各地级市"):
        address = Addressing().parse(text)
        assert [u for u in cities if address.includes(u)] == ["安平市", "临川市", "甘孜州"], text


def test_a_list_cut_short_is_reported_not_guessed() -> None:
    assert Addressing().parse("岚山县等2个县").unparsed == ("岚山县等2个县",)


def test_a_misspelt_unit_is_a_row_issue(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    config = fixtures.scenario(folder)
    rows = [list(r) for r in fixtures.CITY_ROWS]
    rows[3][6] = "东城县、西和县"  # 西河县 misspelt
    fixtures.xlsx(folder / "city.xlsx", {"Sheet1": [["某市下放事项"], fixtures.CITY_HEADER, *rows]})
    result = reconcile(load_config(config))
    issues = [i for i in result.issues if i.code is IssueCode.UNKNOWN_RECEIVING_UNIT]
    assert [(i.row, i.value) for i in issues] == [(6, "东城县、西和县")]
    assert "西和县" in issues[0].message and "西河县" in issues[0].message


def test_a_zone_given_by_its_short_name_is_addressed_by_its_full_name() -> None:
    """The config names the zone 高新区; the city list writes 鹭江高新技术产业开发区 (or 鹭江高新区)."""
    a = Addressing()
    for text in ("鹭江高新技术产业开发区", "各县（市、区）、鹭江高新区", "鹭江高新区管委会"):
        assert a.addressed_to(text, "高新区"), text
    assert not a.addressed_to("鹭江经济技术开发区", "高新区")


def test_a_kind_word_excluded_is_no_unknown_unit() -> None:
    """各县（区）（开发区除外）: 开发区 names the run's zone by its kind, as in 各县（区）、开发区."""
    from quanze.models import PowerItem, Provenance

    units = ["东城县", "西河县", "安平经济技术开发区"]
    src = Provenance(file="下放.xlsx", sheet="Sheet1", row=3)
    powers = [
        PowerItem(name="社会保障卡启用", receiving_unit="各县（区）（开发区除外）", source=src),
        PowerItem(name="就业登记", receiving_unit="东城县、南湖县", source=src),
    ]
    issues = [i for i in Addressing({}).issues(powers, units) if i.code is IssueCode.UNKNOWN_RECEIVING_UNIT]
    assert len(issues) == 1 and issues[0].message.startswith("“南湖县” is none of the units given")
    assert not Addressing({}).parse("各县（区）（开发区除外）").includes("安平经济技术开发区")
