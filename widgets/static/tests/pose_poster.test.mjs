// node --test: what stands in for the video while nothing streams (no black box before Start).
import assert from "node:assert/strict";
import { test } from "node:test";

import { cameraOffText, posterView } from "../pose_poster.js";

const base = { live: false, mode: "camera", source: "", poster: "", played: 0 };

test("a camera before Start: a poster with an instruction, no stage", () => {
  const v = posterView(base);
  assert.equal(v.stage, false);
  assert.equal(v.poster, true);
  assert.equal(v.image, "");
  assert.match(v.hint, /Start camera/);
  assert.match(v.text, /permission/);
});

test("streaming shows the stage and hides the poster, for the camera and for a video", () => {
  for (const mode of ["camera", "source"]) {
    const v = posterView({ ...base, live: true, mode, source: mode === "source" ? "sample:x" : "" });
    assert.deepEqual([v.stage, v.poster], [true, false]);
  }
});

test("a stopped camera goes back to the poster (its stage would be black)", () => {
  const v = posterView({ ...base, played: 120 });
  assert.deepEqual([v.stage, v.poster], [false, true]);
});

test("a video analysed by run_source shows its first analysed frame as the poster", () => {
  const image = "data:image/jpeg;base64,AAAA";
  const v = posterView({ ...base, source: "sample:sports2d", poster: image });
  assert.deepEqual([v.stage, v.poster, v.image], [false, true, image]);
  assert.match(v.text, /skeleton/);
  assert.match(v.hint, /Play video/);
});

test("a camera widget whose test was run on a video shows that video's frame, and Start camera", () => {
  const v = posterView({ ...base, poster: "data:image/jpeg;base64,AAAA" });
  assert.deepEqual([v.stage, v.poster], [false, true]);
  assert.ok(v.image.startsWith("data:image/jpeg"));
  assert.match(v.hint, /Start camera/);
});

test("a video without a poster yet says what Play does", () => {
  const v = posterView({ ...base, source: "clip.mp4" });
  assert.equal(v.image, "");
  assert.match(v.hint, /Play video/);
});

test("a video played in the browser keeps its last frame on the stage after it ends", () => {
  const v = posterView({ ...base, mode: "source", source: "sample:sports2d", played: 40 });
  assert.deepEqual([v.stage, v.poster], [true, false]);
});

test("the stage and the poster are never shown together", () => {
  for (const live of [true, false]) for (const mode of ["camera", "source"])
    for (const source of ["", "s"]) for (const played of [0, 5]) for (const poster of ["", "data:x"]) {
      const v = posterView({ live, mode, source, poster, played });
      assert.notEqual(v.stage, v.poster, JSON.stringify({ live, mode, source, played, poster }));
    }
});

test("before Start the poster says where frames go, for each inference mode", () => {
  assert.match(cameraOffText("kernel"), /only to your own Jupyter kernel/);
  assert.doesNotMatch(cameraOffText("kernel"), /leaves/);
  assert.match(cameraOffText("browser"), /no camera frame leaves it\.$/);
  assert.doesNotMatch(cameraOffText("browser"), /kernel/);
  const auto = cameraOffText("auto");
  assert.match(auto, /where this browser can, your pose is found in this browser and no camera frame leaves it; otherwise frames go only to your own Jupyter kernel/);
  assert.equal(posterView({ ...base, inference: "browser" }).text, cameraOffText("browser"));
});
