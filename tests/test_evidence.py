"""Structural evidence: categories, listed actions, subject + action, entity kinds; each proposes what it should."""

from __future__ import annotations

from pathlib import Path

import pytest

from links import linked
from quanze.gaps import catalogue_gaps
from quanze.match import Status, match_catalogue
from quanze.match.evidence import (
    business_kind,
    category_from_name,
    entity_cover,
    expects_service_item,
    family_stem,
    fused_parts,
    listed_parts,
    subject_action,
    thing_between,
    unqualified,
)
from quanze.match.explain import explain_service
from quanze.models import Category, PowerItem, Provenance, ServiceItem
from quanze.normalize import name_key
from quanze.results import GapType

SRC = Provenance(file="t", sheet="s", row=1)


def power(
    name: str, category: Category | None = None, code: str | None = None, sub: str | None = None
) -> PowerItem:
    return PowerItem(
        name=name,
        sub_item=sub,
        role="sub" if sub else "single",
        code=code,
        category=category,
        department="市文旅局",
        source=SRC,
    )


def service(name: str, code: str | None = None, parent: str | None = None) -> ServiceItem:
    return ServiceItem(
        name=name, code=code, parent_power_name=parent, department="县文旅局", unit="东城县", source=SRC
    )


# ---------------------------------------------------------------------------------------------- categories


def test_a_penalty_never_links_to_a_licence_on_a_shared_noun() -> None:
    powers = [power("对未经批准举办营业性演出的处罚", Category.PENALTY)]
    services = [service("举办营业性演出审批")]
    assert linked(powers, services) == set()


def test_without_the_category_rule_the_same_pair_would_be_proposed() -> None:
    # The same names as a licence against a licence do reach review: the category is what keeps them apart.
    powers = [power("对未经批准举办营业性演出的审批", Category.LICENSING)]
    services = [service("举办营业性演出审批")]
    assert {s for _, _, s in linked(powers, services)} == {Status.REVIEW}


def test_a_penalty_named_so_is_known_without_a_category() -> None:
    assert category_from_name("对未经批准举办营业性演出的处罚") is Category.PENALTY
    assert category_from_name("查封、扣押有关场所和物品") is Category.COERCION
    assert category_from_name("对娱乐场所经营活动的监督检查") is Category.INSPECTION
    assert category_from_name("举办营业性演出审批") is None
    assert linked([power("对未经批准举办营业性演出的处罚")], [service("举办营业性演出审批")]) == set()


def test_a_penalty_still_links_to_its_own_service_item_by_exact_name() -> None:
    powers = [power("对未经批准举办营业性演出的处罚", Category.PENALTY)]
    assert {s for _, _, s in linked(powers, [service("对未经批准举办营业性演出的处罚")])} == {Status.MATCHED}


def test_the_no_service_item_gap_follows_the_expected_categories() -> None:
    powers = [
        power("对未经批准举办营业性演出的处罚", Category.PENALTY),
        power("营业性演出审批", Category.LICENSING),
    ]
    result = match_catalogue(powers, [], units=["东城县"])
    default = {
        g.item_name for g in catalogue_gaps(powers, [], result) if g.gap_type is GapType.NO_SERVICE_ITEM
    }
    assert default == {"营业性演出审批"}
    everything = catalogue_gaps(powers, [], result, expected=tuple(Category))
    assert {g.item_name for g in everything} == {"营业性演出审批", "对未经批准举办营业性演出的处罚"}
    assert (
        expects_service_item(None, "某某事项", ()) is True
    )  # unknown kind: expected, never silently dropped


def test_service_categories_is_a_config_setting(tmp_path: Path) -> None:
    from quanze.config import load_config

    cfg = tmp_path / "quanze.toml"
    cfg.write_text('[match]\nservice_categories = ["行政许可", "行政处罚"]\n', encoding="utf-8")
    assert load_config(cfg).match.service_categories == (Category.LICENSING, Category.PENALTY)
    cfg.write_text('[match]\nservice_categories = ["许可类事项"]\n', encoding="utf-8")
    from quanze.errors import ConfigError

    with pytest.raises(ConfigError, match="service_categories"):
        load_config(cfg)


# ---------------------------------------------------------------------------------------------- listed actions


def test_listed_actions_expand_into_parts() -> None:
    assert listed_parts(name_key("企业设立、变更、注销登记"))[:3] == (
        "企业设立登记",
        "企业变更登记",
        "企业注销登记",
    )
    assert "户口注销" in listed_parts(name_key("户口登记（包括注销、恢复、变更）"))
    assert listed_parts("食品生产许可") == ()
    # A list that starts with a word of its own: 经营 is listed with the acts after it.
    assert listed_parts("劳务派遣经营、变更、延续、注销许可")[:4] == (
        "劳务派遣经营许可",
        "劳务派遣变更许可",
        "劳务派遣延续许可",
        "劳务派遣注销许可",
    )


def test_a_listed_action_matches_and_the_reason_names_the_part() -> None:
    powers = [power("民办职业培训学校设立、分立、合并、变更及终止审批", Category.LICENSING)]
    result = match_catalogue(powers, [service("民办职业培训学校分立审批（县级）")])
    (lk,) = result.links
    assert lk.status is Status.MATCHED
    assert "民办职业培训学校分立审批" in lk.reason


def test_an_action_not_listed_is_not_matched() -> None:
    powers = [power("宗教活动场所登记、注销或者变更登记内容审批", Category.LICENSING)]
    found = linked(powers, [service("宗教活动场所终止审批"), service("宗教活动场所注销")])
    assert ("宗教活动场所注销", "宗教活动场所登记、注销或者变更登记内容审批", Status.MATCHED) in found
    assert all(s is not Status.MATCHED for n, _, s in found if n == "宗教活动场所终止审批")


# ---------------------------------------------------------------------------------------------- subject + action


def test_subject_and_action() -> None:
    item = name_key("互联网上网服务营业场所经营单位变更地址")
    owner = name_key("互联网上网服务营业场所经营单位申请从事互联网上网服务经营活动许可")
    assert subject_action(item, owner) == ("互联网上网服务营业场所经营单位", "变更")
    assert subject_action("食品经营许可变更", "食品生产许可") is None


def test_subject_and_action_proposes_for_review_with_the_reason() -> None:
    powers = [power("内资娱乐场所申请从事娱乐场所经营活动的许可", Category.LICENSING)]
    result = match_catalogue(powers, [service("娱乐场所申请变更法定代表人、主要负责人")])
    (lk,) = result.links
    assert lk.status is Status.REVIEW
    assert "主体相同（娱乐场所），办理动作：变更" in lk.reason


# ---------------------------------------------------------------------------------------------- entity kinds


def test_entity_kinds_cover_specific_items_and_keep_domestic_and_foreign_apart() -> None:
    for item in (
        "公司设立登记",
        "合伙企业分支机构变更登记",
        "非公司企业法人注销登记",
        "营业单位、企业法人分支机构开业登记",
    ):
        assert entity_cover(name_key(item), "内资企业登记") == "内资企业", item
        assert entity_cover(name_key(item), "外商投资企业登记") is None, item
    assert entity_cover("外商投资公司分公司设立登记", "内资企业登记") is None
    assert entity_cover("外商投资公司分公司设立登记", "外商投资企业登记") is not None


def test_the_laws_kinds_of_company_and_partnership_are_covered_by_their_general_kinds() -> None:
    for item in ("股份有限公司分公司注销登记", "有限责任公司设立登记", "非公司企业法人开业登记"):
        assert entity_cover(name_key(item), "企业法人及其分支机构登记") == "企业法人", item
        assert entity_cover(name_key(item), "合伙企业及其分支机构登记") is None, item
    assert entity_cover("有限合伙企业变更登记", "合伙企业及其分支机构登记") == "合伙企业"
    # A partnership is an enterprise but not an enterprise legal person; a foreign company is not a domestic one.
    assert entity_cover("有限合伙企业变更登记", "企业法人及其分支机构登记") is None
    assert entity_cover("外商投资公司设立登记", "企业法人及其分支机构登记") is None
    assert entity_cover("股份有限公司变更登记", "公司登记") == "公司"


def test_an_end_qualifier_does_not_hide_the_entity_kind() -> None:
    assert entity_cover(name_key("分公司变更登记（备案）"), "企业变更登记") == "企业"
    assert entity_cover(name_key("分公司变更登记（备案）"), "企业注销登记") is None


def test_entity_kinds_propose_for_review_only() -> None:
    powers = [power("内资企业登记", Category.LICENSING), power("外商投资企业登记", Category.LICENSING)]
    found = linked(powers, [service("合伙企业分支机构变更登记")])
    assert found == {("合伙企业分支机构变更登记", "内资企业登记", Status.REVIEW)}


def test_entity_kinds_reach_past_more_kinds_named_before_the_act() -> None:
    # The power names more kinds between its general kind and its act: the act alone must agree.
    for item in ("个人独资企业分支机构注销登记", "非公司企业法人设立登记", "合伙企业变更登记"):
        assert entity_cover(name_key(item), "内资企业及其分公司登记") == "内资企业", item
        assert entity_cover(name_key(item), "外商投资企业和分支机构登记") is None, item
    assert entity_cover("外商投资合伙企业分支机构设立登记", "外商投资企业和分支机构登记") is not None
    assert entity_cover("外商投资合伙企业分支机构设立登记", "内资企业及其分公司登记") is None
    # A filing with the registration authority is one of a registration's handling items.
    assert entity_cover("非公司企业法人备案", "内资企业及其分公司登记") == "内资企业"
    assert entity_cover("非公司企业法人备案", "内资企业登记") == "内资企业"
    assert entity_cover("非公司企业法人备案", "内资企业注销登记") is None
    # …and the power's own act after them, as a listed part gives it (内资企业及其分公司设立、注销登记).
    assert entity_cover("个人独资企业注销登记", "内资企业及其分公司注销登记") == "内资企业"
    assert entity_cover("个人独资企业变更登记", "内资企业及其分公司注销登记") is None
    found = linked(
        [power("内资企业及其分公司设立、注销登记", Category.LICENSING)], [service("个人独资企业注销登记")]
    )
    assert {s for _, _, s in found} == {Status.REVIEW}
    # Words that are not kinds of entity keep the power about something else, and the act must agree.
    assert entity_cover("个人独资企业设立登记", "企业名称预先登记") is None
    assert entity_cover("非公司企业法人设立审批", "内资企业及其分公司登记") is None


def test_entity_kinds_past_more_kinds_propose_for_review() -> None:
    powers = [
        power("内资企业及其分公司登记", Category.LICENSING),
        power("外商投资企业和分支机构登记", Category.LICENSING),
    ]
    items = [service("个人独资企业分支机构注销登记"), service("外商投资合伙企业分支机构设立登记")]
    assert linked(powers, items) == {
        ("个人独资企业分支机构注销登记", "内资企业及其分公司登记", Status.REVIEW),
        ("外商投资合伙企业分支机构设立登记", "外商投资企业和分支机构登记", Status.REVIEW),
    }


def test_entity_kinds_extend_in_config() -> None:
    powers = [power("内资企业登记", Category.LICENSING)]
    assert linked(powers, [service("农民专业合作社设立登记")]) == set()
    found = linked(powers, [service("农民专业合作社设立登记")], entity_kinds={"内资企业": ["农民专业合作社"]})
    assert found == {("农民专业合作社设立登记", "内资企业登记", Status.REVIEW)}


def test_near_twins_stay_apart() -> None:
    powers = [power("食品生产许可", Category.LICENSING), power("食品经营许可", Category.LICENSING)]
    found = linked(powers, [service("食品经营许可变更")])
    assert found == {("食品经营许可变更", "食品经营许可", Status.MATCHED)}


# ---------------------------------------------------------------------------------------------- code families


def test_family_stem() -> None:
    assert family_stem("511Z18278001") == "511Z18278"
    assert family_stem("511Z07001006-511602000000-000-11511301008778183N-1-00") == "511Z07001"
    assert family_stem("1234") is None


def _family(code_tail: str, name: str, parent: str | None = None) -> ServiceItem:
    return service(name, f"511Z18278{code_tail}-511602000000-000-11511301008778183N-1-00", parent)


def test_a_code_family_proposes_the_siblings_of_a_matched_item() -> None:
    powers = [
        power("机动车驾驶员培训备案", Category.OTHER),
        power("道路货物运输经营许可", Category.LICENSING),
    ]
    services = [_family("001", "机动车驾驶员培训备案"), _family("003", "教练车备案证办理（注销）")]
    found = linked(powers, services)
    assert found == {
        ("机动车驾驶员培训备案", "机动车驾驶员培训备案", Status.MATCHED),
        ("教练车备案证办理（注销）", "机动车驾驶员培训备案", Status.REVIEW),
    }
    # Without the family (another stem), the sibling is proposed for nothing.
    alone = [_family("001", "机动车驾驶员培训备案"), service("教练车备案证办理（注销）", "511Z99999003")]
    assert ("教练车备案证办理（注销）", "机动车驾驶员培训备案", Status.REVIEW) not in linked(powers, alone)


def test_a_family_shared_by_two_powers_stays_in_review() -> None:
    powers = [power("机动车驾驶员培训备案", Category.OTHER), power("教练车备案证办理", Category.OTHER)]
    services = [
        _family("001", "机动车驾驶员培训备案"),
        _family("002", "教练车备案证办理"),
        _family("010", "驾驶培训机构招生站点设置情况备案"),
    ]
    result = match_catalogue(powers, services)
    sibling = [lk for lk in result.links if lk.service == 2]
    assert {powers[lk.power].title for lk in sibling} == {"机动车驾驶员培训备案", "教练车备案证办理"}
    assert all(lk.status is Status.REVIEW and "编码族" in lk.reason for lk in sibling)


def test_a_parent_name_given_on_some_of_a_family_proposes_it_for_all() -> None:
    # On a real district's platform one code family in five holds items of several powers: the parent named
    # on some members proposes it for the others (review), and decides only with their own name's support.
    powers = [power("机动车驾驶员培训备案", Category.OTHER), power("机动车维修经营备案", Category.OTHER)]
    services = [
        _family("001", "教练车备案证办理（配发）", parent="机动车驾驶员培训备案"),
        _family("005", "驾驶培训机构招生站点设置情况备案", parent="未分类"),
    ]
    result = match_catalogue(powers, services)
    found = {(services[lk.service].name, powers[lk.power].title, lk.status): lk for lk in result.links}
    proposed = found[("驾驶培训机构招生站点设置情况备案", "机动车驾驶员培训备案", Status.REVIEW)]
    assert "基本目录名称" in proposed.reason
    assert all(p != "机动车维修经营备案" for _, p, _ in found)
    # A sibling whose own name supports the power is matched to it.
    services.append(_family("006", "机动车驾驶员培训备案（变更）"))
    assert ("机动车驾驶员培训备案（变更）", "机动车驾驶员培训备案", Status.MATCHED) in linked(
        powers, services
    )


def test_an_items_own_name_outweighs_a_parent_its_family_gives_it() -> None:
    # 511A18045: two items of 客运线路许可 and two of 客运线路经营主体、起讫地变更许可 under one stem.
    powers = [
        power("客运线路许可", Category.LICENSING),
        power("客运线路经营主体、起讫地变更许可", Category.LICENSING),
    ]
    services = [
        _family("001", "客运线路经营许可（变更）", parent="客运线路许可"),
        _family("002", "客运线路经营许可（终止运营）", parent="客运线路许可"),
        _family("003", "客运线路经营主体、起讫地变更许可（变更经营主体）"),
        _family("004", "客运线路经营主体、起讫地变更许可（变更起讫地）"),
    ]
    found = linked(powers, services)
    for name in (
        "客运线路经营主体、起讫地变更许可（变更经营主体）",
        "客运线路经营主体、起讫地变更许可（变更起讫地）",
    ):
        assert (name, "客运线路经营主体、起讫地变更许可", Status.MATCHED) in found
        assert not any(n == name and p == "客运线路许可" and st is Status.MATCHED for n, p, st in found)


# ---------------------------------------------------------------------------------------------- sub-items


def test_sub_items_pair_one_to_one_with_handling_items_under_the_same_main_item() -> None:
    main = "民办职业培训学校设立、分立、合并、变更及终止审批"
    subs = [
        "民办职业培训学校设立审批",
        "民办职业培训学校分立审批",
        "民办职业培训学校合并审批",
        "民办职业培训学校变更审批",
        "民办职业培训学校终止审批",
    ]
    powers = [power(main, Category.LICENSING, sub=f"{i}.{s}") for i, s in enumerate(subs, start=1)]
    services = [service(f"{s}（县级）", parent=main) for s in subs]
    found = linked(powers, services)
    assert len(found) == 5
    assert all(status is Status.MATCHED for _, _, status in found)
    assert {(name_key(n).removesuffix("(县级)"), p.split(".", 1)[1]) for n, p, _ in found} == {
        (s, s) for s in subs
    }


def test_a_licence_with_a_level_suffix_is_still_a_licence() -> None:
    powers = [power("对举办营业性演出违反规定行为的处罚", Category.PENALTY)]
    assert linked(powers, [service("举办营业性演出审批（市级/县级）")]) == set()


def test_a_penalty_keeps_a_service_item_that_is_not_licence_like() -> None:
    # A coercive measure entered on the platform under its own (noisy) name is still its item.
    powers = [power("暂扣无车辆营运证从事道路运输经营的车辆", Category.COERCION)]
    found = linked(powers, [service("暂扣无车辆营运证从事道路运输相关经营的车辆")])
    assert {p for _, p, _ in found} == {"暂扣无车辆营运证从事道路运输经营的车辆"}


def test_sub_items_differing_only_in_their_handling_word_pair_by_it() -> None:
    main = "娱乐场所经营许可"
    subs = ["娱乐场所经营许可证核发", "娱乐场所经营许可证变更审查", "娱乐场所经营许可证换证审查"]
    powers = [power(main, Category.LICENSING, sub=s) for s in subs]
    found = linked(powers, [service("娱乐场所经营许可证变更审查（县级）", parent=main)])
    assert found == {("娱乐场所经营许可证变更审查（县级）", "娱乐场所经营许可证变更审查", Status.MATCHED)}


def test_a_family_under_a_main_item_does_not_force_one_sub_item() -> None:
    main = "民办职业培训学校设立、分立、合并、变更及终止审批"
    subs = ["民办职业培训学校设立审批", "民办职业培训学校分立审批", "民办职业培训学校终止审批"]
    powers = [power(main, Category.LICENSING, sub=f"{i}.{s}") for i, s in enumerate(subs, start=1)]
    services = [
        service("民办职业培训学校设立审批(县级)", "511A14005001", parent=main),
        service("民办职业培训学校办学许可证延续审批(县级)", "511A14005004", parent=main),
    ]
    result = match_catalogue(powers, services)
    assert [(lk.power, lk.status) for lk in result.links if lk.service == 0] == [(0, Status.MATCHED)]
    assert all(lk.status is Status.REVIEW for lk in result.links if lk.service == 1)


def test_a_licence_with_a_variant_in_brackets_is_still_a_licence() -> None:
    powers = [power("对农药经营者未取得农药经营许可证经营农药等行为的处罚")]
    assert (
        linked(powers, [service("农药经营许可证延续（其他农药）"), service("机动车维修经营备案（终止）")])
        == set()
    )


def test_a_handling_item_of_a_licence_is_licence_like() -> None:
    powers = [power("对劳务派遣单位违反法律、法规有关劳务派遣规定的处罚", Category.PENALTY)]
    item = service("劳务派遣单位设立分公司书面报告(县级)")
    assert len(linked(powers, [item])) == 1  # alone, the name does not say it is a licence's item
    under = service("劳务派遣单位设立分公司书面报告(县级)", parent="劳务派遣经营许可")
    assert linked(powers, [under]) == set()


def test_a_handling_item_tied_by_its_main_item_is_reviewed_against_the_nearest_sub_items_only() -> None:
    main = "民办职业培训学校设立、分立、合并、变更及终止审批"
    subs = [
        "民办职业培训学校设立审批",
        "民办职业培训学校分立审批",
        "民办职业培训学校合并审批",
        "民办职业培训学校变更审批",
        "民办职业培训学校终止审批",
    ]
    powers = [power(main, Category.LICENSING, sub=f"{i}.{s}") for i, s in enumerate(subs, start=1)]
    found = linked(powers, [service("民办职业培训学校分立、合并审批(县级)", parent=main)])
    assert {p for _, p, _ in found} == {"2.民办职业培训学校分立审批", "3.民办职业培训学校合并审批"}
    assert {s for _, _, s in found} == {Status.REVIEW}


def test_a_family_does_not_add_back_sub_items_the_names_left_out() -> None:
    main = "民办职业培训学校设立、分立、合并、变更及终止审批"
    subs = [
        "民办职业培训学校设立审批",
        "民办职业培训学校分立审批",
        "民办职业培训学校合并审批",
        "民办职业培训学校终止审批",
    ]
    powers = [power(main, Category.LICENSING, sub=f"{i}.{s}") for i, s in enumerate(subs, start=1)]
    services = [
        service("民办职业培训学校设立审批(县级)", "511A14005001", parent=main),
        service("民办职业培训学校分立、合并审批(县级)", "511A14005002", parent=main),
    ]
    result = match_catalogue(powers, services)
    assert {powers[lk.power].title for lk in result.links if lk.service == 1} == {
        "2.民办职业培训学校分立审批",
        "3.民办职业培训学校合并审批",
    }


# ---------------------------------------------------------------------------------------------- near-exact


@pytest.mark.parametrize(
    ("item", "owner"),
    [
        ("护士变更执业注册", "护士执业注册"),
        ("兽药经营许可证核发（普通兽药）", "兽药经营许可证核发"),
        ("危险废物经营许可申请（市级）", "危险废物经营许可"),
    ],
)
def test_a_power_name_with_one_thing_added_is_matched(item: str, owner: str) -> None:
    found = linked([power(owner, Category.LICENSING)], [service(item)])
    assert found == {(item, owner, Status.MATCHED)}


def test_an_item_with_its_own_exact_power_is_not_made_ambiguous_by_the_general_one() -> None:
    powers = [
        power("兽药经营许可证核发", Category.LICENSING),
        power("兽药经营许可证核发（普通兽药）", Category.LICENSING),
    ]
    found = linked(powers, [service("兽药经营许可证核发（普通兽药）")])
    assert found == {("兽药经营许可证核发（普通兽药）", "兽药经营许可证核发（普通兽药）", Status.MATCHED)}


def test_a_qualifier_on_both_sides_still_keeps_near_twins_apart() -> None:
    powers = [power("种子生产经营许可（非主要农作物）", Category.LICENSING)]
    found = linked(powers, [service("种子生产经营许可（主要农作物）")])
    assert all(status is not Status.MATCHED for _, _, status in found)


def test_a_family_whose_reviewed_items_agree_proposes_that_power_to_the_rest() -> None:
    powers = [
        PowerItem(name="机动车驾驶员培训备案", source=SRC),
        PowerItem(name="道路货物运输经营许可", source=SRC),
    ]

    def item(name: str, tail: str) -> ServiceItem:
        return ServiceItem(name=name, code=f"511Z18278{tail}", unit="东城县", source=SRC)

    services = [
        item("机动车驾驶员培训教练员备案", "001"),
        item("机动车驾驶员培训教练场备案", "002"),
        item("教练车备案证办理（转出）", "003"),
    ]
    # Two members sure of the power by their own names, the third proposed by them: the family is settled.
    result = match_catalogue(powers, services)
    assert {(lk.service, lk.power, lk.status) for lk in result.links} == {
        (n, 0, Status.MATCHED) for n in range(3)
    }
    # One confidently reviewed item speaks for a small family (for review only); a doubtful one (a near-twin
    # warning) does not vote: the family is left to siblings.py, which only proposes the member (in review,
    # naming the word it shares) because every linked member points at that one power.
    alone = match_catalogue(powers, [services[0], services[2]])
    assert [(lk.power, lk.status) for lk in alone.links if lk.service == 1] == [(0, Status.REVIEW)]
    assert all("多指向该事项" in lk.reason for lk in alone.links if lk.service == 1)
    doubtful = [item("机动车驾驶培训机构备案", "001"), services[1], services[2]]
    proposed = [lk for lk in match_catalogue(powers, doubtful).links if lk.service == 2]
    assert [(lk.power, lk.status) for lk in proposed] == [(0, Status.REVIEW)]
    assert "多指向该事项" not in proposed[0].reason and "凭编码族提出" in proposed[0].reason


def test_a_wrong_doing_described_is_not_a_licence() -> None:
    from quanze.match.evidence import is_grant

    assert not is_grant(None, "未取得施工许可证或者开工报告未经批准擅自施工")
    assert is_grant(None, "使用林地审批")


# ---------------------------------------------------------------------------------------------- variants


def test_a_name_loses_only_the_qualifier_it_ends_with() -> None:
    assert unqualified("化肥经营许可证核发(复合肥)") == "化肥经营许可证核发"
    assert unqualified("化肥经营许可证核发") is None
    assert unqualified("登记(其他)") is None  # too little left to compare
    assert fused_parts("化肥生产经营审批") == ("化肥生产审批", "化肥经营审批")
    assert fused_parts("化肥经营审批") == ()


def test_an_item_on_a_variant_of_the_powers_subject_is_proposed_never_matched() -> None:
    powers = [power("化肥生产经营审批"), power("饲料添加剂登记")]
    items = [service("化肥经营许可证核发（复合肥）"), service("化肥经营许可证延续（复合肥）")]
    found = linked(powers, items)
    assert found == {(s.name, "化肥生产经营审批", Status.REVIEW) for s in items}
    result = match_catalogue(powers, items)
    assert all("办理项名称限定了该事项的主体：(复合肥)" in lk.reason for lk in result.links)


def test_an_item_on_one_of_two_activities_a_power_writes_as_one_word_is_proposed() -> None:
    powers = [power("化肥生产经营审批"), power("饲料添加剂登记")]
    result = match_catalogue(powers, [service("化肥经营许可证核发")])
    assert [(lk.power, lk.status) for lk in result.links] == [(0, Status.REVIEW)]
    assert "该事项名称合写两项活动，办理项为其一：化肥经营审批" in result.links[0].reason


def test_a_variant_of_a_power_that_names_its_own_variant_is_not_read_as_the_powers_subject() -> None:
    result = match_catalogue(
        [power("化肥经营许可证核发（有机肥）")], [service("化肥经营许可证核发（复合肥）")]
    )
    assert all("限定" not in lk.reason and lk.status is Status.REVIEW for lk in result.links)


def test_a_close_name_keeps_its_own_score_beside_a_fused_activity() -> None:
    found = linked([power("对饲料生产经营者网上交易进行备案")], [service("对饲料生产者网上交易进行备案")])
    assert {s for _, _, s in found} == {Status.MATCHED}


def test_explain_shows_a_variant_link_in_review_with_the_variant_named() -> None:
    powers = [power("化肥生产经营审批"), power("饲料添加剂登记")]
    explained = explain_service(powers, [service("化肥经营许可证延续（复合肥）")], 0)
    kept = [c for c in explained.candidates if c.status != "dropped"]
    assert [(c.name, c.status) for c in kept] == [("化肥生产经营审批", "review")]
    assert "办理项名称限定了该事项的主体：(复合肥)" in kept[0].reason


# ---------------------------------------------------------------------------------------------- kinds of business


def test_an_item_of_the_kind_of_business_a_power_names_is_one_of_its_items() -> None:
    assert business_kind("房产继承公证(指引)", "公证业务预约办理") == "公证"
    assert business_kind("出生医学证明公证", "公证业务预约办理") == "公证"
    assert business_kind("公证员执业注销", "公证业务预约办理") is None  # the kind is not its last word
    assert business_kind("房产继承公证", "公证员执业许可") is None  # the power names no kind of business
    assert business_kind("公证", "公证业务预约办理") is None  # names nothing more than the kind


def test_a_kind_of_business_proposes_its_items_for_review_and_explain_says_so() -> None:
    powers = [power("公证业务预约办理"), power("公证员执业许可")]
    items = [service("房产继承公证（指引）"), service("出生医学证明公证（指引）")]
    assert linked(powers, items) == {(s.name, "公证业务预约办理", Status.REVIEW) for s in items}
    explained = explain_service(powers, items, 0)
    kept = [c for c in explained.candidates if c.status != "dropped"]
    assert [c.name for c in kept] == ["公证业务预约办理"]
    assert kept[0].reason.startswith("该事项为一类业务（公证），办理项为其中一种")


# ---------------------------------------------------------------------------------------------- a thing between


def test_a_thing_the_power_names_between_a_shared_subject_and_act_is_found() -> None:
    assert thing_between("渔船/渔具转入", "渔船/渔具船员证书转入") == "船员证书"
    assert thing_between("渔船船员证书转入", "渔船船员证书遗失补办转入") is None  # acts only in between
    assert thing_between("渔船登记变更", "渔船登记、检验变更") is None  # a list after the subject
    assert thing_between("渔船工作制备案", "渔船工作工作制备案") is None  # a word the item names too
    assert thing_between("渔船/渔具转入", "渔船/渔具转出") is None
    assert thing_between("渔船档案封存", "渔船档案解除封存") is None  # an act
    assert thing_between("渔船船员认定", "渔船船员相关资格认定") is None  # words that name nothing
    assert thing_between("渔船登记变更", "渔船检验、登记变更") is None  # a list anywhere between


def test_a_shared_subject_and_act_around_a_thing_of_the_powers_own_is_reviewed_not_matched() -> None:
    found = linked([power("远洋渔船/远洋渔具船员证转入")], [service("远洋渔船/远洋渔具转入")])
    assert found == {("远洋渔船/远洋渔具转入", "远洋渔船/远洋渔具船员证转入", Status.REVIEW)}


def test_near_twins_stay_apart_beside_a_power_that_fuses_their_activities() -> None:
    powers = [power("食品生产许可"), power("食品经营许可"), power("食品生产经营者网上交易备案")]
    services = [service("食品生产许可变更"), service("食品经营许可延续（仅销售预包装食品）")]
    assert linked(powers, services) == {
        ("食品生产许可变更", "食品生产许可", Status.MATCHED),
        ("食品经营许可延续（仅销售预包装食品）", "食品经营许可", Status.MATCHED),
    }


def test_a_bracket_may_list_things_and_an_item_may_name_the_act_first() -> None:
    parts = listed_parts(name_key("户口登记（出生、迁移、注销）"))
    assert {"出生登记", "户口迁移", "注销户口登记"} <= set(parts)
    assert "开锁业备案" in listed_parts(name_key("特种行业备案（旧手机交易业、开锁业）"))
    assert "注销税务登记" in listed_parts(name_key("税务登记（设立、变更、注销）"))
    # One word in brackets is a qualifier, not a list; a bracket after a name ending in no act lists nothing.
    assert listed_parts(name_key("种子生产经营许可（主要农作物）")) == ()
    assert listed_parts(name_key("历史气象资料（温度、降水）")) == ()


def test_an_item_naming_a_listed_thing_or_the_act_first_is_proposed_with_the_part() -> None:
    powers = [
        power("户口登记（出生、迁移、注销）", Category.CONFIRMATION),
        power("税务登记（设立、变更、注销）"),
    ]
    found = linked(
        powers,
        [service("出生登记（婴儿落户）"), service("注销税务登记（县级行使）"), service("户口注销证明开具")],
    )
    assert ("出生登记（婴儿落户）", "户口登记（出生、迁移、注销）", Status.REVIEW) in found or (
        "出生登记（婴儿落户）",
        "户口登记（出生、迁移、注销）",
        Status.MATCHED,
    ) in found
    assert any(n == "注销税务登记（县级行使）" and p.startswith("税务登记") for n, p, _ in found)
    result = match_catalogue(powers, [service("注销税务登记（县级行使）")])
    assert "名称中列举的事项之一：注销税务登记" in result.links[0].reason


def test_explain_shows_the_parts_of_a_bracket_that_lists_things() -> None:
    from quanze.match.explain import explain_power

    powers = [power("户口登记（出生、迁移、注销）", Category.CONFIRMATION)]
    explained = explain_power(powers, [service("出生登记（婴儿落户）")], 0)
    assert "出生登记" in explained.listed_parts
    assert any(
        "名称中列举的事项之一：出生登记" in c.reason for c in explained.candidates if c.status != "dropped"
    )
