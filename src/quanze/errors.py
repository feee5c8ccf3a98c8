"""One error hierarchy; each class carries the exit code the CLI returns for it."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Documented process exit codes (README › Exit codes)."""

    OK = 0
    FINDINGS = 1  # invalid rows, gaps or exceeded thresholds found
    USAGE = 2  # wrong command-line usage
    UNREADABLE_INPUT = 3  # an input file cannot be read at all
    BAD_CONFIG = 4  # config file, decisions file or option values are wrong
    OUTPUT_ERROR = 5  # an output cannot be written (exists, permission, disk)
    INTERNAL = 70  # a bug in quanze: please report it with --debug output


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


def _rebuild(cls: type[QuanzeError], message: str, hint: str | None) -> QuanzeError:
    return cls(message, hint=hint)
