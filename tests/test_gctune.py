"""The collector is relaxed during a run and put back as it was after it, even when the run fails."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from quanze.config import load_config
from quanze.gctune import YOUNG_THRESHOLD, freeze_inputs, relaxed_gc
from quanze.models import FileReport
from quanze.pipeline import run_reconcile
from quanze.stages import Stage, Step

import fixtures


def test_thresholds_raised_inside_and_restored_after() -> None:
    before = gc.get_threshold()
    with relaxed_gc():
        assert gc.get_threshold()[0] >= YOUNG_THRESHOLD
        with relaxed_gc():
            freeze_inputs()
            assert gc.get_freeze_count() > 0
        assert gc.get_freeze_count() > 0  # the outer block still runs: its rows stay frozen
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_freeze_only_inside_a_relaxed_block() -> None:
    freeze_inputs()
    assert gc.get_freeze_count() == 0


def test_restored_when_the_block_fails() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), relaxed_gc():
        freeze_inputs()
        raise RuntimeError("boom")
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_a_run_relaxes_the_collector_after_ingest_and_leaves_it_as_it_found_it(tmp_path: Path) -> None:
    before = gc.get_threshold()
    seen: dict[Stage, tuple[int, int]] = {}

    def progress(step: Step) -> None:
        seen.setdefault(step.stage, (gc.get_threshold()[0], gc.get_freeze_count()))

    config = load_config(fixtures.scenario(tmp_path / "s"))
    run_reconcile(config, out=tmp_path / "out", force=False, progress=progress)
    threshold, frozen = seen[Stage.MATCH]  # after ingest: relaxed, and the rows read are frozen
    assert threshold >= YOUNG_THRESHOLD and frozen > 0
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_a_callers_freeze_survives_a_read_and_a_run(tmp_path: Path) -> None:
    """A caller that froze its own objects (a server after start-up) finds them still frozen afterwards."""
    from quanze.ingest import read_file

    path = fixtures.plain(tmp_path / "plain.xlsx")
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        # A frozen object that is freed leaves the count; none is added, and the caller's stay.
        assert read_file(path).records > 0
        assert frozen // 2 < gc.get_freeze_count() <= frozen
        with relaxed_gc():
            freeze_inputs()  # would freeze the caller's objects with ours, and unfreeze them all at the end
            assert frozen // 2 < gc.get_freeze_count() <= frozen
        assert frozen // 2 < gc.get_freeze_count() <= frozen
        config = load_config(fixtures.scenario(tmp_path / "s"))
        run_reconcile(config, out=tmp_path / "out", force=False)
        assert frozen // 2 < gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("enabled", [True, False])
def test_a_read_runs_no_collection_and_leaves_the_collector_as_it_found_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, enabled: bool
) -> None:
    """A read makes no cyclic garbage row by row: the collector, which would walk every record it makes
    for nothing, does not run during it (even at the lowest threshold), and is on or off after it as before."""
    from quanze.ingest import reader

    path = fixtures.plain(tmp_path / "plain.xlsx")
    read = reader._read_file
    inside: list[bool] = []
    started: list[int] = []

    def lowest(*args: Any, **kwargs: Any) -> FileReport:
        gc.set_threshold(1, 1, 1)  # a collection would start at every object made
        inside.append(True)
        try:
            return read(*args, **kwargs)
        finally:
            inside.clear()

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and inside:
            started.append(info["generation"])

    monkeypatch.setattr(reader, "_read_file", lowest)
    old, was = gc.get_threshold(), gc.isenabled()
    gc.callbacks.append(count)
    try:
        (gc.enable if enabled else gc.disable)()
        assert reader.read_file(path).records > 0
        assert started == []
        assert gc.isenabled() is enabled
    finally:
        gc.callbacks.remove(count)
        gc.set_threshold(*old)
        (gc.enable if was else gc.disable)()


def test_a_block_leaves_no_pending_young_collection_behind() -> None:
    """What a run made is aged when its block ends: restoring the threshold starts no collection that
    walks the whole result (a CLI run's last, useless one, just before it exits)."""
    started: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    with relaxed_gc():
        kept = [[i] for i in range(20_000)]  # tracked objects, far over the default young threshold
        assert gc.get_count()[0] > 10_000
    gc.callbacks.append(count)
    try:
        more = [[i] for i in range(100)]
    finally:
        gc.callbacks.remove(count)
    assert started == [] and gc.get_count()[0] < 1_000
    assert len(kept) + len(more) == 20_100 and gc.get_freeze_count() == 0


def test_the_console_scripts_start_up_freeze_does_not_stop_a_run_freezing_its_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """freeze_startup (quanze.entry, after the imports) sets the loaded modules aside; a run still freezes
    its rows after ingest, and unfreezes both at its end."""
    from quanze import gctune

    monkeypatch.setattr(gctune, "_startup_frozen", 0)
    try:
        gctune.freeze_startup()
        startup = gc.get_freeze_count()
        assert startup > 0 and gc.get_count()[0] < 100
        with relaxed_gc():
            rows = [[i] for i in range(5_000)]
            freeze_inputs()
            assert gc.get_freeze_count() >= startup + len(rows)
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()


def test_the_console_script_freezes_the_loaded_cli_before_the_collector_is_on_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Frozen after the collector is back on, the first allocation in between would walk every object the
    imports made (the collection the freeze is there to spare)."""
    import quanze.cli
    from quanze import entry, gctune

    seen: list[tuple[str, bool]] = []
    monkeypatch.setattr(gctune, "freeze_startup", lambda: seen.append(("freeze", gc.isenabled())))
    monkeypatch.setattr(quanze.cli, "main", lambda: seen.append(("run", gc.isenabled())))
    was = gc.isenabled()
    gc.enable()
    try:
        entry.main()
    finally:
        (gc.enable if was else gc.disable)()
    assert seen == [("freeze", False), ("run", True)]
