"""The four Pose2Sim views give consistent timing of events (real MediaPipe output).

The Pose2Sim single-person demo was filmed by four synchronised cameras (60 fps, 100 frames):
cam01/cam02 from the front, cam03/cam04 from behind and above. What the frames show, checked by
eye on extracted PNGs (every frame number below is 0-based):

- frames 0–~10: standing still on both feet;
- ~11–15: the right heel rises and the right foot leaves the floor (cam03: heel up at 12, foot in
  the air by 14–16);
- ~15–45: the right leg swings out sideways (abduction, foot in the air, arms swinging);
- ~45–51: the right foot hangs at the far end of its swing, nearly still (cam04 with a fixed
  crosshair on the foot: the ankle stays within a few pixels from frame 45 to 51; cam03: the leg
  is farthest out at 46–50 and visibly coming back by 52);
- ~52–73: the right leg comes back in and the right foot lands (toes down at ~72–74);
- ~74–79: both feet flat on the floor and still (cam01 and cam03, every second frame);
- ~80 on: the left heel rises (~80), the left foot leaves the floor (~82) and swings.

Two events are "the feet stop": the velocity of a point is zero in every projection, so a moment
of stillness happens at the same frame in every view, whereas the *size* of a movement depends on
the viewing direction. Detected here from the ankles' image-plane speed (body heights per second):

``E1`` ("swing turn")
    The slowest feet moment between frames 30 and 64: the right foot at the far end of its swing.
    By eye: 45–51.
``E2`` ("double support")
    The slowest feet moment between frames 65 and 91: both feet down between the right foot's
    landing and the left heel rising. By eye: 74–80.

How: left/right labels are un-swapped frame to frame (MediaPipe flips the whole body's sides in
cam02 at frames 34–68: the back view is mistaken for a front view), single-frame outliers removed
by a 5-frame median of the ankle positions, the speed averaged over 5 frames; the activity is
the faster of the two ankles. Both filter lengths were chosen before looking at the result; a
sweep over 1/3/5/7 frames for each moves E1 by at most 2 frames in any view, and E2 by at most
2 frames in cam01/03/04, but cam02's E2 wanders (77–89) for some settings: in that view the
feet are often swapped or occluded and its valley of stillness is flat.

Measured with these settings (MediaPipe "full", ``select="stable"``): E1 = 46, 49, 49, 49 and
E2 = 78, 80, 78, 79 in cam01..04: spreads of 3 and 2 frames (50 and 33 ms).

Not view-independent, so not tested: the *onset* of the first step (speed exceeding a threshold)
comes at frame ~12 in cam02–04 but ~17–19 in cam01, because there the right foot first moves
toward the camera; single-leg lift detection (height of one ankle above the other) fails in
cam03/04 (from above, the farther foot looks higher).

Cost: the four series come from the session fixture ``pose2sim_series`` (~4–5 s per view); the
tests themselves take well under a second.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from numpy.typing import NDArray
from scipy.ndimage import median_filter, uniform_filter1d

from course.pose import Landmark, PoseSeries

pytestmark = pytest.mark.media

CAMS = (1, 2, 3, 4)
#: Search windows (frames, end exclusive) and the by-eye frames of each event (inclusive).
EVENTS: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    "swing turn": ((30, 65), (45, 51)),
    "double support": ((65, 92), (74, 80)),
}
#: Largest allowed spread (max - min) of one event's frame across the four views: 4 frames
#: = 67 ms at 60 fps (every view within ±2 frames of the middle of the range).
MAX_SPREAD = 4
QUIET = 10  # first frames: standing still, used for the body-height scale
FILTER = 5  # frames, median of positions and mean of speeds

FloatArray = NDArray[np.float64]


def unswap_pair(points: FloatArray) -> FloatArray:
    """Reorder a left/right pair frame by frame so that each track moves the least.

    ``points`` is ``(n, 2, 2)`` (frame, side, x/y) in pixels; returns a copy where, in every
    frame, the two sides are swapped whenever that brings them nearer the previous frame's.
    """
    out = points.copy()
    for i in range(1, len(out)):
        keep = np.linalg.norm(out[i] - out[i - 1], axis=1).sum()
        swap = np.linalg.norm(out[i, ::-1] - out[i - 1], axis=1).sum()
        if swap < keep:
            out[i] = out[i, ::-1]
    return out


def feet_activity(series: PoseSeries) -> FloatArray:
    """Speed of the faster ankle in body heights per second, ``(n,)``, per frame."""
    px = series.pixels
    shoulders = px[:, [Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER]].mean(axis=1)
    ankles = px[:, [Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE]]
    height = float(np.median(np.linalg.norm(shoulders - ankles.mean(axis=1), axis=1)[:QUIET]))
    feet = median_filter(unswap_pair(ankles), size=(FILTER, 1, 1), mode="nearest")
    speed = np.linalg.norm(np.gradient(feet, series.t, axis=0), axis=2) / height
    speed = uniform_filter1d(speed, FILTER, axis=0, mode="nearest")
    return np.asarray(speed.max(axis=1), dtype=np.float64)


def detect_events(series: PoseSeries) -> dict[str, int]:
    """Frame of each event in :data:`EVENTS`: the slowest feet moment inside its window."""
    activity = feet_activity(series)
    return {name: lo + int(np.argmin(activity[lo:hi])) for name, ((lo, hi), _) in EVENTS.items()}


def spreads(per_view: dict[int, dict[str, int]]) -> dict[str, int]:
    """Spread (max - min frame) of each event across the views."""
    return {
        name: max(v[name] for v in per_view.values()) - min(v[name] for v in per_view.values())
        for name in EVENTS
    }


def delayed(series: PoseSeries, frames: int) -> PoseSeries:
    """The same clip with its pose arriving ``frames`` frames late (the first pose repeated)."""
    idx = np.clip(np.arange(len(series)) - frames, 0, None)
    return PoseSeries(
        t=series.t,
        landmarks=series.landmarks[idx],
        world=series.world[idx],
        visibility=series.visibility[idx],
        image_size=series.image_size,
        n_people=series.n_people[idx],
        source=f"{series.source} delayed by {frames} frames",
        selection=series.selection,
    )


@pytest.fixture(scope="module")
def views(pose2sim_series: Callable[..., PoseSeries]) -> dict[int, PoseSeries]:
    out = {cam: pose2sim_series(cam) for cam in CAMS}
    for cam, s in out.items():
        assert len(s) == 100 and abs(s.fps - 60.0) < 0.5, (cam, len(s), s.fps)
        # the person must be found in every frame, ankles and shoulders included
        assert s.detected.all(), f"cam{cam:02d}: no pose in frames {np.flatnonzero(~s.detected)}"
    return out


def test_unswap_pair_undoes_a_label_flip() -> None:
    rng = np.random.default_rng(0)
    left = np.cumsum(rng.normal(0, 1, (20, 2)), axis=0)
    right = left + np.array([200.0, 0.0])
    truth = np.stack([left, right], axis=1)
    flipped = truth.copy()
    flipped[7:12] = flipped[7:12, ::-1]
    np.testing.assert_array_equal(unswap_pair(flipped), truth)


def test_feet_are_still_while_standing(views: dict[int, PoseSeries]) -> None:
    # the activity measure is small when the person stands still and large when a foot swings,
    # in every view (otherwise its minima would mean nothing)
    for cam, s in views.items():
        a = feet_activity(s)
        quiet, swing = float(np.median(a[:QUIET])), float(np.max(a[15:45]))
        assert quiet < 0.6, (cam, quiet)
        assert swing > 2 * quiet and swing > 1.0, (cam, quiet, swing)


def test_four_views_agree_on_event_timing(views: dict[int, PoseSeries]) -> None:
    per_view = {cam: detect_events(s) for cam, s in views.items()}
    spread = spreads(per_view)
    for name, frames in spread.items():
        detail = {f"cam{c:02d}": v[name] for c, v in per_view.items()}
        assert frames <= MAX_SPREAD, f"{name}: views disagree by {frames} frames: {detail}"


def test_events_match_frames_seen_by_eye(views: dict[int, PoseSeries]) -> None:
    for cam, s in views.items():
        found = detect_events(s)
        for name, (_, (lo, hi)) in EVENTS.items():
            assert lo <= found[name] <= hi, (
                f"cam{cam:02d} {name}: detected at frame {found[name]}, seen by eye at {lo}–{hi}"
            )


@pytest.mark.parametrize("cam", CAMS)
def test_a_view_delayed_by_ten_frames_is_caught(views: dict[int, PoseSeries], cam: int) -> None:
    # sanity check of the agreement test itself: shifting one view must break it
    per_view = {c: detect_events(delayed(s, 10) if c == cam else s) for c, s in views.items()}
    original = detect_events(views[cam])
    assert all(per_view[cam][n] == original[n] + 10 for n in EVENTS), (per_view[cam], original)
    assert all(frames > MAX_SPREAD for frames in spreads(per_view).values()), spreads(per_view)
