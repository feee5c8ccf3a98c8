"""The gap-type registry is complete: every gap the code can produce is registered, labelled, measured by a
[check] metric, documented in the README, and built only by the producers its entry names."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path
from typing import cast

import pytest

from quanze.analysis import Analysis
from quanze.check import METRICS
from quanze.config import QuanzeConfig
from quanze.gap_types import CROSS_UNIT, DEVOLVER, GAP_TYPES, GAP_ZH, GapType
from quanze.results import GapRow

SRC = Path(__file__).parents[1] / "src" / "quanze"
README = Path(__file__).parents[1] / "README.md"


def _resolve(producer: str) -> object:
    module, _, qualname = producer.partition(":")
    obj: object = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def _gap_rows_built(path: Path) -> list[tuple[str, str, int]]:
    """(gap type member, enclosing module:qualname, line) of every gap_row(GapType.X …) or
    GapRow(gap_type=GapType.X …) call in one source file."""
    module = "quanze." + ".".join(path.relative_to(SRC).with_suffix("").parts)
    module = module.removesuffix(".__init__")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, str, int]] = []

    def literal(node: ast.expr | None) -> str | None:
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "GapType"
        ):
            return node.attr
        return None

    def visit(node: ast.AST, scope: list[str]) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            scope = [*scope, node.name]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            kind = None
            if node.func.id == "gap_row" and node.args:
                kind = literal(node.args[0])
            elif node.func.id == "GapRow":
                kind = next((literal(k.value) for k in node.keywords if k.arg == "gap_type"), None)
            if kind is not None:
                # The producer is the outermost function (or class method) around the call.
                outer = scope[:2] if scope and scope[0][:1].isupper() else scope[:1]
                found.append((kind, f"{module}:{'.'.join(outer)}", node.lineno))
        for child in ast.iter_child_nodes(node):
            visit(child, scope)

    visit(tree, [])
    return found


def test_every_gap_type_has_one_registry_entry() -> None:
    assert set(GAP_TYPES) == set(GapType)


def test_every_entry_has_a_chinese_label_a_metric_and_a_meaning() -> None:
    for kind, spec in GAP_TYPES.items():
        assert re.search(r"[\u4e00-\u9fff]", spec.label), kind
        assert spec.metric in {"power_units", "service_items", "powers"}, kind
        assert spec.detail.strip(), kind
        assert GAP_ZH[kind] == spec.label
        assert METRICS[kind.value] == spec.metric  # a [check] limit can name it
    assert len({s.label for s in GAP_TYPES.values()}) == len(GAP_TYPES)  # no two types read alike
    assert DEVOLVER <= CROSS_UNIT


def test_every_producer_exists_and_builds_its_type() -> None:
    for kind, spec in GAP_TYPES.items():
        assert spec.producers, kind
        for producer in spec.producers:
            fn = _resolve(producer)
            assert callable(fn), producer
            assert f"GapType.{kind.name}" in inspect.getsource(fn), (kind, producer)


def test_every_gap_row_the_code_builds_comes_from_a_registered_producer() -> None:
    built = [row for path in sorted(SRC.rglob("*.py")) for row in _gap_rows_built(path)]
    assert {kind for kind, _, _ in built} == {k.name for k in GapType}  # every type is produced somewhere
    for kind, where, line in built:
        assert where in GAP_TYPES[GapType[kind]].producers, f"{where} (line {line}) builds {kind}"


def test_every_gap_type_is_documented_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### Gap types") :]
    section = section[: section.index("\n### ", 1)]
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", section, flags=re.M))
    assert documented == {k.value for k in GapType}


def test_every_finder_exists_and_find_all_calls_each_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import quanze.gaps as gaps

    named = {name for spec in GAP_TYPES.values() for name in spec.finders}
    assert all(callable(_resolve(name)) for name in named)
    called: list[str] = []

    def fake(name: str) -> gaps.Finder:
        def rows(analysis: object, config: object) -> list[GapRow]:
            called.append(name)
            return []

        return rows

    monkeypatch.setattr(gaps, "finder", fake)
    assert gaps.find_all(cast(Analysis, None), cast(QuanzeConfig, None)) == []
    assert sorted(called) == sorted(named)
