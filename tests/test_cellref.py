"""Column letters agree with openpyxl's over the whole sheet width."""

from __future__ import annotations

import pytest
from openpyxl.utils import column_index_from_string, get_column_letter

from quanze.cellref import MAX_COLUMN, column_letter, column_number


def test_letters_and_numbers_agree_with_openpyxl_for_every_column() -> None:
    for n in range(1, MAX_COLUMN + 1):
        letters = column_letter(n)
        assert letters == get_column_letter(n)
        assert column_number(letters) == n == column_index_from_string(letters)
        assert column_number(letters.lower()) == n


@pytest.mark.parametrize("bad", ["", "A1", "XFE", "ABCD", "甲", "1"])
def test_bad_column_letters_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        column_number(bad)


@pytest.mark.parametrize("bad", [0, -1, MAX_COLUMN + 1])
def test_bad_column_numbers_are_refused(bad: int) -> None:
    with pytest.raises(ValueError):
        column_letter(bad)
