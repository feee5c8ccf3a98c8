"""Review links by name alone that show another act on the power's object, or no subject in common, rank last."""

from __future__ import annotations

from quanze.match import Status, match_catalogue
from quanze.match.doubts import (
    ANOTHER_ACT_NOTE,
    KIND_NOTE,
    NO_SUBJECT_NOTE,
    TIE_MARK,
    another_act,
    closing_kind,
    no_common_subject,
    rank_doubtful,
)
from quanze.match.explain import explain_service
from quanze.match.model import MatchOptions, Method
from quanze.match.scoring import prepare, prepare_power
from quanze.match.settle import Tied, carried, is_tied
from quanze.match.sub_acts import narrow_by_act
from quanze.models import PowerItem, Provenance, ServiceItem

SRC = Provenance(file="t", sheet="s", row=1)


def reviewed(power: str, item: str) -> tuple[float, str] | None:
    """The score and reason of the one review link between a power and an item, else None."""
    result = match_catalogue(
        [PowerItem(name=power, role="single", source=SRC)],
        [ServiceItem(name=item, unit="东城县", source=SRC)],
    )
    found = [(lk.score, lk.reason) for lk in result.links if lk.status is Status.REVIEW]
    return found[0] if found else None


def kept_score(power: str, item: str) -> float | None:
    """The score of the one link (matched or review) between a power and an item, else None."""
    result = match_catalogue(
        [PowerItem(name=power, role="single", source=SRC)],
        [ServiceItem(name=item, unit="东城县", source=SRC)],
    )
    return result.links[0].score if result.links else None


def test_another_act_on_the_powers_object_is_read_from_both_names() -> None:
    power = "公共租赁住房保障资金使用审批、备案"
    assert another_act("公共租赁住房保障资金交存", power) == ("公共租赁住房保障资金", "使用")
    assert another_act("公共租赁住房保障资金使用变更", power) is None  # the power's own act
    assert another_act("公共租赁住房保障资金变更", power) is None  # a handling act of the power
    assert another_act("公共租赁住房保障资金分户账更名", power) is None  # more than one act word
    assert another_act("公共租赁住房保障资金交存", "公共租赁住房保障资金管理") is None  # no granting word


def test_names_sharing_only_licence_words_have_no_common_subject() -> None:
    assert no_common_subject("花卉经营许可", "兽药经营许可")
    assert not no_common_subject("兽药经营许可证变更", "兽药经营许可")


def test_a_doubtful_review_link_is_kept_at_the_bottom_of_the_band_with_its_doubt() -> None:
    plain = reviewed("建设工程竣工验收备案", "燃气工程竣工验收备案")
    assert plain is not None and plain[0] == 80.0 and "可能是同一对象" not in plain[1]
    other_act = reviewed("建设工程竣工验收备案", "建设工程竣工结算备案")
    assert other_act is not None and other_act[0] == 65.0
    assert ANOTHER_ACT_NOTE.split("“")[0] in other_act[1] and "验收" in other_act[1]


def test_a_link_by_wording_with_no_subject_in_common_is_dropped() -> None:
    """Names that share only 经营许可 (兽药 / 花卉; 港口 / 潜水) are not a candidate a person needs: kept in review,
    they turned a sure 权限悬空 into 待复核 and seeded a code family's proposals (港口经营许可 ← sports licences)."""
    assert reviewed("兽药经营许可", "花卉经营许可") is None


def test_links_by_the_names_structure_are_not_doubted() -> None:
    # 公司 is a kind of 企业: the names share no words by design; the link keeps its score.
    entity = reviewed("企业设立、变更、注销登记", "公司设立登记")
    assert entity is not None and entity[0] > 65.0 and NO_SUBJECT_NOTE not in entity[1]


def test_explain_names_the_doubt() -> None:
    powers = [PowerItem(name="兽药经营许可", role="single", source=SRC)]
    shown = explain_service(powers, [ServiceItem(name="花卉经营许可", unit="东城县", source=SRC)], 0)
    (cand,) = shown.candidates
    assert cand.status == "dropped" and NO_SUBJECT_NOTE in cand.why


def test_a_filing_against_a_licence_is_doubted_as_another_kind() -> None:
    assert closing_kind("桑蚕种经营备案") == "备案"
    assert closing_kind("桑蚕种经营许可证核发(一代杂交种)") == "许可"
    assert closing_kind("桑蚕种经营许可变更") == "许可"
    assert closing_kind("桑蚕种经营情况报告") is None
    link = reviewed("桑蚕种经营许可证核发", "桑蚕种经营备案")
    assert link is not None and link[0] == 65.0 and KIND_NOTE.format(item="备案", power="许可") in link[1]
    # A licence's own handling item keeps its score.
    own = kept_score("桑蚕种经营许可证核发", "桑蚕种经营许可变更")
    assert own is not None and own > 65.0


def test_settling_a_dispute_against_a_filing_is_doubted_as_another_kind() -> None:
    assert closing_kind("装修工程价款结算纠纷调解") == "调解裁决"
    assert closing_kind("装修工程招标活动投诉的处理") == "调解裁决"
    link = reviewed("装修工程价款结算纠纷调解", "装修工程价款结算备案")
    assert link is not None and link[0] == 65.0
    assert KIND_NOTE.format(item="备案", power="调解裁决") in link[1]
    # A dispute's own item (…纠纷…的裁决) keeps its score.
    own = kept_score(
        "对客运经营者在发车时间安排上发生纠纷的裁决",
        "对客运经营者在发车时间安排上发生纠纷客运站协调无效的裁决",
    )
    assert own is not None and own > 65.0


def test_a_tie_between_sub_items_naming_other_acts_than_the_item_ranks_last() -> None:
    main = "民办美术培训学校设立、分立、合并、变更及终止审批"
    subs = [f"民办美术培训学校{act}审批" for act in ("设立", "分立", "合并", "变更", "终止")]
    powers = [PowerItem(name=main, sub_item=sub, role="sub", source=SRC) for sub in subs]
    # Each item names the main item (主项名称), which ties the sub-items.
    items = [
        ServiceItem(name=n, unit="东城县", parent_power_name=main, source=SRC)
        for n in ("民办美术培训学校办学许可证延续审批(县级)", "民办美术培训学校分立、合并审批(县级)")
    ]
    result = match_catalogue(powers, items)
    renewal = [lk for lk in result.links if lk.service == 0]
    assert renewal and all(lk.status is Status.REVIEW for lk in renewal)
    # Tied between sub-items none of which names 延续: each link ranks last, with the doubt named.
    assert all(lk.score == 65.0 and "延续" in lk.reason and "各子项" in lk.reason for lk in renewal)
    # An item naming the sub-items' own acts keeps its place.
    split = [lk for lk in result.links if lk.service == 1]
    assert split and all(lk.score > 65.0 and "各子项" not in lk.reason for lk in split)
    # The tie is a flag on the link, and the reason still tells a person.
    assert all(TIE_MARK in lk.reason for lk in renewal)


def test_a_tie_is_read_from_the_links_flag_not_from_its_reason() -> None:
    sub = prepare_power(
        PowerItem(
            name="民办美术培训学校设立、分立审批", sub_item="民办美术培训学校分立审批", role="sub", source=SRC
        )
    )
    item = prepare("民办美术培训学校办学许可证延续审批", None, None, None, None)
    link = (0, 80.0, Method.FUZZY, Status.REVIEW, "名称相似度80")
    flagged = {0: [Tied(link)]}
    rank_doubtful([0], {0: item}, flagged, [sub], MatchOptions())
    assert flagged[0][0][1] == MatchOptions().review_threshold and "各子项" in flagged[0][0][4]
    assert is_tied(flagged[0][0])  # the doubt noted, the link is still the tie it was
    # The words alone are no flag: a reason quoting the tie (a partner row's, a person's note) is not a tie.
    worded = {0: [(0, 80.0, Method.CODE, Status.REVIEW, f"名称相似度80；{TIE_MARK}")]}
    rank_doubtful([0], {0: item}, worded, [sub], MatchOptions())
    assert worded[0][0][1] == 80.0


def test_narrowing_by_act_keeps_the_tie_flag() -> None:
    main = "护士执业注册许可"
    subs = [
        prepare_power(PowerItem(name=main, sub_item=s, role="sub", source=SRC))
        for s in ("护士执业首次注册", "护士执业延续注册", "护士执业注销注册")
    ]
    item = prepare("护士延续执业注册", None, None, None, None)
    found = {0: [Tied((t, 80.0, Method.FUZZY, Status.REVIEW, "名称相似度80")) for t in range(3)]}
    narrow_by_act([0], found, {0: item}, subs)
    assert [f[0] for f in found[0]] == [1] and is_tied(found[0][0])
    assert carried(found[0][0], (2, 1.0, Method.FUZZY, Status.REVIEW, "")) == (
        2,
        1.0,
        Method.FUZZY,
        Status.REVIEW,
        "",
    )
    assert not is_tied(
        carried((0, 1.0, Method.FUZZY, Status.REVIEW, ""), (2, 1.0, Method.FUZZY, Status.REVIEW, ""))
    )


def test_a_name_closing_with_a_things_handling_is_no_settling_of_a_dispute() -> None:
    # 处理 settles a dispute or a complaint only (…纠纷处理, …投诉的处理); 污水处理 and 废物处理 name a thing.
    assert closing_kind("水事纠纷处理") == "调解裁决"
    assert closing_kind("政府采购供应商投诉处理(县级)") == "调解裁决"
    assert closing_kind("劳动人事争议的处理") == "调解裁决"
    assert closing_kind("城镇污水处理") is None
    assert closing_kind("医疗废物处理") is None
    # So a treatment item reviewed against a filing on the same works is not doubted as another kind of item.
    found = reviewed("农村生活污水处理设施运营备案", "农村生活污水处理")
    assert found is not None and found[0] > 65.0 and "调解裁决" not in found[1]
