"""Row issues made at the cost of a plain object: a reader finds tens of thousands of them in a large file
(duplicate items, placeholders, sections), and each passes values whose types are checked here."""

from __future__ import annotations

from quanze.models import IssueCode, RowIssue, Severity

_FIELDS = frozenset(RowIssue.model_fields)
_ORDER = ["code", "severity", "file", "sheet", "row", "column", "value", "message"]
_PLAIN = (
    list(RowIssue.model_fields) == _ORDER
    and not RowIssue.__pydantic_post_init__
    and all(
        f.alias is None and f.validation_alias is None and f.default_factory is None
        for f in RowIssue.model_fields.values()
    )
)
_set = object.__setattr__


def row_issue(
    code: IssueCode,
    severity: Severity,
    file: str,
    message: str,
    *,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
    value: str | None = None,
) -> RowIssue:
    """RowIssue(code=…, …, every field given), built as pydantic's model_construct builds it when each value
    is of its field's type (what a reader passes); validated as usual otherwise."""
    if (
        _PLAIN
        and type(code) is IssueCode
        and type(severity) is Severity
        and type(file) is str
        and type(message) is str
        and (sheet is None or type(sheet) is str)
        and (row is None or type(row) is int)
        and (column is None or type(column) is str)
        and (value is None or type(value) is str)
    ):
        issue = RowIssue.__new__(RowIssue)
        _set(
            issue,
            "__dict__",
            {
                "code": code,
                "severity": severity,
                "file": file,
                "sheet": sheet,
                "row": row,
                "column": column,
                "value": value,
                "message": message,
            },
        )
        _set(issue, "__pydantic_fields_set__", set(_FIELDS))
        _set(issue, "__pydantic_extra__", None)
        _set(issue, "__pydantic_private__", None)
        return issue
    return RowIssue(
        code=code,
        severity=severity,
        file=file,
        sheet=sheet,
        row=row,
        column=column,
        value=value,
        message=message,
    )
