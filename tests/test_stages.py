"""Progress arrives as typed stages, in the order the data flows: read → match → gaps → write → record."""

from __future__ import annotations

from pathlib import Path

from quanze.config import build_config
from quanze.ingest import IngestOptions
from quanze.ledger import LedgerRun
from quanze.pipeline import run_reconcile, run_validate
from quanze.stages import Stage, Step

import fixtures


def test_a_reconcile_reports_its_stages_in_data_order(tmp_path: Path) -> None:
    config = build_config(fixtures.scenario(tmp_path / "s"))
    steps: list[Step] = []
    run = LedgerRun(path=tmp_path / "ledger.sqlite", command="reconcile")
    run_reconcile(config, out=tmp_path / "out", progress=steps.append, ledger=run)
    stages = [s.stage for s in steps]
    order = [Stage.READ, Stage.MATCH, Stage.GAPS, Stage.WRITE, Stage.RECORD]
    assert sorted(set(stages), key=order.index) == order
    assert stages == sorted(stages, key=order.index)  # never back to an earlier stage
    assert all(isinstance(s.detail, str) and s.detail for s in steps)
    assert str(steps[0]).startswith("reading ")  # the detail is the line a terminal shows


def test_validate_reports_each_file_as_read(tmp_path: Path) -> None:
    path = fixtures.plain(tmp_path / "plain.xlsx")
    steps: list[Step] = []
    run_validate(IngestOptions(), files=[path], progress=steps.append)
    assert [(s.stage, s.detail) for s in steps] == [(Stage.READ, "reading plain.xlsx")]
