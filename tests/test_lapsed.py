"""Decisions lapsed by a recode or a rename: `check` says which, and a near review row carries the earlier one."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from quanze.cli import app
from quanze.decisions import DecisionRecord, serialise
from quanze.lapsed import lapsed, note_earlier_decisions
from quanze.match import Method, Status
from quanze.models import Decision
from quanze.report.reconcile import review_rows
from quanze.results import MatchRow

import fixtures

runner = CliRunner()

# The quirk: the city recodes 创业补贴申请 (512B0066700000 → 512B0066700100) after 张三 rejected its link.
REJECTED_UNDER_OLD_CODE = DecisionRecord(
    power_key="512B0066700000|创业补贴申请",
    service_key="东城县|369Z0100167002|创业培训补贴申请(县级)",
    decision=Decision.REJECT,
    unit="东城县",
    power_name="创业补贴申请",
    service_name="创业培训补贴申请（县级）",
    by="张三",
    at="2026-11-02T10:00:00+08:00",
)


def review_row(power_key: str, service_key: str, status: Status = Status.REVIEW) -> MatchRow:
    return MatchRow(
        power_code=power_key.split("|")[0],
        power_name=power_key.split("|")[1],
        service_code=None,
        service_name=service_key.split("|")[2],
        score=88.7,
        method=Method.FUZZY,
        status=status,
        reason="名称相似度86",
        unit="东城县",
        power_key=power_key,
        service_key=service_key,
    )


def test_a_recoded_power_asked_again_carries_the_earlier_rejection() -> None:
    recoded = review_row("512B0066700100|创业补贴申请", REJECTED_UNDER_OLD_CODE.service_key)
    elsewhere = review_row("512B0066700100|创业补贴申请", "西河县|369Z0100167002|创业培训补贴申请(县级)")
    other = review_row("512B0099900000|就业见习补贴申请", REJECTED_UNDER_OLD_CODE.service_key)
    matched = review_row("512B0066700100|创业补贴申请", REJECTED_UNDER_OLD_CODE.service_key, Status.MATCHED)
    gone = lapsed(
        [REJECTED_UNDER_OLD_CODE], {"512B0066700100|创业补贴申请"}, {REJECTED_UNDER_OLD_CODE.service_key}
    )
    assert gone == [REJECTED_UNDER_OLD_CODE]
    assert note_earlier_decisions([recoded, elsewhere, other, matched], gone) == 1
    assert recoded.note is not None
    assert "否决" in recoded.note and "512B0066700000" in recoded.note and "张三，2026-11-02" in recoded.note
    assert elsewhere.note is None and other.note is None and matched.note is None
    # review.xlsx writes it in 备注, the column an analyst reads beside 决定.
    assert [r["note"] for r in review_rows([recoded, elsewhere])] == [recoded.note, None]


def test_a_decision_still_in_force_has_not_lapsed() -> None:
    assert (
        lapsed(
            [REJECTED_UNDER_OLD_CODE], {"512B0066700000|创业补贴申请"}, {REJECTED_UNDER_OLD_CODE.service_key}
        )
        == []
    )


def test_check_warns_of_lapsed_decisions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = fixtures.scenario(tmp_path / "s")
    monkeypatch.chdir(config.parent)
    (config.parent / "quanze-decisions.jsonl").write_text(serialise([REJECTED_UNDER_OLD_CODE]), "utf-8")
    result = runner.invoke(app, ["check", "--out", "out"])
    assert "Traceback" not in result.output
    said = " ".join(result.stderr.split())
    assert (
        "1 recorded decision(s) lapsed" in said and "东城县：创业补贴申请 ↔ 创业培训补贴申请（县级）" in said
    )


def test_an_applied_rejection_counts_as_an_applied_decision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """已应用的人工决定 counts 否决 as well as 确认 (it counted confirmations only)."""
    from quanze import pipeline
    from quanze.config import load_config

    config = load_config(fixtures.scenario(tmp_path / "s"))
    first = pipeline.run_reconcile(config, out=tmp_path / "o1", force=False)
    assert first.summary.match.decisions_applied == 0
    link = next(m for m in first.matches if m.status is Status.MATCHED and m.power_key and m.service_key)
    assert link.power_key is not None and link.service_key is not None
    rejection = DecisionRecord(
        power_key=link.power_key, service_key=link.service_key, decision=Decision.REJECT
    )
    config.project.decisions.write_text(serialise([rejection]), "utf-8")
    again = pipeline.run_reconcile(config, out=tmp_path / "o2", force=False)
    assert again.summary.match.decisions_applied == 1
    assert not any(
        m.power_key == link.power_key and m.service_key == link.service_key for m in again.matches if m.method
    )
