"""One Scorer shared by the matchings of a process (units one by one): the same links, pairs worked out once."""

from __future__ import annotations

import pytest

from quanze.match import MatchOptions, match_catalogue, match_lists, scoring
from quanze.match.scoring import Scorer, prepare, shared_scorer
from quanze.models import PowerItem, Provenance, ServiceItem

SRC = Provenance(file="t", sheet="s", row=1)
UNITS = ["东城县", "西河县", "南山县"]


def _unit(unit: str) -> tuple[list[PowerItem], list[ServiceItem]]:
    powers = [
        PowerItem(name=n, role="single", department=f"{unit}住建局", unit=unit, source=SRC)
        for n in ("燃气经营许可证核发", "建筑工程施工许可", "对未经批准举办营业性演出的处罚")
    ]
    services = [
        ServiceItem(name=n, department=f"{unit}住建局", unit=unit, source=SRC)
        for n in ("燃气经营许可证新办", "建筑工程施工许可（变更）", "燃气经营许可证注销", "护士执业注册")
    ]
    return powers, services


def _links(unit: str) -> list[tuple[int, int, float, str, str, str]]:
    powers, services = _unit(unit)
    result = match_catalogue(powers, services, units=[unit], workers=1)
    return [(lk.power, lk.service, lk.score, lk.method, lk.status, lk.reason) for lk in result.links]


def test_equal_options_share_one_scorer_and_other_options_get_their_own() -> None:
    first = shared_scorer(MatchOptions())
    assert shared_scorer(MatchOptions()) is first
    other = shared_scorer(MatchOptions(review_threshold=70))
    assert other is not first and other.options.review_threshold == 70


def test_a_full_scorer_is_replaced_by_an_empty_one(monkeypatch: pytest.MonkeyPatch) -> None:
    _links("东城县")
    full = shared_scorer(MatchOptions())
    assert full._memo
    monkeypatch.setattr(scoring, "SHARED_MEMO_LIMIT", 0)
    fresh = shared_scorer(MatchOptions())
    assert fresh is not full and not fresh._memo


def test_units_matched_one_after_another_link_as_with_a_fresh_scorer_each(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shared = [_links(u) for u in UNITS]
    scorer = shared_scorer(MatchOptions())
    remembered = len(scorer._memo)
    assert remembered  # the pairs of the first unit served the others: the memo did not grow per unit
    assert [_links(u) for u in UNITS] == shared and len(scorer._memo) == remembered
    monkeypatch.setattr("quanze.match.catalogue.shared_scorer", Scorer)
    assert [_links(u) for u in UNITS] == shared
    assert shared[0]


def test_list_pairings_share_it_too_and_pair_as_with_a_fresh_scorer(monkeypatch: pytest.MonkeyPatch) -> None:
    # An acceptance check pairs the devolution list with each unit's list: the same names unit after unit.
    left, _ = _unit("市级")
    lists = [_unit(u)[0] for u in UNITS]
    shared_scorer(MatchOptions(review_threshold=70))  # another run's scorer: replaced by the first pairing
    pairings = [match_lists(left, right) for right in lists]
    assert shared_scorer(MatchOptions())._memo
    monkeypatch.setattr("quanze.match.pairing.shared_scorer", Scorer)
    assert [match_lists(left, right) for right in lists] == pairings
    assert all(len(p.pairs) == len(left) for p in pairings)


def test_the_bound_counts_every_finished_link_not_the_sources() -> None:
    # Finished links are kept in one small dict per source: the bound counts the links in them all.
    scorer = Scorer(MatchOptions())
    item = prepare("燃气经营许可证新办", None, None, "县住建局")
    powers = [
        prepare(n, None, None, d)
        for n in ("燃气经营许可证核发", "建筑工程施工许可")
        for d in ("县住建局", "县城管局")
    ]
    score = scorer.source(item, None)
    for power in powers:
        score(power, None)
    assert len(scorer._finished) == 1
    assert scorer.remembered == len(scorer._memo) + len(powers)


def test_a_target_found_by_name_and_by_code_keeps_apart_finished_links() -> None:
    """Finished links are remembered by target key: a link found by code is not the one found by name."""
    scorer = Scorer(MatchOptions())
    src = prepare("燃气经营许可证新办", None, "11510000MB1234567X", "住建局")
    tgt = prepare("燃气经营许可证核发", None, "11510000MB1234567X", "住建局")
    by_name = scorer.keyed(src, None)(scoring.target_key(tgt), tgt, None)
    by_code = scorer.keyed(src, None)(scoring.target_key(tgt), tgt, True)
    assert by_name is not None and by_code is not None
    assert by_code[1] == "code" and by_name[1] != "code"
    # The same answers as scoring the pair afresh, and as the Candidate the plain `source` gives.
    for code_exact, done in ((None, by_name), (True, by_code)):
        fresh = scoring.score_pair(src, tgt, MatchOptions(), code_exact=code_exact, parent=None)
        assert fresh is not None and (fresh.score, fresh.method, fresh.reason) == done
        again = scorer(src, tgt, code_exact=code_exact, parent=None)
        assert again is not None and (again.score, again.method, again.reason) == done


def test_targets_with_the_same_name_kind_and_department_share_one_key() -> None:
    a = prepare("燃气经营许可证核发", None, "1", "东城县住建局")
    b = prepare("燃气经营许可证核发", None, "2", "西河县住建局")
    c = prepare("燃气经营许可证核发", None, "1", "东城县市场监管局")
    assert scoring.target_key(a) == scoring.target_key(b)  # the code and the county's name do not count
    assert scoring.target_key(a) != scoring.target_key(c)
