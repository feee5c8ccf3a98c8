"""The per-row shortcuts of reading (remembered cell texts, records built without validating them twice)
give exactly what the general path gives, and never swallow an issue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from quanze.ingest import IngestOptions, read_file
from quanze.ingest.records import row_record
from quanze.models import Category, IssueCode, ListKind, PowerItem, Provenance, ServiceItem

import fixtures

SOURCE = Provenance(file="f.xlsx", sheet="Sheet1", row=3)


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (PowerItem, {"name": "燃气经营许可", "role": "sub", "sub_item": "新办", "source": SOURCE}),
        (
            PowerItem,
            {
                "name": "食品生产许可",
                "category": Category.LICENSING,
                "volume": 3,
                "code": None,
                "source": SOURCE,
            },
        ),
        (ServiceItem, {"name": "单位参保证明查询打印", "unit": "东城县", "volume": 98, "source": SOURCE}),
    ],
)
def test_a_record_built_from_row_values_equals_the_validated_one(
    model: type[PowerItem] | type[ServiceItem], data: dict[str, Any]
) -> None:
    built = row_record(model, dict(data))
    validated = model.model_validate(dict(data))
    assert type(built) is model
    assert built == validated
    assert built.model_fields_set == validated.model_fields_set
    assert built.model_dump() == validated.model_dump()
    assert built.model_dump(exclude_unset=True) == validated.model_dump(exclude_unset=True)


def test_data_without_a_name_is_validated_not_built() -> None:
    with pytest.raises(ValidationError):
        row_record(PowerItem, {"name": 5, "source": SOURCE})


def test_a_repeated_cell_with_control_characters_is_reported_on_every_row(tmp_path: Path) -> None:
    rows = [fixtures.HEADER, *([i, f"许可{i}", "行政许可", f"A{i}", "市\x07住建局"] for i in range(1, 4))]
    report = read_file(fixtures.csv_file(tmp_path / "control-characters.csv", rows))
    found = [(i.row, i.column) for i in report.issues if i.code is IssueCode.CONTROL_CHARACTERS]
    assert found == [(2, "E"), (3, "E"), (4, "E")]
    assert {p.department for p in report.powers} == {"市住建局"}


def test_equal_numbers_of_different_types_keep_their_own_text(tmp_path: Path) -> None:
    """1, 1.0 and True are equal as keys; a remembered text must not give one the other's."""
    header = ["序号", "事项名称", "事项类型", "事项编码", "实施主体", "备注"]
    rows = [
        header,
        [1, "许可一", "行政许可", "A1", "市住建局", "1"],
        [2.5, "许可二", "行政许可", "A2", "市住建局", True],
    ]
    path = fixtures.xlsx(tmp_path / "mixed-types.xlsx", {"Sheet1": rows})
    report = read_file(path, IngestOptions(kind=ListKind.POWERS))
    assert [(p.seq, p.remarks) for p in report.powers] == [("1", "1"), ("2.5", "是")]
