"""Several trials of one self-test made into one result: means, typical errors, MDC95.

The base state machine (:class:`course.selftests.base.Protocol`) runs the trials; this module
only combines their results. Single-leg balance combines its own way (best of three per leg).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from course.schema import PoseSeries
from course.selftests.reliability import reliability
from course.selftests.results import Metric, Result, assemble

__all__ = ["join_takes", "mean_of"]


def join_takes(*takes: PoseSeries, gap: float = 1.0) -> PoseSeries:
    """Recordings of separate trials joined into one series, ``gap`` seconds apart.

    Each take's clock is shifted to start ``gap`` s after the previous one ended, with one empty
    frame (no person) in the gap, so a protocol run over the result sees its trials one after
    another, with a rest in between, as it would live.

    Parameters
    ----------
    *takes
        Series with the same image size.
    gap
        Seconds between the end of one take and the start of the next (> 0).

    Returns
    -------
    PoseSeries
        ``source`` lists the takes.

    Examples
    --------
    >>> from course.lessons import demos
    >>> a = demos.pelvic_tilt()
    >>> both = join_takes(a, a, gap=2.0)
    >>> len(both) == 2 * len(a) + 1, bool(np.all(np.diff(both.t) > 0))
    (True, True)
    """
    if not takes:
        raise ValueError("join_takes needs at least one PoseSeries.")
    if not gap > 0:
        raise ValueError(f"gap must be > 0 seconds between takes; got {gap!r}.")
    sizes = {s.image_size for s in takes}
    if len(sizes) > 1:
        raise ValueError(
            f"every take must have the same image size to be joined; got {sorted(sizes)}. "
            "Record the trials with the same camera settings."
        )
    parts_t: list[NDArray[np.float64]] = []
    parts: dict[str, list[NDArray[np.generic]]] = {
        "landmarks": [],
        "world": [],
        "visibility": [],
        "n_people": [],
    }
    offset = 0.0
    for i, s in enumerate(takes):
        if i:
            parts_t.append(np.array([offset - gap / 2]))
            parts["landmarks"].append(np.full((1, *s.landmarks.shape[1:]), np.nan))
            parts["world"].append(np.full((1, *s.world.shape[1:]), np.nan))
            parts["visibility"].append(np.full((1, s.visibility.shape[1]), np.nan))
            parts["n_people"].append(np.zeros(1, dtype=np.int64))
        parts_t.append(s.t - s.t[0] + offset)
        for k in parts:
            parts[k].append(getattr(s, k))
        offset += float(s.t[-1] - s.t[0]) + gap
    return PoseSeries(
        t=np.concatenate(parts_t),
        landmarks=np.concatenate(parts["landmarks"]),
        world=np.concatenate(parts["world"]),
        visibility=np.concatenate(parts["visibility"]),
        image_size=takes[0].image_size,
        n_people=np.concatenate(parts["n_people"]).astype(np.int64),
        source=" + ".join(s.source for s in takes),
        selection=takes[0].selection,
    )


def mean_of(
    test: str,
    trials: tuple[Result, ...],
    *,
    complete: int,
    planned: int,
    soft: Mapping[str, float],
    advice: Callable[[Mapping[str, float]], str],
    started_at: float,
    ended_at: float,
) -> Result:
    """The mean of each metric over the trials, with its typical error and MDC95.

    Parameters
    ----------
    test
        Protocol name.
    trials
        Every trial's result in order; ``trials[:complete]`` ran to their end.
    complete
        How many trials ran to their end (a trial cut short is kept in ``trials`` but left out
        of the means unless it is the only one).
    planned
        How many trials the test asked for.
    soft
        Scoring widths of the protocol (see :func:`~course.selftests.results.score_thresholds`).
    advice
        The protocol's advice for given metric values (``""``: reuse the last trial's).
    started_at, ended_at
        Start of the first trial and end of the last one (s, frame clock).

    Returns
    -------
    Result
        Metrics with ``value`` = mean and ``reliability`` set; thresholds judged on the means
        against each metric's error; every trial in ``trials``.

    Examples
    --------
    >>> from course.selftests.results import Metric, Result
    >>> def trial(x):
    ...     return Result("demo", {"x": Metric(x, "deg")}, 0.0, False, (), "", "", 0.0, 1.0)
    >>> r = mean_of("demo", (trial(10.0), trial(12.0), trial(14.0)), complete=3, planned=3,
    ...             soft={}, advice=lambda v: "", started_at=0.0, ended_at=3.0)
    >>> r.value("x"), r.metrics["x"].reliability.typical_error
    (12.0, 2.0)
    """
    used = trials[:complete] or trials
    names = list(dict.fromkeys(k for tr in used for k in tr.metrics))
    metrics: dict[str, Metric] = {}
    for name in names:
        first = next(tr.metrics[name] for tr in used if name in tr.metrics)
        rel = reliability(
            [tr.metrics[name].value if name in tr.metrics else math.nan for tr in used]
        )
        metrics[name] = replace(first, value=rel.mean, reliability=rel, summary="mean")
    sides = {tr.side for tr in used if tr.side}
    warnings = list(dict.fromkeys(w for tr in trials for w in tr.warnings))
    if complete < planned:
        warnings.append(
            f"Only {complete} of {planned} trials were completed: the mean and the typical error "
            "rest on fewer trials than planned."
        )
    if len(sides) > 1:
        warnings.append(
            f"The trials measured different sides ({', '.join(sorted(sides))}): keep the same "
            "side towards the camera in every trial."
        )
    values = {k: m.value for k, m in metrics.items()}
    said = advice(values) or used[-1].feedback
    return assemble(
        test,
        metrics,
        thresholds=used[0].thresholds,
        soft=soft,
        feedback=f"Mean of {len(used)} trials. {said}",
        side=sides.pop() if len(sides) == 1 else ("both" if sides else ""),
        started_at=started_at,
        duration=float(ended_at - started_at),
        warnings=tuple(warnings),
        trials=trials,
        trials_planned=planned,
    )
