"""Hostile and broken input: each gets a clear message, a documented exit code and no traceback."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from quanze.cli import app
from quanze.errors import UnreadableInputError
from quanze.ingest import read_file
from quanze.models import IssueCode, Severity

import fixtures

runner = CliRunner()


def validate(*paths: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["validate", *map(str, paths)])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_only_a_title(tmp_path: Path) -> None:
    path = fixtures.xlsx(tmp_path / "only-title.xlsx", {"Sheet1": [["某市权责清单（2023年版）"]]})
    code, output = validate(path)
    assert code == 1 and "no-header" in output


def test_required_column_missing(tmp_path: Path) -> None:
    path = fixtures.xlsx(
        tmp_path / "no-name-column.xlsx",
        {"Sheet1": [["序号", "事项类型", "实施主体"], [1, "行政许可", "市住建局"]]},
    )
    report = read_file(path)
    (issue,) = report.issues
    assert issue.code is IssueCode.NO_HEADER and "事项名称" in issue.message
    assert report.sheets[0].rejected == 2


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "not a workbook")
    with pytest.raises(UnreadableInputError, match=r"not a readable \.xlsx"):
        read_file(path)
    assert validate(path)[0] == 3


def test_password_protected_workbook(tmp_path: Path) -> None:
    # An encrypted .xlsx is an OLE compound file holding an EncryptionInfo stream.
    path = tmp_path / "protected.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le")
    )
    code, output = validate(path)
    assert code == 3 and "password-protected" in output


def test_xml_bomb_is_refused(tmp_path: Path) -> None:
    good = fixtures.plain(tmp_path / "plain.xlsx")
    bomb = tmp_path / "bomb.xlsx"
    levels = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 8)]
    entities = "<!DOCTYPE lolz [" + "".join(levels) + "]>"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                head, _, rest = text.partition("?>")
                data = (head + "?>" + entities + rest.replace("燃气经营许可证核发", "&lol7;")).encode("utf-8")
            dst.writestr(item, data)
    with pytest.raises(UnreadableInputError, match="refused"):
        read_file(bomb)
    code, output = validate(bomb)
    assert code == 3 and "XML" in output


def test_overlong_cell_is_reported_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    long_basis = "依据" * 20000
    fixtures.csv_file(path, [["事项名称", "设定依据"], ["燃气经营许可证核发", long_basis]])
    report = read_file(path)
    assert [i.code for i in report.issues] == [IssueCode.TEXT_TOO_LONG]
    assert report.powers[0].basis == long_basis


def test_formula_without_cached_value(tmp_path: Path) -> None:
    path = fixtures.xlsx(
        tmp_path / "formulas.xlsx",
        {"Sheet1": [["序号", "事项名称", "办件量"], [1, "燃气经营许可证核发", "=SUM(1,2)"]]},
    )
    report = read_file(path)
    (issue,) = report.issues
    assert (issue.code, issue.row, issue.value) == (IssueCode.FORMULA_WITHOUT_VALUE, 2, "=SUM(1,2)")
    assert report.powers[0].volume is None


def test_formula_with_cached_value_reads_the_value(tmp_path: Path) -> None:
    path = tmp_path / "cached.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["序号", "事项名称", "办件量"])
    ws.write_row(1, 0, [1, "燃气经营许可证核发"])
    ws.write_formula(1, 2, "=SUM(1,2)", None, 3)
    wb.close()
    report = read_file(path)
    assert report.issues == [] and report.powers[0].volume == 3


def test_control_characters_are_removed_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "control.csv"
    fixtures.csv_file(path, [["事项名称", "实施主体"], ["燃气经营\x07许可证核发", "市住建局\x1b"]])
    report = read_file(path)
    assert report.powers[0].name == "燃气经营许可证核发" and report.powers[0].department == "市住建局"
    assert [i.code for i in report.issues] == [IssueCode.CONTROL_CHARACTERS] * 2


def test_same_file_twice_in_reconcile_is_a_usage_error(tmp_path: Path) -> None:
    city = fixtures.city_list(tmp_path / "city.xlsx")
    result = runner.invoke(
        app, ["reconcile", "-p", str(city), "-p", str(city), "-s", str(city), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2 and "given twice" in result.output


def test_inputs_are_never_modified(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = fixtures.scenario(tmp_path / "s")
    monkeypatch.chdir(config.parent)
    before = {p.name: p.read_bytes() for p in config.parent.iterdir() if p.is_file()}
    runner.invoke(app, ["reconcile"])
    assert {p.name: p.read_bytes() for p in config.parent.iterdir() if p.is_file()} == before


CELL = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.sampled_from(["同上", "〃", "注：共1项", "一、市住建局", "行政许可", "1.1", "许可类", " ", "\n"]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    titles=st.integers(min_value=0, max_value=3),
    rows=st.lists(st.lists(CELL, min_size=0, max_size=6), min_size=0, max_size=12),
)
def test_every_row_is_a_record_or_accounted_for(
    tmp_path: Path, titles: int, rows: list[list[object]]
) -> None:
    sheet = [["标题"]] * titles + [fixtures.HEADER] + rows
    buf = io.BytesIO()
    from openpyxl import Workbook

    wb = Workbook()
    for r in sheet:
        wb.active.append([v.replace("=", "＝") if isinstance(v, str) else v for v in r])
    wb.save(buf)
    path = tmp_path / "random.xlsx"
    path.write_bytes(buf.getvalue())
    report = read_file(path)
    (layout,) = report.sheets
    accounted = layout.records + layout.rejected + layout.skipped_structural + layout.skipped_blank
    assert accounted + len(layout.header_rows) == layout.rows_total
    rejected = [
        i
        for i in report.issues
        if i.code in (IssueCode.MISSING_REQUIRED, IssueCode.JUNK_NAME)
        or (i.code is IssueCode.ERROR_VALUE and i.severity is Severity.ERROR)
    ]
    assert len(rejected) == layout.rejected
    assert len(report.powers) == layout.records
