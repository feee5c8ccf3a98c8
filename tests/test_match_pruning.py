"""Pruning before evidence (match.scoring, match.pieces): a pair pruned is a pair the full evidence rejects.

The matcher drops a pair that no rule could lift into the review band before the costly rules run. These
properties check the bounds against the rules themselves, on names built from pieces that exercise every
kind of evidence (entity kinds, subject + action, names found in pieces, listed actions, penalties).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quanze.match import MatchOptions, scoring
from quanze.match.pieces import could_find_pieces, piece_evidence
from quanze.match.scoring import (
    ENTITY_REASON,
    Prepared,
    Scorer,
    _out_of_reach,
    _structural_evidence,
    prepare,
    score_pair,
    similarity,
)
from quanze.models import Category

SUBJECTS = [
    "农药生产经营",
    "兽药经营许可证核发（普通兽药）",
    "企业",
    "内资企业",
    "外商投资企业",
    "公司",
    "合伙企业分支机构",
    "非公司企业法人",
    "营业单位、企业法人分支机构",
    "互联网上网服务营业场所经营单位",
    "娱乐场所",
    "个体演员",
    "个体演员和个体演出经纪人",
    "企业职工基本养老保险正常",
    "职工",
    "宗教活动场所",
    "民办职业培训学校",
    "食品生产",
    "食品经营",
    "道路旅客运输",
    "道路货物运输",
    "燃气经营",
    "护士",
]
ACTS = ["", "设立", "变更", "注销", "延续", "退休", "扩建", "开业", "设立、变更、注销", "申请从事经营活动的"]
TAILS = ["登记", "审批", "许可", "备案", "申请", "许可证核发", "（变更）", "（县级）", "", "的处罚"]

name = st.builds(
    lambda s, a, t: s + a + t, st.sampled_from(SUBJECTS), st.sampled_from(ACTS), st.sampled_from(TAILS)
)
DEPTS = [None, "县市场监管局", "县行政审批局", "县民宗局"]
CATEGORIES = [None, Category.LICENSING, Category.PENALTY]
prepared = st.builds(
    prepare,
    name,
    st.none() | name,
    st.none(),
    st.sampled_from(DEPTS),
    st.sampled_from(CATEGORIES),
)
# Pairs each kind of evidence links although their similarity is low: where a bound too tight would show.
EVIDENCE_PAIRS = [
    ("企业职工基本养老保险正常退休申请", "职工退休申请"),
    ("个体演员备案", "个体演员和个体演出经纪人备案"),
    ("个体演员备案证明补证备案", "个体演员和个体演出经纪人备案"),
    (
        "互联网上网服务营业场所经营单位变更地址",
        "互联网上网服务营业场所经营单位申请从事互联网上网服务经营活动许可",
    ),
    (
        "互联网上网服务营业场所经营单位改建、扩建",
        "互联网上网服务营业场所经营单位申请从事互联网上网服务经营活动许可",
    ),
    ("娱乐场所申请变更法定代表人、主要负责人", "内资娱乐场所申请从事娱乐场所经营活动的许可"),
    ("游艺娱乐场所延续", "内资娱乐场所申请从事娱乐场所经营活动的许可"),
    ("公司设立登记", "内资企业登记"),
    ("合伙企业分支机构变更登记", "内资企业登记"),
    ("营业单位、企业法人分支机构开业登记", "内资企业登记"),
    ("外商投资公司分公司设立登记", "外商投资企业登记"),
    ("户口注销", "户口登记（包括注销、恢复、变更）"),
    ("公司注销登记", "企业设立、变更、注销登记"),
    ("宗教活动场所终止审批", "宗教活动场所登记、注销或者变更登记内容审批"),
    ("民办职业培训学校设立审批（县级）", "民办职业培训学校设立、分立、合并、变更及终止审批"),
    ("食用菌菌种生产经营许可证核发（栽培种）", "食用菌菌种生产许可"),
    (
        "历史建筑实施原址保护",
        "历史文化街区、名镇、名村核心保护范围内拆除历史建筑以外的建筑物、构筑物或者其他设施审批",
    ),
    ("对未经批准举办营业性演出的处罚", "举办营业性演出审批"),
]
evidence_pair = st.sampled_from(EVIDENCE_PAIRS).flatmap(
    lambda pair: st.tuples(
        st.builds(prepare, st.just(pair[0]), st.none(), st.none(), st.sampled_from(DEPTS)),
        st.builds(prepare, st.just(pair[1]), st.none(), st.none(), st.sampled_from(DEPTS)),
    )
)
options = st.builds(
    MatchOptions,
    review_threshold=st.sampled_from([0.0, 50.0, 60.0, 65.0, 70.0, 80.0]),
    same_department_bonus=st.sampled_from([0.0, 3.0, 10.0, 20.0]),
    entity_kinds=st.sampled_from([{}, {"经营单位": ("互联网上网服务营业场所",)}]),
)


@settings(max_examples=600, deadline=None)
@given(prepared, prepared, st.none() | prepared, options)
def test_a_pruned_pair_is_a_pair_the_full_evidence_rejects(
    src: Prepared, tgt: Prepared, parent: Prepared | None, opts: MatchOptions
) -> None:
    full = score_pair(src, tgt, opts, code_exact=None, parent=parent, prune=False)
    assert score_pair(src, tgt, opts, code_exact=None, parent=parent) == full
    assert Scorer(opts)(src, tgt, code_exact=None, parent=parent) == full


@settings(max_examples=400, deadline=None)
@given(evidence_pair, options)
def test_pruning_keeps_what_each_kind_of_evidence_links(
    pair: tuple[Prepared, Prepared], opts: MatchOptions
) -> None:
    for src, tgt in (pair, pair[::-1]):
        full = score_pair(src, tgt, opts, code_exact=None, parent=None, prune=False)
        assert score_pair(src, tgt, opts, code_exact=None, parent=None) == full


@settings(max_examples=600, deadline=None)
@given(prepared, prepared, st.floats(min_value=0.0, max_value=100.0))
def test_structural_evidence_that_cannot_beat_the_similarity_is_not_looked_for(
    src: Prepared, tgt: Prepared, above: float
) -> None:
    opts = MatchOptions()
    full = _structural_evidence(src, tgt, opts)
    floored = _structural_evidence(src, tgt, opts, above=above)
    if full is not None and (full[0] > above or full[1].startswith(ENTITY_REASON)):
        assert floored == full  # an entity kind is always found: it also settles a key-word clash
    else:
        assert floored is None or floored == full


piece_text = st.text(alphabet="企业职工退休申请登记备案个体演员和经纪人公司", min_size=0, max_size=18)


@settings(max_examples=1000, deadline=None)
@given(piece_text, piece_text, st.booleans())
def test_pieces_are_found_only_where_the_cheap_bound_allows(item: str, power: str, bare: bool) -> None:
    if not could_find_pieces(item, power, bare=bare):
        assert piece_evidence(item, power, bare=bare) is None


def test_the_bound_lets_through_names_found_in_pieces() -> None:
    # 职工退休申请 is found in two pieces in the longer name: the bound must not prune it.
    assert could_find_pieces("企业职工基本养老保险正常退休申请", "职工退休申请")
    assert piece_evidence("企业职工基本养老保险正常退休申请", "职工退休申请") is not None
    assert not could_find_pieces("食品生产许可", "道路旅客运输经营许可")


def test_pruning_keeps_a_structural_link_with_a_low_similarity() -> None:
    # 内资企业登记 covers 公司设立登记 by entity kind although their similarity is low.
    opts = MatchOptions()
    src = prepare("公司设立登记", None, None, None)
    tgt = prepare("内资企业登记", None, None, None)
    assert similarity(src.core, tgt.core) < opts.review_threshold
    assert not _out_of_reach(src, tgt, similarity(src.core, tgt.core), opts)
    cand = score_pair(src, tgt, opts, code_exact=None, parent=None)
    assert cand is not None and "主体类别" in cand.reason


def test_an_entity_kind_is_found_however_similar_the_names() -> None:
    # It settles a key-word clash as well as scoring: a high similarity does not make it moot.
    src = prepare("合伙企业设立登记", None, None, None)
    tgt = prepare("企业设立登记", None, None, None)
    assert similarity(src.core, tgt.core) >= 86.0
    full = _structural_evidence(src, tgt, MatchOptions())
    assert full is not None and full[1].startswith(ENTITY_REASON)
    assert _structural_evidence(src, tgt, MatchOptions(), above=99.0) == full


def test_a_catalogue_matched_with_pruning_links_what_the_full_rules_link(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every evidence pair and a spread of built names, in three units with their own departments.
    from quanze.match import match_catalogue
    from quanze.models import PowerItem, Provenance, ServiceItem

    src = Provenance(file="t", sheet="s", row=1)
    built = [s + a + t for s in SUBJECTS[::2] for a in ACTS[::3] for t in TAILS[::3]]
    power_names = sorted({p for _, p in EVIDENCE_PAIRS} | set(built[::2]))
    item_names = sorted({i for i, _ in EVIDENCE_PAIRS} | set(built[1::2]))
    units = ["东城县", "西河县", "南山县"]
    powers = [
        PowerItem(name=n, role="single", department=f"{u}{DEPTS[k % 4] or '县政府办'}", unit=u, source=src)
        for u in units
        for k, n in enumerate(power_names)
    ]
    services = [
        ServiceItem(name=n, department=f"{u}{DEPTS[k % 3 + 1]}", unit=u, source=src)
        for u in units
        for k, n in enumerate(item_names)
    ]

    def signature() -> object:
        r = match_catalogue(powers, services, units=units, workers=1)
        return [(lk.power, lk.service, lk.score, lk.status, lk.reason) for lk in r.links], r.orphans

    pruned = signature()
    full_rules = scoring._name_evidence

    def unpruned(*args: object, **kwargs: object) -> object:
        return full_rules(*args, **{**kwargs, "prune": False})

    monkeypatch.setattr(scoring, "_name_evidence", unpruned)
    assert signature() == pruned
    assert pruned[0]  # the case links something


def _out_of_reach_in_turn(src: Prepared, tgt: Prepared, sim: float, opts: MatchOptions) -> bool:
    """The bound as first written: the rules tried in turn from the highest score (the reference)."""
    most = sim
    if most < scoring._ENTITY_SCORE and scoring._entity_possible(src, tgt, opts.entity_vocabulary()):
        most = scoring._ENTITY_SCORE
    elif most < scoring._SUBJECT_SCORE and (
        scoring._subject_possible(src.full, tgt) or scoring.business_kind(src.core, tgt.core) is not None
    ):
        most = scoring._SUBJECT_SCORE
    elif most < scoring.PIECES_MOST and (
        could_find_pieces(src.core, tgt.core)
        or (tgt.alt_core is not None and could_find_pieces(src.core, tgt.alt_core))
        or any(scoring.closes_with_act(p) and could_find_pieces(src.core, p, bare=False) for p in tgt.parts)
    ):
        most = scoring.PIECES_MOST
    best = most + max(opts.same_department_bonus, 0.0) + 1e-6
    return max(0.0, min(100.0, round(best, 1))) < opts.review_threshold


@settings(max_examples=600, deadline=None)
@given(prepared, prepared, st.floats(0.0, 100.0), options)
def test_the_bound_tries_the_cheapest_rule_first_with_the_same_answer(
    src: Prepared, tgt: Prepared, sim: float, opts: MatchOptions
) -> None:
    assert _out_of_reach(src, tgt, sim, opts) == _out_of_reach_in_turn(src, tgt, sim, opts)


@settings(max_examples=300, deadline=None)
@given(evidence_pair, st.floats(0.0, 100.0), options)
def test_the_bound_on_evidence_pairs_is_the_one_tried_in_turn(
    pair: tuple[Prepared, Prepared], sim: float, opts: MatchOptions
) -> None:
    src, tgt = pair
    assert _out_of_reach(src, tgt, sim, opts) == _out_of_reach_in_turn(src, tgt, sim, opts)


@settings(max_examples=400, deadline=None)
@given(prepared, prepared, options)
def test_entity_kinds_remembered_by_name_answer_as_the_plain_test(
    src: Prepared, tgt: Prepared, opts: MatchOptions
) -> None:
    kinds = opts.entity_vocabulary()
    assert scoring._entity_kinds_met(src.full, tgt, kinds) == scoring._entity_possible(src, tgt, kinds)


def _could_find_pieces_in_turn(item: str, power: str, *, bare: bool = True) -> bool:
    """The pieces bound as first written: four coverage tests, each with its own set difference."""

    def covers(short: str, long_: str) -> bool:
        n = len(short)
        if n < 5:
            return False
        missing = set(short) - set(long_)
        if not missing:
            return True
        if (n - len(missing)) / n < 0.9:
            return False
        return (n - sum(short.count(ch) for ch in missing)) / n >= 0.9

    from quanze.match.pieces import _bare

    if covers(power, item) or covers(item, power):
        return True
    return bare and (covers(_bare(power), item) or covers(_bare(item), power))


@settings(max_examples=1500, deadline=None)
@given(piece_text, piece_text, st.booleans())
def test_the_pieces_bound_on_shared_letters_answers_as_the_four_tests(
    item: str, power: str, bare: bool
) -> None:
    # The shortcut (too few shared characters for any test) must not change the answer of the tests.
    assert could_find_pieces(item, power, bare=bare) == _could_find_pieces_in_turn(item, power, bare=bare)


@settings(max_examples=600, deadline=None)
@given(prepared, prepared)
def test_the_sides_worked_out_once_a_name_answer_as_the_pair_checks(src: Prepared, tgt: Prepared) -> None:
    # Near forms and variants read from each name's side give what the pair's own checks give.
    from quanze.match.scoring import _near_forms, _qualified_form, _variant_of

    near = None
    for text in {src.core, src.full}:
        for name, core, name_stem, core_stem, how in _near_forms(text):
            if tgt.core in (name, core) or tgt.stem in (name_stem, core_stem):
                near = near or how
        if near is not None:
            break
    qualified = _qualified_form(src.core)
    if near is None and qualified is not None and not tgt.qualifiers:
        name, core, name_stem, core_stem, how = qualified
        if tgt.core in (name, core) or tgt.stem in (name_stem, core_stem):
            near = how
    assert scoring._near_exact(src, tgt) == near
    assert _variant_of(src, tgt) == _variant_in_turn(src, tgt)


def _variant_in_turn(src: Prepared, tgt: Prepared) -> tuple[str, str, str] | None:
    """`_variant_of` as first written, every name worked out for the pair."""
    from quanze.match.evidence import fused_parts, unqualified
    from quanze.match.scoring import action_stem
    from quanze.normalize import split_name

    plain = unqualified(src.core) if src.qualifiers else None
    fused = fused_parts(tgt.core)
    if plain is None and not fused:
        return None
    name = plain or src.core
    core = split_name(name).core
    stems = {action_stem(name), action_stem(core), action_stem(core.removesuffix("证"))}
    for power in (*((tgt.core, *tgt.parts) if plain else ()), *fused):
        if action_stem(power) in stems:
            if plain is not None:
                return name, power, f"办理项名称限定了该事项的主体：{src.core[len(plain) :]}"
            return name, power, f"该事项名称合写两项活动，办理项为其一：{power}"
    return None
