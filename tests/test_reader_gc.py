"""A read leaves no reference cycle behind (its records are freed as soon as its report is dropped), and what
it made is handed to the collector's oldest generation without a walk."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from quanze.ingest import IngestOptions, read_file
from quanze.models import ListKind

import fixtures

_CASES: dict[str, tuple[Callable[[Path], Path], ListKind]] = {
    "plain.xlsx": (fixtures.plain, ListKind.AUTO),
    "merged-department.xlsx": (fixtures.merged_department, ListKind.AUTO),
    "sub-items.xlsx": (fixtures.sub_items, ListKind.AUTO),
    "catalogue-tree-level-column.xlsx": (fixtures.catalogue_tree_level_column, ListKind.SERVICES),
    "utf8-bom.csv": (fixtures.utf8_bom_csv, ListKind.AUTO),
    "legacy.xls": (fixtures.legacy_xls, ListKind.AUTO),
    "strict.xlsx": (fixtures.strict_xlsx, ListKind.AUTO),
}


@contextmanager
def collections() -> Iterator[list[int]]:
    """The generations the collector walks, as it walks them."""
    walked: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            walked.append(info["generation"])

    gc.callbacks.append(seen)
    try:
        yield walked
    finally:
        gc.callbacks.remove(seen)


@pytest.mark.parametrize("name", list(_CASES))
def test_a_read_leaves_no_reference_cycle(tmp_path: Path, name: str) -> None:
    build, kind = _CASES[name]
    path = build(tmp_path / name)
    gc.collect()
    report = read_file(path, IngestOptions(kind=kind))
    assert report.records > 0
    del report
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        left = sorted({type(o).__qualname__ for o in gc.garbage if type(o).__module__.startswith("quanze")})
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert left == []


def test_what_a_read_made_is_not_walked_again_after_it(tmp_path: Path) -> None:
    path = fixtures.catalogue_tree_dotted_seq(tmp_path / "catalogue-tree-dotted-seq.xlsx", flat=2000)
    assert gc.isenabled()
    with collections() as walked:
        report = read_file(path, IngestOptions(kind=ListKind.SERVICES))
        young = [[] for _ in range(100)]  # a collection of the young would start here, walking every record
    assert report.records == 2003 and len(young) == 100
    assert walked == []
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_callers_frozen_objects_stay_frozen_through_a_read(tmp_path: Path) -> None:
    path = fixtures.plain(tmp_path / "plain.xlsx")
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert read_file(path).records > 0
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
