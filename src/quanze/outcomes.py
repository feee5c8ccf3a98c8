"""Results of the commands that have no result module of their own: what `--format json` prints."""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, Field, RootModel, computed_field

from quanze.decisions import DecisionRecord
from quanze.errors import ExitCode, exit_code_for
from quanze.models import FileReport, ListKind, RowIssue, SheetLayout
from quanze.results import Summary


class ValidationResult(BaseModel):
    """What `quanze validate` found across its files."""

    files: list[FileReport]
    issue_counts: dict[str, int] = Field(default_factory=dict)

    @classmethod
    def of(cls, reports: list[FileReport]) -> ValidationResult:
        """The files read, with their issues counted by code."""
        counts = Counter(i.code.value for r in reports for i in r.issues)
        return cls(files=reports, issue_counts=dict(sorted(counts.items())))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def exit_code(self) -> ExitCode:
        return exit_code_for(i for f in self.files for i in f.issues)


class HandoverOutcome(BaseModel):
    units: dict[str, int]
    """Each unit's devolved items (下放事项), signed or not."""
    to_sign: dict[str, int] = Field(default_factory=dict)
    """Each unit's items on the pages both sides sign (应交接); the rest are on its 未认领事项 sheet."""
    files: list[str]
    issues: list[RowIssue] = Field(default_factory=list, exclude=True)
    """The inputs' row issues (not part of the JSON)."""


class FileLayout(BaseModel):
    """How one file was understood (`quanze inspect`): its kind, encoding and each sheet's layout."""

    file: str
    kind: ListKind
    encoding: str | None = None
    sheets: list[SheetLayout] = Field(default_factory=list)
    issues: list[RowIssue] = Field(default_factory=list, exclude=True)
    """Shown on the terminal (unreadable file, hidden sheets and rows), not part of the JSON."""

    @classmethod
    def of(cls, report: FileReport) -> FileLayout:
        return cls(
            file=report.file,
            kind=report.kind,
            encoding=report.encoding,
            sheets=report.sheets,
            issues=report.issues,
        )


class Layouts(RootModel[list[FileLayout]]):
    """The layouts of the files `quanze inspect` read, in order."""

    @property
    def exit_code(self) -> ExitCode:
        """`inspect` shows how files were understood: only a file that cannot be read fails it."""
        return exit_code_for((i for f in self.root for i in f.issues), findings=False)


class AddedLink(DecisionRecord):
    """A link recorded by hand (`quanze review add`), and whether it was new to the decisions file."""

    recorded: bool


class StarterConfig(BaseModel):
    """The starter quanze.toml `quanze init` wrote."""

    path: str


class CacheCleared(BaseModel):
    """What `quanze cache clear` removed."""

    folder: str
    entries: int


class UnitNames(RootModel[list[str]]):
    """Every receiving unit of the inputs (`quanze units list`)."""


class UnitRuns(RootModel[dict[str, Summary]]):
    """Each unit reconciled into its own folder (`quanze units run`): its summary."""
