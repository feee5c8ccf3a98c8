"""Members of a code family named unlike their power: the one power their linked siblings point at is proposed."""

from __future__ import annotations

from quanze.match import Method, Status, match_catalogue
from quanze.match.evidence import shared_word
from quanze.match.explain import explain_service
from quanze.match.model import power_key, service_key
from quanze.models import Category, Decision, PowerItem, Provenance, ServiceItem

SRC = Provenance(file="t", sheet="s", row=1)
DEPT = "东城县人力资源和社会保障局"


def power(name: str, code: str, category: Category = Category.PAYMENT) -> PowerItem:
    return PowerItem(name=name, code=code, role="single", department=DEPT, category=category, source=SRC)


def service(name: str, code: str) -> ServiceItem:
    return ServiceItem(name=name, code=code, unit="东城县", department=DEPT, source=SRC)


PENSION = power("城乡居民基本养老保险待遇给付", "GF001")
INJURY = power("工伤认定", "QR001", Category.CONFIRMATION)
FAMILY = [
    service("城乡居民养老保险待遇申领", "511G1003187002"),
    service("城乡居民养老保险待遇暂停、恢复", "511G1003187005"),
    service("城乡居民养老保险丧葬补助金申领", "511G1003187004"),
]


def _links(result: object) -> set[tuple[int, int, Status]]:
    return {(lk.power, lk.service, lk.status) for lk in result.links}  # type: ignore[attr-defined]


def test_the_unlinked_member_is_proposed_for_the_one_power_its_siblings_point_at() -> None:
    result = match_catalogue([PENSION, INJURY], FAMILY)
    assert (0, 2, Status.REVIEW) in _links(result)
    proposed = next(lk for lk in result.links if lk.service == 2)
    assert proposed.method is Method.CODE
    assert "仅共有“城乡”" in proposed.reason
    assert {lk.power for lk in result.links} == {0}  # nothing for the other power


def test_without_its_siblings_the_member_is_not_linked() -> None:
    # (Its name, just under the review line, may still be proposed on a run only that power holds: never by code.)
    assert not [lk for lk in match_catalogue([PENSION, INJURY], FAMILY[2:]).links if lk.method is Method.CODE]


def test_siblings_pointing_at_two_powers_propose_nothing() -> None:
    family = [*FAMILY[:2], service("工伤认定（用人单位申请）", "511G1003187003"), FAMILY[2]]
    result = match_catalogue([PENSION, INJURY], family)
    assert not any(lk.service == 3 and lk.power == 0 for lk in result.links)


def test_a_member_sharing_no_word_with_the_power_is_not_proposed() -> None:
    family = [*FAMILY[:2], service("开具无欠税证明", "511G1003187004")]
    result = match_catalogue([PENSION, INJURY], family)
    assert not any(lk.service == 2 for lk in result.links)


def test_one_linked_member_of_a_large_family_says_nothing_of_the_rest() -> None:
    others = [service(f"城乡居民养老保险第{n}类补助申领", f"511G100318701{n}") for n in range(5)]
    result = match_catalogue([PENSION, INJURY], [FAMILY[0], *others])
    assert {lk.service for lk in result.links if lk.method is Method.CODE} <= {0}
    assert any(
        lk.service == 0 for lk in result.links
    )  # the one linked member is linked: the rule had its chance


def test_a_power_an_analyst_rejected_for_the_member_is_not_proposed() -> None:
    book = {service_key(FAMILY[2]): {power_key(PENSION): Decision.REJECT}}
    result = match_catalogue([PENSION, INJURY], FAMILY, decisions=book)
    assert not any(lk.service == 2 for lk in result.links)


def test_explain_names_the_family_proposal() -> None:
    explained = explain_service([PENSION, INJURY], FAMILY, 2)
    held = [c for c in explained.candidates if c.status == "review"]
    assert len(held) == 1 and "凭编码族提出" in held[0].reason


def test_shared_word() -> None:
    assert shared_word("气象证明出具", "历史气象资料查询服务") == "气象"
    assert shared_word("开具无欠税证明", "个人所得税递延纳税报告") is None


def test_a_member_sharing_only_words_every_item_uses_is_not_proposed() -> None:
    from quanze.match.model import MatchOptions
    from quanze.match.scoring import prepare, prepare_power
    from quanze.match.siblings import propose_for_unlinked

    targets = [prepare_power(power("花卉种苗经营许可", "XK001", Category.LICENSING))]
    names = ["花卉种苗经营许可证延续", "花卉种苗经营许可证注销", "蚕丝加工许可", "花卉种苗经营台账备案"]
    items = {n: prepare(name, None, None, None, None) for n, name in enumerate(names)}
    review = (0, 70.0, Method.FUZZY, Status.REVIEW, "名称相似度70")
    found_by = {0: [review], 1: [review], 2: [], 3: []}
    propose_for_unlinked({"511A00905": [0, 1, 2, 3]}, found_by, items, targets, MatchOptions())
    assert found_by[2] == []  # 许可 only: every licence says it
    assert [f[0] for f in found_by[3]] == [0]  # 花卉 is a word of its own
    assert shared_word("蚕丝加工许可", "花卉种苗经营许可") == "许可"
    assert shared_word("蚕丝加工许可", "花卉种苗经营许可", beyond_generic=True) is None
    assert shared_word("商户歇业备案", "行业备案登记") == "业备"
    assert shared_word("商户歇业备案", "行业备案登记", beyond_generic=True) is None


# A family of coded members all under 城乡居民基本养老保险待遇给付, and members the catalogue left without a code.
CODED = [
    service("城乡居民养老保险待遇申领", "511G1003187002"),
    service("城乡居民养老保险待遇暂停、恢复", "511G1003187005"),
    service("城乡居民养老保险丧葬补助金申领", "511G1003187004"),
]


def test_an_uncoded_item_beginning_like_a_familys_members_is_proposed_for_the_familys_power() -> None:
    items = [
        *CODED,
        ServiceItem(name="城乡居民养老保险关系转移接续", unit="东城县", department=DEPT, source=SRC),
    ]
    result = match_catalogue([PENSION, INJURY], items)
    proposed = [lk for lk in result.links if lk.service == 3]
    assert [(lk.power, lk.status, lk.method) for lk in proposed] == [(0, Status.REVIEW, Method.CODE)]
    assert (
        "该办理项无编码，名称与同一编码族（511G1003187）3个办理项同以“城乡居民养老保险”开头"
        in proposed[0].reason
    )
    explained = explain_service([PENSION, INJURY], items, 3)
    held = [c for c in explained.candidates if c.status == "review"]
    assert len(held) == 1 and "凭名称开头提出" in held[0].reason


def test_an_uncoded_item_is_not_proposed_on_a_short_head_another_department_or_a_subject_split() -> None:
    loose = [
        ServiceItem(
            name="城乡居民医保门诊费用报销", unit="东城县", department=DEPT, source=SRC
        ),  # 城乡居民 only
        ServiceItem(name="城乡居民养老保险关系转入", unit="东城县", department="东城县民政局", source=SRC),
        ServiceItem(
            name="城乡居民养老保险信息查询", unit="东城县", department=DEPT, source=SRC
        ),  # an inquiry
        service("城乡居民养老保险费补缴申报", "511G1003999001"),  # a code of its own: another main item's
    ]
    result = match_catalogue([PENSION, INJURY], [*CODED, *loose])
    assert not any(lk.service >= 3 and lk.method is Method.CODE for lk in result.links)
    # An item of the same subject already linked to another power: the subject is not the family's alone.
    other = power("城乡居民养老保险缴费档次调整", "QT002", Category.OTHER)
    split = [
        *CODED,
        service("城乡居民养老保险缴费档次调整", "511G1003188001"),
        ServiceItem(name="城乡居民养老保险关系转入", unit="东城县", department=DEPT, source=SRC),
    ]
    result = match_catalogue([PENSION, INJURY, other], split)
    assert not any(lk.service == 4 and lk.method is Method.CODE for lk in result.links)


def test_a_bare_name_proposal_to_another_departments_power_is_dropped_when_the_code_places_the_item_at_home() -> (
    None
):
    from quanze.match.model import MatchOptions
    from quanze.match.scoring import KEY_WORD_NOTE, prepare, prepare_power
    from quanze.match.siblings import drop_strays

    home = prepare_power(PENSION)
    away = prepare_power(
        PowerItem(
            name="城乡居民基本医疗保险参保信息变更",
            role="single",
            department="东城县城关镇人民政府",
            source=SRC,
        )
    )
    item = {0: prepare("城乡居民养老保险参保信息登记", None, "511G1003187008", DEPT)}
    family = (0, 65.0, Method.CODE, Status.REVIEW, "同一编码族（511G1003187）的其他办理项已匹配到该事项")
    stray = (1, 65.4, Method.FUZZY, Status.REVIEW, f"名称相似度71；部门不同；{KEY_WORD_NOTE}")
    found_by = {0: [family, stray]}
    drop_strays([0], found_by, item, [home, away], MatchOptions())
    assert found_by[0] == [family]
    # Kept: a stronger name link, one without a doubt, or when no link places the item in its own department.
    for kept in (
        (1, 75.0, Method.FUZZY, Status.REVIEW, f"名称相似度80；{KEY_WORD_NOTE}"),
        (1, 65.4, Method.FUZZY, Status.REVIEW, "名称相似度71；部门不同"),
    ):
        found_by = {0: [family, kept]}
        drop_strays([0], found_by, item, [home, away], MatchOptions())
        assert found_by[0] == [family, kept]
    by_name = (0, 70.0, Method.FUZZY, Status.REVIEW, "名称相似度70")
    found_by = {0: [by_name, stray]}
    drop_strays([0], found_by, item, [home, away], MatchOptions())
    assert found_by[0] == [by_name, stray]


def test_an_uncoded_item_of_the_approval_bureau_is_proposed_beside_a_line_departments_family() -> None:
    # The 行政审批局 implements other departments' items (相对集中行政许可权): its item beginning like a line
    # department's family is no item of another department, as scoring reads the pair (proposable.departments_apart).
    bureau = ServiceItem(
        name="城乡居民养老保险关系转入", unit="东城县", department="东城县行政审批局", source=SRC
    )
    result = match_catalogue([PENSION, INJURY], [*CODED, bureau])
    proposed = [(lk.power, lk.status, lk.method) for lk in result.links if lk.service == 3]
    assert proposed == [(0, Status.REVIEW, Method.CODE)]
