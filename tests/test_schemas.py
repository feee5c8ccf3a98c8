"""schemas/ matches the models, and real outputs validate against it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from quanze.cli import app
from quanze.schemas import rendered

import fixtures

SCHEMAS = Path(__file__).parents[1] / "schemas"


def test_schemas_are_up_to_date() -> None:
    stale = [
        name
        for name, text in rendered().items()
        if not (SCHEMAS / name).exists() or (SCHEMAS / name).read_text("utf-8") != text
    ]
    assert not stale, f"run `make schemas`: stale {stale}"


def _schema(name: str) -> dict[str, object]:
    return json.loads((SCHEMAS / name).read_text("utf-8"))  # type: ignore[no-any-return]


def test_summary_and_check_output_validate(tmp_path: Path, monkeypatch: object) -> None:
    config = fixtures.scenario(tmp_path / "s")
    result = CliRunner().invoke(app, ["check", "--config", str(config), "--format", "json"])
    data = json.loads(result.stdout)
    jsonschema.validate(data, _schema("check.schema.json"))
    summary = json.loads((tmp_path / "s" / "out" / "summary.json").read_text("utf-8"))
    jsonschema.validate(summary, _schema("summary.schema.json"))
    bad = {**summary, "match": {**summary["match"], "powers": "many"}}
    try:
        jsonschema.validate(bad, _schema("summary.schema.json"))
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("a summary with a text count must not validate")


def test_validate_output_validates(tmp_path: Path) -> None:
    path = fixtures.unknown_category(tmp_path / "unknown-category.xlsx")
    data = json.loads(CliRunner().invoke(app, ["validate", str(path), "-f", "json", "--records"]).stdout)
    jsonschema.validate(data, _schema("validate.schema.json"))
