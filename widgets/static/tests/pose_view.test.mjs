// node --test: what the camera view's controls, banner and stats line say.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ICONS, bannerText, controlLabels, statsLine } from "../pose_view.js";

test("the indicator and Start button follow the stream and what it reads", () => {
  const off = controlLabels({ live: false, mode: "camera", source: "", record: false });
  assert.deepEqual(off, { indicator: "○ camera off", start: "▶ Start camera", record: "● Record" });
  const cam = controlLabels({ live: true, mode: "camera", source: "", record: true });
  assert.deepEqual(cam, { indicator: "● camera on", start: "■ Stop", record: "■ Stop recording (REC)" });
  const video = controlLabels({ live: true, mode: "source", source: "sample:x", record: false });
  assert.deepEqual([video.indicator, video.start], ["● playing video", "■ Stop"]);
  // a stopped video, and a camera widget given a source since: both offer to play the video
  assert.equal(controlLabels({ live: false, mode: "source", source: "sample:x", record: false }).start, "▶ Play video");
  assert.equal(controlLabels({ live: false, mode: "camera", source: "sample:x", record: false }).start, "▶ Play video");
});

test("a banner starts with its kind's icon; no message, no text", () => {
  for (const [kind, icon] of Object.entries(ICONS)) {
    assert.equal(bannerText(kind, "Kernel busy"), `${icon} Kernel busy`);
    assert.equal(bannerText(kind, ""), "");
  }
  assert.equal(bannerText("unknown", "x"), " x");
});

test("the stats line rounds the figures, says where the pose runs, and is empty when off", () => {
  const figures = { fps: 29.96, p50: 71.4, p95: 120.6 };
  assert.equal(statsLine({ live: true, ...figures, inferMode: "kernel" }),
    "30.0 fps · 71 ms (p95 121) · pose in the kernel");
  assert.match(statsLine({ live: true, ...figures, inferMode: "browser" }), /· pose in this browser$/);
  assert.equal(statsLine({ live: false, ...figures, inferMode: "browser" }), "");
});
