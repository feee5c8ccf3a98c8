"""A rejection takes a candidate away and never makes the item's other candidates more certain (match/rejections)."""

from __future__ import annotations

from quanze.match import Decision, Status, match_catalogue, power_key, service_key
from quanze.match.rejections import REJECTED_RIVAL_NOTE
from quanze.models import PowerItem, Provenance, ServiceItem

SRC = Provenance(file="t", sheet="s", row=1)


def power(name: str, code: str | None = None, dept: str = "市人社局") -> PowerItem:
    return PowerItem(
        name=name, role="single", code=code, department=dept, source=SRC, receiving_unit="青石县"
    )


def service(name: str, code: str | None = None, dept: str = "青石县人力资源和社会保障局") -> ServiceItem:
    return ServiceItem(name=name, code=code, department=dept, unit="青石县", source=SRC)


# The quirk: an item whose code is under one power's code (a different subsidy: 职业培训 vs 创业培训) while
# another power's name is nearer. The code rule settles a link only when no name holds the item more strongly.
REJECTED_NEAR_NAME_POWERS = [
    power("创业补贴申请", "512B0066700000"),
    power("职业培训补贴申领", "369Z0100167000"),
]
ITEM_UNDER_A_RIVALS_CODE = service(
    "创业培训补贴申请（县级）", "369Z0100167002-369005000000-000-11369004254973475X-1-00"
)


def statuses(book: dict[str, dict[str, Decision]] | None) -> dict[str, tuple[Status, str]]:
    result = match_catalogue(REJECTED_NEAR_NAME_POWERS, [ITEM_UNDER_A_RIVALS_CODE], decisions=book)
    return {REJECTED_NEAR_NAME_POWERS[lk.power].name: (lk.status, lk.reason) for lk in result.links}


def test_both_candidates_are_in_review_on_their_own_evidence() -> None:
    assert {name: st for name, (st, _) in statuses(None).items()} == {
        "创业补贴申请": Status.REVIEW,
        "职业培训补贴申领": Status.REVIEW,
    }


def test_rejecting_the_nearer_name_leaves_the_rival_in_review() -> None:
    book = {service_key(ITEM_UNDER_A_RIVALS_CODE): {power_key(REJECTED_NEAR_NAME_POWERS[0]): Decision.REJECT}}
    got = statuses(book)
    assert list(got) == ["职业培训补贴申领"]
    status, reason = got["职业培训补贴申领"]
    assert status is Status.REVIEW
    assert REJECTED_RIVAL_NOTE in reason


def test_a_link_matched_on_its_own_evidence_stays_matched_after_a_rejection() -> None:
    powers = [power("燃气经营许可证核发"), power("建筑工程施工许可")]
    item = service("燃气经营许可证新办", dept="县住建局")
    for p in powers:
        p.department = "市住建局"
    book = {service_key(item): {power_key(powers[1]): Decision.REJECT}}
    result = match_catalogue(powers, [item], decisions=book)
    assert [(lk.power, lk.status) for lk in result.links] == [(0, Status.MATCHED)]


def test_rejecting_one_of_two_tied_candidates_does_not_match_the_other() -> None:
    powers = [
        power("燃气经营许可证核发", dept="市住建局"),
        power("燃气经营许可证核发（县级）", dept="市住建局"),
    ]
    item = service("燃气经营许可证新办", dept="县住建局")
    alone = match_catalogue(powers, [item])
    assert {lk.status for lk in alone.links} == {Status.REVIEW} and len(alone.links) == 2
    book = {service_key(item): {power_key(powers[0]): Decision.REJECT}}
    result = match_catalogue(powers, [item], decisions=book)
    assert [(lk.power, lk.status) for lk in result.links] == [(1, Status.REVIEW)]
