"""A power named for a kind of thing (X类…) proposes the unlinked items of that kind, in review only."""

from __future__ import annotations

from pathlib import Path

from quanze.config import load_config
from quanze.match import Status, match_catalogue
from quanze.match.explain import explain_service
from quanze.match.kind_qualifier import QUALIFIER_NOTE, propose_by_kind
from quanze.match.model import MatchOptions, Method
from quanze.match.scoring import prepare
from quanze.match.settle import Found
from quanze.models import Category, PowerItem, Provenance, ServiceItem

SRC = Provenance(file="t", sheet="s", row=1)
DEPT = "东城县自然资源局"


def power(name: str, code: str, category: Category = Category.CONFIRMATION, dept: str = DEPT) -> PowerItem:
    return PowerItem(name=name, code=code, role="single", department=dept, category=category, source=SRC)


def service(name: str, code: str | None = None, dept: str = DEPT) -> ServiceItem:
    return ServiceItem(name=name, code=code, unit="东城县", department=dept, source=SRC)


GRASSLAND = power("草原类不动产登记（含草原承包经营权）", "ZRQR03001")
OTHER = power("建设用地规划许可证核发", "ZRXK03002", Category.LICENSING)
ITEMS = [
    service("草原首次登记"),
    service("草原转移登记（继承、赠与）"),
    service("草原承包经营权流转登记"),
    service("草原类不动产权证书补发"),
    service("草原登记资料查询（权利人）"),  # an inquiry of the kind: not proposed
    service("草原防火许可"),  # another kind of item on the same thing: not proposed
    service("草原首次登记", dept="东城县农业农村局"),  # another department: not proposed
]


def _linked(powers: list[PowerItem], items: list[ServiceItem]) -> dict[str, set[tuple[str, Status]]]:
    out: dict[str, set[tuple[str, Status]]] = {}
    for lk in match_catalogue(powers, items).links:
        key = f"{items[lk.service].name}@{items[lk.service].department}"
        out.setdefault(key, set()).add((powers[lk.power].name, lk.status))
    return out


def test_items_of_the_kind_are_proposed_for_the_power_named_for_it_and_nothing_more() -> None:
    found = _linked([GRASSLAND, OTHER], ITEMS)
    name = GRASSLAND.name
    for item in (
        "草原首次登记",
        "草原转移登记（继承、赠与）",
        "草原承包经营权流转登记",
        "草原类不动产权证书补发",
    ):
        assert found[f"{item}@{DEPT}"] == {(name, Status.REVIEW)}, item
    assert f"草原登记资料查询（权利人）@{DEPT}" not in found
    assert f"草原防火许可@{DEPT}" not in found
    assert "草原首次登记@东城县农业农村局" not in found


def test_two_powers_of_one_kind_propose_nothing_and_a_linked_item_keeps_its_links() -> None:
    twin = power("草原类不动产抵押登记", "ZRQR03003")
    found = _linked([GRASSLAND, twin], ITEMS[:1])
    assert found == {}
    targets = [prepare(p.name, None, p.code, p.department) for p in (GRASSLAND, OTHER)]
    items = {0: prepare("草原首次登记", None, None, DEPT)}
    kept: Found = (1, 70.0, Method.FUZZY, Status.REVIEW, "名称相似度70")
    found_by = {0: [kept]}
    propose_by_kind([0], found_by, items, targets, MatchOptions())
    assert found_by == {0: [kept]}


def test_a_power_with_no_kind_or_a_penalty_of_a_kind_proposes_nothing() -> None:
    plain = power("草原不动产登记", "ZRQR03004")
    penalty = power("对草原类不动产登记违法行为的处罚", "ZRCF03005", Category.PENALTY)
    assert _linked([plain], [service("草原首次登记")]) == {}
    assert _linked([penalty], [service("草原首次登记")]) == {}


def test_explain_names_the_kind_rule() -> None:
    explained = explain_service([GRASSLAND, OTHER], ITEMS, 2)
    held = {c.name: c for c in explained.candidates if c.status == "review"}
    reason = held[GRASSLAND.name].reason
    assert QUALIFIER_NOTE.format(kind="草原", word="登记") in reason
    assert "“草原承包经营权”为该事项所含" in reason


def test_more_kind_words_come_from_the_configuration(tmp_path: Path) -> None:
    marked = power("湿地领域不动产登记", "ZRQR03006")
    item = service("湿地首次登记")
    assert _linked([marked], [item]) == {}
    options = MatchOptions(kind_marks=("领域",))
    result = match_catalogue([marked], [item], options=options)
    assert [(lk.power, lk.status) for lk in result.links] == [(0, Status.REVIEW)]
    # The setting is read from quanze.toml's [match] table.
    toml = tmp_path / "quanze.toml"
    toml.write_text('[match]\nkind_marks = ["领域"]\n', encoding="utf-8")
    assert load_config(toml).match.kind_marks == ("领域",)


def test_an_item_of_the_approval_bureau_is_proposed_for_a_line_departments_power_of_its_kind() -> None:
    # The 行政审批局 implements other departments' items: as scoring reads the pair, its department is no
    # evidence against the power (proposable.departments_apart), unlike another line department's.
    bureau = "东城县行政审批局"
    found = _linked(
        [GRASSLAND, OTHER],
        [service("草原首次登记", dept=bureau), service("草原首次登记", dept="东城县农业农村局")],
    )
    assert found[f"草原首次登记@{bureau}"] == {(GRASSLAND.name, Status.REVIEW)}
    assert "草原首次登记@东城县农业农村局" not in found
