"""The country-scale driver: `reconcile` mapped over unit partitions with Dask (`pip install 'quanze[dask]'`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from quanze.config import QuanzeConfig
from quanze.errors import UsageError
from quanze.units_pool import Combined, _chosen, combine, reconcile_unit


def _dask() -> Any:
    try:
        import dask
    except ImportError:
        raise UsageError(
            "the Dask driver needs dask, which is not installed",
            hint="pip install 'quanze[dask]', or run the units with `quanze units run --jobs N`",
        ) from None
    return dask


def reconcile_partitions(
    config: QuanzeConfig,
    *,
    units: Sequence[str] | None = None,
    scheduler: str = "processes",
    num_workers: int | None = None,
) -> Combined:
    """Reconcile every unit (or `units`) as one Dask task each, and put their rows together.

    The inputs are read once into the read cache first; each task then loads only its unit's records
    from the cache, so the tasks can run on any worker that sees the cache folder (set $QUANZE_CACHE to
    a shared path on a cluster). `scheduler` is Dask's: "processes", "threads", "synchronous", or a
    distributed client's address.
    """
    dask = _dask()
    chosen = _chosen(config, units, None)
    tasks = [dask.delayed(reconcile_unit, pure=True)(config, unit) for unit in chosen]
    kwargs: dict[str, Any] = {"scheduler": scheduler}
    if num_workers is not None:
        kwargs["num_workers"] = num_workers
    results = dask.compute(*tasks, **kwargs)
    return combine(list(zip(chosen, results, strict=True)))
