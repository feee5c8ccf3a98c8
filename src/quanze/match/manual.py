"""Links analysts add by hand: a power and a service item named by code or name, found in the inputs."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from quanze.decisions import DecisionRecord
from quanze.match.model import Decision, power_key, service_key
from quanze.models import PowerItem, ServiceItem
from quanze.normalize import code_key, name_key, split_name
from quanze.sheets import REVIEW

_T = TypeVar("_T", PowerItem, ServiceItem)


class UnknownItem(ValueError):
    """A power or service item named by hand that the inputs do not hold exactly once."""


def _same(text: str, code: str | None, name: str) -> int:
    """How the text names the item: 3 its code, 2 its name, 1 its name without handling word or level, 0 not."""
    if code_key(text) is not None and code_key(text) == code_key(code):
        return 3
    if name_key(text) == name_key(name):
        return 2
    parts, other = split_name(text), split_name(name)
    return 1 if (parts.core, parts.handling) == (other.core, other.handling) else 0


def _best(items: Sequence[_T], levels: Sequence[int]) -> list[_T]:
    """The items named in the strongest way any of them is named (a code beats a name)."""
    top = max(levels, default=0)
    return [item for item, level in zip(items, levels, strict=True) if top and level == top]


def _check(kind: str, text: str, found: list[tuple[str, str]], total: int, *, by_unit: bool = False) -> None:
    if not found:
        raise UnknownItem(
            f"no {kind} has the code or name “{text}” ({total} {kind}s read); "
            "copy the code or the full name from the input"
        )
    if len({key for key, _ in found}) > 1:
        shown = "；".join(label for _, label in found[:5])
        # --unit helps only where the candidates are of different units; else only the code tells them apart.
        way = "give the code (or --unit)" if by_unit else "give the code of the one meant"
        raise UnknownItem(f"“{text}” names {len(found)} {kind}s ({shown}); {way}")


def find_power(powers: Sequence[PowerItem], text: str) -> PowerItem:
    """The one power whose code or name is the text; a code wins over names that agree by accident."""
    pool = [p for p in powers if p.role != "main"]
    hits = _best(pool, [_same(text, p.code, p.title) for p in pool])
    found = [
        (power_key(p), f"{p.title}（{p.source.file} › {p.source.sheet} › {p.source.row}）") for p in hits
    ]
    _check("power", text, found, len(powers))
    return hits[0]


def find_service(services: Sequence[ServiceItem], text: str, unit: str | None = None) -> ServiceItem:
    """The one service item (of the unit, when given) whose code or name is the text."""
    pool = [s for s in services if unit is None or name_key(s.unit or "") == name_key(unit)]
    if unit is not None and not pool and services:
        # The unit, not the item, is what was not found: say so, with the units there are.
        units = sorted({s.unit for s in services if s.unit})
        shown = "、".join(units[:8]) + (f" … ({len(units)})" if len(units) > 8 else "")
        raise UnknownItem(
            f"no service item is at the unit “{unit}” ({len(services)} service items read, at {shown or 'no unit'}); "
            "write the unit as the catalogue's 行政区划 names it"
        )
    hits = _best(pool, [_same(text, s.code, s.name) for s in pool])
    found = [
        (
            service_key(s),
            f"{s.unit or '-'} {s.name} 编码 {s.code or '（无）'}"
            + (f" {s.department}" if s.department else "")
            + f"（{s.source.file} › row {s.source.row}）",
        )
        for s in hits
    ]
    _check("service item", text, found, len(pool), by_unit=len({name_key(s.unit or "") for s in hits}) > 1)
    return hits[0]


def manual_link(
    powers: Sequence[PowerItem],
    services: Sequence[ServiceItem],
    power: str,
    service: str,
    *,
    unit: str | None = None,
    by: str | None,
    at: str,
    note: str | None = None,
    source: str = "quanze review add",
) -> DecisionRecord:
    """A confirmed decision linking the power and the service item named, as if confirmed in review."""
    p = find_power(powers, power)
    s = find_service(services, service, unit)
    return DecisionRecord(
        power_key=power_key(p),
        service_key=service_key(s),
        decision=Decision.CONFIRM,
        unit=s.unit,
        power_name=p.title,
        service_name=s.name,
        note=note or "人工添加的对应关系",
        by=by,
        at=at,
        source=source,
    )


class HandAddedRows:
    """Rows added to review.xlsx by hand (no hidden keys; a power and a service item by code or name).

    The inputs are read once, and only when such a row is met.
    """

    POWER = (REVIEW.heading("power_code"), REVIEW.heading("power_name"))
    SERVICE = (REVIEW.heading("service_code"), REVIEW.heading("service_name"))

    def __init__(self, load: Callable[[], tuple[list[PowerItem], list[ServiceItem]]] | None) -> None:
        self._load = load
        self._items: tuple[list[PowerItem], list[ServiceItem]] | None = None

    def holds(self, row: Mapping[str, str | None]) -> bool:
        return (
            self._load is not None
            and any(row.get(c) for c in self.POWER)
            and any(row.get(c) for c in self.SERVICE)
        )

    def record(
        self, row: Mapping[str, str | None], decision: Decision, *, by: str | None, at: str, source: str
    ) -> DecisionRecord:
        """The row's decision; UnknownItem when its power or service item is not exactly one in the inputs."""
        if self._items is None:
            if self._load is None:
                raise UnknownItem("no inputs to look the row's items up in")
            self._items = self._load()
        powers, services = self._items
        power = next((row[c] for c in self.POWER if row.get(c)), None) or ""
        service = next((row[c] for c in self.SERVICE if row.get(c)), None) or ""
        rec = manual_link(
            powers,
            services,
            power,
            service,
            unit=REVIEW.get(row, "unit"),
            by=by,
            at=at,
            note=REVIEW.get(row, "note"),
            source=source,
        )
        return rec.model_copy(update={"decision": decision})
