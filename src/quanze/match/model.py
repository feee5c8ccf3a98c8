"""Matching's options, item keys and result; its vocabulary (methods, statuses, decisions, links) is models'."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from quanze.match.abbrev import Vocabulary, vocabulary
from quanze.match.contrasts import DEFAULT_CONTRASTS
from quanze.match.evidence import DEFAULT_ENTITY_KINDS, DEFAULT_SERVICE_CATEGORIES
from quanze.models import Category, PowerItem, ServiceItem
from quanze.models import Decision as Decision  # re-exported: the shared vocabulary lives in models
from quanze.models import Link as Link
from quanze.models import Method as Method
from quanze.models import Status as Status
from quanze.normalize import code_key, name_key


class MatchOptions(BaseModel):
    """Thresholds and weights of the matcher; the defaults suit real lists."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    match_threshold: float = Field(
        90.0, ge=0, le=100, description="score at or above which a link is matched"
    )
    review_threshold: float = Field(
        65.0, ge=0, le=100, description="score at or above which a link is reviewed"
    )
    margin: float = Field(4.0, ge=0, le=50, description="two candidates closer than this are ambiguous")
    same_department_bonus: float = Field(3.0, ge=0, le=20)
    other_department_penalty: float = Field(6.0, ge=0, le=50)
    candidates: int = Field(12, ge=1, le=200, description="fuzzy candidates scored per item")
    service_categories: tuple[Category, ...] = Field(
        DEFAULT_SERVICE_CATEGORIES,
        description="categories of power expected to have service items; the no-service-item gap follows it",
    )
    contrasts: tuple[tuple[str, ...], ...] = Field(
        (),
        description="more groups of words that set items apart (旅客 / 货物): names holding different ones never link",
    )
    entity_kinds: dict[str, tuple[str, ...]] = Field(
        default_factory=dict,
        description="more kinds of legal entity: a general kind and the specific kinds it covers",
    )

    class_nouns: tuple[str, ...] = Field(
        (),
        description="more nouns that close the name of a class of things (…体育项目): an item naming one kind of "
        "the class in its place is proposed for review",
    )

    kind_marks: tuple[str, ...] = Field(
        (),
        description="more words that qualify a power's subject as a kind (类, 方面 built in): 林权类不动产登记",
    )

    abbreviations: dict[str, tuple[str, ...]] = Field(
        default_factory=dict,
        description="more abbreviations: a short form and the full form(s) it stands for (社保卡 = 社会保障卡)",
    )

    @field_validator("abbreviations", mode="before")
    @classmethod
    def _abbreviations(cls, value: object) -> object:
        """ "短" = "长" or "短" = ["长1", "长2"]; a short form must be shorter than each full form it stands for."""
        if not isinstance(value, Mapping):
            return value
        out: dict[str, tuple[str, ...]] = {}
        for short, longs in value.items():
            full = (longs,) if isinstance(longs, str) else longs
            if not isinstance(short, str) or not isinstance(full, (list, tuple)) or not full:
                raise ValueError(f"abbreviation {short!r}: give a full form or a list of them")
            for long_ in full:
                if (
                    not isinstance(long_, str)
                    or not short.strip()
                    or len(long_.strip()) <= len(short.strip())
                ):
                    raise ValueError(
                        f"abbreviation “{short}” = {long_!r}: the short form must be shorter than its full form"
                    )
            out[short.strip()] = tuple(x.strip() for x in full)
        return out

    def abbreviation_vocabulary(self) -> Vocabulary:
        """The built-in abbreviations with the configured ones added."""
        return vocabulary(self.abbreviations)

    def contrast_groups(self) -> tuple[tuple[str, ...], ...]:
        """The built-in contrasting words with the configured groups added."""
        return DEFAULT_CONTRASTS + self.contrasts

    def entity_vocabulary(self) -> Mapping[str, tuple[str, ...]]:
        """The built-in entity kinds with the configured ones added."""
        return _entity_vocabulary(tuple(sorted(self.entity_kinds.items())))

    @model_validator(mode="after")
    def _ordered(self) -> MatchOptions:
        if self.review_threshold > self.match_threshold:
            raise ValueError("review_threshold must not exceed match_threshold")
        return self


def power_key(item: PowerItem) -> str:
    """Identity of a power across runs: its code and name as compared (a changed name is a new item)."""
    return f"{code_key(item.code) or ''}|{name_key(item.title)}"


def service_key(item: ServiceItem) -> str:
    return f"{item.unit or ''}|{code_key(item.code) or ''}|{name_key(item.name)}"


@dataclass(slots=True)
class MatchResult:
    """Links found, plus the powers (per unit) and service items that nothing links."""

    links: list[Link] = field(default_factory=list)
    unmatched: list[tuple[int, str | None]] = field(default_factory=list)  # (power index, unit)
    orphans: list[int] = field(default_factory=list)  # service indices with no matched or review link
    ambiguous: int = 0


@lru_cache(maxsize=64)
def _entity_vocabulary(extra: tuple[tuple[str, tuple[str, ...]], ...]) -> Mapping[str, tuple[str, ...]]:
    merged = {k: tuple(v) for k, v in DEFAULT_ENTITY_KINDS.items()}
    for general, specifics in extra:
        merged[general] = tuple(dict.fromkeys((*merged.get(general, ()), *specifics)))
    return merged


# Analysts' decisions: service key → {power key → decision}.
DecisionBook = Mapping[str, Mapping[str, Decision]]
