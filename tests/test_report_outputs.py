"""The registry of output files (report/outputs.py) is complete: README lists it, runs write only what it
names, each file by the writer it names, and an output folder of quanze's own files is never refused."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quanze.cli import app
from quanze.config import load_config
from quanze.pipeline import reconcile
from quanze.report.outputs import OUTPUTS, output_names, outputs_named
from quanze.report.parquet import parquet_available
from quanze.report.reconcile import write_gaps, write_reconcile

import fixtures

runner = CliRunner()
README = Path(__file__).parents[1] / "README.md"


def readme_outputs() -> list[tuple[str, str, str, str]]:
    """The rows of README › Outputs › Every output file: file, commands, when, writer."""
    text = README.read_text(encoding="utf-8")
    section = text.split("### Every output file", 1)[1].split("\n#", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`"):
            rows.append((cells[0].strip("`"), cells[1], cells[2], cells[3].strip("`")))
    return rows


def test_readme_lists_every_output_and_no_other() -> None:
    listed = readme_outputs()
    assert listed == [
        (o.name, ", ".join(f"`quanze {c}`" for c in o.commands), o.when, o.writer) for o in OUTPUTS
    ]


def test_every_writer_named_is_a_function() -> None:
    for o in OUTPUTS:
        module, _, name = o.writer.partition(":")
        assert callable(getattr(importlib.import_module(module), name)), o


def _written_by(folder: Path, writer: str) -> set[str]:
    names = {p.name for p in folder.iterdir()}
    for name in names:
        assert any(o.writer == writer for o in outputs_named(name)), (name, writer)
    return names


def test_a_run_writes_exactly_the_files_registered_for_its_writer(tmp_path: Path) -> None:
    result = reconcile(load_config(fixtures.scenario(tmp_path / "s")))
    write_reconcile(tmp_path / "lean", result, lean_rows=0)  # a large run: the Parquet copies too
    written = _written_by(tmp_path / "lean", "quanze.report.reconcile:write_reconcile")
    expected = {o.name for o in OUTPUTS if o.writer == "quanze.report.reconcile:write_reconcile"}
    if not parquet_available():
        expected = {n for n in expected if not n.endswith(".parquet")}
    assert written == expected
    write_gaps(tmp_path / "gaps", result, title="缺口")
    assert _written_by(tmp_path / "gaps", "quanze.report.reconcile:write_gaps") == {
        o.name for o in OUTPUTS if o.writer.endswith(":write_gaps")
    }


@pytest.mark.parametrize(
    ("args", "command"),
    [
        (["diff", "city.xlsx", "city.xlsx", "--out", "o"], "diff"),
        (["handover", "build", "--out", "o"], "handover build"),
        (["handover", "build", "--out", "o", "--single"], "handover build"),
        (["check", "--out", "o", "--junit", "o/junit.xml"], "check"),
    ],
)
def test_commands_write_only_registered_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], command: str
) -> None:
    config = fixtures.scenario(tmp_path / "s")
    monkeypatch.chdir(config.parent)
    fixtures.city_list(config.parent / "city.xlsx")
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 1), result.output
    names = [p.name for p in (config.parent / "o").iterdir()]
    assert names
    for name in names:
        assert any(command in o.commands for o in outputs_named(name)), (name, command)


def test_a_folder_of_a_large_runs_outputs_is_replaced_with_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = fixtures.scenario(tmp_path / "s")
    monkeypatch.chdir(config.parent)
    out = config.parent / "o"
    out.mkdir()
    for name in ("matches.parquet", "gaps.parquet", "issues.parquet", "report.xlsx"):
        (out / name).write_bytes(b"an earlier run")
    result = runner.invoke(app, ["reconcile", "--out", "o", "--force"])
    assert result.exit_code == 0, result.output
    assert not (out / "matches.parquet").exists() and (out / "report.xlsx").read_bytes() != b"an earlier run"


def test_output_names_are_each_listed_once() -> None:
    # A file may come from two writers (gaps.csv: reconcile and gaps), never twice from one.
    rows = [(o.name, o.writer) for o in OUTPUTS]
    assert len(rows) == len(set(rows))
    assert all(re.fullmatch(r"[\w*.\u4e00-\u9fff_-]+", n) for n in output_names())
