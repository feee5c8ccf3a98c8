"""Row issues made at the cost of a plain object: a reader finds tens of thousands of them in a large file
(duplicate items, placeholders, sections), and each passes values whose types are checked here."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from itertools import repeat
from typing import Any

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


_drain = deque[Any](maxlen=0).extend
_OPTIONAL_TEXT = frozenset({str, type(None)})


def row_issues(
    codes: Sequence[IssueCode],
    severity: Severity,
    file: str,
    messages: Sequence[str],
    *,
    sheet: str | None,
    rows: Sequence[int],
    columns: Sequence[str | None],
    values: Sequence[str | None],
) -> list[RowIssue]:
    """row_issue() of each (code, message, row, column, value), of one severity, file and sheet: a field at a
    time when every value is of its field's type (as row_issue builds one), each validated otherwise."""
    n = len(codes)
    if not (
        _PLAIN
        and len(messages) == len(rows) == len(columns) == len(values) == n
        and type(severity) is Severity
        and type(file) is str
        and (sheet is None or type(sheet) is str)
        and set(map(type, codes)) <= {IssueCode}
        and set(map(type, messages)) <= {str}
        and set(map(type, rows)) <= {int}
        and set(map(type, columns)) <= _OPTIONAL_TEXT
        and set(map(type, values)) <= _OPTIONAL_TEXT
    ):
        return [
            row_issue(code, severity, file, message, sheet=sheet, row=row, column=column, value=value)
            for code, message, row, column, value in zip(codes, messages, rows, columns, values, strict=True)
        ]
    fields = zip(codes, repeat(severity), repeat(file), repeat(sheet), rows, columns, values, messages)
    made = list(map(RowIssue.__new__, repeat(RowIssue, n)))
    _drain(map(_set, made, repeat("__dict__"), map(dict, map(zip, repeat(_ORDER), fields))))
    _drain(map(_set, made, repeat("__pydantic_fields_set__"), map(set, repeat(_FIELDS, n))))
    _drain(map(_set, made, repeat("__pydantic_extra__"), repeat(None, n)))
    _drain(map(_set, made, repeat("__pydantic_private__"), repeat(None, n)))
    return made
