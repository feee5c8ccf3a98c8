"""Matching: evidence order, near-twins, review band, ambiguity, decisions, and properties."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from quanze.match import (
    Decision,
    MatchOptions,
    Method,
    Status,
    match_catalogue,
    match_lists,
    power_key,
    service_key,
    twin_clash,
)
from quanze.models import PowerItem, Provenance, ServiceItem

SRC = Provenance(file="t", sheet="s", row=1)


def power(name: str, code: str | None = None, dept: str = "市住建局", sub: str | None = None) -> PowerItem:
    return PowerItem(
        name=name, sub_item=sub, role="sub" if sub else "single", code=code, department=dept, source=SRC
    )


def service(
    name: str,
    code: str | None = None,
    dept: str = "县住建局",
    parent: str | None = None,
    unit: str | None = "东城县",
) -> ServiceItem:
    return ServiceItem(name=name, code=code, department=dept, parent_power_name=parent, unit=unit, source=SRC)


def links(powers: list[PowerItem], services: list[ServiceItem], **kw: object) -> set[tuple[str, str, Status]]:
    result = match_catalogue(powers, services, **kw)  # type: ignore[arg-type]
    return {(powers[lk.power].title, services[lk.service].name, lk.status) for lk in result.links}


def test_one_power_many_handling_items() -> None:
    powers = [power("燃气经营许可证核发"), power("建筑工程施工许可")]
    services = [
        service("燃气经营许可证新办"),
        service("燃气经营许可证（变更）"),
        service("燃气经营许可证-注销"),
    ]
    assert links(powers, services) == {("燃气经营许可证核发", s.name, Status.MATCHED) for s in services}


def test_code_with_agreeing_name_is_method_code() -> None:
    powers = [power("燃气经营许可证核发", "511A0001000000")]
    services = [service("燃气经营许可证新办", "511A0001000001-369001000000-000-113690000000000001-1-00")]
    (lk,) = match_catalogue(powers, services).links
    assert (lk.method, lk.status, lk.score) == (Method.CODE, Status.MATCHED, 99.5)


def test_code_agreement_with_unrelated_name_goes_to_review() -> None:
    powers = [power("燃气经营许可证核发", "511A0001000000"), power("户外广告设置许可")]
    services = [service("户外广告设置许可新办", "511A0001000000")]
    result = match_catalogue(powers, services)
    by_power = {powers[lk.power].name: lk for lk in result.links}
    assert by_power["户外广告设置许可"].status is Status.MATCHED
    assert "燃气经营许可证核发" not in by_power or by_power["燃气经营许可证核发"].status is Status.REVIEW


def test_near_twins_are_not_matched() -> None:
    powers = [power("食品生产许可", dept="市市场监管局")]
    services = [service("食品经营许可（新办）", dept="县市场监管局")]
    # 生产 and 经营 are contrasting words (quanze.match.contrasts): the names are not linked at all.
    assert match_catalogue(powers, services).links == []
    # A swapped word that is not a contrast still caps the score: shown to a person, never matched.
    (link,) = match_catalogue(
        [power("食品摊贩登记", dept="市市场监管局")], [service("食品小贩登记", dept="县市场监管局")]
    ).links
    assert link.status is Status.REVIEW and "可能是相近的另一事项" in link.reason


def test_qualifier_in_brackets_separates_items() -> None:
    powers = [
        power("种子生产经营许可", sub="种子生产经营许可（主要农作物）", dept="市农业农村局"),
        power("种子生产经营许可", sub="种子生产经营许可（非主要农作物）", dept="市农业农村局"),
    ]
    services = [service("种子生产经营许可（非主要农作物）新办", dept="县农业农村局")]
    assert links(powers, services) == {
        ("种子生产经营许可（非主要农作物）", "种子生产经营许可（非主要农作物）新办", Status.MATCHED)
    }


def test_twin_clash() -> None:
    assert twin_clash("食品生产许可", "食品经营许可")
    assert twin_clash("种子生产经营许可(主要农作物)", "种子生产经营许可(非主要农作物)")
    assert not twin_clash("娱乐场所变更审批", "娱乐场所变更许可")
    assert not twin_clash("建设工程消防验收", "特殊建设工程消防验收")


def test_fuzzy_rename_goes_to_review_band() -> None:
    powers = [power("县级广播电台、电视台变更台名、节目设置范围或节目套数审批")]
    services = [service("县级广播电台、电视台变更台名审批")]
    ((_, _, status),) = links(powers, services)
    assert status is Status.REVIEW


def test_unrelated_service_is_an_orphan() -> None:
    result = match_catalogue([power("燃气经营许可证核发")], [service("城市道路占用挖掘许可")])
    assert result.links == [] and result.orphans == [0]


def test_ambiguous_candidates_go_to_review() -> None:
    powers = [power("燃气经营许可证核发", dept="市住建局"), power("燃气经营许可证核发", dept="市住建局")]
    result = match_catalogue(powers, [service("燃气经营许可证新办")])
    assert {lk.status for lk in result.links} == {Status.REVIEW}
    assert result.ambiguous == 1


def test_services_match_within_their_unit_only() -> None:
    p = power("户外广告设置许可")
    p.receiving_unit = "东城县"
    result = match_catalogue([p], [service("户外广告设置许可", unit="西河县")])
    assert result.links == [] and result.orphans == [0]


def test_decisions_confirm_and_reject() -> None:
    powers = [power("县级广播电台、电视台变更台名、节目设置范围或节目套数审批"), power("食品生产许可")]
    services = [service("县级广播电台、电视台变更台名审批"), service("食品生产许可新办")]
    book = {
        service_key(services[0]): {power_key(powers[0]): Decision.CONFIRM},
        service_key(services[1]): {power_key(powers[1]): Decision.REJECT},
    }
    result = match_catalogue(powers, services, decisions=book)
    assert [(lk.power, lk.service, lk.method, lk.status) for lk in result.links] == [
        (0, 0, Method.DECISION, Status.MATCHED)
    ]
    assert result.orphans == [1]


def test_match_lists_pairs_one_to_one() -> None:
    left = [power("燃气经营许可证核发"), power("食品生产许可"), power("户外广告设置许可")]
    right = [power("食品生产许可（县级）"), power("燃气经营许可证核发"), power("建筑垃圾处置核准")]
    pairing = match_lists(left, right)
    assert [(p.left, p.right) for p in pairing.pairs] == [(0, 1), (1, 0)]
    assert pairing.left_only == [2] and pairing.right_only == [2]


NAMES = [
    "燃气经营许可证核发",
    "食品生产许可",
    "食品经营许可",
    "户外广告设置许可",
    "建筑工程施工许可",
    "城市建筑垃圾处置核准",
    "种子生产经营许可（主要农作物）",
    "种子生产经营许可（非主要农作物）",
    "教师资格认定",
    "社会团体成立登记",
    "对违法建设的处罚",
    "医疗机构设置审批",
]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(NAMES), min_size=1, max_size=12, unique=True))
def test_a_list_matched_against_itself_pairs_every_row(names: list[str]) -> None:
    powers = [power(n) for n in names]
    services = [service(n, dept="市住建局") for n in names]
    result = match_catalogue(powers, services)
    assert {(lk.power, lk.service) for lk in result.links if lk.status is Status.MATCHED} == {
        (i, i) for i in range(len(names))
    }


@settings(max_examples=30, deadline=None)
@given(st.floats(min_value=65, max_value=99), st.floats(min_value=0, max_value=1))
def test_raising_the_threshold_never_adds_matches(low: float, step: float) -> None:
    powers = [power(n) for n in NAMES]
    services = [service(n + suffix) for n in NAMES for suffix in ("新办", "（变更）")] + [
        service("县级广播电台变更审批"),
        service("食品小作坊备案"),
        service("教师资格证补办"),
    ]
    high = low + step * (100 - low)

    def matched(threshold: float) -> set[tuple[int, int]]:
        opts = MatchOptions(match_threshold=threshold, review_threshold=min(65, threshold))
        return {
            (lk.power, lk.service)
            for lk in match_catalogue(powers, services, options=opts).links
            if lk.status is Status.MATCHED
        }

    assert matched(high) <= matched(low)


def test_sub_items_that_are_handling_items_keep_apart() -> None:
    main = power("客运车辆道路运输证办理")
    main.role = "main"
    subs = [power("客运车辆道路运输证办理", sub=f"客运车辆道路运输证办理（{h}）") for h in ("变更", "延期")]
    services = [
        service("客运车辆道路运输证办理变更"),
        service("客运车辆道路运输证办理（延期）"),
        service("客运车辆道路运输证办理-换发"),
    ]
    powers = [main, *subs]
    result = match_catalogue(powers, services)
    got = {(services[lk.service].name, powers[lk.power].title, lk.status) for lk in result.links}
    assert ("客运车辆道路运输证办理变更", "客运车辆道路运输证办理（变更）", Status.MATCHED) in got
    assert ("客运车辆道路运输证办理（延期）", "客运车辆道路运输证办理（延期）", Status.MATCHED) in got
    assert {s for (n, _, s) in got if n == "客运车辆道路运输证办理-换发"} == {Status.REVIEW}
    assert not [g for g in got if g[1] == "客运车辆道路运输证办理"]  # the main item is served by its subs
    assert (0, "东城县") not in result.unmatched


def test_the_approval_bureau_is_no_evidence_against_a_line_department() -> None:
    """A city's 行政审批局 implements items of many departments: its catalogue entries are not penalised."""
    name = "道路货物运输经营许可"
    base = links([power(name, dept="市交通运输局")], [service(name + "（新办）", dept="县交通运输局")])
    approval = links([power(name, dept="市交通运输局")], [service(name + "（新办）", dept="县行政审批局")])
    other = links([power(name, dept="市交通运输局")], [service(name + "（新办）", dept="县民政局")])
    assert base == approval == {(name, name + "（新办）", Status.MATCHED)}
    (lk,) = match_catalogue(
        [power(name, dept="市交通运输局")], [service(name + "（新办）", dept="县行政审批局")]
    ).links
    assert "集中实施" in lk.reason and "部门不同" not in lk.reason
    (penalised,) = match_catalogue(
        [power(name, dept="市交通运输局")], [service(name + "（新办）", dept="县民政局")]
    ).links
    assert penalised.score < lk.score
    assert other  # still linked on the name, with the penalty shown
