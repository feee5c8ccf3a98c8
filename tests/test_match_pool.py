"""Units matched by forked workers (match.catalogue's pool) give what matching them in turn gives."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from quanze.match import Decision, MatchResult, match_catalogue, power_key, service_key
from quanze.match.catalogue import POOL_MIN_ITEMS, _workers
from quanze.models import PowerItem, Provenance, ServiceItem
from quanze.normalize import name_key

SRC = Provenance(file="t", sheet="s", row=1)

POWER_NAMES = [
    "燃气经营许可证核发",
    "建筑工程施工许可",
    "食品生产许可",
    "食品经营许可",
    "企业设立、变更、注销登记",
]
ITEM_NAMES = [
    "燃气经营许可证新办",
    "建筑工程施工许可（变更）",
    "食品生产许可（新办）",
    "食品经营许可延续",
    "公司注销登记",
    "与哪项都不相干的办理项",
]
UNITS = [f"第{i}县" for i in range(7)]


def _case() -> tuple[list[PowerItem], list[ServiceItem]]:
    powers = [
        PowerItem(
            name=n, role="single", department=f"{u}住建局", unit=u, code=f"51{i}A000{j}00000", source=SRC
        )
        for i, u in enumerate(UNITS)
        for j, n in enumerate(POWER_NAMES)
        if (i + j) % 5  # each unit lacks one power: units differ
    ]
    services = [
        ServiceItem(name=n, department=f"{u}市场监管局", unit=u, source=SRC)
        for i, u in enumerate(UNITS)
        for j, n in enumerate(ITEM_NAMES)
        if (i * j) % 4 != 3
    ]
    return powers, services


def _signature(r: MatchResult) -> tuple[object, ...]:
    return (
        [(lk.power, lk.service, lk.score, lk.method, lk.status, lk.reason) for lk in r.links],
        r.unmatched,
        r.orphans,
        r.ambiguous,
    )


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="the pool forks")
def test_a_pool_of_workers_links_what_one_process_links() -> None:
    powers, services = _case()
    units = [*UNITS, "没有办理项的县"]
    decisions = {service_key(services[0]): {power_key(powers[0]): Decision.REJECT}}
    alone = match_catalogue(powers, services, units=units, decisions=decisions, workers=1)
    seen: list[tuple[int, int]] = []
    pooled = match_catalogue(
        powers,
        services,
        units=units,
        decisions=decisions,
        workers=2,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert alone.links and alone.unmatched and alone.orphans
    assert _signature(pooled) == _signature(alone)
    assert seen[-1] == (len(services), len(services))  # progress reaches the end


@pytest.mark.parametrize("workers", [1, 2])
def test_links_come_by_unit_then_power_score_and_service_item(workers: int) -> None:
    # Each unit sorts its own links (in its worker); the result lists the units in the order of their keys.
    if workers > 1 and "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("the pool forks")
    powers, services = _case()
    # Units listed out of order, so that the order of the links is the one the matcher gives them.
    shuffled = services[::-1]
    result = match_catalogue(powers, shuffled, workers=workers)
    keys = [
        (name_key(shuffled[lk.service].unit or ""), lk.power, -lk.score, lk.service) for lk in result.links
    ]
    assert len({k[0] for k in keys}) > 1
    assert keys == sorted(keys)


def test_a_pool_is_used_only_where_it_pays() -> None:
    assert _workers(None, POOL_MIN_ITEMS - 1, 150) == 1  # a small catalogue: forking costs more
    assert _workers(None, POOL_MIN_ITEMS, 1) == 1  # one unit cannot be split
    assert _workers(3, 10, 2) == 2  # never more workers than units
    assert _workers(0, 10, 5) == 1


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="the pool forks")
def test_a_worker_that_dies_leaves_its_units_to_the_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    # A worker killed (out of memory, say) must not hang the run nor lose its units.
    from quanze.match import catalogue

    powers, services = _case()
    alone = match_catalogue(powers, services, units=UNITS, workers=1)
    parent, real = os.getpid(), catalogue._match_unit

    def dying(run: object, ukey: str, tick: object = None) -> object:
        if os.getpid() != parent and ukey == catalogue._partition_key(UNITS[2]):
            os._exit(1)
        return real(run, ukey, tick)  # type: ignore[arg-type]

    monkeypatch.setattr(catalogue, "_match_unit", dying)
    pooled = match_catalogue(powers, services, units=UNITS, workers=2)
    assert _signature(pooled) == _signature(alone)
