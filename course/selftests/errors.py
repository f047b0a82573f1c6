"""How far to trust each number: the measured camera error of the angle a metric derives from.

Part 1 of the validation (``python -m course validate``, ``docs/validation.md``) measured, for each
scored angle and kind of view, how far one webcam is from a four-camera reference; the committed
table is read by :func:`course.accuracy.measured_error` (a plain JSON read: it imports neither
MediaPipe nor the tracker). This module is the one place that says which angle each self-test
metric is computed from, so every result card can show that error, or say it is not measured.

Examples
--------
>>> camera_error("single_leg_balance", "front", "pelvic_drop").rmse > 0
True
>>> camera_error("pelvic_tilt", "side", "tilt_range") is None
True
"""

from __future__ import annotations

from course.accuracy import MeasuredError, measured_error

__all__ = ["ANGLE_OF", "NOT_MEASURED", "camera_error", "derived_angle", "error_view"]

#: Said on the card for an angle metric whose error from this view is not measured.
NOT_MEASURED = "error from this view not measured yet (see docs/validation.md)"

#: test name → metric name → the named angle (``course.accuracy.metrics()``) it derives from.
#: Metrics not listed (times, distances, counts) are not angles; they get no camera error.
ANGLE_OF: dict[str, dict[str, str]] = {
    "pelvic_tilt": {
        "neutral_hip_flexion": "hip_flexion",
        "anterior_range": "hip_flexion",
        "posterior_range": "hip_flexion",
        "tilt_range": "hip_flexion",
        "neutral_sd": "hip_flexion",
        "neutral_offset": "hip_flexion",
        "trunk_lean": "trunk_lean",
    },
    "hip_extension": {
        "hip_extension": "hip_extension",
        "thigh_behind_vertical": "thigh",
        "trunk_lean": "trunk_lean",
        "trunk_back_lean": "trunk_lean",
        "max_extension": "thigh",
        "clean_extension": "thigh",
        "trunk_change": "trunk_lean",
        "trunk_sd": "trunk_lean",
    },
    "single_leg_balance": {
        "pelvic_drop": "pelvic_obliquity",
        "pelvic_drop_max": "pelvic_obliquity",
        "trunk_lean": "lateral_trunk_lean",
    },
    "ankle_lean": {
        "lean_gain": "body_lean",
        "hip_bend_at_lean": "hip_bend",
        "standing_lean": "body_lean",
    },
    "glute_bridge": {"bridge_angle": "hip_flexion", "bridge_sd": "hip_flexion"},
    "running_gait": {
        "shank_angle": "shank",
        "trunk_lean": "trunk_lean",
        "hip_extension_at_toe_off": "hip_extension",
    },
}


def error_view(view: str) -> str:
    """The kind of view of the error table for a protocol's camera ``view``.

    ``"lying"`` is filmed from the side; everything else maps to itself.

    Examples
    --------
    >>> error_view("lying")
    'side'
    """
    return "side" if view == "lying" else view


def derived_angle(test: str, metric: str) -> str | None:
    """The named angle ``metric`` of ``test`` is computed from, or None if it is not an angle.

    Per-leg balance metrics (``pelvic_drop_left``) map like their base name.

    Examples
    --------
    >>> derived_angle("single_leg_balance", "trunk_lean_right")
    'lateral_trunk_lean'
    >>> derived_angle("single_leg_balance", "time") is None
    True
    """
    table = ANGLE_OF.get(test, {})
    if metric in table:
        return table[metric]
    for suffix in ("_left", "_right"):
        if metric.endswith(suffix) and metric[: -len(suffix)] in table:
            return table[metric[: -len(suffix)]]
    return None


def camera_error(test: str, view: str, metric: str) -> MeasuredError | None:
    """The measured single-camera error of the angle behind ``metric``, or None.

    None when the metric is not an angle or when that angle was not measured from ``view``
    (the validation had no side-on camera: every side-view error is None).

    Examples
    --------
    >>> e = camera_error("single_leg_balance", "front", "trunk_lean")
    >>> e.metric, e.view
    ('lateral_trunk_lean', 'front')
    """
    angle = derived_angle(test, metric)
    if angle is None or view not in ("side", "front", "back", "lying"):
        return None
    return measured_error(angle, error_view(view))
