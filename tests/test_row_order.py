"""An item nothing links, among catalogue rows of one power, is proposed for that power in review (row order)."""

from __future__ import annotations

from quanze.match import Status, match_catalogue
from quanze.match.explain import explain_service
from quanze.match.row_order import MAX_BETWEEN, subject_word
from quanze.models import Category, PowerItem, Provenance, ServiceItem

# Invented on the shape of real ones (a real name here would leave the held-out sets of tools/quality.py).
SHIP = "内河渡船登记"
FERRY = "渡口设置审批"
DEPT = "东城县交通运输局"


def powers(names: list[str], dept: str = DEPT) -> list[PowerItem]:
    src = Provenance(file="list", sheet="s", row=1)
    return [PowerItem(name=n, role="single", department=dept, source=src) for n in names]


def catalogue(rows: list[str | tuple[str, str]], **fields: object) -> list[ServiceItem]:
    """Rows in catalogue order; a (name, department) pair puts a row under another organ; `fields` are given to
    the rows named by their keys (name → {field: value})."""
    out = []
    for i, row in enumerate(rows):
        name, dept = (row, DEPT) if isinstance(row, str) else row
        extra = fields.get(name, {})
        assert isinstance(extra, dict)
        src = Provenance(file="cat", sheet="s", row=i)
        out.append(ServiceItem(name=name, department=dept, unit="东城县", source=src, **extra))
    return out


def links(
    power_names: list[str], rows: list[str | tuple[str, str]], **fields: object
) -> dict[str, set[tuple[str, Status]]]:
    items = catalogue(rows, **fields)
    result = match_catalogue(powers(power_names), items)
    out: dict[str, set[tuple[str, Status]]] = {s.name: set() for s in items}
    for lk in result.links:
        out[items[lk.service].name].add((power_names[lk.power], lk.status))
    return out


def test_subject_word_is_read_outside_acts_and_closing_words() -> None:
    assert subject_word("死亡注销户口", "户口登记、注销、迁移") == "户口"
    assert subject_word("犬只转让变更登记", "养犬登记") is None  # only 登记 in common: no subject
    assert subject_word("居民身份证办理（包括临时）", "户口登记（包括注销、恢复、变更）") is None


CASE = "船东住址变更备案"  # named by its case alone: nothing in its name says 内河渡船登记


def test_an_item_between_two_rows_of_one_power_is_proposed_for_it() -> None:
    rows: list[str | tuple[str, str]] = [f"{SHIP}（首次）", CASE, f"{SHIP}注销", f"{FERRY}（新设）"]
    got = links([SHIP, FERRY], rows)
    assert got[CASE] == {(SHIP, Status.REVIEW)}
    assert got[f"{SHIP}（首次）"] == {(SHIP, Status.MATCHED)}


def test_nothing_between_rows_of_two_powers_or_apart_from_them() -> None:
    # Between rows of two powers, and sharing no subject word with either: nothing says which.
    got = links([SHIP, FERRY], [f"{SHIP}（首次）", CASE, f"{FERRY}（新设）"])
    assert got[CASE] == set()
    # Rows of another organ or another sheet between are no neighbours.
    other = "东城县文化和旅游局"
    got = links([SHIP, FERRY], [f"{SHIP}（首次）", (CASE, other), f"{SHIP}注销"])
    assert got[CASE] == set()


def test_a_longer_gap_between_rows_of_one_power_proposes_nothing() -> None:
    gap = ["客运班线调整备案", "港口岸线使用申报", "航道通航条件影响评价审核"][: MAX_BETWEEN + 1]
    got = links([SHIP, FERRY], [f"{SHIP}（首次）", *gap, f"{SHIP}注销"])
    assert all(got[name] == set() for name in gap)


EDGE = "渡船船名核定"  # shares 渡船 with 内河渡船登记 only


def test_an_item_at_the_edge_of_a_powers_rows_sharing_its_subject_is_proposed() -> None:
    got = links([SHIP, FERRY], [f"{SHIP}（首次）", f"{SHIP}注销", EDGE, f"{FERRY}（新设）"])
    assert got[EDGE] == {(SHIP, Status.REVIEW)}


def test_a_subject_word_another_power_holds_proposes_nothing() -> None:
    rival = "渡船安全检验审查"
    got = links([SHIP, FERRY, rival], [f"{SHIP}（首次）", f"{SHIP}注销", EDGE, f"{FERRY}（新设）"])
    assert (SHIP, Status.REVIEW) not in got[EDGE]


def test_a_penalty_is_never_proposed_by_row_order() -> None:
    penalty = "对未经登记擅自经营渡船的处罚"
    rows: list[str | tuple[str, str]] = [f"{penalty}（一般）", CASE, f"{penalty}（较重）"]
    got = links([penalty, FERRY], rows)
    assert got[CASE] == set()


def test_explain_names_the_row_order() -> None:
    rows: list[str | tuple[str, str]] = [f"{SHIP}（首次）", CASE, f"{SHIP}注销", f"{FERRY}（新设）"]
    explained = explain_service(powers([SHIP, FERRY]), catalogue(rows), 1)
    held = [c for c in explained.candidates if c.status == "review"]
    assert len(held) == 1 and "目录行序" in held[0].reason and SHIP in str(held[0])


def test_an_item_with_a_code_of_its_own_or_a_public_service_is_not_proposed_by_row_order() -> None:
    rows: list[str | tuple[str, str]] = [f"{SHIP}（首次）", CASE, f"{SHIP}注销", f"{FERRY}（新设）"]
    assert links([SHIP, FERRY], rows, **{CASE: {"code": "H-000123-001"}})[CASE] == set()
    public = {"category": Category.PUBLIC_SERVICE}
    licence = {"category": Category.LICENSING}
    got = links([SHIP, FERRY], rows, **{CASE: public, f"{SHIP}（首次）": licence, f"{SHIP}注销": licence})
    assert got[CASE] == set()


def test_a_neighbour_pointing_at_two_powers_is_no_evidence() -> None:
    twin = "内河渡船登记审核"  # a second power the row below points at as well
    rows: list[str | tuple[str, str]] = [f"{SHIP}（首次）", CASE, f"{SHIP}注销"]
    got = links([SHIP, twin, FERRY], rows)
    assert got[f"{SHIP}注销"] == {(SHIP, Status.REVIEW), (twin, Status.REVIEW)}
    assert got[CASE] == set()


def test_a_proof_of_facts_beside_a_powers_rows_is_not_proposed() -> None:
    proof = "渡船证明开具"  # a service of its own, not a handling item of 内河渡船登记
    got = links([SHIP, FERRY], [f"{SHIP}（首次）", f"{SHIP}注销", proof, f"{FERRY}（新设）"])
    assert got[proof] == set()


def test_items_with_no_rows_of_their_own_have_no_order() -> None:
    same = Provenance(file="cat", sheet="s", row=1)  # as a library caller may give them
    rows = [f"{SHIP}（首次）", CASE, f"{SHIP}注销"]
    items = [ServiceItem(name=n, department=DEPT, unit="东城县", source=same) for n in rows]
    result = match_catalogue(powers([SHIP, FERRY]), items)
    assert not [lk for lk in result.links if lk.service == 1]
