"""Exit codes: one rule from a result's issues to its code, and every code documented in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quanze.errors import ExitCode, exit_code_for
from quanze.models import IssueCode, RowIssue, Severity

README = Path(__file__).resolve().parents[1] / "README.md"


def issue(code: IssueCode, severity: Severity) -> RowIssue:
    return RowIssue(code=code, severity=severity, file="清单.xlsx", message="…")


def test_every_exit_code_is_in_the_readme_table() -> None:
    section = README.read_text("utf-8").split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    documented = {int(m) for m in re.findall(r"^\| (\d+) \|", section, flags=re.M)}
    assert documented == {int(c) for c in ExitCode}


@pytest.mark.parametrize(
    ("issues", "failed", "findings", "expected"),
    [
        ([], False, True, ExitCode.OK),
        ([issue(IssueCode.PLACEHOLDER_VALUE, Severity.INFO)], False, True, ExitCode.OK),
        ([issue(IssueCode.MISSING_REQUIRED, Severity.WARNING)], False, True, ExitCode.FINDINGS),
        ([issue(IssueCode.MISSING_REQUIRED, Severity.ERROR)], False, True, ExitCode.FINDINGS),
        ([], True, True, ExitCode.FINDINGS),
        ([issue(IssueCode.MISSING_REQUIRED, Severity.ERROR)], False, False, ExitCode.OK),
        ([issue(IssueCode.UNREADABLE_FILE, Severity.ERROR)], False, True, ExitCode.UNREADABLE_INPUT),
        ([issue(IssueCode.UNREADABLE_FILE, Severity.ERROR)], False, False, ExitCode.UNREADABLE_INPUT),
    ],
)
def test_one_rule_from_issues_to_the_exit_code(
    issues: list[RowIssue], failed: bool, findings: bool, expected: ExitCode
) -> None:
    assert exit_code_for(issues, failed=failed, findings=findings) is expected


def test_only_the_rule_derives_findings_codes() -> None:
    """Exit codes in one place: no module but errors.py picks OK, FINDINGS or UNREADABLE_INPUT itself."""
    src = Path(__file__).resolve().parents[1] / "src" / "quanze"
    pattern = re.compile(r"ExitCode\.(OK|FINDINGS|UNREADABLE_INPUT)\b|typer\.Exit\(\d")
    offenders = [
        f"{path.relative_to(src)}:{n}"
        for path in src.rglob("*.py")
        if path.name != "errors.py"
        for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == []
