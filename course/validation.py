"""Input validation shared by the whole package (analysis wrappers, data readers, widgets).

Every check raises ``ValueError`` (or ``TypeError``) with a message that says what was expected,
what was received and what to do next.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from course.schema import FloatArray

__all__ = ["FloatArray", "as_float_array", "positive"]


def as_float_array(
    value: Any,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    min_length: int = 0,
    allow_nan: bool = True,
    hint: str = "",
) -> FloatArray:
    """Return ``value`` as a C-contiguous float64 array, or raise a clear error.

    Parameters
    ----------
    value
        Anything ``numpy.asarray`` accepts.
    name
        Name of the argument, used in messages.
    ndim
        Required number of dimensions (one value or a tuple of allowed values).
    min_length
        Minimum length of the first (time) axis.
    allow_nan
        If False, NaN or infinite values raise ``ValueError``.
    hint
        Extra advice appended to shape errors.

    Returns
    -------
    numpy.ndarray
        A float64, C-contiguous array (a copy only when needed).

    Examples
    --------
    >>> as_float_array([1, 2, 3], "force", ndim=1).dtype
    dtype('float64')
    """
    try:
        arr = np.ascontiguousarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must be numeric array-like; got {type(value).__name__} that NumPy cannot "
            f"convert to float64 ({exc})."
        ) from exc
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if arr.ndim not in allowed:
            wanted = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(
                f"{name} must be a {wanted} array; got shape {arr.shape}."
                + (f" {hint}" if hint else "")
            )
    if arr.ndim >= 1 and arr.shape[0] < min_length:
        raise ValueError(
            f"{name} needs at least {min_length} samples along axis 0 (time); got {arr.shape[0]}."
        )
    if not allow_nan and arr.size and not np.all(np.isfinite(arr)):
        bad = int(np.count_nonzero(~np.isfinite(arr)))
        first = int(np.flatnonzero(~np.isfinite(arr.reshape(-1)))[0])
        raise ValueError(
            f"{name} must be finite; got {bad} NaN/inf value(s), the first at flat index {first}. "
            "Fill short gaps with course.analysis.filters.fill_gaps or trim the trace."
        )
    return arr


def positive(value: float, name: str, unit: str) -> float:
    """Return ``value`` as a float after checking it is finite and > 0.

    Examples
    --------
    >>> positive(100, "fs", "Hz")
    100.0
    """
    try:
        out = float(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a number in {unit}; got {value!r}.") from exc
    if not math.isfinite(out) or out <= 0:
        raise ValueError(f"{name} must be a positive, finite number in {unit}; got {value!r}.")
    return out
