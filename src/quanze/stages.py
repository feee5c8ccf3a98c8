"""The stages of a run, as the progress callback reports them to the CLI (typed, not free text)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class Stage(StrEnum):
    """Where a run is: the data flows read → match → gaps → write (→ record in the ledger)."""

    READ = "read"
    MATCH = "match"
    GAPS = "gaps"
    WRITE = "write"
    RECORD = "record"
    UNIT = "unit"
    """One receiving unit of a partitioned run (`quanze units run`) begins."""


@dataclass(frozen=True)
class Step:
    """A stage beginning, with what it works on: the line a terminal shows."""

    stage: Stage
    detail: str

    def __str__(self) -> str:
        return self.detail


Progress = Callable[[Step], None]


def begin(progress: Progress | None, stage: Stage, detail: str) -> None:
    """Tell the caller a stage begins, when it listens."""
    if progress is not None:
        progress(Step(stage, detail))
