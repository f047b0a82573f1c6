// node --test: which inference runs, the landmarks envelope, and the frame loop's pacing
// (one frame in the worker, no frame analysed twice, the fps cap).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  LANDMARKS_PER_MESSAGE, LANDMARKS_WAIT_MS, MAX_PENDING_POSES, afterLoadFailure, chooseInference, createPoseQueue, inferenceSupport,
  landmarksBatch, readyToSend, startFrameLoop,
} from "../pose_inference.js";

const FULL = {
  WebAssembly, Worker: function Worker() {}, OffscreenCanvas: function OffscreenCanvas() {},
  createImageBitmap: () => null,
};

test("inferenceSupport lists exactly what is missing", () => {
  assert.deepEqual(inferenceSupport(FULL), { ok: true, missing: [] });
  const bare = { ...FULL, Worker: undefined, OffscreenCanvas: undefined };
  assert.deepEqual(inferenceSupport(bare), { ok: false, missing: ["Web Workers", "OffscreenCanvas"] });
  const badWasm = { ...FULL, WebAssembly: { validate: () => { throw new Error("blocked"); } } };
  assert.deepEqual(inferenceSupport(badWasm).missing, ["WebAssembly"]);
});

test("chooseInference: auto falls back with a reason, browser refuses, sources stay in the kernel", () => {
  const ok = { ok: true, missing: [] };
  const lacking = { ok: false, missing: ["WebAssembly"] };
  assert.deepEqual(chooseInference("auto", ok, false), { mode: "browser", note: "" });
  assert.deepEqual(chooseInference("browser", ok, false), { mode: "browser", note: "" });
  assert.deepEqual(chooseInference("kernel", ok, false), { mode: "kernel", note: "" });
  assert.deepEqual(chooseInference("browser", ok, true), { mode: "kernel", note: "" });
  const video = chooseInference("auto", ok, false, true);
  assert.equal(video.mode, "kernel");
  assert.match(video.note, /record_video=True/);
  assert.equal(chooseInference("browser", ok, false, true).mode, "browser");
  const auto = chooseInference("auto", lacking, false);
  assert.equal(auto.mode, "kernel");
  assert.match(auto.note, /lacks WebAssembly/);
  const strict = chooseInference("browser", lacking, false);
  assert.equal(strict.mode, "error");
  assert.match(strict.note, /lacks WebAssembly.*inference='kernel'/);
});

test("afterLoadFailure names what failed in both modes", () => {
  const why = "loading the pose model pose_landmarker_lite.task failed: bad zip";
  const auto = afterLoadFailure("auto", why);
  assert.equal(auto.mode, "kernel");
  assert.ok(auto.note.includes(why));
  const strict = afterLoadFailure("browser", why);
  assert.equal(strict.mode, "error");
  assert.ok(strict.note.includes(why) && strict.note.includes("inference='kernel'"));
});

test("readyToSend sends four poses at once, or what waits after LANDMARKS_WAIT_MS", () => {
  // captured 60 ms before the pose was ready (the model's time): the wait counts from `ready`
  const pose = (ready) => ({ t0: ready - 60, ready, w: 640, h: 480, n: 1, lm: new Float32Array(132) });
  assert.equal(LANDMARKS_PER_MESSAGE, 4);
  assert.equal(readyToSend([], 1000), false);
  assert.equal(readyToSend([pose(1000)], 1000), false);
  assert.equal(readyToSend([pose(1000)], 1000 + LANDMARKS_WAIT_MS - 1), false);
  assert.equal(readyToSend([pose(1000)], 1000 + LANDMARKS_WAIT_MS), true);
  const three = [pose(1000), pose(1033), pose(1066)];
  assert.equal(readyToSend(three, 1070), false);
  assert.equal(readyToSend(three, 1000 + LANDMARKS_WAIT_MS), true); // a slow camera: 3 in 100 ms
  assert.equal(readyToSend([...three, pose(1099)], 1099), true);
});

test("landmarksBatch packs the frames with someone, oldest first", () => {
  const a = new Float32Array(132).fill(1), c = new Float32Array(132).fill(3);
  const frames = [
    { t0: 1000, ready: 1000, w: 640, h: 480, n: 1, lm: a },
    { t0: 1033, ready: 1033, w: 640, h: 480, n: 0, lm: new Float32Array(132).fill(2) },
    { t0: 1066, ready: 1066, w: 320, h: 240, n: 2, lm: c },
  ];
  const { content, buffer } = landmarksBatch(5, frames);
  assert.deepEqual(content, { type: "landmarks", id: 5, t: [1, 1.033, 1.066], w: 320, h: 240, n: [1, 0, 2] });
  const values = new Float32Array(buffer);
  assert.equal(values.length, 2 * 132);
  assert.equal(values[0], 1);
  assert.equal(values[132], 3);
  assert.equal(landmarksBatch(6, [frames[1]]).buffer.byteLength, 0);
});

/** A video element whose frames the test presents one by one, captured at `at` ms. */
function fakeVideo() {
  const callbacks = new Map();
  let handle = 0;
  let presented = 0;
  return {
    readyState: 4, videoWidth: 640, videoHeight: 480,
    requestVideoFrameCallback(cb) { callbacks.set(++handle, cb); return handle; },
    cancelVideoFrameCallback(h) { callbacks.delete(h); },
    present(/** @type {number} */ at) {
      presented += 1;
      const due = [...callbacks.values()];
      callbacks.clear();
      due.forEach((cb) => cb(at + 4, { presentedFrames: presented, captureTime: at, presentationTime: at + 3 }));
    },
    get waiting() { return callbacks.size; },
  };
}

const settle = () => new Promise((r) => setImmediate(r));
const noPose = (t) => ({ found: false, n: 0, w: 64, h: 48, t, ms: 1, lm: new Float32Array(132) });

/** A pose worker stand-in whose frames the test releases one by one. */
function heldWorker() {
  const held = [];
  return {
    held,
    detect: (bitmap, t) => new Promise((resolve) => {
      held.push({ t, release: () => resolve({ found: true, n: 1, w: 320, h: 240, t, ms: 5, lm: new Float32Array(132) }) });
    }),
  };
}

test("startFrameLoop keeps one frame per worker, stamps it with its capture time, never sends one twice", async () => {
  const video = fakeVideo();
  let clock = 0;
  const grabbed = [];
  const poses = [];
  const worker = heldWorker();
  const stop = startFrameLoop({
    video, size: () => ({ w: 320, h: 240 }), gapMs: () => 0, now: () => clock,
    grab: async (_v, w, h) => { grabbed.push([w, h]); return { close() {} }; },
    detectors: [worker.detect],
    onPose: (pose, t0) => poses.push(t0),
    onError: (e) => assert.fail(e),
  });
  clock = 14; video.present(10); await settle();
  assert.deepEqual(worker.held.map((f) => f.t), [10]); // the capture time, not the grab time
  clock = 47; video.present(43); await settle(); // the worker is busy: this frame waits
  assert.equal(worker.held.length, 1);
  clock = 50; worker.held[0].release(); await settle(); await settle();
  // the newest frame (captured at 43 ms) goes in as soon as the worker is free: the latency
  // counted from 43 ms includes the wait
  assert.deepEqual(poses, [10]);
  assert.deepEqual(worker.held.map((f) => f.t), [10, 43]);
  worker.held[1].release(); await settle(); await settle();
  assert.equal(worker.held.length, 2, "no new frame was presented: nothing is sent twice");
  assert.deepEqual(poses, [10, 43]);
  assert.deepEqual(grabbed[0], [320, 240]);
  stop();
  assert.equal(video.waiting, 0);
});

test("startFrameLoop with two workers: consecutive frames go to each in turn, poses in frame order", async () => {
  const video = fakeVideo();
  let clock = 0;
  const poses = [];
  let dropped = 0;
  const a = heldWorker(), b = heldWorker();
  const stop = startFrameLoop({
    video, size: () => ({ w: 320, h: 240 }), gapMs: () => 1000 / 30, now: () => clock,
    grab: async () => ({ close() {} }), detectors: [a.detect, b.detect],
    onPose: (pose, t0) => poses.push(t0), onDrop: () => { dropped += 1; },
    onError: (e) => assert.fail(e),
  });
  clock = 4; video.present(0); await settle();
  clock = 37; video.present(33); await settle(); // 33 ms later: within the cap's jitter
  clock = 70; video.present(66); await settle(); // both busy: waits
  assert.deepEqual([a.held.map((f) => f.t), b.held.map((f) => f.t)], [[0], [33]]);
  // the second worker finishes first; the first worker's older pose is then dropped
  clock = 72; b.held[0].release(); await settle(); await settle();
  assert.deepEqual(poses, [33]);
  assert.deepEqual(b.held.map((f) => f.t), [33, 66]); // the free worker took the waiting frame
  a.held[0].release(); await settle(); await settle();
  assert.deepEqual(poses, [33]);
  assert.equal(dropped, 1);
  b.held[1].release(); await settle(); await settle();
  assert.deepEqual(poses, [33, 66]);
  stop();
});

test("startFrameLoop reads the camera's track when it can: frames as captured, stamped with their capture time", async () => {
  const video = fakeVideo();
  let onFrame = null;
  let newest = 0;
  let stopped = false;
  const watch = (_v, cb) => {
    onFrame = cb;
    return { take: () => ({ id: newest }), stop: () => { stopped = true; } };
  };
  const grabbed = [];
  const sent = [];
  const stop = startFrameLoop({
    video, size: () => ({ w: 320, h: 240 }), gapMs: () => 0, now: () => 50, watch,
    grab: async (source, w, h) => { grabbed.push(source); return { close() {} }; },
    detectors: [async (b, t) => { sent.push(t); return noPose(t); }],
    onPose: () => {}, onError: (e) => assert.fail(e),
  });
  assert.equal(video.waiting, 0, "no requestVideoFrameCallback with the track");
  newest = 1; onFrame(12.5); await settle(); await settle();
  newest = 2; onFrame(45.8); await settle(); await settle();
  assert.deepEqual(grabbed, [{ id: 1 }, { id: 2 }]); // the track's frames, not the video element
  assert.deepEqual(sent, [12.5, 45.8]);
  stop();
  assert.equal(stopped, true);
  // clock "video": the video's presented frames, as before
  const other = startFrameLoop({
    video, size: () => ({ w: 320, h: 240 }), gapMs: () => 0, clock: "video", watch: () => assert.fail("track read"),
    grab: async () => ({ close() {} }), detectors: [async (b, t) => noPose(t)],
    onPose: () => {}, onError: (e) => assert.fail(e),
  });
  assert.equal(video.waiting, 1);
  other();
});

test("startFrameLoop respects the fps cap", async () => {
  const video = fakeVideo();
  let clock = 0;
  const sent = [];
  const stop = startFrameLoop({
    video, size: () => ({ w: 64, h: 48 }), gapMs: () => 100, now: () => clock,
    grab: async () => ({ close() {} }),
    detectors: [async (b, t) => { sent.push(t); return noPose(t); }],
    onPose: () => {}, onError: (e) => assert.fail(e),
  });
  for (let i = 1; i <= 9; i++) { clock = i * 33; video.present(clock - 2); await settle(); await settle(); }
  stop();
  assert.deepEqual(sent, [31, 130, 229]); // every third frame: 99 ms apart is the cap less jitter
});

test("the pose queue hands over four, fewer after the wait, and only the newest when full", () => {
  const q = createPoseQueue();
  const at = (/** @type {number} */ t0) => ({ t0, ready: t0, w: 640, h: 480, n: 1, lm: new Float32Array(132) });
  q.push(at(1000));
  assert.equal(q.take(1010), null); // one pose, not waited long enough: it stays
  assert.deepEqual(q.take(1000 + LANDMARKS_WAIT_MS)?.map((f) => f.t0), [1000]);
  assert.equal(q.take(5000), null); // taken poses are gone
  for (const t of [2000, 2033, 2066]) q.push(at(t));
  assert.equal(q.take(2070), null);
  q.push(at(2099));
  assert.deepEqual(q.take(2100)?.map((f) => f.t0), [2000, 2033, 2066, 2099]);
  for (let i = 0; i < MAX_PENDING_POSES + 3; i++) q.push(at(3000 + i));
  const kept = q.take(3100)?.map((f) => f.t0);
  assert.equal(kept?.length, MAX_PENDING_POSES);
  assert.equal(kept?.[0], 3003); // the oldest three were dropped
  q.push(at(4000));
  q.push(at(4001));
  q.clear();
  assert.equal(q.take(9999), null);
});
