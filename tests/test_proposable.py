"""One test of what a rule may propose, and one of the power a code family speaks for."""

from __future__ import annotations

from quanze.match.families import family_owner, unanimous_owner
from quanze.match.proposable import departments_apart, proposable
from quanze.match.scoring import KEY_WORD_NOTE, prepare

BUREAU = "行政审批局"  # as a prepared name holds it (the place apart)


def test_departments_are_apart_unless_one_implements_others_items() -> None:
    assert departments_apart("东城县林业局", "东城县农业农村局")
    assert not departments_apart(BUREAU, "东城县农业农村局")
    assert not departments_apart("东城县农业农村局", BUREAU)
    assert not departments_apart("东城县林业局", "东城县林业局")
    assert not departments_apart(None, "东城县林业局")
    assert not departments_apart("东城县林业局", None)


def test_proposable_applies_the_wording_tests_only_when_asked() -> None:
    inquiry = prepare("护士执业注册信息查询", None, None, "东城县卫生健康局", None)
    licence = prepare("护士执业注册", None, None, "东城县卫生健康局", None)
    elsewhere = prepare("护士执业注册", None, None, "东城县民政局", None)
    penalty = prepare("对护士违规执业的处罚", None, None, "东城县卫生健康局", None)
    targets = [licence, elsewhere, penalty]
    item = prepare("护士执业注册许可", None, None, "东城县卫生健康局", None)
    assert proposable(item, 0, targets, inquiry=True, department=True)
    assert not proposable(item, 0, targets, {0}, inquiry=False, department=False)  # an analyst rejected it
    assert not proposable(inquiry, 0, targets, inquiry=True, department=False)
    assert proposable(inquiry, 0, targets, inquiry=False, department=False)  # a code family's word
    assert not proposable(item, 1, targets, inquiry=False, department=True)
    assert proposable(item, 1, targets, inquiry=False, department=False)
    bureau = prepare("护士执业注册许可", None, None, "东城县行政审批局", None)
    assert proposable(bureau, 1, targets, inquiry=True, department=True)


def test_proposable_never_proposes_a_penalty_for_a_licence_item() -> None:
    item = prepare("烟花爆竹经营许可", None, None, None, None)
    penalty = prepare("对未经许可经营烟花爆竹的处罚", None, None, None, None)
    assert item.kind_clash(penalty)
    assert not proposable(item, 0, [penalty], inquiry=False, department=False)


def test_family_owner_is_the_one_power_every_pointing_member_points_at() -> None:
    assert family_owner([{1}, {1}], 3) == 1
    assert family_owner([{1}, {1, 2}], 3) is None  # two powers: a stem two powers share
    assert family_owner([], 3) is None
    assert family_owner([{1}], 3, at_least=2) is None
    assert family_owner([{1}], 4) is None  # one of four: too few for a share
    assert family_owner([{1}], 4, share_from=6) == 1  # a small family speaks through one member
    assert family_owner([{1}], 40, share_from=None) == 1  # no share asked
    assert family_owner([{1}], 40, share_from=6) is None


def test_unanimous_owner_asks_confident_links_on_top_of_the_family_owner() -> None:
    assert unanimous_owner([[(1, 84.0, "")]], 5) == 1
    assert unanimous_owner([[(1, 84.0, KEY_WORD_NOTE)]], 5) is None
    assert unanimous_owner([[(1, 84.0, "")], [(1, 60.0, "")]], 5) is None
