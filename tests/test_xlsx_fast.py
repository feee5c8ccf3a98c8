"""The fast .xlsx reader: the same records as the streaming parser, and never handed a hostile file."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from quanze.errors import UnreadableInputError
from quanze.ingest import read_file
from quanze.ingest import xlsx as ingest_xlsx
from quanze.ingest.xlsx_fast import read_fast, scan_sheet
from quanze.models import FileReport

import fixtures
import real_quirks

BUILDERS: list[Callable[[Path], Path]] = [
    fixtures.plain,
    fixtures.title_rows,
    fixtures.merged_header,
    fixtures.merged_department,
    fixtures.section_rows,
    fixtures.sub_items,
    fixtures.two_seq_columns,
    fixtures.ditto_cells,
    fixtures.footnote_rows,
    fixtures.line_breaks,
    fixtures.unknown_category,
    fixtures.missing_name,
    fixtures.sheet_per_department,
    fixtures.duplicate_codes,
    fixtures.service_catalogue,
    fixtures.city_list,
    fixtures.catalogue,
    fixtures.name_merged_over_sub_item_column,
    fixtures.english_line_in_header_cells,
    fixtures.english_header_row,
    real_quirks.merged_item_rows,
    real_quirks.organ_and_office,
    real_quirks.office_only_with_title,
    real_quirks.level_sheets,
    real_quirks.platform_export_xiangmu,
    real_quirks.field_name_over_fields,
    real_quirks.placeholders,
    real_quirks.packed_sub_items,
    real_quirks.repeated_header,
    real_quirks.category_sheets,
    real_quirks.counted_sections_and_signatures,
    real_quirks.example_table_on_notes_sheet,
]


def _dump(report: FileReport) -> dict[str, object]:
    return report.model_dump(mode="json")


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_fast_reader_gives_the_same_report_as_the_streaming_parser(
    build: Callable[[Path], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = build(tmp_path / f"{build.__name__}.xlsx")
    assert read_fast(path) is not None  # these plain workbooks take the fast path
    fast = _dump(read_file(path))
    monkeypatch.setattr(ingest_xlsx, "read_fast", lambda _path: None)
    assert fast == _dump(read_file(path))


def test_error_cells_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "事项名称", "事项编码", "实施主体"])
    ws.append([1, "取水许可审批", "#N/A", "某县水利局"])
    ws.append([2, "#REF!", "X2", "某县水利局"])
    path = tmp_path / "error-cells.xlsx"
    wb.save(path)
    sheets = read_fast(path)
    assert sheets is not None
    assert [row[:3] for row in sheets[0].rows][1:] == [[1.0, "取水许可审批", "#N/A"], [2.0, "#REF!", "X2"]]
    fast = _dump(read_file(path))
    monkeypatch.setattr(ingest_xlsx, "read_fast", lambda _path: None)
    assert fast == _dump(read_file(path))


def test_formulas_saved_without_a_result_are_found(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["事项名称", "办件量"])
    wb.active.append(["取水许可审批", "=1+1"])
    wb.active.append(["取水许可延续", '=A2&"x"'])
    wb.save(tmp_path / "formula.xlsx")
    sheets = read_fast(tmp_path / "formula.xlsx")
    assert sheets is not None
    assert sheets[0].scan.unvalued_formulas == {(2, 2): "=1+1", (3, 2): '=A2&"x"'}


def test_merges_and_used_range_from_the_bytes(tmp_path: Path) -> None:
    path = real_quirks.merged_item_rows(tmp_path / "merged-item-rows.xlsx")
    with zipfile.ZipFile(path) as zf:
        scan = scan_sheet(zf, "xl/worksheets/sheet1.xml")
    assert (4, 1, 6, 1) in scan.merges and (3, 7, 3, 8) in scan.merges
    assert (scan.max_row, scan.max_column, scan.formulas) == (12, 9, False)


def _raw_workbook(path: Path, sheet_xml: str) -> Path:
    """A minimal .xlsx written by hand, as a hostile sender could."""
    ns = "http://schemas.openxmlformats.org"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0"?><Types xmlns="{ns}/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>",
        )
        zf.writestr(
            "_rels/.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        zf.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{ns}/spreadsheetml/2006/main" '
            f'xmlns:r="{ns}/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        zf.writestr(
            "xl/worksheets/sheet1.xml",
            f'<?xml version="1.0"?><worksheet xmlns="{ns}/spreadsheetml/2006/main"><sheetData>'
            f"{sheet_xml}</sheetData></worksheet>",
        )
    return path


def test_a_cell_at_the_far_corner_is_refused_not_allocated(tmp_path: Path) -> None:
    """A1 and XFD1048576 in a 2 KB file: calamine would allocate the whole range and abort the process."""
    path = _raw_workbook(
        tmp_path / "far-corner.xlsx",
        '<row r="1"><c r="A1" t="inlineStr"><is><t>事项名称</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
    )
    assert path.stat().st_size < 4096
    with pytest.raises(UnreadableInputError, match="XFD1048576") as info:
        read_file(path)
    assert "stray cells" in (info.value.hint or "")


def test_a_hand_written_workbook_reads_on_the_fast_path(tmp_path: Path) -> None:
    path = _raw_workbook(
        tmp_path / "hand-written.xlsx",
        '<row r="1"><c r="A1" t="inlineStr"><is><t>事项名称</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>实施主体</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>取水许可审批</t></is></c>'
        '<c r="B2" t="inlineStr"><is><t>某县水利局</t></is></c></row>',
    )
    assert read_fast(path) is not None
    assert [(p.name, p.department) for p in read_file(path).powers] == [("取水许可审批", "某县水利局")]


@pytest.mark.parametrize(
    ("quirk", "far_cells"),
    [
        ("cell-below-its-row", '<row r="2"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'),
        ("small-letters", '<row r="1048576"><c r="xfd1048576" t="inlineStr"><is><t>x</t></is></c></row>'),
        ("single-quotes", "<row r='1048576'><c r='XFD1048576' t='inlineStr'><is><t>x</t></is></c></row>"),
        (
            "spaces-around-equals",
            '<row r = "1048576"><c r = "XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
        ),
        ("leading-zeros", '<row r="2"><c r="XFD0001048576" t="inlineStr"><is><t>x</t></is></c></row>'),
    ],
)
def test_a_far_cell_however_its_reference_is_written_is_refused(
    tmp_path: Path, quirk: str, far_cells: str
) -> None:
    """calamine reads each of these spellings and would abort the process on the range they span."""
    path = _raw_workbook(
        tmp_path / f"{quirk}.xlsx",
        '<row r="1"><c r="A1" t="inlineStr"><is><t>事项名称</t></is></c></row>' + far_cells,
    )
    with zipfile.ZipFile(path) as zf:
        scan = scan_sheet(zf, "xl/worksheets/sheet1.xml")
    assert (scan.reach_row, scan.max_column) == (1048576, 16384)
    with pytest.raises(UnreadableInputError, match="XFD1048576"):
        read_file(path)


def test_other_attributes_ending_in_r_do_not_widen_the_range(tmp_path: Path) -> None:
    path = _raw_workbook(
        tmp_path / "page-setup.xlsx",
        '<row r="1"><c r="A1" t="inlineStr"><is><t>事项名称</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>operator="between" header="0.3"</t></is></c></row>',
    )
    with zipfile.ZipFile(path) as zf:
        scan = scan_sheet(zf, "xl/worksheets/sheet1.xml")
    assert (scan.max_row, scan.reach_row, scan.max_column) == (1, 1, 2)


def test_cells_without_a_reference_go_to_the_streaming_parser(tmp_path: Path) -> None:
    """r is optional: calamine then places cells by counting, so a row of 16,384 <c/> far down would make
    it allocate the whole range and abort; such a sheet is read by openpyxl instead."""
    path = _raw_workbook(
        tmp_path / "cells-without-reference.xlsx",
        '<row r="1"><c r="A1" t="inlineStr"><is><t>事项名称</t></is></c></row>'
        '<row r="2"><c t="inlineStr"><is><t>取水许可审批</t></is></c><c/><c/></row>',
    )
    with zipfile.ZipFile(path) as zf:
        assert scan_sheet(zf, "xl/worksheets/sheet1.xml").unreferenced
    assert read_fast(path) is None
    assert [p.name for p in read_file(path).powers] == ["取水许可审批"]


def test_prefixed_cells_without_a_reference_are_found_too(tmp_path: Path) -> None:
    """The scan looks for <c …> with a quick pattern; a cell written with a namespace prefix (<x:c/>) is
    still found, by the general one."""
    path = _raw_workbook(
        tmp_path / "prefixed-cells-without-reference.xlsx",
        '<row r="1"><c r="A1" t="inlineStr"><is><t>事项名称</t></is></c></row>'
        '<row r="2"><x:c xmlns:x="urn:x" t="inlineStr"><is><t>取水许可审批</t></is></x:c></row>',
    )
    with zipfile.ZipFile(path) as zf:
        assert scan_sheet(zf, "xl/worksheets/sheet1.xml").unreferenced
    assert read_fast(path) is None


def test_a_referenced_workbook_stays_on_the_fast_path(tmp_path: Path) -> None:
    path = fixtures.plain(tmp_path / "plain.xlsx")
    with zipfile.ZipFile(path) as zf:
        assert not scan_sheet(zf, "xl/worksheets/sheet1.xml").unreferenced
    assert read_fast(path) is not None


def _long_sheet(far_row: int, far_cell: str, rows: int = 5000) -> str:
    """A sheet far longer than the end the scan takes its bound from, with one far cell on row `far_row`."""
    parts = []
    for r in range(1, rows + 1):
        cells = (
            f'<c r="A{r}" t="inlineStr"><is><t>取水许可审批{r}</t></is></c><c r="B{r}" t="n"><v>{r}</v></c>'
        )
        if r == far_row:
            cells += far_cell
        parts.append(f'<row r="{r}">{cells}</row>')
    return "".join(parts)


@pytest.mark.parametrize(
    ("far_cell", "reach"),
    [
        ('<c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>', (1048576, 16384)),
        ('<c r = "xfd0001048576"/>', (1048576, 16384)),
        ('<c r="C9000"/>', (9000, 3)),
        ('<c r="AA20"/>', (5000, 27)),
    ],
)
def test_a_far_reference_early_in_a_long_sheet_is_found(
    tmp_path: Path, far_cell: str, reach: tuple[int, int]
) -> None:
    """The scan bounds a chunk by its last references and searches the chunk for any beyond them: a far
    reference near the top of a long sheet is found all the same."""
    path = _raw_workbook(tmp_path / "far-early.xlsx", _long_sheet(3, far_cell))
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo("xl/worksheets/sheet1.xml").file_size > 1 << 17
        scan = scan_sheet(zf, "xl/worksheets/sheet1.xml")
    assert (scan.reach_row, scan.max_column) == reach
    if reach[1] == 16384:
        with pytest.raises(UnreadableInputError, match="XFD1048576"):
            read_file(path)


def test_the_bound_patterns_pass_exactly_the_references_beyond() -> None:
    import re

    from quanze.cellref import column_letter
    from quanze.ingest.xlsx_fast import _letters_above, _number_above, column_number

    for n in [0, 1, 9, 10, 99, 100, 509, 1048575, 1048576]:
        above = re.compile(rf"0*(?:{_number_above(n)})(?!\d)")
        for m in [*range(0, 1200), 1048575, 1048576, 1048577, 9999999, 10485760]:
            assert bool(above.fullmatch(str(m))) == (m > n)
            assert bool(above.fullmatch(f"00{m}")) == (m > n)
    for c in [0, 1, 25, 26, 27, 52, 702, 703, 16383]:
        later = re.compile(_letters_above(c))
        for d in [*range(1, 800), 16383, 16384]:
            for letters in (column_letter(d), column_letter(d).lower()):
                assert bool(later.fullmatch(letters)) == (column_number(letters.encode()) > c)


def test_the_rare_byte_search_answers_as_the_substring_search() -> None:
    """_holds finds a marker through one of its bytes that sheets hold few of; on data holding that byte
    often (past the sightings it checks in place), anywhere, it answers exactly as `needle in data`."""
    import random

    from quanze.ingest.xlsx_fast import _SIGHTINGS, _holds

    rng = random.Random(16)
    for needle, rare in [(b"<f", 1), (b":f", 1), (b":c", 0), (b"mergeCell", 3), (b"hidden=", 0)]:
        byte = needle[rare : rare + 1]
        for _ in range(300):
            sightings = rng.choice([0, 1, _SIGHTINGS - 1, _SIGHTINGS, _SIGHTINGS + 1, 3 * _SIGHTINGS])
            parts = [rng.choice([b"x", b"<c r=", byte, needle[:rare], needle[: rare + 1]]) for _ in range(40)]
            parts += [byte] * sightings
            rng.shuffle(parts)
            if rng.random() < 0.5:
                parts.insert(rng.randrange(len(parts) + 1), needle)
            data = b"".join(parts)
            assert _holds(data, needle, rare) == (needle in data), (needle, data)
        assert not _holds(b"", needle, rare) and _holds(needle, needle, rare)


def test_markers_after_many_sightings_of_their_rare_byte_are_found(tmp_path: Path) -> None:
    """Text full of f, g, h and : (English notes, times) before a formula, a merge, a hidden row and a
    prefixed cell: each marker is still found, past the sightings the scan checks in place."""
    noise = "of fifty-four staff; high, bigger things at 10:30 " * 40
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{noise}</t></is></c></row>' for r in range(1, 4)
    )
    path = _raw_workbook(
        tmp_path / "markers-late.xlsx",
        rows + '<row r="4" hidden="1"><c r="A4"><x:f xmlns:x="urn:x">1+1</x:f></c><x:c xmlns:x="urn:x" '
        'r="B4"/></row></sheetData><mergeCells count="1"><mergeCell ref="A1:B2"/></mergeCells><sheetData>',
    )
    with zipfile.ZipFile(path) as zf:
        scan = scan_sheet(zf, "xl/worksheets/sheet1.xml")
    assert scan.formulas and scan.hidden_rows == {4} and scan.merges == [(1, 1, 2, 2)]
    assert not scan.unreferenced


def test_rows_past_the_last_value_are_still_rows(tmp_path: Path) -> None:
    """calamine ends at the last value; the row elements below it (a blank row the sender formatted) are read as
    blank rows all the same, after exactly the rows calamine gave."""
    path = _raw_workbook(
        tmp_path / "blank-rows-below.xlsx",
        '<row r="1"><c r="A1" t="inlineStr"><is><t>事项名称</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>取水许可审批</t></is></c></row>'
        '<row r="3"/><row r="5" ht="20" customHeight="1"/>',
    )
    sheets = read_fast(path)
    assert sheets is not None
    assert sheets[0].scan.max_row == 5
    assert list(sheets[0].rows) == [["事项名称"], ["取水许可审批"], [], [], []]
