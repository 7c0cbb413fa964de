// The workbench pages' script: one module, each page's part started by <body data-page>.

import { $, $$, api, ApiError, el, problem, setToken, token } from "./api.js";
import { initPanel } from "./whatif.js";

async function showWho() {
  const who = $("#who");
  if (!who || !token()) return;
  try {
    const me = await api("/api/me");
    if (me.user) {
      who.replaceChildren(`${me.user.name} (${me.user.role}) · `, el("a", { href: "/signin", text: "sign out" }));
    }
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      setToken(null);
      who.replaceChildren("Your token no longer works: ", el("a", { href: "/signin", text: "sign in again" }));
    }
  }
}

function verdictCell(cell, row) {
  const parts = [el("span", { class: `badge ${row.verdict}`, text: row.verdict_label })];
  if (row.stage) parts.push(" ", el("span", { class: "stage", text: row.stage }));
  parts.push(" ", el("span", { class: "margin", text: row.margin_text }));
  cell.replaceChildren(...parts);
  cell.dataset.filled = "1";
  const asOf = cell.parentElement.querySelector("[data-as-of]");
  if (asOf && row.as_of) asOf.textContent = row.as_of;
}

/** Fill the verdict cells the server had not computed yet, two at a time. */
async function fillVerdicts() {
  const cells = $$("td[data-verdict-src]").filter((c) => !c.dataset.filled);
  const next = async () => {
    const cell = cells.shift();
    if (!cell) return;
    try {
      verdictCell(cell, await api(cell.dataset.verdictSrc));
    } catch (err) {
      cell.replaceChildren(el("span", { class: "error", text: err instanceof ApiError ? err.message : String(err) }));
    }
    await next();
  };
  await Promise.all([next(), next()]);
}

function initImport() {
  const form = $("#import-form");
  if (!form) return;
  const status = $("#import-status");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = $("#import-file").files[0];
    if (!file) return;
    status.textContent = `Importing ${file.name}…`;
    const message = $("#import-message").value || "imported";
    try {
      const saved = await api(`/api/scenarios?message=${encodeURIComponent(message)}`, {
        method: "POST",
        headers: { "Content-Type": "application/yaml" },
        body: await file.text(),
      });
      status.textContent = `Imported as ${saved.id}, version ${saved.version}.`;
      window.location.assign(`/scenarios/${saved.id}`);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.status === 401 || err.status === 403) {
        status.replaceChildren("Importing needs an analyst's token: ", el("a", { href: "/signin?next=/", text: "sign in" }), ".");
      } else if (err.status === 409 && err.body && err.body.latest_version) {
        const id = err.errors[0] && err.errors[0].message.match(/'([a-z0-9-]+)'/);
        status.replaceChildren(`${err.errors[0].message} `, id ? el("a", { href: `/scenarios/${id[1]}/edit`, text: "Open it in the editor" }) : "");
      } else {
        const list = el("ul", { class: "problems" });
        for (const e of err.errors) list.append(el("li", { text: problem(e) }));
        status.replaceChildren(`${file.name} was not imported:`, list);
      }
    }
  });
}

/** The briefing's charts, when the reader comes near them: ask for the list (drawn on the
 * server once, then cached), then show each as an image. */
function loadCharts() {
  const section = $("section[data-charts]");
  if (!section) return;
  const seen = new IntersectionObserver((entries) => {
    if (!entries.some((e) => e.isIntersecting)) return;
    seen.disconnect();
    drawCharts(section);
  }, { rootMargin: "400px" });
  seen.observe(section);
}

async function drawCharts(section) {
  const status = $("#charts-status");
  status.textContent = "The briefing's charts are being drawn (the first time takes a while)…";
  const list = section.querySelector(".chart-list");
  try {
    const drawn = await api(section.dataset.charts);
    for (const c of drawn.charts) {
      list.append(el("figure", { class: "chart" }, el("img", { src: c.url, alt: c.caption }), el("figcaption", { text: c.caption })));
    }
    const missing = Object.entries(drawn.unavailable).map(([k, v]) => `${k}: ${v}`);
    status.textContent = drawn.charts.length ? (missing.length ? `Not drawn: ${missing.join("; ")}` : "") : `No chart: ${missing.join("; ") || "nothing to draw"}`;
    if (!status.textContent) status.hidden = true;
  } catch (err) {
    status.textContent = `The charts could not be drawn: ${err instanceof ApiError ? err.message : err}`;
  }
}

function initSignin() {
  const form = $("#signin-form");
  const status = $("#signin-status");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = $("#token").value.trim();
    try {
      const response = await fetch("/signin", { method: "POST", headers: { Authorization: `Bearer ${value}` }, credentials: "same-origin" });
      if (!response.ok) throw new Error("unknown or revoked token");
      setToken(value);
      status.textContent = "Signed in.";
      window.location.assign(form.dataset.next || "/");
    } catch (err) {
      status.textContent = `Not signed in: ${err.message}`;
    }
  });
  $("#signout-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    setToken(null);
    await fetch("/signout", { method: "POST", credentials: "same-origin" });
    status.textContent = "Signed out on this browser.";
    $("#who").replaceChildren(el("a", { href: "/signin", text: "Sign in" }));
  });
}

function initJobs() {
  const form = $("#job-form");
  const box = $("#job-progress");
  const bar = $("#job-bar");
  const text = $("#job-bar-text");
  const status = $("#job-status");
  let current = null;

  async function follow(id) {
    current = id;
    box.hidden = false;
    for (;;) {
      let job;
      try {
        job = await api(`/api/jobs/${id}`);
      } catch (err) {
        status.textContent = `Lost the job: ${err.message}`;
        return;
      }
      const { done, total } = job.progress;
      bar.max = Math.max(total, 1);
      bar.value = done;
      text.textContent = `${job.state}: ${done} of ${total}`;
      if (["done", "failed", "cancelled"].includes(job.state)) {
        window.location.assign(`/scenarios/${form.dataset.scenario}/jobs?job=${id}`);
        return;
      }
      await new Promise((r) => setTimeout(r, 400));
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    status.textContent = "Starting…";
    try {
      const job = await api("/api/jobs", {
        method: "POST",
        json: {
          kind: "simulate",
          scenario: form.dataset.scenario,
          version: Number(form.dataset.version),
          params: { draws: Number(data.get("draws")), seed: Number(data.get("seed")), engine: data.get("engine"), sensitivity: data.get("sensitivity") === "on" },
        },
      });
      status.textContent = "Running.";
      follow(job.id);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
        status.replaceChildren("Starting a job needs an analyst's token: ", el("a", { href: `/signin?next=${location.pathname}`, text: "sign in" }), ".");
      } else {
        status.textContent = `Not started: ${err.message}`;
      }
    }
  });
  $("#job-cancel").addEventListener("click", async () => {
    if (!current) return;
    try {
      await api(`/api/jobs/${current}/cancel`, { method: "POST" });
      status.textContent = "Cancelling…";
    } catch (err) {
      status.textContent = `Not cancelled: ${err.message}`;
    }
  });
  const running = $$("tr[data-job]").find((r) => ["queued", "running"].includes(r.dataset.state));
  if (running) follow(running.dataset.job);
}

const PAGES = {
  library: () => {
    initImport();
    fillVerdicts();
  },
  scenario: () => {
    initPanel($("#whatif"));
    loadCharts();
  },
  history: () => fillVerdicts(),
  timeline: () => loadCharts(),
  jobs: () => initJobs(),
  signin: () => initSignin(),
};

function start() {
  showWho();
  const init = PAGES[document.body.dataset.page];
  if (init) init();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
