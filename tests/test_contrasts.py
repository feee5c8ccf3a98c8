"""Contrasting words (旅客 / 货物, 批发 / 零售 …) keep items apart whatever else their names share."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from quanze.config import load_config
from quanze.match import MatchOptions, Status, match_catalogue
from quanze.match.contrasts import MARKED, contrast
from quanze.models import PowerItem, Provenance, ServiceItem

SRC = Provenance(file="t", sheet="s", row=1)


def power(name: str, code: str | None = None) -> PowerItem:
    return PowerItem(name=name, code=code, role="single", department="市交通运输局", source=SRC)


def service(name: str, code: str | None = None) -> ServiceItem:
    return ServiceItem(name=name, code=code, department="县交通运输局", unit="东城县", source=SRC)


def test_contrasting_words_are_found_both_ways() -> None:
    assert contrast("道路货物运输经营许可", "道路旅客运输经营许可") == ("货物", "旅客")
    assert contrast("烟花爆竹经营(零售)许可证", "烟花爆竹经营(批发)许可证") == ("零售", "批发")
    assert contrast("第二类易制毒化学品经营备案", "第三类易制毒化学品运输备案") == ("第二类", "第三类")
    # Both names hold the same word, or only one holds any: no contrast.
    assert contrast("麻醉药品和第一类精神药品购用许可", "麻醉药品、第一类精神药品购用审批") is None
    assert contrast("道路旅客运输经营许可", "客运班线经营许可") is None
    assert contrast("第二类、第三类易制毒化学品生产备案", "第三类易制毒化学品生产备案") is None


def test_activities_set_items_apart_unless_both_names_hold_one() -> None:
    assert contrast("食品经营许可", "食品生产许可") == ("经营", "生产")
    assert contrast("麻醉药品和第一类精神药品购用许可", "麻醉药品、第一类精神药品运输许可") == (
        "购用",
        "运输",
    )
    # 生产经营 holds both: an item naming one of them is not set apart from it.
    assert contrast("农药经营许可证核发", "农药生产经营审批") is None
    # 购买 and 购用 are one member written two ways.
    assert contrast("科研和教学所需毒性药品购用审批", "科研和教学用毒性药品购买审批") is None


def test_a_freight_item_never_links_to_a_passenger_power_by_name() -> None:
    powers = [power("道路旅客运输经营许可"), power("道路货物运输经营许可")]
    result = match_catalogue(powers, [service("道路货物运输经营许可（注销）")])
    assert [(powers[lk.power].title, lk.status) for lk in result.links] == [
        ("道路货物运输经营许可", Status.MATCHED)
    ]
    alone = match_catalogue(powers[:1], [service("道路货物运输经营许可（注销）")])
    assert alone.links == []


def test_a_code_still_proposes_across_contrasting_words() -> None:
    # The code is evidence of its own: the contrast does not silence it.
    result = match_catalogue(
        [power("道路旅客运输经营许可", "511A1800100000")], [service("道路货物运输经营许可", "511A1800100000")]
    )
    assert len(result.links) == 1


def test_more_contrasts_come_from_the_config(tmp_path: Path) -> None:
    powers = [power("甲类仓库建设审批")]
    services = [service("乙类仓库建设审批")]
    assert match_catalogue(powers, services).links  # not contrasting by default
    options = MatchOptions(contrasts=(("甲类", "乙类"),))
    assert match_catalogue(powers, services, options=options).links == []
    cfg = tmp_path / "quanze.toml"
    cfg.write_text('[match]\ncontrasts = [["甲类", "乙类"]]\n', encoding="utf-8")
    assert load_config(cfg).match.contrast_groups()[-1] == ("甲类", "乙类")


def test_a_marked_kind_is_set_apart_from_the_plain_thing() -> None:
    assert contrast("道路货物运输经营许可", "道路危险货物运输经营许可") == ("危险货物", "货物")
    # Both marked, or the other name does not name the plain thing: no contrast.
    assert contrast("道路危险货物运输经营许可（变更）", "道路危险货物运输经营许可") is None
    assert contrast("港口经营人从事危险货物作业涉及安全的备案", "应急预案及其修订情况的备案") is None
    powers = [power("道路危险货物运输经营许可")]
    assert match_catalogue(powers, [service("道路货物运输经营许可")]).links == []


def test_explain_names_the_contrasting_words_of_a_dropped_candidate() -> None:
    from quanze.match.explain import explain_service

    powers = [power("道路旅客运输经营许可")]
    services = [service("道路货物运输经营许可")]
    explained = explain_service(powers, services, 0)
    (candidate,) = explained.candidates
    assert candidate.status == "dropped" and "旅客" in candidate.why and "货物" in candidate.why


def _contrast_by_definition(a: str, b: str, groups: tuple[tuple[str, ...], ...]) -> tuple[str, str] | None:
    for marked, plain in MARKED:
        for one, other in ((a, b), (b, a)):
            if marked in one and marked not in other and plain in other:
                return marked, plain
    for group in groups:
        in_a = {m: w for m in group for w in m.split("|") if w in a}
        in_b = {m: w for m in group for w in m.split("|") if w in b}
        if in_a and in_b and not in_a.keys() & in_b.keys():
            left, right = next(iter(in_a.values())), next(iter(in_b.values()))
            if left not in right and right not in left:
                return left, right
    return None


_WORDS = st.text(alphabet="旅客货物批发零售生产经营购买用道路运输危险化学品废", max_size=12)


@given(a=_WORDS, b=_WORDS)
def test_contrasts_worked_out_once_a_name_agree_with_the_definition(a: str, b: str) -> None:
    groups = (("旅客", "货物"), ("批发", "零售"), ("生产", "经营", "购买|购用"))
    assert contrast(a, b, groups) == _contrast_by_definition(a, b, groups)


def test_numbered_kinds_transport_modes_and_freight_shorthand_set_items_apart() -> None:
    assert contrast("第二类易制毒化学品经营备案", "三类非药品类易制毒化学品经营备案") == ("第二类", "三类")
    assert contrast("国内水路运输经营许可", "道路货物运输经营许可") == ("水路", "道路")
    assert contrast("公路建设项目施工许可", "铁路建设项目施工许可") == ("公路", "铁路")
    assert contrast("道路危险货物运输经营许可", "道路货运经营许可（注销）") == ("危险货物", "货运")
    # One mode in two spellings, or one name naming none: no contrast.
    assert contrast("公路工程建设项目招标投标活动的备案", "道路工程招标备案") is None
    assert contrast("二类、三类易制毒化学品运输备案", "第三类易制毒化学品运输备案") is None
    powers = [power("国内水路运输经营许可")]
    assert match_catalogue(powers, [service("道路货物运输经营许可")]).links == []
