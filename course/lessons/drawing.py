"""Draw the stick figure of :mod:`course.lessons.stick_figure` as a small SVG picture.

A :class:`Pose` is one still position of the figure (its joint angles, a camera view and a few
props such as a box, a wall or a kettlebell); a :class:`Panel` is a pose with a heading and a
caption; :func:`render` lays panels side by side into one SVG document. The output is plain
text with coordinates rounded to 0.1 px, so the same input always gives the same bytes and a
test can compare a committed picture with a fresh drawing.

Body frame as in :mod:`~course.lessons.stick_figure`: X forward, Y up, Z to the right, metres;
angles in degrees. The side view shows the figure facing right (image x = X); the front view
shows it facing the camera (its left side on the image's right).

Examples
--------
>>> svg = render("Standing", [Panel("Start", Pose())])
>>> svg.startswith("<svg") and "Standing" in svg
True
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from course.lessons.stick_figure import stick_figure
from course.schema import FloatArray
from course.schema import Landmark as L

__all__ = [
    "FOURS",
    "KNEEL",
    "STAND",
    "SUPINE",
    "Arrow",
    "Figure",
    "Panel",
    "Pose",
    "Prop",
    "legs",
    "render",
    "running_contact",
]

HEIGHT = 1.75  # m, stature of the drawn figure
SCALE = 120.0  # px per metre
PANEL_W, PANEL_H = 250.0, 360.0
FLOOR_Y = 292.0  # px from the top of a panel
NEAR, FAR, ACCENT = "#1f3b5c", "#9aa7b4", "#c0392b"

_FEET = ("LEFT_HEEL", "LEFT_FOOT_INDEX", "RIGHT_HEEL", "RIGHT_FOOT_INDEX")
_TITLE_ROOM = 44.0  # px above the highest drawn point: the panel titles and a gap
_Y_ATTR = re.compile(r'\b(?:y|y1|y2|cy)="(-?[\d.]+)"')


@dataclass(frozen=True)
class Arrow:
    """An arrow drawn at a landmark.

    Attributes
    ----------
    at
        Landmark name where the arrow ends (``"LEFT_SHOULDER"``...), or ``"HIP_MID"`` /
        ``"SHOULDER_MID"``.
    dx, dy
        Direction the arrow points, image-aligned (x right, y up); its length is 0.25 m.
    text
        Label at the arrow's tail.
    """

    at: str
    dx: float
    dy: float
    text: str = ""


@dataclass(frozen=True)
class Prop:
    """Something beside the body.

    ``kind`` is ``"box"`` (under the feet, ``size`` m high), ``"wall"``
    (vertical line ``offset`` m behind the hip), ``"bell"`` (kettlebell at the wrists),
    ``"bar"`` (barbell across the shoulders), ``"rope"`` (skipping rope under the feet),
    ``"dumbbells"`` (at the wrists), ``"metronome"`` (a small sign with ``text``),
    ``"line"`` (a dashed line from landmark ``text`` straight down to the floor) or
    ``"hands"`` (a partner's push on the shoulders).
    """

    kind: str
    size: float = 0.0
    offset: float = 0.0
    text: str = ""


@dataclass(frozen=True)
class Pose:
    """One still position of the stick figure.

    Attributes
    ----------
    angles
        Joint angles of :func:`~course.lessons.stick_figure.stick_figure`, degrees.
    view
        ``"side"`` (facing right) or ``"front"``.
    lift
        Height of the lowest support point above the floor, m (a jump, a box).
    support
        Landmark names that rest on the floor (default: heels and toes).
    props, arrows
        Extras to draw.
    """

    angles: Mapping[str, float] = field(default_factory=dict)
    view: str = "side"
    lift: float = 0.0
    support: Sequence[str] = _FEET
    props: Sequence[Prop] = ()
    arrows: Sequence[Arrow] = ()


@dataclass(frozen=True)
class Panel:
    """A pose with a heading (``title``) and up to three caption lines (``caption``)."""

    title: str
    pose: Pose
    caption: Sequence[str] = ()


def _joints(pose: Pose) -> FloatArray:
    if pose.view not in ("side", "front"):
        raise ValueError(f"view must be 'side' or 'front'; got {pose.view!r}.")
    j = stick_figure(1, height=HEIGHT, **{k: float(v) for k, v in pose.angles.items()})[0]
    u = j[:, 0] if pose.view == "side" else -j[:, 2]
    pts = np.stack([u, j[:, 1]], axis=-1)
    floor = min(pts[L[name], 1] for name in pose.support)
    pts[:, 1] += pose.lift - floor
    return pts


def _point(pts: FloatArray, name: str) -> FloatArray:
    if name == "HIP_MID":
        return 0.5 * (pts[L.LEFT_HIP] + pts[L.RIGHT_HIP])
    if name == "SHOULDER_MID":
        return 0.5 * (pts[L.LEFT_SHOULDER] + pts[L.RIGHT_SHOULDER])
    return pts[L[name]]


def _f(x: float) -> str:
    s = f"{x:.1f}"
    return "0.0" if s == "-0.0" else s


class _Canvas:
    def __init__(self, x0: float, cx: float) -> None:
        self.x0, self.cx = x0, cx
        self.items: list[str] = []

    def xy(self, p: FloatArray) -> tuple[float, float]:
        return self.x0 + PANEL_W / 2 + (p[0] - self.cx) * SCALE, FLOOR_Y - p[1] * SCALE

    def line(self, a: FloatArray, b: FloatArray, color: str, width: float, dash: str = "") -> None:
        (x1, y1), (x2, y2) = self.xy(a), self.xy(b)
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        self.items.append(
            f'<line x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}" stroke="{color}" '
            f'stroke-width="{_f(width)}" stroke-linecap="round"{extra}/>'
        )

    def circle(self, c: FloatArray, r: float, color: str, fill: str = "white") -> None:
        x, y = self.xy(c)
        self.items.append(
            f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(r * SCALE)}" stroke="{color}" '
            f'stroke-width="3" fill="{fill}"/>'
        )

    def rect(self, a: FloatArray, b: FloatArray, fill: str) -> None:
        (x1, y1), (x2, y2) = self.xy(a), self.xy(b)
        self.items.append(
            f'<rect x="{_f(min(x1, x2))}" y="{_f(min(y1, y2))}" width="{_f(abs(x2 - x1))}" '
            f'height="{_f(abs(y2 - y1))}" fill="{fill}" stroke="#555" stroke-width="1"/>'
        )

    def text(self, x: float, y: float, s: str, size: float = 12, weight: str = "normal") -> None:
        self.items.append(
            f'<text x="{_f(x)}" y="{_f(y)}" font-size="{_f(size)}" font-weight="{weight}" '
            f'text-anchor="middle">{html.escape(s)}</text>'
        )


_LIMBS = (
    ("HIP", "KNEE"), ("KNEE", "ANKLE"), ("HEEL", "FOOT_INDEX"), ("ANKLE", "HEEL"),
    ("SHOULDER", "ELBOW"), ("ELBOW", "WRIST"),
)  # fmt: skip


def _draw_body(cv: _Canvas, pts: FloatArray, view: str) -> None:
    # The side view faces right, so the figure's left side is nearer the camera; draw the far
    # side first, in grey.
    order = (
        (("RIGHT", FAR), ("LEFT", NEAR)) if view == "side" else (("RIGHT", NEAR), ("LEFT", NEAR))
    )
    for side, color in order[:1]:
        for a, b in _LIMBS:
            cv.line(pts[L[f"{side}_{a}"]], pts[L[f"{side}_{b}"]], color, 5)
    hip, sh = _point(pts, "HIP_MID"), _point(pts, "SHOULDER_MID")
    cv.line(pts[L.LEFT_HIP], pts[L.RIGHT_HIP], NEAR, 5)
    cv.line(pts[L.LEFT_SHOULDER], pts[L.RIGHT_SHOULDER], NEAR, 5)
    cv.line(hip, sh, NEAR, 6)
    head = 0.5 * (pts[L.LEFT_EAR] + pts[L.RIGHT_EAR])
    cv.line(sh, sh + 0.45 * (head - sh), NEAR, 5)
    cv.circle(head, 0.065, NEAR)
    nose = pts[L.NOSE]
    if view == "side":
        d = nose - head
        cv.line(head + 0.6 * d, head + 1.1 * d, NEAR, 3)
    for side, color in order[1:]:
        for a, b in _LIMBS:
            cv.line(pts[L[f"{side}_{a}"]], pts[L[f"{side}_{b}"]], color, 5)
    for name in ("LEFT_HIP", "LEFT_KNEE", "RIGHT_KNEE", "LEFT_SHOULDER"):
        x, y = cv.xy(pts[L[name]])
        cv.items.append(f'<circle cx="{_f(x)}" cy="{_f(y)}" r="3" fill="{ACCENT}"/>')


def _draw_prop(cv: _Canvas, pts: FloatArray, prop: Prop) -> None:
    feet = np.array([pts[L[n]] for n in _FEET])
    if prop.kind == "box":
        left, right = feet[:, 0].min() - 0.15, feet[:, 0].max() + 0.15
        cv.rect(np.array([left, 0.0]), np.array([right, prop.size]), "#d9c7a3")
    elif prop.kind == "wall":
        x = _point(pts, "HIP_MID")[0] - prop.offset
        cv.line(np.array([x, 0.0]), np.array([x, 1.9]), "#8c6d46", 8)
    elif prop.kind == "bell":
        w = 0.5 * (pts[L.LEFT_WRIST] + pts[L.RIGHT_WRIST])
        cv.circle(w + np.array([0.0, -0.1]), 0.09, "#333", "#666")
    elif prop.kind == "dumbbells":
        for name in ("LEFT_WRIST", "RIGHT_WRIST"):
            w = pts[L[name]]
            cv.line(w + np.array([-0.07, 0.0]), w + np.array([0.07, 0.0]), "#333", 9)
    elif prop.kind == "bar":
        s = _point(pts, "SHOULDER_MID")
        cv.line(s + np.array([-0.04, 0.0]), s + np.array([0.04, 0.0]), "#333", 4)
        cv.circle(s, 0.05, "#333", "#666")
    elif prop.kind == "rope":
        w = _point(pts, "LEFT_WRIST")
        lo = feet[:, 1].min() - 0.02
        cv.line(w, np.array([w[0] - 0.25, lo]), "#b9770e", 2, "4 3")
        cv.line(w, np.array([w[0] + 0.25, lo]), "#b9770e", 2, "4 3")
    elif prop.kind == "line":
        p = _point(pts, prop.text)
        cv.line(p, np.array([p[0], 0.0]), ACCENT, 2, "6 4")
    elif prop.kind == "hands":
        s = _point(pts, "SHOULDER_MID") + np.array([0.0, 0.35])
        _draw_arrow(cv, pts, Arrow("SHOULDER_MID", 0.0, -1.0, "partner pushes down"), s)
    elif prop.kind == "metronome":
        x, y = cv.xy(np.array([_point(pts, "HIP_MID")[0] + 0.55, 1.65]))
        cv.items.append(
            f'<rect x="{_f(x - 34)}" y="{_f(y - 14)}" width="68" height="20" rx="4" '
            f'fill="#fdf2e9" stroke="{ACCENT}"/>'
        )
        cv.text(x, y + 1, prop.text, 11)
    else:
        raise ValueError(
            f"unknown prop {prop.kind!r}; expected box, wall, bell, dumbbells, bar, rope, line, "
            "hands or metronome."
        )


def _draw_arrow(cv: _Canvas, pts: FloatArray, arrow: Arrow, tail: FloatArray | None = None) -> None:
    end = _point(pts, arrow.at)
    d = np.array([arrow.dx, arrow.dy], dtype=float)
    d /= np.hypot(*d)
    start = end - 0.25 * d if tail is None else tail
    cv.line(start, end, ACCENT, 3)
    side = np.array([-d[1], d[0]])
    for s in (1, -1):
        cv.line(end, end - 0.07 * d + s * 0.04 * side, ACCENT, 3)
    if arrow.text:
        x, y = cv.xy(start)
        cv.text(x, y - 6 if d[1] <= 0 else y + 14, arrow.text, 11)


def _panel(i: int, panel: Panel) -> list[str]:
    pts = _joints(panel.pose)
    cv = _Canvas(i * PANEL_W, 0.5 * float(pts[:, 0].min() + pts[:, 0].max()))
    cv.line(np.array([cv.cx - 1.0, 0.0]), np.array([cv.cx + 1.0, 0.0]), "#888", 2)
    for prop in panel.pose.props:
        if prop.kind in ("box", "wall"):
            _draw_prop(cv, pts, prop)
    _draw_body(cv, pts, panel.pose.view)
    for prop in panel.pose.props:
        if prop.kind not in ("box", "wall"):
            _draw_prop(cv, pts, prop)
    for arrow in panel.pose.arrows:
        _draw_arrow(cv, pts, arrow)
    x = i * PANEL_W + PANEL_W / 2
    for k, line in enumerate(panel.caption[:3]):
        cv.text(x, FLOOR_Y + 22 + 15 * k, line, 12)
    return cv.items


def _top(items: Sequence[str]) -> float:
    """The highest point drawn (px from the top), over every y coordinate in ``items``."""
    return min((float(v) for item in items for v in _Y_ATTR.findall(item)), default=0.0)


def render(title: str, panels: Sequence[Panel]) -> str:
    """Draw ``panels`` side by side under ``title``; return the SVG document as text.

    Parameters
    ----------
    title
        Shown as the SVG ``<title>`` (read by screen readers) and as ``aria-label``.
    panels
        One or more panels, drawn left to right, each 250 × 360 px.

    Returns
    -------
    str
        A complete SVG document ending in a newline.

    Raises
    ------
    ValueError
        With no panels, an unknown view or an unknown prop.

    Examples
    --------
    >>> svg = render("Squat", [Panel("Top", Pose()), Panel("Bottom", Pose({"knee_left": 90}))])
    >>> svg.count("<text") >= 2
    True
    """
    if not panels:
        raise ValueError(f"render({title!r}) needs at least one Panel; got none.")
    width = PANEL_W * len(panels)
    body: list[str] = []
    for i, panel in enumerate(panels):
        body.extend(_panel(i, panel))
    # low poses (lying, kneeling) leave the upper panel empty: start the picture just above the
    # highest thing drawn, leaving room for the panel titles
    top = float(np.clip(_top(body) - _TITLE_ROOM, 0.0, FLOOR_Y - _TITLE_ROOM))
    height = PANEL_H - top
    for i, panel in enumerate(panels):
        x = i * PANEL_W + PANEL_W / 2
        body.append(
            f'<text x="{_f(x)}" y="{_f(top + 20)}" font-size="14" font-weight="bold" '
            f'text-anchor="middle">{html.escape(panel.title)}</text>'
        )
        if i:
            body.append(
                f'<line x1="{_f(i * PANEL_W)}" y1="{_f(top + 10)}" x2="{_f(i * PANEL_W)}" '
                f'y2="{_f(PANEL_H - 10)}" stroke="#ddd" stroke-width="1"/>'
            )
    t = html.escape(title)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_f(width)}" height="{_f(height)}" '
        f'viewBox="0 {_f(top)} {_f(width)} {_f(height)}" role="img" aria-label="{t}" '
        'font-family="sans-serif">'
    )
    lines = [
        head,
        f"<title>{t}</title>",
        f'<rect y="{_f(top)}" width="{_f(width)}" height="{_f(height)}" fill="white"/>',
    ]
    return "\n".join([*lines, *body, "</svg>"]) + "\n"


@dataclass(frozen=True)
class Figure:
    """One picture of a lesson.

    Attributes
    ----------
    name
        File stem: the picture is ``lessons/figures/<name>.svg``.
    title
        What it shows (the SVG title, read by screen readers).
    lessons
        Two-digit numbers of the lessons that show it.
    panels
        The positions, drawn left to right (start first).
    """

    name: str
    title: str
    lessons: tuple[str, ...]
    panels: tuple[Panel, ...]

    def svg(self) -> str:
        """The picture as an SVG document."""
        return render(self.title, self.panels)


# -- poses both figure modules use ------------------------------------------------------
#: Standing upright, arms by the sides.
STAND = Pose()
#: Landmarks that touch the floor lying on the back, kneeling and on all fours.
SUPINE = ("LEFT_SHOULDER", "LEFT_HEEL", "LEFT_FOOT_INDEX")
KNEEL = ("LEFT_HEEL", "LEFT_FOOT_INDEX", "RIGHT_KNEE")
FOURS = ("LEFT_WRIST", "LEFT_KNEE")


def legs(thigh: float, knee: float, **more: float) -> dict[str, float]:
    """Both thighs and both knees at the same angles (deg), plus ``more`` joint angles."""
    return {
        "thigh_left": thigh,
        "thigh_right": thigh,
        "knee_left": knee,
        "knee_right": knee,
        **more,
    }


def running_contact(lean: float = 5.0, reach: float = 20.0, knee: float = 20.0) -> dict[str, float]:
    """A running contact: left foot on the ground, right leg swinging through."""
    return {
        "trunk": lean, "thigh_left": reach, "knee_left": knee, "thigh_right": -15,
        "knee_right": 95, "arm_left": -30, "elbow_left": 80, "arm_right": 35, "elbow_right": 80,
    }  # fmt: skip
