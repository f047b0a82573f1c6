"""widgets.Answer: a typed number is checked at once, with tolerance, unit and a hint."""

from __future__ import annotations

import ipywidgets as ipw
import pytest
from hypothesis import given
from hypothesis import strategies as st

from widgets import Answer


def make(expected: float = 1716.0, **kw: object) -> Answer:
    return Answer("Peak force?", expected, unit="N", hint="Multiply m, g and BW.", **kw)  # type: ignore[arg-type]


def test_typing_in_the_box_checks_the_value() -> None:
    a = make()
    box = next(c for c in a.children[2].children if isinstance(c, ipw.Text))
    assert a.feedback_text == ""
    box.value = "900"  # what typing and pressing Enter does to the widget state
    assert "too low" in a.feedback_text and "Multiply m, g and BW." in a.feedback_text
    box.value = "1,700"  # a decimal comma, as many learners type it
    assert "too low" in a.feedback_text  # 1.7 N: far off
    box.value = "1700"
    assert "Right" in a.feedback_text and "rfl-answer-ok" in a.feedback_text
    assert a.solved and a.tries == 3


def test_relative_and_absolute_tolerance() -> None:
    a = make(100.0, tolerance=0.05)
    assert a.check(104.9).correct and not a.check(105.2).correct
    b = make(0.0, absolute=0.5)
    assert b.check(-0.4).correct and not b.check(0.6).correct
    assert b.margin == 0.5


def test_power_of_ten_mistake_gets_a_unit_hint() -> None:
    a = make(37.1, tolerance=0.02)
    assert "10^-2" in a.check(0.371).message  # metres typed where centimetres were asked
    assert "power" not in a.check(20).message and "10^" not in a.check(20).message


def test_not_a_number_and_repeated_misses() -> None:
    a = make()
    assert "Type a number" in a.check("about two thousand").message
    a.check(1)
    a.check(2)
    assert "worked solution" in a.feedback_text


def test_bad_construction_is_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="hint"):
        Answer("q", 1.0, unit="m", hint=" ")
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        make(tolerance=5.0)
    with pytest.raises(ValueError, match="finite"):
        make(float("nan"))
    with pytest.raises(ValueError, match="absolute"):
        make(absolute=-1.0)


@given(
    expected=st.floats(-1e4, 1e4).filter(lambda x: abs(x) > 1e-3),
    rel=st.floats(0.0, 0.2),
    off=st.floats(-0.5, 0.5),
)
def test_verdict_matches_the_tolerance(expected: float, rel: float, off: float) -> None:
    a = make(expected, tolerance=0.1)
    value = expected * (1 + off)
    assert a.verdict(value).correct == (abs(value - expected) <= abs(expected) * 0.1)
    del rel
