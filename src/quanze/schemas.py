"""JSON Schemas of quanze's inputs and outputs, generated from the models (`make schemas`)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, TypeAdapter

from quanze.check import CheckResult
from quanze.config import QuanzeConfig
from quanze.decisions import DecisionRecord
from quanze.diff import DiffResult
from quanze.ingest.readback import ReviewOutcome
from quanze.models import PowerItem, PowerList, RowIssue, ServiceCatalogue, ServiceItem
from quanze.outcomes import ValidationResult
from quanze.results import GapRow, MatchRow, Summary

SCHEMAS: dict[str, type[BaseModel]] = {
    "power-item.schema.json": PowerItem,
    "service-item.schema.json": ServiceItem,
    "power-list.schema.json": PowerList,
    "service-catalogue.schema.json": ServiceCatalogue,
    "row-issue.schema.json": RowIssue,
    "config.schema.json": QuanzeConfig,
    "validate.schema.json": ValidationResult,
    "match-row.schema.json": MatchRow,
    "gap-row.schema.json": GapRow,
    "summary.schema.json": Summary,
    "check.schema.json": CheckResult,
    "diff.schema.json": DiffResult,
    "decision-record.schema.json": DecisionRecord,
    "review-outcome.schema.json": ReviewOutcome,
}


def schema_for(model: type[BaseModel]) -> dict[str, Any]:
    schema = TypeAdapter(model).json_schema(mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def rendered() -> dict[str, str]:
    """Each schema file's exact text."""
    return {
        name: json.dumps(schema_for(m), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        for name, m in SCHEMAS.items()
    }
