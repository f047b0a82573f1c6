// node --test: message envelopes, buffers, camera errors, and replay requests that always settle.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  CAMERA_ERRORS, bytes, cameraError, cameraReport, createRequester, f32, frameRequest, poseParts,
} from "../pose_messages.js";

/** Timers under the test's control: `run()` fires every timer due. */
function fakeTimers() {
  let now = 0;
  const timers = new Map();
  let next = 0;
  return {
    setTimeout(fn, ms) { timers.set(++next, { fn, at: now + ms }); return next; },
    clearTimeout(h) { timers.delete(h); },
    advance(ms) {
      now += ms;
      for (const [h, t] of [...timers]) if (t.at <= now) { timers.delete(h); t.fn(); }
    },
    get size() { return timers.size; },
  };
}

/** A transport that records what was sent. */
function fakeTransport() {
  const sent = [];
  let id = 100;
  return { sent, send: (c) => sent.push(c), nextId: () => ++id };
}

test("f32 copies an unaligned DataView into an aligned Float32Array", () => {
  const values = new Float32Array([1.5, -2, 3.25]);
  const raw = new Uint8Array(1 + values.byteLength);
  raw.set(new Uint8Array(values.buffer), 1); // offset 1: not 4-byte aligned
  const out = f32(new DataView(raw.buffer, 1, values.byteLength));
  assert.deepEqual([...out], [1.5, -2, 3.25]);
  raw[1] = 0; // a copy: later changes to the message buffer do not leak in
  assert.equal(out[0], 1.5);
  assert.throws(() => f32(new DataView(raw.buffer, 0, 5)), /multiple of 4 bytes; got 5/);
  assert.throws(() => f32("not bytes"), /expected a binary buffer .* got string/);
});

test("bytes views the same memory without copying", () => {
  const raw = new Uint8Array([9, 8, 7, 6]);
  const b = bytes(new DataView(raw.buffer, 1, 2));
  assert.deepEqual([...b], [8, 7]);
  raw[1] = 0;
  assert.equal(b[0], 0);
  assert.deepEqual([...bytes(raw.buffer)], [9, 0, 7, 6]);
});

test("frame and camera envelopes", () => {
  assert.deepEqual(frameRequest(7, 1500, 640, 480), { type: "frame", id: 7, t: 1.5, w: 640, h: 480 });
  assert.deepEqual(cameraReport(8, { state: "streaming" }),
    { type: "camera", id: 8, state: "streaming", code: "", detail: "" });
  assert.deepEqual(cameraReport(9, { state: "error", code: "NotFoundError", detail: "No camera" }),
    { type: "camera", id: 9, state: "error", code: "NotFoundError", detail: "No camera" });
});

test("pose replies: landmarks when found, the frame at frame_buffer", () => {
  const lm = new Float32Array(132).fill(0.5);
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff]);
  const both = poseParts({ found: true, frame_buffer: 1 }, [new DataView(lm.buffer), new DataView(jpeg.buffer)]);
  assert.equal(both.landmarks?.length, 132);
  assert.deepEqual([...(both.frame ?? [])], [0xff, 0xd8, 0xff]);
  const nobody = poseParts({ found: false, frame_buffer: 0 }, [new DataView(jpeg.buffer)]);
  assert.equal(nobody.landmarks, null);
  assert.equal(nobody.frame?.length, 3);
  assert.deepEqual(poseParts({ found: true }, undefined), { landmarks: null, frame: null });
});

test("camera errors: known names, browser aliases, anything else says what it was", () => {
  for (const name of Object.keys(CAMERA_ERRORS).filter((n) => n !== "insecure")) {
    assert.deepEqual(cameraError({ name }, "8888"), { code: name, detail: CAMERA_ERRORS[name] });
  }
  assert.equal(cameraError({ name: "SecurityError" }, "1").code, "NotAllowedError");
  assert.equal(cameraError({ name: "TrackStartError" }, "1").code, "NotReadableError");
  const insecure = cameraError({ name: "insecure" }, "9123");
  assert.equal(insecure.code, "insecure");
  assert.match(insecure.detail, /HTTPS/);
  assert.match(insecure.detail, /http:\/\/localhost:9123 /);
  assert.match(cameraError({ name: "insecure" }, "").detail, /localhost:8888/);
  const odd = cameraError({ name: "AbortError", message: "device lost" }, "1");
  assert.equal(odd.code, "unknown");
  assert.match(odd.detail, /AbortError: device lost/);
  assert.match(cameraError(undefined, "1").detail, /Could not open the camera/);
});

test("a request resolves with the reply that carries its id", async () => {
  const tr = fakeTransport();
  const timers = fakeTimers();
  const rq = createRequester({ send: tr.send, nextId: tr.nextId, timeoutMs: 1000, timers });
  const p = rq.request({ type: "take", index: 2 });
  assert.deepEqual(tr.sent, [{ type: "take", index: 2, id: 101 }]);
  assert.equal(rq.pending, 1);
  assert.equal(rq.settle({ type: "pose", id: 55 }), false, "another id is not this request's");
  const buf = new ArrayBuffer(4);
  assert.equal(rq.settle({ type: "take", id: 101, label: "take 1" }, [buf]), true);
  const r = await p;
  assert.equal(r.msg.label, "take 1");
  assert.equal(r.buffers[0], buf);
  assert.equal(rq.pending, 0);
  assert.equal(timers.size, 0, "its timer is cleared");
  assert.equal(rq.settle({ type: "take", id: 101 }), false, "a duplicate reply is ignored");
});

test("an error reply with the same id rejects with the kernel's message", async () => {
  const tr = fakeTransport();
  const timers = fakeTimers();
  const rq = createRequester({ send: tr.send, nextId: tr.nextId, timeoutMs: 1000, timers });
  const p = rq.request({ type: "take", index: 3 });
  rq.settle({ type: "error", id: 101, code: "no_take", message: "take 3 does not exist; 1 take(s) recorded." });
  await assert.rejects(p, /take 3 does not exist; 1 take\(s\) recorded\. \(no_take\)/);
  assert.equal(rq.pending, 0);
  assert.equal(timers.size, 0);
});

test("no reply: the request rejects at its timeout and says what happened", async () => {
  const tr = fakeTransport();
  const timers = fakeTimers();
  const rq = createRequester({ send: tr.send, nextId: tr.nextId, timeoutMs: 2500, timers });
  const p = rq.request({ type: "take_frame", index: 0, frame: 4 });
  const early = rq.request({ type: "take", index: 0 }, 500);
  timers.advance(600);
  await assert.rejects(early, /No reply to the take request \(id 102\) within 0\.5 s: the kernel is busy/);
  assert.equal(rq.pending, 1);
  timers.advance(2000);
  await assert.rejects(p, /take_frame request \(id 101\) within 2\.5 s/);
  assert.equal(rq.pending, 0);
  assert.equal(rq.settle({ type: "take_frame", id: 101 }), false, "a reply after the timeout finds nothing");
});

test("a send that throws rejects at once and leaves nothing pending", async () => {
  const timers = fakeTimers();
  const rq = createRequester({
    send: () => { throw new Error("comm closed"); }, nextId: () => 1, timeoutMs: 1000, timers,
  });
  await assert.rejects(rq.request({ type: "take", index: 0 }), /Could not send the take request: comm closed/);
  assert.equal(rq.pending, 0);
  assert.equal(timers.size, 0);
});

test("dispose rejects every waiting request", async () => {
  const tr = fakeTransport();
  const timers = fakeTimers();
  const rq = createRequester({ send: tr.send, nextId: tr.nextId, timeoutMs: 1000, timers });
  const ps = [rq.request({ type: "take", index: 0 }), rq.request({ type: "take", index: 1 })];
  rq.dispose();
  for (const p of ps) await assert.rejects(p, /cancelled: the camera view was closed/);
  assert.equal(rq.pending, 0);
  assert.equal(timers.size, 0);
});

test("with the real timers too, a request without reply settles", async () => {
  const tr = fakeTransport();
  const rq = createRequester({ send: tr.send, nextId: tr.nextId, timeoutMs: 20 });
  await assert.rejects(rq.request({ type: "take", index: 0 }), /within 0\.0 s/);
  assert.equal(rq.pending, 0);
});
