"""The shared vocabulary (statuses, methods, decisions, the link model) is defined once, in models.py."""

from __future__ import annotations

import ast
from enum import StrEnum
from pathlib import Path

import pytest

from quanze import models
from quanze.decisions import parse_decision_word
from quanze.report.reconcile import DECISION_CHOICES

SRC = Path(models.__file__).resolve().parent
SHARED = ("Method", "Status", "Decision", "GapStatus", "How", "Link")
LABELS: list[tuple[type[StrEnum], dict[object, str]]] = [
    (models.Method, dict(models.METHOD_ZH)),
    (models.Status, dict(models.STATUS_ZH)),
    (models.Decision, dict(models.DECISION_ZH)),
    (models.GapStatus, dict(models.GAP_STATUS_ZH)),
    (models.How, dict(models.HOW_ZH)),
]


def test_the_shared_names_are_defined_only_in_models() -> None:
    defined: dict[str, list[str]] = {}
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name in SHARED:
                defined.setdefault(node.name, []).append(str(path.relative_to(SRC)))
    assert defined == {name: ["models.py"] for name in SHARED}


@pytest.mark.parametrize(("enum", "labels"), LABELS, ids=lambda x: getattr(x, "__name__", ""))
def test_every_member_has_its_chinese_label(enum: type[StrEnum], labels: dict[object, str]) -> None:
    assert set(labels) == set(enum)


def test_the_review_dropdown_offers_the_words_the_reader_takes() -> None:
    assert [parse_decision_word(w) for w in DECISION_CHOICES] == list(models.Decision)
