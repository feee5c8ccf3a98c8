"""`check` with no limits says so, instead of an empty table over "all limits hold"; exit codes unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from quanze.cli import app

import fixtures

runner = CliRunner()


@pytest.fixture
def no_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = fixtures.scenario(tmp_path / "work")
    text = config.read_text("utf-8")
    config.write_text(text[: text.index("[check]")], "utf-8")
    monkeypatch.chdir(config.parent)
    return config


def test_check_without_limits_says_none_are_set(no_limits: Path) -> None:
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output  # nothing judged, nothing failed: the exit code rules stand
    assert "all limits hold" not in result.output and "检查通过" not in result.output
    assert "[check] in quanze.toml names none" in " ".join(result.stdout.split())  # not eaten as markup
    assert "no limits set 未设限值" in result.stdout and "README › Nightly CI" in " ".join(
        result.stdout.split()
    )
    assert "┃ metric" not in result.stdout  # no empty table


def test_check_markdown_without_limits(no_limits: Path) -> None:
    result = runner.invoke(app, ["check", "--format", "markdown"])
    assert result.exit_code == 0
    assert "no limits set" in result.stdout and "all limits hold" not in result.stdout
    assert "| metric | count |" not in result.stdout


def test_check_without_limits_still_fails_on_invalid_rows(no_limits: Path) -> None:
    fixtures.missing_name(no_limits.parent / "bad.xlsx")
    text = no_limits.read_text("utf-8")
    no_limits.write_text(
        text + '\n[[inputs.lists]]\npath = "bad.xlsx"\nrole = "own"\nlevel = "county"\nunit = "东城县"\n',
        "utf-8",
    )
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1, result.output  # invalid rows fail a check whatever its limits
    assert "invalid-rows" in result.stdout and "no limits set" not in result.stdout


def _worse_baseline(folder: Path) -> Path:
    """The summary of a run like this one, but with three more not-accepted gaps than the next run will have."""
    import json

    result = runner.invoke(app, ["check", "--out", "night1"])
    assert result.exit_code == 0, result.output
    path = folder / "night1" / "summary.json"
    data = json.loads(path.read_text("utf-8"))
    data["gaps"]["not-accepted"] = data["gaps"].get("not-accepted", 0) + 3
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def test_check_without_limits_still_reports_the_baseline_changes(no_limits: Path) -> None:
    baseline = _worse_baseline(no_limits.parent)
    result = runner.invoke(app, ["check", "--out", "night2", "--baseline", str(baseline)])
    assert result.exit_code == 0, result.output
    assert "no limits set" in result.stdout
    assert "not-accepted:" in result.stdout and "better" in result.stdout


def test_check_markdown_without_limits_reports_the_baseline_changes(no_limits: Path) -> None:
    baseline = _worse_baseline(no_limits.parent)
    result = runner.invoke(
        app, ["check", "--out", "night2", "--baseline", str(baseline), "--format", "markdown"]
    )
    assert "no limits set" in result.stdout and "### Since the baseline" in result.stdout
    assert "| not-accepted |" in result.stdout and "(better)" in result.stdout


def test_a_limit_on_a_count_the_run_could_not_take_is_not_measured_and_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No acceptance list: not-accepted was never counted, so "0 <= 0 pass" would be a silent wrong answer."""
    config = fixtures.scenario(tmp_path / "work")
    text = config.read_text("utf-8")
    for unit in ("东城县", "西河县"):
        text = text.replace(
            f'[[inputs.lists]]\npath = "{unit}.xlsx"\nrole = "acceptance"\nunit = "{unit}"\n\n', ""
        )
    config.write_text(text, "utf-8")
    monkeypatch.chdir(config.parent)
    result = runner.invoke(app, ["check", "--format", "markdown"])
    assert result.exit_code == 1, result.output
    assert "| not-accepted | —（未提供承接清单） | <= 0 | **FAIL** (not measured) |" in result.stdout
    result = runner.invoke(app, ["check", "--force", "--junit", "junit.xml"])
    assert result.exit_code == 1 and "not measured" in result.stdout
    assert "not-accepted: not measured —（未提供承接清单）" in (config.parent / "junit.xml").read_text(
        "utf-8"
    )
    # The terminal table of a run says why instead of 0 as well.
    result = runner.invoke(app, ["reconcile", "--out", "again"])
    line = next(t for t in result.stderr.splitlines() if "gap not-accepted" in t)
    assert "未提供承接清单" in line and " 0 " not in line


def test_acceptance_lists_gone_since_the_baseline_are_not_measured_not_better(no_limits: Path) -> None:
    import json
    import re

    result = runner.invoke(app, ["check", "--out", "night1"])
    assert result.exit_code == 0, result.output
    night1 = json.loads((no_limits.parent / "night1" / "summary.json").read_text("utf-8"))
    assert night1["gaps"]["not-accepted"] > 0 and "not-accepted" not in night1["unmeasured"]
    text = no_limits.read_text("utf-8")
    # The next night's job lost every acceptance list: not-accepted is not counted, so it is no 0.
    no_limits.write_text(re.sub(r'role = "acceptance"', 'role = "previous"', text), "utf-8")
    result = runner.invoke(
        app, ["check", "--out", "night2", "--baseline", "night1/summary.json", "-f", "json"]
    )
    data = json.loads(result.stdout)
    assert data["summary"]["unmeasured"]["not-accepted"] == "—（未提供承接清单）"
    changes = {c["metric"]: c for c in data["changes"]}
    assert changes["not-accepted"]["verdict"] == "not measured"
    shown = runner.invoke(app, ["check", "--out", "night3", "--baseline", "night1/summary.json"])
    assert "not-accepted:" in shown.stdout and "(not measured)" in shown.stdout
    assert "better" not in shown.stdout.split("not-accepted:")[1].splitlines()[0]
