"""Abbreviations (简称): a name written with a short form links to the power written in full, and nothing more."""

from __future__ import annotations

from pathlib import Path

import pytest

from links import linked
from quanze.match import Status, match_catalogue
from quanze.match.abbrev import vocabulary
from quanze.models import Category, PowerItem, Provenance, ServiceItem

SRC = Provenance(file="t", sheet="s", row=1)


def power(name: str, category: Category | None = Category.OTHER) -> PowerItem:
    return PowerItem(name=name, role="single", category=category, department="市人社局", source=SRC)


def service(name: str) -> ServiceItem:
    return ServiceItem(name=name, department="县人社局", unit="东城县", source=SRC)


def reasons(powers: list[PowerItem], services: list[ServiceItem]) -> list[str]:
    return [lk.reason for lk in match_catalogue(powers, services).links]


@pytest.mark.parametrize(
    ("item", "full"),
    [
        ("社保卡补领", "社会保障卡补领"),
        ("低保申请审核", "最低生活保障申请审核"),
        ("民非登记", "民办非企业单位登记"),
        ("医保电子凭证申领", "医疗保障电子凭证申领"),
        ("个体户设立登记", "个体工商户设立登记"),
        ("危化品经营许可", "危险化学品经营许可"),
        ("网约车平台公司经营许可", "网络预约出租汽车平台公司经营许可"),
        ("网吧经营单位变更审批", "互联网上网服务营业场所经营单位变更审批"),
        ("社会服务机构名称变更登记", "民办非企业单位名称变更登记"),
    ],
)
def test_a_short_form_links_to_the_power_written_in_full(item: str, full: str) -> None:
    assert linked([power(full)], [service(item)]) == {(item, full, Status.MATCHED)}


def test_a_power_written_short_links_to_the_item_written_in_full() -> None:
    assert linked([power("环评文件审批")], [service("环境影响评价文件审批")]) == {
        ("环境影响评价文件审批", "环评文件审批", Status.MATCHED)
    }


def test_without_the_abbreviation_the_pair_is_not_matched() -> None:
    # What the vocabulary adds: the same pair with a word that is no abbreviation stays apart.
    assert not any(
        s == Status.MATCHED for *_, s in linked([power("社会保障卡补领")], [service("社福卡补领")])
    )


def test_the_reason_names_the_abbreviation_read() -> None:
    assert any(
        "简称“社保卡”即“社会保障卡”" in r for r in reasons([power("社会保障卡补领")], [service("社保卡补领")])
    )


def test_an_ambiguous_short_form_reads_each_of_its_full_forms() -> None:
    assert vocabulary().variants("医保关系转移") == (
        ("医疗保障关系转移", "简称“医保”即“医疗保障”"),
        ("医疗保险关系转移", "简称“医保”即“医疗保险”"),
    )
    assert linked([power("医疗保险关系转移")], [service("医保关系转移")]) == {
        ("医保关系转移", "医疗保险关系转移", Status.MATCHED)
    }


@pytest.mark.parametrize(
    "name",
    [
        "临时身份证明",  # 身份证明 is not a 身份证
        "中国税收居民身份证明的开具",
        "拖拉机驾驶证核发",  # a tractor's licence is not a motor vehicle's
        "联合收割机驾驶证补换证",
        "居民非机动车登记",  # 民非 inside 居民非
        "降低保险费率",  # 低保 inside 降低保险
        "居民身份证办理",  # already written in full: nothing to expand (only contracted)
    ],
)
def test_a_short_form_inside_a_longer_word_does_not_expand(name: str) -> None:
    expanded = [v for v, _ in vocabulary().variants(name) if len(v) > len(name)]
    assert expanded == []


def test_a_guarded_short_form_does_not_link() -> None:
    powers = [power("居民身份证核发"), power("机动车驾驶证核发")]
    found = linked(powers, [service("临时身份证明核发"), service("拖拉机驾驶证核发")])
    assert not any(s == Status.MATCHED for *_, s in found)


def test_an_abbreviation_only_counts_when_the_names_then_agree() -> None:
    # 社保卡 read in full, the names still differ (补领 / 挂失 are other acts of the thing): no lift.
    found = linked([power("社会保障卡应用服务目录管理")], [service("社保卡挂失")])
    assert found == set()


def test_near_twins_and_penalties_still_hold_with_an_abbreviation() -> None:
    powers = [
        power("对危险化学品经营违法行为的处罚", Category.PENALTY),
        power("危险化学品生产许可", Category.LICENSING),
    ]
    assert linked(powers, [service("危化品经营许可")]) == set()


def test_abbreviations_extend_in_config(tmp_path: Path) -> None:
    powers = [power("城乡居民基本养老保险参保登记")]
    assert not any(s == Status.MATCHED for *_, s in linked(powers, [service("城乡居保参保登记")]))
    found = linked(powers, [service("城乡居保参保登记")], abbreviations={"城乡居保": "城乡居民基本养老保险"})
    assert found == {("城乡居保参保登记", "城乡居民基本养老保险参保登记", Status.MATCHED)}

    from quanze.config import load_config

    cfg = tmp_path / "quanze.toml"
    cfg.write_text(
        '[match.abbreviations]\n"城乡居保" = "城乡居民基本养老保险"\n"医保" = ["医疗保障局"]\n',
        encoding="utf-8",
    )
    assert load_config(cfg).match.abbreviations == {
        "城乡居保": ("城乡居民基本养老保险",),
        "医保": ("医疗保障局",),
    }


@pytest.mark.parametrize(
    "body",
    ['"社会保障卡" = "社保"', '"社保卡" = []', '"社保卡" = 3', '"城乡居保" = "城乡居保   "'],
)
def test_a_wrong_abbreviation_is_a_config_error(tmp_path: Path, body: str) -> None:
    from quanze.config import load_config
    from quanze.errors import ConfigError

    cfg = tmp_path / "quanze.toml"
    cfg.write_text(f"[match.abbreviations]\n{body}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="abbreviations"):
        load_config(cfg)


def test_a_short_form_read_two_ways_does_not_decide_between_them() -> None:
    # 医保 is 医疗保障 or 医疗保险: with both powers listed, the item is not matched to either on its own.
    powers = [power("医疗保障关系转移"), power("医疗保险关系转移")]
    found = linked(powers, [service("医保关系转移")])
    assert {p for _, p, _ in found} == {"医疗保障关系转移", "医疗保险关系转移"}
    assert all(s == Status.REVIEW for *_, s in found)


def test_explain_names_the_abbreviation_read() -> None:
    from quanze.match.explain import explain_service

    explained = explain_service([power("社会保障卡补领"), power("社会保险登记")], [service("社保卡补领")], 0)
    kept = [c for c in explained.candidates if c.status != "dropped"]
    assert [(c.name, c.status) for c in kept] == [("社会保障卡补领", "matched")]
    assert "简称“社保卡”即“社会保障卡”" in kept[0].reason
