"""Contradicting acts: a 子项 naming one act, or a power naming another act on another thing, proposes nothing."""

from __future__ import annotations

from links import linked
from quanze.match import Status
from quanze.match.acts import acts_contradict, object_after_act, other_act_and_thing, subject_before_act
from quanze.models import Category, PowerItem, Provenance, ServiceItem

SRC = Provenance(file="t", sheet="s", row=1)


def sub(main: str, act: str) -> PowerItem:
    return PowerItem(name=main, sub_item=f"{main}（{act}）", role="sub", department="市交通局", source=SRC)


def single(name: str, code: str | None = None) -> PowerItem:
    return PowerItem(
        name=name, role="single", code=code, category=Category.LICENSING, department="市农业局", source=SRC
    )


def service(name: str, code: str | None = None) -> ServiceItem:
    return ServiceItem(name=name, code=code, department="县农业局", unit="东城县", source=SRC)


def test_acts_of_one_group_agree_and_names_naming_several_acts_contradict_none() -> None:
    assert acts_contradict("某某许可新办审批", "某某许可变更")
    assert not acts_contradict("某某许可延期", "某某许可换证")  # one act in two words
    assert not acts_contradict("某某经营权变更延续", "某某经营权变更")
    assert not acts_contradict("某某证书补发、", "某某证书补发、换发")
    assert not acts_contradict("某某许可", "某某许可变更")  # a name naming no act contradicts nothing


def test_the_subject_and_the_thing_after_the_act() -> None:
    assert subject_before_act("互联网上网服务营业场所经营单位设立审批") == "互联网上网服务营业场所经营单位"
    assert object_after_act("公章刻制业注销备案登记") == ""
    assert object_after_act("兽药经营单位注销抵押登记") == "抵押"
    assert other_act_and_thing("公章刻制业注销备案登记", "公章刻制业特种行业许可证核发")
    # The power's whole subject with another act under a power that issues: subject + action, kept.
    assert not other_act_and_thing("动物防疫条件合格证注销", "动物防疫条件合格证核发")
    # …but not under a power that is itself another handling act.
    assert other_act_and_thing("动物防疫条件合格证变更", "动物防疫条件合格证补办")
    # A power listing its acts names none of them alone.
    assert not other_act_and_thing("基层法律服务工作者执业证补办", "基层法律服务工作者执业、变更许可")


def test_a_sub_item_naming_its_act_does_not_take_an_item_naming_another() -> None:
    powers = [sub("小微型客车租赁备案", act) for act in ("变更", "注销", "补办")]
    found = linked(powers, [service("小微型客车租赁备案新办"), service("小微型客车租赁备案变更")])
    assert found == {("小微型客车租赁备案变更", "小微型客车租赁备案（变更）", Status.MATCHED)}


def test_a_shared_subject_with_another_act_on_another_thing_is_not_proposed() -> None:
    powers = [single("公章刻制业特种行业许可证核发"), single("动物诊疗许可证核发")]
    items = [service("公章刻制业注销备案登记"), service("放射诊疗许可证遗失补办（县级）")]
    assert linked(powers, items) == set()
    # The power's own handling items are still its items.
    found = linked([single("动物防疫条件合格证核发")], [service("动物防疫条件合格证注销")])
    assert found == {("动物防疫条件合格证注销", "动物防疫条件合格证核发", Status.MATCHED)}


def test_codes_still_propose_what_contradicting_acts_would_drop() -> None:
    powers = [single("公章刻制业特种行业许可证核发", code="511A0123400000")]
    found = linked(powers, [service("公章刻制业注销备案登记", code="511A01234001")])
    assert {(p, s) for _, p, s in found} == {("公章刻制业特种行业许可证核发", Status.REVIEW)}


def test_a_code_family_still_proposes_what_contradicting_acts_would_drop() -> None:
    powers = [single("公章刻制业特种行业许可证核发")]
    items = [
        service("公章刻制业特种行业许可证核发", "511A01234001"),
        service("公章刻制业注销备案登记", "511A01234002"),
    ]
    found = linked(powers, items)
    assert ("公章刻制业注销备案登记", "公章刻制业特种行业许可证核发", Status.REVIEW) in found
