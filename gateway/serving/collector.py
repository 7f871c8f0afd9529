"""The garbage collector's young-generation threshold, raised where the gateway serves.

CPython collects its youngest generation once 700 more container objects were made than
freed. A gateway answering concurrent requests holds thousands of young objects in
flight (each request's scope, call, models, upstream request and response), so at 700 a
young collection came every few dozen requests; each moved the in-flight objects to an
older generation, and those promotions set off a full collection (the whole heap, tens
of milliseconds) every second or two. Measured on a one-worker gateway under
``wrk -c16`` single misses: ~650 young and ~5 full collections in 6 s, 27-50 µs of CPU
per request; at 10,000: none in the same 6 s. Garbage that only the collector can free
(reference cycles) then waits for up to 10,000 allocations, a few MB at most.

Raised only by what serves (``gateway serve``, ``gateway.asgi:create`` for workers and
other ASGI servers), so tools and tests that import the app keep Python's default.
"""

from __future__ import annotations

import gc

YOUNG = 10_000  # net container allocations between young-generation collections


def tune_for_serving() -> None:
    """Raise the young generation's threshold (never lower one already higher)."""
    young, middle, old = gc.get_threshold()
    if 0 < young < YOUNG:  # 0: collection is off, and stays so
        gc.set_threshold(YOUNG, middle, old)
