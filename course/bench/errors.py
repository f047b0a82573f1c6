"""The measurement error shown next to every number: one place, so the table can be wired in once.

:func:`number_error` is the only function that decides the error of a bench number. Angles that
the four-camera validation measured (:func:`course.accuracy.measured_error`) get their RMSE from
that table for the detected view; everything else (times, distances in leg lengths, angles not
measured from that view) says ``"not yet measured"``.
"""

from __future__ import annotations

from dataclasses import dataclass

from course.accuracy import measured_error

__all__ = ["NOT_MEASURED", "ErrorFigure", "number_error"]

NOT_MEASURED = "not yet measured"

#: bench number -> angle name in the validation table
_VALIDATED = {
    "knee_flexion_ic": "knee",
    "shank_angle_ic": "shank",
    "trunk_lean_mid": "trunk_lean",
    "hip_extension_to": "hip_flexion",
    "pelvic_drop_mid": "pelvic_obliquity",
}


@dataclass(frozen=True)
class ErrorFigure:
    """Measurement error of one number.

    Attributes
    ----------
    value
        Typical error (RMSE against the reference) in the number's unit, or None.
    note
        Where it comes from, or ``"not yet measured"``.
    """

    value: float | None
    note: str


def number_error(metric: str, view: str) -> ErrorFigure:
    """The measurement error of bench number ``metric`` seen from ``view`` (``"side"``/``"front"``).

    Examples
    --------
    >>> number_error("contact_time", "side")
    ErrorFigure(value=None, note='not yet measured')
    >>> e = number_error("pelvic_drop_mid", "front")
    >>> e.value is not None and "4 cameras" in e.note
    True
    """
    name = _VALIDATED.get(metric)
    found = measured_error(name, view) if name is not None else None
    if found is None:
        return ErrorFigure(None, NOT_MEASURED)
    return ErrorFigure(found.rmse, found.text)
