"""Every file quanze writes: its name, the function that writes it and the commands that do (README › Outputs)."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass


@dataclass(frozen=True)
class Output:
    """One output file (a name, or a pattern where the name holds a unit or a choice)."""

    name: str
    writer: str
    """The writing function, as module:function (resolved by the registry's test, not here: this module
    is read by the output-folder check before any report module is loaded)."""
    commands: tuple[str, ...]
    when: str = ""
    """When it is written, if not on every run of its commands."""


_RECONCILE = "quanze.report.reconcile:write_reconcile"
_RUNS = ("reconcile", "check", "units run")
_LARGE = "a large run with pyarrow installed"

OUTPUTS: tuple[Output, ...] = (
    Output("matches.csv", _RECONCILE, _RUNS),
    Output("gaps.csv", _RECONCILE, _RUNS),
    Output("gaps.csv", "quanze.report.reconcile:write_gaps", ("gaps",)),
    Output("issues.csv", _RECONCILE, _RUNS),
    Output("summary.json", _RECONCILE, _RUNS),
    Output("report.xlsx", _RECONCILE, _RUNS),
    Output("review.xlsx", _RECONCILE, _RUNS),
    Output("report.html", _RECONCILE, _RUNS),
    Output("cascade.csv", _RECONCILE, _RUNS),
    Output("matches.parquet", _RECONCILE, _RUNS, _LARGE),
    Output("gaps.parquet", _RECONCILE, _RUNS, _LARGE),
    Output("issues.parquet", _RECONCILE, _RUNS, _LARGE),
    Output("gaps.xlsx", "quanze.report.reconcile:write_gaps", ("gaps",)),
    Output("junit*.xml", "quanze.report.check:write_junit", ("check",), "with --junit"),
    Output("diff.csv", "quanze.report.diff:write_diff", ("diff",)),
    Output("diff.json", "quanze.report.diff:write_diff", ("diff",)),
    Output("diff.xlsx", "quanze.report.diff:write_diff", ("diff",)),
    Output("交接清单_*.xlsx", "quanze.report.handover:write_checklists", ("handover build",)),
    Output("交接清单.xlsx", "quanze.report.handover:write_checklists", ("handover build",), "with --single"),
    Output("交接汇总.xlsx", "quanze.report.handover:write_checklists", ("handover build",)),
    Output("ledger.csv", "quanze.report.handover:write_ledger", ("handover progress",), "with --out"),
    Output("ledger.xlsx", "quanze.report.handover:write_ledger", ("handover progress",), "with --out"),
    Output(
        "整改台账.xlsx", "quanze.report.ledger:write_ledger_workbook", ("ledger export",), "the --out file"
    ),
    Output("周报.*", "quanze.report.ledger:write_period_report", ("ledger report",), "--period week"),
    Output("月通报.*", "quanze.report.ledger:write_period_report", ("ledger report",), "--period month"),
)


def output_names() -> tuple[str, ...]:
    """Every output name or pattern once, in the registry's order."""
    return tuple(dict.fromkeys(o.name for o in OUTPUTS))


def outputs_named(name: str) -> list[Output]:
    """The registry entries a file name is (a name can be written by more than one command's writer)."""
    return [o for o in OUTPUTS if fnmatch.fnmatchcase(name, o.name)]
