// node --test: kernel-mode capture — the size sent, which camera frames are grabbed, the frame
// clock, and where a frame's time went.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  canEncodeInWorker, createStageLog, frameTime, sendSize, shouldGrab, stageTimes, watchCamera,
  watchFrames, watchTrack,
} from "../pose_capture.js";

test("the size sent: the capture box, then the longest side, never enlarged, shape kept", () => {
  assert.deepEqual(sendSize(640, 480, 640, 480, 0), { w: 640, h: 480 });
  assert.deepEqual(sendSize(640, 480, 640, 480, 320), { w: 320, h: 240 });
  assert.deepEqual(sendSize(1280, 720, 640, 480, 0), { w: 640, h: 360 });
  assert.deepEqual(sendSize(1280, 720, 640, 480, 320), { w: 320, h: 180 });
  assert.deepEqual(sendSize(480, 640, 640, 480, 320), { w: 240, h: 320 }); // portrait
  assert.deepEqual(sendSize(200, 100, 640, 480, 320), { w: 200, h: 100 }); // small stays small
  assert.throws(() => sendSize(0, 0, 640, 480, 320), /no size yet/);
});

const base = { now: 1000, encoding: false, lastGrab: 900, capMs: 1000 / 30, sentAt: null,
  rttMs: 0, periodMs: 1000 / 30 };

test("nothing in flight: grab the frame now", () => {
  assert.equal(shouldGrab(base), true);
});

test("never two encodes at once, never above the frame-rate cap", () => {
  assert.equal(shouldGrab({ ...base, encoding: true }), false);
  assert.equal(shouldGrab({ ...base, lastGrab: 990, capMs: 100 }), false); // cap 10 fps
  // the camera's jitter (a frame 30 ms after the last at a 33 ms cap) is not a skip
  assert.equal(shouldGrab({ ...base, lastGrab: 970 }), true);
});

test("a frame in flight: grab only the last frame before its reply is due", () => {
  const inFlight = { ...base, sentAt: 990, rttMs: 60 }; // reply due at 1050
  assert.equal(shouldGrab(inFlight), false); // the frame at ~1033 is fresher and still in time
  assert.equal(shouldGrab({ ...inFlight, now: 1020 }), true); // the next comes after 1050
  // round trip not known yet (the first frames): grab, the frame waits at most one reply
  assert.equal(shouldGrab({ ...inFlight, rttMs: 0 }), true);
});

test("a frame's time: capture time, else presentation time, never after the callback", () => {
  assert.equal(frameTime(100, { captureTime: 90, presentationTime: 95 }), 90);
  assert.equal(frameTime(100, { presentationTime: 95 }), 95);
  assert.equal(frameTime(100, { presentationTime: 112 }), 100); // presented after the callback
  assert.equal(frameTime(100, undefined), 100);
  assert.equal(frameTime(100, { captureTime: NaN }), 100);
});

test("frames are watched with requestVideoFrameCallback, and the watch stops", () => {
  /** @type {Function[]} */ const queued = [];
  let cancelled = 0;
  const video = {
    requestVideoFrameCallback(/** @type {Function} */ cb) { queued.push(cb); return queued.length; },
    cancelVideoFrameCallback() { cancelled++; },
  };
  const seen = [];
  const stop = watchFrames(/** @type {any} */ (video), (t) => seen.push(t));
  assert.ok(stop);
  queued.shift()(50, { captureTime: 40 });
  queued.shift()(83, { presentationTime: 80 });
  assert.deepEqual(seen, [40, 80]);
  stop();
  assert.equal(cancelled, 1);
  queued.shift()?.(116, {}); // a callback already queued does nothing once stopped
  assert.deepEqual(seen, [40, 80]);
});

test("without requestVideoFrameCallback the caller is told to use a timer", () => {
  assert.equal(watchFrames(/** @type {any} */ ({}), () => undefined), null);
});

test("stage times add up to the frame's total", () => {
  const p = { presented: 0, grabbed: 2, encoded: 6, sent: 7, received: 40, drawn: 48 };
  const k = { kernel_ms: 20, decode_ms: 1, infer_ms: 15, proc_ms: 17 };
  const s = stageTimes(p, k);
  assert.deepEqual(s, { wait: 2, encode: 4, queue: 1, transport: 13, decode: 1, infer: 15,
    engine: 2, kernel_other: 2, draw: 8, total: 48 });
  const parts = Object.entries(s).filter(([name]) => name !== "total");
  assert.equal(parts.reduce((sum, [, v]) => sum + v, 0), s.total);
});

test("the stage log keeps the newest rows up to its cap", () => {
  const log = createStageLog(3);
  for (let i = 0; i < 5; i++) log.push({ total: i });
  assert.deepEqual(log.rows.map((r) => r.total), [2, 3, 4]);
});

test("Node has no OffscreenCanvas: the worker encoder is not offered", () => {
  assert.equal(canEncodeInWorker(), false);
});

const settle = () => new Promise((r) => setImmediate(r));

/** A camera track whose processor yields frames the test pushes (timestamps in µs). */
function fakeCamera() {
  const frames = { closed: 0, open: 0 };
  let push = null;
  let cloned = null;
  const track = {
    readyState: "live",
    clone() { cloned = { stopped: false, stop() { this.stopped = true; } }; return cloned; },
  };
  class Processor {
    constructor({ track: t }) {
      assert.equal(t, cloned); // reads a clone: the video keeps its own track
      this.readable = new ReadableStream({ start(c) { push = c; } });
    }
  }
  const frame = (us) => {
    frames.open += 1;
    const f = { timestamp: us, close() { if (!this.done) { this.done = true; frames.closed += 1; } },
      clone() { frames.open += 1; return { ...f, done: false, close: f.close }; } };
    return f;
  };
  return {
    video: { srcObject: { getVideoTracks: () => [track] } },
    Processor, frames, frame,
    push: (f) => push.enqueue(f),
    get clone() { return cloned; },
  };
}

test("watchTrack stamps each frame with its capture time on the page clock, keeps only the newest", async () => {
  const cam = fakeCamera();
  let clock = 0;
  const seen = [];
  const w = watchTrack(cam.video, (t) => seen.push(t), { Processor: cam.Processor, now: () => clock });
  assert.ok(w);
  // the camera's clock is 5000 ms ahead of the page's; delivery takes 3 ms, then 0.5 ms
  clock = 103; cam.push(cam.frame(5100 * 1000)); await settle();
  assert.deepEqual(seen, [103]); // one frame: its own delivery time is the best offset known
  clock = 133.8; cam.push(cam.frame(5133.3 * 1000)); await settle();
  clock = 170; cam.push(cam.frame(5166.6 * 1000)); await settle();
  assert.ok(Math.abs(seen[1] - 133.8) < 1e-9 && Math.abs(seen[2] - 167.1) < 1e-9, String(seen));
  assert.equal(cam.frames.closed, 2, "older frames are closed as newer ones arrive");
  const taken = w.take();
  assert.equal(taken.timestamp, 5166.6 * 1000);
  taken.close();
  w.stop();
  await settle();
  assert.equal(cam.frames.closed, 4, "stop closes the newest frame");
  assert.equal(cam.clone.stopped, true, "and stops the cloned track");
  assert.equal(w.take(), null);
});

test("watchTrack is null without MediaStreamTrackProcessor or a live track", () => {
  const cam = fakeCamera();
  assert.equal(watchTrack(cam.video, () => {}, { Processor: undefined }), null);
  assert.equal(watchTrack({ srcObject: null }, () => {}, { Processor: cam.Processor }), null);
});

test("watchCamera reads the track when asked and able, else the video's presented frames, else nothing", () => {
  let handle = 0;
  const video = { requestVideoFrameCallback: () => ++handle, cancelVideoFrameCallback() {} };
  const track = { take: () => "frame", stop() {} };
  const fromTrack = watchCamera(video, "track", () => {}, () => track);
  assert.equal(fromTrack?.kind, "track");
  assert.equal(fromTrack?.take(), "frame");
  const noTrack = watchCamera(video, "track", () => {}, () => null);
  assert.equal(noTrack?.kind, "video");
  assert.equal(noTrack?.take(), null); // frames come from the video element itself
  assert.equal(watchCamera(video, "video", () => {}, () => assert.fail("track read"))?.kind, "video");
  assert.equal(watchCamera({}, "track", () => {}, () => null), null);
});
