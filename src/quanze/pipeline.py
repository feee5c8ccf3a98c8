"""Strings the stages together (ingest → normalize → match → diff/gaps → report); never prints."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from quanze.errors import ExitCode
from quanze.ingest import IngestOptions, read_files
from quanze.models import FileReport, IssueCode, Severity

Progress = Callable[[str], None]


class ValidationResult(BaseModel):
    """What `quanze validate` found across its files."""

    files: list[FileReport]
    issue_counts: dict[str, int] = Field(default_factory=dict)

    @property
    def exit_code(self) -> ExitCode:
        issues = [i for f in self.files for i in f.issues]
        if any(i.code is IssueCode.UNREADABLE_FILE for i in issues):
            return ExitCode.UNREADABLE_INPUT
        if any(i.severity in (Severity.ERROR, Severity.WARNING) for i in issues):
            return ExitCode.FINDINGS
        return ExitCode.OK


def validate(paths: Sequence[Path], options: IngestOptions, *, progress: Progress | None = None) -> ValidationResult:
    """Read every file and collect its records, layout and issues."""
    reports = read_files(paths, options, on_file=(lambda p: progress(f"reading {p.name}")) if progress else None)
    counts = Counter(i.code.value for r in reports for i in r.issues)
    return ValidationResult(files=reports, issue_counts=dict(sorted(counts.items())))
