"""An item nothing links, named just under the review line, that holds a run of words one power alone holds is
proposed for that power, in review."""

from __future__ import annotations

from quanze.match import MatchOptions, Method, Status, match_catalogue
from quanze.match.candidates import Index
from quanze.match.distinct_runs import distinct_run, entity_runs, opens_words, other_grant
from quanze.match.explain import explain_service
from quanze.match.scoring import prepare_power
from quanze.models import PowerItem, Provenance, ServiceItem

SRC = Provenance(file="t", sheet="s", row=1)
# Invented on the shape of real ones (a real name here would leave the held-out sets of tools/quality.py).
HEAT = "因工程建设需要拆除、改动、迁移燃气、供热与热力设施审批"
ITEM = "拆除、移动城镇燃气与热力设施方案审核"
OTHERS = ["燃气经营许可证核发", "营业性演出审批"]


def links(
    powers: list[str], names: list[str], options: MatchOptions | None = None
) -> dict[str, set[tuple[str, Status]]]:
    items = [ServiceItem(name=n, unit="东城县", source=SRC) for n in names]
    out: dict[str, set[tuple[str, Status]]] = {n: set() for n in names}
    result = match_catalogue(
        [PowerItem(name=p, role="single", source=SRC) for p in powers], items, options=options
    )
    for lk in result.links:
        out[names[lk.service]].add((powers[lk.power], lk.status))
    return out


def run_of(name: str, powers: list[str]) -> tuple[int, str] | None:
    targets = [prepare_power(PowerItem(name=p, role="single", source=SRC)) for p in powers]
    return distinct_run([name], targets, Index(targets).postings)


def test_a_near_miss_holding_a_run_one_power_alone_holds_is_proposed_for_review() -> None:
    assert links([HEAT, *OTHERS], [ITEM]) == {ITEM: {(HEAT, Status.REVIEW)}}
    (link,) = match_catalogue(
        [PowerItem(name=p, role="single", source=SRC) for p in [HEAT, *OTHERS]],
        [ServiceItem(name=ITEM, unit="东城县", source=SRC)],
    ).links
    assert link.method is Method.FUZZY and "热力设施" in link.reason and "仅该事项名称含此" in link.reason


def test_names_far_apart_are_not_proposed_on_a_run() -> None:
    far = "热力设施年度运行情况统计报送"
    assert run_of(far, [HEAT, *OTHERS]) == (0, "热力设施")
    assert links([HEAT, *OTHERS], [far]) == {far: set()}


def test_a_run_two_powers_hold_proposes_nothing() -> None:
    powers = [HEAT, "热力设施安全评估审查", *OTHERS]
    assert run_of(ITEM, powers) is None
    assert links(powers, [ITEM]) == {ITEM: set()}


def test_a_filing_is_not_proposed_for_a_licence_on_a_shared_run() -> None:
    filing = "拆除、移动城镇燃气与热力设施方案备案"
    assert run_of(filing, [HEAT, *OTHERS]) == (0, "热力设施")
    assert links([HEAT, *OTHERS], [filing]) == {filing: set()}


WHO = (("单位", ("机关事业单位", "企业")),)


def test_a_kind_of_entity_is_no_run_of_a_thing() -> None:
    # 机关事业单位 names who applies, not what for.
    power = "机关事业单位工作人员年度考核备案"
    targets = [prepare_power(PowerItem(name=power, role="single", source=SRC))]
    postings = Index(targets).postings
    assert distinct_run(["机关事业单位退休人员信息采集"], targets, postings) == (0, "机关事业单位")
    assert "机关事业单" in entity_runs(WHO) and "事业单位" in entity_runs(WHO)
    assert distinct_run(["机关事业单位退休人员信息采集"], targets, postings, entity_runs(WHO)) is None


def test_a_short_form_is_read_in_full() -> None:
    power = "高等学校等毕业生档案转递"
    targets = [prepare_power(PowerItem(name=p, role="single", source=SRC)) for p in [power, *OTHERS]]
    postings = Index(targets).postings
    assert distinct_run(["高校毕业生报到手续"], targets, postings) is None
    assert distinct_run(["高校毕业生报到手续", "高等学校毕业生报到手续"], targets, postings) == (
        0,
        "高等学校",
    )


def test_an_item_granting_another_act_on_the_thing_is_not_proposed() -> None:
    # 购用 against 邮寄: the same drugs, another power.
    assert other_grant("放射性药品和第一类医疗用毒性药品购用许可", "放射性药品、毒性药品邮寄许可")
    # An act the power lists is no other act (…运输许可 under …清扫、收集、运输、处理服务审批).
    assert not other_grant("城乡建筑垃圾经营性运输许可", "从事建筑垃圾经营性清扫、收集、运输、处理服务审批")
    item = "放射性药品和第一类医疗用毒性药品购用许可变更"
    assert links(["放射性药品、毒性药品邮寄许可", *OTHERS], [item]) == {item: set()}


def test_explain_names_the_run() -> None:
    powers = [PowerItem(name=p, role="single", source=SRC) for p in [HEAT, *OTHERS]]
    shown = explain_service(powers, [ServiceItem(name=ITEM, unit="东城县", source=SRC)], 0)
    (cand,) = [c for c in shown.candidates if c.name == HEAT]
    assert cand.status == "review" and "热力设施" in cand.reason


def coded(
    powers: list[str], names: list[str], stem: str = "511A0999800"
) -> dict[str, set[tuple[str, Status]]]:
    items = [
        ServiceItem(name=n, code=f"{stem}{k:03d}", unit="东城县", source=SRC) for k, n in enumerate(names, 1)
    ]
    out: dict[str, set[tuple[str, Status]]] = {n: set() for n in names}
    for lk in match_catalogue([PowerItem(name=p, role="single", source=SRC) for p in powers], items).links:
        out[names[lk.service]].add((powers[lk.power], lk.status))
    return out


PESTICIDE = "除剧毒农药、限用农药外其他农药（不含分装）经营许可"
_LONG = "除从事剧毒、限用农药专营的企业外，县域内从事农药经营活动的单位，不带有分装设施经营除剧毒农药、限用农药以外的其他农药企业"
PESTICIDES = [f"{_LONG}经营许可证核发", f"{_LONG}经营许可证变更审查"]


def test_a_family_whose_far_names_hold_one_powers_run_is_proposed() -> None:
    # Each long name scores far below the line; both hold runs only that power holds, and the family agrees.
    found = coded([PESTICIDE, *OTHERS], PESTICIDES)
    assert found == {n: {(PESTICIDE, Status.REVIEW)} for n in PESTICIDES}
    # Without the codes (no family) or with one member alone, nothing.
    assert links([PESTICIDE, *OTHERS], PESTICIDES) == {n: set() for n in PESTICIDES}
    assert coded([PESTICIDE, *OTHERS], PESTICIDES[:1]) == {PESTICIDES[0]: set()}


SHELTER = "应建防灾避难场所的民用建筑项目报建审批"
SHELTERS = ["应建防灾避难场所易地建设费核定", "建筑防灾工程竣工验收", "建筑防灾工程质量监督"]


def test_a_small_familys_siblings_follow_the_member_a_run_proposed() -> None:
    found = coded([SHELTER, "林木采伐许可证核发", *OTHERS], SHELTERS)
    assert found == {n: {(SHELTER, Status.REVIEW)} for n in SHELTERS}
    result = match_catalogue(
        [PowerItem(name=SHELTER, role="single", source=SRC)],
        [
            ServiceItem(name=n, code=f"511A0999800{k:03d}", unit="东城县", source=SRC)
            for k, n in enumerate(SHELTERS, 1)
        ],
    )
    sibling = next(lk for lk in result.links if lk.service == 1)
    assert sibling.method is Method.CODE and "应建防灾避难场所" in sibling.reason and "建筑" in sibling.reason
    # Without the codes the family says nothing (the catalogue's row order may: test_row_order); a large
    # family's one member says nothing of the rest.
    uncoded = match_catalogue(
        [PowerItem(name=p, role="single", source=SRC) for p in [SHELTER, *OTHERS]],
        [ServiceItem(name=n, unit="东城县", source=SRC) for n in SHELTERS],
    ).links
    assert not [lk for lk in uncoded if lk.service == 1 and "编码族" in lk.reason]
    many = [*SHELTERS, *(f"建筑防灾工程第{n}阶段审查" for n in range(3))]
    assert coded([SHELTER, *OTHERS], many)[SHELTERS[1]] == set()


def test_a_run_closing_a_thing_of_the_items_own_is_not_proposed() -> None:
    # 城镇职工医疗互助关系转移接续 is about 城镇职工医疗互助, not about the power's 退役人员… thing.
    assert not opens_words("医疗互助关系转移接续", ["城镇职工医疗互助关系转移接续"])
    assert opens_words("热力设施", [ITEM])  # …燃气与 | 热力设施方案…: opens a run of its own words
    assert opens_words("生活垃圾", ["城乡生活垃圾经营性清扫许可"])  # after 城乡 (two characters)
    power = "退役人员医疗互助关系转移接续申请"
    item = "城镇职工医疗互助关系转移接续"
    assert run_of(item, [power, *OTHERS]) == (0, "医疗互助关系转移接续")
    result = match_catalogue(
        [PowerItem(name=p, role="single", source=SRC) for p in [power, *OTHERS]],
        [ServiceItem(name=item, unit="东城县", source=SRC)],
    )
    assert not [lk for lk in result.links if "仅该事项名称含此" in lk.reason]
