"""The process entry (`python -m quanze` and the `quanze` script): the CLI is imported with the collector off."""

from __future__ import annotations

import gc
from importlib.metadata import entry_points

import pytest

from quanze import cli, entry


def test_the_console_script_is_the_entry_that_imports_with_the_collector_off() -> None:
    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "quanze"]
    assert script.value == "quanze.entry:main"


def test_the_collector_is_on_again_when_the_command_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    monkeypatch.setattr(cli, "main", lambda: seen.append(gc.isenabled()))
    gc.disable()  # as though a previous import had left it off: main must still end with it on
    try:
        entry.main()
    finally:
        gc.enable()
    assert seen == [True]
