"""CSV and tab-separated text for ingest: the encoding told by BOM, strict decoding or a guess, and rows
read with their physical line numbers, so a stray quote or a mixed-encoding line is reported where it is."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from quanze.errors import UnreadableInputError
from quanze.models import IssueCode, Severity

# A cell may be long (Excel keeps 32,767 characters; ingest reports longer ones): the csv module's
# default limit of 131,072 would stop the whole file at one such cell.
FIELD_LIMIT = 64 << 20
_SAMPLE = 1 << 16
_UTF8_CJK = re.compile(rb"[\xe3-\xe9][\x80-\xbf][\x80-\xbf]")
_HINT = "save the CSV as UTF-8 (Excel: Save As › CSV UTF-8), or pass --encoding with the file's real encoding"


@dataclass(slots=True)
class CsvNote:
    """Something found while decoding or splitting the text, with the record (row) and line it is on."""

    code: IssueCode
    severity: Severity
    message: str
    row: int | None = None
    value: str | None = None


@dataclass(slots=True)
class CsvText:
    """A decoded CSV: its encoding as reported, its records (lists of cells) and what was found on the way."""

    encoding: str
    rows: Iterator[list[Any]]
    notes: list[CsvNote] = field(default_factory=list)


def _line_of(path: Path, offset: int) -> int:
    with path.open("rb") as fh:
        return fh.read(offset).count(b"\n") + 1


def _decodes(path: Path, encoding: str) -> tuple[bool, int]:
    """Whether the whole file decodes strictly, and else the byte offset of the first bad byte."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    done = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return False, done + max(exc.start, 0)
            done += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False, done
    return True, done


def _utf16_without_bom(head: bytes) -> str | None:
    # Tabs, digits and line ends are ASCII: in UTF-16 every one of them brings a zero byte on one side.
    even, odd = head[0:4000:2], head[1:4000:2]
    if len(head) < 4:
        return None
    if odd.count(0) >= max(2, len(odd) // 10) and even.count(0) <= len(even) // 50:
        return "utf-16-le"
    if even.count(0) >= max(2, len(even) // 10) and odd.count(0) <= len(odd) // 50:
        return "utf-16-be"
    return None


def detect_encoding(path: Path, declared: str | None = None) -> tuple[str, list[CsvNote]]:
    """The text encoding of a CSV: declared, by BOM, strict UTF-8, strict GB18030, per line when a file mixes
    the two, else charset-normalizer's guess (reported). Refuses binary data and undecodable text."""
    with path.open("rb") as fh:
        head = fh.read(_SAMPLE)
    if declared:
        try:
            codecs.lookup(declared)
        except LookupError as exc:
            raise UnreadableInputError(
                f"unknown encoding {declared!r}", hint="use utf-8, gbk, gb18030 or utf-16"
            ) from exc
        ok, offset = _decodes(path, declared)
        if not ok:
            raise UnreadableInputError(
                f"{path}: line {_line_of(path, offset)} is not valid {declared}",
                hint="leave out --encoding to let quanze detect it, or give the file's real encoding",
            )
        return declared, []
    if not head.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n"):
        raise UnreadableInputError(
            f"{path}: the file holds no text (only a byte-order mark or blank lines)",
            hint="export the list again",
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif head.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        encoding = _utf16_without_bom(head) or ""
    if encoding:
        ok, offset = _decodes(path, encoding)
        if not ok:
            raise UnreadableInputError(
                f"{path}: line {_line_of(path, offset)} is not valid {encoding} (the file starts as {encoding})",
                hint=_HINT,
            )
        return encoding, []
    if head.count(0) > 1 + len(head) // 100 or b"\x00" in head[:16]:
        raise UnreadableInputError(
            f"{path}: binary data, not a spreadsheet or CSV",
            hint="give an .xlsx, .xls or .csv export of the list",
        )
    utf8_ok, utf8_offset = _decodes(path, "utf-8")
    if utf8_ok:
        return "utf-8", []
    if _decodes(path, "gb18030")[0]:
        utf8_lines = _utf8_lines(path)
        if utf8_lines:
            where = ", ".join(map(str, utf8_lines[:10])) + (" …" if len(utf8_lines) > 10 else "")
            return "mixed utf-8/gb18030", [
                CsvNote(
                    IssueCode.MIXED_ENCODING,
                    Severity.WARNING,
                    f"the file mixes GBK and UTF-8 lines ({len(utf8_lines)} UTF-8 line(s): {where}); each line "
                    "was decoded on its own. Save the whole file once as UTF-8",
                    value=where,
                )
            ]
        return "gb18030", []
    kinds = _line_kinds(path)
    if kinds is not None and all(kinds):
        utf8, gbk = kinds
        # Name the lines of the export that came second (the file was first saved in the other encoding).
        label, lines = ("GBK", gbk) if utf8[0] < gbk[0] else ("UTF-8", utf8)
        where = ", ".join(map(str, lines[:10])) + (" …" if len(lines) > 10 else "")
        return "mixed utf-8/gb18030", [
            CsvNote(
                IssueCode.MIXED_ENCODING,
                Severity.WARNING,
                f"the file mixes UTF-8 and GBK lines ({len(lines)} {label} line(s): {where}); each line "
                "was decoded on its own. Save the whole file once as UTF-8",
                value=where,
            )
        ]
    guess = _guess(path)
    if guess is not None:
        return guess, [
            CsvNote(
                IssueCode.GUESSED_ENCODING,
                Severity.WARNING,
                f"the text is neither UTF-8 nor GBK; read as {guess}, a guess. Check the names, "
                f"or pass --encoding {guess} to confirm it",
                value=guess,
            )
        ]
    raise UnreadableInputError(
        f"{path}: the text is not valid utf-8 or gb18030 (first bad byte on line {_line_of(path, utf8_offset)})",
        hint=_HINT,
    )


def _utf8_lines(path: Path) -> list[int]:
    """Lines that are UTF-8 Chinese in a file that as a whole is not UTF-8 (so: a file mixing two)."""
    found: list[int] = []
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            if _UTF8_CJK.search(line):
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError:
                    continue
                found.append(number)
    return found


# What a GBK line of a list decodes to: ASCII, Chinese characters and their punctuation (text in any other
# encoding read as GBK gives other characters, or fails).
_GBK_TEXT = re.compile(r"^[\x00-\x7f\u00b7\u2010-\u206f\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]*$")


def _line_kinds(path: Path) -> tuple[list[int], list[int]] | None:
    """The lines of UTF-8 Chinese and the lines of GBK Chinese of a file that as a whole is neither (two
    exports joined, in either order); None when a line is neither, or reads as GBK only as odd characters."""
    utf8: list[int] = []
    gbk: list[int] = []
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                if _UTF8_CJK.search(line):
                    utf8.append(number)
                continue
            try:
                text = line.decode("gb18030")
            except UnicodeDecodeError:
                return None
            if not _GBK_TEXT.match(text):
                return None
            gbk.append(number)
    return utf8, gbk


def _guess(path: Path) -> str | None:
    from charset_normalizer import from_bytes

    with path.open("rb") as fh:
        sample = fh.read(1 << 20)
    best = from_bytes(sample).best()
    if best is None:
        return None
    encoding = codecs.lookup(best.encoding).name
    return encoding if _decodes(path, encoding)[0] else None


def _mixed_lines(path: Path) -> Iterator[str]:
    with path.open("rb") as fh:
        for raw in fh:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("gb18030")
            # Old Mac files end lines with CR alone: split them as the csv module would.
            yield from (p for p in re.split(r"(?<=\r)(?!\n)", text) if p)


def _text_lines(path: Path, encoding: str) -> Iterator[str]:
    if encoding.startswith("mixed"):
        yield from _mixed_lines(path)
        return
    with path.open("rb") as raw:
        text: IO[str] = io.TextIOWrapper(raw, encoding=encoding, newline="")
        first = True
        for line in text:
            if first and line.startswith("\ufeff"):
                line = line[1:]
            first = False
            yield line


def open_csv(path: Path, declared: str | None = None) -> CsvText:
    """The records of a CSV, read lazily; notes (encoding, stray quotes) fill in as the rows are read."""
    encoding, notes = detect_encoding(path, declared)
    sample = "".join(_take(_text_lines(path, encoding), _SAMPLE))
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel_tab if sample.count("\t") > sample.count(",") else csv.excel
    result = CsvText(encoding=encoding, rows=iter(()), notes=notes)
    result.rows = _records(path, encoding, dialect, result.notes)
    return result


def _take(lines: Iterator[str], size: int) -> Iterator[str]:
    total = 0
    for line in lines:
        yield line
        total += len(line)
        if total >= size:
            return


class _Tape:
    """The physical lines the csv reader consumed for the current record."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.held: list[str] = []
        self.number = 0

    def __iter__(self) -> Iterator[str]:
        for line in self.lines:
            self.number += 1
            self.held.append(line)
            yield line


def _records(path: Path, encoding: str, dialect: Any, notes: list[CsvNote]) -> Iterator[list[Any]]:
    csv.field_size_limit(FIELD_LIMIT)
    tape = _Tape(_text_lines(path, encoding))
    reader = csv.reader(tape, dialect)
    width = 0
    row = 0
    while True:
        start = tape.number + 1
        tape.held = []
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UnreadableInputError(
                f"{path}: line {tape.number} cannot be split into cells ({exc})",
                hint="open the file in Excel and save it again as CSV UTF-8",
            ) from exc
        lines = list(tape.held)
        if not width and any(record):
            width = len(record)
        if len(lines) > 1 and _glued(record, lines, dialect.delimiter, width):
            notes.append(
                CsvNote(
                    IssueCode.UNBALANCED_QUOTE,
                    Severity.WARNING,
                    f"a quote opened on line {start} is not closed before line {start + len(lines) - 1}, "
                    f"which glued {len(lines)} lines into one row; each line was read as its own row. "
                    'Check the quotes (") on that line in the source',
                    row=row + 1,
                    value=lines[0].rstrip("\r\n")[:120],
                )
            )
            for line in lines:
                row += 1
                cells = next(csv.reader([line.rstrip("\r\n")], dialect, quoting=csv.QUOTE_NONE), [])
                yield [c.strip('"') for c in cells]
            continue
        row += 1
        yield record


def _glued(record: list[str], lines: list[str], delimiter: str, width: int) -> bool:
    """Whether a record spanning several lines is rows glued by a stray quote, not a cell with line breaks:
    a cell holds a line that, split at the delimiter, is as wide as a row."""
    need = max(2, width - 1)
    for cell in record:
        if "\n" not in cell and "\r" not in cell:
            continue
        inner = re.split(r"\r\n|\r|\n", cell)[1:]
        if any(len(line.split(delimiter)) >= need for line in inner if line):
            return True
    return False
