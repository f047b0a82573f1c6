"""A multiple-choice quiz for the lessons: instant feedback that explains the reason.

Every choice carries its own explanation, so a wrong answer tells the learner *why* it is wrong,
not only that it is. The widget is plain ipywidgets (no custom JavaScript), so it works in
JupyterLab, Notebook 7, Voila and in a kernel with no front end at all (tests, nbclient).

Examples
--------
>>> from widgets.quiz import Choice, Question, Quiz
>>> quiz = Quiz([
...     Question(
...         "What is the SI unit of impulse?",
...         [
...             Choice("N·s", correct=True, why="Impulse is force times time: newtons × seconds."),
...             Choice("N/s", why="N/s is a rate of force development, not an impulse."),
...         ],
...     )
... ])
>>> quiz.answer(0, 1).correct
False
>>> quiz.answer(0, 0).correct
True
>>> quiz.score  # right at the first try, out of how many questions
(0, 1)
"""

from __future__ import annotations

import html
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as ipw

__all__ = ["KINDS", "Choice", "Feedback", "Question", "Quiz", "correct_is_longest"]

#: What a question asks the learner to do: remember or explain, work out a number, or predict
#: what a model or a measurement will show before looking.
KINDS = ("recall", "calculate", "predict")

_CSS = """
<style>
.rfl-quiz { border-left: 4px solid #3b6ea5; padding: 4px 12px; margin: 8px 0; }
.rfl-quiz-prompt { font-weight: 600; margin: 10px 0 2px 0; line-height: 1.4; }
.rfl-quiz-ok, .rfl-quiz-no { padding: 6px 10px; border-radius: 4px; line-height: 1.4; }
.rfl-quiz-ok { color: #1b6e2a; background: #eaf6ec; }
.rfl-quiz-no { color: #8a1c1c; background: #fbecec; }
.rfl-quiz-ok::before { content: "✓ "; font-weight: 700; }
.rfl-quiz-no::before { content: "✗ "; font-weight: 700; }
.rfl-quiz-score { color: #444; font-size: 0.95em; margin-top: 6px; }
</style>
"""


@dataclass(frozen=True)
class Choice:
    """One answer option.

    Attributes
    ----------
    text
        What the learner reads (plain text; it is HTML-escaped).
    correct
        True for the right answer. A question has exactly one.
    why
        The reason this choice is right or wrong, shown as soon as it is picked.
    """

    text: str
    correct: bool = False
    why: str = ""


@dataclass(frozen=True)
class Question:
    """A multiple-choice question with exactly one correct :class:`Choice`.

    Attributes
    ----------
    prompt
        The question (plain text).
    choices
        Two or more choices; exactly one has ``correct=True`` and every one has a ``why``.
    kind
        One of :data:`KINDS`: ``"recall"`` (default), ``"calculate"`` or ``"predict"``.
    """

    prompt: str
    choices: Sequence[Choice]
    kind: str = "recall"

    def __post_init__(self) -> None:
        choices = tuple(self.choices)
        object.__setattr__(self, "choices", choices)
        if len(choices) < 2:
            raise ValueError(
                f"Question {self.prompt!r} needs at least 2 choices; got {len(choices)}. "
                "Add the plausible wrong answers learners actually give."
            )
        n_correct = sum(c.correct for c in choices)
        if n_correct != 1:
            raise ValueError(
                f"Question {self.prompt!r} must have exactly one correct choice; got {n_correct}. "
                "Mark the right one with Choice(..., correct=True)."
            )
        if self.kind not in KINDS:
            raise ValueError(
                f"Question {self.prompt!r}: kind must be one of {KINDS}; got {self.kind!r}."
            )
        missing = [c.text for c in choices if not c.why.strip()]
        if missing:
            raise ValueError(
                f"Every choice needs a reason (why=...); missing for {missing!r} in question "
                f"{self.prompt!r}. The reason is what the learner learns from a wrong answer."
            )

    @property
    def answer(self) -> int:
        """Index of the correct choice (0-based)."""
        return next(i for i, c in enumerate(self.choices) if c.correct)


def correct_is_longest(question: Question) -> bool:
    """Whether the correct choice is at least as long as every wrong one (a give-away).

    Parameters
    ----------
    question
        The question to inspect.

    Returns
    -------
    bool
        True when no wrong choice is longer (in characters) than the correct one.

    Examples
    --------
    >>> q = Question("?", [Choice("a long right answer", True, "x"), Choice("short", why="y")])
    >>> correct_is_longest(q)
    True
    """
    right = len(question.choices[question.answer].text)
    return all(len(c.text) <= right for c in question.choices if not c.correct)


@dataclass(frozen=True)
class Feedback:
    """What the learner is told after picking a choice.

    Attributes
    ----------
    correct
        Whether the picked choice is the right one.
    message
        The explanation shown (plain text).
    """

    correct: bool
    message: str


def feedback_for(question: Question, index: int) -> Feedback:
    """Return the feedback for picking ``question.choices[index]``.

    Parameters
    ----------
    question
        The question answered.
    index
        0-based index of the picked choice.

    Returns
    -------
    Feedback
        ``correct`` and the reason; a wrong pick also says to try again.

    Examples
    --------
    >>> q = Question("1 + 1?", [Choice("2", True, "Count them."), Choice("3", why="One too many.")])
    >>> feedback_for(q, 1).message
    'Not quite. One too many. Try another answer.'
    """
    if not 0 <= index < len(question.choices):
        raise IndexError(
            f"choice index must be in 0..{len(question.choices) - 1}; got {index}. "
            "Indices count from 0 in the order the choices are listed."
        )
    choice = question.choices[index]
    if choice.correct:
        return Feedback(True, f"Correct. {choice.why}")
    return Feedback(False, f"Not quite. {choice.why} Try another answer.")


class Quiz(ipw.VBox):
    """Multiple-choice questions with instant, explained feedback.

    Parameters
    ----------
    questions
        The questions, shown in order.
    title
        Optional heading shown above the questions.
    shuffle
        Show each question's choices in a shuffled order (the same order every time for the same
        question), so the right answer is not always where the author happened to write it.

    Notes
    -----
    Nothing is stored or sent anywhere: answers live only in this widget. :meth:`answer` picks a
    choice from code exactly as a click does (tests and demonstrations use it); choice indices
    always refer to the order in ``Question.choices``, whatever the display order.
    """

    def __init__(
        self, questions: Sequence[Question], *, title: str = "", shuffle: bool = True
    ) -> None:
        questions = tuple(questions)
        if not questions:
            raise ValueError("Quiz needs at least one Question; got none.")
        for q in questions:
            if not isinstance(q, Question):
                raise TypeError(
                    f"Quiz takes Question objects; got {type(q).__name__}. "
                    "Build each one as Question(prompt, [Choice(...), ...])."
                )
        self.questions: tuple[Question, ...] = questions
        self._first_try: list[bool | None] = [None] * len(questions)
        self._solved: list[bool] = [False] * len(questions)
        self._radios: list[Any] = []
        self._feedback: list[Any] = []
        children: list[Any] = [ipw.HTML(_CSS)]
        if title:
            children.append(ipw.HTML(f"<h4>{html.escape(title)}</h4>"))
        for i, q in enumerate(questions):
            prompt = ipw.HTML(
                f"<div class='rfl-quiz-prompt'>{i + 1}. {html.escape(q.prompt)}</div>"
            )
            order = list(range(len(q.choices)))
            if shuffle:
                random.Random(q.prompt).shuffle(order)
            radio = ipw.RadioButtons(
                options=[(q.choices[k].text, k) for k in order],
                value=None,
                layout=ipw.Layout(width="auto"),
                style={"description_width": "0px"},
            )
            radio.observe(self._make_handler(i), names="value")
            fb = ipw.HTML("")
            self._radios.append(radio)
            self._feedback.append(fb)
            children.extend([prompt, radio, fb])
        self._score = ipw.HTML(self._score_html())
        children.append(self._score)
        super().__init__(children=children)
        self.add_class("rfl-quiz")

    def _make_handler(self, i: int) -> Any:
        def handler(change: dict[str, Any]) -> None:
            if change["new"] is not None:
                self._show(i, int(change["new"]))

        return handler

    def _show(self, i: int, index: int) -> Feedback:
        fb = feedback_for(self.questions[i], index)
        if self._first_try[i] is None:
            self._first_try[i] = fb.correct
        self._solved[i] = self._solved[i] or fb.correct
        css = "rfl-quiz-ok" if fb.correct else "rfl-quiz-no"
        self._feedback[i].value = f"<div class='{css}'>{html.escape(fb.message)}</div>"
        self._score.value = self._score_html()
        return fb

    def _score_html(self) -> str:
        right, total = self.score
        done = sum(x is not None for x in self._first_try)
        return (
            f"<div class='rfl-quiz-score'>Right at the first try: {right} of {done} answered "
            f"({total} questions).</div>"
        )

    def answer(self, question: int, choice: int) -> Feedback:
        """Pick ``choice`` for ``question`` as a click would, and return the feedback shown.

        Parameters
        ----------
        question, choice
            0-based indices.

        Returns
        -------
        Feedback
            Whether the choice is correct, and the reason shown under the question.
        """
        if not 0 <= question < len(self.questions):
            raise IndexError(
                f"question index must be in 0..{len(self.questions) - 1}; got {question}."
            )
        fb = feedback_for(self.questions[question], choice)  # validates the index
        radio = self._radios[question]
        if radio.value == choice:
            return self._show(question, choice)
        radio.value = choice  # fires the observer, exactly like a click
        return fb

    @property
    def score(self) -> tuple[int, int]:
        """``(right at the first try, number of questions)``."""
        return sum(x is True for x in self._first_try), len(self.questions)

    def feedback_text(self, question: int) -> str:
        """The feedback currently shown under ``question`` as HTML (empty before an answer)."""
        return str(self._feedback[question].value)
