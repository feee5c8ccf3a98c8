"""quanze explain: the name as compared, every candidate with its score and why it was kept or dropped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quanze.cli import app
from quanze.config import load_config
from quanze.review import explain

import fixtures

runner = CliRunner()


def _project(tmp_path: Path) -> Path:
    fixtures.xlsx(
        tmp_path / "powers.xlsx",
        {
            "Sheet1": [
                ["序号", "事项名称", "事项类型", "实施主体"],
                [1, "举办营业性演出审批", "行政许可", "市文旅局"],
                [2, "对未经批准举办营业性演出的处罚", "行政处罚", "市文旅局"],
            ]
        },
    )
    fixtures.xlsx(
        tmp_path / "cat.xlsx",
        {
            "Sheet1": [
                ["序号", "业务办理项名称", "行政区划", "实施主体"],
                [1, "举办营业性演出审批（县级）", "东城县", "县文旅局"],
                [2, "营业性演出变更审批", "东城县", "县文旅局"],
            ]
        },
    )
    cfg = tmp_path / "quanze.toml"
    cfg.write_text(
        '[[inputs.lists]]\npath = "powers.xlsx"\n\n[inputs.catalogue]\npath = "cat.xlsx"\n', "utf-8"
    )
    return cfg


def test_explain_a_service_item(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _project(tmp_path)
    result = runner.invoke(app, ["explain", "--service", "举办营业性演出审批（县级）"])
    assert result.exit_code == 0, result.output
    assert "比对用名称 举办营业性演出审批" in result.output and "层级 县级" in result.output
    assert "[matched] 东城县 举办营业性演出审批" in result.output and "保留：已匹配" in result.output
    # The penalty shares every noun but was dropped for its category, and says so.
    assert "对未经批准举办营业性演出的处罚" in result.output
    assert "舍弃：事项类别不同" in result.output


def test_explain_a_power_shows_decisions_and_equals_the_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    cfg = _project(tmp_path)
    added = runner.invoke(app, ["review", "add", "举办营业性演出审批", "营业性演出变更审批", "--by", "赵六"])
    assert added.exit_code == 0, added.output
    result = runner.invoke(app, ["explain", "举办营业性演出审批", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert cfg.exists()
    assert data == explain(load_config(Path("quanze.toml")), "举办营业性演出审批").model_dump(mode="json")
    assert data["kind"] == "power" and data["category"] == "行政许可"
    statuses = {c["name"]: (c["status"], c["method"]) for c in data["candidates"]}
    assert statuses["营业性演出变更审批"] == ("matched", "decision")
    assert [(d["by"], d["service_name"]) for d in data["decisions"]] == [("赵六", "营业性演出变更审批")]
    text = runner.invoke(app, ["explain", "举办营业性演出审批"]).output
    assert "决定 confirm: 举办营业性演出审批 ↔ 营业性演出变更审批 (赵六" in text


def test_explain_an_unknown_item_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _project(tmp_path)
    result = runner.invoke(app, ["explain", "举办营业性演出许可证"])
    assert result.exit_code == 2
    assert "no power" in result.output and "--service" in result.output
