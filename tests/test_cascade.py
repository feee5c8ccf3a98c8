"""The level cascade on a hand-built province → city → county → township case."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from quanze.cascade import UnitList, build_cascade, level_counts
from quanze.cli import app
from quanze.config import load_config
from quanze.errors import ConfigError
from quanze.models import Level, PowerItem, Provenance
from quanze.pipeline import reconcile
from quanze.results import CascadeRow, GapType, How

import fixtures

UPPER = ["序号", "事项名称", "事项编码", "实施部门", "下放方式"]
COUNTY = ["序号", "事项名称", "实施部门", "认领情况"]
TOWNSHIP = ["序号", "事项名称", "事项性质", "主体责任部门"]


def three_levels(folder: Path) -> Path:
    folder.mkdir(parents=True)
    fixtures.xlsx(
        folder / "province.xlsx",
        {
            "Sheet1": [
                UPPER,
                [1, "建设工程消防验收", "P001", "省住建厅", "直接下放"],
                [2, "省级重点项目核准", "P002", "省发改委", None],
                [3, "矿产资源勘查登记", "P003", "省自然资源厅", "委托"],
            ]
        },
    )
    fixtures.xlsx(
        folder / "city.xlsx",
        {
            "Sheet1": [
                UPPER,
                [1, "建设工程消防验收（市级）", "C001", "市住建局", "直接下放"],
                [2, "燃气经营许可证核发", "C002", "市住建局", "直接下放"],
                [3, "城市道路挖掘许可", "C003", "市城管局", "委托"],
            ]
        },
    )
    fixtures.xlsx(
        folder / "city-own.xlsx",
        {
            "Sheet1": [
                UPPER,
                [1, "燃气经营许可证核发", "C002", "市住建局", None],
                [2, "城市道路挖掘许可", "C003", "市城管局", None],
            ]
        },
    )
    fixtures.xlsx(
        folder / "east.xlsx",
        {
            "Sheet1": [
                COUNTY,
                [1, "建设工程消防验收", "东城县住建局", "认领"],
                [2, "燃气经营许可证核发", "东城县住建局", "认领"],
                [3, "城市道路挖掘许可", "东城县城管局", "认领"],
                [4, "防汛物资储备管理", "东城县水利局", "认领"],
            ]
        },
    )
    fixtures.xlsx(
        folder / "west.xlsx",
        {
            "Sheet1": [
                COUNTY,
                [1, "燃气经营许可证核发", "西河县住建局", "认领"],
                [2, "城市道路挖掘许可", "西河县城管局", "认领"],
                [3, "建设工程消防验收", "西河县住建局", "不认领"],
            ]
        },
    )
    fixtures.xlsx(
        folder / "south-town.xlsx",
        {
            "Sheet1": [
                TOWNSHIP,
                [1, "燃气经营许可证核发", "配合事项", "县住建局"],
                [2, "燃气安全检查", "配合事项", "县住建局"],
            ]
        },
    )
    config = folder / "quanze.toml"
    config.write_text(
        "\n".join(
            [
                '[[inputs.lists]]\npath = "province.xlsx"\nrole = "chain"\nlevel = "province"\nunit = "某省"',
                '[[inputs.lists]]\npath = "city.xlsx"\nrole = "devolution"\nlevel = "city"\nunit = "安平市"',
                '[[inputs.lists]]\npath = "city-own.xlsx"\nrole = "own"\nlevel = "city"\nunit = "安平市"',
                '[[inputs.lists]]\npath = "east.xlsx"\nrole = "acceptance"\nlevel = "county"\nunit = "东城县"',
                '[[inputs.lists]]\npath = "west.xlsx"\nrole = "acceptance"\nlevel = "county"\nunit = "西河县"',
                '[[inputs.lists]]\npath = "south-town.xlsx"\nrole = "chain"\nlevel = "township"\nunit = "城南镇"\n'
                'parent = "东城县"',
                "[check]\ndropped-in-chain = 0\nheld-twice = 0\n",
            ]
        ),
        encoding="utf-8",
    )
    return config


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return three_levels(tmp_path / "c")


def test_cascade_rows(config: Path) -> None:
    result = reconcile(load_config(config))
    chains: dict[int, set[tuple[str, str, str, str]]] = {}
    for r in result.cascade:
        chains.setdefault(r.chain, set()).add((r.level.value, r.unit, r.name, r.how.value))
    assert sorted(sorted(c) for c in chains.values()) == sorted(
        sorted(c)
        for c in [
            {
                ("province", "某省", "建设工程消防验收", "devolved"),
                ("city", "安平市", "建设工程消防验收（市级）", "claimed"),
                ("county", "东城县", "建设工程消防验收", "claimed"),
                ("county", "西河县", "建设工程消防验收", "refused"),
            },
            {("province", "某省", "省级重点项目核准", "retained")},
            {("province", "某省", "矿产资源勘查登记", "entrusted")},
            {
                ("city", "安平市", "燃气经营许可证核发", "devolved"),
                ("county", "东城县", "燃气经营许可证核发", "claimed"),
                ("county", "西河县", "燃气经营许可证核发", "claimed"),
                ("township", "城南镇", "燃气经营许可证核发", "claimed"),
            },
            {
                ("city", "安平市", "城市道路挖掘许可", "entrusted"),
                ("county", "东城县", "城市道路挖掘许可", "claimed"),
                ("county", "西河县", "城市道路挖掘许可", "claimed"),
            },
            {("county", "东城县", "防汛物资储备管理", "retained")},
            {("township", "城南镇", "燃气安全检查", "retained")},
        ]
    )


def test_cascade_gaps(config: Path) -> None:
    result = reconcile(load_config(config))
    gaps = {
        (g.gap_type, g.unit, g.item_name)
        for g in result.gaps
        if g.gap_type
        in {GapType.DROPPED_IN_CHAIN, GapType.HELD_TWICE, GapType.TOWNSHIP_NO_OWNER, GapType.UNIT_SPECIFIC}
    }
    assert gaps == {
        (GapType.DROPPED_IN_CHAIN, "某省", "矿产资源勘查登记"),
        (GapType.HELD_TWICE, "安平市", "燃气经营许可证核发"),
        (GapType.TOWNSHIP_NO_OWNER, "城南镇", "燃气安全检查"),
        (GapType.UNIT_SPECIFIC, "东城县", "防汛物资储备管理"),
    }


def test_cascade_outputs_and_check_limits(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(config.parent)
    result = CliRunner().invoke(app, ["check", "-f", "json"])
    assert result.exit_code == 1  # one chain dropped, one item held twice
    assert (
        (config.parent / "out" / "cascade.csv")
        .read_text("utf-8-sig")
        .startswith("chain,level,unit,code,name,how")
    )
    wb = load_workbook(config.parent / "out" / "report.xlsx")
    sheet = wb["层级链条"]
    assert sheet["A1"].value.startswith("层级链条：")
    assert [c.value for c in sheet[2]] == ["链条", "事项名称", "编码", "省级", "市级", "县级", "乡镇（街道）"]
    by_name = {row[1]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert min(row[0] for row in by_name.values()) == 1  # chains are numbered from 1
    assert (
        by_name["燃气经营许可证核发"][5]
        == "东城县（认领）；西河县（认领）"  # the name is written only where it differs from the row's
    )
    counts = wb["层级统计"]
    # The counts say what they count, and that it is not what 承接进度 counts.
    assert "承接进度" in counts["A1"].value
    header_row = next(r for r in range(1, 6) if counts.cell(r, 1).value == "层级")
    headings = [c.value for c in counts[header_row]]
    assert headings[3] == "链条中确认承接自上级的事项（不含待复核）"
    assert headings[4] == "本级标注下放/委托的事项（每项计一次）"
    notes = " ".join(counts.cell(r, 1).value for r in range(2, header_row))
    assert "不含待复核" in notes and "每项计一次" in notes
    csv_chains = [
        line.split(",")[0]
        for line in (config.parent / "out" / "cascade.csv").read_text("utf-8-sig").splitlines()[1:]
    ]
    assert min(int(c) for c in csv_chains) == 1  # the CSV numbers chains as the sheet does
    page = (config.parent / "out" / "report.html").read_text("utf-8")
    assert '<h2 id="chain">层级链条</h2>' in page and '<table class="matrix">' in page
    assert '<th colspan="2">县级</th>' in page  # the county units under one level heading


def test_levels_from_the_command_line(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(config.parent)
    runner = CliRunner()
    assert runner.invoke(app, ["reconcile", "--out", "from-config"]).exit_code == 0
    args = [
        "reconcile",
        "--out",
        "from-flags",
        "-p",
        "city:安平市=city.xlsx",
        "--chain",
        "province:某省=province.xlsx",
        "-a",
        "county:东城县=east.xlsx",
        "-a",
        "county:西河县=west.xlsx",
        "--chain",
        "township:城南镇@东城县=south-town.xlsx",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    flags = (config.parent / "from-flags" / "cascade.csv").read_text("utf-8-sig")
    assert flags == (config.parent / "from-config" / "cascade.csv").read_text("utf-8-sig")
    assert runner.invoke(app, [*args[:4], "--chain", "planet:火星=x.xlsx"]).exit_code == 2


CHAIN = ["序号", "事项名称", "实施部门", "下放方式", "承接单位", "认领情况"]


def four_levels(folder: Path) -> Path:
    """Province → city → two counties → a township under one of them, with the chain's hard cases."""
    folder.mkdir(parents=True)
    lists = {
        "province.xlsx": [
            [1, "学历公证", "省司法厅", "直接下放", None, None],
            [2, "建设工程消防设计审查", "省住建厅", "直接下放", None, None],
        ],
        "city.xlsx": [
            # 机动车驾驶证公证 is not 学历公证: it starts here, and 学历公证 is dropped by the city.
            [1, "机动车驾驶证公证", "市司法局", "保留", None, None],
            [2, "建设工程消防设计审查", "市住建局", "直接下放", "各县（市）", None],
            [3, "河道采砂许可", "市水利局", "直接下放", "各县（市）", None],
        ],
        "city-own.xlsx": [
            [1, "建设工程消防设计审查", "市住建局", None, None, None],
            [2, "机动车驾驶证公证", "市司法局", None, None, None],
        ],
        "lanshan.xlsx": [
            [1, "建设工程消防设计审查", "岚山县住建局", None, None, "认领"],
            [2, "河道采砂许可", "岚山县水利局", "直接下放", "各乡镇", "认领"],
        ],
        "tongxi.xlsx": [
            [1, "建设工程消防设计审查", "桐溪县住建局", None, None, "暂不承接"],
            [2, "河道采砂许可", "桐溪县水利局", "直接下放", "各乡镇", "认领"],
        ],
        "yunling.xlsx": [[1, "农村村民住宅建设审批", "云岭镇", None, None, None]],
    }
    for name, rows in lists.items():
        fixtures.xlsx(folder / name, {"Sheet1": [CHAIN, *rows]})
    config = folder / "quanze.toml"
    entries = [
        ("province.xlsx", "chain", "province", "某省", None),
        ("city.xlsx", "devolution", "city", "临川市", None),
        ("city-own.xlsx", "own", "city", "临川市", None),
        ("lanshan.xlsx", "acceptance", "county", "岚山县", None),
        ("tongxi.xlsx", "acceptance", "county", "桐溪县", None),
        ("yunling.xlsx", "chain", "township", "云岭镇", "岚山县"),
    ]
    config.write_text(
        "\n".join(
            f'[[inputs.lists]]\npath = "{p}"\nrole = "{r}"\nlevel = "{lv}"\nunit = "{u}"\n'
            + (f'parent = "{parent}"\n' if parent else "")
            for p, r, lv, u, parent in entries
        ),
        encoding="utf-8",
    )
    return config


def test_four_level_chain_gaps(tmp_path: Path) -> None:
    result = reconcile(load_config(four_levels(tmp_path / "c")))
    gaps = {
        (g.gap_type.value, g.unit, g.item_name)
        for g in result.gaps
        if g.gap_type in {GapType.DROPPED_IN_CHAIN, GapType.HELD_TWICE}
    }
    assert gaps == {
        # The province's 学历公证 reached no city list: 机动车驾驶证公证 is not it.
        ("dropped-in-chain", "某省", "学历公证"),
        # 岚山县 handed 河道采砂许可 to its townships and 云岭镇 lacks it; 桐溪县's townships were not
        # given, so 桐溪县 is not charged.
        ("dropped-in-chain", "岚山县", "河道采砂许可"),
        # 临川市 still holds what it devolved, and 岚山县 exercises it.
        ("held-twice", "临川市", "建设工程消防设计审查"),
    }
    held = next(g for g in result.gaps if g.gap_type is GapType.HELD_TWICE)
    assert held.detail.endswith("岚山县也在行使")
    dropped = next(g for g in result.gaps if g.gap_type is GapType.DROPPED_IN_CHAIN and g.unit == "岚山县")
    assert "云岭镇" in dropped.detail


def test_the_upper_units_own_claim_is_not_a_lower_unit_exercising_it(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    config = four_levels(folder)
    # Now 岚山县 refuses it too: only the city holds it, having claimed it from the province.
    fixtures.xlsx(
        folder / "lanshan.xlsx",
        {
            "Sheet1": [
                CHAIN,
                [1, "建设工程消防设计审查", "岚山县住建局", None, None, "不认领"],
                [2, "河道采砂许可", "岚山县水利局", "直接下放", "各乡镇", "认领"],
            ]
        },
    )
    result = reconcile(load_config(config))
    assert not [g for g in result.gaps if g.gap_type is GapType.HELD_TWICE]


def test_one_list_of_refusal_words(tmp_path: Path) -> None:
    """暂不承接 is a refusal in the acceptance check and in the cascade alike (issue 13)."""
    result = reconcile(load_config(four_levels(tmp_path / "c")))
    progress = {a.unit: (a.accepted, a.refused) for a in result.acceptance}
    assert progress["桐溪县"] == (1, 1)
    how = {(r.unit, r.name): r.how.value for r in result.cascade}
    assert how[("桐溪县", "建设工程消防设计审查")] == "refused"
    assert how[("岚山县", "建设工程消防设计审查")] == "claimed"
    not_accepted = {(g.unit, g.item_name) for g in result.gaps if g.gap_type is GapType.NOT_ACCEPTED}
    assert not_accepted == {("桐溪县", "建设工程消防设计审查")}


def test_own_lists_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "c"
    four_levels(folder)
    monkeypatch.chdir(folder)
    runner = CliRunner()
    assert runner.invoke(app, ["gaps", "--out", "from-config"]).exit_code == 0
    args = [
        "gaps",
        "--out",
        "from-flags",
        "-p",
        "city:临川市=city.xlsx",
        "--own",
        "city:临川市=city-own.xlsx",
        "--chain",
        "province:某省=province.xlsx",
        "-a",
        "county:岚山县=lanshan.xlsx",
        "-a",
        "county:桐溪县=tongxi.xlsx",
        "--chain",
        "township:云岭镇@岚山县=yunling.xlsx",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    flags = (folder / "from-flags" / "gaps.csv").read_text("utf-8")
    assert "held-twice" in flags
    assert flags == (folder / "from-config" / "gaps.csv").read_text("utf-8")
    bad = runner.invoke(app, [*args[:3], "--own", "city-own.xlsx", "-p", "city:临川市=city.xlsx"])
    assert bad.exit_code == 2 and "LEVEL:UNIT=FILE" in bad.output


def test_level_counts_an_item_claimed_and_handed_on_counts_as_handed_down() -> None:
    def row(chain: int, level: Level, unit: str, how: How, mode: str | None) -> CascadeRow:
        return CascadeRow(
            chain=chain,
            level=level,
            unit=unit,
            code=None,
            name=f"事项{chain}",
            how=how,
            mode=mode,
            source="x.xlsx",
        )

    rows = [
        row(1, Level.PROVINCE, "某省", How.DEVOLVED, "直接下放"),
        row(1, Level.CITY, "安平市", How.CLAIMED, "直接下放"),  # claimed from the province, handed on
        row(1, Level.COUNTY, "东城县", How.CLAIMED, None),
        row(2, Level.CITY, "安平市", How.DEVOLVED, "委托"),
        row(2, Level.COUNTY, "东城县", How.CLAIMED, "委托"),  # the mode copied; nothing below the county
        row(3, Level.CITY, "安平市", How.RETAINED, None),
    ]
    counts = {
        (c["level"], c["unit"]): (c["items"], c["claimed"], c["handed_down"]) for c in level_counts(rows)
    }
    assert counts == {
        ("省级", "某省"): (1, 0, 1),
        ("市级", "安平市"): (3, 1, 2),
        ("县级", "东城县"): (2, 2, 0),
    }


def _item(n: int, name: str, dept: str, mode: str | None = None, to: str | None = None) -> PowerItem:
    return PowerItem(
        name=name,
        department=dept,
        devolution_mode=mode,
        receiving_unit=to,
        source=Provenance(file="list.xlsx", sheet="Sheet1", row=n),
    )


def test_a_city_that_keeps_a_province_item_in_its_own_list_holds_it() -> None:
    province = UnitList(
        Level.PROVINCE,
        "岭西省",
        [
            _item(2, "森林植物检疫证书核发", "省林业局", "下放", "各设区市"),
            _item(3, "水产苗种生产许可", "省农业农村厅", "下放", "各设区市"),
        ],
    )
    city = UnitList(
        Level.CITY,
        "鹭江市",
        [_item(2, "建筑起重机械使用登记", "市住建局", "下放", "各县（市、区）")],
        own=[_item(2, "森林植物检疫证书核发", "鹭江市林业局")],
    )
    county = UnitList(Level.COUNTY, "苍梧县", [_item(2, "建筑起重机械使用登记", "苍梧县住建局")])
    gaps = build_cascade([province, city, county]).gaps
    assert [(g.gap_type, g.unit, g.item_name) for g in gaps if g.gap_type is GapType.DROPPED_IN_CHAIN] == [
        (GapType.DROPPED_IN_CHAIN, "岭西省", "水产苗种生产许可")
    ]


def test_a_zone_beside_the_townships_is_the_citys_to_charge() -> None:
    zone = "鹭江高新技术产业开发区"
    city = UnitList(
        Level.CITY,
        "鹭江市",
        [
            _item(2, "建筑起重机械使用登记", "市住建局", "下放", "高新区"),  # the zone lists nothing of it
            _item(3, "户外广告设施设置审批", "市城管局", "下放", "苍梧县、高新区"),  # the zone holds it
            _item(4, "城镇污水排入排水管网许可", "市水务局", "下放", "苍梧县"),
        ],
    )
    county = UnitList(
        Level.COUNTY,
        "苍梧县",
        [_item(2, "城镇污水排入排水管网许可", "苍梧县水务局", "下放", "各乡镇（街道）")],
    )
    township = UnitList(
        Level.TOWNSHIP, "柳湾镇", [_item(2, "城镇污水排入排水管网许可", "柳湾镇")], parent="苍梧县"
    )
    cluster = UnitList(Level.CLUSTER, zone, [_item(2, "户外广告设施设置审批", f"{zone}城管局")])
    gaps = build_cascade([city, county, township, cluster]).gaps
    assert [(g.unit, g.item_name) for g in gaps if g.gap_type is GapType.DROPPED_IN_CHAIN] == [
        ("鹭江市", "建筑起重机械使用登记")
    ]


def test_a_city_given_by_its_own_list_alone_holds_what_it_keeps(tmp_path: Path) -> None:
    """Province → city with no city devolution list: the city's own list is what it holds at its level."""
    fixtures.xlsx(
        tmp_path / "province.xlsx",
        {
            "Sheet1": [
                UPPER,
                [1, "森林植物检疫证书核发", "P001", "省林业局", "直接下放"],
                [2, "水产苗种生产许可", "P002", "省农业农村厅", "直接下放"],
            ]
        },
    )
    fixtures.xlsx(
        tmp_path / "city-own.xlsx",
        {"Sheet1": [UPPER, [1, "森林植物检疫证书核发", "C001", "鹭江市林业局", None]]},
    )
    fixtures.xlsx(
        tmp_path / "county.xlsx", {"Sheet1": [COUNTY, [1, "建筑起重机械使用登记", "苍梧县住建局", "认领"]]}
    )
    config = tmp_path / "quanze.toml"
    config.write_text(
        '[project]\nname = "own-only"\nout = "out"\n\n'
        '[[inputs.lists]]\npath = "province.xlsx"\nrole = "chain"\nlevel = "province"\nunit = "岭西省"\n\n'
        '[[inputs.lists]]\npath = "city-own.xlsx"\nrole = "own"\nlevel = "city"\nunit = "鹭江市"\n\n'
        '[[inputs.lists]]\npath = "county.xlsx"\nrole = "acceptance"\nlevel = "county"\nunit = "苍梧县"\n',
        encoding="utf-8",
    )
    result = reconcile(load_config(config))
    assert [(g.unit, g.item_name) for g in result.gaps if g.gap_type is GapType.DROPPED_IN_CHAIN] == [
        ("岭西省", "水产苗种生产许可")
    ]


def _county_and_township(parent: str) -> list[UnitList]:
    county = UnitList(
        Level.COUNTY,
        "苍梧县",
        [
            _item(2, "城镇污水排入排水管网许可", "苍梧县水务局", "下放", "各乡镇（街道）"),
            _item(3, "建筑起重机械使用登记", "苍梧县住建局", "下放", "各乡镇（街道）"),
        ],
    )
    other = UnitList(Level.COUNTY, "石鼓县", [_item(2, "户外广告设施设置审批", "石鼓县城管局")])
    township = UnitList(
        Level.TOWNSHIP, "柳湾镇", [_item(2, "城镇污水排入排水管网许可", "柳湾镇")], parent=parent
    )
    return [county, other, township]


@pytest.mark.parametrize("parent", ["苍梧县", "苍梧县人民政府", "苍梧"])
def test_a_parent_written_another_way_is_still_the_county(parent: str) -> None:
    gaps = build_cascade(_county_and_township(parent)).gaps
    assert [(g.unit, g.item_name) for g in gaps if g.gap_type is GapType.DROPPED_IN_CHAIN] == [
        ("苍梧县", "建筑起重机械使用登记")
    ]


def test_a_parent_that_names_no_county_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"“苍吾县”.*石鼓县、苍梧县"):
        build_cascade(_county_and_township("苍吾县"))


def test_level_columns_do_not_depend_on_the_hash_seed() -> None:
    # Townships and clusters share a rank; their order once followed a set's, which the hash seed changes.
    import os
    import subprocess
    import sys

    code = (
        "from quanze.cascade import UnitList, build_cascade\n"
        "from quanze.models import Level, PowerItem, Provenance\n"
        "item = PowerItem(name='建筑起重机械使用登记', source=Provenance(file='x.xlsx', sheet='S', row=2))\n"
        "lists = [UnitList(Level.CLUSTER, '开发区', [item]), UnitList(Level.TOWNSHIP, '城南镇', [item]),\n"
        "         UnitList(Level.COUNTY, '东城县', [item])]\n"
        "print(' '.join(build_cascade(lists).levels))\n"
    )
    seen = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout.strip()
        for seed in range(8)
    }
    assert seen == {"county township cluster"}


def test_a_parent_whose_list_was_left_out_as_a_repeat_says_so(tmp_path: Path) -> None:
    # 东城县's acceptance list is the city's devolution list again (the wrong file picked): it is left out as a
    # repeat, and 城南镇's parent then has no list. The error names the repeat, not a misspelt parent.
    config = three_levels(tmp_path / "c")
    shutil.copyfile(config.parent / "city.xlsx", config.parent / "east.xlsx")
    with pytest.raises(ConfigError) as caught:
        reconcile(load_config(config))
    assert "left out as a repeat" in str(caught.value) and "east.xlsx" in str(caught.value)
    assert "东城县 its own list" in (caught.value.hint or "")
