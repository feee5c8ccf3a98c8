"""Row issues made cheaply are the same as validated ones; values of another type are still validated."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from quanze.ingest.issues import row_issue, row_issues
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


def _one_by_one(rows: list[Any], values: list[str | None]) -> list[RowIssue]:
    codes = [IssueCode.DUPLICATE_ITEM, IssueCode.DUPLICATE_CODE]
    columns = [None, "code"]
    return [
        row_issue(
            code, Severity.WARNING, "a.xlsx", f"m{k}", sheet="市监局", row=row, column=column, value=value
        )
        for k, (code, row, column, value) in enumerate(zip(codes, rows, columns, values, strict=True))
    ]


@pytest.mark.parametrize(
    ("rows", "values"),
    [([14, 15], ["取水许可", None]), (["14", 15], ["取水许可", "C1"])],  # a row as text: validated
)
def test_issues_made_a_column_at_a_time_equal_those_made_one_by_one(
    rows: list[Any], values: list[str | None]
) -> None:
    made = row_issues(
        [IssueCode.DUPLICATE_ITEM, IssueCode.DUPLICATE_CODE],
        Severity.WARNING,
        "a.xlsx",
        ["m0", "m1"],
        sheet="市监局",
        rows=rows,
        columns=[None, "code"],
        values=values,
    )
    expected = _one_by_one(rows, values)
    assert made == expected
    assert [i.row for i in made] == [14, 15]
    assert [list(i.__dict__.items()) for i in made] == [list(i.__dict__.items()) for i in expected]
    assert [i.model_fields_set for i in made] == [i.model_fields_set for i in expected]
    assert [i.model_dump_json() for i in made] == [i.model_dump_json() for i in expected]
