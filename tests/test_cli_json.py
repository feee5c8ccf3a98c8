"""`--format json` prints the library result's dump, for every command of the app (a new one must join here)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import typer
from pydantic import BaseModel
from typer.testing import CliRunner

from quanze import ledger, pipeline, tracking, units_pool
from quanze.cli import app

import fixtures

runner = CliRunner()


def command_names(group: typer.Typer, prefix: tuple[str, ...] = ()) -> set[str]:
    """Every command of a Typer app, sub-commands as "group command"."""
    names: set[str] = set()
    for c in group.registered_commands:
        assert c.callback is not None
        names.add(" ".join((*prefix, c.name or c.callback.__name__.replace("_", "-"))))
    for g in group.registered_groups:
        assert g.typer_instance is not None and g.name is not None
        names |= command_names(g.typer_instance, (*prefix, g.name))
    return names


def cli(*args: str) -> None:
    """A step that prepares a case (its exit code may be 1: findings are not the point here)."""
    result = runner.invoke(app, list(args))
    assert result.exit_code in (0, 1), result.output


def first_gap(_: Path) -> list[str]:
    return [ledger.load_gaps(Path("quanze-ledger.sqlite"), include_closed=True)[0].id]


@dataclass(frozen=True)
class Case:
    args: Sequence[str]
    module: ModuleType
    function: str
    dumped: Callable[[Any], Any] = lambda result: result
    """The part of the library result the command prints (reconcile prints its summary)."""
    before: Sequence[Sequence[str]] = ()
    more_args: Callable[[Path], list[str]] | None = None


RECORD = ("reconcile", "--ledger", "--out", "out")
CASES: dict[str, Case] = {
    "validate": Case(("validate", "city.xlsx", "--records"), pipeline, "run_validate"),
    "inspect": Case(("inspect", "city.xlsx", "西河县.xlsx"), pipeline, "run_inspect"),
    "reconcile": Case(("reconcile", "--out", "o"), pipeline, "run_reconcile", lambda r: r.summary),
    "gaps": Case(("gaps", "--out", "g"), pipeline, "run_gaps", lambda r: r.summary.gaps),
    "check": Case(("check", "--out", "o"), pipeline, "run_check"),
    "explain": Case(("explain", "燃气经营许可证核发"), pipeline, "run_explain"),
    "diff": Case(("diff", "city.xlsx", "西河县.xlsx", "--out", "d"), pipeline, "run_diff"),
    "review apply": Case(
        ("review", "apply", "out/review.xlsx", "--by", "张三"), pipeline, "run_review_apply", before=[RECORD]
    ),
    "review add": Case(
        ("review", "add", "燃气经营许可证核发", "城市道路占用挖掘许可", "--unit", "东城县"),
        pipeline,
        "add_link",
    ),
    "handover build": Case(("handover", "build", "--out", "h"), pipeline, "run_handover"),
    "handover progress": Case(
        ("handover", "progress", "h/交接清单_东城县.xlsx", "h/交接清单_西河县.xlsx"),
        pipeline,
        "run_handover_progress",
        before=[("handover", "build", "--out", "h")],
    ),
    "ledger export": Case(("ledger", "export", "--out", "台账.xlsx"), tracking, "export", before=[RECORD]),
    "ledger apply": Case(
        ("ledger", "apply", "台账.xlsx", "--by", "李四"),
        tracking,
        "apply",
        before=[RECORD, ("ledger", "export", "--out", "台账.xlsx")],
    ),
    "ledger report": Case(("ledger", "report", "--out", "r"), tracking, "report", lambda r: r[0], [RECORD]),
    "ledger history": Case(("ledger", "history"), ledger, "history", before=[RECORD], more_args=first_gap),
    "init": Case(("init", "new.toml"), pipeline, "run_init"),
    "cache clear": Case(("cache", "clear"), pipeline, "run_clear_cache", before=[("units", "list")]),
    "units list": Case(("units", "list"), units_pool, "unit_names"),
    "units run": Case(("units", "run", "--out", "u"), units_pool, "units_to"),
}


def test_every_command_has_a_json_case() -> None:
    assert command_names(app) == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_json_output_is_the_library_result(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES[name]
    monkeypatch.chdir(fixtures.scenario(tmp_path / "work").parent)
    for step in case.before:
        cli(*step)
    returned: list[Any] = []
    library = getattr(case.module, case.function)

    def spy(*args: Any, **kwargs: Any) -> Any:
        returned.append(library(*args, **kwargs))
        return returned[-1]

    monkeypatch.setattr(case.module, case.function, spy)
    args = [*case.args, *(case.more_args(tmp_path) if case.more_args else []), "--format", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 1), result.output
    assert len(returned) == 1, f"`quanze {name}` did not make one call to {case.function}"
    expected = case.dumped(returned[0])
    if isinstance(expected, BaseModel):
        expected = expected.model_dump(mode="json")
    assert json.loads(result.stdout) == expected
    if hasattr(returned[0], "exit_code"):
        assert result.exit_code == int(returned[0].exit_code)  # the command exits with the result's code
