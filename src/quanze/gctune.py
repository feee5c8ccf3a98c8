"""Fewer garbage collections during a run: it builds hundreds of thousands of objects that live to the end."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# A run allocates rows, items and links that nearly all live until the reports are written; at CPython's
# default threshold (700 allocations) the collector walks them again and again for nothing.
# `make bench` runs the province both ways, side by side.
YOUNG_THRESHOLD = 50_000
_depth = 0
_frozen_here = False
"""Whether freeze_inputs froze objects in the outermost relaxed block now running (and so must unfreeze)."""
_startup_frozen = 0
"""How many objects freeze_startup set aside: the console script's own, which a run may unfreeze with its rows."""


def freeze_startup() -> None:
    """The console script, once the command line is loaded: its modules, classes and schemas are set aside.

    The imports run with the collector off and leave ~90,000 new objects behind, all alive until the
    process ends: the first allocation after them would start a collection that walks them all for
    nothing (60 ms of the sample's run). Frozen, they are never walked; the pending count starts again
    from zero. They count as nobody's freeze for freeze_inputs, which may unfreeze them with the rows.
    """
    global _startup_frozen
    gc.freeze()
    _startup_frozen = gc.get_freeze_count()


@contextmanager
def relaxed_gc() -> Iterator[None]:
    """Raise the collector's thresholds for the block; at its end restore them and unfreeze what
    freeze_inputs froze in it. What the caller froze before the block stays frozen."""
    global _depth, _frozen_here, _startup_frozen
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], YOUNG_THRESHOLD), max(old[1], 20), max(old[2], 20))
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        gc.set_threshold(*old)
        if _depth == 0 and _frozen_here:
            _frozen_here = False
            _startup_frozen = 0
            gc.unfreeze()
        if _depth == 0 and gc.get_freeze_count() == 0:
            # What the block made is aged at once into the oldest generation (and the pending count
            # cleared): at the restored threshold the next allocation would otherwise start a young
            # collection that walks the whole result, in a CLI run just before it exits.
            gc.freeze()
            gc.unfreeze()


def freeze_inputs() -> None:
    """After ingest, inside relaxed_gc: the rows read are set aside, never walked again by the collector.

    They are unfrozen (and can be freed) when the run ends. A report writer forked meanwhile also keeps
    them shared with the parent instead of copying every page the collector would touch. When the caller
    has frozen objects of its own, nothing is frozen: unfreezing at the end would undo the caller's freeze
    (gc.unfreeze cannot tell whose objects are whose). The console script's start-up freeze is no such
    caller: it is unfrozen with the rows.
    """
    global _frozen_here
    if _depth and (_frozen_here or gc.get_freeze_count() <= _startup_frozen):
        gc.freeze()
        _frozen_here = True
