"""A whole country as separate province jobs: the CI matrix example runs, and gives a combined run's rows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quanze.cli import app
from quanze.config import CatalogueInput, Inputs, load_config
from quanze.ingest import cache as ingest_cache
from quanze.pipeline import reconcile

import fixtures

runner = CliRunner()
EXAMPLE = Path(__file__).parents[1] / "examples" / "nightly-country.yml"


def test_the_ci_matrix_example_runs_each_province_as_a_job_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ingest_cache.ENV, raising=False)
    text = EXAMPLE.read_text("utf-8")
    provinces = re.search(r"province: \[(.+)\]", text)
    assert provinces is not None
    names = [p.strip() for p in provinces.group(1).split(",")]
    commands = [line.split("run: ", 1)[1] for line in text.splitlines() if "run: quanze " in line]
    assert names == ["甲省", "乙省"] and len(commands) == 1
    for name in names:
        fixtures.unit_column_lists(tmp_path / "provinces" / name, prefix=name)
    monkeypatch.chdir(tmp_path)
    for name in names:
        args = shlex.split(commands[0].replace("${{ matrix.province }}", name))
        assert args[0] == "quanze"
        result = runner.invoke(app, args[1:])
        assert result.exit_code in (0, 1), result.output  # 1: limits exceeded is a finding, not a failure
        assert (tmp_path / "out" / name / "matches.csv").is_file()
        assert (tmp_path / "out" / name / "junit.xml").is_file()

    # The two jobs together give what one run over both provinces gives, unit by unit.
    configs = [load_config(tmp_path / "provinces" / n / "quanze.toml") for n in names]
    both = configs[0].model_copy(
        update={
            "inputs": Inputs(
                lists=tuple(li for c in configs for li in c.inputs.lists),
                catalogue=tuple(CatalogueInput(path=ci.path) for c in configs for ci in c.inputs.catalogue),
            )
        }
    )
    whole = reconcile(both)
    apart = [reconcile(c) for c in configs]
    for name, part in zip(names, apart, strict=True):
        assert part.matches == [m for m in whole.matches if (m.unit or "").startswith(name)]
        unit_gaps = [g for g in whole.gaps if g.unit and g.unit.startswith(name)]
        assert [g for g in part.gaps if g.unit] == unit_gaps
    assert sum(len(p.matches) for p in apart) == len(whole.matches) > 0
