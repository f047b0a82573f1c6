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
from typing import Any, Final, Literal

from course.accuracy import MeasuredError
from course.selftests.errors import NOT_MEASURED
from course.selftests.reliability import Change, Reliability

__all__ = [
    "CANT_TELL",
    "HEURISTIC_LABEL",
    "Metric",
    "Result",
    "Threshold",
    "Verdict",
    "assemble",
    "format_number",
    "score_thresholds",
]

#: How every threshold that is ours (not from a publication) starts its ``source``.
HEURISTIC_LABEL = "Running Form Lab heuristic"
#: The verdict of a threshold that lies within the error of the measurement.
CANT_TELL: Final = "within the error — can't tell"
Verdict = Literal["met", "not met", "within the error — can't tell"]


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
    #: Mean, typical error and MDC95 over the session's trials (None for a single trial).
    reliability: Reliability | None = None
    #: Named angle this metric derives from (``""``: not an angle).
    angle: str = ""
    #: Measured single-camera error of that angle from the test's view (None: not measured).
    camera: MeasuredError | None = None
    #: How ``value`` summarises several trials: ``"mean"``, ``"best"``, ``"best stance"`` or ``""``.
    summary: str = ""

    @property
    def error(self) -> float:
        """The error a threshold is judged against, in the metric's unit (NaN if none known).

        The measured camera RMSE where one exists; otherwise the learner's own MDC95.
        """
        if self.camera is not None:
            return float(self.camera.rmse)
        if self.reliability is not None:
            return float(self.reliability.mdc95)
        return math.nan

    @property
    def error_note(self) -> str:
        """What the card says about the camera error of this metric."""
        if self.camera is not None:
            return f"camera error {self.camera.text}"
        return NOT_MEASURED if self.angle else ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN becomes None)."""
        v = float(self.value)
        cam = self.camera
        return {
            "value": v if math.isfinite(v) else None,
            "unit": self.unit,
            "description": self.description,
            "reliability": None if self.reliability is None else self.reliability.to_dict(),
            "angle": self.angle,
            "camera_error": None
            if cam is None
            else {"rmse": cam.rmse, "bias": cam.bias, "n": cam.n, "text": cam.text},
            "error_note": self.error_note,
            "summary": self.summary,
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

    @property
    def heuristic(self) -> bool:
        """True when the threshold is ours, not a published norm."""
        return self.source.startswith(HEURISTIC_LABEL)

    def verdict(self, x: float, error: float = math.nan) -> Verdict:
        """``"met"``, ``"not met"`` or can't tell when ``x`` is closer than ``error`` to the value.

        Parameters
        ----------
        x
            The measured value.
        error
            How far the measurement may be off (same unit; NaN: unknown, plain met/not met).

        Examples
        --------
        >>> th = Threshold("drop", "<=", 4.0, "deg", "x")
        >>> th.verdict(6.0), th.verdict(6.0, error=23.0), th.verdict(30.0, error=23.0)
        ('not met', "within the error — can't tell", 'not met')
        """
        if math.isfinite(x) and math.isfinite(error) and abs(x - self.value) < error:
            return CANT_TELL
        return "met" if self.met(x) else "not met"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "metric": self.metric,
            "op": self.op,
            "value": self.value,
            "unit": self.unit,
            "source": self.source,
            "heuristic": self.heuristic,
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
        Per-trial results, in order, when the test ran several trials.
    verdicts
        One per threshold: ``"met"``, ``"not met"`` or ``"within the error — can't tell"``
        (the value is within the measured camera error, or the learner's MDC95, of the
        threshold).
    changes
        Differences judged against the learner's smallest real change (left vs right, today vs
        last time).
    placement
        Where the result lies relative to a published reference group (balance: the age
        group), or why it cannot be placed.
    trials_planned
        How many trials the test asked for.
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
    verdicts: tuple[Verdict, ...] = ()
    changes: tuple[Change, ...] = ()
    placement: str = ""
    trials_planned: int = 1

    @property
    def cant_tell(self) -> bool:
        """True when no threshold failed but at least one lies within the error."""
        return CANT_TELL in self.verdicts and "not met" not in self.verdicts

    @property
    def verdict(self) -> str:
        """``"passed"``, ``"not passed"``, ``"can't tell"`` or ``"no verdict"`` (no thresholds)."""
        if not self.thresholds:
            return "no verdict"
        if self.cant_tell:
            return "can't tell"
        return "passed" if self.passed else "not passed"

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
            "verdicts": list(self.verdicts),
            "verdict": self.verdict,
            "changes": [c.to_dict() for c in self.changes],
            "placement": self.placement,
            "trials_planned": self.trials_planned,
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
        demo: score 50/100, no verdict
          x  1.23 deg
        Try again.
        """
        if not self.completed:
            head = f"{self.test}: did not run"
        else:
            score = f"score {self.score:.0f}/100, " if math.isfinite(self.score) else ""
            head = f"{self.test}: {score}{self.verdict}"
        if self.side:
            head += f" (side tested: {self.side})"
        if len(self.trials) > 1 or self.trials_planned > 1:
            head += f", {len(self.trials)} of {self.trials_planned} trials"
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
            rel = m.reliability
            if rel is not None and rel.n > 1:
                trials = ", ".join(format_number(v) for v in rel.values)
                how = "best" if m.summary.startswith("best") else "mean"
                if how == "mean":
                    value = (
                        f"{format_number(rel.mean)} ± {format_number(rel.typical_error)} {m.unit}"
                        f" (mean ± typical error of {rel.n} trials: {trials})"
                    )
                else:
                    value += (
                        f" ({m.summary} of {rel.n} trials: {trials}; typical error "
                        f"{format_number(rel.typical_error)} {m.unit})"
                    )
                value += f"; smallest real change {format_number(rel.mdc95)} {m.unit}"
            if m.error_note:
                value += f"; {m.error_note}"
            lines.append(f"  {name:<{width}}  {value}")
        verdicts: tuple[str, ...] = self.verdicts or tuple("" for _ in self.thresholds)
        lines.extend(
            f"  criterion: {th.metric} {th.op} {th.value:g} {th.unit}"
            + (f" → {v}" if v else "")
            + f"  [{th.source}]"
            for th, v in zip(self.thresholds, verdicts, strict=True)
        )
        if self.placement:
            lines.append(f"  compared with others: {self.placement}")
        lines.extend(f"  {c.text}" for c in self.changes)
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
    changes: tuple[Change, ...] = (),
    placement: str = "",
    trials_planned: int = 1,
) -> Result:
    """A scored :class:`Result`: passed when every threshold is met, scored by ``score_thresholds``.

    Each threshold gets a verdict (:meth:`Threshold.verdict`) against its metric's error
    (:attr:`Metric.error`: the measured camera RMSE, else the learner's MDC95); a threshold
    within that error is "can't tell" and does not count as passed.

    Examples
    --------
    >>> th = (Threshold("t", ">=", 10.0, "s", "x"),)
    >>> r = assemble("demo", {"t": Metric(12.0, "s")}, thresholds=th, soft={"t": 10.0},
    ...              feedback="ok", side="", started_at=0.0, duration=12.0)
    >>> r.passed, r.score
    (True, 100.0)
    """
    values = {k: float(m.value) for k, m in metrics.items()}
    verdicts = tuple(
        th.verdict(
            values.get(th.metric, math.nan),
            metrics[th.metric].error if th.metric in metrics else math.nan,
        )
        for th in thresholds
    )
    return Result(
        test=test,
        metrics=metrics,
        score=score_thresholds(values, thresholds, soft=soft),
        passed=bool(verdicts) and all(v == "met" for v in verdicts),
        verdicts=verdicts,
        changes=changes,
        placement=placement,
        trials_planned=trials_planned,
        thresholds=thresholds,
        feedback=feedback,
        side=side,
        started_at=started_at,
        duration=duration,
        warnings=warnings,
        trials=trials,
    )
