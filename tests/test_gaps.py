"""Gaps: each gap type on the hand-built scenario, with the expected rows written out."""

from __future__ import annotations

from pathlib import Path

import pytest

from quanze.config import load_config
from quanze.gaps import catalogue_gaps, overlap_gaps, same_entry, supervision_gaps
from quanze.match import match_catalogue
from quanze.models import IssueCode, PowerItem, Provenance, ServiceItem
from quanze.pipeline import reconcile
from quanze.results import GapRow, GapType
from quanze.vocab import acceptance_of, is_refusal, keeps_item

import fixtures


def _gaps(tmp_path: Path) -> dict[GapType, set[tuple[str | None, str]]]:
    result = reconcile(load_config(fixtures.scenario(tmp_path / "s")))
    out: dict[GapType, set[tuple[str | None, str]]] = {}
    for g in result.gaps:
        out.setdefault(g.gap_type, set()).add((g.unit, g.item_name))
    return out


def test_each_gap_type(tmp_path: Path) -> None:
    gaps = _gaps(tmp_path)
    assert gaps[GapType.NOT_ACCEPTED] == {("东城县", "食品生产许可"), ("东城县", "户外广告设置许可")}
    assert gaps[GapType.NOT_DEVOLVED] == {("东城县", "建筑垃圾处置核准")}
    assert gaps[GapType.ORPHAN_SERVICE_ITEM] == {("东城县", "城市道路占用挖掘许可")}
    assert gaps[GapType.NO_SUPERVISION] == {("东城县", "食品经营许可"), ("西河县", "食品经营许可")}
    assert gaps[GapType.UNUSED] == {("东城县", "燃气经营许可证（变更）")}
    # 东城县 wrote the devolved name (its level qualifier aside); 西河县 changed the act word.
    assert gaps[GapType.NAME_MISMATCH] == {("西河县", "食品经营许可")}
    # 户外广告 was devolved to 东城县 only and has no service item there, but 东城县 did not accept it:
    # it is reported as not-accepted, not as a missing service item.
    assert GapType.NO_SERVICE_ITEM not in gaps


def test_no_service_item_when_accepted(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    config = fixtures.scenario(folder)
    fixtures.acceptance(
        folder / "东城县.xlsx",
        [
            [1, "燃气经营许可证核发", None, "认领"],
            [2, "食品生产许可", None, "认领"],
            [3, "食品经营许可", None, "认领"],
            [4, "户外广告设置许可", None, "认领"],
        ],
    )
    result = reconcile(load_config(config))
    missing = {(g.unit, g.item_name) for g in result.gaps if g.gap_type is GapType.NO_SERVICE_ITEM}
    assert missing == {("东城县", "食品生产许可"), ("东城县", "户外广告设置许可")}
    progress = {a.unit: (a.devolved, a.accepted, a.refused, a.missing) for a in result.acceptance}
    assert progress == {"东城县": (4, 4, 0, 0), "西河县": (3, 3, 0, 0)}


def test_usage_rate_per_department(tmp_path: Path) -> None:
    result = reconcile(load_config(fixtures.scenario(tmp_path / "s")))
    rates = {(u.unit, u.department): (u.items, u.used) for u in result.usage}
    assert rates[("东城县", "住房和城乡建设局")] == (2, 1)
    assert rates[("西河县", "市场监督管理局")] == (2, 2)


def test_gaps_command_writes_only_gaps(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from quanze.cli import app

    config = fixtures.scenario(tmp_path / "s")
    out = tmp_path / "g"
    result = CliRunner().invoke(app, ["gaps", "--config", str(config), "--out", str(out), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["not-accepted"] == 2
    assert sorted(p.name for p in out.iterdir()) == ["gaps.csv", "gaps.xlsx"]


def test_a_service_item_with_only_a_review_candidate_is_a_pending_orphan(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    config = fixtures.scenario(folder)
    # 户外广告设施设置审批 is only a review candidate for 户外广告设置许可: an orphan until confirmed.
    fixtures.catalogue(
        folder / "catalogue.xlsx", [[8, "东城县", "东城县城管局", None, "户外广告设施设置审批", None, 2]]
    )
    result = reconcile(load_config(config))
    orphans = {
        (g.unit, g.item_name, g.status.value)
        for g in result.gaps
        if g.gap_type is GapType.ORPHAN_SERVICE_ITEM
    }
    assert orphans == {
        ("东城县", "城市道路占用挖掘许可", "confirmed"),
        ("东城县", "户外广告设施设置审批", "pending-review"),
    }
    pending = next(g for g in result.gaps if g.status.value == "pending-review")
    assert "户外广告设置许可" in pending.detail and pending.service_name == "户外广告设施设置审批"
    from typer.testing import CliRunner

    from quanze.cli import app

    shown = CliRunner().invoke(app, ["gaps", "-c", str(config), "-o", str(tmp_path / "g")])
    assert "orphan-service-item         2  (1 待复核 pending review)" in shown.stdout


def _catalogue_gaps(entries: dict[str, list[str]]) -> list[GapRow]:
    src = Provenance(file="目录.xlsx", sheet="Sheet1", row=1)
    powers = [
        PowerItem(name="燃气经营许可证核发", code="P1", source=src),
        PowerItem(name="社会团体成立登记", code="P2", source=src),
    ]
    services = [ServiceItem(name=n, unit=u, source=src) for u, names in entries.items() for n in names]
    return catalogue_gaps(powers, services, match_catalogue(powers, services))


def test_name_mismatch_compares_each_entry_of_an_item() -> None:
    rows = _catalogue_gaps(
        {
            "岚山县": ["燃气经营许可证核发", "燃气经营许可证新办", "社会团体成立登记"],
            "桐溪县": ["燃气经营许可证发放", "燃气经营许可证注销", "社会团体成立登记办理"],
            "柏川市": [
                "燃气经营许可证核发",
                "燃气经营许可证（新办）",
                "燃气经营许可证变更",
                "社会团体成立登记",
            ],
        }
    )
    mismatch = [g for g in rows if g.gap_type is GapType.NAME_MISMATCH]
    # 新办, 注销 and 变更 are different entries of one power; 核发 → 发放 and 登记 → 登记办理 are not.
    assert sorted((g.unit, g.power_code, g.power_name, g.service_name) for g in mismatch) == [
        ("桐溪县", "P1", "燃气经营许可证核发", "燃气经营许可证发放"),
        ("桐溪县", "P2", "社会团体成立登记", "社会团体成立登记办理"),
    ]
    assert "其他单位为“燃气经营许可证核发”" in mismatch[0].detail
    assert "岚山县：燃气经营许可证核发" in mismatch[0].detail


def test_every_gap_row_names_power_unit_entry_and_status(tmp_path: Path) -> None:
    result = reconcile(load_config(fixtures.scenario(tmp_path / "s")))
    unused = next(g for g in result.gaps if g.gap_type is GapType.UNUSED)
    assert (
        unused.unit,
        unused.power_code,
        unused.power_name,
        unused.service_name,
        unused.status.value,
    ) == ("东城县", "511A0001000000", "燃气经营许可证核发", "燃气经营许可证（变更）", "confirmed")
    for g in result.gaps:
        assert g.unit and g.status
        if g.gap_type is not GapType.ORPHAN_SERVICE_ITEM:
            assert g.power_name, g
    supervision = [g for g in result.gaps if g.gap_type is GapType.NO_SUPERVISION]
    assert sorted((g.unit, g.power_name) for g in supervision) == [
        ("东城县", "食品经营许可"),
        ("西河县", "食品经营许可"),
    ]


def test_gaps_files_carry_status_and_service_entry(tmp_path: Path) -> None:
    import csv

    from openpyxl import load_workbook
    from typer.testing import CliRunner

    from quanze.cli import app

    config = fixtures.scenario(tmp_path / "s")
    out = tmp_path / "g"
    assert CliRunner().invoke(app, ["gaps", "-c", str(config), "-o", str(out)]).exit_code == 0
    with (out / "gaps.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    unused = next(r for r in rows if r["gap_type"] == "unused")
    assert (unused["status"], unused["power_name"], unused["service_name"]) == (
        "confirmed",
        "燃气经营许可证核发",
        "燃气经营许可证（变更）",
    )
    sheet = load_workbook(out / "gaps.xlsx")["缺口"]
    assert sheet["A1"].value.startswith("缺口明细")  # a title row above the table
    header = [c.value for c in sheet[2]]
    assert {"状态", "权力事项名称", "服务事项名称"} <= set(header)
    assert header[0] == "缺口类型" and header[-1] == "类型代码"  # the Chinese label leads, the code follows


def test_overlap_same_power_in_two_departments_of_one_list() -> None:
    def row(n: int, name: str, dept: str) -> PowerItem:
        return PowerItem(
            name=name, department=dept, source=Provenance(file="岚山县.xlsx", sheet="清单", row=n)
        )

    items = [
        row(2, "河道采砂许可", "岚山县水利局"),
        row(3, "河道采砂审批", "岚山县自然资源局"),  # the same power, act word aside: 职责交叉
        row(4, "食品生产许可", "岚山县市场监管局"),
        row(5, "食品经营许可", "岚山县商务局"),  # a near-twin, a different power
        row(6, "取水许可", "岚山县水利局"),
        row(7, "取水许可", "岚山县水务局"),  # 水务局 and 水利局 are one department
    ]
    rows = overlap_gaps([("岚山县", items)])
    assert sorted((g.gap_type, g.unit, g.item_name, g.department, g.source) for g in rows) == [
        (GapType.OVERLAP, "岚山县", "河道采砂审批", "岚山县自然资源局", "岚山县.xlsx › 清单 › 3"),
        (GapType.OVERLAP, "岚山县", "河道采砂许可", "岚山县水利局", "岚山县.xlsx › 清单 › 2"),
    ]
    assert "岚山县自然资源局" in rows[0].detail and "岚山县水利局" in rows[0].detail


def test_a_power_with_only_review_candidates_is_a_pending_no_service_item(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    config = fixtures.scenario(folder)
    # 西河县 accepts 户外广告设置许可 too, and its platform holds only a review candidate for it.
    rows = [list(r) for r in fixtures.CITY_ROWS]
    rows[3][6] = "东城县、西河县"
    fixtures.xlsx(folder / "city.xlsx", {"Sheet1": [["某市下放事项"], fixtures.CITY_HEADER, *rows]})
    fixtures.acceptance(
        folder / "西河县.xlsx",
        [
            [1, "燃气经营许可证核发", None, "认领"],
            [2, "食品生产许可", None, "认领"],
            [3, "食品经营许可证核发", None, "认领"],
            [4, "户外广告设置许可", None, "认领"],
        ],
    )
    fixtures.catalogue(
        folder / "catalogue.xlsx", [[8, "西河县", "西河县城管局", None, "户外广告设施设置审批", None, 2]]
    )
    result = reconcile(load_config(config))
    rows_found = {
        (g.gap_type.value, g.unit, g.item_name, g.status.value)
        for g in result.gaps
        if g.gap_type in (GapType.NO_SERVICE_ITEM, GapType.ORPHAN_SERVICE_ITEM) and g.unit == "西河县"
    }
    assert rows_found == {
        ("no-service-item", "西河县", "户外广告设置许可", "pending-review"),
        ("orphan-service-item", "西河县", "户外广告设施设置审批", "pending-review"),
    }


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("燃气经营许可证核发", "燃气经营许可证发放", True),  # another act word
        ("社会团体成立登记", "社会团体成立登记办理", True),  # 办理 added
        ("犬类准养证核发（延续）", "犬类准养证相核发（延续）", True),  # a slipped character
        ("计量标准器具核准", "计量标准器具核准复查", False),  # a word added at the end: another entry
        ("宗教活动场所登记审批", "宗教活动场所变更登记审批", False),  # a handling word inside
        ("农民专业合作社注销登记", "农民专业合作社（联合社）注销登记", False),  # a bracketed qualifier
        ("雷电防护装置竣工验收", "雷电防护装置设计审核", False),  # words swapped
    ],
)
def test_same_entry(a: str, b: str, same: bool) -> None:
    assert same_entry(a, b) is same


def test_a_unit_that_lists_both_wordings_has_two_entries() -> None:
    rows = _catalogue_gaps(
        {
            "岚山县": ["社会团体成立登记", "社会团体成立登记办理"],
            "桐溪县": ["社会团体成立登记办理"],
            "柏川市": ["社会团体成立登记"],
        }
    )
    assert [g for g in rows if g.gap_type is GapType.NAME_MISMATCH] == []


def test_one_units_wordings_of_a_power_are_its_entries_not_a_mismatch() -> None:
    # A province's powers are per unit: each links only that unit's entries, however they are worded.
    rows = _catalogue_gaps({"岚山县": ["社会团体成立登记", "社会团体成立登记办理", "燃气经营许可证发放"]})
    assert [g for g in rows if g.gap_type is GapType.NAME_MISMATCH] == []
    two_units = _catalogue_gaps({"岚山县": ["社会团体成立登记"], "桐溪县": ["社会团体成立登记办理"]})
    assert [g.unit for g in two_units if g.gap_type is GapType.NAME_MISMATCH] == ["岚山县", "桐溪县"]


def test_a_generic_short_name_is_not_an_overlap() -> None:
    src = Provenance(file="岚山县.xlsx", sheet="清单", row=2)
    items = [
        PowerItem(name="监督检查", department="岚山县水利局", source=src),
        PowerItem(name="监督检查", department="岚山县林业局", source=src),
    ]
    assert overlap_gaps([("岚山县", items)]) == []


def test_not_devolved_says_where_the_item_went(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    config = fixtures.scenario(folder)
    fixtures.acceptance(
        folder / "西河县.xlsx",
        [
            [1, "燃气经营许可证核发", None, "认领"],
            [2, "食品生产许可", None, "认领"],
            [3, "食品经营许可证核发", None, "认领"],
            [4, "户外广告设置许可", None, "认领"],  # devolved to 东城县 only
            [5, "城市道路挖掘许可", None, "不认领"],  # refused and never devolved: nothing was taken on
        ],
    )
    result = reconcile(load_config(config))
    rows = {(g.unit, g.item_name, g.detail) for g in result.gaps if g.gap_type is GapType.NOT_DEVOLVED}
    assert rows == {
        ("东城县", "建筑垃圾处置核准", "承接清单中有，但下放清单未下放给该单位"),
        (
            "西河县",
            "户外广告设置许可",
            "承接清单中有，但下放清单将“户外广告设置许可”下放给“东城县”，不含该单位",
        ),
    }


@pytest.mark.parametrize(
    ("word", "refused"),
    [
        ("不认领", True),
        ("暂不承接", True),
        ("不予认领", True),
        ("未承接", True),
        ("暂缓承接", True),
        ("否", True),
        (" 不 承 接 ", True),
        ("认领", False),
        ("已承接", False),
        ("是", False),
        ("认领（委托乡镇实施）", False),
        (None, False),
        ("×", True),
        ("√", False),
        ("同意承接", False),
        ("无此事项", True),
        ("放弃", True),
        ("待定", True),  # says neither: not accepted, and reported (unknown-acceptance)
        ("研究中", True),
        ("1", False),  # a 是否承接 column kept as 1/0
        ("0", True),
    ],
)
def test_one_reading_of_refusal_words(word: str | None, refused: bool) -> None:
    assert is_refusal(word) is refused


@pytest.mark.parametrize(
    "word",
    [
        "没有承接",
        "难以承接",
        "承接有困难",
        "无承接条件",
        "缺乏承接能力，建议保留",
        "认领/不认领",  # the template's choice left in the cell
        "认领（但本县无此业务）",
    ],
)
def test_a_refusal_in_plain_words_is_never_read_as_accepted(word: str) -> None:
    """These held 认领 or 承接 and were counted as accepted: they say neither plainly, so they are reported
    (unknown-acceptance) and counted as not accepted."""
    assert acceptance_of(word) is None and is_refusal(word)


def test_a_main_item_over_its_sub_items_is_no_item_of_its_own(tmp_path: Path) -> None:
    """An acceptance list that heads 子项 rows with their main item (two 序号 columns): the heading row is not
    an item the unit took on that was never devolved."""
    folder = tmp_path / "s"
    fixtures.scenario(folder)
    fixtures.xlsx(
        folder / "西河县.xlsx",
        {
            "Sheet1": [
                ["序号", "子项序号", "事项名称", "子项名称", "事项编码", "认领情况"],
                [1, None, "燃气经营许可证核发", None, "511A0001000000", "认领"],
                [2, None, "食品经营许可", None, "511A0003000000", "认领"],
                [3, None, "市场主体登记", None, None, None],
                [None, "3.1", "市场主体登记", "个体工商户设立登记", None, "认领"],
            ]
        },
    )
    result = reconcile(load_config(folder / "quanze.toml"))
    not_devolved = {(g.unit, g.item_name) for g in result.gaps if g.gap_type is GapType.NOT_DEVOLVED}
    assert ("西河县", "个体工商户设立登记") in not_devolved  # the sub-item the city never devolved
    assert ("西河县", "市场主体登记") not in not_devolved  # its heading row is no item of its own


def test_no_supervision_asks_only_for_what_the_list_tracks() -> None:
    def row(n: int, name: str, supervisor: str | None) -> PowerItem:
        return PowerItem(
            name=name,
            department="市水利局",
            receiving_unit="苍梧县、石鼓县",
            supervision_department=supervisor,
            source=Provenance(file="city.xlsx", sheet="目录", row=n),
        )

    # A 监管部门 column and no 监管方式 column: an item that names its supervisor is supervised.
    items = [row(2, "取水许可", "市水利局"), row(3, "河道管理范围内建设项目审批", None)]
    rows = supervision_gaps(items, ["苍梧县", "石鼓县", "青峰县"])
    assert sorted((g.gap_type, g.unit, g.item_name, g.detail) for g in rows) == [
        (GapType.NO_SUPERVISION, "石鼓县", "河道管理范围内建设项目审批", "未明确监管部门"),
        (GapType.NO_SUPERVISION, "苍梧县", "河道管理范围内建设项目审批", "未明确监管部门"),
    ]


def test_an_acceptance_word_that_says_neither_is_a_gap_and_an_issue(tmp_path: Path) -> None:
    """西河县 writes 待定 and × where it used to write 认领: both not accepted, 待定 reported with its cell."""
    config = fixtures.scenario(tmp_path / "s")
    fixtures.acceptance(
        tmp_path / "s" / "西河县.xlsx",
        [
            [1, "燃气经营许可证核发", None, "√"],
            [2, "食品生产许可", None, "待定"],
            [3, "食品经营许可证核发", None, "×"],
        ],
    )
    result = reconcile(load_config(config))
    assert sorted(
        (g.item_name, g.detail.split("（")[0])
        for g in result.gaps
        if g.gap_type is GapType.NOT_ACCEPTED and g.unit == "西河县"
    ) == [("食品生产许可", "承接清单中标注为“待定”"), ("食品经营许可", "承接清单中标注为“×”")]
    issues = [i for i in result.issues if i.code is IssueCode.UNKNOWN_ACCEPTANCE]
    assert [(i.file.endswith("西河县.xlsx"), i.row, i.column, i.value) for i in issues] == [
        (True, 3, "认领情况", "待定")
    ]


@pytest.mark.parametrize(
    ("mode", "kept"),
    [
        ("保留", True),
        ("市级保留", True),
        ("不予下放", True),
        ("暂缓下放", True),
        ("取消下放", True),
        ("直接下放", False),
        ("委托下放", False),
        ("下放（保留备案）", False),
        ("上收", True),
        ("收回", True),
        ("市级实施", True),
        ("本级实施", True),
        ("县级实施", False),
        (None, False),
    ],
)
def test_one_reading_of_keeping_words(mode: str | None, kept: bool) -> None:
    assert keeps_item(mode) is kept


def test_an_item_the_city_keeps_is_expected_nowhere(tmp_path: Path) -> None:
    """户外广告 marked 市级保留 (and with no supervision): not devolved, so no not-accepted or no-supervision."""
    config = fixtures.scenario(tmp_path / "s")
    rows = [list(r) for r in fixtures.CITY_ROWS]
    rows[3][5], rows[3][7], rows[3][8] = "市级保留", None, None
    fixtures.xlsx(tmp_path / "s" / "city.xlsx", {"Sheet1": [["某市下放事项"], fixtures.CITY_HEADER, *rows]})
    result = reconcile(load_config(config))
    about = {(g.gap_type, g.unit) for g in result.gaps if g.item_name == "户外广告设置许可"}
    assert about == set()


def test_an_acceptance_list_that_meets_the_devolution_list_nowhere_is_a_loud_warning() -> None:
    from quanze.check import LOUD_WARNINGS
    from quanze.gaps import AcceptanceCheck

    src = Provenance(file="清单.xlsx", sheet="Sheet1", row=2)

    def power(name: str, receiving: str | None = None) -> PowerItem:
        return PowerItem(name=name, receiving_unit=receiving, source=src)

    devolved = [power("燃气经营许可证核发", "东城县、西河县"), power("食品生产许可", "东城县")]
    lists = {
        "东城县": [power("燃气经营许可证核发"), power("食品生产许可")],  # meets it: no warning
        "西河县": [power("犬只登记"), power("殡葬设施建设审批")],  # another batch's list
        "北岭县": [power("燃气经营许可证核发")],  # nothing is devolved to it
    }
    issues = AcceptanceCheck(devolved, lists).unmet()
    assert IssueCode.NO_COMMON_ITEMS in LOUD_WARNINGS
    assert [(i.code, i.value) for i in issues] == [
        (IssueCode.NO_COMMON_ITEMS, "北岭县"),
        (IssueCode.NO_COMMON_ITEMS, "西河县"),
    ]
    assert "share no item: 1 devolved to 西河县, 2 listed" in issues[1].message
    assert "nothing in the devolution list is devolved to 北岭县" in issues[0].message


def test_an_item_taken_back_is_expected_nowhere_and_an_unknown_mode_is_an_issue(tmp_path: Path) -> None:
    """上收 / 市级实施 hand the item to no one; a 下放方式 that is no known word is reported, not read silently."""
    config = fixtures.scenario(tmp_path / "s")
    rows = [list(r) for r in fixtures.CITY_ROWS]
    rows[3][5] = "上收"
    rows[0][5] = "市级实施"
    rows[1][5] = "属地管理"
    fixtures.xlsx(tmp_path / "s" / "city.xlsx", {"Sheet1": [["某市下放事项"], fixtures.CITY_HEADER, *rows]})
    result = reconcile(load_config(config))
    names = (rows[3][1], rows[0][1])
    assert not [g for g in result.gaps if g.item_name in names and g.gap_type is GapType.NOT_ACCEPTED]
    unknown = [i for i in result.issues if i.code is IssueCode.UNKNOWN_DEVOLUTION_MODE]
    assert [(i.file.endswith("city.xlsx"), i.row, i.value) for i in unknown] == [(True, 4, "属地管理")]
    # The unknown word still devolves the item, so that it shows up as a gap rather than disappearing.
    assert any(g.item_name == rows[1][1] for g in result.gaps)
