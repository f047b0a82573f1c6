"""JPEG frames in and out of the engine (OpenCV, which MediaPipe already depends on)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["decode_jpeg", "encode_jpeg"]


def decode_jpeg(data: bytes) -> NDArray[np.uint8]:
    """Decode JPEG bytes to an ``(h, w, 3)`` RGB array.

    Raises
    ------
    ValueError
        If the bytes are not an image OpenCV can decode.

    Examples
    --------
    >>> rgb = np.zeros((4, 6, 3), np.uint8)
    >>> decode_jpeg(encode_jpeg(rgb)).shape
    (4, 6, 3)
    """
    import cv2

    bgr = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if bgr is None:
        raise ValueError(
            f"could not decode the {len(data)}-byte frame as JPEG; expected the bytes of one "
            "JPEG image (the browser sends canvas.toBlob('image/jpeg'))."
        )
    return np.ascontiguousarray(bgr[:, :, ::-1])


def encode_jpeg(rgb: NDArray[np.uint8], quality: int = 80) -> bytes:
    """Encode an ``(h, w, 3)`` RGB array as JPEG bytes (``quality`` 0–100)."""
    import cv2

    ok, buf = cv2.imencode(".jpg", rgb[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:  # pragma: no cover - OpenCV encodes any uint8 image
        raise ValueError("OpenCV failed to encode the frame as JPEG.")
    return bytes(buf.tobytes())
