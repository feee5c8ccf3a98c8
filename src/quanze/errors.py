"""One error hierarchy; each class carries the exit code the CLI returns for it."""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quanze.models import RowIssue


class ExitCode(IntEnum):
    """Documented process exit codes (README › Exit codes)."""

    OK = 0
    FINDINGS = 1  # invalid rows, gaps or exceeded thresholds found
    USAGE = 2  # wrong command-line usage
    UNREADABLE_INPUT = 3  # an input file cannot be read at all
    BAD_CONFIG = 4  # config file, decisions file or option values are wrong
    OUTPUT_ERROR = 5  # an output cannot be written (exists, permission, disk)
    INTERNAL = 70  # a bug in quanze: please report it with --debug output
    INTERRUPTED = 130  # Ctrl-C or SIGTERM: nothing half written is left behind


class QuanzeError(Exception):
    """Base of every error a user can cause; the message says where and how to fix it."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __reduce__(self) -> tuple[object, ...]:
        # Keep the hint when the error crosses a process boundary (parallel reading).
        return (_rebuild, (type(self), self.message, self.hint))

    def __str__(self) -> str:
        return self.message if self.hint is None else f"{self.message}\n  fix: {self.hint}"


class UsageError(QuanzeError):
    exit_code = ExitCode.USAGE


class UnreadableInputError(QuanzeError):
    """The file cannot be opened or parsed as a table at all."""

    exit_code = ExitCode.UNREADABLE_INPUT


class ConfigError(QuanzeError):
    exit_code = ExitCode.BAD_CONFIG


class OutputError(QuanzeError):
    exit_code = ExitCode.OUTPUT_ERROR


def exit_code_for(
    issues: Iterable[RowIssue] = (), *, failed: bool = False, findings: bool = True
) -> ExitCode:
    """The one rule from a result to its exit code; every result's `exit_code` asks here.

    An input that could not be read at all is 3; a failed check, or a row issue that is an error or a
    warning, is 1 (with `findings=False`, as for `inspect`, they do not count); anything else is 0.
    Errors that stop a run carry their own code (the classes above).
    """
    from quanze.models import IssueCode, Severity

    shown = list(issues)
    if any(i.code is IssueCode.UNREADABLE_FILE for i in shown):
        return ExitCode.UNREADABLE_INPUT
    if findings and (failed or any(i.severity in (Severity.ERROR, Severity.WARNING) for i in shown)):
        return ExitCode.FINDINGS
    return ExitCode.OK


def _rebuild(cls: type[QuanzeError], message: str, hint: str | None) -> QuanzeError:
    return cls(message, hint=hint)
