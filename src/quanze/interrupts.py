"""Ctrl-C and SIGTERM held back while a step that must not be cut runs: they arrive, as the interruption they
are, when it is done."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM in this thread until the block ends; a signal that came meanwhile is then
    handled as usual (KeyboardInterrupt, or the CLI's SIGTERM handler), outside the block.

    For code that would swallow the interruption: pydantic's serializer turns a KeyboardInterrupt raised
    inside it into its own error."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
