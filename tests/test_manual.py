"""Links analysts add by hand: `quanze review add`, and rows added to review.xlsx; wrong keys are clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from quanze.cli import app
from quanze.match.manual import UnknownItem, find_power, find_service
from quanze.models import PowerItem, Provenance, ServiceItem
from test_cli import read_csv

import fixtures

runner = CliRunner()
SRC = Provenance(file="t.xlsx", sheet="s", row=3)


def _inputs(tmp_path: Path) -> None:
    fixtures.xlsx(
        tmp_path / "powers.xlsx",
        {
            "Sheet1": [
                ["序号", "事项名称", "事项编码", "实施主体"],
                [1, "机动车驾驶员培训备案", "511Z18278000", "市交通局"],
                [2, "道路货物运输经营许可", None, "市交通局"],
            ]
        },
    )
    fixtures.xlsx(
        tmp_path / "cat.xlsx",
        {
            "Sheet1": [
                ["序号", "业务办理项名称", "行政区划", "实施主体"],
                [1, "教练车备案证办理（转出）", "东城县", "县交通局"],
                [2, "道路货物运输经营许可（新办）", "东城县", "县交通局"],
            ]
        },
    )


def _links(tmp_path: Path, out: str) -> list[dict[str, str]]:
    args = ["reconcile", "-p", "powers.xlsx", "-s", "cat.xlsx", "--out", out]
    assert runner.invoke(app, args).exit_code in (0, 1)
    return [r for r in read_csv(tmp_path / out / "matches.csv") if r["service_name"]]


def test_review_add_links_what_the_matcher_never_proposed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _inputs(tmp_path)
    before = _links(tmp_path, "run1")
    assert not [r for r in before if r["service_name"] == "教练车备案证办理（转出）"]
    result = runner.invoke(app, ["review", "add", "511Z18278000", "教练车备案证办理（转出）", "--by", "李四"])
    assert result.exit_code == 2  # no config and no inputs: nothing to look the items up in
    cfg = tmp_path / "quanze.toml"
    cfg.write_text(
        '[[inputs.lists]]\npath = "powers.xlsx"\n\n[inputs.catalogue]\npath = "cat.xlsx"\n', encoding="utf-8"
    )
    result = runner.invoke(app, ["review", "add", "511Z18278000", "教练车备案证办理（转出）", "--by", "李四"])
    assert result.exit_code == 0, result.output
    assert "recorded" in result.output
    (record,) = [json.loads(x) for x in (tmp_path / "quanze-decisions.jsonl").read_text("utf-8").splitlines()]
    assert (record["decision"], record["by"], record["power_name"], record["unit"]) == (
        "confirm",
        "李四",
        "机动车驾驶员培训备案",
        "东城县",
    )
    assert record["at"]
    again = runner.invoke(app, ["review", "add", "机动车驾驶员培训备案", "教练车备案证办理（转出）"])
    assert again.exit_code == 0 and "already recorded" in again.output
    after = [r for r in _links(tmp_path, "run2") if r["service_name"] == "教练车备案证办理（转出）"]
    assert [(r["power_name"], r["method"], r["status"]) for r in after] == [
        ("机动车驾驶员培训备案", "decision", "matched")
    ]


def test_review_add_with_a_wrong_key_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _inputs(tmp_path)
    (tmp_path / "quanze.toml").write_text(
        '[[inputs.lists]]\npath = "powers.xlsx"\n\n[inputs.catalogue]\npath = "cat.xlsx"\n', encoding="utf-8"
    )
    result = runner.invoke(app, ["review", "add", "机动车驾驶员培训许可", "教练车备案证办理（转出）"])
    assert result.exit_code == 2
    assert "机动车驾驶员培训许可" in result.output and "no power" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "quanze-decisions.jsonl").exists()


def test_a_row_added_by_hand_to_review_xlsx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _inputs(tmp_path)
    (tmp_path / "quanze.toml").write_text(
        '[project]\nout = "run1"\n\n[[inputs.lists]]\npath = "powers.xlsx"\n\n[inputs.catalogue]\npath = "cat.xlsx"\n',
        encoding="utf-8",
    )
    assert runner.invoke(app, ["reconcile", "--force"]).exit_code in (0, 1)
    review = tmp_path / "run1" / "review.xlsx"
    wb = load_workbook(review)
    ws = wb.active
    header = [c.value for c in ws[2]]
    col = {h: header.index(h) + 1 for h in header if h}
    row = ws.max_row + 1
    ws.cell(row, col["行政区划"]).value = "东城县"
    ws.cell(row, col["权力事项编码"]).value = "511Z18278000"
    ws.cell(row, col["服务事项名称"]).value = "教练车备案证办理（转出）"
    ws.cell(row, col["决定（确认/否决）"]).value = "确认"
    ws.cell(row + 1, col["权力事项名称"]).value = "不存在的事项"
    ws.cell(row + 1, col["服务事项名称"]).value = "教练车备案证办理（转出）"
    ws.cell(row + 1, col["决定（确认/否决）"]).value = "确认"
    wb.save(review)
    result = runner.invoke(app, ["review", "apply", str(review), "--by", "王五"])
    assert result.exit_code == 1  # one row recorded, one refused
    assert "unknown-item" in result.output and f"row {row + 1}" in result.output
    assert "不存在的事项" in result.output
    # Every row with a decision is counted: the refused one as not recorded, named by what was typed.
    said = " ".join(result.output.split())
    assert "1 确认, 0 否决" in said and "1 not recorded" in said
    assert "'不存在的事项 ↔ 教练车备案证办理（转出）'" in said and "None" not in said
    records = [json.loads(x) for x in (tmp_path / "quanze-decisions.jsonl").read_text("utf-8").splitlines()]
    assert [(r["power_name"], r["service_name"], r["by"]) for r in records] == [
        ("机动车驾驶员培训备案", "教练车备案证办理（转出）", "王五")
    ]


def test_a_name_shared_by_two_items_asks_for_the_code() -> None:
    powers = [
        PowerItem(name="道路货物运输经营许可", code="A1", source=SRC),
        PowerItem(name="道路货物运输经营许可", code="A2", source=SRC),
    ]
    with pytest.raises(UnknownItem, match="names 2 powers"):
        find_power(powers, "道路货物运输经营许可")
    assert find_power(powers, "A2").code == "A2"
    services = [
        ServiceItem(name="道路货物运输经营许可（新办）", unit="东城县", source=SRC),
        ServiceItem(name="道路货物运输经营许可（新办）", unit="西河县", source=SRC),
    ]
    with pytest.raises(UnknownItem, match=r"give the code \(or --unit\)"):
        find_service(services, "道路货物运输经营许可（新办）")
    assert find_service(services, "道路货物运输经营许可（新办）", "西河县").unit == "西河县"


def test_a_name_twice_at_one_unit_shows_each_rows_code_and_does_not_ask_for_the_unit() -> None:
    services = [
        ServiceItem(name="求职创业补贴申领", code="512B0159000000", unit="东城县", source=SRC),
        ServiceItem(name="求职创业补贴申领", code="512014025002", unit="东城县", source=SRC),
    ]
    with pytest.raises(UnknownItem) as found:
        find_service(services, "求职创业补贴申领", "东城县")
    message = str(found.value)
    assert "512B0159000000" in message and "512014025002" in message and "--unit" not in message


def test_a_handling_word_tells_service_items_apart() -> None:
    services = [
        ServiceItem(name="客运车辆道路运输证办理（注销）", unit="东城县", source=SRC),
        ServiceItem(name="客运车辆道路运输证办理（换发）", unit="东城县", source=SRC),
    ]
    assert find_service(services, "客运车辆道路运输证办理（注销）").name == "客运车辆道路运输证办理（注销）"
    # Widths and a level qualifier aside, the name still finds its item.
    assert (
        find_service(services, "客运车辆道路运输证办理(注销)（县级）").name
        == "客运车辆道路运输证办理（注销）"
    )


def test_a_unit_that_holds_no_service_item_is_named_not_the_item() -> None:
    services = [ServiceItem(name="个人参保证明查询打印", unit="西河县", source=SRC)]
    with pytest.raises(UnknownItem) as found:
        find_service(services, "个人参保证明查询打印", "西河")
    message = str(found.value)
    assert "no service item is at the unit “西河”" in message and "西河县" in message
    assert "0 service items read" not in message
