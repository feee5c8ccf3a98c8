"""A unit the run knows whose acceptance list is missing while others' are given: loud, and not measured."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from quanze.check import LOUD_WARNINGS
from quanze.cli import app
from quanze.config import load_config
from quanze.coverage import NO_ACCEPTANCE_LISTS
from quanze.models import IssueCode
from quanze.pipeline import reconcile
from quanze.unlisted import NO_UNIT_LIST

import fixtures

runner = CliRunner()


def _drop_list(config: Path, unit: str) -> None:
    text = config.read_text("utf-8")
    block = f'[[inputs.lists]]\npath = "{unit}.xlsx"\nrole = "acceptance"\nunit = "{unit}"\n\n'
    assert block in text
    config.write_text(text.replace(block, ""), "utf-8")


@pytest.fixture
def one_list_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The scenario with 西河县's acceptance list left out of quanze.toml; 西河县 is still in the catalogue
    and in the devolution list's 承接单位."""
    config = fixtures.scenario(tmp_path / "work")
    monkeypatch.chdir(config.parent)
    return config


def test_a_missing_list_is_a_loud_warning_and_the_unit_shows_as_not_measured(one_list_missing: Path) -> None:
    _drop_list(one_list_missing, "西河县")
    result = reconcile(load_config(one_list_missing))
    missing = [i for i in result.issues if i.code is IssueCode.MISSING_ACCEPTANCE_LIST]
    assert [i.value for i in missing] == ["西河县"]
    assert IssueCode.MISSING_ACCEPTANCE_LIST in LOUD_WARNINGS
    rows = {a.unit: a for a in result.acceptance}
    assert set(rows) == {"东城县", "西河县"}  # never vanishes
    assert rows["西河县"].not_measured == NO_UNIT_LIST and rows["西河县"].devolved == 3
    assert rows["东城县"].not_measured is None


def test_check_fails_and_the_report_names_the_unit(one_list_missing: Path) -> None:
    _drop_list(one_list_missing, "西河县")
    result = runner.invoke(app, ["check", "--out", "night", "--format", "markdown"])
    assert result.exit_code == 1, result.output
    assert "missing-acceptance-list 1" in result.stdout and "all limits hold" not in result.stdout
    assert "3 items are devolved to 西河县" in " ".join(
        result.stderr.split()
    )  # the job's log says which and why
    sheet = openpyxl.load_workbook(one_list_missing.parent / "night" / "report.xlsx")["承接进度"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    xihe = next(r for r in rows if r and r[0] == "西河县")
    # The reason once, the other counts blank beside it (so it reads whole), never a 0.
    assert xihe[1] == 3 and xihe[2] == NO_UNIT_LIST
    assert all(c is None for c in xihe[3:7]), xihe
    overview = openpyxl.load_workbook(one_list_missing.parent / "night" / "report.xlsx")["概览"]
    line = next(
        str(c) for row in overview.iter_rows(values_only=True) for c in row if str(c).startswith("承接率")
    )
    assert "西河县 未提供承接清单，未计入" in line  # beside the rate in 概览's one line, not only on the page
    html = (one_list_missing.parent / "night" / "report.html").read_text("utf-8")
    assert "西河县" in html and NO_UNIT_LIST in html and "未提供承接清单，未计入" in html


def test_every_list_given_raises_no_warning(one_list_missing: Path) -> None:
    result = reconcile(load_config(one_list_missing))
    assert not [i for i in result.issues if i.code is IssueCode.MISSING_ACCEPTANCE_LIST]
    assert all(a.not_measured is None for a in result.acceptance)


def test_a_list_gone_since_the_baseline_fails_and_its_counts_are_not_compared(one_list_missing: Path) -> None:
    first = runner.invoke(app, ["check", "--out", "night1"])
    assert first.exit_code in (0, 1), first.output
    _drop_list(one_list_missing, "西河县")
    result = runner.invoke(
        app, ["check", "--out", "night2", "--format", "json", "--baseline", "night1/summary.json"]
    )
    import json

    data = json.loads(result.stdout)
    gone = [t for t in data["thresholds"] if t["name"].startswith("acceptance lists gone since the baseline")]
    assert gone and not gone[0]["passed"] and "西河县" in gone[0]["name"]
    verdicts = {c["metric"]: c["verdict"] for c in data["changes"]}
    assert verdicts["not-accepted"] in ("not measured", "same") and "better" not in verdicts["not-accepted"]
    assert result.exit_code == 1


def test_a_units_run_for_a_unit_without_its_list_names_the_acceptance_list(one_list_missing: Path) -> None:
    """Finding 10: the devolution list was read; it is the unit's acceptance list that is missing."""
    _drop_list(one_list_missing, "西河县")
    result = reconcile(load_config(one_list_missing), units=["西河县"])
    assert result.summary.unmeasured["not-accepted"] == NO_ACCEPTANCE_LISTS
    assert [a.unit for a in result.acceptance] == ["西河县"]
    assert [i.value for i in result.issues if i.code is IssueCode.MISSING_ACCEPTANCE_LIST] == ["西河县"]


def test_a_unit_named_only_by_the_devolution_list_is_known(one_list_missing: Path) -> None:
    """No catalogue 行政区划 for 西河县: the devolution list's 承接单位 still names it."""
    fixtures.catalogue(one_list_missing.parent / "catalogue.xlsx")
    from openpyxl import load_workbook

    book = load_workbook(one_list_missing.parent / "catalogue.xlsx")
    sheet = book.active
    assert sheet is not None
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, 2).value == "西河县":
            sheet.delete_rows(row, sheet.max_row)
            break
    book.save(one_list_missing.parent / "catalogue.xlsx")
    _drop_list(one_list_missing, "西河县")
    result = reconcile(load_config(one_list_missing))
    assert [i.value for i in result.issues if i.code is IssueCode.MISSING_ACCEPTANCE_LIST] == ["西河县"]
