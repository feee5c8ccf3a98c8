"""Results as pandas DataFrames, for analysts in notebooks; pandas is optional (`pip install quanze[pandas]`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from quanze.errors import UsageError

if TYPE_CHECKING:
    import pandas


def frame(rows: Sequence[BaseModel], columns: Sequence[str] | None = None) -> pandas.DataFrame:
    """One DataFrame from model rows: one column per field (enums as their values), in field order."""
    try:
        import pandas
    except ImportError as exc:  # the CLI never needs pandas; a notebook user is told how to get it
        raise UsageError(
            "pandas is not installed", hint="pip install 'quanze[pandas]' (or pip install pandas)"
        ) from exc
    records: list[dict[str, Any]] = [r.model_dump(mode="json") for r in rows]
    if columns is None and rows:
        columns = list(type(rows[0]).model_fields)
    return pandas.DataFrame.from_records(records, columns=list(columns) if columns is not None else None)


def frames(tables: Mapping[str, Sequence[BaseModel]]) -> dict[str, pandas.DataFrame]:
    return {name: frame(rows) for name, rows in tables.items()}
