"""Normalisation: names, codes, departments, categories, counts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quanze.models import Category
from quanze.normalize import (
    _last_alias,
    category_of,
    clean_text,
    code_key,
    department_key,
    fold,
    is_placeholder,
    name_key,
    parse_count,
    split_name,
)
from quanze.vocab import DEPARTMENT_ALIASES


@pytest.mark.parametrize(
    ("name", "core", "handling", "level"),
    [
        ("燃气经营许可证核发", "燃气经营许可证", "核发", None),
        ("燃气经营许可证（变更）", "燃气经营许可证", "变更", None),
        ("食品经营许可-延续", "食品经营许可", "延续", None),
        ("举办高危险性体育赛事活动许可（县级）", "举办高危险性体育赛事活动许可", None, "县级"),
        ("企业投资项目备案（技术改造）（市级/县级）", "企业投资项目备案(技术改造)", None, "市级/县级"),
        ("开具税收完税证明（县级行使）", "开具税收完税证明", None, "县级行使"),
        ("烟草专卖零售许可证恢复营业", "烟草专卖零售许可证", "恢复营业", None),
    ],
)
def test_split_name_separates_handling_and_level(
    name: str, core: str, handling: str | None, level: str | None
) -> None:
    parts = split_name(name)
    assert (parts.core, parts.handling, parts.level) == (core, handling, level)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("种子生产经营许可（主要农作物）", "种子生产经营许可（非主要农作物）"),
        ("食品生产许可", "食品经营许可"),
    ],
)
def test_near_twins_keep_their_difference(a: str, b: str) -> None:
    assert split_name(a).core != split_name(b).core


def test_name_key_folds_widths_spaces_and_title_marks() -> None:
    assert name_key(" 变更《娱乐经营许可证》（含中外合资）。") == name_key("变更娱乐经营许可证(含中外合资)")


@pytest.mark.parametrize(
    ("code", "key"),
    [
        ("511A0138000000-511602000000-000-115113010833722043-1-00", "511A0138000000"),
        ("G-000007-001-511602000000-000-115113010833722043-1-00", "G-000007-001"),
        ("５１１Ａ０１３８", "511A0138"),
        # A basic code + the unit's credit code + a level digit; a credit code + 13 characters (Guangdong).
        ("330109001000" + "11330100MB1234567X" + "1", "330109001000"),
        ("11441823MB2D03911F" + "4446014359620", "11441823MB2D03911F4446014359620"),
        ("11441823MB2D039118" + "4441335199405", "11441823MB2D0391184441335199405"),
        (None, None),
    ],
)
def test_code_key_takes_the_basic_code(code: str | None, key: str | None) -> None:
    assert code_key(code) == key


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("广安市广安区区市监局", "市场监督管理局"),
        ("重庆市荣昌区市场监督管理局", "市场监督管理局"),
        ("凤翔区市场监管部门", "市场监督管理局"),
        ("东城县住建局", "住房和城乡建设局"),
        ("区政府办", "政府办"),
        ("县政府办", "政府办"),
        # Organs as real published lists name them.
        ("克拉玛依市国防动员办公室（克拉玛依市人民防空办公室）", "人民防空办公室"),
        ("河谷县文化体育广播电视和旅游局", "文化和旅游局"),
        ("区文广旅局", "文化和旅游局"),
        ("地州市商务主管部门", "商务局"),
        ("自治区农业农村厅", "农业农村局"),
        ("市委宣传部（新闻出版局、版权局）", "宣传部"),
        ("区行政审批局", "行政审批局"),
    ],
)
def test_department_variants_resolve(name: str, key: str) -> None:
    assert department_key(name) == key


def _alias_ending_last(text: str) -> str | None:
    """The definition: of the aliases in the text, the one whose last occurrence ends last, then the longest."""
    found = [(text.rfind(a) + len(a), len(a), c) for a, c in DEPARTMENT_ALIASES.items() if a in text]
    return max(found)[2] if found else None


@given(st.lists(st.sampled_from([*DEPARTMENT_ALIASES, "县", "市", "区", "局", "办", "政府"]), max_size=5))
def test_the_alias_found_is_the_one_ending_last_and_longest(parts: list[str]) -> None:
    text = "".join(parts)
    assert _last_alias(text) == _alias_ending_last(text)


def test_category_variants_and_extra_aliases() -> None:
    assert category_of("许可类") is Category.LICENSING
    assert category_of("其他职权") is Category.OTHER
    assert category_of("ZZ") is None
    assert category_of("ZZ", {"ZZ": Category.LICENSING}) is Category.LICENSING
    # A vendor's own numbering, given in quanze.toml, wins over the national one.
    assert category_of("02", {"02": Category.LICENSING}) is Category.LICENSING


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("01", Category.LICENSING),
        ("1", Category.LICENSING),
        ("02", Category.PENALTY),
        ("09", Category.ADJUDICATION),
        ("10", Category.OTHER),
        ("20", Category.PUBLIC_SERVICE),
        ("99", Category.OTHER),
        ("XK", Category.LICENSING),
        ("cf", Category.PENALTY),
        ("QT", Category.OTHER),
        ("11", None),
        ("123", None),
    ],
)
def test_category_codes(raw: str, expected: Category | None) -> None:
    assert category_of(raw) is expected


def test_national_numbering_can_be_turned_off() -> None:
    assert category_of("01", national_codes=False) is None
    assert category_of("XK", national_codes=False) is Category.LICENSING


@pytest.mark.parametrize("text", ["无", "/", "／", "—", "-", "暂无", "未分类", "N/A", " 无 "])
def test_placeholders(text: str) -> None:
    assert is_placeholder(text)


@pytest.mark.parametrize("text", ["无证经营处罚", "1-1", "无线电台设置审批", "A"])
def test_not_placeholders(text: str) -> None:
    assert not is_placeholder(text)


def test_parse_count() -> None:
    assert [parse_count(v) for v in ("12", "１２", 3.0, "1,024", None, "-")] == [12, 12, 3, 1024, None, None]
    with pytest.raises(ValueError):
        parse_count("很多")


def test_clean_text_joins_cjk_lines_without_space() -> None:
    assert clean_text("燃气经营\n许可证\r\n核发") == "燃气经营许可证核发"
    assert clean_text("Gas\nlicence") == "Gas licence"
    assert clean_text(" \u3000 ") is None


@given(st.text(max_size=40))
def test_name_key_is_idempotent(text: str) -> None:
    assert name_key(name_key(text)) == name_key(text)


@given(st.text(max_size=40))
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text(alphabet="燃气经营许可证核发新办变更县级（）()市/-", max_size=30))
def test_split_name_core_is_stable(text: str) -> None:
    core = split_name(text).core
    assert split_name(core).core == split_name(split_name(core).core).core


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.行政许可", Category.LICENSING),
        ("3、行政强制", Category.COERCION),
        ("（四）行政征收", Category.LEVY),
        ("二、行政确认", Category.CONFIRMATION),
        ("2.行政处罚类", Category.PENALTY),
        ("1.5", None),  # a number with a decimal is no numbered category
        ("一、", None),
    ],
)
def test_a_category_numbered_as_in_a_printed_list(raw: str, expected: Category | None) -> None:
    assert category_of(raw) is expected
