"""Unreadable never becomes empty: one generated file per case, exit code, message naming place and fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quanze.cli import app
from quanze.decisions import load_decisions

import fixtures

runner = CliRunner()


def flat(text: str) -> str:
    return " ".join(text.split())


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, flat(result.output)


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    fixtures.city_list(tmp_path / "city.xlsx")
    fixtures.catalogue(tmp_path / "catalogue.xlsx")
    return tmp_path


def test_list_with_only_a_header_is_an_error(here: Path) -> None:
    fixtures.xlsx(here / "header-only.xlsx", {"Sheet1": [["序号", "事项名称", "实施主体"]]})
    code, out = run("reconcile", "-p", "header-only.xlsx", "-s", "catalogue.xlsx", "-o", "run")
    assert code == 3 and "header-only.xlsx: no power list item could be read" in out
    assert "quanze inspect header-only.xlsx" in out
    assert not (here / "run").exists()


def test_catalogue_with_no_items_is_an_error(here: Path) -> None:
    fixtures.xlsx(here / "empty-catalogue.xlsx", {"Sheet1": [fixtures.CATALOGUE_HEADER]})
    code, out = run("reconcile", "-p", "city.xlsx", "-s", "empty-catalogue.xlsx", "-o", "run")
    assert code == 3 and "empty-catalogue.xlsx: no service catalogue item could be read" in out


def test_catalogue_given_as_power_list(here: Path) -> None:
    code, out = run("reconcile", "-p", "catalogue.xlsx", "-s", "city.xlsx", "-o", "run")
    assert code == 3 and "catalogue.xlsx: given as a power list, but it reads as a service catalogue" in out
    assert "业务办理项名称" in out and "--catalogue" in out and "[inputs.catalogue]" in out


@pytest.mark.parametrize("catalogue", ["catalogue.xlsx", "same-services.xlsx"])
def test_catalogue_whose_item_column_reads_as_a_power_name_given_as_power_list(
    here: Path, catalogue: str
) -> None:
    # 事项名称 heads the item column, so the rows read as powers; 办理类型 says what the file is.
    fixtures.xlsx(
        here / "services-as-list.xlsx",
        {
            "Sheet1": [
                ["行政区划", "实施部门", "事项名称", "所属权力事项", "业务办理项编码", "办理类型"],
                [
                    "东城县",
                    "县市场监管局",
                    "食品经营许可（新办）",
                    "食品经营许可",
                    "11510100MB0001234A",
                    "即办件",
                ],
                [
                    "东城县",
                    "县市场监管局",
                    "食品经营许可（变更）",
                    "食品经营许可",
                    "11510100MB0001235A",
                    "承诺件",
                ],
            ]
        },
    )
    (here / "same-services.xlsx").write_bytes((here / "services-as-list.xlsx").read_bytes())
    code, out = run("reconcile", "-p", "services-as-list.xlsx", "-s", catalogue, "-o", "run")
    assert code == 3 and "services-as-list.xlsx: given as the power list, but it reads as a service" in out
    assert "办理类型" in out and "--catalogue" in out
    assert not (here / "run").exists()


def test_a_power_list_with_a_volume_column_is_a_power_list(here: Path) -> None:
    # 办件量 is a catalogue's column and some power lists' too: it says nothing about the kind of file.
    fixtures.xlsx(
        here / "with-volume.xlsx",
        {
            "Sheet1": [
                ["序号", "事项名称", "事项类型", "实施主体", "年办件量"],
                [1, "燃气经营许可证核发", "行政许可", "安平市住建局", 12],
            ]
        },
    )
    code, out = run("reconcile", "-p", "with-volume.xlsx", "-s", "catalogue.xlsx", "-o", "run")
    assert code != 3 and "reads as a service catalogue" not in out


def test_power_list_given_as_catalogue(here: Path) -> None:
    fixtures.city_list(here / "other-city.xlsx")
    code, out = run("reconcile", "-p", "city.xlsx", "-s", "other-city.xlsx", "-o", "run")
    assert (
        code == 3 and "other-city.xlsx: given as the service catalogue, but it reads as a power list" in out
    )
    assert "承接单位" in out and "--powers" in out


def test_a_power_list_with_no_telling_column_given_as_catalogue(here: Path) -> None:
    """序号 事项名称 事项类型 实施部门 could head either kind; penalties and inspections say it is a power list."""
    header = ["序号", "事项名称", "事项类型", "实施部门"]
    rows = [
        [1, "燃气经营许可证核发", "行政许可", "市住建局"],
        [2, "对无证经营燃气的处罚", "行政处罚", "市住建局"],
        [3, "对燃气经营单位的检查", "行政检查", "市住建局"],
        [4, "食品经营许可", "行政许可", "市市场监管局"],
    ]
    fixtures.xlsx(here / "plain-power-list.xlsx", {"Sheet1": [header, *rows]})
    code, out = run("reconcile", "-p", "city.xlsx", "-s", "plain-power-list.xlsx", "-o", "run")
    assert code == 3 and "given as the service catalogue, but it reads as a power list" in out
    assert "2 of its 4 items are 行政处罚" in out
    # The same columns with items people apply for are a catalogue.
    fixtures.xlsx(here / "plain-catalogue.xlsx", {"Sheet1": [header, rows[0], rows[3]]})
    code, out = run("reconcile", "-p", "city.xlsx", "-s", "plain-catalogue.xlsx", "-o", "run2")
    assert "reads as a power list" not in out


def test_diff_with_an_unreadable_new_file_reports_nothing_removed(here: Path) -> None:
    (here / "garbage.xlsx").write_bytes(b"this is not a workbook")
    code, out = run("diff", "city.xlsx", "garbage.xlsx", "-o", "d")
    assert code == 3 and "garbage.xlsx" in out and "removed" not in out
    assert not (here / "d").exists()


def test_diff_carries_row_issues_into_its_exit_code(here: Path) -> None:
    path = fixtures.unknown_category(here / "unknown-category.xlsx")
    assert run("validate", str(path))[0] == 1
    code, out = run("diff", "city.xlsx", str(path), "-o", "d")
    assert code == 1 and "unknown-category" in out
    data = json.loads(runner.invoke(app, ["diff", "city.xlsx", str(path), "-o", "d2", "-f", "json"]).stdout)
    assert {i["code"] for i in data["issues"]} >= {"unknown-category"}


def test_run_without_a_catalogue_warns_and_fails_check(here: Path) -> None:
    (here / "quanze.toml").write_text(
        '[project]\nout = "out"\n\n[[inputs.lists]]\npath = "city.xlsx"\nrole = "devolution"\n', "utf-8"
    )
    code, out = run("check")
    assert code == 1 and "no-catalogue" in out
    code, out = run("reconcile", "-p", "city.xlsx", "-o", "run")
    assert code == 0 and "warning: (run): no service catalogue was given" in out


def test_catalogue_unit_with_government_suffix_just_works(here: Path) -> None:
    rows = [[r[0], r[1] + "人民政府", *r[2:]] for r in fixtures.CATALOGUE_ROWS]
    fixtures.xlsx(here / "suffix-units.xlsx", {"Sheet1": [fixtures.CATALOGUE_HEADER, *rows]})
    assert run("reconcile", "-p", "city.xlsx", "-s", "catalogue.xlsx", "-o", "plain")[0] == 0
    assert run("reconcile", "-p", "city.xlsx", "-s", "suffix-units.xlsx", "-o", "suffix")[0] == 0
    plain = json.loads((here / "plain" / "summary.json").read_text("utf-8"))
    suffix = json.loads((here / "suffix" / "summary.json").read_text("utf-8"))
    assert suffix["gaps"] == plain["gaps"] and suffix["match"]["units"] == ["东城县", "西河县"]
    assert suffix["issues"]["unit-alias"] == 2


def test_catalogue_unit_with_a_city_prefix_just_works(here: Path) -> None:
    """行政区划 written in full (岚州市东城县) where the lists say 东城县: the unit is read as the lists name it."""
    rows = [[r[0], "安平市" + r[1], *r[2:]] for r in fixtures.CATALOGUE_ROWS]
    fixtures.xlsx(here / "prefixed-units.xlsx", {"Sheet1": [fixtures.CATALOGUE_HEADER, *rows]})
    assert run("reconcile", "-p", "city.xlsx", "-s", "catalogue.xlsx", "-o", "plain")[0] == 0
    assert run("reconcile", "-p", "city.xlsx", "-s", "prefixed-units.xlsx", "-o", "prefixed")[0] == 0
    plain = json.loads((here / "plain" / "summary.json").read_text("utf-8"))
    prefixed = json.loads((here / "prefixed" / "summary.json").read_text("utf-8"))
    assert prefixed["gaps"] == plain["gaps"] and prefixed["match"]["units"] == ["东城县", "西河县"]
    assert prefixed["issues"]["unit-alias"] == 2


def test_the_fix_names_the_closest_catalogue_unit(here: Path) -> None:
    from quanze.ingest.inputcheck import _closest

    assert _closest("青溪县", ["岚州市临江区", "岚州市青溪", "岚州市云岭县"]) == "岚州市青溪"


def test_unit_that_meets_no_unit_names_both_spellings_and_fails_check(here: Path) -> None:
    rows = [[r[0], "北" + r[1], *r[2:]] for r in fixtures.CATALOGUE_ROWS]
    fixtures.xlsx(here / "other-units.xlsx", {"Sheet1": [fixtures.CATALOGUE_HEADER, *rows]})
    fixtures.acceptance(here / "东城县.xlsx", [[1, "燃气经营许可证核发", "511A0001000000", "认领"]])
    config = (
        '[project]\nout = "out"\n\n[[inputs.lists]]\npath = "city.xlsx"\nrole = "devolution"\n\n'
        '[[inputs.lists]]\npath = "东城县.xlsx"\nrole = "acceptance"\nunit = "东城县"\n\n'
        '[inputs.catalogue]\npath = "other-units.xlsx"\n'
    )
    (here / "quanze.toml").write_text(config, "utf-8")
    code, out = run("check")
    assert code == 1 and "unit-unmatched" in out
    issues = (here / "out" / "issues.csv").read_text("utf-8")
    assert "东城县" in issues and "北东城县" in issues and "[aliases.units]" in issues
    # The fix the message gives works: the alias makes the warning go away.
    (here / "quanze.toml").write_text(config + '\n[aliases.units]\n"北东城县" = ["东城县"]\n', "utf-8")
    code, out = run("check", "--force")
    assert "unit-unmatched" not in (here / "out" / "issues.csv").read_text("utf-8")


def test_review_workbook_given_to_handover_progress(here: Path) -> None:
    fixtures.xlsx(
        here / "review.xlsx",
        {"待复核": [["决定（确认/否决）", "power_key", "service_key"], ["确认", "p", "s"]]},
    )
    code, out = run("handover", "progress", "review.xlsx")
    assert code == 3 and "review.xlsx: no handover checklist rows found" in out
    assert "this is a review workbook" in out and "quanze review apply" in out


def test_config_with_bom_is_read(here: Path) -> None:
    text = '[project]\nout = "out"\n\n[[inputs.lists]]\npath = "city.xlsx"\nrole = "devolution"\n\n'
    text += '[inputs.catalogue]\npath = "catalogue.xlsx"\n'
    (here / "quanze.toml").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert run("reconcile")[0] == 0


def test_config_in_gbk_names_the_cause(here: Path) -> None:
    text = '[project]\nname = "某市权责清单"\nout = "out"\n'
    (here / "quanze.toml").write_bytes(text.encode("gbk"))
    code, out = run("reconcile")
    assert code == 4 and "quanze.toml › line 2" in out and "GBK" in out and "UTF-8" in out


def test_decisions_that_match_nothing_are_counted(here: Path) -> None:
    (here / "quanze-decisions.jsonl").write_text(
        json.dumps(
            {
                "power_key": "gone",
                "service_key": "gone",
                "decision": "confirm",
                "power_name": "已取消的事项",
                "service_name": "旧服务",
            },
            ensure_ascii=False,
        )
        + "\n",
        "utf-8",
    )
    code, out = run("reconcile", "-p", "city.xlsx", "-s", "catalogue.xlsx", "-o", "run")
    assert code == 0 and "decisions matching nothing" in out
    summary = json.loads((here / "run" / "summary.json").read_text("utf-8"))
    assert summary["issues"]["stale-decision"] == 1
    assert "已取消的事项 ↔ 旧服务" in (here / "run" / "issues.csv").read_text("utf-8")
    assert len(load_decisions(here / "quanze-decisions.jsonl")) == 1  # kept, not dropped


def test_validate_warns_on_a_file_with_no_records(here: Path) -> None:
    fixtures.xlsx(here / "header-only.xlsx", {"Sheet1": [["序号", "事项名称", "实施主体"]]})
    code, out = run("validate", "header-only.xlsx", "--format", "json")
    issues = json.loads(out)["files"][0]["issues"]
    assert code == 1 and [i["code"] for i in issues] == ["no-records"]


def test_check_fails_on_rows_lost_even_without_a_limit(here: Path) -> None:
    fixtures.xlsx(
        here / "one-nameless-row.xlsx",
        {
            "Sheet1": [
                ["序号", "事项名称", "实施主体"],
                [1, "燃气经营许可证核发", "市住建局"],
                [2, None, "市住建局"],
            ]
        },
    )
    (here / "quanze.toml").write_text(
        '[project]\nout = "out"\n\n[[inputs.lists]]\npath = "one-nameless-row.xlsx"\nrole = "devolution"\n\n'
        '[inputs.catalogue]\npath = "catalogue.xlsx"\n',
        "utf-8",
    )
    code, out = run("check")
    assert code == 1 and "invalid-rows" in out


def test_a_zone_by_its_short_name_in_the_catalogue_is_the_lists_zone() -> None:
    """行政区划 鹭江高新区 where the acceptance list is 鹭江高新技术产业开发区's: one unit, not a stray 高新区."""
    from quanze.ingest.inputcheck import reconcile_units
    from quanze.models import IssueCode, PowerItem, Provenance, ServiceItem, Severity

    src = Provenance(file="catalogue.xlsx", sheet="Sheet1", row=2)
    zone = "鹭江高新技术产业开发区"
    services = [
        ServiceItem(name="建筑起重机械使用登记", unit="鹭江高新区", source=src),
        ServiceItem(name="户外广告设施设置审批", unit="鹭江市苍梧县", source=src),
    ]
    devolved = [PowerItem(name="建筑起重机械使用登记", receiving_unit="苍梧县、高新区", source=src)]
    acceptance = {zone: devolved, "苍梧县": devolved}
    issues = reconcile_units(services, devolved, acceptance, aliases={}, catalogue="catalogue.xlsx").issues
    assert [s.unit for s in services] == [zone, "苍梧县"]
    assert sorted((i.code, i.severity, i.value) for i in issues) == [
        (IssueCode.UNIT_ALIAS, Severity.INFO, "鹭江市苍梧县"),
        (IssueCode.UNIT_ALIAS, Severity.INFO, "鹭江高新区"),
    ]


def test_a_catalogue_with_a_blank_organ_column_warns_and_fails_check(here: Path) -> None:
    fixtures.catalogue_organ_column_blank(here / "catalogue-organ-column-blank.xlsx")
    code, out = run("validate", "--kind", "services", "catalogue-organ-column-blank.xlsx")
    assert code == 1 and "blank-organ-column" in out
    assert run("validate", "--kind", "services", "catalogue.xlsx")[0] == 0
    (here / "quanze.toml").write_text(
        '[project]\nout = "out"\n\n[[inputs.lists]]\npath = "city.xlsx"\nrole = "devolution"\n\n'
        '[inputs.catalogue]\npath = "catalogue-organ-column-blank.xlsx"\n',
        "utf-8",
    )
    code, out = run("check")
    assert code == 1 and "blank-organ-column" in out


def _another_countys_list(
    here: Path, header: list[str], rows: list[list[object]], unit: str = "东城县"
) -> str:
    fixtures.xlsx(here / "承接清单.xlsx", {"Sheet1": [header, *rows]})
    config = (
        '[project]\nout = "out"\n\n[[inputs.lists]]\npath = "city.xlsx"\nrole = "devolution"\n\n'
        f'[[inputs.lists]]\npath = "承接清单.xlsx"\nrole = "acceptance"\nunit = "{unit}"\n\n'
        '[inputs.catalogue]\npath = "catalogue.xlsx"\n'
    )
    (here / "quanze.toml").write_text(config, "utf-8")
    return config


def test_a_list_whose_own_unit_column_names_another_unit_fails_check(here: Path) -> None:
    # Given as 东城县's acceptance list, but its 行政区划 says 西河县 on every row: another county's file.
    header = ["序号", "行政区划", "事项名称", "认领情况"]
    rows: list[list[object]] = [
        [1, "西河县", "燃气经营许可证核发", "认领"],
        [2, "西河县", "食品生产许可", "认领"],
    ]
    config = _another_countys_list(here, header, rows)
    code, out = run("check")
    assert code == 1 and "other-unit" in out
    issues = (here / "out" / "issues.csv").read_text("utf-8")
    assert "given as 东城县's, but 2 of its 2 rows name 西河县 in their 行政区划" in issues
    # The same rows saying 东城县 are 东城县's list; so are they when the config maps the spelling.
    _another_countys_list(here, header, [[r[0], "东城县", *r[2:]] for r in rows])
    code, out = run("check", "--force")
    assert "other-unit" not in (here / "out" / "issues.csv").read_text("utf-8")
    _another_countys_list(here, header, rows)
    (here / "quanze.toml").write_text(config + '\n[aliases.units]\n"西河县" = ["东城县"]\n', "utf-8")
    run("check", "--force")
    assert "other-unit" not in (here / "out" / "issues.csv").read_text("utf-8")


def test_a_countys_list_whose_organs_are_another_countys_fails_check(here: Path) -> None:
    header = ["序号", "事项名称", "实施主体", "认领情况"]
    rows: list[list[object]] = [
        [1, "燃气经营许可证核发", "西河县住房和城乡建设局", "认领"],
        [2, "食品生产许可", "岚州市西河县市场监督管理局", "认领"],
        [3, "食品经营许可证核发", "县市场监督管理局", "认领"],
    ]
    _another_countys_list(here, header, rows)
    code, out = run("check")
    assert code == 1 and "other-unit" in out
    assert "2 of its 3 rows name 西河县 in their 实施主体" in (here / "out" / "issues.csv").read_text("utf-8")


def test_organs_of_the_unit_itself_or_a_minority_of_rows_are_not_another_unit() -> None:
    from quanze.ingest.inputcheck import other_unit_issues
    from quanze.models import PowerItem, Provenance

    def items(*organs: str) -> list[PowerItem]:
        src = Provenance(file="a.xlsx", sheet="Sheet1", row=2)
        return [PowerItem(name="燃气经营许可证核发", department=o, source=src) for o in organs]

    def issues(unit: str, *organs: str, parent: str | None = None) -> list[str]:
        found = other_unit_issues(items(*organs), unit, file="a.xlsx", parent=parent, aliases={})
        return [str(i.value) for i in found]

    assert issues("东城县", "西河县民政局", "西河县住建局") == ["西河县"]
    assert issues("东城县", "东城县民政局", "岚州市东城县住建局", "县教育局") == []
    # One row in three is a slip, not another county's list.
    assert issues("东城县", "西河县民政局", "东城县住建局", "东城县教育局") == []
    # Zones and a city's own organs are not another county.
    assert issues("东城县", "岚州高新区管委会", "岚州市公安局东城分局") == []
    # A township's list is carried out by its county's organs: only a 行政区划 column speaks for it.
    assert issues("青石镇", "东城县民政局", "东城县住建局", parent="东城县") == []
    assert issues("青石镇", "东城县民政局", "东城县住建局") == []
    # A town's own organs name the town: another town's government or office is another town's list.
    assert issues("青石镇", "柳塘镇人民政府", "西河县柳塘镇人民政府", parent="东城县") == ["柳塘镇"]
    assert issues("樟木街道", "双河街道办事处", "双河街道办事处") == ["双河街道"]
    assert issues("青石镇", "青石镇人民政府", "东城县青石镇综合行政执法队", parent="东城县") == []
    # County departments whose words hold 乡 or 镇 (住房和城乡建设局) are no town's organ.
    assert issues("青石镇", "东城县住房和城乡建设局", "西河县住房和城乡建设局", parent="东城县") == []


def test_a_unit_the_catalogue_also_spells_with_its_city_is_one_unit() -> None:
    """行政区划 岚州市苍梧县 on some rows and 苍梧县 on others, for a list given as 苍梧县's: one unit, not a second
    unit whose items match nothing; so too where only the catalogue's other rows spell it short."""
    from quanze.ingest.inputcheck import reconcile_units
    from quanze.models import IssueCode, Provenance, ServiceItem

    src = Provenance(file="catalogue.xlsx", sheet="Sheet1", row=2)

    def services() -> list[ServiceItem]:
        return [
            ServiceItem(name="建筑起重机械使用登记", unit="苍梧县", source=src),
            ServiceItem(name="户外广告设施设置审批", unit="岚州市苍梧县", source=src),
        ]

    for given in (["苍梧县"], []):
        found = services()
        issues = reconcile_units(found, [], {}, aliases={}, catalogue="catalogue.xlsx", given=given).issues
        assert [s.unit for s in found] == ["苍梧县", "苍梧县"]
        assert [(i.code, i.value) for i in issues] == [(IssueCode.UNIT_ALIAS, "岚州市苍梧县")]
    # A list given under the long spelling keeps it.
    found = services()
    reconcile_units(found, [], {}, aliases={}, catalogue="catalogue.xlsx", given=["岚州市苍梧县"])
    assert [s.unit for s in found] == ["苍梧县", "岚州市苍梧县"]
    # The long spelling alone, for a list given as the county's, is the county.
    only_long = services()[1:]
    reconcile_units(only_long, [], {}, aliases={}, catalogue="catalogue.xlsx", given=["苍梧县"])
    assert [s.unit for s in only_long] == ["苍梧县"]


def _acceptance_run(here: Path, catalogue_rows: list[list[object]], catalogue_header: list[str]) -> None:
    fixtures.xlsx(here / "catalogue.xlsx", {"Sheet1": [catalogue_header, *catalogue_rows]})
    (here / "quanze.toml").write_text(
        '[project]\nout = "out"\n\n[[inputs.lists]]\npath = "city.xlsx"\nrole = "devolution"\n\n'
        '[[inputs.lists]]\npath = "东城县.xlsx"\nrole = "acceptance"\nunit = "东城县"\n\n'
        '[inputs.catalogue]\npath = "catalogue.xlsx"\n',
        "utf-8",
    )


def test_a_catalogue_naming_its_unit_by_区划名称_is_read_and_one_naming_none_fails_check(here: Path) -> None:
    fixtures.acceptance(here / "东城县.xlsx", [[1, "燃气经营许可证核发", "511A0001000000", "认领"]])
    row: list[object] = ["东城县住建局", "燃气经营许可证新办", "511A0001000001"]
    _acceptance_run(
        here,
        [[1, "369001", "东城县", *row]],
        ["序号", "区划代码", "区划名称", "实施主体", "事项名称", "基本编码"],
    )
    code, out = run("check")
    assert "unit-unmatched" not in out and "no-service-item" not in (here / "out" / "gaps.csv").read_text(
        "utf-8"
    )
    # Only a 区划代码 number: the catalogue names no unit, and its items would meet no unit's powers.
    _acceptance_run(here, [[1, "369001", *row]], ["序号", "区划代码", "实施主体", "事项名称", "基本编码"])
    code, out = run("check", "--force")
    assert code == 1 and "unit-unmatched" in out
    assert "the catalogue names no unit" in (here / "out" / "issues.csv").read_text("utf-8")


def test_an_acceptance_list_whose_认领_column_is_blank_throughout_fails_check(here: Path) -> None:
    rows: list[list[object]] = [
        [1, "燃气经营许可证核发", "511A0001000000", None],
        [2, "食品生产许可", None, None],
    ]
    fixtures.acceptance(here / "东城县.xlsx", rows)
    _acceptance_run(here, list(fixtures.CATALOGUE_ROWS), fixtures.CATALOGUE_HEADER)
    code, out = run("check")
    assert code == 1 and "blank-acceptance-column" in out
    # One cell filled in: the unit has answered, blanks read as listed (accepted) as before, and how many
    # were left blank is said (a sheet still being filled is not a decision), without failing the check.
    fixtures.acceptance(here / "东城县.xlsx", [[*rows[0][:3], "认领"], rows[1]])
    code, out = run("check", "--force")
    assert "blank-acceptance-column" not in out
    issues = (here / "out" / "issues.csv").read_text("utf-8")
    assert "blank-acceptance-cells" in issues and "blank on 1 of 2 rows (rows 3)" in issues
    # A list with no 认领 column at all: listing an item is accepting it.
    fixtures.xlsx(here / "东城县.xlsx", {"Sheet1": [["序号", "事项名称"], [1, "燃气经营许可证核发"]]})
    code, out = run("check", "--force")
    assert "blank-acceptance-column" not in out


def test_a_catalogue_unit_no_list_is_for_is_left_out_with_a_warning(here: Path) -> None:
    """A city-wide catalogue checked for two counties: 南湖县's items are neither orphans nor unused items of
    the run, and the run says it left them out (unit-outside-run, a warning that does not fail check)."""
    fixtures.scenario(here)
    fixtures.catalogue_with_a_neighbour_county(here / "catalogue.xlsx")
    code, _ = run("check")
    issues = (here / "out" / "issues.csv").read_text("utf-8")
    gaps = (here / "out" / "gaps.csv").read_text("utf-8")
    assert "unit-outside-run" in issues and "南湖县" in issues
    assert "南湖县" not in gaps and "南湖县" not in (here / "out" / "matches.csv").read_text("utf-8")
    # The scenario's own limits decide the exit code (its not-accepted limit fails), not the warning.
    assert code == 1
    # Given 南湖县's acceptance list, the unit is the run's: no warning, its items are counted (nothing was
    # devolved to it, so they have no power there).
    fixtures.acceptance(here / "南湖县.xlsx", [[1, "燃气经营许可证核发", None, "认领"]])
    config = here / "quanze.toml"
    config.write_text(
        config.read_text("utf-8").replace(
            "[inputs.catalogue]",
            '[[inputs.lists]]\npath = "南湖县.xlsx"\nrole = "acceptance"\nunit = "南湖县"\n\n[inputs.catalogue]',
        ),
        "utf-8",
    )
    run("check", "--force")
    assert "unit-outside-run" not in (here / "out" / "issues.csv").read_text("utf-8")
    assert "南湖县" in (here / "out" / "gaps.csv").read_text("utf-8")


def test_a_run_that_names_no_unit_keeps_every_catalogue_unit() -> None:
    """A devolution list without 承接单位 and no acceptance list: every unit of the catalogue is the run's."""
    from quanze.ingest.inputcheck import reconcile_units
    from quanze.models import PowerItem, Provenance, ServiceItem

    src = Provenance(file="catalogue.xlsx", sheet="Sheet1", row=2)
    services = [ServiceItem(name="取水许可", unit=u, source=src) for u in ("东城县", "南湖县")]
    devolved = [PowerItem(name="取水许可", source=src)]
    found = reconcile_units(services, devolved, {}, aliases={}, catalogue="catalogue.xlsx", given=["某市"])
    assert found.outside == frozenset() and found.issues == []
    named = [PowerItem(name="取水许可", receiving_unit="东城县", source=src)]
    found = reconcile_units(services, named, {}, aliases={}, catalogue="catalogue.xlsx", given=["某市"])
    assert found.outside == {"南湖县"} and [i.value for i in found.issues] == ["南湖县"]


def test_rows_whose_own_unit_the_catalogue_does_not_hold_are_named_not_dropped(here: Path) -> None:
    """A list whose 行政区划 column names a unit with no catalogue: its powers are matched nowhere, loudly."""
    header = ["序号", "行政区划", "事项名称", "事项类型", "实施主体"]
    rows = [
        [1, "北湖市", "燃气经营许可证核发", "行政许可", "北湖市住建局"],
        [2, "北湖市", "食品经营许可", "行政许可", "北湖市市场监管局"],
        [3, "北湖市", "城市道路占用挖掘许可", "行政许可", "北湖市城管局"],
    ]
    fixtures.xlsx(here / "own-unit-column.xlsx", {"Sheet1": [header, *rows]})
    config = (
        '[project]\nout = "out"\n\n[[inputs.lists]]\npath = "city.xlsx"\nrole = "devolution"\n\n'
        '[[inputs.lists]]\npath = "own-unit-column.xlsx"\nrole = "devolution"\n\n'
        '[inputs.catalogue]\npath = "catalogue.xlsx"\n'
    )
    (here / "quanze.toml").write_text(config, "utf-8")
    code, out = run("check")
    assert code == 1 and "unit-unmatched" in out
    issues = (here / "out" / "issues.csv").read_text("utf-8")
    assert "own-unit-column.xlsx" in issues and "3 row(s) name 行政区划 北湖市" in issues
    # The rows of units the catalogue holds raise nothing: only the unheld unit is named.
    assert issues.count("unit-unmatched") == 1


def _latin_catalogue(path: Path) -> None:
    fixtures.csv_file(
        path,
        [
            ["areaName", "itemName", "itemCode", "deptName"],
            ["东城县", "燃气经营许可证新办", "511A0001000001", "东城县住建局"],
            ["西河县", "食品经营许可新办", "511A0002000001", "西河县市场监督管理局"],
        ],
    )


@pytest.mark.parametrize("spelling", ["itemcode", "ItemCode", "itemcode "])
def test_a_latin_header_alias_is_matched_whatever_its_case(here: Path, spelling: str) -> None:
    _latin_catalogue(here / "latin-headers.csv")
    (here / "quanze.toml").write_text(
        f'[aliases.headers]\nunit = ["areaName"]\nname = ["itemName"]\ncode = ["{spelling}"]\n'
        'department = ["deptName"]\n',
        "utf-8",
    )
    result = runner.invoke(app, ["inspect", "latin-headers.csv", "--format", "json"])
    assert result.exit_code == 0, result.output
    columns = json.loads(result.output)[0]["sheets"][0]["columns"]
    assert {c["header"]: c["field"] for c in columns}["itemCode"] == "code"


def test_a_header_alias_that_names_no_column_is_a_warning(here: Path) -> None:
    """A typo in [aliases.headers] would silently drop the field it was for: it is named, with the headers."""
    _latin_catalogue(here / "latin-headers.csv")
    (here / "quanze.toml").write_text(
        '[aliases.headers]\nunit = ["areaName"]\nname = ["itemName"]\ncode = ["itemKode"]\n', "utf-8"
    )
    _code, out = run("validate", "latin-headers.csv")
    assert "unused-header-alias" in out and 'code = "itemKode" names no column' in out
    assert "itemCode" in out and "deptName" in out  # the headers no field took
    assert '"areaName"' not in out  # aliases that name a column raise nothing
    # reconcile says it too, and writes it to issues.csv.
    config = (here / "quanze.toml").read_text("utf-8")
    (here / "quanze.toml").write_text(
        config + '\n[[inputs.lists]]\npath = "city.xlsx"\n\n[inputs.catalogue]\npath = "latin-headers.csv"\n',
        "utf-8",
    )
    _code, out = run("reconcile", "--out", "out")
    assert "unused-header-alias" in (here / "out" / "issues.csv").read_text("utf-8")
    assert 'code = "itemKode" names no column' in out


def test_an_excel_lock_file_caught_by_a_glob_is_skipped_with_a_warning(here: Path) -> None:
    """~$东城县.xlsx (Excel has 东城县.xlsx open) is no list: the batch is read, the lock file named."""
    fixtures.acceptance(here / "东城县.xlsx", [[1, "燃气经营许可证核发", "511A0001000000", "认领"]])
    (here / "~$东城县.xlsx").write_bytes(b"\x0czhangsan" + b" " * 40 + b"\x00\x00")
    code, out = run("validate", "东城县.xlsx", "~$东城县.xlsx")
    assert code == 1 and "office-lock-file" in out and "open in Excel" in out
    assert "unreadable-file" not in out and "binary data" not in out


def test_the_unit_unmatched_message_names_the_closest_catalogue_unit_first(here: Path) -> None:
    from quanze.ingest.inputcheck import _shown

    units = ["东城县", "北湖县", "南山县", "安平经济技术开发区", "白云县", "西河县", "青石县"]
    assert _shown(units, first="青石县").startswith("青石县、") and "… (7)" in _shown(units, first="青石县")


def test_a_catalogue_given_as_one_units_whose_organs_name_another_county_fails_check(here: Path) -> None:
    """[inputs.catalogue] unit = "东城县" on a file with no 行政区划 whose every 实施主体 is 西河县's: the wrong county's
    export would pass as 东城县's catalogue (every gap and usage figure about the wrong place)."""
    fixtures.acceptance(here / "东城县.xlsx", [[1, "燃气经营许可证核发", "511A0001000000", "认领"]])
    header = ["序号", "实施主体", "事项名称", "基本编码"]
    rows: list[list[object]] = [
        [1, "西河县住房和城乡建设局", "燃气经营许可证新办", "511A0001000001"],
        [2, "西河县市场监督管理局", "食品经营许可新办", "511A0003000001"],
    ]
    fixtures.xlsx(here / "catalogue.xlsx", {"Sheet1": [header, *rows]})
    config = (
        '[project]\nout = "out"\n\n[[inputs.lists]]\npath = "city.xlsx"\nrole = "devolution"\n\n'
        '[[inputs.lists]]\npath = "东城县.xlsx"\nrole = "acceptance"\nunit = "东城县"\n\n'
        '[inputs.catalogue]\npath = "catalogue.xlsx"\nunit = "{unit}"\n'
    )
    (here / "quanze.toml").write_text(config.replace("{unit}", "东城县"), "utf-8")
    code, out = run("check")
    assert code == 1 and "other-unit" in out
    assert "西河县" in (here / "out" / "issues.csv").read_text("utf-8")
    # Its own county's organs: no warning.
    for row in rows:
        row[1] = str(row[1]).replace("西河县", "东城县")
    fixtures.xlsx(here / "catalogue.xlsx", {"Sheet1": [header, *rows]})
    code, out = run("check", "--force")
    assert "other-unit" not in (here / "out" / "issues.csv").read_text("utf-8")


def test_catalogue_export_with_unit_and_volume_given_as_power_list(here: Path) -> None:
    """A town's own catalogue export (行政区划 and 办件量, no 认领 or 承接 column) saved under its list's name."""
    header = ["序号", "事项名称", "事项类型", "实施主体", "行政区划", "办件量"]
    rows = [
        [1, "燃气经营许可证核发", "行政许可", "北岭镇人民政府", "北岭镇", 3],
        [2, "食品经营许可", "行政许可", "北岭镇人民政府", "北岭镇", 8],
    ]
    fixtures.xlsx(
        here / "town-catalogue-export.xlsx", {"Sheet1": [["北岭镇政务服务事项目录"], header, *rows]}
    )
    code, out = run("reconcile", "-p", "town-catalogue-export.xlsx", "-s", "catalogue.xlsx", "-o", "run")
    assert code == 3 and "given as the power list, but it reads as a service catalogue" in out
    assert "行政区划" in out and "办件量" in out
    # The same columns beside a 认领情况 column are an acceptance list that carries its volumes.
    fixtures.xlsx(
        here / "acceptance-with-volume.xlsx",
        {"Sheet1": [[*header, "认领情况"], *([*r, "认领"] for r in rows)]},
    )
    code, out = run("reconcile", "-p", "acceptance-with-volume.xlsx", "-s", "catalogue.xlsx", "-o", "run2")
    assert "reads as a service catalogue" not in out
