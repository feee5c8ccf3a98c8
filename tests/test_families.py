"""Code families whose linked members agree propose that power for their unlinked siblings, for review."""

from __future__ import annotations

import pytest

from quanze.match import Status, families, match_catalogue
from quanze.match.explain import explain_service
from quanze.match.families import unanimous_owner
from quanze.match.scoring import KEY_WORD_NOTE, Prepared, prepare_power
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
    result = match_catalogue([power("个体演员和个体演出经纪人备案")], bare)
    # (Its name alone may still propose it, on the run 个体演员 only that power holds, never by a family.)
    assert not [lk for lk in result.links if lk.service == 2 and "编码族" in lk.reason]
    assert all(lk.status is Status.REVIEW for lk in result.links if lk.service == 2)


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


# ---------------------------------------------------------------------------------------------- quiet families


def quiet(
    powers: list[str], names: list[str], stem: str = "511A0999900"
) -> dict[str, set[tuple[str, Status]]]:
    """Links of a code family (names under one main-item stem) with no department to lift or lower a score."""
    items = [
        ServiceItem(name=n, code=f"{stem}{k:03d}", unit="东城县", source=SRC) for k, n in enumerate(names, 1)
    ]
    return links([PowerItem(name=p, role="single", source=SRC) for p in powers], items)


HUNTING = [
    "科学考察猎捕国家规定的陆生野生动物审批",
    "种群调控猎捕国家规定的陆生野生动物审批",
    "疫源疫病监测捕捉审批",
]
HUNTING_POWER = "猎捕国家一级重点保护陆生野生动物（林业类）审批"


def test_a_family_whose_weak_names_all_point_at_one_power_is_proposed_whole_for_review() -> None:
    found = quiet([HUNTING_POWER, "林木采伐许可证核发"], HUNTING)
    # Each name alone is below the review threshold; together they agree, and the whole family is proposed,
    # the member whose name finds nothing (…捕捉审批) too. Never matched.
    for name in HUNTING:
        assert found[name] == {(HUNTING_POWER, Status.REVIEW)}, name
    result = match_catalogue(
        [PowerItem(name=HUNTING_POWER, role="single", source=SRC)],
        [
            ServiceItem(name=n, code=f"511A0999900{k:03d}", unit="东城县", source=SRC)
            for k, n in enumerate(HUNTING, 1)
        ],
    )
    assert all("整族供复核" in lk.reason and "陆生野生动物" in lk.reason for lk in result.links)


def test_a_quiet_family_needs_its_codes_and_two_voices() -> None:
    bare = [ServiceItem(name=n, unit="东城县", source=SRC) for n in HUNTING]
    # (Names alone may propose a member on a run of words only that power holds, never the family.)
    result = match_catalogue([PowerItem(name=HUNTING_POWER, role="single", source=SRC)], bare)
    assert not [lk for lk in result.links if "编码族" in lk.reason] and 2 in result.orphans
    # One member that scores alone is no family vote (the other member's name finds nothing).
    found = quiet([HUNTING_POWER], [HUNTING[0], HUNTING[2]])
    assert found[HUNTING[2]] == set()


def test_members_that_point_at_two_powers_leave_a_quiet_family_silent() -> None:
    other = "种群调控猎捕国家规定的陆生野生动物审批（林业类）"
    found = quiet([HUNTING_POWER, other], HUNTING)
    assert not found[HUNTING[2]]


SEEDS = ["桑蚕蚕种生产经营许可证核发（一代杂交种）", "桑蚕蚕种生产经营许可证核发（母种和原种）"]
SEEDS_POWER = "种子生产经营许可证核发（林木种子生产经营许可）"
DRUGS = ["放射性药品和第一类医疗用毒性药品购用许可变更", "放射性药品和第一类医疗用毒性药品购用许可延续"]
DRUGS_POWER = "放射性药品、毒性药品邮寄许可"


def test_a_family_sharing_only_licence_words_or_naming_another_act_is_not_proposed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 桑蚕蚕种 and 林木种子 share only …生产经营许可证核发; 购用 is another act than the power's 邮寄.
    assert quiet([SEEDS_POWER], SEEDS) == {n: set() for n in SEEDS}
    assert quiet([DRUGS_POWER], DRUGS) == {n: set() for n in DRUGS}
    # Their members do vote: without the two guards both families would be proposed.
    monkeypatch.setattr(families, "shared_subject", lambda item, power: "种")
    monkeypatch.setattr(families, "granted_act", lambda power: None)
    assert quiet([SEEDS_POWER], SEEDS)[SEEDS[0]] == {(SEEDS_POWER, Status.REVIEW)}
    assert quiet([DRUGS_POWER], DRUGS)[DRUGS[0]] == {(DRUGS_POWER, Status.REVIEW)}


def test_shared_subject_skips_act_and_licence_words() -> None:
    assert (
        families.shared_subject("科考采集国家规定野生药材审批", "采集国家一级保护野生药材审批") == "采集国家"
    )
    assert families.shared_subject("蜂种生产经营许可证变更", "种畜禽生产经营许可") is None
    assert families.shared_subject("预包装食品经营者备案", "洗染业经营者备案") is None


def test_granted_act_is_the_word_before_the_closing_grant() -> None:
    assert families.granted_act("放射性药品、毒性药品邮寄许可") == "邮寄"
    assert families.granted_act("民办学校办学许可证") == "办学"
    assert families.granted_act("实施学前教育的学校设立、变更和终止审批") is None  # handling acts
    assert families.granted_act("企业监管信息核查") is None  # no granting word


def test_explain_names_the_quiet_family() -> None:
    powers = [PowerItem(name=HUNTING_POWER, role="single", source=SRC)]
    items = [
        ServiceItem(name=n, code=f"511A0999900{k:03d}", unit="东城县", source=SRC)
        for k, n in enumerate(HUNTING, 1)
    ]
    shown = explain_service(powers, items, 2)  # 疫源疫病监测捕捉审批: its name alone finds nothing
    (cand,) = [c for c in shown.candidates if c.name == HUNTING_POWER]
    assert cand.status == "review" and "整族供复核" in cand.reason and shown.family == "511A0999900"


# ---------------------------------------------------------------------------------------------- split families

# Invented on the shape of a real family (a real name here would leave the held-out sets of tools/quality.py).
SCHOOLS_POWER = "实施初等及初等以下学历教育、学前教育、自学考试助学及其他文化教育的学校设立、变更和终止审批"
TRAINING_POWER = "民办技工培训学校设立、分立、合并、变更及终止审批"
SCHOOLS = [
    "初等及以下其他教育机构设立审批",
    "初等及以下其他教育机构变更审批",
    "普通高中学校设立审批",
    "普通高中学校变更审批",
    "托儿所筹设审批",
]


def _target(name: str) -> Prepared:
    return prepare_power(PowerItem(name=name, role="single", source=SRC))


def test_a_family_whose_weak_names_split_is_proposed_for_the_power_its_words_support_best() -> None:
    found = quiet([SCHOOLS_POWER, TRAINING_POWER, "林木采伐许可证核发"], SCHOOLS)
    # 普通高中学校… put the training schools first (学校 and the acts), 初等及以下… the other power; counted over
    # the family, 初等, 以下, 其他, 教育, 学校 outweigh 学校: the whole family is proposed for it, 托儿所 too.
    for name in SCHOOLS:
        assert found[name] == {(SCHOOLS_POWER, Status.REVIEW)}, name
    result = match_catalogue(
        [PowerItem(name=p, role="single", source=SRC) for p in (SCHOOLS_POWER, TRAINING_POWER)],
        [
            ServiceItem(name=n, code=f"511A0999900{k:03d}", unit="东城县", source=SRC)
            for k, n in enumerate(SCHOOLS, 1)
        ],
    )
    assert all("最受支持" in lk.reason and "整族供复核" in lk.reason for lk in result.links)


def test_a_split_family_without_its_codes_or_a_clear_lead_is_silent() -> None:
    bare = [ServiceItem(name=n, unit="东城县", source=SRC) for n in SCHOOLS]
    powers = [PowerItem(name=p, role="single", source=SRC) for p in (SCHOOLS_POWER, TRAINING_POWER)]
    assert not any(
        lk.power == 0 for lk in match_catalogue(powers, bare).links
    )  # no family, no proposal for the weak names
    # Two powers the family's words support about as much: nobody is proposed by the family.
    assert (
        families.split_family_owner(
            ["甲乙丙丁设立审批", "甲乙丙丁变更审批"],
            [0, 1],
            [_target("甲乙丙丁戊设立审批"), _target("甲乙丙丁己设立审批")],
            [{0, 1}, {0, 1}],  # both put first by both members: enough votes, so the lead rule decides
        )
        is None
    )


def test_a_split_family_is_not_given_to_a_power_that_grants_nothing_or_shares_a_word_only() -> None:
    taxis = ["巡游人力三轮车经营许可", "巡游人力三轮车经营许可注销", "预约人力三轮车经营许可"]
    reward = _target("对人力三轮车经营者和驾驶员的奖励")
    bus = _target("人力车客运经营许可")
    # The reward is what the family's words support best, but it grants nothing: silent, not the other licence.
    assert families.split_family_owner(taxis, [0, 1], [reward, bus], [{0}, {1}, {0, 1}]) is None
    # Alone, the other licence shares one word (人力) with each member: too little to speak.
    assert families.split_family_owner(taxis, [0], [bus], [{0}, {0}, {0}]) is None
    # A power that shares the subject itself is proposed.
    taxi = _target("巡游人力三轮车经营许可证核发")
    assert families.split_family_owner(taxis, [0, 1], [taxi, bus], [{0}, {1}, {0}]) is not None


def test_explain_names_the_split_family() -> None:
    powers = [PowerItem(name=p, role="single", source=SRC) for p in (SCHOOLS_POWER, TRAINING_POWER)]
    items = [
        ServiceItem(name=n, code=f"511A0999900{k:03d}", unit="东城县", source=SRC)
        for k, n in enumerate(SCHOOLS, 1)
    ]
    shown = explain_service(powers, items, 4)  # 托儿所筹设审批: its name alone finds nothing
    (cand,) = [c for c in shown.candidates if c.name == SCHOOLS_POWER]
    assert cand.status == "review" and "最受支持" in cand.reason


# Invented on the shape of a real family: filings named for their conditions, sharing only 兽药 with the power.
VET_POWER = "兽药经营者不需要办理兽药经营许可证的备案"
VET = [
    "专门经营不再分装的包装兽药的备案",
    "在有效区域内设立兽药分支网点的备案",
    "受兽药经营者书面委托代销其兽药的备案",
]


def test_a_family_of_filings_sharing_a_short_word_with_a_filing_power_is_proposed() -> None:
    found = quiet([VET_POWER, "林木采伐许可证核发"], VET)
    for name in VET:
        assert found[name] == {(VET_POWER, Status.REVIEW)}, name
    assert families.short_subject(VET, VET_POWER) == "兽药"


def test_a_short_word_needs_two_members_and_the_same_closing() -> None:
    # One member closing otherwise (…许可): the family is not read as the power's filings.
    assert families.short_subject([*VET[:2], "兽药经营许可变更"], VET_POWER) is None
    # One member only holding the word.
    assert families.short_subject([VET[0], "在有效区域内设立分支网点的备案"], VET_POWER) is None
    assert quiet([VET_POWER], [VET[0], "在有效区域内设立分支网点的备案"]) == {
        VET[0]: set(),
        "在有效区域内设立分支网点的备案": set(),
    }
