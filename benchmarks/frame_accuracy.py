"""What sending the kernel a smaller or more compressed frame costs in landmark accuracy.

The live camera sends each frame to the kernel as a JPEG. A smaller frame is cheaper to encode in
the browser, to send and to decode, and MediaPipe shrinks every frame to its 256x256 model input
anyway: but the person's region of interest is cut from the frame before that resize, so a frame
smaller than that region loses detail. This module measures the loss on real frames with the real
model: every variant of a clip's frames is tracked in VIDEO mode (a fresh tracker each, same
times) and compared with the tracker's landmarks on the untouched full-size frames, in pixels of
the full-size image.

Used by ``benchmarks/bench_live_camera.py`` (rows ``live_camera.frame_size.*``) and
``tests/test_frame_size_accuracy.py``.

Examples
--------
>>> import numpy as np
>>> frame = np.zeros((480, 640, 3), np.uint8)
>>> shrink(frame, 320).shape
(240, 320, 3)
>>> shrink(frame, 0).shape
(480, 640, 3)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from course.live import decode_jpeg, encode_jpeg
from course.pose import PoseTracker

Frame = NDArray[np.uint8]

#: Landmarks compared: shoulders to feet (11-32), the ones the self-tests measure; not the face.
BODY = tuple(range(11, 33))


@dataclass(frozen=True)
class Variant:
    """One way of preparing a frame for the kernel.

    Attributes
    ----------
    name
        Short label, e.g. ``"320/q0.8"``.
    max_side
        Longest side of the frame sent, px (0: the capture size).
    quality
        JPEG quality 0-1 (0: no JPEG at all, the raw pixels).
    reduced_decode
        Decode the JPEG at half size in the kernel (``cv2.IMREAD_REDUCED_COLOR_2``).
    """

    name: str
    max_side: int
    quality: float
    reduced_decode: bool = False


@dataclass(frozen=True)
class Agreement:
    """Landmark difference of one variant against the full-size raw frames.

    Attributes
    ----------
    variant
        The variant measured.
    median_px, p95_px
        Median and 95th percentile distance over the body landmarks visible (>= 0.5) in both,
        px in the full-size image.
    found, frames
        Frames where the variant found a person, out of the frames where the reference did.
    kb_per_frame
        Mean JPEG size, kB (0 for raw frames).
    decode_ms, infer_ms
        Median time per frame, ms, for the kernel to decode the JPEG (0 for raw frames) and for
        the pose model on the frame.
    """

    variant: Variant
    median_px: float
    p95_px: float
    found: int
    frames: int
    kb_per_frame: float
    decode_ms: float = 0.0
    infer_ms: float = 0.0


def shrink(rgb: Frame, max_side: int) -> Frame:
    """``rgb`` scaled (area averaging) so its longest side is at most ``max_side`` px (0: as is)."""
    import cv2

    h, w = rgb.shape[:2]
    if max_side <= 0 or max(h, w) <= max_side:
        return rgb
    scale = max_side / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.ascontiguousarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA))


def prepare(rgb: Frame, variant: Variant) -> tuple[Frame, int, float]:
    """The frame the kernel analyses for ``variant``, the bytes sent, the decode time in ms."""
    import cv2

    small = shrink(rgb, variant.max_side)
    if variant.quality <= 0:
        return small, 0, 0.0
    data = encode_jpeg(small, quality=round(variant.quality * 100))
    start = time.perf_counter()
    if variant.reduced_decode:
        bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_REDUCED_COLOR_2)
        out = np.ascontiguousarray(bgr[:, :, ::-1])
    else:
        out = decode_jpeg(data)
    return out, len(data), (time.perf_counter() - start) * 1e3


def track(
    frames: Sequence[tuple[Frame, float]],
    model_path: Path,
    transform: Callable[[Frame], Frame] = lambda f: f,
    infer_ms: list[float] | None = None,
) -> NDArray[np.float64]:
    """An ``(n, 33, 3)`` array of each frame's normalised x, y and visibility (NaN if nobody).

    The pose model's time per frame, ms, is appended to ``infer_ms`` if given.
    """
    out = np.full((len(frames), 33, 3), np.nan)
    with PoseTracker("lite", model_path=model_path, num_poses=1) as tracker:
        for i, (rgb, t) in enumerate(frames):
            img = transform(rgb)
            start = time.perf_counter()
            pose = tracker.frame(img, t)
            if infer_ms is not None:
                infer_ms.append((time.perf_counter() - start) * 1e3)
            if pose is not None:
                out[i, :, :2] = pose.landmarks[:, :2]
                out[i, :, 2] = pose.visibility
    return out


def compare(
    frames: Sequence[tuple[Frame, float]],
    variants: Sequence[Variant],
    model_path: Path,
) -> list[Agreement]:
    """Track ``frames`` as they are and as each variant prepares them; compare in pixels.

    Parameters
    ----------
    frames
        ``(rgb, t)`` pairs of one clip at the capture size, times in s, increasing.
    variants
        The preparations to measure.
    model_path
        The ``.task`` pose model (the kernel's lite model).

    Returns
    -------
    list of Agreement
        One per variant, in order.
    """
    h, w = frames[0][0].shape[:2]
    ref = track(frames, model_path)
    scale = np.array([w, h], float)
    rows = []
    for variant in variants:
        sizes: list[tuple[int, float]] = []
        infer: list[float] = []

        def one(rgb: Frame, v: Variant = variant, sizes: list[tuple[int, float]] = sizes) -> Frame:
            img, n, ms = prepare(rgb, v)
            sizes.append((n, ms))
            return img

        got = track(frames, model_path, one, infer)
        both = ~np.isnan(ref[:, 0, 0]) & ~np.isnan(got[:, 0, 0])
        r, g = ref[both][:, BODY], got[both][:, BODY]
        seen = (r[..., 2] >= 0.5) & (g[..., 2] >= 0.5)
        dist = np.linalg.norm((r[..., :2] - g[..., :2]) * scale, axis=-1)[seen]
        rows.append(
            Agreement(
                variant=variant,
                median_px=float(np.median(dist)) if dist.size else float("nan"),
                p95_px=float(np.percentile(dist, 95)) if dist.size else float("nan"),
                found=int(both.sum()),
                frames=int((~np.isnan(ref[:, 0, 0])).sum()),
                kb_per_frame=float(np.mean([n for n, _ in sizes])) / 1000,
                decode_ms=float(np.median([ms for _, ms in sizes])),
                infer_ms=float(np.median(infer)),
            )
        )
    return rows


#: The variants the benchmark reports: today's 640 px q0.8, smaller frames, lower quality.
VARIANTS = (
    Variant("640/q0.8", 0, 0.8),
    Variant("640/q0.6", 0, 0.6),
    Variant("480/q0.8", 480, 0.8),
    Variant("384/q0.8", 384, 0.8),
    Variant("320/q0.8", 320, 0.8),
    Variant("256/q0.8", 256, 0.8),
    Variant("640/q0.8/reduced-decode", 0, 0.8, reduced_decode=True),
)
