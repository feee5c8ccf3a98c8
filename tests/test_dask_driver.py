"""The Dask driver maps reconcile over unit partitions; skipped where dask is not installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from quanze.config import load_config
from quanze.ingest import cache as ingest_cache
from quanze.pipeline import reconcile

import fixtures

pytest.importorskip("dask")

from quanze.dask_driver import reconcile_partitions


@pytest.mark.parametrize("scheduler", ["synchronous", "processes"])
def test_dask_partitions_give_the_whole_runs_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scheduler: str
) -> None:
    monkeypatch.delenv(ingest_cache.ENV, raising=False)
    config = load_config(fixtures.unit_column_lists(tmp_path / "work"))
    whole = reconcile(config)
    combined = reconcile_partitions(config, scheduler=scheduler, num_workers=2)
    assert combined.units == ["东城县", "南山县", "西河县"]
    assert sorted(m.model_dump_json() for m in combined.matches) == sorted(
        m.model_dump_json() for m in whole.matches
    )
    assert sorted(g.model_dump_json() for g in combined.gaps) == sorted(
        g.model_dump_json() for g in whole.gaps
    )


def test_some_units_only(tmp_path: Path) -> None:
    config = load_config(fixtures.unit_column_lists(tmp_path / "work"))
    combined = reconcile_partitions(config, units=["东城县"], scheduler="synchronous")
    assert combined.matches and {m.unit for m in combined.matches} == {"东城县"}
