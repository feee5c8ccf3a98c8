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


@contextmanager
def relaxed_gc() -> Iterator[None]:
    """Raise the collector's thresholds for the block; at its end restore them and unfreeze what
    freeze_inputs froze in it. What the caller froze before the block stays frozen."""
    global _depth, _frozen_here
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
            gc.unfreeze()


def freeze_inputs() -> None:
    """After ingest, inside relaxed_gc: the rows read are set aside, never walked again by the collector.

    They are unfrozen (and can be freed) when the run ends. A report writer forked meanwhile also keeps
    them shared with the parent instead of copying every page the collector would touch. When the caller
    has frozen objects of its own, nothing is frozen: unfreezing at the end would undo the caller's freeze
    (gc.unfreeze cannot tell whose objects are whose).
    """
    global _frozen_here
    if _depth and (_frozen_here or gc.get_freeze_count() == 0):
        gc.freeze()
        _frozen_here = True
