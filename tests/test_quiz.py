"""widgets.Quiz: validation, instant explained feedback, first-try scoring."""

from __future__ import annotations

import ipywidgets as ipw
import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets import Choice, Question, Quiz
from widgets.quiz import correct_is_longest, feedback_for


def make_question(n: int = 3, answer: int = 1) -> Question:
    return Question(
        "Which one?",
        [Choice(f"option {i}", correct=(i == answer), why=f"reason {i}.") for i in range(n)],
    )


def test_question_needs_exactly_one_correct_choice() -> None:
    with pytest.raises(ValueError, match="exactly one correct"):
        Question("q", [Choice("a", why="x"), Choice("b", why="y")])
    with pytest.raises(ValueError, match="exactly one correct"):
        Question("q", [Choice("a", True, "x"), Choice("b", True, "y")])


def test_question_needs_two_choices_and_reasons() -> None:
    with pytest.raises(ValueError, match="at least 2 choices"):
        Question("q", [Choice("a", True, "x")])
    with pytest.raises(ValueError, match="needs a reason"):
        Question("q", [Choice("a", True, "x"), Choice("b")])


def test_quiz_rejects_empty_and_wrong_types() -> None:
    with pytest.raises(ValueError, match="at least one Question"):
        Quiz([])
    with pytest.raises(TypeError, match="Question objects"):
        Quiz(["What is impulse?"])  # type: ignore[list-item]


def test_click_shows_the_reason_at_once() -> None:
    quiz = Quiz([make_question()])
    radio = next(c for c in quiz.children if isinstance(c, ipw.RadioButtons))
    assert quiz.feedback_text(0) == ""
    radio.value = 2  # what a click in the browser does to the widget state
    assert "reason 2." in quiz.feedback_text(0) and "Not quite" in quiz.feedback_text(0)
    assert "rfl-quiz-no" in quiz.feedback_text(0)
    radio.value = 1
    assert "Correct. reason 1." in quiz.feedback_text(0)
    assert "rfl-quiz-ok" in quiz.feedback_text(0)


def test_score_counts_first_tries_only() -> None:
    quiz = Quiz([make_question(answer=0), make_question(answer=2), make_question(answer=1)])
    assert quiz.score == (0, 3)
    assert quiz.answer(0, 0).correct
    assert not quiz.answer(1, 0).correct
    assert quiz.answer(1, 2).correct  # right on the second try: not counted
    assert quiz.score == (1, 3)
    assert quiz.answer(0, 0).correct  # re-picking the same choice still gives feedback
    assert "1 of 2 answered" in quiz._score.value


def test_answer_rejects_bad_indices() -> None:
    quiz = Quiz([make_question()])
    with pytest.raises(IndexError, match="question index"):
        quiz.answer(1, 0)
    with pytest.raises(IndexError, match="choice index"):
        quiz.answer(0, 3)


def test_text_is_escaped() -> None:
    q = Question("Is 1 < 2?", [Choice("<b>yes</b>", True, "a & b"), Choice("no", why="c")])
    quiz = Quiz([q], title="T <i>")
    html_bits = " ".join(getattr(c, "value", "") for c in quiz.children if isinstance(c, ipw.HTML))
    assert "1 &lt; 2" in html_bits and "T &lt;i&gt;" in html_bits
    quiz.answer(0, 0)
    assert "a &amp; b" in quiz.feedback_text(0)


@given(n=st.integers(2, 8), data=st.data())
def test_feedback_is_correct_only_for_the_answer(n: int, data: st.DataObject) -> None:
    answer = data.draw(st.integers(0, n - 1))
    picked = data.draw(st.integers(0, n - 1))
    q = make_question(n, answer)
    fb = feedback_for(q, picked)
    assert fb.correct == (picked == answer)
    assert f"reason {picked}." in fb.message
    assert q.answer == answer


def test_shuffle_changes_display_order_but_not_meaning() -> None:
    questions = [
        Question(
            f"Question {i}?",
            [Choice(f"option {k}", correct=(k == 0), why=f"reason {k}.") for k in range(4)],
        )
        for i in range(6)
    ]
    shuffled, plain = Quiz(questions), Quiz(questions, shuffle=False)
    radios = [c for c in shuffled.children if isinstance(c, ipw.RadioButtons)]
    orders = [[value for _, value in r.options] for r in radios]
    assert all(sorted(o) == [0, 1, 2, 3] for o in orders)
    assert any(o[0] != 0 for o in orders), "the right answer should not always come first"
    assert orders == [
        [v for _, v in r.options]
        for r in Quiz(questions).children
        if isinstance(r, ipw.RadioButtons)
    ], "the shuffled order is the same every time"
    plain_radios = [c for c in plain.children if isinstance(c, ipw.RadioButtons)]
    assert all([v for _, v in r.options] == [0, 1, 2, 3] for r in plain_radios)
    for i in range(6):
        assert shuffled.answer(i, 0).correct
        label = {v: text for text, v in radios[i].options}[0]
        assert label == "option 0"


def test_question_kind_is_checked() -> None:
    q = Question("2 × 3?", [Choice("6", True, "x"), Choice("5", why="y")], kind="calculate")
    assert q.kind == "calculate"
    assert make_question().kind == "recall"
    with pytest.raises(ValueError, match="kind must be one of"):
        Question("q", [Choice("a", True, "x"), Choice("b", why="y")], kind="guess")


def test_correct_is_longest_spots_the_give_away() -> None:
    long_right = Question("q", [Choice("the long right one", True, "x"), Choice("no", why="y")])
    short_right = Question("q", [Choice("yes", True, "x"), Choice("a longer wrong one", why="y")])
    tie = Question("q", [Choice("abc", True, "x"), Choice("abd", why="y")])
    assert correct_is_longest(long_right) and not correct_is_longest(short_right)
    assert correct_is_longest(tie)  # a tie still gives nothing away only if others are shorter
