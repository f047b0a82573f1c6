// node --test: what is asked of the camera, and the cameras offered to choose from.
import assert from "node:assert/strict";
import { test } from "node:test";

import { MAX_CAMERA_FPS, cameraConstraints, cameraOptions } from "../pose_media.js";

test("video only, near the capture size and rate, from the chosen camera only if one was chosen", () => {
  const any = cameraConstraints({ width: 640, height: 480, fpsCap: 30, deviceId: "" });
  assert.deepEqual(any, { audio: false,
    video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } } });
  const chosen = cameraConstraints({ width: 320, height: 240, fpsCap: 15, deviceId: "cam-2" });
  assert.deepEqual(chosen.video.deviceId, { exact: "cam-2" });
  assert.equal(cameraConstraints({ width: 1, height: 1, fpsCap: 240, deviceId: "" }).video.frameRate.ideal,
    MAX_CAMERA_FPS);
});

test("only cameras are offered, named by label or by their place where labels are hidden", () => {
  const devices = [
    { kind: "audioinput", deviceId: "mic", label: "Mic" },
    { kind: "videoinput", deviceId: "a", label: "" },
    { kind: "videoinput", deviceId: "b", label: "USB camera" },
  ];
  assert.deepEqual(cameraOptions(devices), [
    { value: "a", label: "Camera 1" }, { value: "b", label: "USB camera" },
  ]);
  assert.deepEqual(cameraOptions([]), []);
});
