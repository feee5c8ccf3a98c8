"""The bundled sample scenario: every file reads, and the demo shows every kind of finding."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quanze import ledger
from quanze.cli import app
from quanze.results import GapType

SAMPLE = Path(__file__).parents[1] / "sample_data"
runner = CliRunner()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("demo") / "sample_data"
    shutil.copytree(SAMPLE, work)
    return work


def test_every_sample_file_validates_without_errors() -> None:
    files = sorted(p for p in SAMPLE.rglob("*") if p.suffix in {".xlsx", ".xls", ".csv"})
    assert len(files) == 14
    result = runner.invoke(app, ["validate", *map(str, files), "--format", "json"])
    data = json.loads(result.stdout)
    assert not [i for f in data["files"] for i in f["issues"] if i["severity"] == "error"]
    assert {f["encoding"] for f in data["files"]} >= {"gb18030"}


def test_the_workflow_command_passes_on_the_sample(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The same command as .github/workflows/nightly.yml runs.
    monkeypatch.chdir(demo)
    result = runner.invoke(
        app,
        [
            "check",
            "--out",
            "../out/nightly",
            "--force",
            "--junit",
            "../out/junit.xml",
            "--format",
            "markdown",
        ],
    )
    assert result.exit_code == 0, result.stdout
    assert "all limits hold" in result.stdout
    summary = json.loads((demo.parent / "out" / "nightly" / "summary.json").read_text("utf-8"))
    assert all(summary["gaps"][g.value] > 0 for g in GapType)
    assert summary["match"]["links_matched"] > 1500 and summary["match"]["review_share"] < 0.15


def test_the_sample_diff_shows_every_change(demo: Path) -> None:
    out = demo.parent / "diff"
    result = runner.invoke(
        app,
        [
            "diff",
            str(demo / "市级下放事项清单_2022.xls"),
            str(demo / "市级下放事项清单_2023.xlsx"),
            "--out",
            str(out),
            "-f",
            "json",
        ],
    )
    counts = json.loads(result.stdout)["counts"]
    assert all(counts[c] > 0 for c in ("added", "removed", "renamed", "changed", "unchanged")), counts


def test_sample_summary_matches_the_golden_file(tmp_path: Path) -> None:
    """End to end on the sample: counts change only on purpose (then run `make golden`)."""
    from quanze.config import load_config
    from quanze.pipeline import run_reconcile

    run_reconcile(load_config(SAMPLE / "quanze.toml"), out=tmp_path / "out", force=False)

    def comparable(path: Path) -> dict[str, object]:
        data = json.loads(path.read_text("utf-8"))
        for item in data["inputs"]:
            item.pop("path")  # where the checkout lives differs between machines; the digest does not
        return data  # type: ignore[no-any-return]

    golden = comparable(Path(__file__).parent / "golden" / "sample-summary.json")
    assert comparable(tmp_path / "out" / "summary.json") == golden


def test_every_gap_row_of_the_sample_run_is_one_ledger_gap(tmp_path: Path) -> None:
    # The sample has two departments that list one item (职责交叉): each must stay on the ledger.
    work = tmp_path / "sample_data"
    shutil.copytree(SAMPLE, work)
    result = runner.invoke(
        app, ["check", "--config", str(work / "quanze.toml"), "--ledger", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code in (0, 1), result.output
    gaps_csv = (tmp_path / "o" / "gaps.csv").read_text("utf-8-sig").splitlines()
    on_ledger = ledger.load_gaps(work / "quanze-ledger.sqlite", include_closed=True)
    assert len(on_ledger) == len(gaps_csv) - 1 > 900
    overlap = {g.department for g in on_ledger if g.gap_type is GapType.OVERLAP}
    assert len(overlap) >= 2
