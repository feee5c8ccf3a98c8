"""The console script's end: it leaves through os._exit once stdout and stderr are flushed (cli._leave).

Run as a real process (`python -m quanze`), where stdout into a pipe is block-buffered: every byte printed
must still arrive, every report must be complete, and the exit code must be the documented one.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from quanze import cli
from quanze.errors import ExitCode

import fixtures

# Buffered as a user's shell has it: PYTHONUNBUFFERED (set on some CI machines) would hide a lost flush.
BUFFERED = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def _quanze(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "quanze", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=BUFFERED,
    )


def test_every_row_printed_and_every_report_complete_after_the_hard_exit(tmp_path: Path) -> None:
    work = fixtures.scenario(tmp_path / "work").parent
    done = _quanze("reconcile", "--format", "jsonl", "--out", "out", cwd=work)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    for kind, name in (("match", "matches.csv"), ("gap", "gaps.csv")):
        with (work / "out" / name).open(encoding="utf-8-sig") as fh:
            written = list(csv.DictReader(fh))
        # stdout was flushed before the process left: every row arrived
        assert written and len([r for r in rows if r["kind"] == kind]) == len(written)
    assert "承接率" in done.stderr  # the closing lines on stderr too
    names = {p.name for p in (work / "out").iterdir()}
    assert {"matches.csv", "gaps.csv", "summary.json", "report.xlsx", "review.xlsx", "report.html"} <= names
    assert json.loads((work / "out" / "summary.json").read_text(encoding="utf-8"))["match"]["powers"] > 0
    assert load_workbook(work / "out" / "report.xlsx", read_only=True).sheetnames
    assert not [p for p in work.iterdir() if p.name.startswith(".out.")]  # no staging folder left behind


def test_exit_codes_survive_the_hard_exit(tmp_path: Path) -> None:
    work = fixtures.scenario(tmp_path / "work").parent
    missing = _quanze("reconcile", "--config", "nope.toml", "--out", "x", cwd=work)
    assert missing.returncode == ExitCode.BAD_CONFIG and "nope.toml" in missing.stderr
    usage = _quanze("reconcile", "--no-such-option", cwd=work)
    assert usage.returncode == ExitCode.USAGE and "--no-such-option" in usage.stderr


@pytest.mark.parametrize(
    ("code", "status", "printed"), [(None, 0, ""), (0, 0, ""), (5, 5, ""), ("gone wrong", 1, "gone wrong\n")]
)
def test_exit_code_of_system_exit(
    code: int | str | None, status: int, printed: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli._exit_code(SystemExit(code)) == status
    assert capsys.readouterr().err == printed


def test_leave_flushes_what_is_buffered_and_keeps_the_code() -> None:
    # print() into a pipe stays in the buffer until flushed: os._exit alone would lose it.
    code = "import sys; from quanze.cli import _leave; print('kept', end=''); print('also', file=sys.stderr, end=''); _leave(3)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env=BUFFERED
    )
    assert (done.returncode, done.stdout, done.stderr) == (3, "kept", "also")


def test_the_ledger_is_closed_before_the_hard_exit(tmp_path: Path) -> None:
    work = fixtures.scenario(tmp_path / "work").parent
    done = _quanze("check", "--ledger", "--out", "out", cwd=work)
    assert done.returncode == ExitCode.FINDINGS and "limits exceeded" in done.stdout  # the code is kept
    # A connection left open at exit would leave its write-ahead log beside the ledger.
    assert (work / "quanze-ledger.sqlite").is_file()
    assert not list(work.glob("quanze-ledger.sqlite-*"))
    export = _quanze("ledger", "export", "--all", "--out", "l.xlsx", cwd=work)
    assert export.returncode == 0 and "gap(s)" in export.stderr


def test_ctrl_c_while_the_command_line_loads_exits_130_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The console script (quanze.entry) loads quanze.cli inside its own guard."""
    import importlib.abc
    import sys

    from quanze import entry

    class Interrupted(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, path: object, target: object = None) -> None:
            if name == "quanze.cli":
                raise KeyboardInterrupt  # what a Ctrl-C in the middle of the import does
            return None

    monkeypatch.delitem(sys.modules, "quanze.cli", raising=False)
    monkeypatch.setattr(sys, "meta_path", [Interrupted(), *sys.meta_path])
    with pytest.raises(SystemExit) as stopped:
        entry.main()
    assert stopped.value.code == 130 and "interrupted" in capsys.readouterr().err


def test_ctrl_c_between_loading_and_the_command_exits_130_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The quirk: a Ctrl-C landing in cli.main's signal set-up, after the import and before any command."""
    import signal

    from quanze import cli

    def interrupted(*_args: object) -> None:
        raise KeyboardInterrupt

    def leave(code: int) -> None:
        raise SystemExit(code)

    monkeypatch.setattr(signal, "signal", interrupted)
    monkeypatch.setattr(cli, "_leave", leave)
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    err = capsys.readouterr().err
    assert stopped.value.code == 130 and "interrupted" in err and "Traceback" not in err
