"""The tables quanze writes and reads back are laid out, and read, by their one spec (quanze.sheets)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook

from quanze.config import load_config
from quanze.handover import HandoverRow, ledger
from quanze.ingest import read_checklists, read_review_sheet
from quanze.pipeline import run_reconcile
from quanze.report.checklist import write_checklist
from quanze.sheets import CHECKLIST, REVIEW, checklist_columns

import fixtures


def test_review_workbook_has_the_specs_columns_hidden_keys_and_dropdown(tmp_path: Path) -> None:
    config = load_config(fixtures.scenario(tmp_path / "s"))
    run_reconcile(config, out=tmp_path / "out", force=False)
    ws = load_workbook(tmp_path / "out" / "review.xlsx")["待复核"]
    header = [c.value for c in ws[2]]
    assert header == [c.heading for c in REVIEW.columns]
    hidden = {c.heading for c in REVIEW.columns if c.hidden}
    assert hidden == {"power_key", "service_key"}
    # openpyxl reads adjacent columns of equal settings as one dimension spanning min..max.
    dims = {i: d for d in ws.column_dimensions.values() for i in range(d.min, d.max + 1)}
    for i, c in enumerate(REVIEW.columns, start=1):
        assert bool(dims[i].hidden) == c.hidden, c.key
        assert dims[i].width >= c.width, c.key
    (validation,) = ws.data_validations.dataValidation
    decision = ws.cell(row=2, column=[c.key for c in REVIEW.columns].index("decision") + 1).column_letter
    assert str(validation.sqref).startswith(f"{decision}3")
    assert validation.formula1 == '"' + ",".join(REVIEW.column("decision").choices) + '"'


def test_a_filled_in_review_row_is_read_back_under_the_specs_headings(tmp_path: Path) -> None:
    config = load_config(fixtures.scenario(tmp_path / "s"))
    run_reconcile(config, out=tmp_path / "out", force=False)
    path = tmp_path / "out" / "review.xlsx"
    wb = load_workbook(path)
    ws = wb["待复核"]
    values = {
        "power_key": "P|1",
        "service_key": "S|1",
        "decision": "确认",
        "note": "看过",
        "power_name": "甲",
    }
    for i, c in enumerate(REVIEW.columns, start=1):
        ws.cell(row=3, column=i, value=values.get(c.key))
    wb.save(path)
    (row,) = read_review_sheet(path)
    assert {k: REVIEW.get(row, k) for k in values} == values


def _item(n: int, *, deadline: dt.date | None) -> HandoverRow:
    return HandoverRow(
        unit="东城县",
        no=n,
        list_no=str(n),
        handing_department="安平市市场监督管理局",
        receiving_department="东城县市场监督管理局",
        item_code=f"369A{n:010d}",
        item_name=f"第{n}项行政许可",
        mode="直接下放",
        service_items=[f"第{n}项行政许可（新办）"],
        acceptance="已认领",
        deadline=deadline,
    )


def test_checklist_columns_are_the_specs_and_progress_reads_them_back(tmp_path: Path) -> None:
    path = tmp_path / "交接清单_东城县.xlsx"
    deadline = dt.date(2026, 12, 31)
    write_checklist(path, "东城县", [_item(1, deadline=deadline), _item(2, deadline=deadline)])
    wb = load_workbook(path)
    ws = wb["东城县"]
    assert [c.value for c in ws[3]] == [c.heading for c in checklist_columns(deadline=True)]
    status = [c.key for c in checklist_columns(deadline=True)].index("status")
    ws.cell(row=5, column=status + 1, value=CHECKLIST.column("status").choices[0])  # the first item: done
    wb.save(path)
    rows = read_checklists(path)
    assert [CHECKLIST.get(r, "item_name") for r in rows] == ["第1项行政许可", "第2项行政许可"]
    book = ledger(rows, as_of=dt.date(2027, 1, 1))
    assert [(r.unit, r.items, r.done, r.overdue) for r in book.by_unit] == [("东城县", 2, 1, 1)]
    assert [r.department for r in book.by_department] == ["安平市市场监督管理局"]


def test_without_a_deadline_the_checklist_has_no_deadline_column() -> None:
    keys = [c.key for c in checklist_columns(deadline=False)]
    assert "deadline" not in keys and len(keys) == len(CHECKLIST.columns) - 1


# The modules that lay out or read back the review sheet and the handover checklist cell by cell (the
# review sheet is written through spec_columns; other tables may use the same words for their own columns).
WRITERS_AND_READERS = (
    "report/checklist.py",
    "handover.py",
    "ingest/readback.py",
    "match/manual.py",
    "decisions.py",
)


def test_no_heading_of_a_read_back_table_is_typed_outside_its_spec() -> None:
    import ast

    import quanze

    # Headings that are their own key (power_key) are named by key, as every column is.
    headings = {c.heading for spec in (REVIEW, CHECKLIST) for c in spec.columns if c.heading != c.key}
    headings |= {w for spec in (REVIEW, CHECKLIST) for c in spec.columns for w in c.choices}
    package = Path(quanze.__file__).parent
    typed: list[str] = []
    for name in WRITERS_AND_READERS:
        tree = ast.parse((package / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in headings:
                typed.append(f"{name}:{node.lineno} {node.value}")
    assert typed == []
