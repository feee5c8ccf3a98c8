"""The decisions file under concurrent writers: every decision lands, a waiting writer says so, zones kept."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from filelock import FileLock
from openpyxl import Workbook

from quanze.decisions import load_decisions

WRITERS = 6
DECISIONS_EACH = 15


def _review_workbook(path: Path, writer: int) -> Path:
    """A filled-in review workbook as quanze writes it: a title row, the header, 决定 filled in."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "待复核"
    ws.append(["请在“决定”列选择“确认”或“否决”"])
    ws.append(
        ["序号", "行政区划", "权力事项名称", "服务事项名称", "决定（确认/否决）", "power_key", "service_key"]
    )
    for n in range(DECISIONS_EACH):
        word = "确认" if n % 2 else "否决"
        ws.append(
            [
                n + 1,
                "东城县",
                f"权力{writer}-{n}",
                f"服务{writer}-{n}",
                word,
                f"p{writer}-{n}",
                f"s{writer}-{n}",
            ]
        )
    wb.save(path)
    return path


def _apply(workbook: Path, decisions: Path, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "quanze", "review", "apply", str(workbook), "--decisions", str(decisions)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )


def test_concurrent_review_apply_loses_no_decision(tmp_path: Path) -> None:
    decisions = tmp_path / "quanze-decisions.jsonl"
    books = [_review_workbook(tmp_path / f"review-{k}.xlsx", k) for k in range(WRITERS)]
    procs = [_apply(book, decisions, tmp_path) for book in books]
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
    assert [code for code, _ in results] == [0] * WRITERS, results
    assert all(f"{DECISIONS_EACH} new decision(s) recorded" in text for _, text in results), results
    history = load_decisions(decisions)
    assert len(history) == WRITERS * DECISIONS_EACH
    assert {(r.power_key, r.service_key) for r in history} == {
        (f"p{k}-{n}", f"s{k}-{n}") for k in range(WRITERS) for n in range(DECISIONS_EACH)
    }
    # Each writer's decisions stay together and in order: the file is a history, not a merge.
    assert all(r.at and r.at[-6] in "+-" and r.at[-3] == ":" for r in history)


def test_a_writer_that_waits_says_so_then_lands(tmp_path: Path) -> None:
    decisions = tmp_path / "quanze-decisions.jsonl"
    decisions.write_text(
        json.dumps({"power_key": "old", "service_key": "old", "decision": "confirm"}) + "\n", "utf-8"
    )
    book = _review_workbook(tmp_path / "review.xlsx", 0)
    lock = FileLock(str(decisions) + ".lock")
    with lock:
        proc = _apply(book, decisions, tmp_path)
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert "waiting" in line and str(decisions) in line
        assert proc.poll() is None  # still waiting while the lock is held
    assert proc.wait(timeout=60) == 0
    history = load_decisions(decisions)
    assert history[0].power_key == "old"  # the history is kept
    assert len(history) == 1 + DECISIONS_EACH


def test_reversing_a_colleagues_decision_names_it(tmp_path: Path) -> None:
    """Two analysts share the decisions file: the last decision wins, but reversing another's is said."""
    from quanze.decisions import DecisionRecord, record_decisions
    from quanze.models import Decision

    path = tmp_path / "quanze-decisions.jsonl"

    def record(decision: Decision, by: str, at: str) -> DecisionRecord:
        return DecisionRecord(
            power_key="|军地养老保险关系转移接续申请",
            service_key="东城县||军人退役养老保险关系转移接续申请",
            decision=decision,
            unit="东城县",
            power_name="军地养老保险关系转移接续申请",
            service_name="军人退役养老保险关系转移接续申请",
            by=by,
            at=at,
            source="review_w1.xlsx",
        )

    said: list[str] = []
    record_decisions(
        path, [record(Decision.CONFIRM, "张三", "2026-11-20T09:00:00+08:00")], notice=said.append
    )
    assert said == []
    # The same analyst changing their mind is no news; a colleague reversing it is.
    record_decisions(path, [record(Decision.REJECT, "赵六", "2026-11-27T10:00:00+08:00")], notice=said.append)
    assert len(said) == 1
    assert "否决 by 赵六 reverses 确认 recorded by 张三 at 2026-11-20T09:00:00+08:00" in said[0]
    assert "军地养老保险关系转移接续申请 ↔ 军人退役养老保险关系转移接续申请（东城县）" in said[0]
    record_decisions(
        path, [record(Decision.CONFIRM, "赵六", "2026-11-27T11:00:00+08:00")], notice=said.append
    )
    assert len(said) == 1
    assert [r.decision for r in load_decisions(path)] == [Decision.CONFIRM, Decision.REJECT, Decision.CONFIRM]
