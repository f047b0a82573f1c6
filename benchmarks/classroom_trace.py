"""Where a live-camera frame's latency goes, frame by frame, and whether frames queue.

The camera view (``widgets/static/pose_camera.js``) keeps, per answered frame, the page-clock
times (ms) ``[id, capture, encoded, sent, answered, drawn]`` in ``rflTrace``; the kernel side of the
classroom benchmark notes, per frame request, the wall-clock times (s) at which the request
entered and left ``PoseCamera.handle_message``. :func:`join` matches them by frame id and puts
both on the browser's clock, and :func:`split` cuts every frame's capture-to-overlay latency into
six consecutive stages:

``encode``  capture → encoded: drawing the video frame and JPEG-encoding it in the page;
``wait``    encoded → sent: the encoded frame waits for the previous frame's answer (the page
            encodes the next frame while the kernel works on the current one);
``uplink``  sent → kernel: websocket, proxy, single-user server, ZMQ — **a frame queue shows
            here**: with frames waiting in front of it, this wait grows frame after frame;
``kernel``  the kernel's own time for the frame (decode, pose, engine);
``downlink`` kernel → answered in the page;
``draw``    answered → drawn at the next animation frame.

The page and kernel clocks are both the machine's wall clock, but the page's ``timeOrigin`` is
fixed when it opened; ``uplink`` and ``downlink`` therefore also carry a constant offset, which
cancels in the first-fifth/last-fifth comparison and is reported separately.

Examples
--------
>>> rows = [[1, 0.0, 15.0, 20.0, 90.0, 100.0]]
>>> kern = {1: (0.050, 0.080)}          # kernel in at 50 ms, out at 80 ms (wall s)
>>> [round(x, 1) for x in split(join(rows, kern, time_origin_ms=0.0))[0]]
[15.0, 5.0, 30.0, 30.0, 10.0, 10.0]
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

STAGES = ("encode", "wait", "uplink", "kernel", "downlink", "draw")


@dataclass(frozen=True)
class Frame:
    """One answered and drawn frame, all times in ms on the page's clock.

    Attributes
    ----------
    capture, encoded, sent, k_in, k_out, answered, drawn
        When the frame was captured, encoded, sent, entered the kernel's handler, left it,
        was answered in the page and was drawn.
    """

    capture: float
    encoded: float
    sent: float
    k_in: float
    k_out: float
    answered: float
    drawn: float

    @property
    def latency(self) -> float:
        """Capture to overlay, ms."""
        return self.drawn - self.capture


def join(
    rows: Sequence[Sequence[float]],
    kernel: Mapping[int, tuple[float, float]],
    *,
    time_origin_ms: float,
) -> list[Frame]:
    """Frames drawn in the page with their kernel times, in capture order.

    Parameters
    ----------
    rows
        The page's ``rflTrace`` rows ``[id, capture, encoded, sent, answered, drawn]`` (ms,
        page clock;
        ``drawn`` NaN when the frame was not drawn).
    kernel
        Frame id → (in, out) of the kernel's handler, wall-clock s.
    time_origin_ms
        The page's ``performance.timeOrigin`` (wall-clock ms of its clock's zero).

    Returns
    -------
    list of Frame
        Only frames both drawn and seen by the kernel.
    """
    out = []
    for fid, capture, encoded, sent, answered, drawn in rows:
        k = kernel.get(int(fid))
        if k is None or math.isnan(drawn):
            continue
        k_in, k_out = (x * 1000.0 - time_origin_ms for x in k)
        out.append(Frame(capture, encoded, sent, k_in, k_out, answered, drawn))
    out.sort(key=lambda f: f.capture)
    return out


def split(frames: Sequence[Frame]) -> list[tuple[float, ...]]:
    """Each frame's latency cut into :data:`STAGES` (ms); the six add up to the latency."""
    return [
        (
            f.encoded - f.capture,
            f.sent - f.encoded,
            f.k_in - f.sent,
            f.k_out - f.k_in,
            f.answered - f.k_out,
            f.drawn - f.answered,
        )
        for f in frames
    ]


def max_in_flight(rows: Sequence[Sequence[float]]) -> int:
    """Most frames the page had sent and not yet seen answered at one moment (0 for none)."""
    events = sorted([(r[3], 1) for r in rows] + [(r[4], -1) for r in rows])
    most = now = 0
    for _, step in events:  # an answer at the same ms as the next send counts first
        now += step
        most = max(most, now)
    return most


@dataclass(frozen=True)
class Fifths:
    """First-fifth and last-fifth medians of one learner's stream (by capture time).

    Attributes
    ----------
    first, last
        Median latency (ms) of frames captured in the first and in the last fifth of the
        measured window.
    stages_first, stages_last
        Median of each of :data:`STAGES` (ms) in the same frames.
    n_first, n_last
        Frames in each fifth (fewer frames at the end means more were dropped there).
    p_grow
        One-sided Mann-Whitney p-value that last-fifth latencies are larger than first-fifth
        ones (small: a real growth; large: noise).
    """

    first: float
    last: float
    stages_first: tuple[float, ...]
    stages_last: tuple[float, ...]
    n_first: int
    n_last: int
    p_grow: float

    @property
    def ratio(self) -> float:
        """Last-fifth over first-fifth median latency."""
        return self.last / self.first


def fifths(frames: Sequence[Frame], start: float, end: float) -> Fifths:
    """Compare the frames captured in the first and last fifth of ``[start, end)`` (page ms).

    Raises
    ------
    ValueError
        When either fifth holds no frame (the stream stalled or the window is wrong).
    """
    from scipy.stats import mannwhitneyu

    width = (end - start) / 5
    head = [f for f in frames if start <= f.capture < start + width]
    tail = [f for f in frames if end - width <= f.capture < end]
    if not head or not tail:
        raise ValueError(
            f"a fifth of the stream has no drawn frame ({len(head)} in the first, {len(tail)} "
            f"in the last of {len(frames)} over {(end - start) / 1000:.1f} s); stream longer "
            "or check that the learners' pages were streaming."
        )

    def med(fs: Sequence[Frame]) -> tuple[float, tuple[float, ...]]:
        parts = split(fs)
        stages = tuple(statistics.median(p[i] for p in parts) for i in range(len(STAGES)))
        return statistics.median(f.latency for f in fs), stages

    (a, sa), (b, sb) = med(head), med(tail)
    if len(head) > 1 and len(tail) > 1:
        test = mannwhitneyu(
            [f.latency for f in tail], [f.latency for f in head], alternative="greater"
        )
        p = float(test.pvalue)
    else:
        p = float("nan")
    return Fifths(a, b, sa, sb, len(head), len(tail), p)
