"""Batch work spread over forked processes (for commands on a multi-core machine)."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator

# The function being mapped, set before the pool forks: the workers inherit it, so it need not be picklable.
_FORKED: dict = {}


def _forked_span(span: tuple[int, int]) -> list:
    fn = _FORKED["fn"]
    return [fn(i) for i in range(*span)]


def fork_map(fn, n: int, processes: int | None = None, chunk: int = 64) -> Iterator[list]:
    """Chunks of [fn(i) for i in range(n)], in order, computed in forked processes that inherit what fn uses.

    For batch commands on a multi-core machine; without fork (or with one core) it runs here.
    """
    processes = processes or os.cpu_count() or 1
    spans = [(start, min(n, start + chunk)) for start in range(0, n, chunk)]
    if processes <= 1 or len(spans) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for span in spans:
            yield [fn(i) for i in range(*span)]
        return
    _FORKED["fn"] = fn
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            yield from pool.imap(_forked_span, spans)
    finally:
        _FORKED.clear()
