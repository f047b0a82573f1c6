"""``python -m course validate``: regenerate the error table, its plots and docs/validation.md.

Writes, from a fresh MediaPipe run on the four pinned views:

- ``course/accuracy/errors.json`` — the machine-readable table (package data, read by
  :func:`course.accuracy.measured_error`);
- ``docs/validation/<metric>.png`` — a Bland–Altman plot per metric, one colour per camera;
- ``docs/validation.md`` — method, our numbers, published figures beside them.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

from course.accuracy.reference import (
    CAMERAS,
    MIN_VISIBILITY,
    OUTLIER_PX,
    MultiViewReference,
    build_reference,
    sync_check,
)
from course.accuracy.table import METRICS, CameraSetup, ErrorRow, error_table

__all__ = ["main", "table_json", "write_outputs"]

TABLE_PATH = Path(__file__).with_name("errors.json")
REPO = Path(__file__).resolve().parents[2]
#: Angle views pooled for :func:`course.accuracy.measured_error`.
VIEWS = ("front", "back", "side")


def _r(x: float, digits: int = 2) -> float | None:
    return None if not np.isfinite(x) else round(float(x), digits)


def _stats(d: np.ndarray) -> dict[str, float | int | None]:
    d = d[np.isfinite(d)]
    if d.size < 2:
        return {"bias": None, "loa_low": None, "loa_high": None, "rmse": None, "n": int(d.size)}
    bias, sd = float(d.mean()), float(d.std(ddof=1))
    return {
        "bias": _r(bias),
        "loa_low": _r(bias - 1.96 * sd),
        "loa_high": _r(bias + 1.96 * sd),
        "rmse": _r(float(np.sqrt(np.mean(d * d)))),
        "n": int(d.size),
    }


#: Rigid segments whose 3-D length should stay constant if the reference is consistent.
SEGMENTS = {
    "left thigh": (23, 25),
    "right thigh": (24, 26),
    "left shank": (25, 27),
    "right shank": (26, 28),
    "hip width": (23, 24),
    "shoulder width": (11, 12),
}


def _segments(reference: MultiViewReference) -> dict[str, list[float | None]]:
    """5th, 50th and 95th percentile of each segment's length over the clip, m."""
    X = reference.points
    out = {}
    for name, (a, b) in SEGMENTS.items():
        length = np.linalg.norm(X[:, a] - X[:, b], axis=-1)
        out[name] = [_r(v, 3) for v in np.nanpercentile(length, [5, 50, 95])]
    return out


def table_json(
    reference: MultiViewReference,
    setups: Mapping[str, CameraSetup],
    rows: Mapping[str, Mapping[str, ErrorRow]],
    sync: Mapping[str, Mapping[int, float]] | None = None,
) -> dict[str, object]:
    """The error table as a JSON-ready dict (numbers rounded to 0.01)."""
    metrics: dict[str, object] = {}
    for m, (plane, tests, clip) in METRICS.items():
        per_cam = {}
        for c in CAMERAS:
            row = rows[m][c]
            a = row.agreement
            per_cam[c] = {
                "bias": _r(a.bias),
                "loa_low": _r(a.loa_low),
                "loa_high": _r(a.loa_high),
                "rmse": _r(a.rmse),
                "n": a.n,
                "reference_p5": _r(row.reference_p5),
                "reference_p95": _r(row.reference_p95),
            }
        by_view = {}
        for v in VIEWS:
            cams = [c for c in CAMERAS if setups[c].view == v]
            if cams:
                d = np.concatenate([rows[m][c].differences for c in cams])
                by_view[v] = {
                    **_stats(d),
                    "cameras": cams,
                    "view_angle_min": _r(min(setups[c].view_angle_min for c in cams)),
                    "view_angle_max": _r(max(setups[c].view_angle_max for c in cams)),
                }
        metrics[m] = {
            "plane": plane,
            "tests": tests,
            "clip": clip,
            "cameras": per_cam,
            "by_view": by_view,
        }
    return {
        "generated_by": "python -m course validate",
        "units": "degrees (angles), px (reprojection)",
        "difference": "single camera (live engine) minus 4-camera reference",
        "clips": [f"pose2sim-single-{c}" for c in CAMERAS],
        "calibration": "pose2sim-single-calibration",
        "model": "MediaPipe pose landmarker full, VIDEO mode, select=stable",
        "n_frames": int(reference.points.shape[0]),
        "min_visibility": MIN_VISIBILITY,
        "outlier_px": OUTLIER_PX,
        "label_swaps_fixed": {c: reference.swapped[c] for c in CAMERAS},
        "observations_dropped": reference.dropped,
        "sync_check_median_px": {
            c: {str(k): v for k, v in s.items()} for c, s in (sync or {}).items()
        },
        "segment_length_m": _segments(reference),
        "reprojection": {
            c: {"median": _r(r.median), "p95": _r(r.p95), "n": r.n}
            for c, r in reference.reprojection.items()
        },
        "setups": {
            c: {
                "side": s.side,
                "facing": s.facing,
                "view": s.view,
                "view_angle_median": _r(s.view_angle_median),
                "view_angle_min": _r(s.view_angle_min),
                "view_angle_max": _r(s.view_angle_max),
            }
            for c, s in setups.items()
        },
        "metrics": metrics,
    }


def plot_metric(metric: str, rows: Mapping[str, ErrorRow], path: Path) -> Path:
    """Bland–Altman plot of one metric (all cameras) written to ``path`` (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.0, 4.2), dpi=110)
    colours = ("tab:blue", "tab:orange", "tab:green", "tab:red")
    for colour, c in zip(colours, CAMERAS, strict=True):
        row = rows[c]
        a = row.agreement
        label = f"{c}: bias {a.bias:+.1f}°, LoA {a.loa_low:+.1f}…{a.loa_high:+.1f}°"
        ax.scatter(row.means, row.differences, s=9, color=colour, alpha=0.7, label=label)
        if np.isfinite(a.bias):
            ax.axhline(a.bias, color=colour, lw=1.2)
            for lim in (a.loa_low, a.loa_high):
                ax.axhline(lim, color=colour, lw=0.8, ls="--")
    ax.axhline(0.0, color="black", lw=0.6)
    ax.set_xlabel(f"mean of single camera and reference, {metric} (°)")
    ax.set_ylabel("single camera − reference (°)")
    ax.set_title(f"{metric}: one camera (live engine) vs 4-camera reference")
    ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def write_outputs(
    reference: MultiViewReference,
    *,
    table_path: Path = TABLE_PATH,
    docs: Path | None = None,
    sync: bool = True,
) -> dict[str, object]:
    """Compute the table and write the JSON (and, with ``docs``, the plots and the page)."""
    from course.accuracy.docs import render_markdown

    setups, rows = error_table(reference)
    table = table_json(reference, setups, rows, sync_check(reference) if sync else None)
    table_path.write_text(json.dumps(table, indent=1) + "\n")
    if docs is not None:
        for m in METRICS:
            plot_metric(m, rows[m], docs / "validation" / f"{m}.png")
        (docs / "validation.md").write_text(render_markdown(table))
    return table


def main(argv: Iterable[str] | None = None) -> int:
    """``python -m course validate [--no-docs]``: regenerate the error table (about 1–3 min)."""
    parser = argparse.ArgumentParser(
        prog="python -m course validate",
        description="Measure every scored angle from one camera against a 4-camera reference.",
    )
    parser.add_argument("--no-docs", action="store_true", help="only write errors.json")
    parser.add_argument("--model", default=None, help="pose model .task file (default: cache)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    docs = None if args.no_docs else REPO / "docs"
    if docs is not None and not docs.is_dir():
        print(f"no docs/ folder at {docs}: run from a source checkout, or pass --no-docs.")
        return 2
    reference = build_reference(model_path=args.model)
    table = write_outputs(reference, docs=docs)
    print(f"wrote {TABLE_PATH}" + (f", {docs}/validation.md and plots" if docs else ""))
    reproj = table["reprojection"]
    assert isinstance(reproj, dict)
    for c, r in reproj.items():
        print(f"  {c}: reprojection median {r['median']} px, 95th pct {r['p95']} px")
    return 0
