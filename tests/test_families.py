"""Code families whose linked members agree propose that power for their unlinked siblings, for review."""

from __future__ import annotations

from quanze.match import Status, match_catalogue
from quanze.match.families import unanimous_owner
from quanze.match.scoring import KEY_WORD_NOTE
from quanze.models import PowerItem, Provenance, ServiceItem

SRC = Provenance(file="t", sheet="s", row=1)


def power(name: str) -> PowerItem:
    return PowerItem(name=name, role="single", department="市文旅局", source=SRC)


def service(name: str, code: str) -> ServiceItem:
    return ServiceItem(name=name, code=code, department="县文旅局", unit="东城县", source=SRC)


def links(powers: list[PowerItem], services: list[ServiceItem]) -> dict[str, set[tuple[str, Status]]]:
    out: dict[str, set[tuple[str, Status]]] = {s.name: set() for s in services}
    for lk in match_catalogue(powers, services).links:
        out[services[lk.service].name].add((powers[lk.power].title, lk.status))
    return out


FAMILY = [
    service("个体演员备案", "511Z07721001"),
    service("个体演员备案证明补证备案", "511Z07721003"),
    service("个体演员备案证明注销备案", "511Z07721004"),
]


def test_unlinked_siblings_follow_the_power_their_reviewed_sibling_points_at() -> None:
    found = links([power("个体演员和个体演出经纪人备案"), power("营业性演出审批")], FAMILY)
    for name in ("个体演员备案证明补证备案", "个体演员备案证明注销备案"):
        assert found[name] == {("个体演员和个体演出经纪人备案", Status.REVIEW)}
    result = match_catalogue([power("个体演员和个体演出经纪人备案")], FAMILY)
    assert any("多指向该事项" in lk.reason for lk in result.links)


def test_without_the_codes_the_siblings_are_not_proposed() -> None:
    bare = [service(s.name, "") for s in FAMILY]
    found = links([power("个体演员和个体演出经纪人备案")], bare)
    assert found["个体演员备案证明注销备案"] == set()


def test_members_that_disagree_or_doubt_leave_the_family_silent() -> None:
    assert unanimous_owner([[(1, 75.0, "")], [(2, 80.0, "")]], 3) is None
    assert unanimous_owner([[(1, 75.0, KEY_WORD_NOTE)]], 3) is None
    assert unanimous_owner([[(1, 65.0, "")]], 3) is None
    assert unanimous_owner([[(1, 75.0, "")]], 3) == 1


def test_a_few_linked_members_of_a_large_family_say_nothing_of_the_rest() -> None:
    assert unanimous_owner([[(1, 84.0, "")], [(1, 75.0, "")]], 40) is None
    assert unanimous_owner([[(1, 84.0, "")]], 7) is None


def test_one_reviewed_member_of_a_small_family_proposes_its_power_for_the_rest() -> None:
    # The power carries only its county's own code: one member is linked by name (for review), the others
    # share the code stem and have names of their own.
    assert unanimous_owner([[(1, 84.0, "")]], 5) == 1
    powers = [
        PowerItem(name="自主创业人员创业补贴申请", code="5116020000JY0042", role="single", source=SRC),
        power("营业性演出审批"),
    ]
    names = ["创业专家咨询", "创业担保贷款申请", "创业补贴申请", "在校大学生创业担保贷款贴息申请"]
    found = links(powers, [service(n, f"512B0066700{k:03d}") for k, n in enumerate(names, 1)])
    for name in names:
        assert found[name] == {("自主创业人员创业补贴申请", Status.REVIEW)}, name


def test_a_family_vote_does_not_add_a_power_to_an_item_whose_name_points_elsewhere() -> None:
    powers = [
        PowerItem(name="养老保险个人账户储存额一次性申领", role="single", source=SRC),
        PowerItem(name="军地养老保险关系转移接续申请", role="single", source=SRC),
    ]

    def item(name: str, code: str) -> ServiceItem:  # no department: the siblings stay in review
        return ServiceItem(name=name, code=code, unit="东城县", source=SRC)

    services = [
        item("企业职工基本养老保险个人账户储存额一次性申领", "512014006001"),
        item("机关事业单位养老保险个人账户储存额一次性申领", "512014006002"),
        item("军人退役养老保险关系转移接续申请", "512014006003"),
    ]
    result = match_catalogue(powers, services)
    assert {lk.status for lk in result.links if lk.service < 2} == {Status.REVIEW}  # the family only votes
    third = {powers[lk.power].name for lk in result.links if lk.service == 2}
    assert third == {"军地养老保险关系转移接续申请"}
