"""The input-format registry: one opener per format, chosen by content; complete, with a fixture each, and
documented in README › Input files."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from quanze.errors import UnreadableInputError
from quanze.ingest import read_file, sources
from quanze.ingest.formats import InputFormat, sniff
from quanze.ingest.options import IngestOptions
from quanze.ingest.sources import FORMATS, Opened

import fixtures

README = Path(__file__).parents[1] / "README.md"

# One fixture per format, each holding 燃气经营许可证核发 as its first item.
FIXTURE_OF: dict[InputFormat, Callable[[Path], Path]] = {
    InputFormat.XLSX: fixtures.plain,
    InputFormat.XLSX_STRICT: fixtures.strict_xlsx,
    InputFormat.XLS: fixtures.legacy_xls,
    InputFormat.CSV: fixtures.gbk_csv,
    InputFormat.HTML: fixtures.html_export,
    InputFormat.SPREADSHEET_ML: fixtures.spreadsheet_ml,
}

# A name that lies about the content: the format must come from the bytes.
MISLEADING = {InputFormat.XLSX: "list.xls", InputFormat.XLSX_STRICT: "list.xls", InputFormat.XLS: "list.xlsx"}


def test_every_format_has_one_opener() -> None:
    assert set(FORMATS) == set(InputFormat)
    assert all(key is f.key for key, f in FORMATS.items())


def test_every_format_has_a_fixture() -> None:
    assert set(FIXTURE_OF) == set(FORMATS)


@pytest.mark.parametrize("fmt", list(InputFormat))
def test_each_format_is_told_by_content_and_read_through_its_own_opener(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: InputFormat
) -> None:
    path = FIXTURE_OF[fmt](tmp_path / MISLEADING.get(fmt, "list.xlsx"))
    assert sniff(path) is fmt
    opened: list[InputFormat] = []
    for key, entry in FORMATS.items():

        def spy(p: Path, o: IngestOptions, key: InputFormat = key, real: sources.Format = entry) -> Opened:
            opened.append(key)
            return real.open(p, o)

        monkeypatch.setitem(FORMATS, key, replace(entry, open=spy))
    report = read_file(path)
    assert opened == [fmt]
    assert report.powers and report.powers[0].name == "燃气经营许可证核发"


def test_an_xls_under_an_xlsx_name_is_read_as_xls(tmp_path: Path) -> None:
    path = fixtures.legacy_xls(tmp_path / "list.xlsx")
    assert sniff(path) is InputFormat.XLS
    assert [p.name for p in read_file(path).powers] == ["燃气经营许可证核发", "建筑工程施工许可"]


def test_a_zip_that_is_an_ods_is_not_an_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(UnreadableInputError, match=r"OpenDocument spreadsheet \(\.ods\)"):
        read_file(path)


def _readme_formats() -> dict[str, tuple[str, str]]:
    text = README.read_text("utf-8")
    table = text.split("\n| Format | What it is | Told from the content by |\n", 1)[1].split("\n\n", 1)[0]
    rows = re.findall(r"^\| `([\w-]+)` \| (.+?) \| (.+?) \|$", table, re.M)
    return {key: (title, told_by) for key, title, told_by in rows}


def test_readme_documents_every_opener_and_only_those() -> None:
    assert _readme_formats() == {f.key.value: (f.title, f.told_by) for f in FORMATS.values()}
