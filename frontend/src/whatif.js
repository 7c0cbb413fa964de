// The what-if panel: sliders and switches -> the service's ad hoc what-if, as fast as a hand moves.
//
// At most one quick call is in flight; moves made meanwhile are sent together as soon as it
// answers (the latest setting wins), so the verdict on screen follows the hand without a queue.
// The closest deal and shortfalls need the exact solver: they are asked for (detail: "full")
// once the hand has paused, and a newer pause cancels an older request.

import { $, $$, api, ApiError, el, marginText, problem, reason, VERDICTS } from "./api.js";

const FULL_AFTER_MS = 600;

function formatValue(value, step) {
  const digits = Math.max(0, Math.min(6, -Math.floor(Math.log10(step || 1))));
  return Number(value).toFixed(digits);
}

function issueValue(issue, value) {
  if (typeof value === "string") return value;
  if (!issue) return String(value);
  if (issue.options) return issue.options[Math.min(Math.max(Math.round(value), 0), issue.options.length - 1)];
  // as the briefing words it: a strict bound's offset or solver noise is 0
  const v = Math.abs(value) < 1e-4 * (issue.range || 1) ? 0 : value;
  const text = Number(v.toPrecision(4)).toString();
  return issue.unit ? `${text} ${issue.unit}` : text;
}

/** A shortfall as the page words it: short of the no-deal value, or better off than it. */
function shortfallText(v, tol) {
  if (v === null || v === undefined) return "—";
  return v > tol ? `short by ${v.toFixed(3)}` : `better off by ${Math.max(-v, 0).toFixed(3)}`;
}

export function initPanel(root) {
  const cfg = JSON.parse(root.dataset.panel);
  const controls = new Map();
  const status = $("#whatif-status");
  const verdictBox = $("#verdict");
  const badge = $("#verdict-badge");
  const margin = $("#margin");
  const stage = $("#stage");
  const headline = $("#headline");
  const note = $("#whatif-note");
  const original = {
    verdict: verdictBox.dataset.verdict,
    badge: badge.textContent,
    margin: margin.textContent,
    stage: stage.textContent,
    stageHidden: stage.hidden,
    headline: headline.textContent,
    boxes: Object.fromEntries(
      ["closest-deal-box", "shortfalls-box", "preconditions-box", "clashes-box"].map((id) => [id, $(`#${id}`).innerHTML]),
    ),
  };
  let seq = 0;
  let shown = 0;
  let inflight = false;
  let pending = false;
  let fullTimer = null;
  let fullAbort = null;
  const started = new Map();
  // The status line says what went wrong, or which preset the panel shows.  An answer clears a
  // problem only (a preset's note stays while its settings are on the panel); a hand on a
  // control, or going back to the file's judgments, clears either.
  let problemShown = false;
  function say(text, problem = false) {
    status.textContent = text;
    problemShown = problem;
  }

  function addSlider(input) {
    const path = input.dataset.path;
    const output = document.getElementById(input.id.replace(/^s-/, "o-"));
    const step = Number(input.step) || 1;
    const ctl = { el: input, kind: "number", base: Number(input.dataset.base), dirty: false, output, step };
    controls.set(path, ctl);
    input.addEventListener("input", () => {
      ctl.dirty = true;
      output.textContent = formatValue(input.value, step);
      say("");
      changed();
    });
  }

  function addSwitch(input) {
    const ctl = { el: input, kind: "bool", base: input.dataset.base === "true", dirty: false };
    controls.set(input.dataset.path, ctl);
    input.addEventListener("change", () => {
      ctl.dirty = input.checked !== ctl.base;
      say("");
      changed();
    });
  }

  $$('input[type="range"][data-path]', root).forEach(addSlider);
  $$('input[type="checkbox"][data-path]', root).forEach(addSwitch);

  function newSlider(path, { label, low, high, step, value }) {
    const id = path.replaceAll(".", "-");
    const input = el("input", {
      type: "range", id: `s-${id}`, min: low, max: high, step, value, "data-path": path, "data-base": value,
      "aria-describedby": `d-${id}`,
    });
    const box = el(
      "div", { class: "slider", "data-path": path },
      el("label", { for: `s-${id}`, text: label }),
      el("div", { class: "slider-row" }, input, el("output", { for: `s-${id}`, id: `o-${id}`, text: formatValue(value, step) })),
      el("p", { class: "path", id: `d-${id}` }, el("code", { text: path }), ` · file: ${value}`),
    );
    const none = $("#no-sliders");
    if (none) none.remove();
    $("#sliders").append(box);
    addSlider(input);
    return controls.get(path);
  }

  function pickSlider(path) {
    const option = $$("#pick option").find((o) => o.value === path);
    if (!option) return null;
    const d = option.dataset;
    const ctl = newSlider(path, {
      label: d.label, low: Number(d.low), high: Number(d.high), step: Number(d.step), value: Number(d.value),
    });
    option.remove();
    return ctl;
  }

  const pick = $("#pick");
  if (pick) {
    $("#pick-add").addEventListener("click", () => {
      if (!pick.value) return;
      const ctl = pickSlider(pick.value);
      if (ctl) ctl.el.focus();
    });
  }

  function changes() {
    const out = {};
    for (const [path, c] of controls) {
      if (!c.dirty) continue;
      out[path] = c.kind === "bool" ? c.el.checked : Number(c.el.value);
    }
    return out;
  }

  function changed() {
    seq += 1;
    started.set(seq, performance.now());
    pending = true;
    pump();
    scheduleFull();
  }

  async function pump() {
    if (inflight || !pending) return;
    pending = false;
    inflight = true;
    const mine = seq;
    const body = { changes: changes(), version: cfg.version };
    if (cfg.as_of) body.as_of = cfg.as_of;
    try {
      const answer = await api(`/api/scenarios/${cfg.scenario}/what-if`, { method: "POST", json: body });
      if (mine > shown) {
        shown = mine;
        showQuick(answer, body.changes);
        const t0 = started.get(mine);
        for (const k of started.keys()) if (k <= mine) started.delete(k);
        document.dispatchEvent(new CustomEvent("detente:whatif", { detail: { seq: mine, ms: performance.now() - t0 } }));
      }
    } catch (err) {
      say(err instanceof ApiError ? `Cannot compute this what-if: ${err.message}` : String(err), true);
    } finally {
      inflight = false;
      if (pending) pump();
    }
  }

  function showQuick(answer, sent) {
    const n = Object.keys(sent).length;
    verdictBox.className = `verdict ${answer.verdict}`;
    verdictBox.dataset.verdict = answer.verdict;
    badge.className = `badge ${answer.verdict}`;
    badge.textContent = VERDICTS[answer.verdict] || answer.verdict;
    margin.textContent = marginText(answer.margin, cfg.zopa_tol);
    margin.dataset.margin = answer.margin === null ? "" : String(answer.margin);
    if (answer.stage) {
      stage.textContent = answer.stage;
      stage.hidden = false;
    } else if (n) {
      stage.hidden = true;
    }
    headline.textContent = reason(answer.headline, answer.verdict);
    if (problemShown) say("");
    if (!n) {
      restore();
      return;
    }
    note.hidden = false;
    note.textContent = `With your what-if: ${n} judgment${n === 1 ? "" : "s"} changed (not saved).`;
    const list = el("ul", { id: "preconditions" });
    for (const p of answer.preconditions) {
      const who = cfg.actors[p.actor] || p.actor;
      list.append(el("li", { text: `${who} ${p.veto ? "will not negotiate" : "will not back talks"} until ${p.label}.` }));
    }
    const box = $("#preconditions-box");
    box.replaceChildren(el("h3", { text: "Preconditions not met" }), list);
    if (!answer.preconditions.length) box.append(el("p", { class: "na", text: "Every precondition is met." }));
  }

  function restore() {
    verdictBox.className = `verdict ${original.verdict}`;
    note.hidden = true;
    stage.textContent = original.stage;
    stage.hidden = original.stageHidden;
    for (const [id, html] of Object.entries(original.boxes)) $(`#${id}`).innerHTML = html;
  }

  function scheduleFull() {
    clearTimeout(fullTimer);
    if (fullAbort) fullAbort.abort();
    fullAbort = null;
    const sent = changes();
    if (!Object.keys(sent).length) return;
    const box = $("#closest-deal-box");
    box.setAttribute("aria-busy", "true");
    fullTimer = setTimeout(() => full(sent), FULL_AFTER_MS);
  }

  async function full(sent) {
    const abort = new AbortController();
    fullAbort = abort;
    const body = { changes: sent, version: cfg.version, detail: "full" };
    if (cfg.as_of) body.as_of = cfg.as_of;
    try {
      const a = await api(`/api/scenarios/${cfg.scenario}/what-if`, { method: "POST", json: body, signal: abort.signal });
      if (abort.signal.aborted) return;
      showFull(a);
    } catch (err) {
      if (err && err.name === "AbortError") return;
      say(`The closest deal could not be computed: ${err.message}`, true);
    } finally {
      if (fullAbort === abort) {
        fullAbort = null;
        $("#closest-deal-box").removeAttribute("aria-busy");
      }
    }
  }

  function showFull(a) {
    const dealBox = $("#closest-deal-box");
    const title = a.zopa ? "The closest (most even) deal" : "Terms of the closest deal";
    if (a.closest_deal) {
      const body = el("tbody");
      for (const [k, v] of Object.entries(a.closest_deal)) {
        const issue = cfg.issues[k];
        body.append(el("tr", {}, el("th", { scope: "row", text: issue ? issue.label : k }), el("td", { text: issueValue(issue, v) })));
      }
      const table = el("table", { id: "closest-deal", class: "deal" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Issue" }), el("th", { scope: "col", text: "Value" }))), body);
      dealBox.replaceChildren(el("h3", { id: "closest-deal-title", text: `${title} (with your what-if)` }), table);
    } else {
      dealBox.replaceChildren(el("h3", { id: "closest-deal-title", text: title }),
        el("p", { id: "closest-deal", class: "na", text: "The red lines leave no deal to compare." }));
    }
    const shortBox = $("#shortfalls-box");
    const rows = Object.entries(a.shortfalls || {});
    const sbody = el("tbody");
    for (const [k, v] of rows) {
      sbody.append(el("tr", {}, el("th", { scope: "row", text: cfg.actors[k] || k }), el("td", { class: "num", text: shortfallText(v, cfg.zopa_tol) })));
    }
    shortBox.replaceChildren(el("h3", { text: "Shortfalls at the closest deal (with your what-if)" }),
      rows.length ? el("table", { id: "shortfalls", class: "deal" },
        el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Party" }), el("th", { scope: "col", class: "num", text: "Against its no-deal value" }))), sbody)
        : el("p", { id: "shortfalls", class: "na", text: "No shortfalls to show." }));
    $("#clashes-box").replaceChildren(el("h3", { text: "What clashes" }),
      el("p", { class: "na", text: a.clashes.length ? `${a.clashes.length} clash${a.clashes.length === 1 ? "" : "es"} with your what-if; the file's are worded in its briefing.` : "Nothing clashes with your what-if." }));
  }

  function setAll(target) {
    for (const [path, c] of controls) {
      const value = path in target ? target[path] : c.base;
      if (c.kind === "bool") {
        c.el.checked = Boolean(value);
        c.dirty = c.el.checked !== c.base;
      } else {
        c.el.value = String(value);
        c.output.textContent = formatValue(c.el.value, c.step);
        c.dirty = path in target;
      }
    }
  }

  $$("button[data-preset]", root).forEach((button) => {
    button.addEventListener("click", () => {
      const preset = cfg.what_ifs.find((w) => w.name === button.dataset.preset);
      if (!preset) return;
      for (const path of Object.keys(preset.changes)) {
        if (!controls.has(path)) pickSlider(path);
      }
      const unknown = Object.keys(preset.changes).filter((p) => !controls.has(p));
      setAll(preset.changes);
      $$("button[data-preset]", root).forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
      say(unknown.length ? `Not on the panel: ${unknown.join(", ")}` : `Applied: ${preset.label}`);
      changed();
    });
  });
  $$("button[data-preset]", root).forEach((b) => b.setAttribute("aria-pressed", "false"));

  $("#whatif-reset").addEventListener("click", () => {
    say("");
    setAll({});
    $$("button[data-preset]", root).forEach((b) => b.setAttribute("aria-pressed", "false"));
    changed();
  });

  const form = $("#save-whatif");
  const saveStatus = $("#save-whatif-status");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const sent = changes();
    if (!Object.keys(sent).length) {
      saveStatus.textContent = "Move a slider or a switch first: there is nothing to save.";
      return;
    }
    const data = new FormData(form);
    saveStatus.textContent = "Saving…";
    try {
      const saved = await api(`/api/scenarios/${cfg.scenario}/what-ifs`, {
        method: "POST",
        headers: { "If-Match": String(cfg.version) },
        json: { name: data.get("name"), label: data.get("label"), changes: sent },
      });
      saveStatus.replaceChildren(
        `Saved as version ${saved.version}. `,
        el("a", { href: `/scenarios/${cfg.scenario}?version=${saved.version}`, text: `Open version ${saved.version}` }),
      );
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        saveStatus.replaceChildren(
          `Version ${err.body.latest_version} was saved since you opened version ${cfg.version}: `,
          el("a", { href: `/scenarios/${cfg.scenario}`, text: "open it" }),
          ` and save the what-if there. Your settings: ${Object.entries(sent).map(([k, v]) => `${k} = ${v}`).join(", ")}.`,
        );
      } else if (err instanceof ApiError && err.status === 401) {
        saveStatus.replaceChildren("Saving needs an analyst's token: ", el("a", { href: `/signin?next=${location.pathname}`, text: "sign in" }), ".");
      } else {
        saveStatus.textContent = `Not saved: ${err instanceof ApiError ? err.errors.map(problem).join("; ") || err.message : err}`;
      }
    }
  });
}
