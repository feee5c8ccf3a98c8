"""What matching links, as tests compare it: (service item name, power title, status)."""

from __future__ import annotations

from quanze.match import MatchOptions, Status, match_catalogue
from quanze.models import PowerItem, ServiceItem


def linked(
    powers: list[PowerItem], services: list[ServiceItem], **kw: object
) -> set[tuple[str, str, Status]]:
    """The links matching makes; `kw` are MatchOptions fields (none: the defaults)."""
    opts = MatchOptions.model_validate(kw) if kw else None
    result = match_catalogue(powers, services, options=opts)
    return {(services[lk.service].name, powers[lk.power].title, lk.status) for lk in result.links}
