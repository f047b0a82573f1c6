// Recorded takes in the camera view: pick one or two, replay them side by side frame by frame.
// The landmarks and (if recorded) the video frames come from the kernel on request.

import { h } from "./pose_dom.js";
import { paintSkeleton, skeletonPlan } from "./pose_draw.js";
import { fitContain } from "./pose_geometry.js";
import { bytes, f32 } from "./pose_messages.js";

/**
 * Build the takes panel inside `box`.
 * @param {{ model: any, box: HTMLElement,
 *   request: (content: Record<string, unknown>) => Promise<{ msg: any, buffers: any[] }> }} opts
 * @returns {{ dispose(): void }}
 */
export function createReplay({ model, box, request }) {
  const list = h("div", "rfl-take-list");
  const selA = /** @type {HTMLSelectElement} */ (h("select", "rfl-select"));
  const selB = /** @type {HTMLSelectElement} */ (h("select", "rfl-select"));
  selA.setAttribute("aria-label", "Take to replay");
  selB.setAttribute("aria-label", "Take to compare with");
  const loadBtn = /** @type {HTMLButtonElement} */ (h("button", "rfl-btn", "Replay"));
  const prev = /** @type {HTMLButtonElement} */ (h("button", "rfl-btn", "◀ Frame"));
  const next = /** @type {HTMLButtonElement} */ (h("button", "rfl-btn", "Frame ▶"));
  const play = /** @type {HTMLButtonElement} */ (h("button", "rfl-btn", "▶ Play"));
  for (const b of [loadBtn, prev, next, play]) b.type = "button";
  const slider = /** @type {HTMLInputElement} */ (h("input", "rfl-slider"));
  slider.type = "range";
  slider.min = "0";
  slider.setAttribute("aria-label", "Replay frame");
  const label = h("span", "rfl-replay-label", "");
  label.setAttribute("role", "status");
  const panes = h("div", "rfl-replay-panes");
  const controls = h("div", "rfl-replay-controls");
  controls.append(prev, slider, next, play, label);
  list.append("Takes: ", selA, " compare with ", selB, loadBtn);
  box.append(list, controls, panes);
  controls.hidden = true;
  /** @type {any[]} */ let loaded = [];
  let frameIdx = 0;
  /** @type {any} */ let playTimer = null;

  const fail = (/** @type {any} */ err) => {
    if (playTimer) togglePlay();
    box.dataset.replayError = String(err?.message ?? err);
    label.textContent = `⚠ ${box.dataset.replayError}`;
  };

  function refresh() {
    const takes = model.get("takes") ?? [];
    box.hidden = !takes.length;
    const opts = (/** @type {boolean} */ none) => [
      ...(none ? [Object.assign(h("option", "", "—"), { value: "" })] : []),
      ...takes.map((/** @type {any} */ tk) => Object.assign(
        h("option", "", `${tk.label} (${tk.n_frames} frames, ${tk.duration_s.toFixed(1)} s)`),
        { value: String(tk.index) })),
    ];
    selA.replaceChildren(...opts(false));
    selB.replaceChildren(...opts(true));
    if (takes.length) selA.value = String(takes[takes.length - 1].index);
  }

  async function load() {
    const idx = [selA.value, selB.value].filter((v) => v !== "").map(Number);
    loaded = [];
    panes.replaceChildren();
    delete box.dataset.replayError;
    for (const i of idx) {
      const r = await request({ type: "take", index: i });
      const c = /** @type {HTMLCanvasElement} */ (h("canvas", "rfl-replay-canvas"));
      const [w, hh] = r.msg.size?.[0] ? r.msg.size : [640, 480];
      c.width = w; c.height = hh;
      const pane = h("figure", "rfl-replay-pane");
      pane.append(c, h("figcaption", "", r.msg.label));
      panes.append(pane);
      loaded.push({ ...r.msg, lm: f32(r.buffers[0]), canvas: c, box: fitContain(w, hh, w, hh) });
    }
    if (!loaded.length) return;
    controls.hidden = false;
    slider.max = String(Math.max(...loaded.map((x) => x.n_frames)) - 1);
    await show(0);
  }

  async function show(/** @type {number} */ i) {
    frameIdx = Math.max(0, Math.min(Number(slider.max), i));
    slider.value = String(frameIdx);
    for (const tk of loaded) {
      const j = Math.min(frameIdx, tk.n_frames - 1);
      const ctx = /** @type {CanvasRenderingContext2D} */ (tk.canvas.getContext("2d"));
      ctx.fillStyle = "#202020";
      ctx.fillRect(0, 0, tk.canvas.width, tk.canvas.height);
      if (tk.has_video) {
        const r = await request({ type: "take_frame", index: tk.index, frame: j });
        if (r.buffers?.[0]) {
          const bmp = await createImageBitmap(new Blob([bytes(r.buffers[0])], { type: "image/jpeg" }));
          // a frame of another shape is letterboxed, and the skeleton with it
          tk.box = fitContain(bmp.width, bmp.height, tk.canvas.width, tk.canvas.height);
          ctx.drawImage(bmp, tk.box.x, tk.box.y, tk.box.w, tk.box.h);
          bmp.close();
        }
      }
      paintSkeleton(ctx, skeletonPlan(tk.lm, tk.box, { pose: j }));
    }
    const t = loaded[0].t[Math.min(frameIdx, loaded[0].n_frames - 1)] ?? 0;
    label.textContent = `frame ${frameIdx + 1} / ${Number(slider.max) + 1} · ${t.toFixed(2)} s`;
    box.dataset.replayFrame = String(frameIdx);
  }

  function togglePlay() {
    if (playTimer) { clearInterval(playTimer); playTimer = null; play.textContent = "▶ Play"; return; }
    play.textContent = "⏸ Pause";
    playTimer = setInterval(() => {
      if (frameIdx >= Number(slider.max)) return togglePlay();
      show(frameIdx + 1).catch(fail);
    }, 1000 / 30);
  }

  /** @type {[HTMLElement, string, EventListener][]} */
  const listeners = [
    [loadBtn, "click", () => { load().catch(fail); }],
    [prev, "click", () => { show(frameIdx - 1).catch(fail); }],
    [next, "click", () => { show(frameIdx + 1).catch(fail); }],
    [play, "click", togglePlay],
    [slider, "input", () => { show(Number(slider.value)).catch(fail); }],
  ];
  for (const [el, ev, fn] of listeners) el.addEventListener(ev, fn);
  model.on("change:takes", refresh);
  refresh();
  return {
    dispose() {
      clearInterval(playTimer);
      for (const [el, ev, fn] of listeners) el.removeEventListener(ev, fn);
      model.off("change:takes", refresh);
    },
  };
}
