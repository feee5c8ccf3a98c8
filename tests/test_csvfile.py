"""CSV decoding: encodings by BOM, strictly or guessed; stray quotes; line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from quanze.errors import UnreadableInputError
from quanze.ingest.csvfile import detect_encoding, open_csv
from quanze.models import IssueCode


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("事项名称\n燃气\n".encode(), "utf-8"),
        ("\ufeff事项名称\n".encode(), "utf-8-sig"),
        ("事项名称\n燃气\n".encode("gbk"), "gb18030"),
        ("事项名称\t序号\r\n".encode("utf-16"), "utf-16"),
        ("事项名称\t序号\r\n".encode("utf-16-le"), "utf-16-le"),
    ],
)
def test_detect_encoding(tmp_path: Path, data: bytes, expected: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    assert detect_encoding(path) == (expected, [])


def test_unknown_declared_encoding(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a\n", encoding="utf-8")
    with pytest.raises(UnreadableInputError, match="unknown encoding"):
        detect_encoding(path, "klingon")


def test_stray_quote_on_the_last_line_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text('序号,事项名称\n1,燃气\n2,"食品,许可\n3,药品,零售\n', encoding="utf-8")
    text = open_csv(path)
    rows = list(text.rows)
    assert rows == [["序号", "事项名称"], ["1", "燃气"], ["2", "食品", "许可"], ["3", "药品", "零售"]]
    (note,) = text.notes
    assert note.code is IssueCode.UNBALANCED_QUOTE and note.row == 3 and "line 3" in note.message
