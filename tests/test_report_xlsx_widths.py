"""report.xlsx row heights: the fast width count agrees with the character-by-character definition."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from quanze.report.xlsx import (
    LINE_HEIGHT,
    MAX_ROW_HEIGHT,
    WRAP_FILL,
    Column,
    Sheet,
    _display_width,
    row_height,
    write_workbook,
)


def reference_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def reference_height(row: dict[str, str | None], columns: list[Column]) -> float | None:
    lines = 1
    for col in columns:
        value = row.get(col.key)
        if not col.wrap or value is None:
            continue
        per_line = max(int(max(col.width * WRAP_FILL, col.width - 2)), 1)
        lines = max(lines, sum(max(math.ceil(reference_width(p) / per_line), 1) for p in value.split("\n")))
    return None if lines == 1 else min((lines + 1) * LINE_HEIGHT, MAX_ROW_HEIGHT)  # one spare line


TEXT = st.text(
    alphabet=st.sampled_from(["a", "1", " ", "\n", "é", "—", "⺀", "权", "责", "（", "𠀀", "\u2e7f"]),
    max_size=80,
)


@given(TEXT)
def test_display_width_counts_wide_characters_twice(text: str) -> None:
    assert _display_width(text) == reference_width(text)


@given(st.lists(TEXT, min_size=3, max_size=3), st.sampled_from([4, 10, 14.5, 32]))
def test_row_height_is_the_measured_one_for_any_text(texts: list[str], width: float) -> None:
    columns = [Column("a", "甲", width, wrap=True), Column("b", "乙", 8, wrap=True), Column("c", "丙", 6)]
    row = dict(zip("abc", texts, strict=True))
    assert row_height(row, columns) == reference_height(row, columns)


def test_a_long_chinese_cell_gets_several_lines_and_a_short_one_none() -> None:
    columns = [Column("detail", "说明", 12, wrap=True)]
    assert row_height({"detail": "短"}, columns) is None
    # 60 units over 10 a line, and one spare line so the sixth is never cut off.
    assert row_height({"detail": "权" * 30}, columns) == 7 * LINE_HEIGHT


def test_control_characters_are_left_out_of_cells_and_other_text_kept(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    rows = [{"a": "燃气经营\x07许可证\x1b核发", "b": "换行\n与制表\t保留"}, {"a": "普通", "b": None}]
    write_workbook(path, [Sheet("表", (Column("a", "甲"), Column("b", "乙", wrap=True)), rows)])
    ws = load_workbook(path)["表"]
    assert [[c.value for c in r] for r in ws.iter_rows(min_row=2)] == [
        ["燃气经营许可证核发", "换行\n与制表\t保留"],
        ["普通", None],
    ]


@pytest.mark.parametrize("rows", [3, 40])
def test_a_small_workbook_is_zipped_from_memory_with_the_same_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: int
) -> None:
    """Up to IN_MEMORY_ROWS table rows the workbook's parts are never temporary files; the cells are the
    same as a workbook zipped from files."""
    import tempfile

    from quanze.report import xlsx

    made: list[str] = []
    mkstemp = tempfile.mkstemp

    def counted(*args: Any, **kwargs: Any) -> tuple[int, str]:
        fd, name = mkstemp(*args, **kwargs)
        made.append(name)
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", counted)
    columns = [Column("name", "名称", 20, wrap=True), Column("n", "数量", 8)]
    data = [{"name": f"事项{i}" * (i % 4 + 1), "n": i} for i in range(rows)]
    cells = {}
    for limit in (0, xlsx.IN_MEMORY_ROWS):
        monkeypatch.setattr(xlsx, "IN_MEMORY_ROWS", limit)
        made.clear()
        path = tmp_path / f"{limit}.xlsx"
        write_workbook(path, [Sheet("表一", columns, data, title="标题"), Sheet("表二", columns, data[:2])])
        beside_output = [n for n in made if Path(n).parent == tmp_path]  # write_atomic's own temporary file
        parts = len(made) - len(beside_output)
        cells[limit] = (
            [[c.value for c in r] for ws in load_workbook(path).worksheets for r in ws.iter_rows()],
            parts,
        )
    assert cells[0][0] == cells[xlsx.IN_MEMORY_ROWS][0]
    assert cells[xlsx.IN_MEMORY_ROWS][1] == 2  # the two sheets' row files only
    assert cells[0][1] > 10  # every XML part of the package, besides them
