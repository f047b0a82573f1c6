"""Single-leg stance reference values by age, and where a learner's result lies among them.

Springer, Marin, Cyhan, Roberts & Gill (2007), *Normative values for the unipedal stance test
with eyes open and closed*, J Geriatr Phys Ther 30(1):8–15: 549 healthy adults aged 18 and over,
barefoot, arms crossed on the chest, three trials per condition with a 45 s ceiling, eyes open and
eyes closed; mean and best of three reported for men and women in six age groups (18–39, 40–49,
50–59, 60–69, 70–79, 80+). Performance fell with age and did not differ by sex; inter-rater
reliability of the best of three was excellent (ICC 0.994 eyes open, 0.998 eyes closed).

**Provenance of the numbers below.** They are a *secondary transcription*: best-of-three group
means rounded to whole seconds and pooled over sexes, written into this course by an earlier
contributor without the paper at hand. The paper's tables could not be consulted while this
module was written (only its abstract, which gives the design, the age groups and the ICCs, was
available), so the values have NOT been checked against the paper and no standard deviations are
given. A result is therefore placed only above or below its group's mean, never as a percentile,
and never as a pass or fail.

**Cross-check.** A second, independent public transcription gives the eyes-closed best-of-three
means by sex (women/men, s): 13.1/16.9 (18–39), 13.5/12.0 (40–49), 7.9/8.6 (50–59), 3.6/5.1
(60–69), 3.7/2.6 (70–79), 2.1/1.8 (80+). Averaged over the sexes they round to the same whole
seconds as the eyes-closed row below (``SEX_SPECIFIC_CLOSED``; a test checks it). This makes a
copying error in that row unlikely; it does not replace reading the paper.

Examples
--------
>>> group_mean(45, "open")
(40.0, '40–49')
>>> place(30.0, age=None, eyes="open").startswith("Your age was not given")
True
"""

from __future__ import annotations

import math

__all__ = ["NORMS", "NORMS_SOURCE", "SEX_SPECIFIC_CLOSED", "group_mean", "place"]

NORMS_SOURCE = (
    "Springer et al. 2007, J Geriatr Phys Ther 30(1):8–15 (n = 549; best of three, 45 s "
    "ceiling) — group means as a secondary transcription, rounded and pooled over sexes, not "
    "checked against the paper's tables; no SDs transcribed"
)

#: Eyes-closed best-of-three means (women, men) in s by age group, from the second transcription.
SEX_SPECIFIC_CLOSED: tuple[tuple[float, float], ...] = (
    (13.1, 16.9), (13.5, 12.0), (7.9, 8.6), (3.6, 5.1), (3.7, 2.6), (2.1, 1.8),
)  # fmt: skip

#: eyes → ((lowest age, highest age, best-of-three group mean in s), ...). See the module note.
NORMS: dict[str, tuple[tuple[int, int, float], ...]] = {
    "open": ((18, 39, 43.0), (40, 49, 40.0), (50, 59, 37.0), (60, 69, 27.0), (70, 79, 15.0),
             (80, 120, 6.0)),
    "closed": ((18, 39, 15.0), (40, 49, 13.0), (50, 59, 8.0), (60, 69, 4.0), (70, 79, 3.0),
               (80, 120, 2.0)),
}  # fmt: skip


def _check_age(age: float) -> float:
    if isinstance(age, bool) or not isinstance(age, (int, float)) or not math.isfinite(age):
        raise ValueError(f"age must be a number of years; got {age!r}.")
    if not 0 < age < 120:
        raise ValueError(f"age must be in years (1–119); got {age!r}.")
    return float(age)


def group_mean(age: float, eyes: str) -> tuple[float, str] | None:
    """The age group's best-of-three mean (s) and the group's label, or None under 18.

    Examples
    --------
    >>> group_mean(85, "closed")
    (2.0, '80+')
    >>> group_mean(12, "open") is None
    True
    """
    if eyes not in NORMS:
        raise ValueError(f"eyes must be 'open' or 'closed'; got {eyes!r}.")
    a = _check_age(age)
    for lo, hi, value in NORMS[eyes]:
        if lo <= a < hi + 1:
            return value, (f"{lo}+" if hi >= 120 else f"{lo}–{hi}")
    return None


def place(best: float, *, age: float | None, eyes: str, leg: str = "") -> str:
    """Where a best-of-three time lies relative to the age group, in one or two sentences.

    Parameters
    ----------
    best
        The learner's best of three, in seconds (capped at 45 s like the study).
    age
        Age in years; None gives the sentence that asks for it (no silent default group).
    eyes
        ``"open"`` or ``"closed"``.
    leg
        ``"left"``/``"right"`` to name the leg, or ``""``.

    Examples
    --------
    >>> place(41.0, age=45, eyes="open", leg="left")
    'Eyes open, left leg: best 41 s; the mean of healthy adults aged 40–49 is 40 s: at or above it.'
    """
    who = f"Eyes {eyes}" + (f", {leg} leg" if leg else "")
    if not math.isfinite(best):
        return f"{who}: no completed stance to compare."
    if age is None:
        return (
            f"Your age was not given: the result cannot be placed in an age group. Run the test "
            f"with your age (age=..., in years) to compare with Springer et al. 2007. ({who}: "
            f"best {best:.0f} s.)"
        )
    found = group_mean(age, eyes)
    if found is None:
        return f"{who}: best {best:.0f} s; the reference study has no values under 18 years."
    mean, label = found
    where = (
        "at or above it"
        if best >= mean
        else "below it (as are many healthy adults: a mean is not a pass mark)"
    )
    return (
        f"{who}: best {best:.0f} s; the mean of healthy adults aged {label} is {mean:.0f} s: "
        f"{where}."
    )
