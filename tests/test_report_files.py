"""CSV and Parquet written column by column hold the same cells as the row-by-row rule (csv_safe, one decimal)."""

from __future__ import annotations

import csv
import io
import math
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from quanze.config import load_config
from quanze.models import IssueCode, RowIssue, Severity
from quanze.pipeline import reconcile
from quanze.report.files import csv_safe, model_columns, table_columns, write_csv
from quanze.report.parquet import parquet_available, write_parquet
from quanze.results import GAP_COLUMNS, MATCH_COLUMNS

import fixtures

COLUMNS = ("a", "b", "c")


def reference_csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    """The CSV rule cell by cell: formula-like text gets an apostrophe, a float one decimal, a list joined by ;."""

    def cell(value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, float):
            value = f"{value:.1f}"
        elif isinstance(value, list):
            value = ";".join(map(str, value))
        return csv_safe(value)

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return buf.getvalue()


CELL = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(["=1+1", "+86", "-3", "@x", "\t=y", "\r", "", "正常"]),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.lists(st.text(max_size=4), max_size=3),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.dictionaries(st.sampled_from([*COLUMNS, "extra"]), CELL), max_size=12),
    st.sampled_from([COLUMNS, ("b",)]),
)
def test_csv_column_by_column_equals_the_cell_by_cell_rule(
    tmp_path_factory: pytest.TempPathFactory, rows: list[dict[str, Any]], columns: tuple[str, ...]
) -> None:
    path = tmp_path_factory.mktemp("csv") / "x.csv"
    write_csv(path, columns, rows)
    assert path.read_bytes().decode("utf-8-sig") == reference_csv(columns, rows)


def test_a_formula_deep_in_an_otherwise_plain_column_is_still_neutralised(tmp_path: Path) -> None:
    rows: list[dict[str, Any]] = [{"a": f"事项{i}", "b": i} for i in range(5000)]
    rows[4321]["a"] = "=HYPERLINK(1)"
    write_csv(tmp_path / "x.csv", ["a", "b"], rows)
    lines = (tmp_path / "x.csv").read_text("utf-8-sig").splitlines()
    assert lines[4322] == "'=HYPERLINK(1),4321" and lines[4321] == "事项4320,4320"


def test_columns_are_taken_from_rows_missing_keys_and_a_column_named_twice_is_refused() -> None:
    assert table_columns(["a", "b"], iter([{"a": 1}, {"b": 2, "z": 0}])) == {"a": [1, None], "b": [None, 2]}
    assert table_columns(["a"], []) == {"a": []}
    with pytest.raises(ValueError, match="named twice"):
        table_columns(["a", "a"], [{"a": 1}])


@pytest.mark.skipif(not parquet_available(), reason="pyarrow is optional")
def test_parquet_keeps_types_joins_lists_and_falls_back_to_text_for_mixed_columns(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    rows: list[dict[str, Any]] = [
        {"a": "甲", "b": 1.5, "c": ["x", 2]},
        {"a": None, "b": None, "c": None},
        {"b": 2.0, "c": ("y",)},
    ]
    write_parquet(tmp_path / "t.parquet", COLUMNS, rows)
    assert pq.read_table(tmp_path / "t.parquet").to_pylist() == [
        {"a": "甲", "b": 1.5, "c": "x;2"},
        {"a": None, "b": None, "c": None},
        {"a": None, "b": 2.0, "c": "y"},
    ]
    write_parquet(tmp_path / "m.parquet", ["a"], [{"a": 1}, {"a": "二"}])
    assert pq.read_table(tmp_path / "m.parquet").column("a").to_pylist() == ["1", "二"]


class Colour(StrEnum):
    RED = "红"


class Odd(BaseModel):
    colour: Colour | None
    day: date | None = None
    score: float | None = None
    tags: list[str] = []


def test_model_columns_are_the_json_dump_column_by_column(tmp_path: Path) -> None:
    result = reconcile(load_config(fixtures.scenario(tmp_path / "s")))
    issues = [
        RowIssue(
            code=code,
            severity=Severity.WARNING,
            file="清单.xlsx",
            row=n,
            value=None if n else "=x",
            message="m",
        )
        for n, code in enumerate(IssueCode)
    ]
    for rows, columns in (
        (result.matches, MATCH_COLUMNS),
        (result.gaps, GAP_COLUMNS),
        (issues, ("code", "severity", "file", "sheet", "row", "column", "value", "message")),
    ):
        assert rows
        dumped = [r.model_dump(mode="json") for r in rows]
        assert model_columns(rows, columns) == table_columns(columns, dumped)
    odd = [
        Odd(colour=Colour.RED, day=date(2026, 11, 29), score=math.inf, tags=["甲"]),
        Odd(colour=None, score=1.5),
    ]
    columns = ("colour", "day", "score", "tags")
    assert model_columns(odd, columns) == table_columns(columns, [o.model_dump(mode="json") for o in odd])
    assert model_columns(odd, columns)["day"] == ["2026-11-29", None]
