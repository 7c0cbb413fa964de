// Talking to the service: the signed-in token, JSON and YAML requests, errors for people.

const KEY = "detente.token";

export function token() {
  try {
    return window.localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function setToken(value) {
  try {
    if (value) window.localStorage.setItem(KEY, value);
    else window.localStorage.removeItem(KEY);
  } catch {
    /* storage refused (private mode): the token lives as long as the page */
  }
}

export class ApiError extends Error {
  constructor(status, body) {
    const errors = body && Array.isArray(body.errors) ? body.errors : [];
    super(errors.length ? describe(errors) : `the server answered ${status}`);
    this.status = status;
    this.body = body;
    this.errors = errors;
  }
}

/** One problem as a line: "line 12, column 3: actors.UKR: unknown field". */
export function problem(e) {
  const where = [];
  if (e.line) where.push(`line ${e.line}` + (e.column ? `, column ${e.column}` : ""));
  if (e.path) where.push(e.path);
  return (where.length ? where.join(": ") + ": " : "") + e.message;
}

export function describe(errors) {
  return errors.map(problem).join("; ");
}

/** fetch with the token, JSON in and out; a non-2xx answer throws ApiError. */
export async function api(path, { method = "GET", json, body, headers = {}, signal } = {}) {
  const h = { Accept: "application/json", ...headers };
  const t = token();
  if (t) h.Authorization = `Bearer ${t}`;
  let payload = body;
  if (json !== undefined) {
    h["Content-Type"] = "application/json";
    payload = JSON.stringify(json);
  }
  let response;
  try {
    response = await fetch(path, { method, headers: h, body: payload, signal, credentials: "same-origin" });
  } catch (err) {
    if (err && err.name === "AbortError") throw err;
    throw new ApiError(0, { errors: [{ message: "the server cannot be reached" }] });
  }
  const type = response.headers.get("content-type") || "";
  const data = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) throw new ApiError(response.status, typeof data === "string" ? null : data);
  return data;
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

/** An element with text (never HTML) and attributes. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

export const VERDICTS = { ripe: "Ripe", blocked: "Blocked", premature: "Premature", not_ripe: "Not ripe" };

/** The margin as the briefing words it (detente.briefing.display.margin_text). */
export function marginText(margin, tol) {
  if (margin === null || margin === undefined) return "red lines clash";
  if (margin === Infinity) return "no veto party constrains the deal";
  if (margin >= -tol) {
    const m = Math.max(margin, 0);
    return `margin +${m.toFixed(3)}`;
  }
  return `gap ${(-margin).toFixed(3)}`;
}

/** The headline after its verdict, capitalised (as the briefing shows it beside the badge). */
export function reason(headline, verdict) {
  const prefix = `${VERDICTS[verdict] || verdict}: `;
  const text = headline.startsWith(prefix) ? headline.slice(prefix.length) : headline;
  return text.charAt(0).toUpperCase() + text.slice(1);
}
