"""Parquet copies of the full tables beside the CSVs, when the optional pyarrow is installed (quanze[parquet])."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from importlib.machinery import ModuleSpec
from pathlib import Path
from typing import Any

from quanze.report.files import table_columns, write_atomic


def parquet_available() -> bool:
    """Whether pyarrow can be imported; it is optional and only loaded when a Parquet file is written."""
    return importlib.util.find_spec("pyarrow") is not None


class _PandasAbsent:
    """An import finder that answers every import of pandas with ImportError (see `pandas_unseen`)."""

    @staticmethod
    def find_spec(name: str, path: object = None, target: object = None) -> ModuleSpec | None:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("pandas is not loaded by quanze's Parquet writer")
        return None


@contextmanager
def pandas_unseen() -> Iterator[None]:
    """pyarrow, converting its first list, imports pandas (when installed) to ask whether the list is one
    of pandas' objects: a quarter to half a second, more than a province's three Parquet files take. In this
    block pyarrow finds pandas absent and converts the lists as it does without pandas (the same files).

    pyarrow remembers the answer for the rest of the process, so this is only for a process that ends when
    its files are written (the forked report writer), never the caller's. Where pandas is already imported,
    nothing is hidden.
    """
    if "pandas" in sys.modules:
        yield
        return
    sys.meta_path.insert(0, _PandasAbsent)
    try:
        yield
    finally:
        sys.meta_path.remove(_PandasAbsent)


def _column(values: list[Any]) -> Any:
    import pyarrow as pa

    if any(issubclass(kind, (list, tuple)) for kind in set(map(type, values))):
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
    write_parquet_columns(path, table_columns(columns, rows))


def write_parquet_columns(path: Path, data: dict[str, list[Any]]) -> None:
    """write_parquet for a table already turned column-wise (table_columns), as the CSV beside it is."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({c: _column(values) for c, values in data.items()})

    def write(tmp: Path) -> None:
        pq.write_table(table, str(tmp))

    write_atomic(path, write)
