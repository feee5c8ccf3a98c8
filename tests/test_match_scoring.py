"""Scoring remembered per pair of names (match.scoring.Scorer) gives what scoring each pair afresh gives."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from quanze.match import MatchOptions, Method, Status, match_catalogue
from quanze.match.scoring import Scorer, prepare, score_pair
from quanze.models import Category, PowerItem, Provenance, ServiceItem

SRC = Provenance(file="t", sheet="s", row=1)

NAMES = [
    "燃气经营许可证核发",
    "燃气经营许可证新办",
    "燃气经营许可证（变更）",
    "食品生产许可",
    "食品经营许可（新办）",
    "护士执业注册",
    "护士变更执业注册",
    "企业设立、变更、注销登记",
    "企业变更登记",
    "对未经批准举办营业性演出的处罚",
    "举办营业性演出审批",
    "危险废物经营许可申请",
]
DEPTS = [None, "县住建局", "市住建局", "县行政审批局", "县市场监管局"]
CODES = [None, "511A0001000000", "511A0001000001", "511A0002000000"]
CATEGORIES = [None, Category.LICENSING, Category.PENALTY]

prepared = st.builds(
    prepare,
    st.sampled_from(NAMES),
    st.none(),
    st.sampled_from(CODES),
    st.sampled_from(DEPTS),
    st.sampled_from(CATEGORIES),
)
pair = st.tuples(prepared, prepared, st.sampled_from([None, True, False]), st.none() | prepared)


@settings(max_examples=300, deadline=None)
@given(st.lists(pair, min_size=1, max_size=30))
def test_remembered_scores_equal_fresh_ones(pairs: list[tuple]) -> None:  # type: ignore[type-arg]
    options = MatchOptions()
    scorer = Scorer(options)
    # Every pair twice, so that the second answer comes from what the scorer remembers.
    for src, tgt, code_exact, parent in pairs + pairs:
        assert scorer(src, tgt, code_exact=code_exact, parent=parent) == score_pair(
            src, tgt, options, code_exact=code_exact, parent=parent
        )


def test_departments_are_compared_per_link_not_remembered() -> None:
    scorer = Scorer(MatchOptions())
    tgt_same = prepare("燃气经营许可证核发", None, None, "县住建局")
    tgt_other = prepare("燃气经营许可证核发", None, None, "县市场监管局")
    src = prepare("燃气经营许可证新办", None, None, "县住建局")
    same = scorer(src, tgt_same, code_exact=None, parent=None)
    other = scorer(src, tgt_other, code_exact=None, parent=None)
    assert same is not None and other is not None
    assert "同部门" in same.reason and "部门不同" in other.reason
    assert same.score > other.score


def test_a_code_agreement_names_each_links_own_code() -> None:
    scorer = Scorer(MatchOptions())
    src = prepare("燃气经营许可证新办", None, "511A0001000000", None)
    first = scorer(
        src, prepare("燃气经营许可证核发", None, "511A0001000000", None), code_exact=True, parent=None
    )
    src2 = prepare("燃气经营许可证新办", None, "511B0009000000", None)
    second = scorer(
        src2, prepare("燃气经营许可证核发", None, "511B0009000000", None), code_exact=True, parent=None
    )
    assert first is not None and second is not None and first.method is Method.CODE
    assert "511A0001000000" in first.reason and "511B0009000000" in second.reason


def test_an_item_taken_as_a_penalty_is_not_scored_as_the_licence_it_was() -> None:
    # The catalogue marks a handling item of a penalty as a penalty (dataclasses.replace): same names, other kind.
    scorer = Scorer(MatchOptions())
    tgt = prepare("举办营业性演出审批", None, None, None, Category.LICENSING)
    src = prepare("举办营业性演出许可", None, None, None)
    assert scorer(src, tgt, code_exact=None, parent=None) is not None
    assert scorer(replace(src, enforcement=True), tgt, code_exact=None, parent=None) is None


def test_the_same_names_in_many_units_link_alike() -> None:
    units = [f"第{i}县" for i in range(5)]
    powers = [
        PowerItem(name=n, role="single", department=f"{u}住建局", unit=u, source=SRC)
        for u in units
        for n in ("燃气经营许可证核发", "建筑工程施工许可")
    ]
    services = [
        ServiceItem(name=n, department=f"{u}住建局", unit=u, source=SRC)
        for u in units
        for n in ("燃气经营许可证新办", "建筑工程施工许可（变更）")
    ]
    result = match_catalogue(powers, services, units=units)
    pairs = {
        (powers[lk.power].unit, powers[lk.power].name, services[lk.service].name, lk.status)
        for lk in result.links
    }
    assert pairs == {
        (u, p, s, Status.MATCHED)
        for u in units
        for p, s in (
            ("燃气经营许可证核发", "燃气经营许可证新办"),
            ("建筑工程施工许可", "建筑工程施工许可（变更）"),
        )
    }


def test_an_item_is_prepared_once_for_every_county_that_writes_it() -> None:
    # Implementation codes carry the county's region and credit codes, departments its name: what matching
    # compares of them (the basic code, the department's key) is the same, and so is the prepared item.
    east = prepare(
        "燃气经营许可证新办",
        None,
        "511A0138000000-511602000000-000-115113010833722043-1-00",
        "东城县住房和城乡建设局",
        Category.LICENSING,
    )
    west = prepare(
        "燃气经营许可证新办",
        None,
        "511A0138000000-511603000000-000-11511302MB1C07405Y-1-00",
        "西河县住房和城乡建设局",
        Category.LICENSING,
    )
    assert east.code == west.code == "511A0138000000"
    assert east.dept == west.dept
    assert east is west
