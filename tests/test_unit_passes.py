"""The rules catalogue matching runs after the first links: one declared list, complete, timed in step."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import quanze.match
import quanze.match.catalogue as catalogue
from quanze.match import match_catalogue
from quanze.match.catalogue import UNIT_PASSES
from quanze.match.siblings import follow_family
from quanze.models import Category, PowerItem, Provenance, ServiceItem

sys.path.insert(0, str(Path(__file__).parents[1] / "tools"))

import matchstages

# Functions that take `found_by` but are parts of a pass, not passes: a family speaking for its unlinked
# members (called by propose_for_unlinked and propose_by_distinct_run).
HELPERS: set[Callable[..., Any]] = {follow_family}


def _rule_passes() -> set[Callable[..., Any]]:
    """Every public function of a quanze.match module that updates `found_by` (a rule's pass)."""
    found: set[Callable[..., Any]] = set()
    for info in pkgutil.iter_modules(quanze.match.__path__):
        module = importlib.import_module(f"quanze.match.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or name.startswith("_"):
                continue
            signature = inspect.signature(fn)
            if "found_by" in signature.parameters and signature.return_annotation in (None, "None"):
                found.add(fn)
    return found - HELPERS


def test_every_rule_modules_pass_is_in_the_list_once() -> None:
    listed = [rule.function for rule in UNIT_PASSES]
    assert len(set(listed)) == len(listed)
    assert _rule_passes() <= set(listed)
    # The one pass that is catalogue's own (private there) is listed too.
    assert set(listed) - _rule_passes() == {catalogue._family_links}


def test_each_pass_declares_what_it_may_add_and_drop() -> None:
    for rule in UNIT_PASSES:
        assert rule.name and rule.adds and rule.drops, rule


def test_matchstages_times_every_pass_by_the_name_catalogue_calls_it_by() -> None:
    rules = {part[2]: part[1] for part in matchstages.PARTS if part[2].startswith("rule: ")}
    # Every pass by its own name and the function catalogue calls it by (both spelt here, not rebuilt as
    # matchstages builds them), and nothing else.
    assert len(rules) == len(UNIT_PASSES)
    for rule in UNIT_PASSES:
        assert rules.get(f"rule: {rule.name}") == rule.function.__name__, rule.name
    for module, name, _ in matchstages.PARTS:
        owner: object = importlib.import_module(module)
        for attr in name.split("."):
            owner = getattr(owner, attr)


SRC = Provenance(file="t", sheet="s", row=1)
DEPT = "东城县人力资源和社会保障局"


def test_the_passes_run_in_the_listed_order_through_the_names_catalogue_holds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ran: list[str] = []
    for rule in UNIT_PASSES:
        name = rule.function.__name__
        real = getattr(catalogue, name)
        assert real is rule.function  # what tools/matchstages.py patches is what the pass calls

        def spy(*args: Any, _real: Callable[..., Any] = real, _name: str = rule.name, **kwargs: Any) -> Any:
            ran.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(catalogue, name, spy)
    powers = [
        PowerItem(
            name="城乡居民基本养老保险待遇给付",
            code="GF001",
            role="single",
            department=DEPT,
            category=Category.PAYMENT,
            source=SRC,
        )
    ]
    services = [
        ServiceItem(
            name="城乡居民养老保险待遇申领", code="511G1003187002", unit="东城县", department=DEPT, source=SRC
        ),
        ServiceItem(
            name="城乡居民养老保险丧葬补助金申领",
            code="511G1003187004",
            unit="东城县",
            department=DEPT,
            source=SRC,
        ),
    ]
    result = match_catalogue(powers, services, workers=1)
    assert result.links
    assert ran == [rule.name for rule in UNIT_PASSES]
