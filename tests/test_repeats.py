"""The same list given twice in one run is said once, left out, and fails `check` (quanze.ingest.repeats)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quanze.cli import app

import fixtures

runner = CliRunner()


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = fixtures.scenario(tmp_path / "work")
    monkeypatch.chdir(config.parent)
    return config.parent


def _add(folder: Path, text: str) -> None:
    config = folder / "quanze.toml"
    body = config.read_text("utf-8")
    at = body.index("[check]")
    config.write_text(body[:at] + text + "\n" + body[at:], "utf-8")


def _check(folder: Path, out: str) -> tuple[int, dict[str, object]]:
    result = runner.invoke(app, ["check", "--out", out, "--format", "json"])
    return result.exit_code, json.loads(result.stdout)


def _services(data: dict[str, object]) -> int:
    summary = data["summary"]
    assert isinstance(summary, dict)
    return int(summary["match"]["service_items"])


def test_the_catalogue_given_twice_under_another_name_is_counted_once(folder: Path) -> None:
    code, before = _check(folder, "once")
    shutil.copy(folder / "catalogue.xlsx", folder / "catalogue(1).xlsx")
    text = (folder / "quanze.toml").read_text("utf-8").replace("[inputs.catalogue]", "[[inputs.catalogue]]")
    (folder / "quanze.toml").write_text(text, "utf-8")
    _add(folder, '[[inputs.catalogue]]\npath = "catalogue(1).xlsx"\n')
    code, after = _check(folder, "twice")
    assert _services(after) == _services(before)  # not every item twice
    assert code == 1  # a repeated input fails the check whatever its limits
    assert after["summary"]["issues"].get("duplicate-input") == 1  # type: ignore[index]


def test_a_catalogue_exported_again_with_only_its_title_changed_is_a_repeat(folder: Path) -> None:
    """Two exports of one catalogue on two days differ in bytes (a 导出时间 line), not in records."""
    _, before = _check(folder, "once")
    rows = [fixtures.CATALOGUE_HEADER, *fixtures.CATALOGUE_ROWS]
    fixtures.xlsx(folder / "catalogue-tuesday.xlsx", {"Sheet1": [["导出时间：2026-11-24 09:12"], *rows]})
    text = (folder / "quanze.toml").read_text("utf-8").replace("[inputs.catalogue]", "[[inputs.catalogue]]")
    (folder / "quanze.toml").write_text(text, "utf-8")
    _add(folder, '[[inputs.catalogue]]\npath = "catalogue-tuesday.xlsx"\n')
    code, after = _check(folder, "twice")
    assert code == 1 and _services(after) == _services(before)
    assert after["summary"]["issues"].get("duplicate-input") == 1  # type: ignore[index]


def _repeats(out: Path) -> list[str]:
    """The duplicate-input rows of a run's issues.csv, file and message."""
    with (out / "issues.csv").open(encoding="utf-8-sig") as f:
        return [f"{r['file']}: {r['message']}" for r in csv.DictReader(f) if r["code"] == "duplicate-input"]


def _rate_line(output: str) -> str:
    line = next(line for line in output.splitlines() if line.startswith("承接率"))
    return line.split("；")[0]  # the rate, without check's verdict after it


def test_the_devolution_list_given_as_an_acceptance_list_does_not_accept_everything(folder: Path) -> None:
    before = _rate_line(runner.invoke(app, ["reconcile", "--out", "before"]).output)
    shutil.copy(folder / "city.xlsx", folder / "南山县.xlsx")
    _add(folder, '[[inputs.lists]]\npath = "南山县.xlsx"\nrole = "acceptance"\nunit = "南山县"\n')
    result = runner.invoke(app, ["check", "--out", "o"])
    assert result.exit_code == 1
    [said] = _repeats(folder / "o")
    assert "city.xlsx" in said and "南山县.xlsx" in said
    # Read as 南山县's acceptance list, the city's list would have made 南山县 accept every item it names.
    assert _rate_line(result.output) == before


def test_two_units_with_equal_records_in_their_own_files_are_no_repeat(folder: Path) -> None:
    """Two counties that accept the same items in the same words are two lists, not one given twice."""
    rows = [[1, "燃气经营许可证核发", None, "认领"], [2, "食品生产许可", None, "认领"]]
    fixtures.acceptance(folder / "南山县.xlsx", rows)
    fixtures.xlsx(
        folder / "北湖县.xlsx",
        {"Sheet1": [["北湖县承接清单"], ["序号", "事项名称", "事项编码", "认领情况"], *rows]},
    )
    _add(
        folder,
        '[[inputs.lists]]\npath = "南山县.xlsx"\nrole = "acceptance"\nunit = "南山县"\n\n'
        '[[inputs.lists]]\npath = "北湖县.xlsx"\nrole = "acceptance"\nunit = "北湖县"\n',
    )
    result = runner.invoke(app, ["reconcile", "--out", "o"])
    assert result.exit_code == 0, result.output
    assert "duplicate-input" not in result.output


def test_the_same_bytes_for_two_units_is_one_list_given_for_the_other(folder: Path) -> None:
    fixtures.acceptance(folder / "南山县.xlsx", [[1, "燃气经营许可证核发", None, "认领"]])
    shutil.copy(folder / "南山县.xlsx", folder / "北湖县.xlsx")
    _add(
        folder,
        '[[inputs.lists]]\npath = "南山县.xlsx"\nrole = "acceptance"\nunit = "南山县"\n\n'
        '[[inputs.lists]]\npath = "北湖县.xlsx"\nrole = "acceptance"\nunit = "北湖县"\n',
    )
    result = runner.invoke(app, ["check", "--out", "o"])
    assert result.exit_code == 1
    [said] = _repeats(folder / "o")
    assert "南山县.xlsx" in said and "北湖县.xlsx" in said and "byte for byte" in said


def test_last_years_list_the_same_as_this_years_is_no_repeat(folder: Path) -> None:
    shutil.copy(folder / "city.xlsx", folder / "city-2025.xlsx")
    _add(folder, '[[inputs.lists]]\npath = "city-2025.xlsx"\nrole = "previous"\nlevel = "city"\n')
    result = runner.invoke(app, ["reconcile", "--out", "o"])
    assert "duplicate-input" not in result.output
