// node --test: which bones, points and labels the overlay draws, computed without a canvas.
import assert from "node:assert/strict";
import { test } from "node:test";

import { fitContain, fullBox, toCanvas } from "../pose_geometry.js";
import {
  COLORS, LEFT, MIN_VISIBILITY, N_LANDMARKS, SKELETON, feedbackText, footerLine, metricLines, sideLine,
  paintOverlay, paintSkeleton, skeletonPlan,
} from "../pose_draw.js";

/** `poses` poses of 33 landmarks: x = i/40 + pose/10, y = 1 - i/40, visibility from `vis`. */
function buffer(poses = 1, vis = () => 1) {
  const lm = new Float32Array(poses * N_LANDMARKS * 4);
  for (let p = 0; p < poses; p++) {
    for (let i = 0; i < N_LANDMARKS; i++) {
      lm.set([i / 40 + p / 10, 1 - i / 40, 0, vis(i)], (p * N_LANDMARKS + i) * 4);
    }
  }
  return lm;
}

test("every bone and point of a fully visible pose, at the mapped positions", () => {
  const lm = buffer();
  const box = fullBox(640, 480);
  const plan = skeletonPlan(lm, box);
  assert.equal(plan.bones.length, SKELETON.length);
  assert.equal(plan.points.length, N_LANDMARKS);
  for (const bone of plan.bones) {
    assert.deepEqual(bone.from, toCanvas(lm[bone.a * 4], lm[bone.a * 4 + 1], box, false));
    assert.deepEqual(bone.to, toCanvas(lm[bone.b * 4], lm[bone.b * 4 + 1], box, false));
    assert.equal(bone.color, LEFT.has(bone.a) && LEFT.has(bone.b) ? COLORS.left : COLORS.other);
  }
  const leftBones = plan.bones.filter((b) => b.color === COLORS.left).map((b) => `${b.a}-${b.b}`);
  assert.deepEqual(leftBones, ["11-13", "13-15", "11-23", "23-25", "25-27", "27-29", "29-31", "27-31"]);
});

test("landmarks below the visibility threshold and their bones are left out", () => {
  const hidden = new Set([25, 26, 0]); // both knees and the nose
  const plan = skeletonPlan(buffer(1, (i) => (hidden.has(i) ? MIN_VISIBILITY - 0.01 : MIN_VISIBILITY)), fullBox(100, 100));
  assert.equal(plan.points.length, N_LANDMARKS - hidden.size);
  assert.ok(plan.points.every((p) => !hidden.has(p.index)));
  const expected = SKELETON.filter(([a, b]) => !hidden.has(a) && !hidden.has(b)).length;
  assert.equal(plan.bones.length, expected);
  assert.equal(expected, SKELETON.length - 6); // 23-25, 25-27, 24-26, 26-28, 0-7, 0-8
});

test("no person (NaN) or a pose beyond the buffer draws nothing", () => {
  const lm = buffer();
  lm[0] = NaN;
  assert.deepEqual(skeletonPlan(lm, fullBox(64, 48)).bones, []);
  assert.deepEqual(skeletonPlan(buffer(2), fullBox(64, 48), { pose: 2 }).points, []);
});

test("a take's frame j is read at its own offset; mirror and letterbox apply", () => {
  const lm = buffer(3);
  const box = fitContain(1280, 720, 640, 480);
  const plan = skeletonPlan(lm, box, { pose: 2, mirror: true });
  const nose = plan.points.find((p) => p.index === 0);
  // x = 0/40 + 2/10 stored as float32, mirrored: 80 % across the 640 px wide picture
  assert.deepEqual(nose?.at, toCanvas(Math.fround(0.2), 1, box, true));
  assert.ok(Math.abs(nose.at[0] - 512) < 1e-4 && nose.at[1] === 420);
});

test("line width and point size follow the picture's width", () => {
  const small = skeletonPlan(buffer(), fullBox(200, 150));
  const big = skeletonPlan(buffer(), fullBox(1760, 1320));
  assert.deepEqual([small.lineWidth, small.radius], [2, 2.5]);
  assert.deepEqual([big.lineWidth, big.radius], [8, 8.8]);
});

test("paintSkeleton strokes each bone and fills each point of the plan", () => {
  const calls = [];
  const ctx = new Proxy({}, {
    get: (_, name) => (...args) => calls.push([name, ...args]),
    set: (_, name, value) => (calls.push([`set ${String(name)}`, value]), true),
  });
  const plan = skeletonPlan(buffer(1, (i) => (i < 13 ? 1 : 0)), fullBox(640, 480));
  const drawn = paintSkeleton(/** @type {any} */ (ctx), plan);
  assert.equal(drawn, 3); // 11-12, 0-7 and 0-8 have both ends among landmarks 0..12
  assert.equal(calls.filter((c) => c[0] === "stroke").length, 3);
  assert.equal(calls.filter((c) => c[0] === "arc").length, 13);
  const move = calls.find((c) => c[0] === "moveTo");
  assert.deepEqual(move?.slice(1), plan.bones[0].from);
});

test("metric lines: finite numbers only, underscores to spaces, one decimal, at most max", () => {
  const metrics = { knee_angle: 12.345, hip: null, trunk_lean: -3, sway: NaN, label: "x" };
  assert.deepEqual(metricLines(metrics), ["knee angle: 12.3°", "trunk lean: -3.0°"]);
  assert.deepEqual(metricLines(metrics, 1), ["knee angle: 12.3°"]);
  assert.deepEqual(metricLines(undefined), []);
});

test("footer and feedback panel texts", () => {
  assert.equal(footerLine({ feedback: { message: "Stand tall" }, message: "ignored" }), "Stand tall");
  assert.equal(footerLine({ feedback: null, message: "No person in view" }), "No person in view");
  assert.equal(footerLine({ message: "x".repeat(100) }).length, 70);
  assert.equal(footerLine({}), "");
  assert.equal(feedbackText(null), null);
  assert.equal(feedbackText({ phase: "capture", message: "Hold", progress: 0.404 }), "[capture] Hold — 40 %");
  assert.equal(feedbackText({ message: "Step back" }), "Step back");
});

test("sideLine names the side measured and whether the self-test locked it", () => {
  assert.equal(sideLine({ side: "left", locked: true }), "left side (locked)");
  assert.equal(sideLine({ side: "right", locked: false }), "right side");
  assert.equal(sideLine({}), "");
});

test("paintOverlay clears the canvas, draws the skeleton, the numbers with their side and the footer", () => {
  const calls = [];
  const ctx = new Proxy({ canvas: { width: 640, height: 480 } }, {
    get: (target, name) => (name === "canvas" ? target.canvas
      : name === "measureText" ? () => ({ width: 50 }) : (...args) => calls.push([name, ...args])),
    set: (_, name, value) => (calls.push([`set ${String(name)}`, value]), true),
  });
  const reply = { metrics: { knee_angle: 12.34 }, side: "left", locked: true, message: "Stand still" };
  paintOverlay(/** @type {any} */ (ctx), buffer(), reply, { mirror: false, showAngles: true });
  assert.deepEqual(calls[0], ["clearRect", 0, 0, 640, 480]);
  assert.equal(calls.filter((c) => c[0] === "stroke").length, SKELETON.length);
  const texts = calls.filter((c) => c[0] === "fillText").map((c) => c[1]);
  assert.deepEqual(texts, ["left side (locked)", "knee angle: 12.3°", "Stand still"]);
  calls.length = 0;
  paintOverlay(/** @type {any} */ (ctx), null, reply, { mirror: false, showAngles: false });
  assert.equal(calls.filter((c) => c[0] === "stroke").length, 0);
  assert.deepEqual(calls.filter((c) => c[0] === "fillText").map((c) => c[1]), ["Stand still"]);
});
