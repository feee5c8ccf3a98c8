"""The CLI end to end through Typer's runner: exit codes, outputs, the review round trip."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from quanze import pipeline
from quanze.cli import app
from quanze.config import load_config

import fixtures

runner = CliRunner()


@pytest.fixture
def scenario(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = fixtures.scenario(tmp_path / "work")
    monkeypatch.chdir(config.parent)
    return config.parent


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("validate", "inspect", "reconcile", "review", "check", "init", "diff"):
        assert command in result.output


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and re.match(r"quanze \d+\.\d+\.\d+", result.output)


def test_validate_exit_codes(tmp_path: Path) -> None:
    clean = fixtures.plain(tmp_path / "plain.xlsx")
    bad = fixtures.missing_name(tmp_path / "missing-name.xlsx")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04not really")
    assert runner.invoke(app, ["validate", str(clean)]).exit_code == 0
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 1 and "missing-required" in result.output and "row 3" in result.output
    result = runner.invoke(app, ["validate", str(broken), str(clean)])
    assert result.exit_code == 3 and "Traceback" not in result.output


def test_validate_json_equals_library_result(tmp_path: Path) -> None:
    path = fixtures.unknown_category(tmp_path / "unknown-category.xlsx")
    result = runner.invoke(app, ["validate", str(path), "--format", "json", "--records"])
    data = json.loads(result.stdout)
    library = pipeline.run_validate(pipeline.IngestOptions(), files=[path]).model_dump(mode="json")
    assert data["files"] == library["files"]
    assert data["issue_counts"] == {"unknown-category": 1}
    assert data["exit_code"] == 1


def test_inspect_shows_header_and_mapping(tmp_path: Path) -> None:
    path = fixtures.merged_header(tmp_path / "merged-header.xlsx")
    result = runner.invoke(app, ["inspect", str(path), "--format", "json"])
    assert result.exit_code == 0
    (sheet,) = json.loads(result.stdout)[0]["sheets"]
    # 省指导目录事项 spans 权力类型 | 权力名称: both rows are the header, neither is a title or a record.
    assert sheet["header_rows"] == [1, 2]
    assert sheet["title_rows"] == []
    fields = {c["header"].split(" / ")[-1]: c["field"] for c in sheet["columns"]}
    assert fields["权力名称"] == "name"
    assert fields["权力类型"] == "category"


def test_inspect_shows_a_pasted_blocks_own_mapping(tmp_path: Path) -> None:
    path = fixtures.pasted_block_other_column_order(tmp_path / "pasted-block-other-column-order.xlsx")
    result = runner.invoke(app, ["inspect", str(path), "--format", "json"])
    (sheet,) = json.loads(result.stdout)[0]["sheets"]
    (block,) = sheet["column_blocks"]
    assert block["row"] == 5
    assert {c["column"]: c["field"] for c in block["columns"]} == {
        "A": "seq",
        "B": "name",
        "C": "department",
        "D": "category",
        "E": "remarks",
    }
    text = runner.invoke(app, ["inspect", str(path)]).stdout
    assert "from row 5, a pasted block's own header maps the columns" in text


def test_usage_error_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", "--header-rows", "x", str(tmp_path / "a.xlsx")])
    assert result.exit_code == 2


def test_reconcile_writes_the_contract(scenario: Path) -> None:
    result = runner.invoke(app, ["reconcile", "--format", "json"])
    assert result.exit_code == 0, result.output
    out = scenario / "out"
    matches = read_csv(out / "matches.csv")
    assert list(matches[0])[:8] == [
        "power_code",
        "power_name",
        "service_code",
        "service_name",
        "score",
        "method",
        "status",
        "reason",
    ]
    assert {m["status"] for m in matches} <= {"matched", "review", "unmatched"}
    gas = [m for m in matches if m["power_name"] == "燃气经营许可证核发" and m["status"] == "matched"]
    assert {(m["unit"], m["service_name"]) for m in gas} == {
        ("东城县", "燃气经营许可证新办"),
        ("东城县", "燃气经营许可证（变更）"),
        ("西河县", "燃气经营许可证新办"),
    }
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert json.loads(result.stdout) == summary
    assert summary["match"]["orphan_service_items"] == 1
    assert (out / "report.xlsx").exists() and (out / "review.xlsx").exists()


def test_reconcile_from_flags_without_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    fixtures.city_list(tmp_path / "city.xlsx")
    fixtures.catalogue(tmp_path / "cat.xlsx")
    result = runner.invoke(
        app, ["reconcile", "--powers", "city.xlsx", "--catalogue", "cat.xlsx", "--out", "o"]
    )
    assert result.exit_code == 0, result.output
    assert len(read_csv(tmp_path / "o" / "matches.csv")) >= 6


def test_reconcile_refuses_to_overwrite_without_force(scenario: Path) -> None:
    assert runner.invoke(app, ["reconcile"]).exit_code == 0
    result = runner.invoke(app, ["reconcile"])
    assert result.exit_code == 5 and "--force" in result.output
    assert runner.invoke(app, ["reconcile", "--force"]).exit_code == 0


def test_reconcile_output_is_deterministic(scenario: Path) -> None:
    runner.invoke(app, ["reconcile", "--out", "a"])
    runner.invoke(app, ["reconcile", "--out", "b"])
    for name in ("matches.csv", "gaps.csv", "issues.csv", "summary.json"):
        assert (scenario / "a" / name).read_bytes() == (scenario / "b" / name).read_bytes()


def test_missing_input_is_exit_3(scenario: Path) -> None:
    (scenario / "catalogue.xlsx").unlink()
    result = runner.invoke(app, ["reconcile"])
    assert result.exit_code == 3 and "catalogue.xlsx" in result.output


def _fill_review(path: Path, decisions: dict[str, str]) -> int:
    wb = load_workbook(path)
    ws = wb.active
    header = [c.value for c in ws[2]]
    col = header.index("决定（确认/否决）") + 1
    name_col = header.index("服务事项名称") + 1
    filled = 0
    for row in range(3, ws.max_row + 1):
        name = ws.cell(row, name_col).value
        if name in decisions:
            ws.cell(row, col).value = decisions[name]
            filled += 1
    wb.save(path)
    return filled


def test_review_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    fixtures.xlsx(
        tmp_path / "powers.xlsx",
        {
            "Sheet1": [
                ["序号", "事项名称", "实施主体"],
                [1, "县级广播电台、电视台变更台名、节目设置范围或节目套数审批", "市文旅局"],
                [2, "建设项目人防工程审批", "市人防办"],
            ]
        },
    )
    fixtures.xlsx(
        tmp_path / "cat.xlsx",
        {
            "Sheet1": [
                ["序号", "业务办理项名称", "所属权力事项", "行政区划", "实施主体"],
                [1, "县级广播电台、电视台变更台名审批", None, "东城县", "县文旅局"],
                [2, "建设项目人防工程竣工验收", None, "东城县", "县人防办"],
            ]
        },
    )
    args = ["reconcile", "-p", "powers.xlsx", "-s", "cat.xlsx", "--out", "run1"]
    assert runner.invoke(app, args).exit_code == 0
    review = tmp_path / "run1" / "review.xlsx"
    wb = load_workbook(review)
    ws = wb.active
    assert ws.data_validations.dataValidation[0].formula1 == '"确认,否决"'
    header = [c.value for c in ws[2]]
    hidden = {i for dim in ws.column_dimensions.values() if dim.hidden for i in range(dim.min, dim.max + 1)}
    assert hidden == {header.index("power_key") + 1, header.index("service_key") + 1}
    assert (
        _fill_review(review, {"县级广播电台、电视台变更台名审批": "确认", "建设项目人防工程竣工验收": "否决"})
        == 2
    )
    result = runner.invoke(app, ["review", "apply", str(review), "--by", "张三"])
    assert result.exit_code == 0, result.output
    history = [
        json.loads(line) for line in (tmp_path / "quanze-decisions.jsonl").read_text("utf-8").splitlines()
    ]
    assert [(h["decision"], h["by"]) for h in history] == [("confirm", "张三"), ("reject", "张三")]
    # Applying the same sheet again records nothing new.
    assert "0 new decision" in runner.invoke(app, ["review", "apply", str(review)]).output
    assert runner.invoke(app, [*args[:-1], "run2"]).exit_code == 0
    rows = read_csv(tmp_path / "run2" / "matches.csv")
    confirmed = [r for r in rows if r["service_name"] == "县级广播电台、电视台变更台名审批"]
    assert [(r["method"], r["status"]) for r in confirmed] == [("decision", "matched")]
    assert not [r for r in rows if r["service_name"] == "建设项目人防工程竣工验收"]
    summary = json.loads((tmp_path / "run2" / "summary.json").read_text("utf-8"))
    # The 确认 and the 否决 are both applied.
    assert summary["match"]["links_review"] == 0 and summary["match"]["decisions_applied"] == 2


def test_review_apply_reports_bad_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    fixtures.xlsx(
        tmp_path / "powers.xlsx",
        {"Sheet1": [["序号", "事项名称"], [1, "县级广播电台、电视台变更台名、节目设置范围或节目套数审批"]]},
    )
    fixtures.xlsx(
        tmp_path / "cat.xlsx",
        {
            "Sheet1": [
                ["序号", "业务办理项名称", "行政区划"],
                [1, "县级广播电台、电视台变更台名审批", "东城县"],
            ]
        },
    )
    runner.invoke(app, ["reconcile", "-p", "powers.xlsx", "-s", "cat.xlsx", "--out", "run"])
    _fill_review(tmp_path / "run" / "review.xlsx", {"县级广播电台、电视台变更台名审批": "也许"})
    result = runner.invoke(app, ["review", "apply", "run/review.xlsx"])
    assert result.exit_code == 1 and "bad-decision" in result.output
    assert not (tmp_path / "quanze-decisions.jsonl").exists()


def test_hostile_names_are_written_as_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    evil = '=HYPERLINK("http://example.invalid","点我")'
    fixtures.xlsx(tmp_path / "powers.xlsx", {"Sheet1": [["序号", "事项名称"], [1, evil], [2, "@SUM(1+1)"]]})
    fixtures.xlsx(
        tmp_path / "cat.xlsx",
        {"Sheet1": [["序号", "业务办理项名称", "行政区划"], [1, "+cmd|' /C calc'!A0", "东城县"]]},
    )
    src = load_workbook(tmp_path / "powers.xlsx")
    src.active["B2"].data_type = "s"
    src.save(tmp_path / "powers.xlsx")
    assert (
        runner.invoke(app, ["reconcile", "-p", "powers.xlsx", "-s", "cat.xlsx", "--out", "o"]).exit_code == 0
    )
    text = (tmp_path / "o" / "matches.csv").read_text("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=" not in text and ",=" not in text and ",@" not in text
    wb = load_workbook(tmp_path / "o" / "report.xlsx")
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    formula_like = [c for c in cells if c.value.startswith(("=", "@", "+"))]
    assert formula_like and all(c.data_type == "s" for c in formula_like)


def test_a_junit_file_in_the_report_folder_says_what_the_exit_code_says(scenario: Path) -> None:
    # overdue is counted from the ledger, which records the run after the reports are in place.
    config = scenario / "quanze.toml"
    config.write_text(config.read_text("utf-8") + "overdue = 100\n", "utf-8")
    result = runner.invoke(app, ["check", "--ledger", "--out", "out", "--junit", "out/junit.xml"])
    assert result.exit_code == 1, result.output  # not-accepted = 0 fails; overdue = 100 holds
    junit = (scenario / "out" / "junit.xml").read_text("utf-8")
    assert 'name="overdue"' in junit and junit.count("<failure") == 1


def test_init_writes_a_config_that_loads(tmp_path: Path) -> None:
    path = tmp_path / "quanze.toml"
    assert runner.invoke(app, ["init", str(path)]).exit_code == 0
    assert load_config(path).check["not-accepted"].limit == 0
    assert runner.invoke(app, ["init", str(path)]).exit_code == 5


def test_check_exit_codes_and_formats(scenario: Path) -> None:
    result = runner.invoke(app, ["check", "--format", "json", "--junit", "junit.xml"])
    assert result.exit_code == 1  # the scenario has not-accepted gaps and the limit is 0
    data = json.loads(result.stdout)
    failed = {t["name"] for t in data["thresholds"] if not t["passed"]}
    assert failed == {"not-accepted"}
    junit = (scenario / "junit.xml").read_text("utf-8")
    assert junit.count("<testcase") == 2 and junit.count("<failure") == 1
    config = scenario / "quanze.toml"
    config.write_text(config.read_text("utf-8").replace("not-accepted = 0", "not-accepted = 2"), "utf-8")
    result = runner.invoke(app, ["check", "--format", "markdown", "--force"])
    assert result.exit_code == 0 and "| not-accepted | 2 | <= 2 | pass |" in result.stdout


def test_check_baseline_reports_changes(scenario: Path) -> None:
    runner.invoke(app, ["check", "--out", "night1"])
    config = scenario / "quanze.toml"
    config.write_text(
        config.read_text("utf-8").replace(
            'unit = "西河县"\n',
            'unit = "西河县"\n\n'
            '[[inputs.lists]]\npath = "extra.xlsx"\nrole = "acceptance"\nunit = "东城县"\n',
            1,
        ),
        "utf-8",
    )
    fixtures.acceptance(scenario / "extra.xlsx", [[1, "户外广告设置许可", None, "认领"]])
    result = runner.invoke(
        app, ["check", "--out", "night2", "--baseline", "night1/summary.json", "-f", "json"]
    )
    changes = {c["metric"]: c for c in json.loads(result.stdout)["changes"]}
    assert changes["not-accepted"]["verdict"] == "better" and changes["not-accepted"]["change"] == -1


def test_check_refuses_another_projects_summary_as_baseline(scenario: Path) -> None:
    """The quirk: last night's artifact of another province in the CI matrix (other inputs, other units)."""
    assert runner.invoke(app, ["check", "--out", "night1"]).exit_code in (0, 1)
    summary = json.loads((scenario / "night1" / "summary.json").read_text("utf-8"))
    for n, i in enumerate(summary["inputs"]):
        i["path"], i["unit"] = f"klmy_{n}.xlsx", "克拉玛依市" if i["unit"] else None
    (scenario / "another_projects_summary.json").write_text(json.dumps(summary, ensure_ascii=False), "utf-8")
    result = runner.invoke(app, ["check", "--out", "night2", "--baseline", "another_projects_summary.json"])
    assert result.exit_code == 4, result.output
    said = " ".join(result.output.split())
    assert "another project's summary" in said and "克拉玛依市" in said and "Traceback" not in said
    assert not (scenario / "night2").exists()  # refused before anything was read or written


def test_bad_config_names_the_key(scenario: Path) -> None:
    (scenario / "quanze.toml").write_text("[match]\nmatch_treshold = 90\n[check]\nnot-acepted = 1\n", "utf-8")
    result = runner.invoke(app, ["reconcile"])
    assert result.exit_code == 4
    assert "match.match_treshold" in result.output and "unknown key" in result.output


def test_unknown_check_metric_is_a_config_error(scenario: Path) -> None:
    config = scenario / "quanze.toml"
    config.write_text(config.read_text("utf-8") + "not-acepted = 1\n", "utf-8")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 4 and "not-acepted" in result.output


def test_every_command_is_in_the_readme() -> None:
    from test_cli_json import command_names

    readme = (Path(__file__).parents[1] / "README.md").read_text("utf-8")
    commands = command_names(app) | {g.name or "" for g in app.registered_groups}
    assert sorted(c for c in commands if f"quanze {c}" not in readme) == []  # sub-commands too


def test_reconcile_one_unit_is_a_partition_of_the_whole(scenario: Path) -> None:
    assert runner.invoke(app, ["reconcile", "--out", "all"]).exit_code == 0
    assert runner.invoke(app, ["reconcile", "--out", "east", "--unit", "东城县"]).exit_code == 0
    whole = [r for r in read_csv(scenario / "all" / "matches.csv") if r["unit"] == "东城县"]
    part = read_csv(scenario / "east" / "matches.csv")
    assert part == whole and part
    assert runner.invoke(app, ["reconcile", "--out", "x", "--unit", "南京县"]).exit_code == 2


def test_a_unit_run_holds_that_units_gap_rows_only(scenario: Path) -> None:
    """Rows found by comparing units (名称录入不一致 of 西河县) and other units' rows stay out of 东城县's folder."""
    from quanze.gap_types import CROSS_UNIT

    assert runner.invoke(app, ["reconcile", "--out", "all"]).exit_code == 0
    whole = read_csv(scenario / "all" / "gaps.csv")
    assert {r["unit"] for r in whole} > {"东城县"} and {r["gap_type"] for r in whole} & CROSS_UNIT
    result = runner.invoke(app, ["reconcile", "--out", "east", "--unit", "东城县"])
    assert result.exit_code == 0, result.output
    part = read_csv(scenario / "east" / "gaps.csv")
    assert part == [r for r in whole if r["unit"] == "东城县" and r["gap_type"] not in CROSS_UNIT] and part
    summary = json.loads((scenario / "east" / "summary.json").read_text("utf-8"))
    assert not set(summary["gaps"]) & CROSS_UNIT  # not looked for here, so not a 0 either
    line = next(t for t in result.stderr.splitlines() if "gap name-mismatch" in t)
    assert "按单位运行" in line


def test_python_dash_m_quanze() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "quanze", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and result.stdout.startswith("quanze ")


def test_verbose_and_quiet(scenario: Path) -> None:
    loud = runner.invoke(app, ["--verbose", "reconcile", "--out", "v"])
    assert "matching" in loud.stderr and "finding gaps" in loud.stderr
    quiet = runner.invoke(app, ["--quiet", "reconcile", "--out", "q"])
    assert quiet.exit_code == 0 and quiet.stderr == "" and quiet.stdout == ""


def test_validate_uses_the_config_aliases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = fixtures.xlsx(
        tmp_path / "odd.xlsx", {"Sheet1": [["No.", "权力事项全称"], [1, "燃气经营许可证核发"]]}
    )
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 1  # no header found
    (tmp_path / "quanze.toml").write_text(
        '[aliases.headers]\nname = ["权力事项全称"]\nseq = ["No."]\n', "utf-8"
    )
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0


def test_reconcile_from_flags_honours_the_configs_reading_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`reconcile -p …` takes its lists from the flags but still reads them as quanze.toml says."""
    monkeypatch.chdir(tmp_path)
    header = [f"栏目{i}" if h == "事项名称" else h for i, h in enumerate(fixtures.CITY_HEADER)]
    fixtures.xlsx(tmp_path / "city.xlsx", {"Sheet1": [header, *fixtures.CITY_ROWS]})
    fixtures.catalogue(tmp_path / "cat.xlsx")
    args = ["reconcile", "-p", "city.xlsx", "-s", "cat.xlsx", "--out", "o"]
    without = runner.invoke(app, args)
    assert without.exit_code != 0  # no column names the item: nothing can be read
    name_header = header[fixtures.CITY_HEADER.index("事项名称")]
    (tmp_path / "quanze.toml").write_text(f'[aliases.headers]\nname = ["{name_header}"]\n', encoding="utf-8")
    result = runner.invoke(app, [*args, "--force"])
    assert result.exit_code == 0, result.output
    assert len(read_csv(tmp_path / "o" / "matches.csv")) >= 6


def test_every_issue_code_is_documented_in_the_readme() -> None:
    from quanze.models import IssueCode

    readme = (Path(__file__).parents[1] / "README.md").read_text("utf-8")
    assert [c.value for c in IssueCode if f"`{c.value}`" not in readme] == []


def test_help_shows_bracketed_words_and_panels() -> None:
    text = runner.invoke(app, ["check", "--help"], terminal_width=200).output
    assert "[check]" in text  # not swallowed as rich markup
    assert "Inputs 输入" in text and "Output 输出" in text and "Example:" in text
    reconcile_help = runner.invoke(app, ["reconcile", "--help"], terminal_width=200).output
    assert "[LEVEL:]UNIT=FILE" in reconcile_help and "Matching 匹配" in reconcile_help
    init_help = runner.invoke(app, ["init", "--help"], terminal_width=200).output
    assert "Replace the config file" in init_help and "Replace reports" not in init_help
    for command in (
        ["validate"],
        ["inspect"],
        ["reconcile"],
        ["gaps"],
        ["diff"],
        ["check"],
        ["init"],
        ["review", "apply"],
        ["handover", "build"],
        ["handover", "progress"],
    ):
        assert "Example:" in runner.invoke(app, [*command, "--help"], terminal_width=200).output, command


def test_error_messages_keep_brackets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "quanze.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 2 and "[[inputs.lists]]" in result.stderr


def test_chinese_first_summary_on_stderr_data_on_stdout(scenario: Path) -> None:
    result = runner.invoke(app, ["reconcile", "--out", "s", "--format", "json"])
    summary = json.loads(result.stdout)  # stdout holds only the data
    lines = result.stderr.strip().splitlines()
    assert lines[-2].startswith("承接率 ") and lines[-1].startswith("缺口 gaps：已下放未承接 2")
    assert summary["gaps"]["not-accepted"] == 2
    check = runner.invoke(app, ["check", "--out", "c", "--force", "--format", "json"])
    assert json.loads(check.stdout)["passed"] is False
    first, second = check.stderr.strip().splitlines()[-2:]
    assert first.startswith("承接率 71.4%（5/7）") and "超出限值" in first
    assert second.startswith("缺口 gaps：已下放未承接 2")


def test_jsonl_streams_match_and_gap_rows(scenario: Path) -> None:
    result = runner.invoke(app, ["reconcile", "--out", "j", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    matches = read_csv(scenario / "j" / "matches.csv")
    assert sum(r["kind"] == "match" for r in rows) == len(matches)
    summary = json.loads((scenario / "j" / "summary.json").read_text("utf-8"))
    assert sum(r["kind"] == "gap" for r in rows) == sum(summary["gaps"].values())
    gaps_only = runner.invoke(app, ["gaps", "--out", "g", "-f", "jsonl"])
    assert {json.loads(line)["kind"] for line in gaps_only.stdout.splitlines()} == {"gap"}


def test_verbose_prints_stage_timings(scenario: Path) -> None:
    result = runner.invoke(app, ["-v", "reconcile", "--out", "t"])
    assert re.search(r"^\s*\d+\.\d\ds  matching \d+ powers", result.stderr, re.MULTILINE)
    assert re.search(r"^\s*\d+\.\d\ds  total$", result.stderr, re.MULTILINE)
    quiet_ci = runner.invoke(app, ["reconcile", "--out", "ci"])  # not a terminal, no -v: no progress
    assert not re.search(r"matching \d+ powers", quiet_ci.stderr)


def test_open_opens_the_html_report(scenario: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
    result = runner.invoke(app, ["reconcile", "--out", "o2", "--open"])
    assert result.exit_code == 0, result.output
    assert opened == [(scenario / "o2" / "report.html").resolve().as_uri()]


def test_live_progress_on_a_terminal_only(scenario: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from rich.console import Console

    from quanze import cli, console

    seen: list[str] = []
    terminal = Console(file=io.StringIO(), force_terminal=True)
    monkeypatch.setattr(cli.term, "err", terminal)
    original = console.Stages.stage

    def spy(self: console.Stages, message: str) -> None:
        original(self, message)
        assert self.bar is not None  # a live rich.progress display, not printed lines
        seen.append(self.bar.tasks[0].description)

    monkeypatch.setattr(console.Stages, "stage", spy)
    result = runner.invoke(app, ["reconcile", "--out", "tty"])
    assert result.exit_code == 0, result.output
    assert any(s.startswith("reading ") for s in seen) and any(s.startswith("matching ") for s in seen)
    assert cli.term.stages is None  # closed when the command ends


def test_bracketed_file_names_are_shown_as_written(tmp_path: Path) -> None:
    path = fixtures.plain(tmp_path / "清单[draft].xlsx")
    result = runner.invoke(app, ["validate", str(path)], terminal_width=300)
    assert result.exit_code == 0 and "清单[draft].xlsx" in result.stdout


def test_review_apply_refuses_a_link_decided_both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A review row copied down and changed: 确认 on one row, 否决 on its copy. Neither is recorded; both rows
    are named (conflicting-decisions), and the other links of the sheet are recorded."""
    monkeypatch.chdir(tmp_path)
    fixtures.xlsx(
        tmp_path / "powers.xlsx",
        {"Sheet1": [["序号", "事项名称"], [1, "县级广播电台、电视台变更台名、节目设置范围或节目套数审批"]]},
    )
    fixtures.xlsx(
        tmp_path / "cat.xlsx",
        {
            "Sheet1": [
                ["序号", "业务办理项名称", "行政区划"],
                [1, "县级广播电台、电视台变更台名审批", "东城县"],
            ]
        },
    )
    runner.invoke(app, ["reconcile", "-p", "powers.xlsx", "-s", "cat.xlsx", "--out", "run"])
    review = tmp_path / "run" / "review.xlsx"
    _fill_review(review, {"县级广播电台、电视台变更台名审批": "确认"})
    wb = load_workbook(review)
    ws = wb.active
    ws.append([c.value for c in ws[3]])  # the row copied below the table
    header = [c.value for c in ws[2]]
    ws.cell(
        row=ws.max_row, column=header.index(next(h for h in header if h.startswith("决定"))) + 1
    ).value = "否决"
    wb.save(review)
    result = runner.invoke(app, ["review", "apply", str(review), "--format", "json"])
    assert result.exit_code == 1
    issues = json.loads(result.stdout)["issues"]
    assert sorted((i["code"], i["row"]) for i in issues) == [
        ("conflicting-decisions", 3),
        ("conflicting-decisions", ws.max_row),
    ]
    assert not (tmp_path / "quanze-decisions.jsonl").exists()
