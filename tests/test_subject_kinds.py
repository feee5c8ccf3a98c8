"""Items on one kind of a power's subject (经营漂流许可 under 经营高危险性水上项目许可) are proposed for review."""

from __future__ import annotations

from quanze.match import MatchOptions, Status, match_catalogue
from quanze.match.explain import explain_service
from quanze.match.subject_kinds import DEFAULT_CLASS_NOUNS, kind_of_class, power_classes
from quanze.models import PowerItem, Provenance, ServiceItem

SRC = Provenance(file="t", sheet="s", row=1)
# Invented on the shape of real ones (a real name here would leave the held-out sets of tools/quality.py).
WATER = "经营高危险性水上项目许可"


def links(
    powers: list[str], names: list[str], options: MatchOptions | None = None
) -> dict[str, set[tuple[str, Status]]]:
    items = [ServiceItem(name=n, unit="东城县", source=SRC) for n in names]
    out: dict[str, set[tuple[str, Status]]] = {n: set() for n in names}
    result = match_catalogue(
        [PowerItem(name=p, role="single", source=SRC) for p in powers], items, options=options
    )
    for lk in result.links:
        out[names[lk.service]].add((powers[lk.power], lk.status))
    return out


def test_an_item_naming_one_kind_of_the_powers_class_is_proposed_for_review() -> None:
    found = links([WATER, "林木采伐许可证核发"], ["经营漂流许可", "经营摩托艇许可"])
    assert found == {n: {(WATER, Status.REVIEW)} for n in ("经营漂流许可", "经营摩托艇许可")}
    (link,) = match_catalogue(
        [PowerItem(name=WATER, role="single", source=SRC)],
        [ServiceItem(name="经营漂流许可", unit="东城县", source=SRC)],
    ).links
    assert "高危险性水上项目" in link.reason and "漂流" in link.reason


def test_nothing_is_proposed_without_a_shared_opening_a_one_class_or_a_plain_kind() -> None:
    # Two powers the shape fits: the name does not say which.
    assert links([WATER, "经营高风险性娱乐项目许可"], ["经营漂流许可"]) == {"经营漂流许可": set()}
    # No opening in common: any short name closing with 许可 would fit.
    assert links(["高危险性水上项目许可"], ["漂流许可"]) == {"漂流许可": set()}
    # A "kind" naming an act, and a class joined from parts (…展览及其他活动): no kind of one class.
    assert not kind_of_class("经营设立许可", power_classes(WATER, DEFAULT_CLASS_NOUNS)[0])
    assert not power_classes("对广场举办展览的许可", DEFAULT_CLASS_NOUNS)
    (joined,) = power_classes("对广场举办展览及其他活动的许可", DEFAULT_CLASS_NOUNS)
    assert kind_of_class("对广场停用的许可", joined) is None


def test_class_nouns_are_extensible_in_the_options() -> None:
    power = "经营特种计量器具许可"
    assert links([power], ["经营电能表许可"]) == {"经营电能表许可": set()}
    options = MatchOptions(class_nouns=("器具",))
    assert links([power], ["经营电能表许可"], options) == {"经营电能表许可": {(power, Status.REVIEW)}}


def test_explain_names_the_kind_of_class() -> None:
    powers = [PowerItem(name=WATER, role="single", source=SRC)]
    items = [ServiceItem(name="经营漂流许可", unit="东城县", source=SRC)]
    shown = explain_service(powers, items, 0)
    (cand,) = [c for c in shown.candidates if c.name == WATER]
    assert cand.status == "review" and "一种（漂流）" in cand.reason


def test_an_item_naming_several_kinds_of_the_class_is_proposed() -> None:
    power = "设立殡葬服务场所审批"
    found = links([power, "林木采伐许可证核发"], ["设立公墓、骨灰堂、殡仪馆审批"])
    assert found == {"设立公墓、骨灰堂、殡仪馆审批": {(power, Status.REVIEW)}}
    # One of the kinds named at length is no short name of a kind.
    long_one = "设立公墓、大型综合性殡葬服务中心审批"
    assert links([power], [long_one]) == {long_one: set()}
