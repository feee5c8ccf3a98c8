"""Units as partitions: each unit's rows equal that unit's rows of a whole run; a pool gives the same."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quanze.cli import app
from quanze.config import QuanzeConfig, load_config
from quanze.errors import UsageError
from quanze.ingest import cache as ingest_cache
from quanze.pipeline import reconcile
from quanze.report.files import file_names
from quanze.units_pool import combine, each_unit, units_of

import fixtures

runner = CliRunner()


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> QuanzeConfig:
    monkeypatch.delenv(ingest_cache.ENV, raising=False)
    return load_config(fixtures.unit_column_lists(tmp_path / "work"))


def test_units_are_every_unit_as_the_lists_spell_them(config: QuanzeConfig) -> None:
    # 西河县人民政府 read as 西河县; 北湖县, in the catalogue only, is outside the run (unit-outside-run).
    assert units_of(config) == ["东城县", "南山县", "西河县"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_units_rows_equal_its_rows_of_a_whole_run(config: QuanzeConfig, jobs: int) -> None:
    whole = reconcile(config)
    results = list(each_unit(config, jobs=jobs))
    assert [u for u, _ in results] == units_of(config)
    for unit, part in results:
        assert part.matches == [m for m in whole.matches if m.unit == unit]
        assert [g for g in part.gaps if g.unit == unit] == [g for g in whole.gaps if g.unit == unit]
        assert part.issues == whole.issues  # the unit checks see every unit, as a whole run does
    combined = combine(results)
    assert sorted(m.model_dump_json() for m in combined.matches) == sorted(
        m.model_dump_json() for m in whole.matches
    )
    assert sorted(g.model_dump_json() for g in combined.gaps) == sorted(
        g.model_dump_json() for g in whole.gaps
    )
    assert whole.matches and whole.gaps


def test_an_unknown_unit_is_a_usage_error(config: QuanzeConfig) -> None:
    with pytest.raises(UsageError, match="南京县"):
        list(each_unit(config, units=["南京县"]))


def test_the_pool_needs_the_cache(config: QuanzeConfig) -> None:
    off = config.model_copy(update={"project": config.project.model_copy(update={"cache": None})})
    with pytest.raises(UsageError, match="read cache"):
        list(each_unit(off))


def test_folder_names_are_clean_and_never_shared() -> None:
    names = file_names(["东城县", "A/B 区", "A_B_区", "a_b_区", "..", "东城县"])
    assert names == {
        "东城县": "东城县",
        "A/B 区": "A_B_区",
        "A_B_区": "A_B_区_2",
        "a_b_区": "a_b_区_3",
        "..": "unit",
    }


def test_units_list_and_run_from_the_cli(config: QuanzeConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    work = config.inputs.lists[0].path.parent
    monkeypatch.chdir(work)
    listed = runner.invoke(app, ["units", "list"])
    assert listed.exit_code == 0 and listed.stdout.split() == ["东城县", "南山县", "西河县"]
    assert runner.invoke(app, ["reconcile", "--out", "whole"]).exit_code == 0
    ran = runner.invoke(app, ["units", "run", "--jobs", "2", "--out", "units"])
    assert ran.exit_code == 0, ran.output
    assert "东城县: 已匹配" in ran.stderr

    def rows(path: Path) -> list[dict[str, str]]:
        with path.open(encoding="utf-8-sig") as fh:
            return list(csv.DictReader(fh))

    for unit in ("东城县", "南山县", "西河县"):
        part = rows(work / "units" / unit / "matches.csv")
        assert part and part == [r for r in rows(work / "whole" / "matches.csv") if r["unit"] == unit]
    assert runner.invoke(app, ["units", "run", "--out", "units"]).exit_code == 5  # folders hold reports
    assert runner.invoke(app, ["units", "run", "-u", "南京县", "--out", "x"]).exit_code == 2


def test_a_pool_runs_the_first_unit_here_before_forking(
    config: QuanzeConfig, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # So that the workers start with the memos the first unit warmed; the rest go to the workers.
    import os

    from quanze import units_pool

    log = tmp_path / "ran.txt"
    real = units_pool.reconcile_unit

    def spy(cfg: QuanzeConfig, unit: str) -> object:
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {unit}\n")
        return real(cfg, unit)

    monkeypatch.setattr(units_pool, "reconcile_unit", spy)
    units = units_of(config)
    assert [u for u, _ in each_unit(config, jobs=2)] == units
    ran = dict(reversed(line.split(" ", 1)) for line in log.read_text(encoding="utf-8").splitlines())
    assert sorted(ran) == sorted(units)
    assert ran[units[0]] == str(os.getpid())
    assert all(ran[u] != str(os.getpid()) for u in units[1:])
