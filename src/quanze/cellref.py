"""Excel column letters and numbers (A = 1 … XFD = 16384), without importing openpyxl on the fast path."""

from __future__ import annotations

from functools import lru_cache

MAX_COLUMN = 16384  # XFD


@lru_cache(maxsize=1024)
def column_letter(number: int) -> str:
    """The letters of a 1-based column number: 1 → A, 27 → AA, 16384 → XFD."""
    if not 1 <= number <= MAX_COLUMN:
        raise ValueError(f"invalid column index {number}")
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str) -> int:
    """The 1-based number of a column's letters (either case): A → 1, XFD → 16384."""
    if not 1 <= len(letters) <= 3 or not letters.isascii() or not letters.isalpha():
        raise ValueError(f"{letters} is not a valid column name")
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    if number > MAX_COLUMN:
        raise ValueError(f"{letters} is not a valid column name")
    return number
