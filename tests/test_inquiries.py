"""Information services (queries, advice, guides) are not proposed on their names for powers that are not one."""

from __future__ import annotations

from quanze.match import match_catalogue
from quanze.match.inquiries import is_inquiry
from quanze.models import Category, PowerItem, Provenance, ServiceItem

SRC = Provenance(file="t", sheet="s", row=1)


def power(name: str, category: Category = Category.LICENSING) -> PowerItem:
    return PowerItem(name=name, role="single", category=category, department="县卫健局", source=SRC)


def service(name: str, code: str | None = None) -> ServiceItem:
    return ServiceItem(name=name, code=code, unit="东城县", department="县卫健局", source=SRC)


def test_a_query_is_not_proposed_for_a_licence_on_its_name() -> None:
    result = match_catalogue(
        [power("护士执业注册许可")], [service("护士执业注册信息查询"), service("护士执业注册")]
    )
    assert {lk.service for lk in result.links} == {1}


def test_a_query_is_still_proposed_for_a_power_that_is_a_query_service() -> None:
    powers = [power("护士执业注册信息查询服务", Category.PUBLIC_SERVICE)]
    result = match_catalogue(powers, [service("护士执业注册信息查询")])
    assert [lk.power for lk in result.links] == [0]


def test_a_query_its_code_family_proposes_is_kept() -> None:
    powers = [power("失业登记", Category.PUBLIC_SERVICE)]
    items = [service("失业登记", "512C0000100001"), service("就业创业证查询", "512C0000100002")]
    result = match_catalogue(powers, items)
    assert (0, 1) in {(lk.power, lk.service) for lk in result.links}


def test_is_inquiry() -> None:
    assert is_inquiry("二手车交易登记咨询") and is_inquiry("烟草专卖零售许可证网上申请指引（县级）")
    assert not is_inquiry("护士执业注册") and not is_inquiry("查询服务费收取审批")


def test_explain_says_why_a_query_was_dropped() -> None:
    from quanze.match.explain import explain_service

    explained = explain_service([power("护士执业注册许可")], [service("护士执业注册信息查询")], 0)
    (considered,) = explained.candidates
    assert considered.status == "dropped"
    assert considered.why == "舍弃：办理项为查询、咨询或指引类信息服务，不是该事项的办理项"
