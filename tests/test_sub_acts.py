"""Sub-items a handling item ties by their main item's name are told apart by the act each names."""

from __future__ import annotations

from quanze.match import Status, match_catalogue
from quanze.match.explain import explain_service
from quanze.models import Category, PowerItem, Provenance, ServiceItem

SRC = Provenance(file="t", sheet="s", row=1)
MAIN = "护士执业注册许可"
SUBS = ["1.护士执业首次注册", "2.护士执业延续注册", "3.护士执业注销注册"]
POWERS = [
    PowerItem(name=MAIN, sub_item=sub, role="sub", category=Category.LICENSING, source=SRC) for sub in SUBS
]


def service(name: str) -> ServiceItem:
    return ServiceItem(name=name, unit="东城县", source=SRC)


def linked(name: str) -> set[tuple[int, Status]]:
    return {(lk.power, lk.status) for lk in match_catalogue(POWERS, [service(name)]).links}


def test_the_sub_item_naming_the_items_act_is_kept_alone() -> None:
    assert linked("护士延续执业注册") == {(1, Status.REVIEW)}


def test_sub_items_naming_a_contradicting_act_are_dropped() -> None:
    # 新办 names no act 首次注册 names, but 延续 and 注销 contradict it.
    assert linked("护士新办执业注册") == {(0, Status.REVIEW)}


def test_an_item_naming_no_act_keeps_every_sub_item() -> None:
    assert {p for p, _ in linked("护士执业注册申请")} == {0, 1, 2}


def test_explain_names_the_sub_items_left_out() -> None:
    explained = explain_service(POWERS, [service("护士延续执业注册")], 0)
    (held,) = [c for c in explained.candidates if c.status == "review"]
    assert held.name == "2.护士执业延续注册"
    assert "办理动作不合的子项已排除（1.护士执业首次注册、3.护士执业注销注册）" in held.reason
