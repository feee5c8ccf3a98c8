"""Names read piece by piece: a main item that is another item, and a name found in pieces in another."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from quanze.match import Status, match_catalogue
from quanze.match.pieces import closes_with_act, coverage, parent_only_clash, piece_evidence, pieces
from quanze.models import PowerItem, Provenance, ServiceItem

SRC = Provenance(file="t", sheet="s", row=1)


def power(name: str) -> PowerItem:
    return PowerItem(name=name, role="single", department="市人社局", source=SRC)


def service(name: str, parent: str | None = None) -> ServiceItem:
    return ServiceItem(name=name, parent_power_name=parent, department="县人社局", unit="东城县", source=SRC)


def links(powers: list[PowerItem], services: list[ServiceItem]) -> set[tuple[str, str, Status]]:
    result = match_catalogue(powers, services)
    return {(services[lk.service].name, powers[lk.power].title, lk.status) for lk in result.links}


def test_pieces_are_taken_longest_first_from_the_left() -> None:
    assert pieces("职工退休申请", "企业职工基本养老保险正常退休申请") == ("职工", "退休申请")
    assert coverage("职工退休申请", "企业职工基本养老保险正常退休申请") == 1.0
    assert coverage("食品生产许可", "食品经营许可") < 0.9


def test_a_power_found_in_pieces_in_a_handling_item_is_proposed_for_review() -> None:
    powers = [power("职工退休申请"), power("失业保险金申领")]
    services = [service("企业职工基本养老保险正常退休申请")]
    found = links(powers, services)
    assert found == {("企业职工基本养老保险正常退休申请", "职工退休申请", Status.REVIEW)}
    reason = match_catalogue(powers, services).links[0].reason
    assert "职工、退休申请" in reason


def test_a_handling_item_found_in_pieces_in_a_power_that_lists_two_subjects() -> None:
    found = links([power("个体演员和个体演出经纪人备案")], [service("个体演员备案")])
    assert found == {("个体演员备案", "个体演员和个体演出经纪人备案", Status.REVIEW)}


def test_pieces_of_common_words_alone_propose_nothing() -> None:
    # 许可 and 经营 are found, the subject is not: no evidence.
    assert piece_evidence("食品经营许可", "药品经营许可") is None
    assert piece_evidence("公司备案", "合伙企业备案") is None  # too short to tell
    result = match_catalogue([power("食品生产许可")], [service("食品经营许可")])
    assert all(lk.status is not Status.MATCHED and "各部分" not in lk.reason for lk in result.links)


def test_near_twins_stay_apart_piece_by_piece() -> None:
    assert piece_evidence("道路货物运输经营许可", "道路旅客运输经营许可") is None


def test_a_main_item_that_is_another_item_gives_no_link() -> None:
    # The catalogue files 公司注销登记 under 企业设立、变更、注销登记; a power that lists the same acts for
    # another subject (股权出质) is not its power.
    powers = [power("股权出质设立、变更、注销、撤销登记")]
    services = [service("公司注销登记", parent="企业设立、变更、注销登记")]
    assert links(powers, services) == set()
    assert parent_only_clash("企业设立、变更、注销登记", "企业设立、变更、注销登记", 69.0)
    assert not parent_only_clash("企业设立、变更、注销登记", "公司注销登记", 69.0)
    assert not parent_only_clash(None, "公司注销登记", 69.0)


def test_a_main_item_close_to_the_power_still_links() -> None:
    powers = [power("企业设立、变更、注销登记")]
    services = [service("公司注销登记", parent="企业设立、变更、注销登记")]
    assert {s for _, _, s in links(powers, services)} == {Status.MATCHED}


def test_a_name_is_also_found_without_its_closing_act_words_and_end_qualifiers() -> None:
    item, power_name = "食用菌菌种生产经营许可证核发（栽培种）", "农作物种子、食用菌菌种生产经营许可证核发"
    evidence = piece_evidence(item, power_name)
    assert evidence is not None and "食用菌菌种生产经营" in evidence[1]
    found = links([power(power_name), power("兽药经营许可证核发")], [service(item)])
    assert found == {(item, power_name, Status.REVIEW)}
    # Without its act words a short subject must be longer: 公司设立 says nothing of 融资担保公司设立.
    assert piece_evidence("公司设立登记", "融资担保公司设立、合并、分立审批") is None


def test_a_penalty_is_never_proposed_piece_by_piece() -> None:
    from quanze.models import Category

    penalty = PowerItem(
        name="对未经批准举办营业性演出活动的处罚",
        role="single",
        category=Category.PENALTY,
        department="市文旅局",
        source=SRC,
    )
    item = service("举办营业性演出活动审批")
    assert piece_evidence("举办营业性演出活动审批", "对未经批准举办营业性演出活动的处罚") is not None
    assert match_catalogue([penalty], [item]).links == []


def test_the_parts_of_a_listed_power_are_found_piece_by_piece_but_whole() -> None:
    listed = power("企业设立、变更、注销登记")
    result = match_catalogue([listed], [service("企业集团成员变更登记（备案）")])
    assert [lk.status for lk in result.links] == [Status.REVIEW]
    assert "企业、变更登记" in result.links[0].reason
    # A part without its act is only the subject (宗教活动场所): no evidence from it.
    religious = power("宗教活动场所登记、注销或者变更登记内容审批")
    found = match_catalogue([religious], [service("宗教活动场所异地重建审批")])
    assert all("各部分" not in lk.reason for lk in found.links)


def test_a_listed_part_that_ends_with_a_handling_word_is_not_compared() -> None:
    # 个体工商户设立、变更、注销登记 lists 个体工商户变更: found whole in another list's item, it says nothing.
    assert closes_with_act("企业变更登记") and not closes_with_act("个体工商户变更")
    owner = power("个体工商户设立、变更、注销登记")
    found = match_catalogue([owner], [service("出版物零售单位和个体工商户设立、变更审批")])
    assert all("各部分" not in lk.reason for lk in found.links)


def _pieces_by_definition(short: str, long_: str) -> tuple[str, ...]:
    """The definition: at each place the longest piece (two characters or more) found in `long_`."""
    out: list[str] = []
    i = 0
    while i < len(short):
        for size in range(len(short) - i, 1, -1):
            if short[i : i + size] in long_:
                out.append(short[i : i + size])
                i += size
                break
        else:
            i += 1
    return tuple(out)


_LETTERS = st.text(alphabet="企业设立变更注销登记许可审批备案公司", max_size=14)


@given(short=_LETTERS, long_=_LETTERS)
def test_pieces_are_the_longest_found_at_each_place(short: str, long_: str) -> None:
    assert pieces(short, long_) == _pieces_by_definition(short, long_)
