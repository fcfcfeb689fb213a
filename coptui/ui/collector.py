"""Python's garbage collector, tuned while a screen is up so that a key never waits for it.

Each key draws thousands of short-lived objects (strips, segments, styled text), so with
Python's default thresholds the collector's oldest generation ran every ten or so keys
and walked every object the app holds: 30-80 ms a time at 100,000 cases, most of the
tail of a key's time. What exists once the first screen is up (modules, styles, widgets)
lives as long as the screen: frozen, collections skip it; and young objects are collected
after ten thousand allocations rather than seven hundred. When the screen goes, both are
undone, so what it held can be collected (a test process runs many apps in turn).
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000


def settle_heap() -> tuple[int, int, int]:
    """Freeze what lives now, and collect the young generation less often; the thresholds before."""
    before = gc.get_threshold()
    gc.freeze()
    young, middle, old = before
    gc.set_threshold(max(YOUNG_THRESHOLD, young), middle, old)
    return before


def unsettle_heap(thresholds: tuple[int, int, int]) -> None:
    """Undo `settle_heap`: what was frozen can be collected again, at the thresholds it returned."""
    gc.unfreeze()
    gc.set_threshold(*thresholds)
