"""What a self-test reports: metrics with units, stated thresholds with sources, the result.

:class:`Result` is what every protocol returns; :meth:`Result.text` is the one plain-text form the
lessons and ``python -m course analyze`` print; :func:`assemble` is the one place a protocol's
measured metrics become a scored result.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Metric", "Result", "Threshold", "assemble", "format_number", "score_thresholds"]


def format_number(value: float) -> str:
    """``value`` with about three significant figures, no ``-0``, whole numbers without decimals.

    Examples
    --------
    >>> [format_number(v) for v in (0.5483, 36.84, 167.9, 3.0, -1e-12, -4.25)]
    ['0.548', '36.8', '168', '3', '0', '-4.25']
    """
    size = abs(value)
    digits = 0 if size >= 100 else 1 if size >= 10 else 2 if size >= 1 else 3
    text = f"{round(value, digits) + 0.0:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".") if float(text).is_integer() else text
    return "0" if text in {"-0", "0"} else text


@dataclass(frozen=True)
class Metric:
    """One measured number with its unit and a plain-language description.

    Examples
    --------
    >>> Metric(12.5, "deg", "thigh behind vertical").to_dict()["unit"]
    'deg'
    """

    value: float
    unit: str
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN becomes None)."""
        v = float(self.value)
        return {
            "value": v if math.isfinite(v) else None,
            "unit": self.unit,
            "description": self.description,
        }


@dataclass(frozen=True)
class Threshold:
    """A stated pass criterion: ``metric`` compared with ``value`` (in ``unit``) by ``op``.

    Attributes
    ----------
    metric
        Name of the metric in :attr:`Result.metrics`.
    op
        ``">="`` or ``"<="``.
    value
        The threshold in ``unit``.
    unit
        Unit of ``value`` (same as the metric's).
    source
        Where the number comes from (a citation, or "course heuristic" with the reason).

    Examples
    --------
    >>> Threshold("hold_s", ">=", 10.0, "s", "course heuristic").met(12.0)
    True
    """

    metric: str
    op: Literal[">=", "<="]
    value: float
    unit: str
    source: str

    def met(self, x: float) -> bool:
        """True if ``x`` satisfies the criterion (NaN never does)."""
        if not math.isfinite(x):
            return False
        return x >= self.value if self.op == ">=" else x <= self.value

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "metric": self.metric,
            "op": self.op,
            "value": self.value,
            "unit": self.unit,
            "source": self.source,
        }


@dataclass(frozen=True)
class Result:
    """The outcome of one self-test.

    Attributes
    ----------
    test
        Registry name of the protocol (e.g. ``"pelvic_tilt"``).
    metrics
        Name → :class:`Metric` (value with unit).
    score
        0–100, how well the stated thresholds were met (see each protocol).
    passed
        True if every threshold in ``thresholds`` was met.
    thresholds
        The stated criteria with their sources.
    feedback
        A few sentences for the learner.
    side
        ``"left"``, ``"right"``, ``"both"`` or ``""`` (the side tested, the person's own side).
    started_at
        Time (s, on the frame clock) when capture started; NaN if it never did.
    duration
        Capture duration in seconds.
    warnings
        What this webcam measurement cannot tell, and problems seen during capture.
    completed
        False if the test never reached capture (then ``feedback`` says why).
    trials
        Per-trial results for protocols that run several trials (e.g. one per leg).
    """

    test: str
    metrics: Mapping[str, Metric]
    score: float
    passed: bool
    thresholds: tuple[Threshold, ...]
    feedback: str
    side: str
    started_at: float
    duration: float
    warnings: tuple[str, ...] = ()
    completed: bool = True
    trials: tuple[Result, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        """Distinct sources cited by the thresholds, in order."""
        return tuple(dict.fromkeys(th.source for th in self.thresholds))

    def value(self, name: str) -> float:
        """The value of metric ``name`` (raises ``KeyError`` listing the names if absent)."""
        if name not in self.metrics:
            raise KeyError(
                f"{self.test} has no metric {name!r}; available: {sorted(self.metrics)}."
            )
        return float(self.metrics[name].value)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict of everything in the result.

        Examples
        --------
        >>> r = Result("demo", {"x": Metric(1.0, "deg")}, 50.0, False, (), "ok", "", 0.0, 1.0)
        >>> r.to_dict()["metrics"]["x"]["value"]
        1.0
        """

        def num(x: float) -> float | None:
            return float(x) if math.isfinite(x) else None

        return {
            "test": self.test,
            "metrics": {k: m.to_dict() for k, m in self.metrics.items()},
            "score": num(self.score),
            "passed": bool(self.passed),
            "thresholds": [th.to_dict() for th in self.thresholds],
            "sources": list(self.sources),
            "feedback": self.feedback,
            "side": self.side,
            "started_at": num(self.started_at),
            "duration": num(self.duration),
            "warnings": list(self.warnings),
            "completed": self.completed,
            "trials": [tr.to_dict() for tr in self.trials],
        }

    def text(self, *, metrics: Sequence[str] | None = None) -> str:
        """The result as plain text, the one form lessons and the command line print.

        Score and verdict, each metric with its unit, the criteria with their sources, the
        feedback, and every caveat.

        Parameters
        ----------
        metrics
            Names of the metrics to list (default: all, in the protocol's order).

        Examples
        --------
        >>> r = Result("demo", {"x": Metric(1.234, "deg")}, 50.0, False, (), "Try again.", "", 0, 1)
        >>> print(r.text())
        demo: score 50/100, not passed
          x  1.23 deg
        Try again.
        """
        if not self.completed:
            head = f"{self.test}: did not run"
        else:
            verdict = "passed" if self.passed else "not passed"
            head = f"{self.test}: score {self.score:.0f}/100, {verdict}"
        if self.side:
            head += f" (side tested: {self.side})"
        lines = [head]
        names = list(self.metrics) if metrics is None else list(metrics)
        width = max((len(n) for n in names), default=0)
        for name in names:
            m = self.metrics[name]
            value = (
                "not measured"
                if not math.isfinite(m.value)
                else f"{format_number(m.value)} {m.unit}"
            )
            lines.append(f"  {name:<{width}}  {value}")
        lines.extend(
            f"  criterion: {th.metric} {th.op} {th.value:g} {th.unit}  [{th.source}]"
            for th in self.thresholds
        )
        lines.append(self.feedback)
        lines.extend(f"  note: {w}" for w in self.warnings)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def to_json(self) -> str:
        """The result as a JSON string."""
        return json.dumps(self.to_dict(), indent=2)


def score_thresholds(
    values: Mapping[str, float], thresholds: tuple[Threshold, ...], *, soft: Mapping[str, float]
) -> float:
    """Score 0–100: the mean over thresholds of a linear credit that reaches 1 at the threshold.

    Parameters
    ----------
    values
        Metric name → value.
    thresholds
        The criteria.
    soft
        Metric name → width (same unit) over which credit falls from 1 to 0 beyond the threshold.

    Examples
    --------
    >>> th = (Threshold("t", ">=", 10.0, "s", "x"),)
    >>> score_thresholds({"t": 5.0}, th, soft={"t": 10.0})
    50.0
    """
    if not thresholds:
        return float("nan")
    credits = []
    for th in thresholds:
        x = float(values.get(th.metric, float("nan")))
        if not math.isfinite(x):
            credits.append(0.0)
            continue
        if th.met(x):
            credits.append(1.0)
            continue
        miss = th.value - x if th.op == ">=" else x - th.value
        width = soft.get(th.metric, abs(th.value) or 1.0)
        credits.append(min(0.99, max(0.0, 1.0 - miss / width)))  # full credit only when met
    return round(100.0 * sum(credits) / len(credits), 1)


def assemble(
    test: str,
    metrics: Mapping[str, Metric],
    *,
    thresholds: tuple[Threshold, ...],
    soft: Mapping[str, float],
    feedback: str,
    side: str,
    started_at: float,
    duration: float,
    warnings: tuple[str, ...] = (),
    trials: tuple[Result, ...] = (),
) -> Result:
    """A scored :class:`Result`: passed when every threshold is met, scored by ``score_thresholds``.

    Examples
    --------
    >>> th = (Threshold("t", ">=", 10.0, "s", "x"),)
    >>> r = assemble("demo", {"t": Metric(12.0, "s")}, thresholds=th, soft={"t": 10.0},
    ...              feedback="ok", side="", started_at=0.0, duration=12.0)
    >>> r.passed, r.score
    (True, 100.0)
    """
    values = {k: float(m.value) for k, m in metrics.items()}
    return Result(
        test=test,
        metrics=metrics,
        score=score_thresholds(values, thresholds, soft=soft),
        passed=all(th.met(values.get(th.metric, math.nan)) for th in thresholds),
        thresholds=thresholds,
        feedback=feedback,
        side=side,
        started_at=started_at,
        duration=duration,
        warnings=warnings,
        trials=trials,
    )
