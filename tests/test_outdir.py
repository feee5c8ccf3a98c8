"""Output folders hold one whole run: a filled-in review is never wiped, a killed run leaves the last one."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from quanze.cli import app
from quanze.decisions import load_decisions
from quanze.report import outdir
from quanze.report.outdir import staged_out_dir

import fixtures

runner = CliRunner()


def flat(text: str) -> str:
    """The terminal wraps long messages; the words are what counts."""
    return " ".join(text.split())


SHA = re.compile(r"[0-9a-f]{64}")
TEXT_OUTPUTS = ("summary.json", "matches.csv", "gaps.csv", "issues.csv", "cascade.csv", "report.html")


def _review_project(folder: Path) -> list[str]:
    """Two powers whose service items score in the review band: the reconcile args for them."""
    fixtures.xlsx(
        folder / "powers.xlsx",
        {
            "Sheet1": [
                ["序号", "事项名称", "实施主体"],
                [1, "县级广播电台、电视台变更台名、节目设置范围或节目套数审批", "市文旅局"],
                [2, "建设项目人防工程审批", "市人防办"],
            ]
        },
    )
    fixtures.xlsx(
        folder / "cat.xlsx",
        {
            "Sheet1": [
                ["序号", "业务办理项名称", "所属权力事项", "行政区划", "实施主体"],
                [1, "县级广播电台、电视台变更台名审批", None, "东城县", "县文旅局"],
                [2, "建设项目人防工程竣工验收", None, "东城县", "县人防办"],
            ]
        },
    )
    return ["reconcile", "-p", "powers.xlsx", "-s", "cat.xlsx", "--out", "run"]


def _fill(review: Path, words: dict[str, str]) -> None:
    wb = load_workbook(review)
    ws = wb.active
    assert ws is not None
    header = [c.value for c in ws[2]]
    col, name_col = header.index("决定（确认/否决）") + 1, header.index("服务事项名称") + 1
    for row in range(3, ws.max_row + 1):
        if ws.cell(row, name_col).value in words:
            ws.cell(row, col).value = words[ws.cell(row, name_col).value]
    wb.save(review)


def test_force_keeps_filled_in_review_decisions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = _review_project(tmp_path)
    assert runner.invoke(app, args).exit_code == 0
    _fill(
        tmp_path / "run" / "review.xlsx",
        {"县级广播电台、电视台变更台名审批": "确认", "建设项目人防工程竣工验收": "否决"},
    )
    result = runner.invoke(app, [*args, "--force"])
    assert result.exit_code == 0, result.output
    assert "2 decision(s) filled in run/review.xlsx were not yet applied" in flat(result.output)
    history = load_decisions(tmp_path / "quanze-decisions.jsonl")
    assert sorted((h.service_name, h.decision.value) for h in history) == [
        ("县级广播电台、电视台变更台名审批", "confirm"),
        ("建设项目人防工程竣工验收", "reject"),
    ]
    # The new run already applies them: nothing left to review, the confirmed link is a decision, and
    # both the 确认 and the 否决 count as applied.
    summary = json.loads((tmp_path / "run" / "summary.json").read_text("utf-8"))
    assert summary["match"]["decisions_applied"] == 2 and summary["match"]["links_review"] == 0
    # Running again records nothing twice.
    again = runner.invoke(app, [*args, "--force"])
    assert again.exit_code == 0 and "not yet applied" not in flat(again.output)
    assert len(load_decisions(tmp_path / "quanze-decisions.jsonl")) == 2


def test_force_refuses_a_review_with_words_that_are_not_decisions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    args = _review_project(tmp_path)
    assert runner.invoke(app, args).exit_code == 0
    review = tmp_path / "run" / "review.xlsx"
    _fill(review, {"县级广播电台、电视台变更台名审批": "确认", "建设项目人防工程竣工验收": "也许"})
    before = review.read_bytes()
    result = runner.invoke(app, [*args, "--force"])
    assert result.exit_code == 5, result.output
    assert (
        "run/review.xlsx" in flat(result.output)
        and "也许" in flat(result.output)
        and "row" in flat(result.output)
    )
    assert "quanze review apply run/review.xlsx" in flat(result.output)
    assert review.read_bytes() == before  # the analyst's work is untouched
    assert not (tmp_path / "quanze-decisions.jsonl").exists()


def test_force_refuses_an_unreadable_review_workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = _review_project(tmp_path)
    assert runner.invoke(app, args).exit_code == 0
    review = tmp_path / "run" / "review.xlsx"
    review.write_bytes(b"PK\x03\x04 not a workbook any more")
    result = runner.invoke(app, [*args, "--force"])
    assert result.exit_code == 5 and "cannot be read to keep its decisions" in flat(result.output)
    assert review.read_bytes() == b"PK\x03\x04 not a workbook any more"


def test_force_refuses_a_folder_holding_files_quanze_did_not_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    args = _review_project(tmp_path)
    assert runner.invoke(app, args).exit_code == 0
    (tmp_path / "run" / "notes.docx").write_bytes(b"mine")
    result = runner.invoke(app, [*args, "--force"])
    assert result.exit_code == 5 and "notes.docx" in flat(result.output) and "move" in flat(result.output)
    assert (tmp_path / "run" / "notes.docx").read_bytes() == b"mine"


def test_a_failed_run_leaves_the_previous_one_and_no_temporary_folder(tmp_path: Path) -> None:
    target = tmp_path / "run"
    with staged_out_dir(target, force=False) as folder:
        (folder / "summary.json").write_text("first", "utf-8")
    with pytest.raises(RuntimeError), staged_out_dir(target, force=True) as folder:
        (folder / "summary.json").write_text("second", "utf-8")
        raise RuntimeError("the run broke half way")
    assert (target / "summary.json").read_text("utf-8") == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_a_run_killed_mid_swap_is_recovered_by_the_next(tmp_path: Path) -> None:
    # SIGKILL between the two renames of a swap: the previous run sits beside, the folder is gone.
    target = tmp_path / "run"
    old = tmp_path / ".run.quanze-old-abc123"
    old.mkdir()
    (old / "summary.json").write_text("previous", "utf-8")
    stale = tmp_path / ".run.quanze-new-def456"
    stale.mkdir()
    (stale / "matches.csv").write_text("half", "utf-8")
    with pytest.raises(Exception, match="already holds files"), staged_out_dir(target, force=False):
        pass
    assert (target / "summary.json").read_text("utf-8") == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_unwritable_existing_folder_is_exit_5(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = _review_project(tmp_path)
    (tmp_path / "run").mkdir()
    (tmp_path / "run").chmod(0o555)
    if os.geteuid() == 0:  # root writes anywhere: let the folder say what it would say to anyone else
        monkeypatch.setattr(
            outdir.os, "access", lambda path, mode: not (mode & os.W_OK and Path(path).name == "run")
        )
    try:
        result = runner.invoke(app, args)
    finally:
        (tmp_path / "run").chmod(0o755)
    assert result.exit_code == 5, result.output
    assert "run: the folder is not writable" in flat(result.output) and "permissions" in flat(result.output)


def _outputs(folder: Path) -> dict[str, object]:
    """What a run wrote, read back: the text files, and the cells of report.xlsx (written first)."""
    # The inputs' SHA-256 differs each time the test rewrites a catalogue: the content is what counts.
    found: dict[str, object] = {n: SHA.sub("", (folder / n).read_text("utf-8")) for n in TEXT_OUTPUTS}
    wb = load_workbook(folder / "report.xlsx", read_only=True)
    found["report.xlsx"] = SHA.sub("", repr([list(ws.values) for ws in wb.worksheets]))
    wb.close()
    return found


def _timed_run(command: list[str], project: Path, env: dict[str, str]) -> float:
    """Run once; the seconds from `writing reports` to `reports written` (the window where mixing was)."""
    proc = subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    start = end = 0.0
    for line in proc.stderr:
        if b"writing reports" in line:
            start = time.monotonic()
        if b"reports written" in line:
            end = time.monotonic()
    assert proc.wait() == 0 and end > start > 0
    return end - start


def test_a_killed_run_leaves_one_whole_run(tmp_path: Path) -> None:
    """Kill `reconcile --force` at random points of each stage: the folder holds one whole run, old or new."""
    config = fixtures.scenario(tmp_path / "p")
    project = config.parent
    env = {**os.environ, "COLUMNS": "200"}
    command = [
        sys.executable,
        "-m",
        "quanze",
        "--no-cache",
        "-v",
        "reconcile",
        "--force",
    ]  # kills land as before the read cache
    # Two versions of the catalogue; each run reads the one whose reports are not in the folder.
    big = [[8 + n, "西河县", "西河县城管局", None, f"户外广告设置许可{n}", None, n] for n in range(400)]
    versions = [big[:200], big]
    runs = []
    window = 0.0
    for extra in versions:
        fixtures.catalogue(project / "catalogue.xlsx", extra=extra)
        window = max(window, _timed_run(command, project, env))
        runs.append(_outputs(project / "out"))
    assert runs[0] != runs[1]
    in_folder = 1
    rng = random.Random(11)
    # A few kills while reading and matching; most while the reports are written, where mixing happens.
    stages = ("reading", "matching", "finding gaps", *["writing reports"] * 9)
    codes = []
    for stage in stages:
        fixtures.catalogue(project / "catalogue.xlsx", extra=versions[1 - in_folder])
        proc = subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stderr is not None
        seen = b""
        while stage.encode() not in seen and proc.poll() is None:
            seen += proc.stderr.readline()
        time.sleep(rng.uniform(0.2, 1.0) * window if stage == "writing reports" else rng.uniform(0, 0.05))
        proc.send_signal(signal.SIGTERM if len(codes) % 2 else signal.SIGINT)
        _, rest = proc.communicate(timeout=60)
        stderr = seen + rest
        now = _outputs(project / "out")
        assert now in runs, stderr  # one whole run, never a mix
        finished = runs.index(now) != in_folder  # the new run's reports made it into the folder
        in_folder = runs.index(now)
        names = sorted(p.name for p in (project / "out").iterdir())
        assert names == sorted([*TEXT_OUTPUTS, "report.xlsx", "review.xlsx"])
        assert sorted(p.name for p in project.iterdir() if p.name.startswith(".")) == [], stderr
        # A signal after the run finished (while Python shuts down) may end it otherwise: the run is whole.
        # On a loaded machine the signal can also land before quanze's handlers are in place, and the process
        # dies of it (-2, -15): what matters, checked above, is that the folder holds one whole run.
        assert proc.returncode in (0, 130, -signal.SIGINT, -signal.SIGTERM) or b"reports written" in stderr, (
            stderr
        )
        if proc.returncode == 130 and not finished:
            # Interrupted mid-run, it says so (a signal after the reports were in place, while the terminal
            # summary was being printed, may end it with 130 too: the folder then holds the new run).
            assert b"interrupted; no partial output was left behind" in stderr
        codes.append(proc.returncode)
    assert set(codes) & {130, -signal.SIGINT, -signal.SIGTERM}  # at least some kills landed mid-run


def test_a_second_run_on_the_same_folder_waits_and_says_so(tmp_path: Path) -> None:
    from filelock import FileLock

    config = fixtures.scenario(tmp_path / "p")
    project = config.parent
    with FileLock(str(outdir.lock_path(project / "out"))):
        proc = subprocess.Popen(
            [sys.executable, "-m", "quanze", "reconcile"],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "COLUMNS": "200"},
        )
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert "another quanze run is writing out/" in line and "waiting" in line
        assert not (project / "out").exists()
    assert proc.wait(timeout=60) == 0
    assert (project / "out" / "summary.json").exists()


def test_other_commands_never_wipe_a_filled_in_review(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    args = _review_project(tmp_path)
    assert runner.invoke(app, args).exit_code == 0
    review = tmp_path / "run" / "review.xlsx"
    _fill(review, {"县级广播电台、电视台变更台名审批": "确认"})
    before = review.read_bytes()
    # handover progress knows no decisions file: it refuses and says how to go on.
    fixtures.xlsx(
        tmp_path / "checklist.xlsx",
        {"交接": [["序号", "事项名称", "交接状态"], [1, "燃气经营许可", "已交接"]]},
    )
    result = runner.invoke(app, ["handover", "progress", "checklist.xlsx", "--out", "run", "--force"])
    assert result.exit_code == 5 and "1 filled-in decision(s)" in flat(result.output)
    assert review.read_bytes() == before
    # diff knows the project's decisions file: it records them, then replaces the folder.
    result = runner.invoke(app, ["diff", "powers.xlsx", "powers.xlsx", "--out", "run", "--force"])
    assert result.exit_code == 0, result.output
    assert [h.decision.value for h in load_decisions(tmp_path / "quanze-decisions.jsonl")] == ["confirm"]
    assert not review.exists() and (tmp_path / "run" / "diff.csv").exists()


def test_a_run_killed_outright_is_tidied_by_the_next(tmp_path: Path) -> None:
    """SIGKILL cannot be caught: the half-written run stays beside the folder until the next run removes it."""
    config = fixtures.scenario(tmp_path / "p")
    project = config.parent
    env = {**os.environ, "COLUMNS": "200"}
    command = [
        sys.executable,
        "-m",
        "quanze",
        "--no-cache",
        "-v",
        "reconcile",
        "--force",
    ]  # kills land as before the read cache
    subprocess.run(command, cwd=project, env=env, check=True, capture_output=True)
    previous = _outputs(project / "out")
    proc = subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    while b"writing reports" not in proc.stderr.readline() and proc.poll() is None:
        pass
    proc.kill()
    proc.communicate(timeout=60)
    if (project / "out").exists():
        assert _outputs(project / "out") == previous
    # Whether or not the kill landed while a staging folder existed, the next run must find one to tidy:
    # plant what a SIGKILL in the middle of writing leaves behind.
    left = project / f".out.{outdir._STAGE}-killed"
    left.mkdir(exist_ok=True)
    (left / "report.xlsx").write_bytes(b"half written")
    subprocess.run(command, cwd=project, env=env, check=True, capture_output=True)
    assert _outputs(project / "out") == previous  # same inputs, same reports
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize(
    "command",
    [
        ["gaps", "-p", "powers.xlsx", "-s", "cat.xlsx"],
        ["handover", "build"],
    ],
)
def test_gaps_and_handover_build_with_force_keep_a_filled_in_review(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """Every writer that replaces a folder goes through one guard (pipeline._out_folder), not reconcile alone."""
    monkeypatch.chdir(tmp_path)
    args = _review_project(tmp_path)
    (tmp_path / "quanze.toml").write_text(
        '[[inputs.lists]]\npath = "powers.xlsx"\n\n[inputs.catalogue]\npath = "cat.xlsx"\n', "utf-8"
    )
    assert runner.invoke(app, args).exit_code == 0
    _fill(tmp_path / "run" / "review.xlsx", {"县级广播电台、电视台变更台名审批": "确认"})
    result = runner.invoke(app, [*command, "--out", "run", "--force"])
    assert "1 decision(s) filled in run/review.xlsx were not yet applied" in flat(result.output), (
        result.output
    )
    assert [h.decision.value for h in load_decisions(tmp_path / "quanze-decisions.jsonl")] == ["confirm"]


def test_the_suggested_review_command_quotes_a_folder_with_spaces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    args = _review_project(tmp_path)
    result = runner.invoke(app, [*args[:-1], "out/第 2 周"])
    assert result.exit_code == 0, result.output
    assert "quanze review apply 'out/第 2 周/review.xlsx'" in result.output


def test_a_run_that_waited_leaves_the_reports_the_other_run_just_wrote(tmp_path: Path) -> None:
    """The quirk: `gaps --force` waiting on a `reconcile` into the same folder used to replace the review.xlsx
    that reconcile had just told its analyst to open; it now refuses and leaves them (exit 5), even with --force."""
    import threading

    from filelock import FileLock

    from quanze.errors import OutputError

    target = tmp_path / "r1"
    waiting = threading.Event()
    outcome: list[BaseException | None] = []

    def second_run() -> None:
        try:
            with outdir.staged_out_dir(target, force=True, on_wait=lambda _line: waiting.set()) as stage:
                (stage / "gaps.csv").write_text("x", "utf-8")
            outcome.append(None)
        except BaseException as exc:  # handed to the test's thread
            outcome.append(exc)

    with FileLock(str(outdir.lock_path(target))):
        thread = threading.Thread(target=second_run)
        thread.start()
        assert waiting.wait(timeout=60)
        target.mkdir()  # the first run swaps its reports in meanwhile
        (target / "review.xlsx").write_bytes(b"announced")
    thread.join(timeout=60)
    (error,) = outcome
    assert isinstance(error, OutputError) and "while this one waited" in str(error)
    assert (target / "review.xlsx").read_bytes() == b"announced" and not (target / "gaps.csv").exists()
    # Asked again, with --force, the run replaces them as usual.
    with outdir.staged_out_dir(target, force=True) as stage:
        (stage / "gaps.csv").write_text("x", "utf-8")
    assert (target / "gaps.csv").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_a_swap_is_one_exchange_found_without_a_library_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The exchange takes renameat2 from the process's own symbols: no `ldconfig` child on each run."""
    import ctypes.util

    def no_search(name: str) -> str | None:
        raise AssertionError("find_library runs ldconfig in a child process")

    monkeypatch.setattr(ctypes.util, "find_library", no_search)
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("A", encoding="utf-8")
    (b / "x").write_text("B", encoding="utf-8")
    assert outdir._exchange(a, b)
    assert (a / "x").read_text(encoding="utf-8") == "B" and (b / "x").read_text(encoding="utf-8") == "A"
