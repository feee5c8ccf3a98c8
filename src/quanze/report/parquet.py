"""Parquet copies of the full tables beside the CSVs, when the optional pyarrow is installed (quanze[parquet])."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from quanze.report.files import write_atomic


def parquet_available() -> bool:
    """Whether pyarrow can be imported; it is optional and only loaded when a Parquet file is written."""
    return importlib.util.find_spec("pyarrow") is not None


def _column(values: list[Any]) -> Any:
    import pyarrow as pa

    if any(isinstance(v, (list, tuple)) for v in values):
        values = [
            None if v is None else ";".join(map(str, v)) if isinstance(v, (list, tuple)) else v
            for v in values
        ]
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # a column of mixed kinds: keep every value, as text
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def write_parquet(path: Path, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
    """One table, the same columns as its CSV, values with their types (numbers stay numbers)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    data: dict[str, list[Any]] = {c: [] for c in columns}
    for row in rows:
        for c in columns:
            data[c].append(row.get(c))
    table = pa.table({c: _column(values) for c, values in data.items()})

    def write(tmp: Path) -> None:
        pq.write_table(table, str(tmp))

    write_atomic(path, write)
