"""An item written with a short form and a handling act of its own is proposed for the power read in full."""

from __future__ import annotations

from quanze.match import MatchOptions, Status, match_catalogue
from quanze.match.explain import explain_service
from quanze.match.model import power_key, service_key
from quanze.match.short_forms import handling_words, power_subject
from quanze.models import Category, Decision, PowerItem, Provenance, ServiceItem

SRC = Provenance(file="t", sheet="s", row=1)


def power(name: str, category: Category = Category.PUBLIC_SERVICE) -> PowerItem:
    return PowerItem(name=name, role="single", category=category, department="县人社局", source=SRC)


def service(name: str) -> ServiceItem:
    return ServiceItem(name=name, unit="东城县", department="县人社局", source=SRC)


POWERS = [
    power("社会保障卡发放"),
    power("社会保障卡密码修改与重置"),
    power("工伤认定", Category.CONFIRMATION),
]


def test_a_short_form_with_another_act_is_proposed_for_the_power_read_in_full() -> None:
    items = [service("社保卡首次申领"), service("社保卡补领、换领"), service("社保卡临时挂失及解挂")]
    result = match_catalogue(POWERS, items)
    assert {(lk.service, lk.power, lk.status) for lk in result.links} == {
        (n, 0, Status.REVIEW) for n in range(3)
    }
    assert all("简称“社保卡”即“社会保障卡”后为该事项主体（社会保障卡）" in lk.reason for lk in result.links)


def test_a_short_form_followed_by_another_thing_is_not_proposed() -> None:
    result = match_catalogue(POWERS, [service("社保卡申领进度查询"), service("社保卡密码修改")])
    assert not any(lk.power == 0 for lk in result.links)


def test_a_power_naming_more_than_acts_on_its_subject_is_not_read_as_that_subject() -> None:
    assert power_subject("社会保障卡发放") == "社会保障卡"
    assert power_subject("机动车驾驶证核发、审验") == "机动车驾驶证"
    assert power_subject("社会保障卡密码修改与重置") is None
    assert power_subject("居住证核发") == "居住证"  # three characters, but a certificate
    assert handling_words("有效期满换证") and handling_words("审验(延期审验)")
    assert not handling_words("密码修改") and not handling_words("")


def test_a_configured_short_form_is_read_and_a_rejected_power_is_not_proposed() -> None:
    options = MatchOptions(abbreviations={"就业证": ["就业创业证"]})
    powers = [power("就业创业证核发")]
    items = [service("就业证遗失补办")]
    assert [lk.status for lk in match_catalogue(powers, items, options=options).links] == [Status.REVIEW]
    assert not match_catalogue(powers, items).links  # without the configured short form
    book = {service_key(items[0]): {power_key(powers[0]): Decision.REJECT}}
    assert not match_catalogue(powers, items, options=options, decisions=book).links


def test_explain_names_the_short_form_read() -> None:
    explained = explain_service(POWERS, [service("社保卡首次申领")], 0)
    (held,) = [c for c in explained.candidates if c.status == "review"]
    assert "简称“社保卡”" in held.reason and held.name == "社会保障卡发放"


def test_an_item_no_name_links_is_read_the_same_way_without_a_short_form() -> None:
    powers = [power("居住证核发"), power("犬只登记")]
    result = match_catalogue(powers, [service("居住证办理"), service("居住证明开具")])
    assert {(lk.service, lk.power, lk.status) for lk in result.links} == {(0, 0, Status.REVIEW)}
    assert result.links[0].reason.startswith("名称为该事项主体（居住证）加办理动作（办理）")
    # Three characters that name no certificate or card say too little.
    assert power_subject("犬只登记") is None


def test_an_item_nothing_links_is_proposed_for_the_one_power_holding_its_subject() -> None:
    powers = [
        power("临时救助对象审核确认及救助金给付"),
        power("城乡医疗救助对象认定"),
        power("医疗救助资金拨付"),
    ]
    items = [service("临时救助申请（依申请）"), service("医疗救助申请"), service("临时救助—急难型")]
    result = match_catalogue(powers, items)
    links = {(lk.service, lk.power, lk.status) for lk in result.links}
    assert (0, 0, Status.REVIEW) in links
    assert "仅该事项名称含此主体" in next(lk.reason for lk in result.links if lk.service == 0)
    assert not any(s == 1 for s, _, _ in links)  # two powers hold 医疗救助: nothing is proposed
    assert not any(s == 2 for s, _, _ in links)  # what follows the subject is not a handling act


def test_a_held_subject_must_open_the_powers_name_and_name_no_act() -> None:
    powers = [
        power("水库工程项目初步方案文件审批"),
        power("典当行设立、合并、分立审批"),
        power("对渔船事故损害赔偿纠纷的调解"),
    ]
    items = [service("初步方案文件审批"), service("典当行设立登记"), service("渔船事故认定")]
    # (A pair close enough by name alone may link; the held subject adds nothing to any of them.)
    assert not [lk for lk in match_catalogue(powers, items).links if "仅该事项名称含此主体" in lk.reason]
