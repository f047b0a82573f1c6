"""A numeric answer box for the lessons: type a number, get it checked at once, with a hint.

The learner types a value (with the unit shown beside the box); the widget says whether it is
within the tolerance of the expected answer and, if not, gives a hint toward the method rather
than the number. After a few wrong tries it says where the worked solution is. Plain ipywidgets,
so it works in JupyterLab, Voila and in a kernel with no front end (tests, nbclient).

Examples
--------
>>> from widgets.answer import Answer
>>> a = Answer("Peak force for 70 kg at 2.5 BW?", 1716.0, unit="N", tolerance=0.02,
...            hint="Multiply mass, g and the number of body weights.")
>>> a.check(1700).correct
True
>>> a.check(700).correct
False
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Any

import ipywidgets as ipw

__all__ = ["Answer", "Verdict"]

_CSS = """
<style>
.rfl-answer { border-left: 4px solid #7a5ea5; padding: 4px 12px; margin: 8px 0; }
.rfl-answer-ok, .rfl-answer-no { padding: 6px 10px; border-radius: 4px; line-height: 1.4; }
.rfl-answer-ok { color: #1b6e2a; background: #eaf6ec; }
.rfl-answer-no { color: #8a1c1c; background: #fbecec; }
</style>
"""


@dataclass(frozen=True)
class Verdict:
    """The result of checking one typed value.

    Attributes
    ----------
    correct
        Whether the value is within the tolerance.
    message
        What the learner is told (plain text).
    """

    correct: bool
    message: str


class Answer(ipw.VBox):
    """A question with a numeric answer, checked with a tolerance as the learner types.

    Parameters
    ----------
    prompt
        The question (plain text).
    expected
        The right answer, in ``unit``.
    unit
        Unit shown beside the box and in the feedback (e.g. ``"N"``, ``"cm"``); may be ``""``.
    tolerance
        Relative tolerance (0.05 accepts ±5 %); must be in [0, 1).
    absolute
        Absolute tolerance in ``unit``, used instead of ``tolerance`` when given (for answers
        near zero).
    hint
        Shown after a wrong answer: a pointer to the method, not the number.

    Raises
    ------
    ValueError
        For a non-finite expected value, a tolerance outside [0, 1), a negative absolute
        tolerance or an empty hint.
    """

    def __init__(
        self,
        prompt: str,
        expected: float,
        *,
        unit: str = "",
        tolerance: float = 0.05,
        absolute: float | None = None,
        hint: str,
    ) -> None:
        if not math.isfinite(expected):
            raise ValueError(f"expected must be a finite number; got {expected!r}.")
        if not 0.0 <= tolerance < 1.0:
            raise ValueError(
                f"tolerance is relative and must be in [0, 1), e.g. 0.05 for ±5 %; got {tolerance}."
            )
        if absolute is not None and not absolute >= 0.0:
            raise ValueError(
                f"absolute tolerance must be ≥ 0 (in {unit or 'the unit'}); got {absolute}."
            )
        if not hint.strip():
            raise ValueError(
                f"Answer {prompt!r} needs a hint: say which formula or step leads to the answer."
            )
        self.prompt, self.expected, self.unit = prompt, float(expected), unit
        self.tolerance, self.absolute, self.hint = float(tolerance), absolute, hint
        self.tries = 0
        self.solved = False
        self._box = ipw.Text(
            placeholder="your answer", continuous_update=False, layout=ipw.Layout(width="9em")
        )
        self._box.observe(self._on_value, names="value")
        self._button = ipw.Button(description="Check", layout=ipw.Layout(width="6em"))
        self._button.on_click(lambda _b: self._on_value({"new": self._box.value}))
        self._feedback = ipw.HTML("")
        row = ipw.HBox([self._box, ipw.HTML(f"&nbsp;{html.escape(unit)}&nbsp;"), self._button])
        prompt_html = ipw.HTML(f"<div style='font-weight:600'>{html.escape(prompt)}</div>")
        super().__init__(children=[ipw.HTML(_CSS), prompt_html, row, self._feedback])
        self.add_class("rfl-answer")

    @property
    def margin(self) -> float:
        """Largest accepted distance from ``expected``, in ``unit``."""
        if self.absolute is not None:
            return float(self.absolute)
        return abs(self.expected) * self.tolerance

    def verdict(self, value: float) -> Verdict:
        """Judge ``value`` without changing the widget.

        Parameters
        ----------
        value
            The learner's number, in ``unit``.

        Returns
        -------
        Verdict
        """
        value = float(value)
        unit = f" {self.unit}" if self.unit else ""
        if not math.isfinite(value):
            return Verdict(
                False, "Type a number (digits, a decimal point, optionally a minus sign)."
            )
        if abs(value - self.expected) <= self.margin:
            return Verdict(
                True, f"Right: {_fmt(self.expected)}{unit} (±{_fmt(self.margin)}{unit} accepted)."
            )
        hint = self.hint
        if self.expected and value:
            ratio = abs(value / self.expected)
            k = round(math.log10(ratio))
            if k and abs(ratio / 10.0**k - 1.0) <= max(self.tolerance, 0.05):
                hint = (
                    f"the digits look right but the size is off by 10^{k}: check the units. {hint}"
                )
        side = "high" if value > self.expected else "low"
        return Verdict(False, f"{_fmt(value)}{unit} is too {side}. Hint: {hint}")

    def check(self, value: float | str) -> Verdict:
        """Check ``value`` as typing it into the box does, and show the feedback.

        Parameters
        ----------
        value
            The learner's number in ``unit``, or the text typed (a decimal comma is accepted).

        Returns
        -------
        Verdict
        """
        v = self.verdict(_parse(value))
        self.tries += 1
        self.solved = self.solved or v.correct
        text = v.message
        if not v.correct and self.tries >= 3:
            text += " Still stuck? Open the worked solution below."
        css = "rfl-answer-ok" if v.correct else "rfl-answer-no"
        self._feedback.value = f"<div class='{css}'>{html.escape(text)}</div>"
        return v

    def _on_value(self, change: dict[str, Any]) -> None:
        if str(change["new"]).strip():
            self.check(str(change["new"]))

    @property
    def feedback_text(self) -> str:
        """The feedback currently shown, as HTML (empty before the first check)."""
        return str(self._feedback.value)


def _parse(value: float | str) -> float:
    if not isinstance(value, str):
        return float(value)
    text = value.strip().replace(" ", "").replace("\u2212", "-")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return math.nan


def _fmt(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:.0f}"
