"""Gaps: each gap type on the hand-built scenario, with the expected rows written out."""

from __future__ import annotations

from pathlib import Path

from quanze.config import load_config
from quanze.pipeline import reconcile
from quanze.results import GapType

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
