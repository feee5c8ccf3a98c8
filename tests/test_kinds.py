"""A power on units in general (参保单位注销) proposes, for review, the items on one kind of unit."""

from __future__ import annotations

import pytest

from quanze.match import MatchOptions, Status, catalogue, match_catalogue
from quanze.match.evidence import entity_cover
from quanze.match.explain import explain_service
from quanze.models import PowerItem, Provenance, ServiceItem

SRC = Provenance(file="t", sheet="s", row=1)
POWER = "用人单位注销"


def found(
    items: list[str], options: MatchOptions | None = None, powers: tuple[str, ...] = (POWER,)
) -> dict[str, set[tuple[str, Status]]]:
    ps = [PowerItem(name=p, role="single", source=SRC) for p in powers]
    services = [ServiceItem(name=n, unit="东城县", source=SRC) for n in items]
    out: dict[str, set[tuple[str, Status]]] = {n: set() for n in items}
    for lk in match_catalogue(ps, services, options=options).links:
        out[items[lk.service]].add((ps[lk.power].title, lk.status))
    return out


def test_a_power_on_units_proposes_the_items_on_each_kind_of_unit() -> None:
    items = [
        "企业工伤保险注销登记",
        "社会团体工伤保险注销登记",
        "企业工伤保险待遇申领",
        "学生工伤保险注销登记",
    ]
    links = found(items, powers=(POWER, "工伤认定申请"))
    assert links["企业工伤保险注销登记"] == {(POWER, Status.REVIEW)}
    assert links["社会团体工伤保险注销登记"] == {(POWER, Status.REVIEW)}
    assert (POWER, Status.REVIEW) not in links["企业工伤保险待遇申领"]  # another act: not 注销
    assert (POWER, Status.REVIEW) not in links["学生工伤保险注销登记"]  # 学生 is no kind of unit


def test_the_act_must_agree_and_a_kind_of_unit_be_named() -> None:
    assert entity_cover("企业工伤保险注销登记", "用人单位注销") == "用人单位"
    assert entity_cover("企业信息变更", "单位基本信息变更") == "单位"
    assert entity_cover("企业信息查询", "单位基本信息变更") is None
    assert entity_cover("学生信息变更", "单位基本信息变更") is None
    # 职工参保登记 is about employees: a registration (登记) is no handling act to agree on.
    assert entity_cover("机关事业单位职工参保登记", "单位参保登记") is None
    # The power's qualifier must come before the item's act (参保信息变更登记 does not end in 信息变更).
    assert entity_cover("企业信息变更", "单位参保信息变更登记") is None


def test_more_kinds_of_unit_come_from_the_config() -> None:
    item = ["农民专业合作社工伤保险注销登记"]
    assert found(item)[item[0]] == set()
    options = MatchOptions(entity_kinds={"用人单位": ("农民专业合作社",)})
    assert found(item, options)[item[0]] == {(POWER, Status.REVIEW)}


def test_explain_names_the_kind_of_unit() -> None:
    powers = [PowerItem(name=POWER, role="single", source=SRC)]
    shown = explain_service(powers, [ServiceItem(name="企业工伤保险注销登记", unit="东城县", source=SRC)], 0)
    (cand,) = shown.candidates
    assert cand.status == "review" and "主体类别“用人单位”" in cand.reason


def test_the_power_on_units_is_scored_even_when_the_name_lookup_passes_it_by(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # With one fuzzy candidate per item, the lookup by shared characters offers 工伤保险登记 only.
    options = MatchOptions(candidates=1)
    powers = ("工伤保险参保登记", POWER)
    item = ["企业工伤保险注销登记"]
    assert (POWER, Status.REVIEW) in found(item, options, powers)[item[0]]
    monkeypatch.setattr(catalogue, "unit_kind_links", lambda *args, **kwargs: None)
    assert (POWER, Status.REVIEW) not in found(item, options, powers)[item[0]]


def test_a_filing_is_a_handling_item_of_a_registration_whose_acts_the_power_lists() -> None:
    assert entity_cover("合伙企业备案", "企业设立、变更、注销登记") == "企业"
    assert entity_cover("合伙企业备案", "企业名称变更登记") is None  # 名称 is a thing, not a listed act
    assert entity_cover("合伙企业备案", "企业设立、变更、注销审批") is None  # no registration
