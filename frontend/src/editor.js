// The scenario editor: CodeMirror 6 with YAML, the loader's problems at their line and column as
// the analyst types (POST /api/check, nothing saved), save as a new version (PUT with If-Match),
// and a save that comes after someone else's: told so, merged or reloaded, nothing lost.

import { EditorState } from "@codemirror/state";
import {
  EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, defaultHighlightStyle, foldGutter, foldKeymap, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { yaml } from "@codemirror/lang-yaml";
import { lintGutter, lintKeymap, setDiagnostics } from "@codemirror/lint";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { merge } from "node-diff3";

import { $, api, ApiError, el, problem } from "./api.js";

const CHECK_AFTER_MS = 350;

const root = $("#editor-root");
const source = $("#source");
const scenario = root.dataset.scenario;
let base = Number(root.dataset.base);
let savedText = source.value;
let checkTimer = null;
let checkAbort = null;
let checkSeq = 0;
const nonce = document.querySelector('meta[name="detente-nonce"]').content;

function offset(doc, line, column) {
  const n = Math.min(Math.max(line || 1, 1), doc.lines);
  const info = doc.line(n);
  return Math.min(info.from + Math.max((column || 1) - 1, 0), info.to);
}

function diagnostics(state, errors) {
  const doc = state.doc;
  return errors.map((e) => {
    const from = e.line ? offset(doc, e.line, e.column) : 0;
    const lineEnd = doc.lineAt(from).to;
    return {
      from,
      to: Math.max(from, Math.min(lineEnd, from + 40)),
      severity: e.severity === "warning" ? "warning" : "error",
      message: (e.path ? `${e.path}: ` : "") + e.message,
    };
  });
}

const status = $("#check-status");
const list = $("#problem-list");

function showProblems(view, errors) {
  view.dispatch(setDiagnostics(view.state, diagnostics(view.state, errors)));
  list.replaceChildren();
  for (const e of errors) {
    const button = el("button", { type: "button", class: "linklike", text: problem(e) });
    button.addEventListener("click", () => {
      const at = e.line ? offset(view.state.doc, e.line, e.column) : 0;
      view.dispatch({ selection: { anchor: at }, scrollIntoView: true });
      view.focus();
    });
    list.append(el("li", { "data-line": e.line || "" }, button));
  }
  status.textContent = errors.length ? `${errors.length} problem${errors.length === 1 ? "" : "s"} in the file.` : "No problems: the file loads.";
  root.dataset.problems = String(errors.length);
}

async function check(view) {
  if (checkAbort) checkAbort.abort();
  const abort = new AbortController();
  checkAbort = abort;
  const mine = ++checkSeq;
  const text = view.state.doc.toString();
  status.textContent = "Checking…";
  try {
    const answer = await api("/api/check", { method: "POST", headers: { "Content-Type": "application/yaml" }, body: text, signal: abort.signal });
    if (mine === checkSeq) showProblems(view, answer.errors);
  } catch (err) {
    if (err && err.name === "AbortError") return;
    if (mine === checkSeq) {
      if (err instanceof ApiError && err.status === 422 && err.errors.length) showProblems(view, err.errors);
      else status.textContent = `Could not check: ${err.message}`;
    }
  }
}

function scheduleCheck(view) {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(() => check(view), CHECK_AFTER_MS);
}

const view = new EditorView({
  parent: root,
  state: EditorState.create({
    doc: source.value,
    extensions: [
      EditorView.cspNonce.of(nonce),
      lineNumbers(),
      highlightActiveLineGutter(),
      foldGutter(),
      lintGutter(),
      history(),
      drawSelection(),
      indentOnInput(),
      bracketMatching(),
      highlightActiveLine(),
      highlightSelectionMatches(),
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
      yaml(),
      keymap.of([
        { key: "Mod-s", preventDefault: true, run: () => { save(); return true; } },
        ...defaultKeymap, ...historyKeymap, ...foldKeymap, ...searchKeymap, ...lintKeymap, indentWithTab,
      ]),
      EditorView.contentAttributes.of({ "aria-labelledby": "source-label", "aria-multiline": "true", tabindex: "0" }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) scheduleCheck(update.view);
      }),
    ],
  }),
});
source.hidden = true;
source.setAttribute("aria-hidden", "true");
source.tabIndex = -1;
$("#source-label").addEventListener("click", () => view.focus());
root.classList.add("ready");
window.detenteEditor = view; // for tests and the console: the editor's view
check(view);

function setText(text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

const saveStatus = $("#save-status");
const conflict = $("#conflict");
let mine = null; // the analyst's text when a save was refused, kept until they save

async function save() {
  const text = view.state.doc.toString();
  const message = $("#message").value;
  saveStatus.textContent = "Saving…";
  try {
    const saved = await api(`/api/scenarios/${scenario}?message=${encodeURIComponent(message)}`, {
      method: "PUT",
      headers: { "Content-Type": "application/yaml", "If-Match": String(base) },
      body: text,
    });
    base = saved.version;
    root.dataset.base = String(base);
    savedText = text;
    mine = null;
    conflict.hidden = true;
    $("#message").value = "";
    $("#editor-base").textContent = `Editing version ${base}, the latest: saving makes version ${base + 1}.`;
    saveStatus.replaceChildren(`Saved version ${saved.version}. `,
      el("a", { href: `/scenarios/${scenario}?version=${saved.version}`, text: "Open it" }), " · ",
      el("a", { href: `/scenarios/${scenario}/history`, text: "History" }));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 409) showConflict(err.body, text);
    else if (err.status === 422) {
      showProblems(view, err.errors);
      saveStatus.textContent = "Not saved: the file has problems (listed above).";
    } else if (err.status === 401 || err.status === 403) {
      saveStatus.replaceChildren(`Not saved: ${err.message}. `, el("a", { href: `/signin?next=${location.pathname}`, text: "Sign in" }), " (your text stays here).");
    } else saveStatus.textContent = `Not saved: ${err.message}`;
  }
}

function showConflict(body, text) {
  mine = text;
  const latest = body.latest_version;
  conflict.hidden = false;
  conflict.dataset.latest = String(latest);
  $("#conflict-text").textContent =
    `Version ${latest} was saved since you opened version ${body.base_version}, so your save was refused. ` +
    "Merge their changes into your text (then review and save), or load their version.";
  $("#conflict-diff").textContent = body.diff ? body.diff.unified : "";
  saveStatus.textContent = `Not saved: version ${latest} is newer than the version you edited.`;
  $("#conflict-h").focus();
}

async function versionText(number) {
  const v = await api(`/api/scenarios/${scenario}/versions/${number}`);
  return v.text;
}

$("#conflict-merge").addEventListener("click", async () => {
  const latest = Number(conflict.dataset.latest);
  const text = view.state.doc.toString();
  try {
    const [original, theirs] = await Promise.all([versionText(base), versionText(latest)]);
    const split = (t) => t.split("\n");
    const merged = merge(split(text), split(original), split(theirs), {
      label: { a: "your text", b: `version ${latest}` },
    });
    setText(merged.result.join("\n"));
    base = latest;
    root.dataset.base = String(base);
    $("#editor-base").textContent = `Editing your text merged with version ${latest}: saving makes version ${latest + 1}.`;
    conflict.hidden = true;
    saveStatus.textContent = merged.conflict
      ? `Merged with version ${latest}, with conflicts: both sides are marked (<<<<<<< … >>>>>>>) in the text; keep what you want and save.`
      : `Merged with version ${latest}: their changes and yours are in the editor. Review and save.`;
    view.focus();
  } catch (err) {
    saveStatus.textContent = `Could not merge: ${err.message}`;
  }
});

$("#conflict-reload").addEventListener("click", async () => {
  const latest = Number(conflict.dataset.latest);
  try {
    const theirs = await versionText(latest);
    mine = mine || view.state.doc.toString();
    setText(theirs);
    base = latest;
    root.dataset.base = String(base);
    savedText = theirs;
    $("#editor-base").textContent = `Editing version ${latest}, the latest: saving makes version ${latest + 1}.`;
    saveStatus.textContent = `Loaded version ${latest}. Your text is kept: "Download my text" gives it back.`;
    $("#conflict-merge").disabled = true;
    $("#conflict-text").textContent = `Loaded version ${latest}; your refused text can still be downloaded.`;
  } catch (err) {
    saveStatus.textContent = `Could not load version ${latest}: ${err.message}`;
  }
});

$("#conflict-download").addEventListener("click", () => {
  const text = mine || view.state.doc.toString();
  const url = URL.createObjectURL(new Blob([text], { type: "application/yaml" }));
  const a = el("a", { href: url, download: `${scenario}-my-text.yaml` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
});

$("#save-form").addEventListener("submit", (event) => {
  event.preventDefault();
  save();
});

window.addEventListener("beforeunload", (event) => {
  if (view.state.doc.toString() !== savedText || mine) {
    event.preventDefault();
    event.returnValue = "";
  }
});
