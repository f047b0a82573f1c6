// node --test: the camera view's state machine, its reports to the kernel, banners, percentiles.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  STATES, bannerKind, createStreamStats, isLive, pct, replyTimeout, step, streamFigures,
} from "../pose_state.js";

const OFF = ["idle", "stopped", "ended", "error", "other_view"];
const EVENTS = [
  { type: "start" }, { type: "opened" }, { type: "failed", code: "NotFoundError", detail: "No camera found." },
  { type: "stop" }, { type: "ended" }, { type: "timeout" }, { type: "answer" }, { type: "other_view" },
];

test("a camera session: start, open, busy kernel, answer, stop; reports as the kernel needs", () => {
  const seen = [];
  let state = "idle";
  for (const type of ["start", "opened", "timeout", "answer", "stop"]) {
    const next = step(state, { type });
    seen.push([next.state, next.report?.state ?? null]);
    state = next.state;
  }
  assert.deepEqual(seen, [
    ["starting", "starting"], ["streaming", "streaming"],
    ["kernel_busy", null], // a busy kernel cannot hear it; the page shows it
    ["streaming", null], ["stopped", "stopped"],
  ]);
});

test("a refused camera reports its code and sentence", () => {
  const next = step("starting", { type: "failed", code: "NotAllowedError", detail: "Camera permission was refused." });
  assert.deepEqual(next, {
    state: "error", report: { state: "error", code: "NotAllowedError", detail: "Camera permission was refused." },
  });
  assert.deepEqual(step("error", { type: "start" }), { state: "starting", report: { state: "starting" } });
});

test("start works from every off state and never twice", () => {
  for (const s of OFF) assert.equal(step(s, { type: "start" }).state, "starting", s);
  for (const s of ["starting", "streaming", "kernel_busy"]) {
    assert.deepEqual(step(s, { type: "start" }), { state: s, report: null }, s);
  }
});

test("stop, end of video and another view", () => {
  for (const s of ["starting", "streaming", "kernel_busy"]) {
    assert.deepEqual(step(s, { type: "stop" }), { state: "stopped", report: { state: "stopped" } });
    assert.deepEqual(step(s, { type: "other_view" }), { state: "other_view", report: null });
  }
  for (const s of OFF) assert.equal(step(s, { type: "stop" }).report, null, s);
  assert.deepEqual(step("streaming", { type: "ended" }), { state: "ended", report: { state: "ended" } });
  assert.deepEqual(step("starting", { type: "ended" }), { state: "starting", report: null });
});

test("every state and event gives a known state; only changes are reported", () => {
  for (const s of STATES) {
    for (const e of EVENTS) {
      const next = step(s, /** @type {any} */ (e));
      assert.ok(STATES.includes(next.state), `${s} + ${e.type}`);
      if (next.report) {
        assert.notEqual(next.state, s, `${s} + ${e.type} reports without a change`);
        assert.equal(next.report.state, next.state);
      }
    }
  }
  // exactly these states are reported to the kernel
  const reported = new Set(STATES.flatMap((s) => EVENTS.map((e) => step(s, /** @type {any} */ (e)).report?.state)).filter(Boolean));
  assert.deepEqual([...reported].sort(), ["ended", "error", "starting", "stopped", "streaming"]);
});

test("unknown states and events are errors that name the known ones", () => {
  assert.throws(() => step("running", { type: "stop" }), /unknown camera state "running"; expected one of idle, starting/);
  assert.throws(() => step("idle", /** @type {any} */ ({ type: "pause" })), /unknown camera event "pause"/);
});

test("live states", () => {
  assert.deepEqual(STATES.filter(isLive), ["streaming", "kernel_busy"]);
});

test("banner kinds", () => {
  assert.equal(bannerKind("error", "x"), "err");
  for (const s of ["no_person", "partial", "wrong_side", "kernel_busy"]) assert.equal(bannerKind(s), "warn");
  for (const s of ["other_view", "ended", "done"]) assert.equal(bannerKind(s), "info");
  assert.equal(bannerKind("starting", "Opening the camera…"), "info");
  assert.equal(bannerKind("streaming"), "ok");
});

test("nearest-rank percentile against a direct count", () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (const n of [1, 2, 5, 10, 101]) {
    const xs = Array.from({ length: n }, () => Math.round(rand() * 1000) / 10);
    for (const p of [0, 1, 50, 95, 100]) {
      const v = pct(xs, p);
      // the smallest value with at least p % of the values at or below it
      const below = xs.filter((x) => x <= v).length;
      assert.ok(xs.includes(v));
      assert.ok(below >= Math.max(1, Math.ceil((p / 100) * n)), `n=${n} p=${p}`);
      assert.ok(xs.filter((x) => x < v).length < Math.max(1, Math.ceil((p / 100) * n)), `n=${n} p=${p}`);
    }
  }
  assert.equal(pct([], 50), 0);
});

test("stream figures: replies in the last 2 s and percentiles of each series", () => {
  const now = 10000;
  const replyTimes = [7000, 7999, 8000, 8500, 9000, 9999]; // 4 within [8000, 10000]
  const latencies = [100, 300, 200, 400];
  const f = streamFigures({ now, replyTimes, latencies, encodeMs: [5, 7, 6], procMs: [] });
  assert.deepEqual(f, { fps: 2, p50: 200, p95: 400, encodeP50: 6, kernelP50: 0 });
  assert.equal(streamFigures({ now, replyTimes, latencies, encodeMs: [], procMs: [], windowMs: 4000 }).fps, 1.5);
});

test("reply timeout: the widget's own on a quick server, longer on a slow one, bounded", () => {
  assert.equal(replyTimeout(2000, []), 2000);
  const quick = Array.from({ length: 30 }, (_, i) => 40 + i);
  assert.equal(replyTimeout(2000, quick), 2000);
  // a saturated class server: round trips up to 1.5 s -> wait three times the 95th percentile
  const slow = Array.from({ length: 30 }, (_, i) => 500 + 35 * i);
  const p95 = pct(slow, 95);
  assert.ok(p95 > 1400 && p95 < 1600);
  assert.equal(replyTimeout(2000, slow), 3 * p95);
  // a kernel that has stopped answering is still reported within 4 x timeout_ms
  assert.equal(replyTimeout(2000, [30000, 30000]), 8000);
});

test("stream stats keep answers of the last 2 s and the newest 120 latencies, 60 of the others", () => {
  const stats = createStreamStats();
  for (let i = 0; i < 100; i++) stats.answered(i * 50); // 20 per s over 5 s
  for (let i = 0; i < 200; i++) stats.latency(i);
  for (let i = 0; i < 100; i++) { stats.encoded(i); stats.kernel(2 * i); }
  const f = stats.figures(100 * 50);
  // the last 2 s hold 40 answers; latencies 80..199 remain; encodings 40..99 and kernel 80..198
  const expected = streamFigures({ now: 5000, replyTimes: Array.from({ length: 40 }, (_, i) => 3000 + i * 50),
    latencies: Array.from({ length: 120 }, (_, i) => 80 + i), encodeMs: Array.from({ length: 60 }, (_, i) => 40 + i),
    procMs: Array.from({ length: 60 }, (_, i) => 80 + 2 * i) });
  assert.deepEqual(f, expected);
  assert.equal(f.fps, 20);
  assert.equal(f.p50, pct(Array.from({ length: 120 }, (_, i) => 80 + i), 50));
  assert.equal(createStreamStats().figures(0).fps, 0);
});
