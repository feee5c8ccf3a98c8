"""Atomic file writing, output folders and text made safe against spreadsheet formula injection."""

from __future__ import annotations

import csv
import io
import json
import math
import operator
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from quanze.errors import OutputError

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_UMASK = os.umask(0o022)
os.umask(_UMASK)


_UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')


def file_names(names: Iterable[str]) -> dict[str, str]:
    """A file or folder name for each name: characters no file system takes replaced, and unique.

    Two names that clean to the same text (A/B and A_B; 东城县 and 东城县 with a space) or differ only in case
    (which Windows and macOS do not tell apart) get _2, _3 … so that no file overwrites another.
    """
    out: dict[str, str] = {}
    seen: set[str] = set()
    for name in names:
        if name in out:
            continue
        base = _UNSAFE_IN_FILE_NAMES.sub("_", name).strip("._") or "unit"
        safe, n = base, 2
        while safe.casefold() in seen:
            safe, n = f"{base}_{n}", n + 1
        seen.add(safe.casefold())
        out[name] = safe
    return out


def is_formula_like(text: str) -> bool:
    return text.startswith(_FORMULA_START)


def csv_safe(value: Any) -> Any:
    """A cell for CSV: text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file in the same folder, then rename: never a half-written output."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        os.chmod(tmp_path, 0o666 & ~_UMASK)  # mkstemp makes 0600; reports are ordinary files
        write(tmp_path)
        with tmp_path.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp_path, path)
    except OSError as exc:
        tmp_path.unlink(missing_ok=True)
        raise OutputError(
            f"{path}: cannot write ({exc.strerror or exc})", hint="check space and permissions"
        ) from exc
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding=encoding, newline="\n")

    write_atomic(path, write)


def write_json(path: Path, data: Any) -> None:
    write_text(path, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n")


# quanze's own location separator (file › sheet › row) is not in GBK; its full-width cousin is.
_GBK_SEPARATORS = str.maketrans({"›": "＞"})


def write_csv(
    path: Path, columns: Sequence[str], rows: Iterable[dict[str, Any]], *, encoding: str = "utf-8-sig"
) -> None:
    """CSV with a header row, UTF-8 with a BOM unless asked otherwise; formula-like text is neutralised.

    A character the chosen encoding cannot hold (GBK lacks many rare characters in names) is an error
    naming the line, never a silent question mark.
    """
    write_csv_columns(path, table_columns(columns, rows), encoding=encoding)


def table_columns(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> dict[str, list[Any]]:
    """The rows' values column by column (None where a row lacks the key), for CSV and Parquet alike."""
    if len(set(columns)) != len(columns):
        raise ValueError(f"a column is named twice in {columns}")
    rows = rows if isinstance(rows, list) else list(rows)
    if not rows:
        return {c: [] for c in columns}
    if len(columns) == 1:
        key = columns[0]
        return {key: [row.get(key) for row in rows]}
    try:  # looked up and turned column-wise in C: a province writes millions of cells
        return dict(
            zip(columns, map(list, zip(*map(operator.itemgetter(*columns), rows), strict=True)), strict=True)
        )
    except KeyError:
        return {c: [row.get(c) for row in rows] for c in columns}


_JSON_NATIVE = frozenset({type(None), str, int, bool})
_JSON_NUMBER = _JSON_NATIVE | {float}


def model_columns(models: Sequence[BaseModel], columns: Sequence[str]) -> dict[str, list[Any]]:
    """The models' fields column by column, as model_dump(mode="json") gives them, without a dict per row.

    Enums become their values; a column holding any other kind of value (a date, a float that is not
    finite, a nested model) is taken from model_dump itself, so the values are always the dump's.
    """
    table: dict[str, list[Any]] = {}
    for column in columns:
        values = list(map(operator.attrgetter(column), models))
        if any(issubclass(kind, Enum) for kind in set(map(type, values))):
            values = [v.value if isinstance(v, Enum) else v for v in values]
        kinds = set(map(type, values))
        if not (
            kinds <= _JSON_NATIVE or (kinds <= _JSON_NUMBER and all(map(math.isfinite, _floats(values))))
        ):
            values = [m.model_dump(mode="json", include={column})[column] for m in models]
        table[column] = values
    return table


def _floats(values: list[Any]) -> Iterable[float]:
    return (v for v in values if v.__class__ is float)


def write_csv_columns(path: Path, table: dict[str, list[Any]], *, encoding: str = "utf-8-sig") -> None:
    """write_csv for a table already turned column-wise (table_columns)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(table)
    writer.writerows(zip(*map(_csv_column, table.values()), strict=True))
    text = buf.getvalue()
    if encoding == "gbk":
        text = text.translate(_GBK_SEPARATORS)
    try:
        data = text.encode(encoding)  # encoded once, and those bytes are what is written
    except UnicodeEncodeError as exc:
        line = text.count("\n", 0, exc.start) + 1
        raise OutputError(
            f"{path.name}: line {line} holds {text[exc.start : exc.end]!r}, which {encoding} cannot write",
            hint="use --csv-encoding gb18030 or utf-8-sig",
        ) from None

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    write_atomic(path, write)


_PLAIN = frozenset({type(None), int})
_TEXT = frozenset({type(None), str})
_STARTS_FORMULA = operator.methodcaller("startswith", _FORMULA_START)


def _csv_column(values: list[Any]) -> list[Any]:
    """A column's cells for csv.writer, as _csv_cell makes them; a column with nothing to change is kept."""
    kinds = set(map(type, values))
    if kinds <= _PLAIN:
        return values  # csv.writer writes None as an empty cell and a whole number as it is
    if kinds <= _TEXT and not any(map(_STARTS_FORMULA, filter(None, values))):
        return values
    plain = str
    return [v if v.__class__ is plain and not v.startswith(_FORMULA_START) else _csv_cell(v) for v in values]


def _csv_cell(value: Any) -> Any:
    """A value as CSV text, formula-like text neutralised (csv_safe), in one step: a province writes millions."""
    if value is None:
        return ""
    if isinstance(value, str):
        pass
    elif isinstance(value, float):
        value = f"{value:.1f}"
    elif isinstance(value, (list, tuple)):
        value = ";".join(str(v) for v in value)
    else:
        return value
    return "'" + value if value.startswith(_FORMULA_START) else value


def prepare_out_dir(path: Path, *, force: bool) -> Path:
    """An output folder that may be written: new or empty, or any folder when force is given."""
    if path.exists() and not path.is_dir():
        raise OutputError(f"{path} exists and is not a folder", hint="choose another --out")
    if path.exists() and any(path.iterdir()) and not force:
        raise OutputError(
            f"{path} already holds files; quanze does not overwrite reports unless asked",
            hint="pass --force to replace them, or choose another --out",
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create the folder ({exc.strerror})") from exc
    return path


def write_new_text(path: Path, text: str, *, force: bool) -> None:
    """Write a file that should not replace one already there unless asked."""
    if path.exists() and not force:
        raise OutputError(f"{path} already exists", hint="pass --force to replace it")
    write_text(path, text)


def run_beside(background: Callable[[], None], foreground: Callable[[], None], *, parallel: bool) -> None:
    """Run two independent writers, the first in a forked process when `parallel` and fork is available.

    Forking shares the data already in memory (nothing is pickled); an error in the child is raised here
    as an OutputError, so a failed report never passes silently.
    """
    import multiprocessing

    if not parallel or "fork" not in multiprocessing.get_all_start_methods():
        background()
        foreground()
        return
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)

    def child() -> None:
        try:
            background()
            sender.send(None)
        except BaseException as exc:  # reported to the parent, which raises it
            sender.send(f"{type(exc).__name__}: {exc}")

    process = ctx.Process(target=child)
    process.start()
    try:
        foreground()
    finally:
        problem = receiver.recv() if process.is_alive() or receiver.poll() else "the writer process died"
        process.join()
    if problem is not None:
        raise OutputError(f"writing a report failed ({problem})", hint="check space and permissions")
