"""Row issues made cheaply are the same as validated ones; values of another type are still validated."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from quanze.ingest.issues import row_issue
from quanze.models import IssueCode, RowIssue, Severity


def test_a_cheap_issue_equals_a_validated_one() -> None:
    args = dict(sheet="市监局", row=14, column="C 事项类型", value="许可类")
    cheap = row_issue(IssueCode.UNKNOWN_CATEGORY, Severity.WARNING, "a.xlsx", "unknown", **args)  # type: ignore[arg-type]
    full = RowIssue(
        code=IssueCode.UNKNOWN_CATEGORY, severity=Severity.WARNING, file="a.xlsx", message="unknown", **args
    )
    assert cheap == full
    assert cheap.model_dump_json() == full.model_dump_json()
    assert cheap.model_fields_set == full.model_fields_set
    with pytest.raises(ValidationError):
        cheap.row = 3  # frozen, as a validated one


def test_other_types_are_validated() -> None:
    issue = row_issue(IssueCode.FOOTNOTE_ROW, Severity.INFO, "a.xlsx", "m", row="7")  # type: ignore[arg-type]
    assert issue.row == 7
    with pytest.raises(ValidationError):
        row_issue(IssueCode.FOOTNOTE_ROW, Severity.INFO, "a.xlsx", "m", row="seven")  # type: ignore[arg-type]
