// Drawing plans for the camera overlay: which bones, points and labels to draw from a landmark
// buffer, computed without a canvas; then one small function that paints a plan.
// Unit-tested in tests/pose_draw.test.mjs.

import { fullBox, toCanvas } from "./pose_geometry.js";

/** Values per landmark in a buffer: x, y, z, visibility (widgets/_messages.py). */
export const LANDMARK_WIDTH = 4;
export const N_LANDMARKS = 33;
/** Landmarks less visible than this are not drawn (MediaPipe visibility, 0..1). */
export const MIN_VISIBILITY = 0.3;

/** Bones as landmark index pairs (course.pose.landmarks.SKELETON). */
export const SKELETON = Object.freeze([
  [11, 12], [11, 13], [13, 15], [12, 14], [14, 16],
  [11, 23], [12, 24], [23, 24],
  [23, 25], [25, 27], [27, 29], [29, 31], [27, 31],
  [24, 26], [26, 28], [28, 30], [30, 32], [28, 32],
  [0, 7], [0, 8],
].map((b) => Object.freeze(b)));
/** The person's left side (drawn in amber; right side and midline in blue). */
export const LEFT = new Set([11, 13, 15, 23, 25, 27, 29, 31, 7]);
export const COLORS = Object.freeze({ left: "#ffb000", other: "#00c2ff", point: "#ffffff" });

/**
 * @typedef {{ a: number, b: number, from: [number, number], to: [number, number],
 *   color: string }} Bone
 * @typedef {{ index: number, at: [number, number] }} Point
 * @typedef {{ bones: Bone[], points: Point[], lineWidth: number, radius: number }} SkeletonPlan
 */

/**
 * What to draw of one pose: visible bones and points in canvas pixels.
 * @param {Float32Array} lm landmark buffer, 33 x 4 floats per pose
 * @param {import("./pose_geometry.js").Box} box where the picture lies on the canvas
 * @param {{ mirror?: boolean, pose?: number, minVisibility?: number }} [opts]
 *   `pose`: which pose of a multi-pose buffer (a recorded take holds one per frame)
 * @returns {SkeletonPlan} empty lists when the pose is missing (NaN) or out of the buffer
 */
export function skeletonPlan(lm, box, { mirror = false, pose = 0, minVisibility = MIN_VISIBILITY } = {}) {
  const base = pose * N_LANDMARKS * LANDMARK_WIDTH;
  const plan = { bones: [], points: [], lineWidth: Math.max(2, box.w / 220), radius: Math.max(2.5, box.w / 200) };
  if (base + N_LANDMARKS * LANDMARK_WIDTH > lm.length || !Number.isFinite(lm[base])) return plan;
  const at = (/** @type {number} */ i) => toCanvas(lm[base + i * 4], lm[base + i * 4 + 1], box, mirror);
  const seen = (/** @type {number} */ i) => lm[base + i * 4 + 3] >= minVisibility;
  for (const [a, b] of SKELETON) {
    if (!seen(a) || !seen(b)) continue;
    const color = LEFT.has(a) && LEFT.has(b) ? COLORS.left : COLORS.other;
    plan.bones.push({ a, b, from: at(a), to: at(b), color });
  }
  for (let i = 0; i < N_LANDMARKS; i++) if (seen(i)) plan.points.push({ index: i, at: at(i) });
  return plan;
}

/**
 * Text lines for the live numbers: `knee angle: 12.3°` for each finite metric, in the order
 * the kernel sent them.
 * @param {Record<string, unknown> | null | undefined} metrics @param {number} [max]
 */
export function metricLines(metrics, max = 8) {
  const lines = [];
  for (const [k, v] of Object.entries(metrics ?? {})) {
    if (typeof v === "number" && Number.isFinite(v)) lines.push(`${k.replace(/_/g, " ")}: ${v.toFixed(1)}°`);
  }
  return lines.slice(0, max);
}

/**
 * The side the numbers belong to: `left side (locked)` once the self-test locked it at setup,
 * `left side` while it may still change; "" when the kernel did not say.
 * @param {{ side?: string, locked?: boolean }} reply
 */
export function sideLine(reply) {
  if (!reply.side) return "";
  return `${reply.side} side${reply.locked ? " (locked)" : ""}`;
}

/**
 * The feedback line under the picture: the protocol's message, else the pipeline's, cut to
 * `max` characters; "" when there is none.
 * @param {{ feedback?: { message?: string } | null, message?: string }} reply @param {number} [max]
 */
export function footerLine(reply, max = 70) {
  const text = reply.feedback?.message || reply.message;
  return text ? String(text).slice(0, max) : "";
}

/**
 * The feedback panel's text: `[phase] message — 40 %`; null hides the panel.
 * @param {{ phase?: string, message?: string, progress?: number } | null | undefined} fb
 */
export function feedbackText(fb) {
  if (!fb) return null;
  const progress = typeof fb.progress === "number" ? ` — ${Math.round(fb.progress * 100)} %` : "";
  return `${fb.phase ? `[${fb.phase}] ` : ""}${fb.message ?? ""}${progress}`;
}

/**
 * Paint a skeleton plan. @param {CanvasRenderingContext2D} ctx @param {SkeletonPlan} plan
 * @returns {number} bones drawn
 */
export function paintSkeleton(ctx, plan) {
  ctx.lineWidth = plan.lineWidth;
  ctx.lineCap = "round";
  for (const bone of plan.bones) {
    ctx.strokeStyle = bone.color;
    ctx.beginPath();
    ctx.moveTo(...bone.from);
    ctx.lineTo(...bone.to);
    ctx.stroke();
  }
  ctx.fillStyle = COLORS.point;
  for (const p of plan.points) {
    ctx.beginPath();
    ctx.arc(p.at[0], p.at[1], plan.radius, 0, 2 * Math.PI);
    ctx.fill();
  }
  return plan.bones.length;
}

/**
 * Paint lines of text on a dark box at (x, y), sized to the canvas.
 * @param {CanvasRenderingContext2D} ctx @param {string[]} lines @param {number} x @param {number} y
 */
export function paintTextBox(ctx, lines, x, y) {
  if (!lines.length) return;
  const size = textSize(ctx.canvas.width, ctx.canvas.height);
  ctx.font = `${size}px sans-serif`;
  const wBox = Math.max(...lines.map((l) => ctx.measureText(l).width)) + size;
  ctx.fillStyle = "rgba(0,0,0,0.55)";
  ctx.fillRect(x, y, wBox, lines.length * size * 1.3 + size * 0.5);
  ctx.fillStyle = "#fff";
  lines.forEach((l, i) => ctx.fillText(l, x + size / 2, y + size * (1.2 + 1.3 * i)));
}

/** Font size in px for overlay text on a w x h canvas. @param {number} w @param {number} h */
export function textSize(w, h) {
  return Math.max(12, Math.round(Math.max(w, (h * 4) / 3) / 45));
}

/**
 * Paint one frame's overlay on a canvas of the frame's size (CSS letterboxes picture and overlay
 * alike): the skeleton if there are landmarks, the side and the live numbers top left, the
 * feedback line at the bottom.
 * @param {CanvasRenderingContext2D} ctx @param {Float32Array | null} lm one pose, 33 x 4 floats
 * @param {{ metrics?: Record<string, unknown>, side?: string, locked?: boolean,
 *   feedback?: { message?: string } | null, message?: string }} reply the kernel's pose reply
 * @param {{ mirror: boolean, showAngles: boolean }} opts
 */
export function paintOverlay(ctx, lm, reply, { mirror, showAngles }) {
  const w = ctx.canvas.width, hh = ctx.canvas.height;
  ctx.clearRect(0, 0, w, hh);
  if (lm) paintSkeleton(ctx, skeletonPlan(lm, fullBox(w, hh), { mirror }));
  const side = sideLine(reply);
  const numbers = showAngles ? metricLines(reply.metrics) : [];
  paintTextBox(ctx, numbers.length && side ? [side, ...numbers] : numbers, 8, 8);
  const footer = footerLine(reply);
  if (footer) paintTextBox(ctx, [footer], 8, hh - textSize(w, hh) * 2.2);
}
