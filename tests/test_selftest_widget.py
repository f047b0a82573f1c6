"""SelfTest: panel contents per protocol, live wiring on real frames, result saved to the log.

Runs real MediaPipe (lite) on the Pose2Sim demo clip. About 10 s.
"""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import pytest

import course.selftests as selftests
from course.progress import ProgressLog
from widgets import SelfTest
from widgets.selftest import SETUP_STEPS, diagram_svg

CLIP = "sample:pose2sim-single-cam01"


@pytest.mark.parametrize("name", sorted(selftests.PROTOCOLS))
def test_panel_describes_every_protocol(name: str) -> None:
    st = SelfTest(name, save=False)
    cls = selftests.PROTOCOLS[name]
    assert st.panel.title == cls.title and st.panel.view == cls.view
    assert st.camera.test == name
    assert st.panel.steps[: len(SETUP_STEPS.get(cls.view, SETUP_STEPS["any"]))] == list(
        SETUP_STEPS.get(cls.view, SETUP_STEPS["any"])
    )
    svg = ET.fromstring(st.panel.diagram)
    assert svg.tag.endswith("svg") and svg.attrib["role"] == "img"
    assert svg.find("{http://www.w3.org/2000/svg}title").text  # screen readers get a name
    assert st.panel.phase == "intro" and st.panel.result is None
    st.camera.close()


def test_unknown_test_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match="pelvic_tilt"):
        SelfTest("toe_touch")


@pytest.mark.parametrize("view", ["side", "front", "lying", "any"])
def test_diagrams_differ_by_view(view: str) -> None:
    others = {diagram_svg(v) for v in ("side", "front", "lying", "any") if v != view}
    assert diagram_svg(view) not in others


@pytest.mark.media
def test_finished_test_is_saved_with_timestamp(tmp_path) -> None:
    db = tmp_path / "log.sqlite3"
    st = SelfTest(
        "jump_height", save=True, log_path=db, countdown=0.0, hold_to_start=0.0, duration=0.5
    )
    before = datetime.now(timezone.utc)
    run = st.run_source(source=CLIP)
    st.camera.close()
    assert run.result is not None and run.result["test"] == "jump_height"
    assert st.panel.phase == "done" and st.panel.progress == 1.0
    assert st.panel.result == st.camera.result
    assert st.panel.result["metrics"], "the result card has numbers to show"
    saved = st.panel.saved
    assert saved["path"] == str(db) and saved["id"] == st.saved_id
    rows = sqlite3.connect(db).execute("SELECT id, test, timestamp FROM results").fetchall()
    assert [(r[0], r[1]) for r in rows] == [(saved["id"], "jump_height")]
    stamp = datetime.fromisoformat(rows[0][2])
    assert before <= stamp <= datetime.now(timezone.utc)
    assert len(ProgressLog(db).history()) == 1


@pytest.mark.media
def test_nothing_saved_without_save(tmp_path) -> None:
    db = tmp_path / "log.sqlite3"
    st = SelfTest("jump_height", log_path=db, countdown=0.0, hold_to_start=0.0, duration=0.5)
    st.run_source(source=CLIP)
    st.camera.close()
    assert st.panel.result is not None and st.panel.saved == {}
    assert not db.exists(), "the default stores nothing until the learner presses Save"
    # the card's "Save to my log" button sends this action; only then is the result stored
    st._on_action(st.panel, {"type": "action", "action": "save"}, [])
    assert st.panel.saved["id"] == st.saved_id
    rows = sqlite3.connect(db).execute("SELECT id, test FROM results").fetchall()
    assert rows == [(st.saved_id, "jump_height")]
    st._on_action(st.panel, {"type": "action", "action": "save"}, [])  # a second press: no copy
    assert len(ProgressLog(db).history()) == 1


@pytest.mark.media
def test_setup_check_reaches_the_panel_and_start_again_resets(tmp_path) -> None:
    # front view of the person: the side-view test must say "turn sideways"
    st = SelfTest("pelvic_tilt", log_path=tmp_path / "log.sqlite3")
    st.run_source(source=CLIP, max_frames=15)
    assert st.panel.phase == "setup"
    assert st.panel.checks.get("view") is False and st.panel.checks.get("person") is True
    assert "side" in st.panel.message.lower()
    old = st.camera.protocol
    st._on_action(st.panel, {"type": "action", "action": "start"}, [])
    assert st.panel.phase == "setup" and st.panel.result is None
    assert st.camera.protocol is not old and st.camera.protocol.phase == "setup"
    st.camera.close()


def test_bad_protocol_option_fails_at_construction() -> None:
    with pytest.raises((TypeError, ValueError)):
        SelfTest("pelvic_tilt", save=False, countdown=-1.0)


@pytest.mark.media
def test_card_gets_three_trials_of_a_real_clip() -> None:
    st = SelfTest("jump_height", countdown=0.0, hold_to_start=0.0, duration=0.5, trials=3)
    st.run_source(source=CLIP)
    st.camera.close()
    card = st.panel.result
    assert card is not None and card["trials_planned"] == 3
    # the clip holds two full 0.5 s trials between its setup failures (the lunge); a third
    # may start before the clip ends and is then kept, flagged as stopped early
    full = [tr for tr in card["trials"] if not any("stopped after" in w for w in tr["warnings"])]
    assert len(full) >= 2 and len(card["trials"]) <= 3
    rate = card["metrics"]["frame_rate"]
    per = [tr["metrics"]["frame_rate"]["value"] for tr in full]
    assert rate["reliability"]["n"] == len(full) and rate["reliability"]["values"] == per
    assert rate["value"] == pytest.approx(sum(per) / len(per))
    assert rate["summary"] == "mean" and rate["error_note"] == ""  # not an angle
    if len(full) < 3:
        assert any(f"Only {len(full)} of 3 trials" in w for w in card["warnings"])
    assert card["verdict"] in {"passed", "not passed", "can't tell"}
    assert len(card["verdicts"]) == len(card["thresholds"])
    assert all(th["heuristic"] for th in card["thresholds"])  # 20 cm is ours


def test_card_compares_today_with_the_last_saved_result(tmp_path) -> None:
    from course.lessons import demos
    from course.selftests import PelvicTilt
    from course.selftests.trials import join_takes

    db = tmp_path / "log.sqlite3"

    def session(*anteriors: float):
        takes = [demos.pelvic_tilt(anterior=a, posterior=7) for a in anteriors]
        return PelvicTilt(rest=2.0).run(join_takes(*takes, gap=3.0))

    st = SelfTest("pelvic_tilt", save=False, log_path=db)
    assert st.since_last(session(10, 11, 12).to_dict()) == []  # nothing saved yet: no claim
    assert not db.exists()  # and reading created nothing
    ProgressLog(db).record(session(10, 11, 12))  # mean 11, SD 1 → MDC 2.77
    later = {c["label"]: c for c in st.since_last(session(20, 21, 22).to_dict())}
    ant = next(c for k, c in later.items() if k.startswith("anterior_range"))
    assert ant["difference"] == pytest.approx(10.0, abs=0.2) and ant["real"] is True
    same = {c["label"]: c for c in st.since_last(session(11, 12, 13).to_dict())}
    ant = next(c for k, c in same.items() if k.startswith("anterior_range"))
    assert ant["difference"] == pytest.approx(1.0, abs=0.2) and ant["real"] is False
    st.camera.close()


def test_camera_problem_reaches_the_panel() -> None:
    """A camera report (here: not a secure origin) replaces "Opening the camera…" in the panel."""
    st = SelfTest("pelvic_tilt")
    st._on_action(st.panel, {"type": "action", "action": "start"}, [])
    assert st.panel.message == "Opening the camera…"
    detail = "The browser hides the camera on this page because it is not secure."
    report = {"type": "camera", "id": 1, "state": "error", "code": "insecure", "detail": detail}
    st.camera._on_custom(st.camera, report, [])
    assert st.camera.status == "error" and "not secure" in st.camera.error
    assert st.panel.message == st.camera.error and st.panel.phase == "setup"
    st.camera.close()
