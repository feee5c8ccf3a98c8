"""The level cascade on a hand-built province → city → county → township case."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from quanze.cli import app
from quanze.config import load_config
from quanze.pipeline import reconcile
from quanze.results import GapType

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
    assert [c.value for c in sheet[1]] == ["链条", "事项名称", "编码", "省级", "市级", "县级", "乡镇（街道）"]
    by_name = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert (
        by_name["燃气经营许可证核发"][5]
        == "东城县：燃气经营许可证核发（认领）；西河县：燃气经营许可证核发（认领）"
    )
    assert "层级统计" in wb.sheetnames
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
