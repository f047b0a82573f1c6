"""Hand-over files: one self-contained HTML report and a CSV of the per-step numbers.

The HTML embeds its key-moment pictures as ``data:`` URIs and uses no script, font or style from
elsewhere, so it opens offline and can be e-mailed as one file. Nothing is sent anywhere.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import html
import math
from pathlib import Path

from course.bench.compare import Comparison
from course.bench.run import RunAnalysis
from course.bench.steps import NUMBERS

__all__ = ["html_report", "write_csv", "write_report"]

_CSS = """
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;max-width:1100px}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;
text-align:right}th{background:#f2f2f2}td:first-child,th:first-child{text-align:left}
.strip{display:flex;flex-wrap:wrap;gap:8px}.strip figure{margin:0;width:240px}
.strip img{width:240px;display:block;border-radius:4px}figcaption{font-size:.8em}
.real{color:#b00;font-weight:bold}.note{font-size:.85em;color:#555}
"""


def _fmt(x: float, digits: int = 2) -> str:
    return f"{x:.{digits}f}" if math.isfinite(x) else "–"


def _img(jpeg: bytes, alt: str) -> str:
    data = base64.b64encode(jpeg).decode("ascii")
    return f'<img src="data:image/jpeg;base64,{data}" alt="{html.escape(alt)}">'


def _summary_table(run: RunAnalysis) -> str:
    rows = [
        "<tr><th>number</th><th>unit</th><th>median</th><th>left</th><th>right</th>"
        "<th>L − R</th><th>smallest real change</th><th>measurement error</th></tr>"
    ]
    for f in run.summary.figures.values():
        err = f"±{f.error.value:.1f}" if f.error.value is not None else f.error.note
        cls = ' class="real"' if f.real else ""
        rows.append(
            f"<tr><td>{html.escape(f.description)}</td><td>{f.unit}</td><td>{_fmt(f.median)}</td>"
            f"<td>{_fmt(f.left)}</td><td>{_fmt(f.right)}</td><td{cls}>{_fmt(f.asymmetry)}</td>"
            f"<td>{_fmt(f.mdc95)}</td><td>{html.escape(err)}</td></tr>"
        )
    return "<table>" + "".join(rows) + "</table>"


def _steps_table(run: RunAnalysis) -> str:
    names = [n for n, (_, _, views) in NUMBERS.items() if run.view in views]
    head = "".join(f"<th>{n} ({NUMBERS[n][0]})</th>" for n in names)
    rows = [f"<tr><th>step</th><th>foot</th><th>contact (s)</th>{head}</tr>"]
    for s in run.steps:
        cells = "".join(f"<td>{_fmt(s.values[n])}</td>" for n in names)
        rows.append(
            f"<tr><td>{s.index + 1}</td><td>{s.side}</td><td>{_fmt(s.t_contact)}</td>{cells}</tr>"
        )
    return "<table>" + "".join(rows) + "</table>"


def _strip(run: RunAnalysis, pictures: dict[int, bytes], steps: int) -> str:
    figs = []
    for m in run.moments:
        if m.step >= steps or m.frame not in pictures:
            continue
        cap = f"step {m.step + 1}, {m.side} {m.kind.replace('_', '-')}, t = {m.t:.2f} s"
        figs.append(
            f"<figure>{_img(pictures[m.frame], cap)}<figcaption>{cap}</figcaption></figure>"
        )
    return '<div class="strip">' + "".join(figs) + "</div>"


def html_report(
    run: RunAnalysis,
    pictures: dict[int, bytes],
    *,
    notes: str = "",
    comparison: Comparison | None = None,
    when: dt.datetime | None = None,
    strip_steps: int = 4,
) -> str:
    """The report as one HTML string (pictures embedded; opens offline).

    Parameters
    ----------
    run
        The analysed run.
    pictures
        Key-moment JPEGs by frame index (:func:`course.bench.frames.key_frames`).
    notes
        The coach's notes (plain text).
    comparison
        A second run compared with this one, shown as a table.
    when
        Date printed (default: now, UTC).
    strip_steps
        Steps whose key moments are pictured.

    Examples
    --------
    >>> from course.bench.run import analyse_series
    >>> from course.lessons import demos
    >>> page = html_report(analyse_series(demos.running(seconds=3)), {}, notes="Cue: quiet feet")
    >>> "Cue: quiet feet" in page and "<table>" in page
    True
    """
    when = when or dt.datetime.now(dt.timezone.utc)
    s = run.setup
    title = f"Running analysis — {html.escape(run.label)}"
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
        f"<style>{_CSS}</style></head><body><h1>{title}</h1>",
        f"<p>{when:%Y-%m-%d %H:%M} UTC · {s.view} view · {s.fps:.0f} fps · "
        f"{run.duration:.1f} s · {run.summary.steps} steps · cadence "
        f"<b>{_fmt(run.summary.cadence, 0)}</b> steps/min</p>",
    ]
    if run.source.startswith("SYNTHETIC"):
        parts.append("<p class='real'>SYNTHETIC demonstration data, not a real runner.</p>")
    if notes:
        parts.append(f"<h2>Notes</h2><p>{html.escape(notes)}</p>")
    parts.append("<h2>Key moments</h2>" + _strip(run, pictures, strip_steps))
    parts.append("<h2>Summary</h2>" + _summary_table(run))
    parts.append(
        "<p class='note'>Smallest real change: MDC95 = 1.96·√2·TE, where the typical error TE "
        "is the SD of differences between consecutive steps of the same foot divided by √2 "
        "(Hopkins 2000, Sports Med; Weir 2005, J Strength Cond Res). A left − right difference "
        "in red is larger than it.</p>"
    )
    if comparison is not None:
        c = comparison
        rows = [
            "<tr><th>number</th><th>unit</th><th>"
            + html.escape(c.a.label)
            + "</th><th>"
            + html.escape(c.b.label)
            + "</th><th>difference</th><th>real if beyond</th></tr>"
        ]
        for d in c.differences:
            cls = ' class="real"' if d.real else ""
            rows.append(
                f"<tr><td>{d.name}</td><td>{d.unit}</td><td>{_fmt(d.a)}</td>"
                f"<td>{_fmt(d.b)}</td><td{cls}>{_fmt(d.diff)}</td>"
                f"<td>{_fmt(d.threshold)}</td></tr>"
            )
        parts.append(
            f"<h2>Compared with {html.escape(c.b.label)}</h2><p>Aligned on the first "
            f"{c.side} initial contact (offset {c.offset:+.3f} s).</p><table>"
            + "".join(rows)
            + "</table>"
        )
    parts.append("<h2>Every step</h2>" + _steps_table(run))
    advice = "".join(f"<li>{html.escape(n)}</li>" for n in run.notes)
    parts.append(f"<h2>Method and setup notes</h2><ul>{advice}</ul>")
    parts.append(
        "<p class='note'>2-D video analysis: numbers are as good as the camera setup. "
        "Made with Running Form Lab; nothing in this file was sent anywhere.</p></body></html>"
    )
    return "\n".join(parts)


def write_csv(run: RunAnalysis, path: str | Path) -> Path:
    """One row per step: step, foot, contact time and every number (unit in the header).

    Examples
    --------
    >>> import tempfile
    >>> from course.bench.run import analyse_series
    >>> from course.lessons import demos
    >>> out = write_csv(analyse_series(demos.running(seconds=3)), tempfile.mktemp(suffix=".csv"))
    >>> out.read_text().splitlines()[0].split(",")[:3]
    ['step', 'foot', 't_contact_s']
    """
    out = Path(path)
    names = list(NUMBERS)
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["step", "foot", "t_contact_s", *(f"{n}_{NUMBERS[n][0]}" for n in names)])
        for s in run.steps:
            w.writerow(
                [
                    s.index + 1,
                    s.side,
                    f"{s.t_contact:.4f}",
                    *(f"{s.values[n]:.6g}" if math.isfinite(s.values[n]) else "" for n in names),
                ]
            )
    return out


def write_report(
    run: RunAnalysis,
    path: str | Path,
    *,
    notes: str = "",
    comparison: Comparison | None = None,
    width: int = 480,
) -> Path:
    """Draw the key-moment pictures and write the HTML report to ``path``."""
    from course.bench.frames import key_frames

    out = Path(path)
    out.write_text(
        html_report(run, key_frames(run, width=width), notes=notes, comparison=comparison),
        encoding="utf-8",
    )
    return out
