"""The 整改台账 store: stable identities, runs that open, close and reopen gaps, crashes and concurrent runs."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import textwrap
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from quanze import ledger, pipeline, tracking
from quanze.config import Threshold, load_config
from quanze.errors import ConfigError, OutputError, UsageError
from quanze.ledger import CLOSED, IN_PROGRESS, OPEN, WONT_FIX, GapChange, LedgerRun, Period
from quanze.report.ledger import write_period_report
from quanze.results import GapRow, GapType, ReconcileResult

import fixtures

MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # ISO week 2026-W45


def week(n: int) -> datetime:
    return MONDAY + timedelta(weeks=n - 1)


def gap(kind: GapType, unit: str | None, name: str, code: str | None = None) -> GapRow:
    return GapRow(gap_type=kind, unit=unit, item_code=code, item_name=name, detail="d", department="市住建局")


def result(*gaps: GapRow) -> ReconcileResult:
    return fixtures.gaps_only(*gaps)


def statuses(path: Path) -> dict[str, str]:
    return {
        f"{g.gap_type.value}|{g.unit}|{g.item_name}": g.status
        for g in ledger.load_gaps(path, include_closed=True)
    }


def only(db: Path) -> ledger.LedgerGap:
    [one] = ledger.load_gaps(db, include_closed=True)
    return one


# ---------------------------------------------------------------------------------------------- identity


def test_identity_prefers_the_code_and_survives_a_renamed_item() -> None:
    a = ledger.identities([gap(GapType.NOT_ACCEPTED, "东城县", "燃气经营许可证核发", "511A0001000000")])
    b = ledger.identities([gap(GapType.NOT_ACCEPTED, "东城县", "燃气经营许可", "511A0001000000")])
    assert list(a) == list(b) == ["not-accepted|东城县|code:511A0001000000"]


def test_identity_without_code_ignores_widths_spaces_and_level() -> None:
    a = ledger.identities([gap(GapType.NO_SERVICE_ITEM, "东城县", "食品经营许可（县级）")])
    b = ledger.identities([gap(GapType.NO_SERVICE_ITEM, "东城县 ", "食品经营许可 (县级)")])
    assert list(a) == list(b) == ["no-service-item|东城县|name:食品经营许可"]
    # A handling item is a different item; a different unit or gap type is a different gap.
    c = ledger.identities(
        [
            gap(GapType.UNUSED, "东城县", "燃气经营许可证新办"),
            gap(GapType.UNUSED, "东城县", "燃气经营许可证变更"),
            gap(GapType.UNUSED, "西河县", "燃气经营许可证新办"),
        ]
    )
    assert len(c) == 3


def test_a_reused_code_falls_back_to_code_and_name() -> None:
    found = ledger.identities(
        [
            gap(GapType.NOT_ACCEPTED, "东城县", "食品生产许可", "511A0002000000"),
            gap(GapType.NOT_ACCEPTED, "东城县", "食品经营许可", "511A0002000000"),
        ]
    )
    assert sorted(found) == [
        "not-accepted|东城县|code:511A0002000000|name:食品生产许可",
        "not-accepted|东城县|code:511A0002000000|name:食品经营许可",
    ]


def test_gap_id_is_derived_from_the_identity() -> None:
    assert ledger.gap_id("x") == ledger.gap_id("x") != ledger.gap_id("y")
    assert ledger.gap_id("x").startswith("G-") and len(ledger.gap_id("x")) == 12


# ---------------------------------------------------------------------------------------------- runs


def test_runs_open_close_and_reopen_with_history(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite"
    a = gap(GapType.NOT_ACCEPTED, "东城县", "户外广告设置许可", "511A0004000000")
    b = gap(GapType.UNUSED, "西河县", "燃气经营许可证新办")
    first = ledger.record_run(db, result(a, b), at=week(1), due_days=7)
    assert (first.opened, first.closed, first.reopened, first.open, first.overdue) == (2, 0, 0, 2, 0)
    second = ledger.record_run(db, result(b), at=week(2), due_days=7)
    assert (second.opened, second.closed, second.open) == (0, 1, 1)
    assert second.overdue == 0  # due on the day of the run: not overdue yet
    third = ledger.record_run(db, result(a, b), at=week(3), due_days=7)
    assert (third.opened, third.reopened, third.closed, third.open, third.overdue) == (0, 1, 0, 2, 1)
    gid = ledger.gap_id("not-accepted|东城县|code:511A0004000000")
    h = ledger.history(db, gid, today=week(3).date())
    assert [(e.kind, e.status) for e in h.events] == [
        ("opened", OPEN),
        ("closed", CLOSED),
        ("reopened", OPEN),
    ]
    assert h.gap.since == ledger.stamp(week(3)) and h.gap.first_seen == ledger.stamp(week(1))
    assert h.gap.due == (week(3).date() + timedelta(days=7)).isoformat()


def test_a_run_for_some_units_closes_only_their_gaps(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite"
    a = gap(GapType.UNUSED, "东城县", "燃气经营许可证新办")
    b = gap(GapType.UNUSED, "西河县", "燃气经营许可证新办")
    ledger.record_run(db, result(a, b), at=week(1))
    outcome = ledger.record_run(db, result(), at=week(2), units=["东城县"])
    assert outcome.closed == 1
    assert statuses(db) == {
        "unused|东城县|燃气经营许可证新办": CLOSED,
        "unused|西河县|燃气经营许可证新办": OPEN,
    }


def test_a_renamed_item_without_code_stays_the_same_gap(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite"
    old = gap(GapType.NOT_DEVOLVED, "东城县", "临时悬挂设置标语或者宣传品许可")
    ledger.record_run(db, result(old), at=week(1))
    gid = ledger.load_gaps(db)[0].id
    ledger.apply_changes(
        db,
        [GapChange.edit(only(db), status=IN_PROGRESS, owner="李四")],
        by="张三",
        at=week(1),
        source="t.xlsx",
    )
    renamed = gap(GapType.NOT_DEVOLVED, "东城县", "临时悬挂、设置标语或者宣传品许可")
    outcome = ledger.record_run(db, result(renamed), at=week(2))
    assert (outcome.opened, outcome.closed, outcome.renamed) == (0, 0, 1)
    [kept] = ledger.load_gaps(db, include_closed=True)
    assert kept.id == gid and kept.item_name == renamed.item_name
    assert kept.status == IN_PROGRESS and kept.owner == "李四"
    assert [e.kind for e in ledger.history(db, gid).events] == ["opened", "status", "edit", "renamed"]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("食品生产许可", "食品经营许可"),
        ("种子生产经营许可（主要农作物）", "种子生产经营许可（非主要农作物）"),
        ("燃气经营许可证新办", "燃气经营许可证变更"),
    ],
)
def test_a_near_twin_is_not_a_rename(tmp_path: Path, before: str, after: str) -> None:
    db = tmp_path / "l.sqlite"
    ledger.record_run(db, result(gap(GapType.NOT_DEVOLVED, "东城县", before)), at=week(1))
    outcome = ledger.record_run(db, result(gap(GapType.NOT_DEVOLVED, "东城县", after)), at=week(2))
    assert (outcome.opened, outcome.closed, outcome.renamed) == (1, 1, 0)


def test_a_gap_closed_by_hand_that_is_still_found_is_reopened(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite"
    a = gap(GapType.UNUSED, "东城县", "燃气经营许可证新办")
    ledger.record_run(db, result(a), at=week(1))
    gid = ledger.load_gaps(db)[0].id
    ledger.apply_changes(
        db, [GapChange.edit(only(db), status=CLOSED, reason="已办件")], by="张三", at=week(1), source="t.xlsx"
    )
    assert ledger.record_run(db, result(a), at=week(2)).reopened == 1
    assert [(e.kind, e.status, e.by) for e in ledger.history(db, gid).events] == [
        ("opened", OPEN, None),
        ("status", CLOSED, "张三"),
        ("reopened", OPEN, None),
    ]


def test_run_records_inputs_counts_and_rates(tmp_path: Path) -> None:
    config = load_config(fixtures.scenario(tmp_path / "w"))
    run = LedgerRun(path=tmp_path / "l.sqlite", command="reconcile", at=week(1))
    res = pipeline.run_reconcile(config, out=tmp_path / "out", force=False, ledger=run)
    assert run.outcome is not None and run.outcome.opened == len(ledger.identities(res.gaps)) == 8
    with sqlite3.connect(tmp_path / "l.sqlite") as con:
        inputs = con.execute("SELECT path, role, sha256 FROM run_inputs").fetchall()
        rates = dict(
            ((u, m), r) for u, m, r in con.execute("SELECT unit, measure, rate FROM unit_rates").fetchall()
        )
    assert {(Path(p).name, role) for p, role, _ in inputs} == {
        ("city.xlsx", "devolution"),
        ("东城县.xlsx", "acceptance"),
        ("西河县.xlsx", "acceptance"),
        ("catalogue.xlsx", "catalogue"),
    }
    assert all(len(sha) == 64 for _, _, sha in inputs)
    assert rates == {
        ("东城县", "acceptance"): 0.5,
        ("西河县", "acceptance"): 1.0,
        ("东城县", "usage"): 0.75,
        ("西河县", "usage"): 1.0,
    }


# ---------------------------------------------------------------------------------------------- the file


def test_a_file_that_is_not_a_ledger_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "notes.sqlite"
    text.write_text("hello, not a database at all " * 100, "utf-8")
    with pytest.raises(ConfigError, match="not a quanze ledger"):
        ledger.record_run(text, result(), at=week(1))
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE t (x)")
    with pytest.raises(ConfigError, match="not a quanze ledger"):
        ledger.load_gaps(other)


def test_a_ledger_from_a_newer_quanze_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite"
    ledger.record_run(db, result(), at=week(1))
    with sqlite3.connect(db) as con:
        con.execute(f"PRAGMA user_version = {ledger.SCHEMA_VERSION + 1}")
    with pytest.raises(ConfigError, match="newer"):
        ledger.load_gaps(db)


def test_an_older_ledger_is_migrated_forward(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite"
    with sqlite3.connect(db) as con:  # a ledger at version 0 of the schema: marked, no tables yet
        con.execute(f"PRAGMA application_id = {ledger.APPLICATION_ID}")
    ledger.record_run(db, result(gap(GapType.UNUSED, "东城县", "x许可")), at=week(1))
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA user_version").fetchone()[0] == ledger.SCHEMA_VERSION
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reading_a_missing_ledger_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no ledger there yet"):
        ledger.load_gaps(tmp_path / "none.sqlite")
    assert not (tmp_path / "none.sqlite").exists()


# ---------------------------------------------------------------------------------------------- crashes


CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from datetime import datetime
    from pathlib import Path
    from quanze import ledger
    from quanze.results import ReconcileResult

    db, data, stamp, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]
    res = ReconcileResult.model_validate_json(data.read_text("utf-8"))
    seen = []

    def on_gap(identity):
        seen.append(identity)
        if mode == "kill" and len(seen) == 2:
            os.kill(os.getpid(), signal.SIGKILL)  # as a killed job dies: no cleanup, no rollback
        if mode == "slow":
            import time
            time.sleep(0.05)  # hold the write lock long enough for the other run to queue behind it

    out = ledger.record_run(db, res, at=datetime.fromisoformat(stamp), on_gap=on_gap)
    print(out.run_id, out.opened, out.closed)
    """
)


def _child(tmp_path: Path, db: Path, res: ReconcileResult, at: datetime, mode: str) -> subprocess.Popen[str]:
    data = tmp_path / f"result-{mode}-{at:%Y%m%d%H%M}.json"
    data.write_text(res.model_dump_json(), "utf-8")
    script = tmp_path / "child.py"
    script.write_text(CHILD, "utf-8")
    return subprocess.Popen(
        [sys.executable, str(script), str(db), str(data), at.isoformat(), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_run_killed_mid_write_leaves_the_ledger_intact(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite"
    names = [f"燃气经营许可证新办{i}号" for i in range(6)]
    ledger.record_run(db, result(*(gap(GapType.UNUSED, "东城县", n) for n in names[:3])), at=week(1))
    before = ledger.load_gaps(db, include_closed=True)
    child = _child(
        tmp_path, db, result(*(gap(GapType.UNUSED, "东城县", n) for n in names[2:])), week(2), "kill"
    )
    child.communicate()
    assert child.returncode == -9  # it died after writing two gaps of the new run
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 3
    assert ledger.load_gaps(db, include_closed=True) == before
    # The next run goes on from the last committed state.
    again = ledger.record_run(db, result(*(gap(GapType.UNUSED, "东城县", n) for n in names[2:])), at=week(2))
    assert (again.run_id, again.opened, again.closed) == (2, 3, 2)


def test_two_runs_at_once_both_land(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite"
    ledger.record_run(db, result(), at=week(1))  # create the file first, as a routine install would
    east = result(*(gap(GapType.UNUSED, "东城县", f"东城事项{i}许可") for i in range(20)))
    west = result(*(gap(GapType.UNUSED, "西河县", f"西河事项{i}许可") for i in range(20)))
    first = _child(tmp_path, db, east, week(2), "slow")
    second = _child(tmp_path, db, west, week(2) + timedelta(minutes=1), "slow")
    outs = [p.communicate() for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outs
    ids = sorted(int(out.split()[0]) for out, _ in outs)
    assert ids == [2, 3]
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 3
        assert con.execute("SELECT count(*) FROM events WHERE kind = 'opened'").fetchone()[0] == 40
    # Whichever ran second closed the first one's gaps: one after the other, never interleaved.
    gaps = ledger.load_gaps(db, include_closed=True)
    assert len(gaps) == 40
    by_unit = sorted((g.unit or "", g.status) for g in gaps)
    east_states = {s for u, s in by_unit if u == "东城县"}
    west_states = {s for u, s in by_unit if u == "西河县"}
    assert sorted([east_states, west_states], key=str) == sorted([{CLOSED}, {OPEN}], key=str)


# ---------------------------------------------------------------------------------------------- five weeks


EAST = [
    [1, "燃气经营许可证核发", "511A0001000000", "认领"],
    [2, "食品生产许可", "511A0002000000", "不认领"],
    [3, "食品经营许可（县级）", None, "认领"],
    [4, "建筑垃圾处置核准", None, "认领"],
]
WEST = [
    [1, "燃气经营许可证核发", None, "认领"],
    [2, "食品生产许可", None, "认领"],
    [3, "食品经营许可证核发", None, "认领"],
]


def _with(rows: list[list[object]], **changes: str) -> list[list[object]]:
    out = [list(r) for r in rows]
    for r in out:
        if r[1] in changes:
            r[3] = changes[r[1]]
    return out


def test_five_weekly_runs(tmp_path: Path) -> None:
    folder = tmp_path / "work"
    config = load_config(fixtures.scenario(folder))
    config = config.model_copy(update={"check": {"overdue": Threshold.parse("overdue", 0)}})
    db = tmp_path / "quanze-ledger.sqlite"

    def run(n: int, check: bool = False) -> ledger.RunOutcome:
        lr = LedgerRun(path=db, command="check", at=week(n), due_days=7, match=config.match)
        if check:
            verdict = pipeline.run_check(config, out=tmp_path / f"w{n}", force=False, ledger=lr)
            [overdue] = [t for t in verdict.thresholds if t.name == "overdue"]
            assert (verdict.passed, overdue.passed, overdue.count) == (False, False, 5)
        else:
            pipeline.run_reconcile(config, out=tmp_path / f"w{n}", force=False, ledger=lr)
        assert lr.outcome is not None
        return lr.outcome

    def ids() -> dict[str, str]:
        return {
            f"{g.gap_type.value}|{g.unit}|{g.item_name}": g.id
            for g in ledger.load_gaps(db, include_closed=True)
        }

    # Week 1: 东城县 refuses 食品生产许可 and leaves out 户外广告设置许可; eight gaps open.
    w1 = run(1)
    assert (w1.opened, w1.closed, w1.open, w1.overdue) == (8, 0, 8, 0)
    gid = ids()
    food, ads = gid["not-accepted|东城县|食品生产许可"], gid["not-accepted|东城县|户外广告设置许可"]
    waste = gid["not-devolved|东城县|建筑垃圾处置核准"]

    # Week 2: 东城县 accepts 食品生产许可, which now lacks a service item (a new gap); analysts take
    # 户外广告 in hand and decline 建筑垃圾.
    fixtures.acceptance(folder / "东城县.xlsx", _with(EAST, 食品生产许可="认领"))
    w2 = run(2)
    assert (w2.opened, w2.closed, w2.reopened, w2.open) == (1, 1, 0, 8)
    now = {g.id: g for g in ledger.load_gaps(db)}
    changes = [
        GapChange.edit(
            now[ads], status=IN_PROGRESS, owner_unit="东城县城管局", owner="李四", due="2026-12-31"
        ),
        GapChange.edit(now[waste], status=WONT_FIX, reason="县级自设事项，按规定保留"),
    ]
    applied = ledger.apply_changes(
        db, changes, by="张三", at=week(2) + timedelta(hours=2), source="整改台账.xlsx"
    )
    assert (applied.changed_gaps, applied.changes) == (2, 5)
    again = ledger.apply_changes(
        db, changes, by="张三", at=week(2) + timedelta(hours=3), source="整改台账.xlsx"
    )
    assert (again.changed_gaps, again.changes, again.unchanged) == (0, 0, 2)

    # Week 3: nothing changed; five gaps are past their seven days, and `[check] overdue = 0` fails.
    w3 = run(3, check=True)
    assert (w3.opened, w3.closed, w3.open, w3.overdue) == (0, 0, 7, 5)

    # Week 4: 东城县 refuses 食品生产许可 again (reopened; its missing service item no longer counts);
    # 西河县 enters 食品经营许可 as 东城县 does, so its name no longer differs.
    fixtures.acceptance(folder / "东城县.xlsx", EAST)
    fixtures.acceptance(folder / "西河县.xlsx", [*WEST[:2], [3, "食品经营许可", None, "认领"]])
    w4 = run(4)
    assert (w4.opened, w4.reopened, w4.closed, w4.open, w4.overdue) == (0, 1, 2, 6, 4)

    # Week 5: 东城县 accepts 户外广告设置许可 and enters it on the platform: the gap in hand closes.
    fixtures.acceptance(folder / "东城县.xlsx", [*EAST, [5, "户外广告设置许可", "511A0004000000", "认领"]])
    fixtures.catalogue(
        folder / "catalogue.xlsx", [[8, "东城县", "东城县城管局", None, "户外广告设置许可新办", None, 2]]
    )
    w5 = run(5)
    assert (w5.opened, w5.reopened, w5.closed, w5.open) == (0, 0, 1, 5)

    assert statuses(db) == {
        "not-accepted|东城县|食品生产许可": OPEN,
        "not-accepted|东城县|户外广告设置许可": CLOSED,
        "not-devolved|东城县|建筑垃圾处置核准": WONT_FIX,
        "no-service-item|东城县|食品生产许可": CLOSED,
        "orphan-service-item|东城县|城市道路占用挖掘许可": OPEN,
        "no-supervision|东城县|食品经营许可": OPEN,
        "no-supervision|西河县|食品经营许可": OPEN,
        "unused|东城县|燃气经营许可证（变更）": OPEN,
        "name-mismatch|西河县|食品经营许可": CLOSED,
    }
    assert [(e.kind, e.status) for e in ledger.history(db, food).events] == [
        ("opened", OPEN),
        ("closed", CLOSED),
        ("reopened", OPEN),
    ]
    ads_history = ledger.history(db, ads).events
    assert [(e.kind, e.field, e.new, e.by) for e in ads_history] == [
        ("opened", None, None, None),
        ("status", "status", IN_PROGRESS, "张三"),
        ("edit", "owner_unit", "东城县城管局", "张三"),
        ("edit", "owner", "李四", "张三"),
        ("edit", "due", "2026-12-31", "张三"),
        ("closed", None, None, None),
    ]

    report = ledger.period_report(db, Period.WEEK, now=week(5) + timedelta(days=1))
    assert [(p.period, p.runs, p.opened, p.closed, p.open, p.overdue) for p in report.periods] == [
        ("2026-W45", 1, 8, 0, 8, 0),
        ("2026-W46", 1, 1, 1, 7, 5),
        ("2026-W47", 1, 0, 0, 7, 6),
        ("2026-W48", 1, 1, 2, 6, 4),
        ("2026-W49", 1, 0, 1, 5, 5),
    ]
    east = [
        (r.period, r.opened, r.closed, r.open, r.acceptance_rate, r.usage_rate)
        for r in report.units
        if r.unit == "东城县"
    ]
    assert east == [
        ("2026-W45", 6, 0, 6, 0.5, 0.75),
        ("2026-W46", 1, 1, 5, 0.75, 0.75),
        ("2026-W47", 0, 0, 5, 0.75, 0.75),
        ("2026-W48", 1, 1, 5, 0.5, 0.75),
        ("2026-W49", 0, 1, 4, 0.75, 0.8),
    ]
    assert [(r.rank, r.unit, r.open, r.overdue) for r in report.ranking] == [
        (1, "东城县", 4, 4),
        (2, "西河县", 1, 1),
    ]
    assert {g.id for g in report.overdue_items} == {
        food,
        gid["orphan-service-item|东城县|城市道路占用挖掘许可"],
        gid["unused|东城县|燃气经营许可证（变更）"],
        gid["no-supervision|东城县|食品经营许可"],
        gid["no-supervision|西河县|食品经营许可"],
    }
    month = ledger.period_report(db, Period.MONTH, now=week(5) + timedelta(days=1))
    assert [(p.period, p.runs, p.opened, p.closed, p.open) for p in month.periods] == [
        ("2026-11", 5, 10, 4, 5),
        ("2026-12", 0, 0, 0, 5),
    ]
    since = ledger.period_report(db, Period.WEEK, since=date(2026, 11, 16), now=week(5) + timedelta(days=1))
    assert [p.period for p in since.periods] == ["2026-W47", "2026-W48", "2026-W49"]
    # The report written to files holds the same numbers.
    data, files = tracking.report(
        db,
        tmp_path / "rep",
        Period.WEEK,
        since=None,
        force=False,
        title="测试",
        now=week(5) + timedelta(days=1),
    )
    assert data == report and [f.name for f in files] == ["周报.xlsx", "周报.json", "周报.html"]
    # Each rate comes with what it counts, as the run recorded it: 3 of 4 devolved items accepted, 4 of 5
    # service items used; the 排名 sheet and the page print them beside the rate.
    [last_east] = [r for r in report.units if r.unit == "东城县" and r.period == "2026-W49"]
    assert (last_east.accepted, last_east.devolved, last_east.used, last_east.service_items) == (3, 4, 4, 5)
    ranking = load_workbook(files[0])["排名"]
    rows = [[c.value for c in row] for row in ranking.iter_rows()]
    header = next(r for r in rows if r[0] == "排名")
    east_row = dict(zip(header, next(r for r in rows if r[1] == "东城县"), strict=False))
    assert (east_row["已承接/应承接"], east_row["有办件/服务事项"]) == ("3/4", "4/5")
    assert "3/4" in files[2].read_text("utf-8") and "4/5" in files[2].read_text("utf-8")


def test_a_run_missing_an_input_of_the_last_run_says_so(tmp_path: Path) -> None:
    config = load_config(fixtures.scenario(tmp_path / "w"))
    db = tmp_path / "l.sqlite"
    pipeline.run_reconcile(
        config, out=tmp_path / "o1", force=False, ledger=LedgerRun(db, "reconcile", at=week(1))
    )
    fewer = config.model_copy(
        update={"inputs": config.inputs.model_copy(update={"lists": config.inputs.lists[:2]})}
    )
    run = LedgerRun(db, "reconcile", at=week(2))
    pipeline.run_reconcile(fewer, out=tmp_path / "o2", force=False, ledger=run)
    assert run.outcome is not None and run.outcome.inputs_missing == ["acceptance 西河县 西河县.xlsx"]
    # 西河县's gaps vanished with its list, not with a fix: none of them is closed, by this run or the next.
    assert run.outcome.closed == 0 and run.outcome.units_held == ["西河县"]
    again = LedgerRun(db, "reconcile", at=week(3))
    pipeline.run_reconcile(fewer, out=tmp_path / "o3", force=False, ledger=again)
    assert again.outcome is not None and again.outcome.closed == 0 and again.outcome.units_held == ["西河县"]
    # A week with a full run, then a run without 西河县's list: its earlier rate of that week is stale.
    pipeline.run_reconcile(
        config, out=tmp_path / "o4", force=False, ledger=LedgerRun(db, "reconcile", at=week(4))
    )
    later = week(4) + timedelta(hours=1)
    pipeline.run_reconcile(
        fewer, out=tmp_path / "o5", force=False, ledger=LedgerRun(db, "reconcile", at=later)
    )
    from quanze.ledger.periods import Period, period_report

    report = period_report(db, Period.WEEK, now=later + timedelta(hours=1))
    last = report.periods[-1].period
    rows = {r.unit: r for r in report.units if r.period == last}
    assert rows["西河县"].acceptance_rate is None and rows["东城县"].acceptance_rate is not None


def test_a_reopened_gap_drops_the_reason_it_was_closed_for(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite"
    a = gap(GapType.UNUSED, "东城县", "燃气经营许可证新办")
    ledger.record_run(db, result(a), at=week(1))
    ledger.apply_changes(
        db, [GapChange.edit(only(db), status=CLOSED, reason="已办件")], by="张三", at=week(1), source="t.xlsx"
    )
    assert only(db).reason == "已办件"
    ledger.record_run(db, result(a), at=week(2))
    assert (only(db).status, only(db).reason) == (OPEN, None)


def test_a_ledger_locked_too_long_is_an_output_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "l.sqlite"
    ledger.record_run(db, result(), at=week(1))
    monkeypatch.setattr(ledger.store, "BUSY_TIMEOUT_S", 0.1)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another run holds the write lock
    try:
        with pytest.raises(OutputError, match="locked by another quanze run"):
            ledger.record_run(db, result(gap(GapType.UNUSED, "东城县", "x许可")), at=week(2))
        assert len(ledger.load_gaps(db)) == 0  # reading does not wait for the writer
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert ledger.record_run(db, result(gap(GapType.UNUSED, "东城县", "x许可")), at=week(2)).opened == 1


def test_a_new_gap_under_a_renamed_gaps_old_name_gets_its_own_id(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite"
    old = gap(GapType.NOT_DEVOLVED, "东城县", "临时悬挂设置标语或者宣传品许可")
    new = gap(GapType.NOT_DEVOLVED, "东城县", "临时悬挂、设置标语或者宣传品许可")
    ledger.record_run(db, result(old), at=week(1))
    assert ledger.record_run(db, result(new), at=week(2)).renamed == 1
    both = ledger.record_run(db, result(old, new), at=week(3))
    assert (both.opened, both.closed) == (1, 0)
    ids = {g.item_name: g.id for g in ledger.load_gaps(db)}
    assert len(set(ids.values())) == 2 and ids[new.item_name] == ledger.gap_id(
        "not-devolved|东城县|name:临时悬挂设置标语或者宣传品许可"
    )


# ---------------------------------------------------------------------------------------------- one gap per row


def test_an_overlap_is_one_gap_per_department(tmp_path: Path) -> None:
    """职责交叉: each department that lists the item has its own gap; neither drops out of the ledger."""
    water = GapRow(
        gap_type=GapType.OVERLAP,
        unit="安平市",
        item_code=None,
        item_name="设置排污口的处罚",
        detail="d",
        department="安平市水利局",
    )
    green = water.model_copy(update={"department": "安平市环保部门"})
    found = ledger.identities([water, green])
    assert sorted(found) == [
        "overlap|安平市@水利局|name:设置排污口的处罚",
        "overlap|安平市@生态环境局|name:设置排污口的处罚",
    ]
    db = tmp_path / "l.sqlite"
    ledger.record_run(db, result(water, green), at=week(1))
    assert sorted(g.department for g in ledger.load_gaps(db)) == ["安平市水利局", "安平市环保部门"]
    # The next run finds the same two: nothing opens or closes.
    again = ledger.record_run(db, result(green, water), at=week(2))
    assert (again.opened, again.closed, again.open) == (0, 0, 2)


def test_every_gap_row_of_a_run_is_one_ledger_gap(tmp_path: Path) -> None:
    rows = [
        gap(GapType.UNUSED, "东城县", "燃气经营许可证新办"),
        # Same type, unit and item, other departments: two gaps to fix.
        GapRow(
            gap_type=GapType.NO_SUPERVISION,
            unit="东城县",
            item_code="511A0001000000",
            item_name="燃气经营许可",
            detail="d",
            department="东城县住建局",
        ),
        GapRow(
            gap_type=GapType.NO_SUPERVISION,
            unit="东城县",
            item_code="511A0001000000",
            item_name="燃气经营许可",
            detail="d",
            department="东城县城管局",
        ),
        # The same row twice (a list that names an item twice): still each row is one gap.
        gap(GapType.NOT_ACCEPTED, "西河县", "户外广告设置许可"),
        gap(GapType.NOT_ACCEPTED, "西河县", "户外广告设置许可"),
    ]
    assert len(ledger.identities(rows)) == len(rows)
    db = tmp_path / "l.sqlite"
    outcome = ledger.record_run(db, result(*rows), at=week(1))
    assert outcome.gaps_seen == outcome.opened == len(ledger.load_gaps(db)) == len(rows)
    assert ledger.record_run(db, result(*reversed(rows)), at=week(2)).opened == 0


# ---------------------------------------------------------------------------------------------- who is ranked


def test_upper_levels_and_shared_gaps_are_kept_out_of_the_ranking(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite"
    rows = [
        gap(GapType.NOT_ACCEPTED, "东城县", "户外广告设置许可"),
        gap(GapType.NOT_ACCEPTED, "西河县", "户外广告设置许可"),
        gap(GapType.NOT_ACCEPTED, "西河县", "燃气经营许可"),
        gap(GapType.DROPPED_IN_CHAIN, "安平市", "个体演员备案"),
        gap(GapType.OVERLAP, "安平市", "设置排污口的处罚"),
        gap(GapType.DROPPED_IN_CHAIN, "某省", "矿产资源勘查许可证核发"),
        gap(GapType.UNIT_SPECIFIC, "南山县、白云县", "软件产品增值税即征即退"),
    ]
    ledger.record_run(db, result(*rows), at=week(1))
    report = ledger.period_report(db, Period.WEEK, now=week(1) + timedelta(days=1))
    assert [(r.rank, r.unit) for r in report.ranking] == [(1, "西河县"), (2, "东城县")]
    apart = {r.unit: (r.rank, r.open, r.note) for r in report.not_ranked}
    assert apart == {
        "安平市": (0, 2, ledger.UPPER_LEVEL_NOTE),
        "某省": (0, 1, ledger.UPPER_LEVEL_NOTE),
        ledger.CROSS_UNITS: (0, 1, ledger.CROSS_UNITS_NOTE),
    }
    assert "南山县、白云县" not in {r.unit for r in report.units}


def test_the_departments_of_a_unit_are_grouped_by_their_canonical_name(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite"
    a = gap(GapType.NOT_ACCEPTED, "东城县", "户外广告设置许可").model_copy(
        update={"department": "东城县市监局"}
    )
    b = gap(GapType.NOT_ACCEPTED, "东城县", "食品经营许可").model_copy(
        update={"department": "东城县市场监督管理局"}
    )
    ledger.record_run(db, result(a, b), at=week(1))
    report = ledger.period_report(db, Period.WEEK, now=week(1) + timedelta(days=1))
    assert [(r.unit, r.department, r.open) for r in report.departments] == [("东城县", "市场监督管理局", 2)]


# ---------------------------------------------------------------------------------------------- the 周报 on paper


def test_a_report_over_two_weeks_draws_lines_each_in_its_own_labelled_colour(tmp_path: Path) -> None:
    units = [f"{n}县" for n in "东西南北青白红黄绿蓝紫金"]
    db = tmp_path / "l.sqlite"
    first = [gap(GapType.NOT_ACCEPTED, u, f"事项{i}") for i, u in enumerate(units) for i in range(i % 3 + 1)]
    ledger.record_run(db, result(*first), at=week(1))
    ledger.record_run(db, result(*first[2:]), at=week(2))
    report = ledger.period_report(db, Period.WEEK, now=week(2) + timedelta(days=1))
    out = tmp_path / "rep"
    out.mkdir()
    xlsx, _, html = write_period_report(out, report, title="安平市")
    with zipfile.ZipFile(xlsx) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert sum("<c:lineChart>" in c for c in charts) >= 2
    # Bars leave a zero unlabelled.
    assert all('formatCode="0;-0;;@"' in c for c in charts if "<c:barChart>" in c)
    # The ranking's chart starts a page of its own instead of being cut by one.
    assert load_workbook(xlsx)["排名"].row_breaks.count == 1
    page = html.read_text("utf-8")
    section = page.split("<h2>各单位未销号缺口</h2>")[1].split("<h2>")[0]
    strokes = re.findall(r'<polyline fill="none" stroke="([^"]+)"', section)
    assert len(strokes) == len(set(strokes)) == 12
    # Each line carries its unit's name (besides the legend).
    assert all(section.count(f">{u}</text>") == 2 for u in units)


def test_an_overlap_recorded_before_its_identity_held_the_department_keeps_its_id(tmp_path: Path) -> None:
    water = GapRow(
        gap_type=GapType.OVERLAP,
        unit="安平市",
        item_code=None,
        item_name="设置排污口的处罚",
        detail="d",
        department="安平市水利局",
    )
    green = water.model_copy(update={"department": "安平市环保部门"})
    db = tmp_path / "l.sqlite"
    ledger.record_run(db, result(water), at=week(1))
    [old] = ledger.load_gaps(db)
    with sqlite3.connect(db) as con:  # as an older quanze wrote it: one identity for both departments
        con.execute("UPDATE gaps SET identity = 'overlap|安平市|name:设置排污口的处罚'")
        con.execute("PRAGMA user_version = 1")
    outcome = ledger.record_run(db, result(water, green), at=week(2))
    assert (outcome.opened, outcome.closed, outcome.open) == (1, 0, 2)
    assert {g.department: g.id for g in ledger.load_gaps(db)}["安平市水利局"] == old.id


def test_a_gap_keeps_its_id_when_another_departments_twin_comes_and_goes(tmp_path: Path) -> None:
    def supervision(department: str) -> GapRow:
        return GapRow(
            gap_type=GapType.NO_SUPERVISION,
            unit="东城县",
            item_code="511A0001000000",
            item_name="燃气经营许可",
            detail="d",
            department=department,
        )

    db = tmp_path / "l.sqlite"
    ledger.record_run(db, result(supervision("东城县住建局")), at=week(1))
    [first] = ledger.load_gaps(db)
    both = ledger.record_run(db, result(supervision("东城县住建局"), supervision("东城县城管局")), at=week(2))
    assert (both.opened, both.closed, both.open) == (1, 0, 2)
    alone = ledger.record_run(db, result(supervision("东城县住建局")), at=week(3))
    assert (alone.opened, alone.closed, alone.open) == (0, 1, 1)
    [still] = ledger.load_gaps(db)
    assert still.id == first.id and still.department == "东城县住建局"


def test_the_editable_fields_are_one_list_everywhere() -> None:
    """The ledger's editable fields, the workbook's editable headings and an analyst's change name the same fields."""
    from quanze.ledger.records import LedgerGap
    from quanze.ledger.store import EDITABLE
    from quanze.report.ledger import EDITABLE_HEADINGS

    assert tuple(EDITABLE_HEADINGS) == EDITABLE
    for name in EDITABLE:
        assert name in LedgerGap.model_fields
        assert name in GapChange.model_fields
    # A change names every editable field and nothing a run decides.
    assert set(GapChange.model_fields) - set(EDITABLE) == {"gap_id", "row", "sheet"}
