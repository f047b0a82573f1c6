"""Benchmarks of Running Form Lab: ``python -m benchmarks [--json] [--only TEXT]``.

Every case is measured side by side with its reference in the same run, and reported as medians
and a ratio, because the build machines are noisy. Each ``benchmarks/bench_*.py`` module exposes
``cases(quick: bool) -> Iterable[dict]``; a row has at least ``name`` and either ``ours_s``,
``reference_s`` and ``ratio`` (reference time / our time: above 1 means we are faster) or its own
named figures (``fps``, ``latency_p50_ms``...).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def median_time(fn: Callable[[], Any], *, repeat: int = 7, min_time: float = 0.05) -> float:
    """Median seconds per call of ``fn`` over ``repeat`` rounds of at least ``min_time`` each."""
    fn()  # warm up
    number = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        if time.perf_counter() - t0 >= min_time or number >= 1 << 20:
            break
        number *= 2
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - t0) / number)
    return statistics.median(samples)


def compare(
    name: str, ours: Callable[[], Any], reference: Callable[[], Any], **extra: Any
) -> dict[str, Any]:
    """Time ``ours`` and ``reference`` interleaved and return one benchmark row."""
    ours_s, ref_s = [], []
    for _ in range(3):  # interleave so drift in machine load hits both sides alike
        ours_s.append(median_time(ours, repeat=5))
        ref_s.append(median_time(reference, repeat=5))
    o, r = statistics.median(ours_s), statistics.median(ref_s)
    return {
        "name": name,
        "ours_s": o,
        "reference_s": r,
        "ratio": r / o if o > 0 else float("inf"),
        **extra,
    }
