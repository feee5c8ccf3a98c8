"""One power listed by two departments: its handling items serve both rows."""

from __future__ import annotations

from quanze.gaps import catalogue_gaps
from quanze.match import Method, Status, match_catalogue
from quanze.match.explain import explain_service
from quanze.match.joint import joint_departments, partner_rows
from quanze.match.model import power_key, service_key
from quanze.match.scoring import prepare_power
from quanze.models import Decision, PowerItem, Provenance, ServiceItem
from quanze.results import GapType

SRC = Provenance(file="t", sheet="s", row=1)
HOUSING = "东城县住房和城乡建设局"
FIRE = "东城县消防救援大队"


def power(name: str, department: str, code: str | None) -> PowerItem:
    return PowerItem(name=name, code=code, role="single", department=department, source=SRC)


def service(name: str, code: str, department: str = HOUSING) -> ServiceItem:
    return ServiceItem(name=name, code=code, unit="东城县", department=department, source=SRC)


POWERS = [
    power("建设工程消防设计审查", HOUSING, "XK0101"),
    power("建设工程消防设计审查", FIRE, None),
    power("城市道路挖掘许可", HOUSING, "XK0102"),
]
ITEMS = [
    service("建设工程消防设计审查", "511A00123000001"),
    service("建设工程消防设计审查（变更）", "511A00123000002", "东城县行政审批局"),
]


def test_an_items_link_to_a_power_two_departments_list_is_given_to_both_rows() -> None:
    result = match_catalogue(POWERS, ITEMS)
    linked = {(lk.service, lk.power, lk.status) for lk in result.links}
    assert linked == {(s, p, Status.MATCHED) for s in (0, 1) for p in (0, 1)}
    assert len(result.links) == 4  # a row the item already holds is not given twice
    partner = next(lk for lk in result.links if lk.power == 1 and lk.service == 0)
    assert partner.reason.startswith("同一事项另列于住房和城乡建设局（联合实施或职责交叉）")


def test_the_partner_row_is_no_longer_a_power_without_a_service_item() -> None:
    result = match_catalogue(POWERS, ITEMS)
    gaps = catalogue_gaps(POWERS, ITEMS, result)
    missing = {g.item_name for g in gaps if g.gap_type is GapType.NO_SERVICE_ITEM}
    assert missing == {"城市道路挖掘许可"}


def test_near_twins_in_two_departments_are_not_partners() -> None:
    rows = [power("食品生产许可", HOUSING, "A1"), power("食品经营许可", FIRE, "A2")]
    assert partner_rows([prepare_power(p) for p in rows]) == {}
    rows = [power("食品生产许可", HOUSING, "A1"), power("食品生产许可", HOUSING, "A2")]
    assert partner_rows([prepare_power(p) for p in rows]) == {}  # one department listing it twice


def test_two_rows_of_one_name_under_codes_of_their_own_are_two_powers() -> None:
    rows = [
        power("食品生产许可", HOUSING, "A1"),
        power("食品生产许可", FIRE, "A2"),
        power("食品生产许可", FIRE, "A1"),
    ]
    assert partner_rows([prepare_power(p) for p in rows]) == {0: [2], 2: [0]}


def test_a_row_an_analyst_confirmed_gives_its_partner_for_review_and_a_rejected_partner_is_not_linked() -> (
    None
):
    book = {service_key(ITEMS[0]): {power_key(POWERS[0]): Decision.CONFIRM}}
    result = match_catalogue(POWERS, ITEMS[:1], decisions=book)
    assert {(lk.power, lk.method, lk.status) for lk in result.links} == {
        (0, Method.DECISION, Status.MATCHED),
        (1, Method.EXACT, Status.REVIEW),
    }
    book = {service_key(ITEMS[0]): {power_key(POWERS[1]): Decision.REJECT}}
    result = match_catalogue(POWERS, ITEMS[:1], decisions=book)
    assert {lk.power for lk in result.links} == {0}


def test_explain_tells_why_the_partner_row_holds_the_item() -> None:
    explained = explain_service(POWERS, ITEMS, 0)
    held = [c for c in explained.candidates if c.status == "matched"]
    assert len(held) == 2
    assert sum(c.reason.startswith("同一事项另列于") for c in held) == 1


def remarked(name: str, department: str, code: str, remarks: str | None) -> PowerItem:
    return PowerItem(name=name, code=code, role="single", department=department, remarks=remarks, source=SRC)


def test_a_remark_naming_the_other_department_joins_two_rows_under_codes_of_their_own() -> None:
    rows = [
        remarked("重点建设项目档案验收", "东城县档案局", "DA-QT-001", "与东城县发展和改革委员会联合实施"),
        remarked("重点建设项目档案验收", "东城县发展和改革委员会", "FG-QT-001", None),
        remarked("重点建设项目档案验收", FIRE, "XF-QT-001", None),  # not named by any remark: its own power
    ]
    prepared = [prepare_power(p) for p in rows]
    remarks = [p.remarks for p in rows]
    assert partner_rows(prepared, remarks) == {0: [1], 1: [0]}
    assert partner_rows(prepared) == {}  # without the remarks, codes of their own keep them apart


def test_a_remark_without_a_joint_word_or_naming_a_third_department_joins_nothing() -> None:
    rows = [
        remarked("重点建设项目档案验收", "东城县档案局", "DA-QT-001", "东城县发展和改革委员会负责立项"),
        remarked("重点建设项目档案验收", "东城县发展和改革委员会", "FG-QT-001", "与东城县财政局联合实施"),
    ]
    assert partner_rows([prepare_power(p) for p in rows], [p.remarks for p in rows]) == {}


def test_joint_departments_reads_the_departments_a_remark_names() -> None:
    assert joint_departments("与梧川市档案局、县发改委联合实施") == {"档案局", "发展和改革局"}
    assert joint_departments("会同县财政局实施") == {"财政局"}
    assert joint_departments("本级实施") == frozenset()
    assert joint_departments(None) == frozenset()


def test_an_item_reaches_both_rows_of_a_joint_power_with_codes_of_their_own_and_explain_names_it() -> None:
    powers = [
        remarked("重点建设项目档案验收", "东城县档案局", "DA-QT-001", "与东城县发展和改革委员会联合实施"),
        remarked("重点建设项目档案验收", "东城县发展和改革委员会", "FG-QT-001", "与东城县档案局联合实施"),
    ]
    items = [service("重点建设项目档案验收", "511Z00123000001", "东城县档案局")]
    result = match_catalogue(powers, items)
    assert {(lk.power, lk.status) for lk in result.links} == {(0, Status.MATCHED), (1, Status.MATCHED)}
    explained = explain_service(powers, items, 0)
    assert any(c.reason.startswith("同一事项另列于档案局") for c in explained.candidates)
