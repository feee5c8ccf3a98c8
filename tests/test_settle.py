"""Main-item codes and agreeing code families settle links; families two powers share only propose."""

from __future__ import annotations

from quanze.match import MatchOptions, Method, Status, match_catalogue
from quanze.match.explain import explain_service
from quanze.match.scoring import KEY_WORD_NOTE, prepare, prepare_power
from quanze.match.settle import AGREE_NOTE, CODE_NOTE, Found, settle, shares_only_subject
from quanze.models import Category, PowerItem, Provenance, ServiceItem

SRC = Provenance(file="t", sheet="s", row=1)


def power(name: str, code: str | None = None, category: Category | None = None) -> PowerItem:
    return PowerItem(name=name, code=code, role="single", category=category, source=SRC)


def service(name: str, code: str) -> ServiceItem:
    return ServiceItem(name=name, code=code, unit="东城县", source=SRC)


def links(powers: list[PowerItem], services: list[ServiceItem]) -> dict[str, set[tuple[str, Status]]]:
    out: dict[str, set[tuple[str, Status]]] = {s.name: set() for s in services}
    for lk in match_catalogue(powers, services).links:
        out[services[lk.service].name].add((powers[lk.power].title, lk.status))
    return out


def test_an_item_under_the_powers_own_code_is_matched_whatever_words_differ() -> None:
    powers = [power("殡葬服务机构设立登记", "330144201000"), power("公墓年检")]
    items = [
        service("殡葬服务机构经营审批（注销）", "330144201003"),
        service("殡葬服务机构开展业务申请", "330144201004"),
    ]
    result = match_catalogue(powers, items)
    assert {(lk.service, lk.status) for lk in result.links} == {(0, Status.MATCHED), (1, Status.MATCHED)}
    assert all(CODE_NOTE in lk.reason for lk in result.links)


def test_a_code_under_another_power_does_not_settle_a_name_that_points_elsewhere() -> None:
    powers = [power("殡葬服务机构设立登记", "330144201000"), power("公墓经营审批注销")]
    found = links(powers, [service("公墓经营审批注销", "330144201003")])
    assert found["公墓经营审批注销"] == {("公墓经营审批注销", Status.MATCHED)}


def test_a_penalty_is_not_settled_by_a_code_under_it() -> None:
    powers = [power("对殡葬服务机构违规经营的处罚", "330144201000", Category.PENALTY)]
    found = links(powers, [service("殡葬服务机构经营审批（注销）", "330144201003")])
    assert all(status is not Status.MATCHED for _, status in found["殡葬服务机构经营审批（注销）"])


FAMILY = [
    service("燃气经营许可证核发", "330117301001"),
    service("燃气经营许可证核发（注销）", "330117301002"),
    service("瓶装燃气供应站点设置备案", "330117301003"),
]


def test_siblings_of_a_family_two_members_match_are_matched_too() -> None:
    found = links([power("燃气经营许可证核发"), power("城市道路挖掘许可")], FAMILY)
    assert found["瓶装燃气供应站点设置备案"] == {("燃气经营许可证核发", Status.MATCHED)}


def test_one_matched_member_does_not_settle_its_siblings() -> None:
    found = links([power("燃气经营许可证核发"), power("城市道路挖掘许可")], [FAMILY[0], FAMILY[2]])
    assert found["瓶装燃气供应站点设置备案"] == {("燃气经营许可证核发", Status.REVIEW)}


def test_a_member_whose_name_points_only_elsewhere_keeps_the_family_from_settling() -> None:
    family = [*FAMILY, service("燃气燃烧器具安装维修企业资质核准", "330117301004")]
    powers = [power("燃气经营许可证核发"), power("燃气燃烧器具安装维修企业资质核准")]
    found = links(powers, family)
    assert found["燃气燃烧器具安装维修企业资质核准"] == {("燃气燃烧器具安装维修企业资质核准", Status.MATCHED)}
    assert ("燃气经营许可证核发", Status.MATCHED) not in found["瓶装燃气供应站点设置备案"]


def test_a_family_two_powers_share_does_not_add_a_power_against_a_members_own_name() -> None:
    family = [
        service("城市道路挖掘许可", "330117401001"),
        service("城市道路挖掘许可延期", "330117401002"),
        service("临时占用城市道路审批（变更）", "330117401003"),
    ]
    found = links([power("城市道路挖掘许可"), power("占用城市道路审批")], family)
    # Its own name found 占用城市道路审批 confidently: the family's other power is not added for it.
    assert found["临时占用城市道路审批（变更）"] == {("占用城市道路审批", Status.REVIEW)}
    assert found["城市道路挖掘许可延期"] == {("城市道路挖掘许可", Status.MATCHED)}


def test_a_family_that_puts_one_power_first_drops_the_weaker_power_its_names_resemble() -> None:
    family = [
        service("渔业船舶/游艇登记事项更正", "330120301001"),
        service("渔业船舶/游艇转入", "330120301002"),
        service("渔业船舶/游艇注销抵押登记", "330120301003"),
    ]
    powers = [power("渔业船舶/游艇登记"), power("渔业船舶/游艇驾驶证核发")]
    # Two members are sure of their power by name: the family of three is matched to it, and to it only.
    assert links(powers, family) == {item.name: {("渔业船舶/游艇登记", Status.MATCHED)} for item in family}
    # A family of two stays in review, for the power both put first only.
    pair = links(powers, family[:2])
    assert pair == {item.name: {("渔业船舶/游艇登记", Status.REVIEW)} for item in family[:2]}


def test_a_row_exported_twice_is_one_witness_not_two() -> None:
    """A paged export repeats a row at a page boundary: the one sure member twice settled the whole family
    (34 wrong matched links on a real catalogue); witnesses are counted by name."""
    sure = service("渔业船舶/游艇登记事项更正", "330120301001")
    family = [sure, sure.model_copy(), service("渔业船舶/游艇转入", "330120301002")]
    family.append(service("渔业船舶/游艇转出", "330120301004"))
    powers = [power("渔业船舶/游艇登记"), power("渔业船舶/游艇驾驶证核发")]
    assert all(found == {("渔业船舶/游艇登记", Status.REVIEW)} for found in links(powers, family).values())


def test_a_family_sure_of_one_general_entity_kind_is_matched_to_it() -> None:
    family = [
        service("合伙企业变更登记", "330131401001"),
        service("个人独资企业注销登记", "330131401002"),
        service("公司注销登记", "330131401003"),
    ]
    result = match_catalogue(
        [power("内资企业及其分支机构登记"), power("外商投资企业及其分支机构登记")], family
    )
    assert {(lk.service, lk.power, lk.status) for lk in result.links} == {
        (n, 0, Status.MATCHED) for n in range(3)
    }
    # A general kind covering a specific one differs from it in that word by design: no key-word doubt.
    assert not any(KEY_WORD_NOTE in lk.reason for lk in result.links)


def test_a_family_split_between_near_twin_powers_is_not_settled() -> None:
    family = [
        service("食品生产许可变更", "330131501001"),
        service("食品经营许可变更", "330131501002"),
        service("食品生产许可注销", "330131501003"),
    ]
    found = links([power("食品生产许可"), power("食品经营许可")], family)
    assert found["食品经营许可变更"] == {("食品经营许可", Status.MATCHED)}
    assert all(title == "食品生产许可" for title, _ in found["食品生产许可变更"] | found["食品生产许可注销"])


def test_a_sub_item_named_as_its_main_item_with_an_act_takes_its_own_handling_item() -> None:
    main = "电梯安装维修人员资格认定"
    powers = [
        PowerItem(name=main, sub_item=f"{main}（{act}）", role="sub", source=SRC)
        for act in ("补发", "复审", "取证")
    ]
    items = [service(f"{main}{act}", "") for act in ("补发", "复审", "取证")]
    result = match_catalogue(powers, items)
    assert {(lk.power, lk.service, lk.status) for lk in result.links} == {
        (n, n, Status.MATCHED) for n in range(3)
    }


def test_a_name_that_lists_its_acts_last_with_a_handling_word_is_expanded() -> None:
    found = links(
        [power("残疾人证换发、补发、变更")], [service("残疾人证变更", ""), service("残疾人证补发", "")]
    )
    assert found == {
        name: {("残疾人证换发、补发、变更", Status.MATCHED)} for name in ("残疾人证变更", "残疾人证补发")
    }


def test_the_subject_with_a_handling_act_is_matched_when_two_siblings_of_that_subject_are() -> None:
    power_name = "饮用水供水单位卫生许可"
    items = [
        service(f"{power_name}变更", ""),
        service(f"{power_name}注销", ""),
        service(f"{power_name}证补证审批", ""),
    ]
    result = match_catalogue([power(power_name)], items)
    third = [lk for lk in result.links if lk.service == 2]
    assert [lk.status for lk in third] == [Status.MATCHED]
    assert "加办理动作（补证）" in third[0].reason
    # One matched sibling is not enough.
    alone = match_catalogue([power(power_name)], [items[0], items[2]])
    assert [lk.status for lk in alone.links if lk.service == 1] == [Status.REVIEW]


def test_the_subject_with_something_other_than_a_handling_act_stays_in_review() -> None:
    power_name = "饮用水供水单位卫生许可"
    items = [
        service(f"{power_name}变更", ""),
        service(f"{power_name}注销", ""),
        service("饮用水供水单位卫生状况申报", ""),
    ]
    found = links([power(power_name)], items)
    assert found["饮用水供水单位卫生状况申报"] == {(power_name, Status.REVIEW)}


def test_a_filing_is_not_a_handling_act_of_an_approval_with_the_same_subject() -> None:
    # 备案 names a kind of item: …临时场所备案 stays a person's call beside …临时场所审批 and its handling items.
    subject = "境外团体临时集会场所"
    items = [
        service(f"{subject}审批变更", ""),
        service(f"{subject}审批注销", ""),
        service(f"{subject}备案", ""),
    ]
    found = links([power(f"{subject}审批")], items)
    assert (f"{subject}审批", Status.MATCHED) not in found[f"{subject}备案"]


def test_a_member_of_a_shared_family_that_no_name_links_is_proposed_for_the_owner_it_begins_like() -> None:
    powers = [power("江海客轮班线经营许可"), power("内河游船班线经营许可")]
    items = [
        service(n, f"33011740100{k}")
        for k, n in enumerate(["江海客轮班线经营许可", "内河游船班线经营许可", "内河游船班线业户信息变更"], 1)
    ]
    targets = [prepare_power(p) for p in powers]
    prepared = {si: prepare(s.name, None, s.code, s.department, s.category) for si, s in enumerate(items)}
    own: dict[int, list[Found]] = {
        0: [(0, 96.0, Method.EXACT, Status.MATCHED, "")],
        1: [(1, 96.0, Method.EXACT, Status.MATCHED, "")],
        2: [],
    }
    family = {"330117401": [0, 1, 2]}
    proposed: Found = (0, 65.0, Method.CODE, Status.REVIEW, "同一编码族")
    found = {**own, 2: [proposed]}
    settle(items, prepared, [0, 1, 2], family, own, found, targets, MatchOptions())
    assert [(f[0], f[3]) for f in found[2]] == [(1, Status.REVIEW)]
    assert "内河游船班线" in found[2][0][4]
    # A power analysts rejected for the item is never proposed again.
    found = {**own, 2: [proposed]}
    settle(items, prepared, [0, 1, 2], family, own, found, targets, MatchOptions(), lambda si: {1})
    assert found[2] == [proposed]


def test_de_before_the_act_word_joins_and_names_nothing() -> None:
    found = links([power("水产苗种生产许可证核发")], [service("水产苗种生产许可证的审核", "")])
    assert found == {"水产苗种生产许可证的审核": {("水产苗种生产许可证核发", Status.MATCHED)}}


def test_explain_shows_the_rule_that_settled_a_link_and_the_power_it_dropped() -> None:
    family = [
        service("渔业船舶/游艇登记事项更正", "330120301001"),
        service("渔业船舶/游艇转入", "330120301002"),
        service("渔业船舶/游艇注销抵押登记", "330120301003"),
    ]
    powers = [power("渔业船舶/游艇登记"), power("渔业船舶/游艇驾驶证核发")]
    explained = explain_service(powers, family, 0)
    by_name = {c.name: c for c in explained.candidates}
    kept, dropped = by_name["渔业船舶/游艇登记"], by_name["渔业船舶/游艇驾驶证核发"]
    assert kept.status == "matched" and AGREE_NOTE.split("{")[0] in kept.reason
    assert dropped.status == "dropped" and dropped.why.startswith("舍弃")


def test_a_power_naming_more_than_acts_after_the_subject_does_not_take_the_subject_with_an_act() -> None:
    power_name = "供热经营者改动市政供热设施审批"
    items = [
        service(f"{power_name}变更", ""),
        service(f"{power_name}注销", ""),
        service("供热经营者停业、歇业审批", ""),
    ]
    found = links([power(power_name)], items)
    assert found["供热经营者停业、歇业审批"] == {(power_name, Status.REVIEW)}


def test_a_family_never_settles_a_licence_under_a_penalty() -> None:
    penalty = power("对殡葬服务机构违规经营的处罚", None, Category.PENALTY)
    family = [
        service("对殡葬服务机构违规经营的处罚", "330144301001"),
        service("对殡葬服务机构违规经营的处罚（简易程序）", "330144301002"),
        service("殡葬服务机构经营许可变更", "330144301003"),
    ]
    found = links([penalty], family)
    assert found["对殡葬服务机构违规经营的处罚"] == {("对殡葬服务机构违规经营的处罚", Status.MATCHED)}
    assert all(status is not Status.MATCHED for _, status in found["殡葬服务机构经营许可变更"])


def test_a_power_that_lists_its_acts_does_not_settle_an_act_it_does_not_list() -> None:
    power_name = "音像制品复制单位设立、变更审批"
    items = [
        service("音像制品复制单位设立", ""),
        service("音像制品复制单位变更", ""),
        service("音像制品复制单位注销备案", ""),
    ]
    found = links([power(power_name)], items)
    assert (power_name, Status.MATCHED) not in found.get("音像制品复制单位注销备案", set())


def test_settling_sees_an_item_as_matching_does_a_penalty_named_as_its_parent_makes_it_a_penalty_item() -> (
    None
):
    name = "对殡葬服务机构违规经营的处罚"
    family = [
        service(name, "330144301001"),
        service(f"{name}（简易程序）", "330144301002"),
        # Its catalogue row names a penalty (another wording of the power) as its main item.
        service("殡葬服务机构经营许可变更", "330144301003").model_copy(
            update={"parent_power_name": "对殡葬服务机构违规经营行为进行的处罚"}
        ),
    ]
    found = links([power(name, None, Category.PENALTY)], family)
    assert found["殡葬服务机构经营许可变更"] == {(name, Status.MATCHED)}


CARD_FAMILY = [
    service("医保电子凭证绑定", "512B0070900001"),
    service("医保电子凭证解绑", "512B0070900002"),
    service("医保电子凭证注销", "512B0070900003"),
    service("医保电子凭证补领、换领", "512B0070900004"),
]


def test_a_family_does_not_settle_a_member_that_names_only_the_subject_of_a_power_about_another_thing() -> (
    None
):
    # The power is about binding the card; 注销 and 补领 of the card share only the subject with it.
    found = links([power("医保电子凭证绑定与解绑"), power("城乡居民医疗保险参保登记")], CARD_FAMILY)
    assert found["医保电子凭证绑定"] == {("医保电子凭证绑定与解绑", Status.MATCHED)}
    assert found["医保电子凭证解绑"] == {("医保电子凭证绑定与解绑", Status.MATCHED)}
    assert found["医保电子凭证注销"] == {("医保电子凭证绑定与解绑", Status.REVIEW)}
    assert found["医保电子凭证补领、换领"] == {("医保电子凭证绑定与解绑", Status.REVIEW)}


def test_a_family_matched_by_its_members_names_does_not_settle_a_member_naming_only_the_subject() -> None:
    dept = "东城县医疗保障局"
    powers = [
        PowerItem(name="医保电子凭证密码修改与重置", role="single", department=dept, source=SRC),
        PowerItem(name="城乡居民医疗保险参保登记", role="single", department=dept, source=SRC),
    ]
    family = [
        ServiceItem(name=name, code=f"512B007090000{n}", unit="东城县", department=dept, source=SRC)
        for n, name in enumerate(("医保电子凭证密码修改", "医保电子凭证密码重置", "医保电子凭证注销"), 1)
    ]
    found = links(powers, family)
    assert found["医保电子凭证密码修改"] == {("医保电子凭证密码修改与重置", Status.MATCHED)}
    assert found["医保电子凭证密码重置"] == {("医保电子凭证密码修改与重置", Status.MATCHED)}
    assert found["医保电子凭证注销"] == {("医保电子凭证密码修改与重置", Status.REVIEW)}


def test_the_subject_with_an_act_is_settled_under_a_power_that_names_acts_only_after_it() -> None:
    family = [
        service("残疾军人证新办", "512B0070900001"),
        service("残疾军人证换领", "512B0070900002"),
        service("残疾军人证注销", "512B0070900003"),
    ]
    found = links([power("残疾军人证核发与管理"), power("城乡居民医疗保险参保登记")], family)
    assert all(v == {("残疾军人证核发与管理", Status.MATCHED)} for v in found.values())


def test_only_a_subject_with_an_act_the_power_does_not_name_shares_only_the_subject() -> None:
    def only_subject(item: str, power_name: str) -> bool:
        return shares_only_subject(prepare(item, None, None, None), prepare(power_name, None, None, None))

    assert only_subject("医保电子凭证注销", "医保电子凭证密码修改与重置")
    assert only_subject("医保电子凭证补领、换领", "医保电子凭证密码修改与重置")
    assert not only_subject("医保电子凭证密码重置", "医保电子凭证密码修改与重置")  # one of its acts
    assert not only_subject("医保电子凭证应用状态查询", "医保电子凭证密码修改与重置")  # a thing of its own
    assert not only_subject("医保电子凭证绑定", "医保电子凭证绑定与解绑")  # the first act it lists
    assert not only_subject("残疾军人证注销", "残疾军人证核发与管理")  # a power that issues and manages
    assert not only_subject("计量器具变更", "计量器具检定核准")  # a power that only issues
    assert not only_subject("居住登记", "居住登记（包括注销、变更）")  # what the bracket says it includes
    assert not only_subject("农家乐终止审批", "农家乐登记、注销或者变更审批")  # 终止 is 注销
    assert not only_subject("网约车平台设立登记", "网约车平台注册、变更、注销登记")  # 设立 is 注册
    assert not only_subject("医保电子凭证注销", "城乡居民医疗保险参保登记")  # no subject shared


def test_explain_shows_a_member_naming_only_the_subject_in_review_without_a_settling_rule() -> None:
    explained = explain_service(
        [power("医保电子凭证绑定与解绑"), power("城乡居民医疗保险参保登记")], CARD_FAMILY, 2
    )
    kept = [c for c in explained.candidates if c.status != "dropped"]
    assert [(c.name, c.status) for c in kept] == [("医保电子凭证绑定与解绑", "review")]
    assert AGREE_NOTE.split("{")[0] not in kept[0].reason


def test_two_matched_members_of_a_large_family_do_not_settle_the_other_six() -> None:
    names = [
        "燃气经营许可证核发",
        "燃气经营许可证核发（注销）",
        "瓶装燃气供应站点设置备案",
        "燃气燃烧器具安装维修备案",
        "燃气设施改动方案审查",
        "管道燃气特许经营协议备案",
        "燃气用户安全检查登记",
        "燃气价格调整听证",
    ]
    family = [service(name, f"33011730100{n}") for n, name in enumerate(names, 1)]
    found = links([power("燃气经营许可证核发"), power("城市道路挖掘许可")], family)
    assert [found[name] == {("燃气经营许可证核发", Status.MATCHED)} for name in names] == [True] * 2 + [
        False
    ] * 6
    assert all(found[name] == {("燃气经营许可证核发", Status.REVIEW)} for name in names[2:])


def test_a_member_whose_name_weakly_points_only_elsewhere_keeps_the_family_from_settling() -> None:
    # Not confident enough for a family two powers share, but its name knows no other power than its own.
    family = [*FAMILY, service("燃气燃烧器具安装企业资质变更申请", "330117301004")]
    powers = [power("燃气经营许可证核发"), power("燃气燃烧器具安装维修企业资质核准")]
    found = links(powers, family)
    assert found["瓶装燃气供应站点设置备案"] == {("燃气经营许可证核发", Status.REVIEW)}
    assert ("燃气燃烧器具安装维修企业资质核准", Status.REVIEW) in found["燃气燃烧器具安装企业资质变更申请"]


def test_a_code_under_a_power_does_not_settle_an_item_another_power_holds_more_strongly_by_name() -> None:
    powers = [power("殡葬服务机构设立登记", "330144201000"), power("殡葬服务机构经营审批注销备案")]
    found = links(powers, [service("殡葬服务机构经营审批（注销）", "330144201003")])
    assert found["殡葬服务机构经营审批（注销）"] == {
        ("殡葬服务机构设立登记", Status.REVIEW),
        ("殡葬服务机构经营审批注销备案", Status.REVIEW),
    }


def test_a_family_does_not_settle_a_member_that_shares_nothing_but_the_stem_with_the_power() -> None:
    # A department-wide stem (公共服务 codes) gathers unrelated items: 居住证办理 beside two 特种行业 filings.
    family = [
        service("开锁业备案", "512B00112000001"),
        service("旧手机交易业备案", "512B00112000002"),
        service("居住证办理", "512B00112000003"),
    ]
    found = links([power("特种行业备案（旧手机交易业、开锁业）"), power("居住证核发")], family)
    assert found["开锁业备案"] == {("特种行业备案（旧手机交易业、开锁业）", Status.MATCHED)}
    assert ("特种行业备案（旧手机交易业、开锁业）", Status.MATCHED) not in found["居住证办理"]


def test_a_code_does_not_settle_an_item_naming_another_powers_certificate() -> None:
    # One stem holds the vehicle's and the driver's certificates; one member names the vehicle licence as its
    # 主项名称, which the family spreads to the others. The items say 约租车, a short form the built-in
    # vocabulary does not read (网约车 it reads, and its names would then agree without the certificate).
    vehicle = power("网络预约出租汽车运输证核发", "511A1271907000")
    driver = power("网络预约出租汽车驾驶员证核发", "XK12003")
    items = [
        service("约租车运输证核发", "511A1271907001"),
        ServiceItem(
            name="约租车运输证注销",
            code="511A1271907004",
            parent_power_name="网络预约出租汽车运输证核发",
            unit="东城县",
            source=SRC,
        ),
        service("约租车运输证变更", "511A1271907006"),
        service("约租车驾驶员证核发", "511A1271907051"),
        service("约租车驾驶员证补发", "511A1271907053"),
    ]
    found = links([vehicle, driver], items)
    for name in ("约租车驾驶员证核发", "约租车驾驶员证补发"):
        assert ("网络预约出租汽车运输证核发", Status.MATCHED) not in found[name], name
    # The one power that issues the certificate the item names is proposed beside the code's power.
    assert ("网络预约出租汽车驾驶员证核发", Status.REVIEW) in found["约租车驾驶员证补发"]
    result = match_catalogue([vehicle, driver], items)
    proposed = next(lk for lk in result.links if lk.service == 4 and lk.power == 1)
    assert "办理项名称所称证件（驾驶员证）为该事项所发" in proposed.reason
    assert found["约租车运输证注销"] == {("网络预约出租汽车运输证核发", Status.MATCHED)}
    # With no power naming the driver's certificate, the code and the family settle the item as before.
    alone = links([vehicle], items)
    assert alone["约租车驾驶员证补发"] == {("网络预约出租汽车运输证核发", Status.MATCHED)}


def test_certificates_are_named_by_the_words_before_them() -> None:
    from quanze.match.evidence import certificates, names_other_certificate

    assert certificates("约租车驾驶员证补发") == {"驶员"}
    assert certificates("律师执业证书注销") == certificates("律师执业许可证核发") == {"执业"}
    assert certificates("农业植物产地检疫合格证签发") == {"检疫"}
    assert certificates("出生医学证明补发") == certificates("产品质量认证") == frozenset()
    assert names_other_certificate("约租车驾驶员证补发", "网络预约出租汽车运输证核发") == "驶员"
    assert names_other_certificate("约租车运输证变更", "网络预约出租汽车运输证核发") is None
    assert names_other_certificate("种苗检疫证书补发", "种苗检疫相关证书签发") is None
    assert names_other_certificate("安全生产许可证变更", "建筑施工企业安全生产许可") is None


def test_explain_names_the_power_whose_certificate_the_item_names() -> None:
    vehicle = power("网络预约出租汽车运输证核发", "511A1271907000")
    driver = power("网络预约出租汽车驾驶员证核发", "XK12003")
    items = [
        service("约租车运输证核发", "511A1271907001"),
        ServiceItem(
            name="约租车运输证注销",
            code="511A1271907004",
            parent_power_name="网络预约出租汽车运输证核发",
            unit="东城县",
            source=SRC,
        ),
        service("约租车驾驶员证补发", "511A1271907053"),
    ]
    explained = explain_service([vehicle, driver], items, 2)
    held = {c.name: c for c in explained.candidates if c.status == "review"}
    assert "办理项名称所称证件（驾驶员证）为该事项所发" in held["网络预约出租汽车驾驶员证核发"].reason


def test_a_parent_spread_from_a_shared_stem_does_not_settle_a_member_named_after_the_other_power() -> None:
    # One stem holds the items of two powers with local codes; one member names 年度检验 in its parent cell,
    # which the family spreads to the others. A member that is the other power's name with a 情形, and one
    # named unlike both, are proposed for 年度检验 by the spread parent, never matched by the family.
    from quanze.match.settle import FAMILY_NOTE, SPREAD_MARK, own_words

    credit = "11330100MB0A12345X"
    inspection = power("内河船舶年度检验（客渡船）", "JTXK07012")
    grading = power("内河船舶安全等级评定备案（客渡船）", "JTQT07011")
    items = [
        ServiceItem(
            name="客渡船例行保养记录登记",
            code=f"002019021005{credit}4",
            parent_power_name="内河船舶年度检验（客渡船）",
            unit="东城县",
            source=SRC,
        ),
        service("内河船舶年度检验（客渡船）", f"002019021004{credit}4"),
        service("客渡船安全等级评定", f"002019021003{credit}4"),
        service("内河船舶安全等级评定备案（客渡船）（首次备案）", f"002019021001{credit}4"),
    ]
    result = match_catalogue([inspection, grading], items)
    got = {(items[lk.service].name, lk.power, lk.status): lk.reason for lk in result.links}
    assert ("内河船舶年度检验（客渡船）", 0, Status.MATCHED) in got
    assert ("客渡船例行保养记录登记", 0, Status.MATCHED) in got
    for name in ("客渡船安全等级评定", "内河船舶安全等级评定备案（客渡船）（首次备案）"):
        assert (name, 0, Status.MATCHED) not in got, name
        spread = got[(name, 0, Status.REVIEW)]
        assert SPREAD_MARK in spread and FAMILY_NOTE[:8] not in spread
    # The member's own name still proposes its own power.
    assert ("内河船舶安全等级评定备案（客渡船）（首次备案）", 1, Status.REVIEW) in got
    # Only the member's own words count as its own links.
    kept: Found = (1, 87.0, Method.FUZZY, Status.REVIEW, "名称相似度87")
    spread_link: Found = (
        0,
        86.0,
        Method.EXACT,
        Status.REVIEW,
        f"一致；{SPREAD_MARK}（编码族可能对应多个事项）",
    )
    assert own_words([kept, spread_link]) == [kept]
    explained = explain_service([inspection, grading], items, 3)
    held = {c.name: c for c in explained.candidates if c.status == "review"}
    assert SPREAD_MARK in held["内河船舶年度检验（客渡船）"].reason


def test_the_spread_mark_is_the_one_catalogue_matching_writes() -> None:
    from quanze.match.catalogue import SPREAD_PARENT_NOTE
    from quanze.match.settle import SPREAD_MARK

    assert SPREAD_MARK in SPREAD_PARENT_NOTE


def test_a_member_that_only_resembles_another_power_leaves_the_spread_family_to_settle() -> None:
    # 内河小型渔船转入 resembles the sub-item 内河小型渔船驾驶证转入 (87 by name, above the spread parent's 86) but
    # does not begin with its whole name: the family, three of whose members are matched, still settles it.
    dept = "东城县农业农村局"

    def p(name: str, code: str) -> PowerItem:
        return PowerItem(name=name, code=code, role="single", department=dept, source=SRC)

    def s(name: str, code: str, parent: str | None = None) -> ServiceItem:
        return ServiceItem(
            name=name, code=code, unit="东城县", department=dept, parent_power_name=parent, source=SRC
        )

    powers = [p("内河小型渔船登记", "NYQT05001"), p("内河小型渔船驾驶证转入", "NYQT05002")]
    stem = "369A6100077"
    items = [
        s("内河小型渔船变更登记", stem + "001", "内河小型渔船登记"),
        s("内河小型渔船注销登记", stem + "002"),
        s("内河小型渔船抵押登记", stem + "003"),
        s("内河小型渔船转入", stem + "004"),
        s("内河小型渔船临时号牌核发", stem + "005"),
    ]
    found = links(powers, items)
    for name in ("内河小型渔船转入", "内河小型渔船临时号牌核发"):
        assert found[name] == {("内河小型渔船登记", Status.MATCHED)}, name
